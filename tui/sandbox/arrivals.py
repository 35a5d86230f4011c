"""Arrivals and departures: the users and projects that come and go week by week, so the world keeps living.

The base world (`org_list`, `user_list`, `project_list`) is written as of the epoch. On top of it, every day has
its arrivals, drawn from ``(seed, day)`` alone, so a day's arrivals are the same in every world dated after it:

* users: `Pace.users_per_week` a week, on set week days (the demo: one each Wednesday), each joining a live
  organization (big ones more often); each leaves (``deletedDate``) `Pace.user_weeks` weeks later, on the same
  week day, and is gone from the lists `PURGE_DAYS` later;
* projects: `Pace.projects_per_week` a week, deleted `Pace.project_weeks` weeks and three days later, gone from the
  lists `PURGE_DAYS` later (their ``scheduledFullDeletionDate``);
* the demo's flapping organization (`Pace.flapper`, Müller Präzisionstechnik, at its user limit): one user joins
  it on the first day of every even week (days are ordinals: week = day // 7) and leaves a week later, so its
  status goes from "at limit" to "over" and back every week.

So within any 7 days of the demo world a user and a project arrive, a user and a project leave, and one inner
organization changes status. Arrivals start `HISTORY_DAYS` before the day the world is dated: anyone who arrived
earlier has left before the 365 days of daily metrics begin, and counts in none of them.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from tui.sandbox import names
from tui.sandbox.landmarks import ARRIVAL_KIND, EPOCH, TIERS, WHITELABEL_ID, Body, derive_seed
from tui.sandbox.state import WorldState

PURGE_DAYS = 30
ORIGIN = EPOCH.toordinal() - 3_000  # ids count days from here, so a later arrival has a larger id
ARRIVAL_USER_ID = 5_000_000
ARRIVAL_PROJECT_ID = 5_000_000
PER_DAY = 64  # id room per day (arrivals of one day never reach it)
FLAPPER_SLOT = PER_DAY - 1
USER_DAY, PROJECT_DAY = 2, 1  # week days (day % 7) the first arrivals of a week come on
ROOM = 0.8  # arrivals go to organizations below this share of their user (or project) limit on the epoch


@dataclass(frozen=True)
class Pace:
    users_per_week: int
    user_weeks: int  # how long an arriving user stays
    projects_per_week: int
    project_weeks: int
    flapper: int | None  # org index whose member count goes over its limit and back every week


PACES = {
    "demo": Pace(1, 8, 1, 8, 4),
    "large": Pace(14, 26, 7, 26, None),
    "huge": Pace(28, 26, 21, 26, None),
}


def history_days(pace: Pace) -> int:
    """How far back arrivals can still matter: the metrics' 365 days, plus a stay, plus the purge."""
    return 365 + 7 * max(pace.user_weeks, pace.project_weeks) + 3 + PURGE_DAYS + 7


def add_arrivals(st: WorldState) -> None:
    """Append every arrival of the days before ``today`` that still matters to the world's lists."""
    pace = PACES[st.scale]
    today = st.dates.today
    st.arrival_users = {}
    st.arrival_projects = {}
    for day in range(today - history_days(pace), today):
        slot = day % 7
        for k in range(pace.users_per_week):
            if (USER_DAY + k) % 7 == slot:
                _user(st, day, k, day + 7 * pace.user_weeks, flapper=None)
        if pace.flapper is not None and slot == 0 and (day // 7) % 2 == 0:
            _user(st, day, FLAPPER_SLOT, day + 7, flapper=pace.flapper)
        for k in range(pace.projects_per_week):
            if (PROJECT_DAY + k) % 7 == slot:
                _project(st, day, k, day + 7 * pace.project_weeks + 3)


def _pick_org(st: WorldState, day: int, rng: random.Random, limit: str) -> int | None:
    """A live organization created before ``day`` with room under its ``limit`` (of users or projects, as of the
    epoch), not the flapping one: big ones more often."""
    flapper = PACES[st.scale].flapper
    for _ in range(20):
        index = st.picker[int(rng.random() * len(st.picker))]
        o = st.orgs[index]
        if index == flapper or o.created >= day or o.deleted or o.profile == "quiet":
            continue
        used = st.org_alive_members[index] if limit == "numberOfUsers" else st.org_live_projects[index]
        allowed = st.inner_organizations[index]["entitlementLimits"][limit]
        if used < ROOM * allowed and used + 2 <= allowed:
            return index
    return None


def _user(st: WorldState, day: int, k: int, leaves: int, flapper: int | None) -> None:
    rng = random.Random(derive_seed(st.seed, ARRIVAL_KIND, ((day - ORIGIN) * PER_DAY + k) * 2))
    r = rng.random
    org = flapper if flapper is not None else _pick_org(st, day, rng, "numberOfUsers")
    if org is None:
        return
    d = st.dates
    today = d.today
    first, last = (
        names.FIRST_NAMES[int(r() * len(names.FIRST_NAMES))],
        names.LAST_NAMES[int(r() * len(names.LAST_NAMES))],
    )
    uid = ARRIVAL_USER_ID + (day - ORIGIN) * PER_DAY + k
    handle = f"{_slug(first)}.{_slug(last)}{uid % 1000}"
    user: Body = {
        "id": uid,
        "username": handle if r() < 0.5 else handle.replace(".", ""),
        "email": f"{handle}@{st.orgs[org].domain}",
        "name": f"{first} {last}",
        "created": d.stamp(day, 0.3 + 0.5 * r()),
        "activated": r() > 0.08,
        "from_evaluation": r() < 0.05,
        "tier": TIERS[int(r() * 4)] if r() < 0.5 else ("enterprise" if st.orgs[org].billable else "free"),
    }
    if r() < 0.35:
        user["photo"] = f"https://usercdn.{names.WHITELABEL_DOMAIN}/photos/{uid}.jpg"
    if leaves < today:
        user["deletedDate"] = d.stamp(leaves, 0.2 + 0.6 * r())
    ui = len(st.whitelabel_users)
    st.whitelabel_users.append(user)
    st.user_org.append(org)
    st.user_created.append(day)
    if leaves < today:
        st.user_deleted[ui] = leaves
    st.org_member_list[org].append(ui)
    st.arrival_users[ui] = (day, leaves)


def _project(st: WorldState, day: int, k: int, gone: int) -> None:
    rng = random.Random(derive_seed(st.seed, ARRIVAL_KIND, ((day - ORIGIN) * PER_DAY + k) * 2 + 1))
    r = rng.random
    org = _pick_org(st, day, rng, "numberOfProjects")
    if org is None:
        return
    d = st.dates
    o = st.orgs[org]
    name, category = names.PROJECT_NAMES[int(r() * len(names.PROJECT_NAMES))]
    name += names.PROJECT_SUFFIXES[int(r() * len(names.PROJECT_SUFFIXES))]
    project: Body = {
        "id": ARRIVAL_PROJECT_ID + (day - ORIGIN) * PER_DAY + k,
        "name": name,
        "created": d.stamp(day, 0.3 + 0.5 * r()),
        "owner": o.name,
        "ownerOrganizationId": o.id,
        "lastAccessed": d.stamp(day, 0.9),  # moved on by `present`
        "whitelabelId": WHITELABEL_ID,
        "tier": "enterprise" if o.billable else TIERS[int(r() * 3)],
        "category": category,
    }
    if gone < d.today:
        project["deletedDate"] = d.stamp(gone, 0.2 + 0.6 * r())
    pi = len(st.whitelabel_projects)
    st.whitelabel_projects.append(project)
    st.project_owner_org.append(org)
    st.project_public.append(r() < 0.12)
    st.org_projects[org].append(pi)
    st.arrival_projects[pi] = (day, gone)


@functools.lru_cache(maxsize=1024)
def _slug(name: str) -> str:
    return names.ascii_slug(name)


def visible(st: WorldState, arrivals: dict[int, tuple[int, int]], index: int) -> bool:
    """False for an arrival gone from the lists (left or deleted more than `PURGE_DAYS` ago)."""
    span = arrivals.get(index)
    return span is None or st.dates.today <= span[1] + PURGE_DAYS
