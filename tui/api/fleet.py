"""Fleet health: one definition of an inner organization's usage against its limits, used everywhere.

The inner-org screen's gauges, the Fleet tab, the card's summary line and `eiscope export fleet` all read the
numbers from `measure`, so "over", "near" and "days to limit" mean the same thing in each. The definitions
(README, "Fleet health"):

- used: the newest daily metrics record's `totalUsers`, `totalProjects`, `totalStorageSizeBytes`,
  `totalCurrentContractComputeTimeSeconds`, `totalCurrentContractGpuComputeTimeSeconds`;
- limit: `entitlementLimits`' `numberOfUsers`, `numberOfProjects`, `totalStorage`, `computeTimePerYear`,
  `gpuComputeTimePerYear`;
- percent = used / limit × 100, only where the limit is a positive number;
- status: `over` when any percent is above 100, `at` when the worst is exactly 100, `near` when the worst is
  80 or more, `ok` below, `unknown` when no resource has both a usage and a limit;
- daily change: the change of the used figure over the last 30 daily records, divided by the days they span;
- days to limit = (limit − used) / daily change, when the change is positive and used is below the limit.

Pure Python: no Textual, no I/O. `OrgHealth.to_json` / `from_json` is the compact form kept in the cache.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "DIGEST_KIND",
    "NEAR_PERCENT",
    "RESOURCES",
    "TREND_RECORDS",
    "OrgHealth",
    "Resource",
    "ResourceUsage",
    "Status",
    "StatusMark",
    "fleet_record",
    "measure",
    "status_by_org",
    "summary_text",
]

NEAR_PERCENT = 80.0
TREND_RECORDS = 30
DIGEST_KIND = "fleet-1"
"""Names the compact form cached beside an info body; change it when a definition changes."""


@dataclass(frozen=True)
class Resource:
    """One entitlement: where its usage and its limit live in the API's bodies."""

    key: str  # the export's name: users, projects, storage, compute, gpuCompute
    label: str
    used_field: str  # in a daily metrics record
    limit_field: str  # in entitlementLimits
    unit: str  # count | bytes | seconds


RESOURCES: tuple[Resource, ...] = (
    Resource("users", "Users", "totalUsers", "numberOfUsers", "count"),
    Resource("projects", "Projects", "totalProjects", "numberOfProjects", "count"),
    Resource("storage", "Storage", "totalStorageSizeBytes", "totalStorage", "bytes"),
    Resource("compute", "Compute", "totalCurrentContractComputeTimeSeconds", "computeTimePerYear", "seconds"),
    Resource(
        "gpuCompute", "GPU compute", "totalCurrentContractGpuComputeTimeSeconds", "gpuComputeTimePerYear", "seconds"
    ),
)
RESOURCE_BY_KEY = {resource.key: resource for resource in RESOURCES}


class Status(enum.StrEnum):
    """Worst first: the order of the members is the fleet's order."""

    OVER = "over"
    AT = "at"
    NEAR = "near"
    OK = "ok"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        return _STATUS_RANK[self]

    @property
    def label(self) -> str:
        """How a person reads it in a list: 'at limit' rather than 'at'."""
        return "at limit" if self is Status.AT else self.value


_STATUS_RANK = {status: rank for rank, status in enumerate(Status)}


@dataclass(frozen=True)
class ResourceUsage:
    """One resource of one organization; None wherever the API does not say."""

    used: float | None = None
    limit: float | None = None
    percent: float | None = None
    daily_change: float | None = None
    days_to_limit: float | None = None

    def to_json(self) -> dict[str, float | None]:
        return {
            "used": self.used,
            "limit": self.limit,
            "percent": self.percent,
            "dailyChange": self.daily_change,
            "daysToLimit": self.days_to_limit,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResourceUsage:
        return cls(
            used=_number(data.get("used")),
            limit=_number(data.get("limit")),
            percent=_number(data.get("percent")),
            daily_change=_number(data.get("dailyChange")),
            days_to_limit=_number(data.get("daysToLimit")),
        )


@dataclass(frozen=True)
class OrgHealth:
    """An inner organization's usage against its limits: per resource, and the verdict."""

    resources: dict[str, ResourceUsage] = field(default_factory=dict)
    status: Status = Status.UNKNOWN
    worst: str | None = None
    worst_percent: float | None = None
    days_to_limit: float | None = None
    trend: tuple[float, ...] = ()
    """The worst resource's used figure (compute when none is worst) over the last 30 records: the sparkline."""
    error: str | None = None
    """Why the numbers are unknown: the info could not be read."""

    @classmethod
    def failed(cls, error: str) -> OrgHealth:
        return cls(resources={r.key: ResourceUsage() for r in RESOURCES}, error=error)

    def usage(self, key: str) -> ResourceUsage:
        return self.resources.get(key) or ResourceUsage()

    @property
    def rank_key(self) -> tuple[int, float, float]:
        """Worst first: status, then the highest percent, then the soonest limit."""
        return (
            self.status.rank,
            -(self.worst_percent if self.worst_percent is not None else -1.0),
            self.days_to_limit if self.days_to_limit is not None else math.inf,
        )

    def to_json(self) -> dict[str, Any]:
        """The compact form (the cache's digest and the export's body, without id and name)."""
        return {
            "status": self.status.value,
            "worst": self.worst,
            "worstPercent": self.worst_percent,
            "daysToLimit": self.days_to_limit,
            **{key: usage.to_json() for key, usage in self.resources.items()},
            "trend": list(self.trend),
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OrgHealth:
        try:
            status = Status(str(data.get("status")))
        except ValueError:
            status = Status.UNKNOWN
        resources = {
            r.key: ResourceUsage.from_json(data[r.key]) if isinstance(data.get(r.key), Mapping) else ResourceUsage()
            for r in RESOURCES
        }
        trend = data.get("trend")
        worst = data.get("worst")
        return cls(
            resources=resources,
            status=status,
            worst=worst if worst in RESOURCE_BY_KEY else None,
            worst_percent=_number(data.get("worstPercent")),
            days_to_limit=_number(data.get("daysToLimit")),
            trend=tuple(v for v in trend if isinstance(v, int | float)) if isinstance(trend, list) else (),
            error=str(data["error"]) if data.get("error") is not None else None,
        )


def _number(value: Any) -> float | None:
    """A finite number as float; None for anything else (bools, strings, NaN, infinities)."""
    kind = type(value)
    if kind is float:  # the fleet's records (a slim model's floats): the hot path
        return value if math.isfinite(value) else None
    if kind is int:
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _chronological(daily: Sequence[Any]) -> list[Mapping[str, Any]]:
    """The records with a date, oldest first (the API sends them in order; sorting is the exception)."""
    records: list[Mapping[str, Any]] = [r for r in daily if isinstance(r, dict) and r.get("date") is not None]
    dates = [r["date"] for r in records]
    if all(type(d) is str for d in dates) and all(a <= b for a, b in itertools.pairwise(dates)):
        return records  # ISO strings of one layout sort as text
    dated = [(moment, r) for r in records if (moment := _moment(r.get("date"))) is not None]
    try:
        dated.sort(key=lambda pair: pair[0])
    except TypeError:  # naive and aware datetimes mixed: by their text
        dated.sort(key=lambda pair: str(pair[1].get("date")))
    return [r for _, r in dated]


def _daily_change(window: Sequence[Mapping[str, Any]], used_field: str) -> float | None:
    """(last − first) / days between them, over the records of the window that carry the figure."""
    points = [(r, v) for r in window if (v := _number(r.get(used_field))) is not None]
    if len(points) < 2:
        return None
    (first, first_value), (last, last_value) = points[0], points[-1]
    start, end = _moment(first.get("date")), _moment(last.get("date"))
    if start is None or end is None:
        return None
    try:
        days = (end - start).total_seconds() / 86_400
    except TypeError:
        return None
    return (last_value - first_value) / days if days > 0 else None


def measure(limits: Mapping[str, Any] | None, daily: Sequence[Mapping[str, Any]] | None) -> OrgHealth:
    """The health of one organization from its `entitlementLimits` and its `dailyMetrics` (API names)."""
    limits = limits if isinstance(limits, Mapping) else {}
    records = _chronological(daily or [])
    newest = records[-1] if records else {}
    window = records[-TREND_RECORDS:]
    resources: dict[str, ResourceUsage] = {}
    for resource in RESOURCES:
        used = _number(newest.get(resource.used_field))
        limit = _number(limits.get(resource.limit_field))
        positive = limit is not None and limit > 0
        percent = used / limit * 100 if used is not None and positive and limit is not None else None
        change = _daily_change(window, resource.used_field)
        days = None
        if change is not None and change > 0 and used is not None and limit is not None and positive and used < limit:
            days = (limit - used) / change
        resources[resource.key] = ResourceUsage(used, limit, percent, change, days)
    measured = [(key, usage.percent) for key, usage in resources.items() if usage.percent is not None]
    worst, worst_percent = max(measured, key=lambda pair: pair[1], default=(None, None))
    if worst_percent is None:
        status = Status.UNKNOWN
    elif worst_percent > 100:
        status = Status.OVER
    elif worst_percent == 100:
        status = Status.AT
    elif worst_percent >= NEAR_PERCENT:
        status = Status.NEAR
    else:
        status = Status.OK
    soonest = min((u.days_to_limit for u in resources.values() if u.days_to_limit is not None), default=None)
    trend_field = RESOURCE_BY_KEY[worst or "compute"].used_field
    trend = tuple(v for r in window if (v := _number(r.get(trend_field))) is not None)
    return OrgHealth(resources, status, worst, worst_percent, soonest, trend)


def digest_info(info: Any) -> dict[str, Any]:
    """The compact form of an info body parsed into `models_fleet.FleetInfo` (what the cache keeps)."""
    return measure(info.entitlement_limits, info.daily_metrics or []).to_json()


def fleet_record(inner_id: int, name: str | None, health: OrgHealth) -> dict[str, Any]:
    """One record of `eiscope export fleet`: id, name, the verdict, then each resource (API-style names)."""
    record: dict[str, Any] = {
        "id": inner_id,
        "name": name,
        "status": health.status.value,
        "worst": health.worst,
        "worstPercent": health.worst_percent,
        "daysToLimit": health.days_to_limit,
    }
    for resource in RESOURCES:
        record[resource.key] = health.usage(resource.key).to_json()
    record["error"] = health.error
    return record


def summary_counts(statuses: Iterable[Status]) -> Counter[Status]:
    return Counter(statuses)


def summary_text(counts: Mapping[Status, int], *, compact: bool = False) -> str:
    """'3 over · 1 at limit · 12 near · 919 ok · 0 unknown': every status, worst first, zeros included.

    `compact` (a card half as wide): '3 over · 1 at · 12 near · 919 ok', the statuses with no organization left out.
    """
    if compact:
        return " · ".join(f"{n:,} {status.value}" for status in Status if (n := counts.get(status, 0))) or "none"
    return " · ".join(f"{counts.get(status, 0):,} {status.label}" for status in Status)


@dataclass(frozen=True)
class StatusMark:
    """What another view needs to colour an inner organization: its status and worst percent."""

    status: Status
    worst_percent: float | None


def status_by_org(healths: Mapping[int, OrgHealth]) -> dict[int, StatusMark]:
    """inner id → (status, worst percent), for views that mark organizations (the structure view)."""
    return {inner_id: StatusMark(h.status, h.worst_percent) for inner_id, h in healths.items()}
