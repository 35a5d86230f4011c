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
- Periods end now (the app's clock) and reach back 30, 90 or 365 whole days before today (so they line up with
  the daily metrics, which end yesterday), or to the start of the current contract.

`JobBook` holds every job read so far (once per id, as pages arrive in any order) and keeps the sums of each
period as jobs are added, so switching the period, or redrawing while thousands of jobs stream in, costs only
the size of the breakdown, never a pass over every job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.api.row_marks import is_unreadable

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
    "job_facts",
    "make_period",
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
    def short(self) -> str:
        return "contract" if self.days is None else f"{self.days} d"

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def make_period(days: int | None, now: datetime, contract_since: datetime | None = None) -> Period:
    """The period ending `now`: `days` back, or since the contract started (a year back when unknown)."""
    if days is None:
        start = contract_since if contract_since is not None else now - timedelta(days=365)
        return Period(None, min(start, now), now)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return Period(days, midnight - timedelta(days=days), now)


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class JobFacts:
    """What compute needs of one job, read from its row."""

    id: int
    created: datetime | None
    category: str
    project_id: int | None
    project_name: str | None
    user_id: int | None
    user_name: str | None
    compute_s: float
    duration_s: float | None
    result: str
    gpu: bool = False


def job_facts(row: dict[str, Any]) -> JobFacts | None:
    """The facts of a job row, or None for a row without an id (an unreadable one)."""
    job_id = _int(row.get("id"))
    if job_id is None or is_unreadable(row):
        return None
    created = _moment(row.get("created"))
    started = _moment(row.get("started"))
    finished = _moment(row.get("finished"))
    began = started or created
    duration = (finished - began).total_seconds() if finished is not None and began is not None else None
    if finished is None:
        result = "running" if started is not None else "queued"
    else:
        result = "ok" if row.get("finishedSuccessful") is True else "failed"
    user = _object(row.get("createdByUser"))
    user_name = user.get("name") or user.get("username")
    metadata = _object(row.get("metadata"))
    project_id = _int(row.get("projectId"))
    project_id = project_id if project_id is not None else _int(metadata.get("projectId"))
    project_name = row.get("projectName") or metadata.get("projectName")
    return JobFacts(
        id=job_id,
        created=created,
        category=str(row.get("category") or row.get("categoryKey") or "(no category)"),
        project_id=project_id,
        project_name=project_name if isinstance(project_name, str) else None,
        user_id=_int(user.get("id")),
        user_name=user_name if isinstance(user_name, str) else None,
        compute_s=max(0.0, _number(row.get("computeTime")) or 0.0),
        duration_s=max(0.0, duration) if duration is not None else None,
        result=result,
        gpu=metadata.get("computeType") == "gpu",
    )


@dataclass
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
        self.gpu_s += sign * job.compute_s * job.gpu
        self.failed += sign * (job.result == "failed")
        self.running += sign * (job.result in ("running", "queued"))


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


def _group(job: JobFacts, dimension: str) -> int | str | None:
    if dimension == "project":
        return job.project_id
    if dimension == "user":
        return job.user_id
    return job.category


@dataclass
class Tally:
    """The sums of one period, overall and by project, user and category."""

    period: Period
    total: Sums = field(default_factory=Sums)
    groups: dict[str, dict[Any, Sums]] = field(default_factory=lambda: {d: {} for d in DIMENSIONS})

    def add(self, job: JobFacts, sign: int = 1) -> None:
        if not self.period.holds(job.created):
            return
        self.total.add(job, sign)
        for dimension in DIMENSIONS:
            group = self.groups[dimension]
            key = _group(job, dimension)
            sums = group.get(key)
            if sums is None:
                sums = group[key] = Sums()
            sums.add(job, sign)
            if sums.jobs == 0:
                del group[key]


class JobBook:
    """Every job read so far, once per id, and the sums of each period (kept as jobs arrive)."""

    def __init__(self, now: datetime, contract_since: datetime | None = None) -> None:
        self.now = now
        self.contract_since = contract_since
        self.jobs: dict[int, JobFacts] = {}
        self.rows: dict[int, dict[str, Any]] = {}
        self.unreadable: list[dict[str, Any]] = []
        self.project_names: dict[int, str] = {}
        self.user_names: dict[int, str] = {}
        self.tallies: dict[int | None, Tally] = {
            days: Tally(make_period(days, now, contract_since)) for days in PERIOD_DAYS
        }

    @property
    def count(self) -> int:
        """Jobs read (each once); `unreadable` holds the rows that could not be read."""
        return len(self.jobs)

    def set_contract_since(self, since: datetime | None) -> None:
        """The contract's start arrived (or changed): its period is summed again, once."""
        if since == self.contract_since:
            return
        self.contract_since = since
        tally = self.tallies[None] = Tally(make_period(None, self.now, since))
        for job in self.jobs.values():
            tally.add(job)

    def add(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add job rows (a page); returns the rows new to the book (a job seen before is not counted twice)."""
        added = []
        for row in rows:
            job = job_facts(row)
            if job is None:
                self.unreadable.append(row)
                added.append(row)
                continue
            if job.id in self.jobs:
                continue
            if job.project_name and job.project_id is not None:
                self.project_names.setdefault(job.project_id, job.project_name)
            if job.user_name and job.user_id is not None:
                self.user_names.setdefault(job.user_id, job.user_name)
            self.jobs[job.id] = job
            self.rows[job.id] = row
            for tally in self.tallies.values():
                tally.add(job)
            added.append(row)
        return added

    def attribute(self, project_id: int, job_ids: Iterable[int]) -> int:
        """These jobs ran in this project (its own job list says so); returns how many changed project."""
        changed = 0
        for job_id in job_ids:
            job = self.jobs.get(job_id)
            if job is None or job.project_id == project_id:
                continue
            moved = replace(job, project_id=project_id)
            for tally in self.tallies.values():
                tally.add(job, -1)
                tally.add(moved)
            self.jobs[job_id] = moved
            changed += 1
        return changed

    def unattributed(self) -> int:
        """Jobs with no project (the API gave none, and no project's list claimed them yet)."""
        return sum(1 for job in self.jobs.values() if job.project_id is None)

    # -- what the view shows -----------------------------------------------------------------------------------

    def tally(self, days: int | None) -> Tally:
        return self.tallies[days]

    def tally_of(self, period: Period) -> Tally:
        """The sums of any period (a pass over every job; the view's periods are kept as jobs arrive)."""
        tally = Tally(period)
        for job in self.jobs.values():
            tally.add(job)
        return tally

    def breakdown(self, days: int | None, dimension: str) -> list[Share]:
        """One of the view's periods by project, user or category, largest first."""
        return self.shares(self.tallies[days], dimension)

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

    def job_rows(self, days: int | Period | None) -> list[dict[str, Any]]:
        """The jobs of a period as list rows: the API's row and what eiscope worked out (project, result…)."""
        period = days if isinstance(days, Period) else self.tallies[days].period
        return [self.job_row(job) for job in self.jobs.values() if period.holds(job.created)]

    def job_row(self, job: JobFacts) -> dict[str, Any]:
        row = self.rows[job.id]
        return {
            **row,
            "projectId": job.project_id,
            "projectName": self._label("project", job.project_id) if job.project_id is not None else None,
            "userName": job.user_name,
            "durationSeconds": job.duration_s,
            "result": job.result,
        }
