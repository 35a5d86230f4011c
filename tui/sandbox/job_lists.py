"""The world's jobs: which job source each organization, project and user belongs to, and jobs in the API's shape.

`jobs` draws one source's jobs from its daily records; this module builds those sources from the world (an inner
organization, the owner, Harbor, a user's developer profile), keeps a few sources' job lists, and renders rows
as the SDK's ``Job``.
"""

from __future__ import annotations

from datetime import date

from tui.sandbox.jobs import (
    CATEGORIES,
    JOBS_PER_SOURCE_DAY,
    SLOTS_PER_DAY,
    JobRow,
    JobSource,
    Member,
    ProjectRef,
    source_jobs,
)
from tui.sandbox.landmarks import JOB_KIND, OWNER_ORG_ID, PLAIN_ORG_ID, Body
from tui.sandbox.people import user_base
from tui.sandbox.projects import all_collaborator_ids
from tui.sandbox.state import WorldState
from tui.sandbox.usage import org_daily_metrics, plain_members, plain_project_days, top_level_daily_metrics
from tui.sandbox.users import user_daily_metrics

OWNER_SLOT, PLAIN_SLOT, INNER_SLOT, PROFILE_SLOT = 0, 1, 2, 10_000
INNER_JOB_LIMIT_S = 120 * 60  # the inner organizations' `performance.jobLimitM`
OWNER_JOB_LIMIT_S = 240 * 60
DAYS_KEPT = 365


def inner_jobs(st: WorldState, index: int) -> list[JobRow]:
    """An inner organization's jobs, newest first (its projects' jobs and its own)."""
    return st.job_cache.get((JOB_KIND, INNER_SLOT + index), lambda: source_jobs(_inner_source(st, index)))


def top_level_jobs(st: WorldState, org_id: int) -> list[JobRow]:
    """The owner's or Harbor's jobs, newest first."""
    slot = OWNER_SLOT if org_id == OWNER_ORG_ID else PLAIN_SLOT
    return st.job_cache.get((JOB_KIND, slot), lambda: source_jobs(_top_level_source(st, org_id)))


def profile_jobs(st: WorldState, ui: int) -> list[JobRow]:
    """The jobs of a user's developer profile (the projects they own), newest first; [] without one."""
    if not st.user_projects.get(ui):
        return []
    return st.job_cache.get((JOB_KIND, PROFILE_SLOT + ui), lambda: source_jobs(_profile_source(st, ui)))


def project_jobs(st: WorldState, pi: int) -> list[JobRow]:
    """A white-label project's jobs, from the source that owns it."""
    owner = st.project_owner_org[pi]
    if owner == -2:
        jobs = profile_jobs(st, st.project_owner_user[pi])
    elif owner == -1:
        jobs = top_level_jobs(st, OWNER_ORG_ID)
    else:
        jobs = inner_jobs(st, owner)
    return [job for job in jobs if job.project is not None and job.project.index == pi]


def user_jobs(st: WorldState, ui: int) -> list[JobRow]:
    """The jobs a white-label user started, in every organization they belong to and on their profile."""
    lists = [top_level_jobs(st, OWNER_ORG_ID)] if ui < st.size.staff else [inner_jobs(st, o) for o in st.orgs_of(ui)]
    lists.append(profile_jobs(st, ui))
    mine = [job for jobs in lists for job in jobs if job.ui == ui]
    mine.sort(key=lambda job: (job.day, job.second, job.id), reverse=True)
    return mine


def job_org_id(st: WorldState, job: JobRow) -> int:
    """The organization a job ran in (for its key); 0 for a developer profile."""
    slot = (job.id // JOBS_PER_SOURCE_DAY) % SLOTS_PER_DAY
    if slot == OWNER_SLOT:
        return OWNER_ORG_ID
    if slot == PLAIN_SLOT:
        return PLAIN_ORG_ID
    if slot < PROFILE_SLOT:
        return st.orgs[slot - INNER_SLOT].id
    return 0


def job_key(st: WorldState, job: JobRow) -> str:
    """The job's external key, e.g. ``learn-train-300412``: its kind and its project (or organization)."""
    return f"{CATEGORIES[job.category].key}-{job.project.id if job.project else job_org_id(st, job)}"


def job_body(st: WorldState, job: JobRow) -> Body:
    """One job as the SDK's ``Job``: times in UTC, compute in seconds, the project in ``metadata``."""
    kind = CATEGORIES[job.category]
    day = st.dates.days[job.day - st.dates.base]
    body: Body = {
        "id": job.id,
        "category": kind.title,
        "categoryKey": kind.key,
        "key": job_key(st, job),
        "created": _stamp(day, job.second),
    }
    if job.queue_s is not None:
        body["started"] = _stamp(day, job.second + job.queue_s)
        if job.duration_s is not None:
            body["finished"] = _stamp(day, job.second + job.queue_s + job.duration_s)
            body["finishedSuccessful"] = job.ok
    creator = user_base(st, job.ui)
    body["jobNotificationUids"] = [creator["id"]]
    if job.failure:
        body["additionalInfo"] = job.failure
    if job.duration_s is not None:
        body["computeTime"] = job.duration_s
    by: Body = {"id": creator["id"], "name": creator["name"], "username": creator["username"]}
    if "photo" in creator:
        by["photo"] = creator["photo"]
    body["createdByUser"] = by
    metadata: Body = {"computeType": "gpu" if kind.gpu else "cpu"}
    if job.project is not None:
        metadata["projectId"] = job.project.id
        metadata["projectName"] = job.project.name
    body["metadata"] = metadata
    return body


def _stamp(day: str, second: int) -> str:
    return f"{day}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"


# -- sources -----------------------------------------------------------------------------------------------------


def _ordinal(stamp: str | None) -> int | None:
    return date.fromisoformat(stamp[:10]).toordinal() if stamp else None


def _white_label_project(st: WorldState, pi: int) -> ProjectRef:
    project = st.whitelabel_projects[pi]
    collaborators = tuple(ui for _, ui in all_collaborator_ids(st, pi))
    created = _ordinal(project["created"]) or 0
    return ProjectRef(pi, project["id"], project["name"], created, _ordinal(project.get("deletedDate")), collaborators)


def _inner_source(st: WorldState, index: int) -> JobSource:
    members = [Member(ui, added, st.user_deleted.get(ui)) for ui, added in st.members(index)]
    return JobSource(
        slot=INNER_SLOT + index,
        org_id=st.orgs[index].id,
        records=org_daily_metrics(st, index)[-DAYS_KEPT:],
        members=members,
        projects=[_white_label_project(st, pi) for pi in st.org_projects[index]],
        job_limit_s=INNER_JOB_LIMIT_S,
        seed=st.seed,
    )


def _top_level_source(st: WorldState, org_id: int) -> JobSource:
    if org_id == OWNER_ORG_ID:
        members = [Member(ui, added, None) for ui, added in st.members(-1)]
        projects = [_white_label_project(st, pi) for pi in st.owner_projects]
        slot, limit = OWNER_SLOT, OWNER_JOB_LIMIT_S
    else:
        members = [Member(ui, added, None) for ui, added in plain_members(st)]
        jwt_ui = members[0].ui
        projects = [
            ProjectRef(
                -k - 1,
                item["id"],
                item["name"],
                created,
                None,
                (jwt_ui, *(-j - 1 for j in range(len(st.plain_users)) if k % (j + 1) == 0)),
            )
            for k, (item, created) in enumerate(zip(st.plain_projects, plain_project_days(st), strict=True))
        ]
        slot, limit = PLAIN_SLOT, INNER_JOB_LIMIT_S
    return JobSource(
        slot=slot,
        org_id=org_id,
        records=top_level_daily_metrics(st, org_id)[-DAYS_KEPT:],
        members=members,
        projects=projects,
        job_limit_s=limit,
        seed=st.seed,
    )


def _profile_source(st: WorldState, ui: int) -> JobSource:
    projects = [_white_label_project(st, pi) for pi in st.user_projects.get(ui, [])]
    joined = {ui: st.user_created[ui]}
    for project in projects:
        for other in project.collaborators:
            joined.setdefault(other, max(project.created, st.user_created[other]))
    members = [Member(u, added, st.user_deleted.get(u)) for u, added in joined.items()]
    return JobSource(
        slot=PROFILE_SLOT + ui,
        org_id=0,
        records=user_daily_metrics(st, ui)[-DAYS_KEPT:],
        members=members,
        projects=projects,
        job_limit_s=INNER_JOB_LIMIT_S,
        seed=st.seed,
    )
