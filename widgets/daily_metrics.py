"""The daily metrics of an organization or a white label as labelled sparklines, over 30, 90 or 365 days."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.formatting import format_bytes, format_count, format_duration, parse_datetime
from widgets.sparkline import MetricSparkline

RANGES = (30, 90, 365)
LABEL_WIDTH = 18


@dataclass(frozen=True)
class Series:
    """One metric of a DailyMetricsRecord and how to show its numbers."""

    key: str
    label: str
    formatter: Callable[[float], str]


SERIES = (
    Series("totalUsers", "Total users", format_count),
    Series("totalProjects", "Total projects", format_count),
    Series("totalStorageSizeBytes", "Storage", format_bytes),
    Series("cpuComputeTimeSeconds", "CPU compute/day", format_duration),
    Series("gpuComputeTimeSeconds", "GPU compute/day", format_duration),
    Series("totalCurrentContractComputeTimeSeconds", "Contract compute", format_duration),
    Series("usersAdded", "Users added", format_count),
    Series("usersDeleted", "Users deleted", format_count),
    Series("projectsAdded", "Projects added", format_count),
    Series("projectsDeleted", "Projects deleted", format_count),
)


def series_points(records: Sequence[dict[str, Any]], key: str) -> list[tuple[date, float]]:
    """(day, value) pairs of one metric, skipping records without a date or a number."""
    points = []
    for record in records:
        moment = parse_datetime(record.get("date"))
        value = record.get(key)
        if moment is not None and isinstance(value, int | float) and not isinstance(value, bool):
            points.append((moment.date(), float(value)))
    return points


class DailyMetricsPanel(Vertical):
    """Ten sparklines of one set of daily metrics; `set_range` shows the last 30, 90 or 365 days."""

    DEFAULT_CSS = """
    DailyMetricsPanel { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._records: list[dict[str, Any]] = []
        self.days = 30

    def compose(self) -> ComposeResult:
        yield Static(Text("No daily metrics yet", style="italic"), classes="metrics-empty")
        for series in SERIES:
            yield MetricSparkline(
                series.label,
                [],
                series.formatter,
                label_width=LABEL_WIDTH,
                metric_key=series.key,
                id=f"spark-{series.key}",
            )

    def set_records(self, records: Sequence[dict[str, Any]] | None) -> None:
        self._records = sorted(records or [], key=lambda r: str(r.get("date", "")))
        self._redraw()

    def set_range(self, days: int) -> None:
        self.days = days
        self._redraw()

    def next_range(self) -> int:
        """Cycle 30 → 90 → 365 → 30 days; returns the new range."""
        self.set_range(RANGES[(RANGES.index(self.days) + 1) % len(RANGES)] if self.days in RANGES else RANGES[0])
        return self.days

    def _redraw(self) -> None:
        window = self._records[-self.days :]
        self.query_one(".metrics-empty", Static).display = not window
        for series in SERIES:
            self.query_one(f"#spark-{series.key}", MetricSparkline).set_points(series_points(window, series.key))
