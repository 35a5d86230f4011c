"""`eiscope export fleet --format openmetrics`: the fleet as OpenMetrics text, for node_exporter's textfile
collector (or any scraper of the exposition format).

prometheus_client writes the text (names, `# HELP`/`# TYPE`, label escaping, `# EOF`), so a name with a quote,
a backslash or a line break cannot break a line. Names are also cleaned of terminal controls (tui/safe_text),
as every export's text is: the file may be `cat` in a terminal. A figure the API does not give (no limit, no
days to a limit) is left out rather than written as NaN. The gauges, each labelled `org_id`, `inner_org_id`,
`inner_org` and `resource` (users, projects, storage, compute, gpuCompute):

- `eiscope_inner_org_used`: the used figure (a count, bytes, or seconds of compute this contract year);
- `eiscope_inner_org_limit`: the entitlement limit, in the same unit;
- `eiscope_inner_org_usage_percent`: used / limit × 100;
- `eiscope_inner_org_days_to_limit`: days until the limit at the last 30 days' pace;
and `eiscope_fleet_orgs{org_id, status}`: how many inner organizations are over, at, near, ok, unknown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.openmetrics.exposition import generate_latest
from prometheus_client.registry import Collector, CollectorRegistry

from tui.api.fleet import RESOURCES, Status
from tui.safe_text import clean

__all__ = ["GAUGES", "openmetrics_text"]

LABELS = ["org_id", "inner_org_id", "inner_org", "resource"]
GAUGES: dict[str, tuple[str, str]] = {
    "used": ("eiscope_inner_org_used", "Used figure of a resource (count, bytes, or compute seconds this year)."),
    "limit": ("eiscope_inner_org_limit", "Entitlement limit of a resource, in the unit of its used figure."),
    "percent": ("eiscope_inner_org_usage_percent", "Used as a percent of the limit."),
    "daysToLimit": ("eiscope_inner_org_days_to_limit", "Days until the limit at the last 30 days' pace."),
}
"""Field of a fleet record's resource → (metric name, help text)."""


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class _FleetCollector(Collector):
    """The fleet's records as gauge families (one registry per export: nothing global)."""

    def __init__(self, org_id: int, records: list[Mapping[str, Any]]) -> None:
        self.org_id = str(org_id)
        self.records = records

    def collect(self) -> Iterable[Metric]:
        families = {field: GaugeMetricFamily(name, text, labels=LABELS) for field, (name, text) in GAUGES.items()}
        for record in self.records:
            labels = [self.org_id, str(record.get("id")), clean(record.get("name") or "")]
            for resource in RESOURCES:
                usage = record.get(resource.key)
                if not isinstance(usage, Mapping):
                    continue
                for field, family in families.items():
                    value = _number(usage.get(field))
                    if value is not None:
                        family.add_metric([*labels, resource.key], value)
        yield from families.values()
        statuses = GaugeMetricFamily(
            "eiscope_fleet_orgs", "Inner organizations by Fleet health status.", labels=["org_id", "status"]
        )
        counts = Counter(str(record.get("status")) for record in self.records)
        for status in Status:
            statuses.add_metric([self.org_id, status.value], counts.get(status.value, 0))
        yield statuses

    def describe(self) -> Iterator[Metric]:
        return iter(())


def openmetrics_text(org_id: int, records: list[Mapping[str, Any]]) -> str:
    """The fleet records of `eiscope export fleet` as OpenMetrics text (ends with `# EOF`)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_FleetCollector(org_id, records))
    return generate_latest(registry).decode("utf-8")
