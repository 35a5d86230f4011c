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
- days to limit = (limit − used) / daily change, when the change is positive and used is below the limit;
  the organization's is the soonest, and `days_to_limit_resource` names whose it is;
- growth = daily change × 30 / limit × 100 (percentage points of the limit gained per 30 days), the largest
  over the resources with a positive limit and a change; `growth_resource` names whose it is.

`measure` is two steps: `collect` reads the bodies into `Figures` (per resource the used figure, the limit, the
daily change, and the trend: what the fleet keeps between runs, tui/api/fleet_store.py), and `judge` turns
figures into the verdict. Pure Python: no Textual, no I/O.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

__all__ = [
    "GROWTH_DAYS",
    "NEAR_PERCENT",
    "RESOURCES",
    "TREND_RECORDS",
    "Figures",
    "OrgHealth",
    "Resource",
    "ResourceUsage",
    "Status",
    "StatusMark",
    "collect",
    "fleet_record",
    "judge",
    "measure",
    "status_by_org",
    "summary_text",
]

NEAR_PERCENT = 80.0
TREND_RECORDS = 30
GROWTH_DAYS = 30
"""Growth is said per this many days: '+12 %/30 d'."""


@dataclass(frozen=True)
class Resource:
    """One entitlement: where its usage and its limit live in the API's bodies."""

    key: str  # the export's name: users, projects, storage, compute, gpuCompute
    label: str
    used_field: str  # in a daily metrics record
    limit_field: str  # in entitlementLimits
    unit: str  # count | bytes | seconds
    short: str = ""
    """The label in a narrow cell ('GPU in 5 d'); the label itself when empty."""

    @property
    def short_label(self) -> str:
        return self.short or self.label


RESOURCES: tuple[Resource, ...] = (
    Resource("users", "Users", "totalUsers", "numberOfUsers", "count"),
    Resource("projects", "Projects", "totalProjects", "numberOfProjects", "count"),
    Resource("storage", "Storage", "totalStorageSizeBytes", "totalStorage", "bytes"),
    Resource("compute", "Compute", "totalCurrentContractComputeTimeSeconds", "computeTimePerYear", "seconds"),
    Resource(
        "gpuCompute",
        "GPU compute",
        "totalCurrentContractGpuComputeTimeSeconds",
        "gpuComputeTimePerYear",
        "seconds",
        short="GPU",
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


class ResourceUsage(NamedTuple):
    """One resource of one organization; None wherever the API does not say.

    A named tuple, not a frozen dataclass: a fleet makes five per organization (25,000 for a huge white label),
    and a tuple is built ten times faster.
    """

    used: float | None = None
    limit: float | None = None
    percent: float | None = None
    daily_change: float | None = None
    days_to_limit: float | None = None

    @property
    def growth(self) -> float | None:
        """Percentage points of the limit gained per 30 days; None without a positive limit or a change."""
        if self.daily_change is None or self.limit is None or self.limit <= 0:
            return None
        return self.daily_change * GROWTH_DAYS / self.limit * 100

    def to_json(self) -> dict[str, float | None]:
        return {
            "used": self.used,
            "limit": self.limit,
            "percent": self.percent,
            "dailyChange": self.daily_change,
            "daysToLimit": self.days_to_limit,
        }


@dataclass(eq=True)
class OrgHealth:
    """An inner organization's usage against its limits: per resource, and the verdict. Treat it as immutable
    (not frozen: a frozen dataclass is built several times slower, and a warm fleet judges 5,000 at once)."""

    resources: dict[str, ResourceUsage] = field(default_factory=dict)
    status: Status = Status.UNKNOWN
    worst: str | None = None
    worst_percent: float | None = None
    days_to_limit: float | None = None
    trend: tuple[float, ...] = ()
    """The worst resource's used figure (compute when none is worst) over the last 30 records: the sparkline."""
    error: str | None = None
    """Why the numbers are unknown: the info could not be read, or nothing is kept of it."""
    days_to_limit_resource: str | None = None
    """The resource whose limit comes first (the key of `days_to_limit`'s resource)."""
    growth: float | None = None
    """The fastest growth: percentage points of its limit per 30 days (see `ResourceUsage.growth`)."""
    growth_resource: str | None = None

    @classmethod
    def failed(cls, error: str) -> OrgHealth:
        return cls(resources={r.key: ResourceUsage() for r in RESOURCES}, error=error)

    def usage(self, key: str) -> ResourceUsage:
        return self.resources.get(key) or ResourceUsage()

    @property
    def limit_reached(self) -> bool:
        """The worst resource is at or over its limit: its next limit is now."""
        return self.status in (Status.OVER, Status.AT)

    @property
    def rank_key(self) -> tuple[int, float, float]:
        """Worst first: status, then the highest percent, then the soonest limit."""
        return (
            self.status.rank,
            -(self.worst_percent if self.worst_percent is not None else -1.0),
            self.days_to_limit if self.days_to_limit is not None else math.inf,
        )


Triple = tuple[float | None, float | None, float | None]
"""(used, limit, daily change) of one resource."""


class Figures(NamedTuple):
    """What `measure` reads of an organization, before any verdict: per resource (in `RESOURCES` order) the
    used figure, the limit and the daily change, and the trend series. A few hundred bytes: the fleet keeps
    these between runs (tui/api/fleet_store.py) and `judge` gives the same health as measuring the body."""

    used: tuple[float | None, ...]
    limit: tuple[float | None, ...]
    change: tuple[float | None, ...]
    trend: tuple[float, ...] = ()

    def triples(self) -> list[Triple]:
        return list(zip(self.used, self.limit, self.change, strict=True))


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


def _percent(used: float | None, limit: float | None) -> float | None:
    """used / limit × 100, only where the limit is a positive number."""
    if used is None or limit is None or limit <= 0:
        return None
    return used / limit * 100


def _worst(percents: Sequence[float | None]) -> int | None:
    """The position (in `RESOURCES`) of the highest percent; the first of equals; None when none is known."""
    measured = [(percent, -i) for i, percent in enumerate(percents) if percent is not None]
    return -max(measured)[1] if measured else None


def collect(limits: Mapping[str, Any] | None, daily: Sequence[Mapping[str, Any]] | None) -> Figures:
    """The figures of one organization from its `entitlementLimits` and its `dailyMetrics` (API names)."""
    limits = limits if isinstance(limits, Mapping) else {}
    records = _chronological(daily or [])
    newest = records[-1] if records else {}
    window = records[-TREND_RECORDS:]
    used = tuple(_number(newest.get(r.used_field)) for r in RESOURCES)
    limit = tuple(_number(limits.get(r.limit_field)) for r in RESOURCES)
    change = tuple(_daily_change(window, r.used_field) for r in RESOURCES)
    worst = _worst([_percent(u, cap) for u, cap in zip(used, limit, strict=True)])
    trend_field = RESOURCES[worst].used_field if worst is not None else RESOURCE_BY_KEY["compute"].used_field
    trend = tuple(v for r in window if (v := _number(r.get(trend_field))) is not None)
    return Figures(used, limit, change, trend)


def judge(figures: Figures) -> OrgHealth:
    """The verdict on some figures: percents, status, the worst resource, the next limit and the growth."""
    resources: dict[str, ResourceUsage] = {}
    for resource, (used, limit, change) in zip(RESOURCES, figures.triples(), strict=True):
        percent = _percent(used, limit)
        days = None
        if change is not None and change > 0 and used is not None and percent is not None and limit is not None:
            days = (limit - used) / change if used < limit else None
        resources[resource.key] = ResourceUsage(used, limit, percent, change, days)
    usages = list(resources.values())
    worst = _worst([u.percent for u in usages])
    worst_percent = usages[worst].percent if worst is not None else None
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
    soonest = min(
        [(u.days_to_limit, key) for key, u in resources.items() if u.days_to_limit is not None],
        key=lambda pair: pair[0],
        default=None,
    )
    fastest = max(
        [(g, key) for key, u in resources.items() if (g := u.growth) is not None],
        key=lambda pair: pair[0],
        default=None,
    )
    return OrgHealth(
        resources,
        status,
        RESOURCES[worst].key if worst is not None else None,
        worst_percent,
        soonest[0] if soonest else None,
        figures.trend,
        days_to_limit_resource=soonest[1] if soonest else None,
        growth=fastest[0] if fastest else None,
        growth_resource=fastest[1] if fastest else None,
    )


def measure(limits: Mapping[str, Any] | None, daily: Sequence[Mapping[str, Any]] | None) -> OrgHealth:
    """The health of one organization from its `entitlementLimits` and its `dailyMetrics` (API names)."""
    return judge(collect(limits, daily))


def fleet_record(inner_id: int, name: str | None, health: OrgHealth) -> dict[str, Any]:
    """One record of `eiscope export fleet`: id, name, the verdict, then each resource (API-style names)."""
    record: dict[str, Any] = {
        "id": inner_id,
        "name": name,
        "status": health.status.value,
        "worst": health.worst,
        "worstPercent": health.worst_percent,
        "daysToLimit": health.days_to_limit,
        "daysToLimitResource": health.days_to_limit_resource,
        "growth": health.growth,
        "growthResource": health.growth_resource,
    }
    for resource in RESOURCES:
        record[resource.key] = health.usage(resource.key).to_json()
    record["error"] = health.error
    return record


def summary_text(counts: Mapping[Status, int], *, compact: bool = False, missing: int = 0) -> str:
    """'3 over · 1 at limit · 12 near · 919 ok · 0 unknown': every status, worst first, zeros included.

    `missing` of the unknown have no summary kept at all: '· 55 unknown (55 not read yet)'. `compact` (a card
    half as wide): '3 over · 1 at · 12 near · 919 ok', the statuses with no organization left out.
    """
    if compact:
        text = " · ".join(f"{n:,} {status.value}" for status in Status if (n := counts.get(status, 0))) or "none"
    else:
        text = " · ".join(f"{counts.get(status, 0):,} {status.label}" for status in Status)
    return f"{text} ({missing:,} not read yet)" if missing else text


@dataclass(frozen=True)
class StatusMark:
    """What another view needs to colour an inner organization: its status and worst percent."""

    status: Status
    worst_percent: float | None


def status_by_org(healths: Mapping[int, OrgHealth]) -> dict[int, StatusMark]:
    """inner id → (status, worst percent), for views that mark organizations (the structure view)."""
    return {inner_id: StatusMark(h.status, h.worst_percent) for inner_id, h in healths.items()}
