"""The present: the fields that say how things stand on the day the world is dated, moved on from the epoch.

History (ids, names, creation and deletion dates, memberships, daily records) never depends on the day the world
is dated; these fields do, and only move forward from one day to a later one:

* ``lastSeen`` of a user who was around at the epoch (seen in its last 21 days): seen again every few days until
  the day they drift away (for some, never; for others a month to two and a half years after the epoch, drawn
  from their id); an arriving user is seen until they leave; the others keep their last visit;
* ``lastAccessed`` of a project in use at the epoch (opened in its last 14 days) likewise, and of an arriving one;
* an active organization's last activity is yesterday;
* an inner organization's limits are renewed with each compute year (a contract's anniversary, or its creation's
  without one): compute and GPU for the activity its profile expects that year, storage for the data it holds,
  relative to the epoch's limits (the ones its story was written with); and within a year, ``computeTimePerYear``
  is raised by a tenth each time the weekly raise (`RAISE_DAY`) picks it;
* ``privateProjectCount`` counts the arrived projects that are still there.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from tui.sandbox.arrivals import visible
from tui.sandbox.landmarks import PRESENT_KIND, derive_seed
from tui.sandbox.metrics import expected_activity, mix, storage_level, year_start
from tui.sandbox.state import WorldState
from tui.sandbox.usage import org_plan

NEVER = 10**7  # an ordinal past any date: "does not drift away"
RECENT_USER_DAYS = 21
RECENT_PROJECT_DAYS = 14
RAISE_DAY = 5  # the week day (day % 7) an inner organization's compute limit may be raised
RAISE_STEP = 0.1
VISIT_GAP = 7  # nobody who is still coming stays away longer


def live_until_today(st: WorldState) -> None:
    """Move every present field from the epoch to ``st.dates.today``."""
    _organizations(st)
    _users(st)
    _projects(st)
    _limits(st)
    _counts(st)
    st.visible_users = [u for ui, u in enumerate(st.whitelabel_users) if visible(st, st.arrival_users, ui)]
    st.visible_projects = [p for pi, p in enumerate(st.whitelabel_projects) if visible(st, st.arrival_projects, pi)]


def drift_day(seed: int, entity_id: int, kind: int, anchor: int) -> int:
    """The day someone (``kind`` 0) or a project (1) around at the epoch stops coming: never, for about half; for
    the others between a month and two and a half years after the epoch, drawn from their id."""
    h = (((seed * 1_000_003 + entity_id) * 2 + kind) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFF
    h ^= h >> 23
    if h % 100 < 55:
        return NEVER
    return anchor + (30, 60)[kind] + (h >> 8) % (900, 700)[kind]


def last_visit(seed: int, entity_id: int, end: int, floor: int) -> tuple[int, int]:
    """The last visit before ``end`` (exclusive), never before ``floor``: (day, minute of the day). Each comes back
    every 1 to `VISIT_GAP` days, on days fixed by their id, so a later ``end`` never gives an earlier visit."""
    h = ((seed * 1_000_003 + entity_id) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFF
    h ^= h >> 21
    every = 1 + h % VISIT_GAP
    day = end - 1 - (end - 1 - (h >> 4)) % every
    return (day if day > floor else floor), ((h >> 9) + day * 97) % 1440


def visit_end(st: WorldState, ui: int) -> int | None:
    """The last day a white-label user is around (their daily metrics stop after it); None: still around."""
    if ui in st.arrival_users:
        return st.arrival_users[ui][1] - 1
    seen = st.user_seen[ui]
    if not seen:
        return st.user_created[ui]
    if ui in st.user_deleted:
        return st.user_deleted[ui]
    if not _around_at_epoch(st, ui, seen):
        return seen
    drift = drift_day(st.seed, st.whitelabel_users[ui]["id"], 0, st.anchor)
    return None if drift >= NEVER else drift - 1


def _around_at_epoch(st: WorldState, ui: int, seen: int) -> bool:
    org = st.user_org[ui]
    return seen >= st.anchor - RECENT_USER_DAYS and not (org >= 0 and st.orgs[org].profile == "quiet")


def _organizations(st: WorldState) -> None:
    yesterday = st.dates.today - 1
    for o, meta in zip(st.orgs, st.org_meta, strict=True):
        if o.profile == "quiet":
            continue  # went still (or was deleted) before the epoch
        o.last_active = yesterday
        hour = 3 + mix(o.id, yesterday) % 20
        meta["lastActive"] = datetime(*date.fromordinal(yesterday).timetuple()[:3], hour, o.id % 60, tzinfo=UTC)


def _users(st: WorldState) -> None:
    """The hot loop of a huge world's start (100,000 users): local names and no calls for those not around."""
    d = st.dates
    today, anchor, base, seed = d.today, st.anchor, d.base, st.seed
    days_t, times_z = d.days_t, d.times_z
    users, deleted, user_org = st.whitelabel_users, st.user_deleted, st.user_org
    quiet = {o.index for o in st.orgs if o.profile == "quiet"}
    recent = anchor - RECENT_USER_DAYS
    for ui, seen in enumerate(st.user_seen):
        if seen < recent or ui in deleted or user_org[ui] in quiet:
            continue  # never seen, gone, or drifted away before the epoch: the last visit stays
        user = users[ui]
        uid = user["id"]
        end = drift_day(seed, uid, 0, anchor)
        day, minute = last_visit(seed, uid, today if today < end else end, seen)
        if day > seen:
            user["lastSeen"] = days_t[day - base] + times_z[minute]
    for ui, (joined, leaves) in st.arrival_users.items():
        user = users[ui]
        if user["activated"]:
            day, minute = last_visit(seed, user["id"], min(today, leaves), joined)
            user["lastSeen"] = max(user["created"], days_t[day - base] + times_z[minute])
    for k, person in enumerate(st.plain_users):
        if "lastSeen" in person:
            seen = date.fromisoformat(person["lastSeen"][:10]).toordinal()
            day, minute = last_visit(seed, person["id"], today, seen)
            if day > seen:
                person["lastSeen"] = days_t[day - base] + times_z[(minute + k) % 1440]


def _projects(st: WorldState) -> None:
    d = st.dates
    today, anchor, base, seed = d.today, st.anchor, d.base, st.seed
    days_t, times_z = d.days_t, d.times_z
    projects, owner_org = st.whitelabel_projects, st.project_owner_org
    quiet = {o.index for o in st.orgs if o.profile == "quiet"}
    recent = anchor - RECENT_PROJECT_DAYS
    for pi, accessed in enumerate(st.project_accessed):
        if accessed < recent or owner_org[pi] in quiet:
            continue
        project = projects[pi]
        if "deletedDate" in project:
            continue
        pid = project["id"]
        end = drift_day(seed, pid, 1, anchor)
        day, minute = last_visit(seed, -pid, today if today < end else end, accessed)
        if day > accessed:
            project["lastAccessed"] = days_t[day - base] + times_z[minute]
    for pi, (created, gone) in st.arrival_projects.items():
        project = projects[pi]
        day, minute = last_visit(seed, -project["id"], min(today, gone), created)
        project["lastAccessed"] = max(project["created"], days_t[day - base] + times_z[minute])


def raises(st: WorldState, today: int) -> Counter[int]:
    """Per org index, how often its compute limit was raised in the contract year running the day before
    ``today``: each week's raise goes to a billable organization drawn from the week."""
    billable = [o.index for o in st.orgs if o.billable and not o.deleted]
    counts: Counter[int] = Counter()
    if not billable:
        return counts
    first_week = (today - 1 - 366) // 7
    for week in range(first_week, (today - 1) // 7 + 1):
        day = week * 7 + RAISE_DAY
        if not today - 366 <= day < today:
            continue
        index = billable[mix(derive_seed(st.seed, PRESENT_KIND, 0), week) % len(billable)]
        o = st.orgs[index]
        if day >= year_start(o.contract_start or o.created, today - 1) and day > o.created:
            counts[index] += 1
    return counts


def _limits(st: WorldState) -> None:
    today = st.dates.today
    now, then = raises(st, today), raises(st, st.anchor)
    for o in st.orgs:
        origin = o.contract_start or o.created
        year, epoch_year = year_start(origin, today - 1), year_start(origin, st.anchor - 1)
        if now[o.index] == then[o.index] and (year == epoch_year or o.profile == "quiet"):
            continue
        compute = storage = 1.0
        if year != epoch_year and o.profile != "quiet":  # renewed since: sized like the epoch's, for this year
            plan = org_plan(st, o.index, events=False)
            paced = expected_activity(plan, max(epoch_year, o.created), st.anchor - 1)  # what the epoch's was for
            compute = expected_activity(plan, year - 365, year - 1) / paced
            storage = storage_level(plan, year - 1) / max(1, storage_level(plan, st.anchor - 1))
        limits = st.inner_organizations[o.index]["entitlementLimits"]
        raised = (1 + RAISE_STEP * now[o.index]) / (1 + RAISE_STEP * then[o.index])
        limits["computeTimePerYear"] = round(limits["computeTimePerYear"] * compute * raised)
        limits["gpuComputeTimePerYear"] = round(limits["gpuComputeTimePerYear"] * compute)
        limits["totalStorage"] = round(limits["totalStorage"] * max(storage, 1.0))


def _counts(st: WorldState) -> None:
    """Private projects still there: the epoch's count, plus arrivals not deleted, without a public version."""
    today = st.dates.today
    for pi, (_, gone) in st.arrival_projects.items():
        org = st.project_owner_org[pi]
        if gone >= today and not st.project_public[pi]:
            st.inner_organizations[org]["privateProjectCount"] += 1
