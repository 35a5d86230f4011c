"""Who and what used compute: an organization's jobs over a period, summed by project, by user and by category.

The definitions, written once for the Compute view and `eiscope export jobs|compute`:
- A job counts in a period when it was **created** in it (`created` is the one moment every job has).
- Its compute is `computeTime` (seconds, as the job watcher measured it); a job still running counts as a job
  with no compute yet. Its **duration** is `finished - started` (or `- created` when it never started).
- Its **result**: `ok` (finished successfully), `failed` (finished, not successfully), `running` (started, not
  finished), `queued` (not started yet).
- Its **project**: the job's own `projectId` (and `projectName`), at the top or in its `metadata`, when the API
  gives them (the SDK's Job has no project field), else the project whose job list holds it (`attribute`), else
  none ("no project": jobs of the organization itself).
- Its **GPU** compute: a job whose `metadata.computeType` is `gpu` (the contract counts GPU time three times).
- Its **user**: `createdByUser` (none for jobs nobody started by hand).
- The view's periods are whole UTC days: the 30, 90 or 365 days before today, and today so far (so they line up
  with the daily metrics, which end yesterday), or every day since the one the current contract started on.
  Export's `--since` starts at the very moment it names.

`JobBook` holds every job read so far (once per id, as pages arrive in any order) and sums them by day as they
arrive; a period's sums are the sum of its days, added up when it is first shown and kept up to date after. So
streaming 20,000 jobs costs a few additions per job, and switching the period a pass over 365 days at most.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.api.row_marks import UNREADABLE_KEY
from tui.formatting import parse_datetime

__all__ = [
    "DIMENSIONS",
    "NO_PROJECT",
    "NO_USER",
    "PERIOD_DAYS",
    "JobBook",
    "JobFacts",
    "Period",
    "Share",
    "Sums",
    "Tally",
    "duration_s",
    "job_facts",
    "make_period",
    "many_job_facts",
]

PERIOD_DAYS: tuple[int | None, ...] = (30, 90, 365, None)
"""The periods the view cycles through; None is the current contract."""

DIMENSIONS = ("project", "user", "category")

NO_PROJECT = "(no project)"
NO_USER = "(no user)"


@dataclass(frozen=True)
class Period:
    """[start, end) of a period; `days` None for the current contract (since `start`)."""

    days: int | None
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        if self.days is None:
            return f"current contract (since {self.start:%Y-%m-%d})"
        return f"last {self.days} days ({self.start:%Y-%m-%d} – {self.end - timedelta(microseconds=1):%Y-%m-%d})"

    @property
    def first_day(self) -> str:
        return self.start.astimezone(UTC).date().isoformat()

    @property
    def last_day(self) -> str:
        return (self.end - timedelta(microseconds=1)).astimezone(UTC).date().isoformat()

    @property
    def whole_days(self) -> bool:
        """Starts at midnight UTC (every period of the view; export's `--since DATE`): a job's day says."""
        return self.start.astimezone(UTC).time() == datetime.min.time()

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def holds_day(self, day: str | None) -> bool:
        """A UTC day ('2026-11-24') within the period's days (a period of the view is made of whole days)."""
        return day is not None and self.first_day <= day <= self.last_day


def make_period(days: int | None, now: datetime, contract_since: datetime | None = None) -> Period:
    """The period ending `now`: the `days` whole days before today, or since the contract's first day (a year
    back when it is unknown)."""
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if days is None:
        since = contract_since if contract_since is not None else now - timedelta(days=365)
        start = since.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return Period(None, min(start, midnight), now)
    return Period(days, midnight - timedelta(days=days), now)


def _day(value: Any) -> str | None:
    """The UTC day of an API timestamp: '2026-11-24T13:05:00Z' → '2026-11-24' (sliced when it is UTC)."""
    if isinstance(value, str) and len(value) >= 20 and value[10] == "T" and value[-1] == "Z":
        return value[:10]
    moment = parse_datetime(value)
    return moment.astimezone(UTC).date().isoformat() if moment is not None else None


@dataclass(frozen=True, slots=True)
class JobFacts:
    """What compute needs of one job, read from its row."""

    id: int
    day: str | None
    category: str
    project_id: int | None
    project_name: str | None
    user_id: int | None
    user_name: str | None
    compute_s: float
    result: str
    gpu: bool = False


def job_facts(row: dict[str, Any]) -> JobFacts | None:
    """The facts of a job row, or None for a row without an id (an unreadable one)."""
    job_id = row.get("id")
    if type(job_id) is not int or UNREADABLE_KEY in row:
        return None
    if not row.get("finished"):
        result = "running" if row.get("started") else "queued"
    else:
        result = "ok" if row.get("finishedSuccessful") is True else "failed"
    user = row.get("createdByUser")
    user = user if type(user) is dict else {}
    user_id = user.get("id")
    user_name = user.get("name") or user.get("username")
    metadata = row.get("metadata")
    metadata = metadata if type(metadata) is dict else {}
    project_id = row.get("projectId", metadata.get("projectId"))
    project_name = row.get("projectName") or metadata.get("projectName")
    compute = row.get("computeTime")
    return JobFacts(
        id=job_id,
        day=_day(row.get("created")),
        category=str(row.get("category") or row.get("categoryKey") or "(no category)"),
        project_id=project_id if type(project_id) is int else None,
        project_name=project_name if type(project_name) is str else None,
        user_id=user_id if type(user_id) is int else None,
        user_name=user_name if type(user_name) is str else None,
        compute_s=float(compute) if isinstance(compute, int | float) and compute > 0 else 0.0,
        result=result,
        gpu=metadata.get("computeType") == "gpu",
    )


def many_job_facts(rows: list[dict[str, Any]]) -> list[JobFacts | None]:
    """`job_facts` of each row: the costly part of adding a page, which a worker can do off the event loop."""
    return [job_facts(row) for row in rows]


def duration_s(row: dict[str, Any]) -> float | None:
    """`finished - started` (or `- created` when it never started), in seconds; None while it runs."""
    finished = parse_datetime(row.get("finished"))
    began = parse_datetime(row.get("started")) or parse_datetime(row.get("created"))
    return max(0.0, (finished - began).total_seconds()) if finished is not None and began is not None else None


@dataclass(slots=True)
class Sums:
    """Jobs, compute and outcomes of a group of jobs."""

    jobs: int = 0
    compute_s: float = 0.0
    gpu_s: float = 0.0
    failed: int = 0
    running: int = 0

    @property
    def contract_s(self) -> float:
        """Compute as the contract's limit counts it: CPU seconds plus three times the GPU seconds."""
        return self.compute_s + 2 * self.gpu_s

    def add(self, job: JobFacts, sign: int = 1) -> None:
        self.jobs += sign
        self.compute_s += sign * job.compute_s
        if job.gpu:
            self.gpu_s += sign * job.compute_s
        if job.result == "failed":
            self.failed += sign
        elif job.result in ("running", "queued"):
            self.running += sign

    def merge(self, other: Sums) -> None:
        self.jobs += other.jobs
        self.compute_s += other.compute_s
        self.gpu_s += other.gpu_s
        self.failed += other.failed
        self.running += other.running


@dataclass(frozen=True)
class Share:
    """One line of a breakdown: a project, user or category, its sums, and its part of the period's compute."""

    key: int | str | None
    label: str
    sums: Sums
    fraction: float

    def row(self) -> dict[str, Any]:
        """The row a list shows (and export writes): the API's style of names."""
        return {
            "id": self.key,
            "name": self.label,
            "computeSeconds": round(self.sums.compute_s, 3),
            "gpuSeconds": round(self.sums.gpu_s, 3),
            "share": round(self.fraction * 100, 2),
            "jobs": self.sums.jobs,
            "failed": self.sums.failed,
            "running": self.sums.running,
        }


@dataclass
class Tally:
    """The sums of a set of jobs (a day's, a period's), overall and by project, user and category."""

    period: Period | None = None
    total: Sums = field(default_factory=Sums)
    groups: dict[str, dict[Any, Sums]] = field(default_factory=lambda: {d: {} for d in DIMENSIONS})

    def add(self, job: JobFacts, sign: int = 1) -> None:
        self.total.add(job, sign)
        groups = self.groups
        for group, key in (
            (groups["project"], job.project_id),
            (groups["user"], job.user_id),
            (groups["category"], job.category),
        ):
            sums = group.get(key)
            if sums is None:
                sums = group[key] = Sums()
            sums.add(job, sign)
            if sums.jobs == 0:
                del group[key]

    def merge(self, other: Tally) -> None:
        self.total.merge(other.total)
        for dimension, theirs in other.groups.items():
            ours = self.groups[dimension]
            for key, sums in theirs.items():
                mine = ours.get(key)
                if mine is None:
                    ours[key] = mine = Sums()
                mine.merge(sums)


class JobBook:
    """Every job read so far, once per id, summed by day; a period's sums are its days' (kept until it grows)."""

    def __init__(self, now: datetime, contract_since: datetime | None = None) -> None:
        self.now = now
        self.contract_since = contract_since
        self.jobs: dict[int, JobFacts] = {}
        self.rows: dict[int, dict[str, Any]] = {}
        self.unreadable: list[dict[str, Any]] = []
        self.project_names: dict[int, str] = {}
        self.user_names: dict[int, str] = {}
        self._days: dict[str | None, Tally] = {}
        self._live: dict[int | None, Tally] = {}  # the view's periods asked for so far, kept up to date

    @property
    def count(self) -> int:
        """Jobs read (each once); `unreadable` holds the rows that could not be read."""
        return len(self.jobs)

    def set_contract_since(self, since: datetime | None) -> None:
        """The contract's start arrived (or changed): the contract period is summed again when next asked."""
        if since != self.contract_since:
            self.contract_since = since
            self._live.pop(None, None)

    def _bucket(self, day: str | None) -> Tally:
        bucket = self._days.get(day)
        if bucket is None:
            bucket = self._days[day] = Tally()
        return bucket

    def add(
        self, rows: Iterable[dict[str, Any]], facts: Iterable[JobFacts | None] | None = None
    ) -> list[dict[str, Any]]:
        """Add job rows (a page), with their `many_job_facts` when already worked out; returns the rows new to
        the book (a job seen before is not counted twice)."""
        rows = list(rows)
        added = []
        jobs, names, users = self.jobs, self.project_names, self.user_names
        for row, job in zip(rows, facts if facts is not None else many_job_facts(rows), strict=True):
            if job is None:
                self.unreadable.append(row)
                added.append(row)
                continue
            if job.id in jobs:
                continue
            if job.project_name and job.project_id is not None and job.project_id not in names:
                names[job.project_id] = job.project_name
            if job.user_name and job.user_id is not None and job.user_id not in users:
                users[job.user_id] = job.user_name
            jobs[job.id] = job
            self.rows[job.id] = row
            self._count(job)
            added.append(row)
        return added

    def _count(self, job: JobFacts, sign: int = 1) -> None:
        """Add (or take away) a job in its day's sums and in every live period that holds its day."""
        self._bucket(job.day).add(job, sign)
        for tally in self._live.values():
            if tally.period is not None and tally.period.holds_day(job.day):
                tally.add(job, sign)

    def attribute(self, project_id: int, job_ids: Iterable[int]) -> int:
        """These jobs ran in this project (its own job list says so); returns how many changed project."""
        changed = 0
        for job_id in job_ids:
            job = self.jobs.get(job_id)
            if job is None or job.project_id == project_id:
                continue
            moved = replace(job, project_id=project_id)
            self._count(job, -1)
            self._count(moved)
            self.jobs[job_id] = moved
            changed += 1
        return changed

    def unattributed(self) -> int:
        """Jobs with no project (the API gave none, and no project's list claimed them yet)."""
        return sum(1 for job in self.jobs.values() if job.project_id is None)

    # -- what the view shows -----------------------------------------------------------------------------------

    def period(self, days: int | None) -> Period:
        return make_period(days, self.now, self.contract_since)

    def tally(self, days: int | None) -> Tally:
        """The sums of one of the view's periods: its days' sums, added up the first time it is asked for, then
        kept up to date as jobs arrive (so a redraw while jobs stream costs nothing here)."""
        tally = self._live.get(days)
        if tally is None:
            period = self.period(days)
            tally = self._live[days] = Tally(period)
            for day, bucket in self._days.items():
                if period.holds_day(day):
                    tally.merge(bucket)
        return tally

    def tally_of(self, period: Period) -> Tally:
        """The sums of any period (export's `--since`, maybe to the moment): a pass over every job."""
        tally = Tally(period)
        for job in self.jobs.values():
            if self.in_period(job, period):
                tally.add(job)
        return tally

    def breakdown(self, days: int | None, dimension: str) -> list[Share]:
        """One of the view's periods by project, user or category, largest first."""
        return self.shares(self.tally(days), dimension)

    def shares(self, tally: Tally, dimension: str) -> list[Share]:
        """A tally's compute by project, user or category, largest first (then most jobs, then name)."""
        total = tally.total.compute_s
        shares = [
            Share(key, self._label(dimension, key), sums, sums.compute_s / total if total else 0.0)
            for key, sums in tally.groups[dimension].items()
        ]
        shares.sort(key=lambda share: (-share.sums.compute_s, -share.sums.jobs, share.label.casefold()))
        return shares

    def _label(self, dimension: str, key: Any) -> str:
        if dimension == "project":
            return NO_PROJECT if key is None else self.project_names.get(key) or f"Project {key}"
        if dimension == "user":
            return NO_USER if key is None else self.user_names.get(key) or f"User {key}"
        return str(key)

    def in_period(self, job: JobFacts, period: Period) -> bool:
        """Whether a job belongs to a period: by its day for the view's periods, to the moment for export's."""
        if period.whole_days:
            return period.holds_day(job.day)
        return period.holds(parse_datetime(self.rows[job.id].get("created")))

    def job_rows(self, days: int | Period | None) -> list[dict[str, Any]]:
        """The jobs of a period as list rows: the API's row and what eiscope worked out (project, result…)."""
        period = days if isinstance(days, Period) else self.period(days)
        return [self.job_row(job) for job in self.jobs.values() if self.in_period(job, period)]

    def job_row(self, job: JobFacts) -> dict[str, Any]:
        row = self.rows[job.id]
        return {
            **row,
            "projectId": job.project_id,
            "projectName": self._label("project", job.project_id) if job.project_id is not None else None,
            "userName": job.user_name,
            "durationSeconds": duration_s(row),
            "result": job.result,
        }
