"""Daily metrics (DailyMetricsRecord) for one organization, a developer profile, or a whole white label.

One record per consecutive UTC day. Days are proleptic ordinals (``date.toordinal()``) so that the hot loops
stay integer arithmetic. The invariants the records keep (and tests check):

* ``totalUsers[d] = totalUsers[d-1] + usersAdded[d] - usersDeleted[d]``, likewise projects, staff users and
  storage (``storageBytesAdded`` / ``storageBytesDeleted``);
* ``computeTimeSeconds = cpu + 3 * gpu`` for each day;
* the ``totalCurrentContract*`` counters grow by the day's cpu, gpu and cpu + 3 * gpu, and restart from the day's own
  values on the day a contract starts (``computeTimeCalculatedSince`` = the start of the running period).
"""

from __future__ import annotations

import functools
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

# Compute on a Saturday is about a third of a weekday's; Sunday a quarter (index 0 = Monday).
WEEKDAY_FACTOR = (1.0, 1.05, 1.1, 1.05, 0.9, 0.35, 0.25)
PROFILES = ("growth", "wave", "steady", "shrinking", "quiet")

Record = dict[str, Any]
Event = tuple[int, int | None]  # (day added, day deleted or None), as ordinals


@dataclass(frozen=True, slots=True)
class ActivityPlan:
    """What a series must add up to; the generator fills in believable days around it."""

    seed: int
    created: int
    last_active: int
    contract_start: int | None  # start of the running contract; None: counted since creation
    profile: str
    wave_day: int
    member_events: Sequence[Event]
    project_events: Sequence[Event]
    staff_users: int
    contract_compute_target: int  # cpu + 3*gpu seconds of the running period at the last day
    gpu_share: float  # share of compute units that come from GPU time
    storage_final: int


@functools.lru_cache(maxsize=8192)
def iso_day(ordinal: int) -> str:
    """Midnight of a day as the API writes it; memoised (every body of 365 daily records asks for each day)."""
    return date.fromordinal(ordinal).isoformat() + "T00:00:00Z"


def period_start(plan: ActivityPlan, day: int) -> int:
    """First day of the compute period that ``day`` falls in (contract year, or since creation)."""
    start = plan.contract_start
    if start is None:
        return plan.created
    while start > day:
        start -= 365
    return max(start, plan.created)


def _shape(plan: ActivityPlan, day: int, first: int, last: int) -> float:
    t = (day - first) / max(1, last - first)
    profile = plan.profile
    if profile == "growth":
        return 0.25 + 0.75 * t**1.6
    if profile == "wave":
        if day < plan.wave_day:
            return 0.2
        return 0.2 + 0.8 * min(1.0, (day - plan.wave_day) / 21)
    if profile == "shrinking":
        return 1.0 - 0.8 * t
    if profile == "quiet":
        return 0.15
    return 0.9 + 0.1 * math.sin(4 * math.pi * t)


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


def daily_metrics(plan: ActivityPlan, last_day: int, days: int = 365) -> list[Record]:
    """``days`` records ending on ``last_day`` (an ordinal), oldest first."""
    rng = random.Random(plan.seed)
    first = last_day - days + 1
    created = plan.created
    live_first = max(first, created)
    live_last = min(last_day, plan.last_active)

    users0, users_added, users_deleted = _running_counts(plan.member_events, first)
    projects0, projects_added, projects_deleted = _running_counts(plan.project_events, first)

    # Relative activity of each day: profile shape x weekday x noise, zero outside the org's active life.
    weights = [0.0] * days
    for i in range(days):
        day = first + i
        if day < live_first or day > live_last:
            continue
        w = _shape(plan, day, live_first, last_day) * WEEKDAY_FACTOR[(day - 1) % 7]
        w *= rng.lognormvariate(0.0, 0.35)
        if rng.random() < 0.03:
            w *= 3.0  # a hyperparameter sweep
        weights[i] = w

    # Scale so that the running period at the last day adds up to the target.
    last_period = period_start(plan, last_day)
    in_period = sum(weights[max(0, last_period - first) :])
    prior_days = max(0, first - max(period_start(plan, first), created))
    sample = [w for w in weights[:28] if w > 0] or [0.0]
    prior_mean = sum(sample) / len(sample)
    prior_weight = prior_days * prior_mean if last_period < first else 0.0
    total_weight = in_period + prior_weight
    scale = plan.contract_compute_target / total_weight if total_weight > 0 else 0.0

    gpu_share = plan.gpu_share
    prior_units = prior_days * prior_mean * scale
    contract_gpu = int(prior_units * gpu_share / 3)
    contract_cpu = int(prior_units) - 3 * contract_gpu

    # Storage: the running total ends at storage_final; uploads follow activity, clean-ups are sporadic.
    storage_final = plan.storage_final
    weight_sum = sum(weights)
    start_fraction = {"growth": 0.35, "wave": 0.3, "steady": 0.85, "shrinking": 1.7, "quiet": 0.97}[plan.profile]
    if created >= first:
        storage = 0
    elif weight_sum == 0:
        storage = storage_final
    else:
        storage = int(storage_final * start_fraction * rng.uniform(0.9, 1.1))
    cleanup_total = max(0, storage - storage_final) + int(storage_final * 0.08) if storage and weight_sum else 0
    uploads = storage_final - storage + cleanup_total
    cleanup_days = [i for i in range(days) if weights[i] and rng.random() < 0.06]
    cleanup_weights = [rng.random() + 0.2 for _ in cleanup_days]
    cleanup_norm = sum(cleanup_weights) or 1.0
    cleanups = {i: int(cleanup_total * w / cleanup_norm) for i, w in zip(cleanup_days, cleanup_weights, strict=True)}
    weight_sum = weight_sum or 1.0

    staff = plan.staff_users if created < first else 0
    users = users0
    projects = projects0
    records: list[Record] = []
    for i in range(days):
        day = first + i
        stamp = iso_day(day)
        if day < created:
            records.append(_empty_record(stamp, stamp))  # not created yet: nothing to count since
            continue
        staff_added = plan.staff_users if day == created and created >= first else 0
        staff += staff_added
        u_add = users_added.get(day, 0)
        u_del = users_deleted.get(day, 0)
        p_add = projects_added.get(day, 0)
        p_del = projects_deleted.get(day, 0)
        users += u_add - u_del
        projects += p_add - p_del

        units = weights[i] * scale
        gpu = int(units * gpu_share / 3)
        cpu = int(units) - 3 * gpu
        since = period_start(plan, day)
        if day == since:
            contract_cpu, contract_gpu = cpu, gpu
        else:
            contract_cpu += cpu
            contract_gpu += gpu

        added = int(uploads * weights[i] / weight_sum) if weights[i] else 0
        deleted = min(storage + added, cleanups.get(i, 0))
        if i == days - 1:
            # Land on the planned total (within reason) on the last day.
            gap = storage_final - (storage + added - deleted)
            if gap > 0:
                added += gap
            else:
                deleted = min(storage + added, deleted - gap)
        storage += added - deleted

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


def summed_metrics(series: Sequence[list[Record]], contract_start: int) -> list[Record]:
    """The day-by-day sum of several series, with the contract counters recomputed for ``contract_start``."""
    days = len(series[0])
    first = date.fromisoformat(str(series[0][0]["date"])[:10]).toordinal()
    out: list[Record] = []
    prior_cpu = sum(
        int(s[0]["totalCurrentContractCpuComputeTimeSeconds"]) - int(s[0]["cpuComputeTimeSeconds"]) for s in series
    )
    prior_gpu = sum(
        int(s[0]["totalCurrentContractGpuComputeTimeSeconds"]) - int(s[0]["gpuComputeTimeSeconds"]) for s in series
    )
    contract_cpu, contract_gpu = prior_cpu, prior_gpu
    for i in range(days):
        day = first + i
        record: Record = {"date": iso_day(day)}
        for field in _SUMMED:
            record[field] = sum(s[i][field] for s in series)
        cpu = int(record["cpuComputeTimeSeconds"])
        gpu = int(record["gpuComputeTimeSeconds"])
        since = contract_start if day >= contract_start else contract_start - 365
        if day == contract_start:
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
