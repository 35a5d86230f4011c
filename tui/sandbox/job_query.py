"""Job list queries: the SDK's filters (dates, finished, category, key) and paging, over a newest-first list.

Every job route pages with ``limit`` (default `DEFAULT_JOB_LIMIT`) and ``offset`` and says how many jobs match in
``totalJobCount``. ``startDate`` / ``endDate`` (``/jobs/all`` and ``/jobs/history``) keep the jobs *created*
in that span (a job is created, started and finished on the same day, so it is the day its compute counts on).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.sandbox.jobs import CATEGORIES, JobRow
from tui.sandbox.query import QueryError, parse_bool, parse_int

DEFAULT_JOB_LIMIT = 50
FINISHED_VALUES = {
    "": None,
    "all": None,
    "true": "finished",
    "finished": "finished",
    "false": "running",
    "unfinished": "running",
    "running": "running",
    "successful": "successful",
    "success": "successful",
    "failed": "failed",
    "error": "failed",
}
_LEAP_SECOND = re.compile(r"(?<=T\d\d:\d\d):60([.+\-Z]|$)")


def parse_datetime(params: Mapping[str, str], name: str, *, required: bool = False) -> datetime | None:
    """An RFC 3339 date-time parameter (lower-case ``t``/``z`` and leap seconds allowed), in UTC."""
    raw = params.get(name)
    if not raw:
        if required:
            raise QueryError(f"Missing required query parameter '{name}' (an ISO 8601 date-time)")
        return None
    text = _LEAP_SECOND.sub(r":59\1", raw.strip().upper()).replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise QueryError(f"Invalid '{name}': '{raw[:40]}' is not an ISO 8601 date-time") from None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class JobQuery:
    start: datetime | None = None
    end: datetime | None = None
    finished: str | None = None  # finished | running | successful | failed
    category: str | None = None
    key: str | None = None
    exclude_transformation: bool = False


def parse_job_query(params: Mapping[str, str], *, dates: bool, filters: bool) -> tuple[JobQuery, int, int]:
    """The query, the limit and the offset of a job list request (parameters a route does not take are ignored)."""
    query = JobQuery()
    if dates:
        start, end = parse_datetime(params, "startDate"), parse_datetime(params, "endDate")
        if start and end and end < start:
            raise QueryError("endDate must not be before startDate")
        query = JobQuery(start=start, end=end)
    if filters:
        finished = params.get("finished", "").strip().lower()
        if finished not in FINISHED_VALUES:
            allowed = ", ".join(sorted(v for v in FINISHED_VALUES if v))
            raise QueryError(f"Invalid value for 'finished': expected one of {allowed}")
        parse_bool(params, "rootOnly")  # every job of the sandbox is a root job
        query = JobQuery(
            start=query.start,
            end=query.end,
            finished=FINISHED_VALUES[finished],
            category=params.get("category", "").strip().lower() or None,
            key=params.get("key") or None,
            exclude_transformation=parse_bool(params, "excludePipelineTransformJobs"),
        )
    limit = parse_int(params, "limit")
    offset = parse_int(params, "offset") or 0
    return query, DEFAULT_JOB_LIMIT if limit is None else limit, offset


def select_jobs(jobs: Sequence[JobRow], query: JobQuery, key_of: Callable[[JobRow], str]) -> Sequence[JobRow]:
    """The jobs that match, newest first."""
    if query == JobQuery():
        return jobs
    start = (query.start.date().toordinal(), _second(query.start)) if query.start else None
    end = (query.end.date().toordinal(), _second(query.end)) if query.end else None
    kept = []
    for job in jobs:
        created = (job.day, job.second)
        if (start and created < start) or (end and created > end):
            continue
        kind = CATEGORIES[job.category]
        if query.finished == "running" and job.duration_s is not None:
            continue
        if query.finished and query.finished != "running":
            if job.duration_s is None or (query.finished == "successful" and not job.ok):
                continue
            if query.finished == "failed" and job.ok:
                continue
        if query.category and query.category not in (kind.key, kind.title.lower()):
            continue
        if query.exclude_transformation and kind.key == "transformation":
            continue
        if query.key and key_of(job) != query.key:
            continue
        kept.append(job)
    return kept


def _second(moment: datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
