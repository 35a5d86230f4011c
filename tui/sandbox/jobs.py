"""Jobs: what an organization (or a developer profile) ran, built from its daily metrics so the two agree.

A `JobSource` is anything with its own daily metrics: an inner organization, the white-label owner, the plain
organization, or a user's developer profile. Its jobs of one day are drawn from ``(seed, source, day)`` and that
day's record alone, so a day's jobs never depend on the day the world is dated, and:

* a job's ``computeTime`` is its wall time in seconds on one kind of machine, named in ``metadata.computeType``
  (``"cpu"`` or ``"gpu"``); the CPU jobs finished on a day add up to the day's ``cpuComputeTimeSeconds`` exactly,
  the GPU jobs to its ``gpuComputeTimeSeconds`` (so the entitlement's compute units, ``computeTimeSeconds``,
  are the CPU seconds plus three times the GPU seconds);
* a job is created, started and finished on the same UTC day (the day whose record counts it), in working hours
  more often than not; failed jobs (``finishedSuccessful`` false) used compute too, and count;
* the jobs still running were created late on the last day of the metrics (the day before ``today``), have no
  ``finished`` and no ``computeTime``, and count in no record yet;
* who ran a job was a member of the organization that day (a collaborator of its project when there is one), and
  its project (``metadata.projectId`` / ``projectName``: the SDK's ``Job`` has no project field) existed that day;
* jobs are kept for the days of the metrics (365), newest first.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from tui.sandbox.landmarks import JOB_KIND, Body, derive_seed

JOB_ID_BASE = date(2015, 1, 1).toordinal()
SLOTS_PER_DAY = 200_000  # job sources: 0 owner, 1 plain, 2 + inner org index, 10_000 + user index (profiles)
JOBS_PER_SOURCE_DAY = 1024
TARGET_JOB_SECONDS = 1_200  # how long a job takes, on average, before a busy day makes jobs longer
MAX_JOBS_PER_DAY = 40  # past this, a busier day runs longer jobs (up to the job limit), not more of them
HOURS = (1, 1, 1, 1, 1, 2, 3, 6, 10, 12, 12, 11, 8, 11, 12, 12, 11, 9, 6, 4, 3, 2, 2, 1)  # UTC hour weights
_HOUR_TABLE = [hour for hour, weight in enumerate(HOURS) for _ in range(weight)]
FAILURES = (
    "Job failed (exit code 137): out of memory",
    "Job exceeded its time limit",
    "Failed to build the deployment: model does not fit in the target's RAM",
    "Not enough samples in one of the classes to train",
    "Job cancelled by user",
)


@dataclass(frozen=True)
class Category:
    """A kind of job: how the API names it, what it runs on, how long it takes, how often it fails."""

    title: str
    key: str
    gpu: bool
    low_s: int
    high_s: int
    weight: int
    failure_rate: float
    in_project: bool = True


CATEGORIES: tuple[Category, ...] = (
    Category("Generating features", "dsp-generate-features", False, 20, 1_200, 30, 0.03),
    Category("Training model", "learn-train", False, 120, 3_600, 18, 0.07),
    Category("Building deployment", "build-deployment", False, 60, 900, 12, 0.05),
    Category("Model testing", "classify", False, 60, 1_800, 10, 0.04),
    Category("Profiling model", "profile-tflite", False, 30, 300, 8, 0.02),
    Category("Exporting data", "export-data", False, 10, 600, 6, 0.02),
    Category("Autotuning DSP parameters", "autotune-dsp", False, 120, 1_200, 4, 0.05),
    Category("Creating dataset version", "version-project", False, 30, 600, 3, 0.01),
    Category("Data transformation", "transformation", False, 60, 3_600, 4, 0.06, in_project=False),
    Category("Training model", "learn-train", True, 300, 5_400, 20, 0.08),
    Category("EON Tuner", "tuner", True, 600, 7_200, 4, 0.05),
    Category("Retraining model", "retrain", True, 300, 3_600, 6, 0.04),
    Category("Generating synthetic data", "synthetic-data", True, 120, 1_800, 3, 0.06),
)
_CPU = [i for i, c in enumerate(CATEGORIES) if not c.gpu]
_GPU = [i for i, c in enumerate(CATEGORIES) if c.gpu]
_CPU_TABLE = [i for i in _CPU for _ in range(CATEGORIES[i].weight)]
_GPU_TABLE = [i for i in _GPU for _ in range(CATEGORIES[i].weight)]
_RUNNING = [i for i, c in enumerate(CATEGORIES) if c.key in ("learn-train", "tuner", "dsp-generate-features")]


@dataclass(frozen=True)
class ProjectRef:
    """A project a source's jobs can run in: identity, lifetime (ordinals), who collaborates (user indices)."""

    index: int
    id: int
    name: str
    created: int
    deleted: int | None
    collaborators: tuple[int, ...]


@dataclass(frozen=True)
class Member:
    ui: int  # user index (negative: the plain organization's own people)
    added: int
    deleted: int | None

    def alive(self, day: int) -> bool:
        return self.added <= day and (self.deleted is None or self.deleted > day)


@dataclass(frozen=True)
class JobSource:
    """Whose jobs: the daily records (oldest first, ending the day before today), members and projects."""

    slot: int
    org_id: int
    records: Sequence[Body]
    members: Sequence[Member]  # the first one runs the organization's own jobs when no one else can
    projects: Sequence[ProjectRef]
    job_limit_s: int
    seed: int


@dataclass(frozen=True, slots=True)
class JobRow:
    """One job, compact: rendered into the API's shape only when a page shows it."""

    id: int
    day: int
    second: int  # created, seconds into the day
    queue_s: int | None  # None: still queued (not started)
    duration_s: int | None  # None: still running
    category: int
    ok: bool | None
    project: ProjectRef | None
    ui: int
    failure: str | None = None

    @property
    def gpu(self) -> bool:
        return CATEGORIES[self.category].gpu


def source_jobs(source: JobSource) -> list[JobRow]:
    """Every job of the source's days, newest first (running ones on top)."""
    out: list[JobRow] = []
    records = source.records
    last = len(records) - 1
    first_day = _ordinal(records[0]["date"]) if records else 0
    for i in range(last, -1, -1):
        record = records[i]
        cpu, gpu = record["cpuComputeTimeSeconds"], record["gpuComputeTimeSeconds"]
        day = first_day + i
        running = i == last and cpu + gpu > 0
        if cpu or gpu or running:
            out.extend(reversed(day_jobs(source, day, cpu, gpu, running=running)))
    return out


def day_jobs(source: JobSource, day: int, cpu: int, gpu: int, *, running: bool = False) -> list[JobRow]:
    """One day's jobs, in the order they were created: CPU seconds and GPU seconds spent exactly."""
    rng = random.Random(derive_seed(source.seed, JOB_KIND, source.slot * 100_000 + day - JOB_ID_BASE))
    r = rng.random
    drafts: list[tuple[int, int, int, int]] = []  # (created second, queue, duration, category)
    for budget, table in ((gpu, _GPU_TABLE), (cpu, _CPU_TABLE)):
        for category, duration in _split(budget, table, source.job_limit_s, rng):
            start = _HOUR_TABLE[int(r() * len(_HOUR_TABLE))] * 3600 + int(r() * 3600)
            start = min(start, 86_399 - duration)  # finished the same day
            queue = min(start, 1 + int(r() * r() * 180))  # created no earlier than midnight
            drafts.append((start - queue, queue, duration, category))
    people = _Today(source, day)
    made: list[tuple[int, int | None, int | None, int, bool | None, ProjectRef | None, int, str | None]] = []
    for second, queue, duration, category in sorted(drafts):
        kind = CATEGORIES[category]
        project, ui = people.pick(kind.in_project, r)
        ok = r() >= kind.failure_rate
        made.append((second, queue, duration, category, ok, project, ui, None if ok else _failure(r)))
    if running:
        for _ in range((1 if cpu + gpu > 3_600 else 0) + int(r() * 2)):
            category = _RUNNING[int(r() * len(_RUNNING))]
            project, ui = people.pick(True, r)
            waiting = None if r() < 0.25 else 1 + int(r() * 60)  # None: still queued
            made.append((79_200 + int(r() * 7_000), waiting, None, category, None, project, ui, None))
    made.sort(key=lambda job: job[0])
    base_id = ((day - JOB_ID_BASE) * SLOTS_PER_DAY + source.slot) * JOBS_PER_SOURCE_DAY
    return [JobRow(base_id + number, day, *job) for number, job in enumerate(made)]


def _failure(r: Callable[[], float]) -> str:
    return FAILURES[int(r() * len(FAILURES))]


def _split(budget: int, table: list[int], limit_s: int, rng: random.Random) -> list[tuple[int, int]]:
    """(category, seconds) of jobs whose seconds add up to ``budget``, none longer than ``limit_s``."""
    if budget <= 0:
        return []
    r = rng.random
    count = max(1, min(MAX_JOBS_PER_DAY, round(budget / TARGET_JOB_SECONDS)), math.ceil(budget / (0.9 * limit_s)))
    categories = [table[int(r() * len(table))] for _ in range(count)]
    weights = []
    for category in categories:
        kind = CATEGORIES[category]
        weights.append(kind.low_s * (kind.high_s / kind.low_s) ** r())  # log-uniform within the category's range
    total = sum(weights)
    seconds = [max(1, int(budget * w / total)) for w in weights]
    gap = budget - sum(seconds)
    order = sorted(range(count), key=lambda k: -seconds[k])
    k = 0
    while gap != 0:  # hand the rounding out (or back) one second at a time, longest jobs first
        index = order[k % count]
        if gap > 0:
            seconds[index] += 1
            gap -= 1
        elif seconds[index] > 1:
            seconds[index] -= 1
            gap += 1
        k += 1
    jobs: list[tuple[int, int]] = []
    for category, duration in zip(categories, seconds, strict=True):
        while duration > limit_s:  # a job past the limit is two jobs
            jobs.append((category, limit_s))
            duration -= limit_s
        jobs.append((category, duration))
    return jobs


class _Today:
    """Who and what could run a job on one day: the projects alive and the members of the organization."""

    def __init__(self, source: JobSource, day: int) -> None:
        self.projects = [p for p in source.projects if p.created <= day and (p.deleted is None or p.deleted > day)]
        self.members = [m.ui for m in source.members if m.alive(day)] or [source.members[0].ui]
        self.member_set = set(self.members)

    def pick(self, in_project: bool, r: Callable[[], float]) -> tuple[ProjectRef | None, int]:
        """A project (busier ones more often) and one of its collaborators, or a member (some run most jobs)."""
        project = self.projects[int(len(self.projects) * r() ** 1.6)] if (self.projects and in_project) else None
        if project is not None:
            candidates = [ui for ui in project.collaborators if ui in self.member_set]
            if candidates:
                return project, candidates[int(r() * len(candidates))]
        return project, self.members[int(len(self.members) * r() ** 2)]


def _ordinal(stamp: str) -> int:
    return date.fromisoformat(stamp[:10]).toordinal()


def day_range(jobs: Sequence[JobRow], first: int, last: int) -> list[JobRow]:
    """The jobs created on days ``first`` to ``last`` (ordinals, inclusive) of a newest-first list."""
    days = [-job.day for job in jobs]
    return list(jobs[bisect.bisect_left(days, -last) : bisect.bisect_right(days, -first)])
