"""What a chart can show: the daily metrics, their units and limits, read from the data layer's models.

One `ChartMetric` per chartable figure of a `DailyMetrics` record: the sparklines' ten (same labels and
formatters as `widgets.daily_metrics.SERIES`) plus the figures a chart needs for its limit lines and its
running-total/daily-change switch (contract GPU compute, storage change per day). A `ChartSubject` is whose
metrics they are (an inner organization, the white label, a user): a name, the records and the limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tui.formatting import format_bytes, format_count, format_duration
from tui.safe_text import clean
from widgets.daily_metrics import SERIES

if TYPE_CHECKING:  # the models cost ~0.2 s to import; the first paint (from the cache) does without them
    from tui.api.models import DailyMetrics, EntitlementLimits

__all__ = [
    "METRICS",
    "ChartMetric",
    "ChartSource",
    "ChartSubject",
    "chartable_metrics",
    "daily_records",
    "metric",
]


def _snake(key: str) -> str:
    """The model's field name for an API name ('totalStorageSizeBytes' → 'total_storage_size_bytes')."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _field(key: str) -> Callable[[DailyMetrics], float | None]:
    """The value of one field of a record, found by the API's name for it."""
    name = _snake(key)

    def read(record: DailyMetrics) -> float | None:
        value = getattr(record, name, None)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    return read


def _storage_change(record: DailyMetrics) -> float:
    """Storage added less storage deleted that day: the daily change of `totalStorageSizeBytes`."""
    return float(record.storage_bytes_added - record.storage_bytes_deleted)


@dataclass(frozen=True)
class ChartMetric:
    """One chartable figure: how to read it, how to print it, what limits it, and its running-total twin."""

    key: str
    label: str
    unit: str
    """'count', 'bytes' or 'seconds': what `+` may draw on the same value axis."""
    formatter: Callable[[float], str]
    value: Callable[[DailyMetrics], float | None]
    limit_key: str | None = None
    """The EntitlementLimits field (API name) drawn as a line."""
    counterpart: str | None = None
    """The key of the same quantity as running total ↔ daily change (`d` switches)."""
    cumulative: bool = True


_UNIT_OF_FORMATTER: dict[Callable[..., str], str] = {
    format_count: "count",
    format_bytes: "bytes",
    format_duration: "seconds",
}
_LIMITS = {
    "totalUsers": "numberOfUsers",
    "totalProjects": "numberOfProjects",
    "totalStorageSizeBytes": "totalStorage",
    "totalCurrentContractComputeTimeSeconds": "computeTimePerYear",
    "totalCurrentContractGpuComputeTimeSeconds": "gpuComputeTimePerYear",
}
_COUNTERPARTS = {
    "totalStorageSizeBytes": "storageChange",
    "totalCurrentContractComputeTimeSeconds": "computeTimeSeconds",
    "totalCurrentContractGpuComputeTimeSeconds": "gpuComputeTimeSeconds",
    "totalCurrentContractCpuComputeTimeSeconds": "cpuComputeTimeSeconds",
}
_COUNTERPARTS.update({daily: total for total, daily in list(_COUNTERPARTS.items())})
_DAILY = {
    "cpuComputeTimeSeconds",
    "gpuComputeTimeSeconds",
    "computeTimeSeconds",
    "storageChange",
    "usersAdded",
    "usersDeleted",
    "projectsAdded",
    "projectsDeleted",
}


def _metric(
    key: str, label: str, formatter: Callable[[float], str], value: Callable[[DailyMetrics], Any]
) -> ChartMetric:
    return ChartMetric(
        key,
        label,
        _UNIT_OF_FORMATTER.get(formatter, "count"),
        formatter,
        value,
        limit_key=_LIMITS.get(key),
        counterpart=_COUNTERPARTS.get(key),
        cumulative=key not in _DAILY,
    )


METRICS: dict[str, ChartMetric] = {
    series.key: _metric(series.key, series.label, series.formatter, _field(series.key)) for series in SERIES
}
"""Every chartable metric by key: the sparklines' first, in their order, then the ones only a chart shows."""
for _key, _label, _formatter, _value in (
    ("totalCurrentContractGpuComputeTimeSeconds", "Contract GPU compute", format_duration, None),
    ("totalCurrentContractCpuComputeTimeSeconds", "Contract CPU compute", format_duration, None),
    ("computeTimeSeconds", "Compute/day (CPU+3×GPU)", format_duration, None),
    ("storageChange", "Storage change/day", format_bytes, _storage_change),
):
    METRICS[_key] = _metric(_key, _label, _formatter, _value or _field(_key))


def metric(key: str) -> ChartMetric:
    """The metric with this key (KeyError for an unknown one: keys come from this module)."""
    return METRICS[key]


@dataclass(frozen=True)
class ChartSubject:
    """Whose metrics a chart shows: a name for the title and legend (cleaned here), the records oldest first,
    the limits (None for a user), and for comparisons the white label that owns it."""

    name: str
    records: tuple[DailyMetrics, ...]
    limits: EntitlementLimits | None = None
    org_id: int | None = None
    """The white-label admin organization whose inner organizations `+` may compare with."""
    inner_id: int | None = None
    raw: Any = field(default=None, compare=False)
    """What `y` shows: the API's body the records came from."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean(self.name))
        object.__setattr__(self, "records", tuple(sorted(self.records, key=lambda record: record.date)))

    def points(self, chart_metric: ChartMetric) -> list[tuple[date, float]]:
        """(day, value) of one metric, oldest first; a record without the figure is left out."""
        points = []
        for record in self.records:
            value = chart_metric.value(record)
            if value is not None:
                points.append((record.date.date(), value))
        return points

    def limit(self, chart_metric: ChartMetric) -> float | None:
        """The entitlement limit drawn with this metric, when it has one and the subject sets it."""
        if chart_metric.limit_key is None or self.limits is None:
            return None
        value = self.limits.model_dump(by_alias=True).get(chart_metric.limit_key)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def daily_records(raw: Sequence[Any] | None) -> list[DailyMetrics]:
    """Records of an untyped body (the white label's metrics are a free-form dict in the spec) as models;
    a record that does not validate is left out rather than failing the chart."""
    # Imported here, not at the top: screens import this module before the first paint (start-up budget).
    from pydantic import ValidationError

    from tui.api.models import DailyMetrics

    records = []
    for item in raw or []:
        if isinstance(item, DailyMetrics):
            records.append(item)
            continue
        try:
            records.append(DailyMetrics.model_validate(item))
        except ValidationError:
            continue
    return records


def chartable_metrics(subject: ChartSubject) -> list[ChartMetric]:
    """The metrics worth offering for this subject: all, when it has records."""
    return list(METRICS.values()) if subject.records else []


@runtime_checkable
class ChartSource(Protocol):
    """A screen or panel that shows daily metrics: the palette asks it for the subject to chart."""

    def chart_subject(self) -> ChartSubject | None: ...
