"""Bodies built on daily metrics: inner-organization info and compute time, and the white label's totals."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from tui.sandbox.landmarks import INNER_INFO_KIND, METRICS_KIND, OWNER_ORG_ID, Body, derive_seed
from tui.sandbox.metrics import (
    ActivityPlan,
    Event,
    compute_scale,
    compute_units,
    daily_metrics,
    iso_day,
    summed_metrics,
    year_start,
)
from tui.sandbox.state import WorldState


def inner_organization_meta(st: WorldState, inner_id: int) -> Body:
    """Server-side facts for filtering: ``{"deleted": bool, "lastActive": datetime (UTC), "billable": bool}``."""
    return st.org_meta[st.org_index[inner_id]]


def org_plan(st: WorldState, index: int, *, events: bool = True) -> ActivityPlan:
    """What an inner org's daily metrics must add up to: its members, projects and targets (without ``events``:
    only its activity and storage, for a look at its shape)."""
    o = st.orgs[index]
    members: list[Event] = [(added, st.user_deleted.get(ui)) for ui, added in st.members(index)] if events else []
    projects = [st.project_event(pi) for pi in st.org_projects[index]] if events else []
    return ActivityPlan(
        seed=derive_seed(st.seed, METRICS_KIND, o.id),
        created=o.created,
        last_active=o.last_active if o.profile == "quiet" else None,  # quiet (and deleted) orgs went still
        contract_start=o.contract_start,
        profile=o.profile,
        wave_day=o.wave_day,
        member_events=members,
        project_events=projects,
        staff_users=o.staff,
        anchor=st.anchor,
        contract_compute_target=o.compute_target,
        gpu_share=o.gpu_share,
        storage_final=o.storage_final,
    )


def org_daily_metrics(st: WorldState, index: int) -> list[Body]:
    return st.cache.get((METRICS_KIND, st.orgs[index].id), lambda: daily_metrics(org_plan(st, index), st.last_day))


def inner_organization_info(st: WorldState, inner_id: int) -> Body | None:
    index = st.org_index.get(inner_id)
    if index is None:
        return None
    return st.cache.get((INNER_INFO_KIND, inner_id), lambda: inner_info_body(st, index))


def inner_info_body(st: WorldState, index: int) -> Body:
    """Inner-organization info: usage against limits from the last day of its metrics."""
    o = st.orgs[index]
    daily = org_daily_metrics(st, index)
    last = daily[-1]
    cpu = last["totalCurrentContractCpuComputeTimeSeconds"]
    gpu = last["totalCurrentContractGpuComputeTimeSeconds"]
    body: Body = {
        "cpuComputeTime": cpu,
        "gpuComputeTime": gpu,
        "totalComputeTime": round((cpu + gpu) / 60, 2),
        "billable": o.billable,
        "entitlementLimits": dict(st.inner_organizations[index]["entitlementLimits"]),
        "computeTimeCurrentContractSince": last["computeTimeCalculatedSince"],
        "totalStorage": last["totalStorageSizeBytes"],
        "dailyMetrics": daily,
    }
    if o.index % 3 == 0:
        body["extensionBlocks"] = [{"id": 500 + o.index, "name": "Anomaly report exporter"}]
        body["extensionSettings"] = {
            "extensionsEnabled": True,
            "extensionsAllowMembers": o.index % 2 == 0,
            "extensionsAllowLocalhost": False,
            "extensionsAllowedDomains": [o.domain.removesuffix(".example") + ".com"],
        }
    return body


def compute_time(st: WorldState, inner_id: int, start: datetime, end: datetime) -> Body | None:
    """Compute time summed over the days from ``start`` to ``end`` (inclusive, UTC dates)."""
    index = st.org_index.get(inner_id)
    if index is None:
        return None
    first, last = iso_day(start.date().toordinal()), iso_day(end.date().toordinal())
    cpu = gpu = 0
    for record in org_daily_metrics(st, index):
        if first <= record["date"] <= last:
            cpu += record["cpuComputeTimeSeconds"]
            gpu += record["gpuComputeTimeSeconds"]
    return {"cpuComputeTime": cpu, "gpuComputeTime": gpu, "totalComputeTime": round((cpu + gpu) / 60, 2)}


def whitelabel_metrics(st: WorldState) -> Body:
    """The white label's totals, built once (they walk every list)."""
    if st.whitelabel_totals is None:
        st.whitelabel_totals = whitelabel_metrics_body(st)
    return st.whitelabel_totals


def whitelabel_metrics_body(st: WorldState) -> Body:
    today = st.dates.today
    alive = [o for o in st.orgs if not o.deleted]
    users = st.visible_users
    live_users = [u for u in users if "deletedDate" not in u]
    cutoff = st.dates.days[today - 30 - st.dates.base]
    projects = st.visible_projects
    live_projects = [p for p in projects if "deletedDate" not in p]
    daily = whitelabel_daily_metrics(st)
    last = daily[-1]
    return {
        "totalOrganizations": len(alive),
        "deletedOrganizations": len(st.orgs) - len(alive),
        "billableOrganizations": sum(1 for o in alive if o.billable),
        "activeOrganizations30d": sum(1 for o in alive if o.last_active >= today - 30),
        "totalUsers": len(live_users),
        "deletedUsers": len(users) - len(live_users),
        "activeUsers30d": sum(1 for u in live_users if u.get("lastSeen", "") >= cutoff),
        "pendingUsers": sum(1 for u in live_users if not u["activated"]),
        "usersByTier": dict(sorted(Counter(u["tier"] for u in live_users).items())),
        "totalProjects": len(live_projects),
        "deletedProjects": len(projects) - len(live_projects),
        "projectsByCategory": dict(sorted(Counter(p["category"] for p in live_projects).items())),
        "totalStorageBytes": last["totalStorageSizeBytes"],
        "computeTimeSecondsCurrentContract": last["totalCurrentContractComputeTimeSeconds"],
        "computeTimeCalculatedSince": last["computeTimeCalculatedSince"],
        "dailyMetrics": daily,
    }


def whitelabel_daily_metrics(st: WorldState) -> list[Body]:
    """The sum over inner organizations (and the owner's staff); at large scales, one aggregate series."""
    contract = st.owner_contract_start()
    if len(st.orgs) <= 300:
        series = [org_daily_metrics(st, o.index) for o in st.orgs]
        first = st.last_day - 364
        since = year_start(contract, first)
        cpu = gpu = 0
        for o in st.orgs:  # what each org used in the white label's contract year before the first record
            plan = org_plan(st, o.index)
            for day_cpu, day_gpu in compute_units(plan, since, first - 1, compute_scale(plan)):
                cpu += day_cpu
                gpu += day_gpu
        return summed_metrics(series, contract, (cpu, gpu))
    members: list[Event] = []
    for index, _o in enumerate(st.orgs):
        members += [(added, st.user_deleted.get(ui)) for ui, added in st.members(index)]
    events = [st.project_event(pi) for pi in range(len(st.whitelabel_projects))]
    plan = ActivityPlan(
        seed=derive_seed(st.seed, METRICS_KIND, 0),
        created=st.anchor - 2400,
        last_active=None,
        contract_start=contract,
        profile="growth",
        wave_day=st.anchor,
        member_events=members,
        project_events=events,
        staff_users=sum(o.staff for o in st.orgs),
        anchor=st.anchor,
        contract_compute_target=sum(o.compute_target for o in st.orgs) // 2,
        gpu_share=0.2,
        storage_final=sum(o.storage_final for o in st.orgs),
    )
    return daily_metrics(plan, st.last_day)


# -- the two top-level organizations' own usage (not served as daily metrics; behind /metrics and their jobs) ----


def owner_created(st: WorldState) -> int:
    return st.anchor - 2400


def plain_created(st: WorldState) -> int:
    return st.anchor - 950


def plain_members(st: WorldState) -> list[tuple[int, int]]:
    """(user index, day added) of Harbor's people: the JWT user first, then its own (negative indices)."""
    start = st.anchor - 900
    return [(st.user_index[st.jwt_user_id], start)] + [(-k - 1, start + k * 40) for k in range(len(st.plain_users))]


def plain_project_days(st: WorldState) -> list[int]:
    return [date.fromisoformat(p["created"][:10]).toordinal() for p in st.plain_projects]


def top_level_daily_metrics(st: WorldState, org_id: int) -> list[Body]:
    """The owner's or Harbor's own daily records since the organization was created (oldest first)."""
    return st.cache.get(
        (METRICS_KIND, org_id), lambda: daily_metrics(top_level_plan(st, org_id), st.last_day, _life(st, org_id))
    )


def _life(st: WorldState, org_id: int) -> int:
    created = owner_created(st) if org_id == OWNER_ORG_ID else plain_created(st)
    return st.last_day - created + 1


def top_level_plan(st: WorldState, org_id: int) -> ActivityPlan:
    if org_id == OWNER_ORG_ID:
        created = owner_created(st)
        members: list[Event] = [(added, None) for _, added in st.members(-1)]
        projects = [st.project_event(pi) for pi in st.owner_projects]
        contract: int | None = st.owner_contract_start()
        staff = len(members)
        target = (staff + 1) * 900 * 200
        gpu_share, storage = 0.25, (staff + len(projects)) * 4 * 2**30
    else:
        created = plain_created(st)
        members = [(added, None) for _, added in plain_members(st)]
        projects = [(day, None) for day in plain_project_days(st)]
        contract = None  # no contract: a compute year from each anniversary of its creation
        staff = 0
        target = (len(members) + 1) * 1_500 * (st.anchor - year_start(created, st.anchor - 1))
        gpu_share, storage = 0.15, (len(members) + len(projects)) * 3 * 2**30
    return ActivityPlan(
        seed=derive_seed(st.seed, METRICS_KIND, org_id),
        created=created,
        last_active=None,
        contract_start=contract,
        profile="steady",
        wave_day=st.anchor,
        member_events=members,
        project_events=projects,
        staff_users=0,
        anchor=st.anchor,
        contract_compute_target=target,
        gpu_share=gpu_share,
        storage_final=storage,
    )


def organization_metrics(st: WorldState, org_id: int, visibility: str | None) -> Body:
    """``GET /api/organizations/{id}/metrics`` of the owner or Harbor: compute in minutes (CPU + GPU), the
    current contract's CPU and GPU seconds, storage, and live projects (of one visibility) and members."""
    records = top_level_daily_metrics(st, org_id)
    last = records[-1]
    cpu = last["totalCurrentContractCpuComputeTimeSeconds"]
    gpu = last["totalCurrentContractGpuComputeTimeSeconds"]
    total = sum(r["cpuComputeTimeSeconds"] + r["gpuComputeTimeSeconds"] for r in records)
    if org_id == OWNER_ORG_ID:
        public = [st.project_public[pi] for pi in st.owner_projects if "deletedDate" not in st.whitelabel_projects[pi]]
    else:
        public = [k == 1 for k in range(len(st.plain_projects))]  # Harbor's second project has a public version
    if visibility is not None:
        public = [flag for flag in public if flag == (visibility == "public")]
    return {
        "totalJobsComputeTime": round(total / 60, 2),
        "jobsComputeTimeCurrentYear": round((cpu + gpu) / 60, 2),
        "jobsComputeTimeCurrentYearSince": last["computeTimeCalculatedSince"],
        "cpuComputeTimeCurrentContract": cpu,
        "gpuComputeTimeCurrentContract": gpu,
        "totalStorage": last["totalStorageSizeBytes"],
        "projectCount": len(public),
        "userCount": last["totalUsers"],
    }
