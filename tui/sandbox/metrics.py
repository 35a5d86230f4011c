"""Daily metrics (DailyMetricsRecord) for one organization, a developer profile, or a whole white label.

One record per consecutive UTC day. Days are proleptic ordinals (``date.toordinal()``) so that the hot loops
stay integer arithmetic. Every figure of a day is a function of that day and the organization's plan alone (its
activity drawn from a hash of ``(seed, day)``), never of the day the world is dated: a world dated later has the
same records for the days they share, and more of them. The invariants the records keep (and tests check):

* ``totalUsers[d] = totalUsers[d-1] + usersAdded[d] - usersDeleted[d]``, likewise projects, staff users and
  storage (``storageBytesAdded`` / ``storageBytesDeleted``);
* ``computeTimeSeconds = cpu + 3 * gpu`` for each day;
* the ``totalCurrentContract*`` counters grow by the day's cpu, gpu and cpu + 3 * gpu, and restart from the day's own
  values on the day a compute year starts (``computeTimeCalculatedSince``): a contract's start and each of its
  anniversaries, or, without a contract, the organization's creation and its anniversaries.

A plan tells its story around an ``anchor`` day (the world's epoch): the compute of the year running on the day
before it adds up to the plan's target, its storage on that day is the plan's ``storage_final``, and the activity
profiles (growth, a wave, steady, shrinking, quiet) are shaped around it, so later days go on believably.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist
from typing import Any

# Compute on a Saturday is about a third of a weekday's; Sunday a quarter (index 0 = Monday).
WEEKDAY_FACTOR = (1.0, 1.05, 1.1, 1.05, 0.9, 0.35, 0.25)
PROFILES = ("growth", "wave", "steady", "shrinking", "quiet")
YEAR = 365
_MASK = (1 << 64) - 1
# exp(N(0, 0.35)) at 1,024 evenly spaced quantiles: a day's noise, looked up by a hash of the day
_LOGNORMAL = tuple(math.exp(0.35 * NormalDist().inv_cdf((i + 0.5) / 1024)) for i in range(1024))

Record = dict[str, Any]
Event = tuple[int, int | None]  # (day added, day deleted or None), as ordinals


@dataclass(frozen=True, slots=True)
class ActivityPlan:
    """What a series must add up to around its anchor; the generator fills in believable days around it."""

    seed: int
    created: int
    last_active: int | None  # the last day with any activity (a quiet or deleted org); None: active every day
    contract_start: int | None  # a contract's first day (it renews each year); None: years count from creation
    profile: str
    wave_day: int
    member_events: Sequence[Event]
    project_events: Sequence[Event]
    staff_users: int
    anchor: int  # the day the story is told on: targets hold on the day before it
    contract_compute_target: int  # cpu + 3*gpu seconds of the compute year running the day before the anchor
    gpu_share: float  # share of compute units that come from GPU time
    storage_final: int  # storage the day before the anchor


@functools.lru_cache(maxsize=8192)
def iso_day(ordinal: int) -> str:
    """Midnight of a day as the API writes it; memoised (every body of 365 daily records asks for each day)."""
    return date.fromordinal(ordinal).isoformat() + "T00:00:00Z"


def mix(seed: int, day: int) -> int:
    """A 64-bit hash of ``(seed, day)``: the day's draws, the same whichever day the world is dated."""
    h = (seed * 0x9E3779B97F4A7C15 + day * 0xD1B54A32D192ED03 + 0x632BE59BD9B4E019) & _MASK
    h ^= h >> 32
    h = (h * 0xBF58476D1CE4E5B9) & _MASK
    h ^= h >> 29
    h = (h * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 32)


def year_start(origin: int, day: int) -> int:
    """First day of the compute year ``day`` falls in, for years that start on ``origin`` and its anniversaries."""
    return origin + YEAR * ((day - origin) // YEAR)


def _renewal(plan: ActivityPlan, day: int) -> int:
    """The first day of the compute period after the one ``day`` falls in."""
    origin = plan.contract_start if plan.contract_start is not None else plan.created
    return year_start(origin, day) + YEAR


def period_start(plan: ActivityPlan, day: int) -> int:
    """First day of the compute period ``day`` falls in (the contract's year, or the year since creation)."""
    origin = plan.contract_start if plan.contract_start is not None else plan.created
    return max(year_start(origin, day), plan.created)


def expected_activity(plan: ActivityPlan, first: int, last: int, samples: int = 12) -> float:
    """The activity profile's mean over ``first`` to ``last`` (no noise, a few samples): what a year is expected to
    use, relative to another year's (contracts are renewed for it)."""
    step = (last - first) / samples
    return sum(_shape(plan, int(first + step * (k + 0.5))) for k in range(samples)) / samples


def _shape(plan: ActivityPlan, day: int) -> float:
    """How busy the organization is on ``day``, relative to its own normal (about 1)."""
    return _shaper(plan)(day)


def _shaper(plan: ActivityPlan) -> Callable[[int], float]:
    """The profile's shape as a function of the day, its constants worked out once."""
    anchor = plan.anchor
    if plan.profile == "growth":
        start = max(plan.created, anchor - YEAR)
        span = anchor + 180 - start
        plateau = anchor + 180

        def growth(day: int) -> float:
            t = min(1.0, max(0.0, (day - start) / span))
            return 0.25 + 0.75 * t**1.6 + 0.1 * min(5.0, max(0, day - plateau) / YEAR)

        return growth
    if plan.profile == "wave":
        wave = plan.wave_day
        return lambda day: 0.2 if day < wave else 0.2 + 0.8 * min(1.0, (day - wave) / 21)
    if plan.profile == "shrinking":
        since = anchor - YEAR
        return lambda day: 1.0 - 0.8 * min(1.0, max(0.0, (day - since) / YEAR))
    if plan.profile == "quiet":
        return lambda day: 0.15
    created, turn = plan.created, 2 * math.pi / 182.5
    return lambda day: 0.9 + 0.1 * math.sin(turn * (day - created))


def weights(plan: ActivityPlan, first: int, last: int) -> list[float]:
    """Each day's activity from ``first`` to ``last``: profile x weekday x noise (x3 on the odd hyperparameter
    sweep), the noise a hash of ``(seed, day)``; 0 outside the organization's life. The hot loop of every body."""
    shape = _shaper(plan)
    created = plan.created
    until = plan.last_active if plan.last_active is not None else last
    key = (plan.seed * 0x9E3779B1) & 0xFFFFFFFF
    lognormal, weekday = _LOGNORMAL, WEEKDAY_FACTOR
    out: list[float] = []
    append = out.append
    for day in range(first, last + 1):
        if day < created or day > until:
            append(0.0)
            continue
        h = ((key ^ (day * 0x85EBCA77)) * 0xC2B2AE35) & 0xFFFFFFFF
        h ^= h >> 15
        w = shape(day) * weekday[(day - 1) % 7] * lognormal[h & 1023]
        append(w * 3.0 if (h >> 10) % 100 < 3 else w)
    return out


def weight(plan: ActivityPlan, day: int) -> float:
    """One day's activity (see `weights`)."""
    return weights(plan, day, day)[0]


class _Span:
    """Weights over one stretch of days, worked out once and read by range."""

    def __init__(self, plan: ActivityPlan, first: int, last: int) -> None:
        self.plan, self.first = plan, first
        self.values = weights(plan, first, last)

    def get(self, first: int, last: int) -> list[float]:
        if first >= self.first and last < self.first + len(self.values):
            return self.values[first - self.first : last - self.first + 1]
        return weights(self.plan, first, last)


def compute_scale(plan: ActivityPlan, span: _Span | None = None) -> float:
    """Compute units per unit of activity: the running year on the day before the anchor adds up to the target
    (for an organization quiet by then, its last active year does)."""
    last = plan.anchor - 1
    first = period_start(plan, last)
    total = sum(span.get(first, last) if span else weights(plan, first, last))
    if total <= 0 and plan.last_active is not None:
        total = sum(weights(plan, plan.last_active - YEAR + 1, plan.last_active))
    return plan.contract_compute_target / total if total > 0 else 0.0


def compute_units(
    plan: ActivityPlan, first: int, last: int, scale: float, span: _Span | None = None
) -> list[tuple[int, int]]:
    """(cpu, gpu) seconds of each day from ``first`` to ``last``: cpu + 3 * gpu units, ``gpu_share`` of them GPU."""
    third = plan.gpu_share / 3
    out = []
    for w in span.get(first, last) if span else weights(plan, first, last):
        units = w * scale
        gpu = int(units * third)
        out.append((int(units) - 3 * gpu, gpu))
    return out


def storage_level(plan: ActivityPlan, day: int) -> int:
    """Bytes stored at the end of ``day`` (see `storage_levels`)."""
    return storage_levels(plan, day, day)[0]


def storage_levels(plan: ActivityPlan, first: int, last: int) -> list[int]:
    """Bytes stored at the end of each day: the profile's curve through ``storage_final`` the day before the anchor,
    ramping up over a new organization's first three months, with small day-to-day ups and downs; flat once the
    organization went still."""
    created, anchor, profile, final = plan.created, plan.anchor, plan.profile, plan.storage_final
    until = plan.last_active if plan.last_active is not None else last
    wave = plan.wave_day
    wave_span = max(30, anchor - 1 - wave)
    phase = plan.seed % 97
    out: list[int] = []
    for day in range(first, last + 1):
        if day < created:
            out.append(0)
            continue
        if day > until:
            day = until
        u = (day - anchor + YEAR) / YEAR  # 0 a year before the anchor, 1 the day before it
        now = 0.0 if u < 0 else (1.0 if u > 1 else u)
        later = u - 1 if u > 1 else 0.0
        if profile == "growth":
            level = 0.35 + 0.65 * now**1.3 + 0.15 * later
        elif profile == "wave":
            level = 0.3 if day < wave else 0.3 + 0.7 * min(1.0, (day - wave) / wave_span) + 0.1 * later
        elif profile == "shrinking":
            level = max(0.6, 1.7 - 0.7 * now - 0.1 * later)
        elif profile == "quiet":
            level = 0.97 + 0.03 * now
        else:
            level = 0.85 + 0.15 * now + 0.03 * later
        age = day - created + 1
        ramp = 1.0 if age >= 90 else age / 90
        out.append(int(final * level * ramp * (1 + 0.012 * math.sin(day / 9.0 + phase))))
    return out


def _running_counts(events: Sequence[Event], first: int) -> tuple[int, Counter[int], Counter[int]]:
    initial = 0
    added: Counter[int] = Counter()
    deleted: Counter[int] = Counter()
    for start, end in events:
        if start < first:
            if end is None or end >= first:
                initial += 1
        else:
            added[start] += 1
        if end is not None and end >= first:
            deleted[end] += 1
    return initial, added, deleted


def daily_metrics(plan: ActivityPlan, last_day: int, days: int = YEAR) -> list[Record]:
    """``days`` records ending on ``last_day`` (an ordinal), oldest first."""
    first = last_day - days + 1
    created = plan.created
    since0 = period_start(plan, first)
    calibration = period_start(plan, plan.anchor - 1)
    low = min(since0, calibration) if abs(since0 - calibration) <= YEAR else since0
    span = _Span(plan, low, max(last_day, plan.anchor - 1))
    scale = compute_scale(plan, span)
    prior = compute_units(plan, since0, first - 1, scale, span) if since0 < first else []
    contract_cpu = sum(c for c, _ in prior)
    contract_gpu = sum(g for _, g in prior)
    units = compute_units(plan, first, last_day, scale, span)

    users, users_added, users_deleted = _running_counts(plan.member_events, first)
    projects, projects_added, projects_deleted = _running_counts(plan.project_events, first)
    staff = plan.staff_users if created < first else 0
    levels = storage_levels(plan, first - 1, last_day)
    storage = levels[0]
    active_until = plan.last_active if plan.last_active is not None else last_day
    churn_key = ((plan.seed + 1) * 0x9E3779B1) & 0xFFFFFFFF
    since = since0
    renewal = _renewal(plan, first)
    records: list[Record] = []
    for i in range(days):
        day = first + i
        stamp = iso_day(day)
        if day < created:
            records.append(_empty_record(stamp, stamp))  # not created yet: nothing to count since
            continue
        staff_added = plan.staff_users if day == created else 0
        staff += staff_added
        u_add = users_added.get(day, 0)
        u_del = users_deleted.get(day, 0)
        p_add = projects_added.get(day, 0)
        p_del = projects_deleted.get(day, 0)
        users += u_add - u_del
        projects += p_add - p_del

        cpu, gpu = units[i]
        if day in (renewal, created):
            since, renewal = day, _renewal(plan, day)
        if day == since:
            contract_cpu, contract_gpu = cpu, gpu
        else:
            contract_cpu += cpu
            contract_gpu += gpu

        level = levels[i + 1]
        churn = 0
        if day <= active_until:
            h = ((churn_key ^ (day * 0x85EBCA77)) * 0xC2B2AE35) & 0xFFFFFFFF
            h ^= h >> 15
            if h % 100 < 6:  # a clean-up: some data deleted, some uploaded again
                churn = int(storage * 0.02 * ((h >> 8) % 1000) / 1000)
        added = (level - storage if level > storage else 0) + churn
        deleted = (storage - level if storage > level else 0) + churn
        storage = level

        records.append(
            {
                "date": stamp,
                "totalUsers": users,
                "totalStaffUsers": staff,
                "totalProjects": projects,
                "totalCurrentContractCpuComputeTimeSeconds": contract_cpu,
                "totalCurrentContractGpuComputeTimeSeconds": contract_gpu,
                "totalCurrentContractComputeTimeSeconds": contract_cpu + 3 * contract_gpu,
                "computeTimeCalculatedSince": iso_day(since),
                "totalStorageSizeBytes": storage,
                "usersAdded": u_add,
                "staffUsersAdded": staff_added,
                "usersDeleted": u_del,
                "staffUsersDeleted": 0,
                "projectsAdded": p_add,
                "projectsDeleted": p_del,
                "cpuComputeTimeSeconds": cpu,
                "gpuComputeTimeSeconds": gpu,
                "computeTimeSeconds": cpu + 3 * gpu,
                "storageBytesAdded": added,
                "storageBytesDeleted": deleted,
            }
        )
    return records


def _empty_record(stamp: str, since: str) -> Record:
    record: Record = dict.fromkeys(RECORD_FIELDS, 0)
    record["date"] = stamp
    record["computeTimeCalculatedSince"] = since
    return record


RECORD_FIELDS = (
    "date",
    "totalUsers",
    "totalStaffUsers",
    "totalProjects",
    "totalCurrentContractCpuComputeTimeSeconds",
    "totalCurrentContractGpuComputeTimeSeconds",
    "totalCurrentContractComputeTimeSeconds",
    "computeTimeCalculatedSince",
    "totalStorageSizeBytes",
    "usersAdded",
    "staffUsersAdded",
    "usersDeleted",
    "staffUsersDeleted",
    "projectsAdded",
    "projectsDeleted",
    "cpuComputeTimeSeconds",
    "gpuComputeTimeSeconds",
    "computeTimeSeconds",
    "storageBytesAdded",
    "storageBytesDeleted",
)
_SUMMED = tuple(f for f in RECORD_FIELDS if f not in {"date", "computeTimeCalculatedSince"} and "Contract" not in f)


def summed_metrics(series: Sequence[list[Record]], contract_start: int, prior: tuple[int, int]) -> list[Record]:
    """The day-by-day sum of several series, with the contract counters recomputed for a contract that starts on
    ``contract_start`` and renews each year; ``prior`` is the (cpu, gpu) the series used in that contract's year
    before their first record."""
    days = len(series[0])
    first = date.fromisoformat(str(series[0][0]["date"])[:10]).toordinal()
    out: list[Record] = []
    contract_cpu, contract_gpu = prior
    for i in range(days):
        day = first + i
        record: Record = {"date": iso_day(day)}
        for field in _SUMMED:
            record[field] = sum(s[i][field] for s in series)
        cpu = int(record["cpuComputeTimeSeconds"])
        gpu = int(record["gpuComputeTimeSeconds"])
        since = year_start(contract_start, day)
        if day == since:
            contract_cpu, contract_gpu = cpu, gpu
        else:
            contract_cpu += cpu
            contract_gpu += gpu
        record["totalCurrentContractCpuComputeTimeSeconds"] = contract_cpu
        record["totalCurrentContractGpuComputeTimeSeconds"] = contract_gpu
        record["totalCurrentContractComputeTimeSeconds"] = contract_cpu + 3 * contract_gpu
        record["computeTimeCalculatedSince"] = iso_day(since)
        out.append({field: record[field] for field in RECORD_FIELDS})
    return out
