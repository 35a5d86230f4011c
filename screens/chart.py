"""A daily metric in full: dates and values on the axes, the limit as a line, a day cursor, a comparison.

Opened by the app on `ShowChart` (enter on a sparkline, or "Chart: …" in the palette). The day cursor moves with
the keys of every list (widgets/reading.py: j/k a day, g/G the ends, ctrl+d/ctrl+u a week). `t` cycles 30/90/365
days, `d` switches a compute or storage figure between running total and daily change, `+` draws a second
line (another metric in the same unit, or the same metric of another inner organization, fetched here by a
worker that posts `ComparisonLoaded`), `-` takes it away.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Static

from screens.base import EiscopeScreen
from screens.chart_metrics import METRICS, ChartMetric, ChartSubject, daily_records, metric
from screens.loading import UnexpectedError
from screens.messages import ComparisonFailed, ComparisonLoaded, Kind
from tui.api.errors import ApiError
from tui.formatting import format_percent
from tui.safe_text import clean
from widgets.daily_metrics import RANGES
from widgets.metric_chart import LINE_COLOURS, MARKERS, ChartLine, MetricChart

LEGEND_MARKS = ("⠒⠒", "••")
"""How each line looks in the legend: braille, then dots (the chart's MARKERS)."""
MAX_ORG_HITS = 30


@dataclass(frozen=True)
class Comparison:
    """The second line: another subject's same metric (`subject` set) or another metric of the same subject."""

    subject: ChartSubject | None = None
    metric_key: str | None = None


class ChartScreen(EiscopeScreen):
    """One metric of one subject over 30/90/365 days, and optionally a second line to compare."""

    CSS = """
    #chart-title, #chart-legend {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }

    #chart {
        height: 1fr;
        min-height: 8;
    }

    #chart-readout {
        height: auto;
        max-height: 2;
        padding: 0 1;
    }
    """
    """A title and a legend over the chart, the cursor's readout under it; loaded with the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "next_range", "Range 30/90/365", id="range"),
        Binding("d", "toggle_daily", "Total/daily", id="chart-total-daily"),
        Binding("plus", "compare", "Compare", id="chart-compare"),
        Binding("minus", "remove_comparison", "Uncompare", id="chart-uncompare"),
        Binding("r", "refresh", "Refresh", show=False, id="refresh"),
        Binding("y", "raw_json", "Raw JSON", show=False, id="raw-json"),
    ]

    def __init__(self, subject: ChartSubject, metric_key: str, *, days: int = 30) -> None:
        super().__init__()
        self.subject = subject
        self.metric_key = metric_key
        self.days = days if days in RANGES else RANGES[0]
        self.comparison: Comparison | None = None
        self.pending: str | None = None
        """The organization whose metrics are on their way for a comparison (said in the legend)."""
        self.crumb = f"Chart: {self.metric.label}"

    @property
    def metric(self) -> ChartMetric:
        return metric(self.metric_key)

    def compose_body(self) -> ComposeResult:
        yield Static(id="chart-title", markup=False)
        yield Static(id="chart-legend", markup=False)
        yield MetricChart(id="chart")
        yield Static(id="chart-readout", markup=False)

    def on_mount(self) -> None:
        self.query_one(MetricChart).focus()
        self.redraw(keep_day=False)

    # -- what is drawn ---------------------------------------------------------------------------------------

    def _lines(self) -> list[tuple[str, ChartLine]]:
        """(legend label, line) of the subject's metric and of the comparison, over the chosen range."""
        own = self.subject.points(self.metric)[-self.days :]
        lines = [(self.subject.name, ChartLine(self.subject.name, own))]
        comparison = self.comparison
        if comparison is not None and own:
            first = own[0][0]
            if comparison.subject is not None:
                other = comparison.subject.points(self.metric)
                name = comparison.subject.name
            else:
                other_metric = metric(comparison.metric_key or self.metric_key)
                other = self.subject.points(other_metric)
                name = other_metric.label
                lines[0] = (self.metric.label, ChartLine(self.metric.label, own))
            lines.append((name, ChartLine(name, [point for point in other if point[0] >= first])))
        return lines

    def redraw(self, *, keep_day: bool = True) -> None:
        lines = self._lines()
        chart_metric = self.metric
        limit = self.subject.limit(chart_metric)
        self.query_one(MetricChart).show(
            [line for _, line in lines],
            limit=limit,
            formatter=chart_metric.formatter,
            unit=chart_metric.unit,
            keep_day=keep_day,
        )
        kind = "running total" if chart_metric.cumulative else "per day"
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(chart_metric.label, "bold")
        title.append(f" · {self.subject.name} · last {self.days} days · {kind}")
        self.query_one("#chart-title", Static).update(title)
        self.query_one("#chart-legend", Static).update(self._legend(lines, limit))
        self.set_crumb(f"Chart: {chart_metric.label}")
        self.refresh_bindings()

    def _legend(self, lines: list[tuple[str, ChartLine]], limit: float | None) -> Text:
        legend = Text(no_wrap=True, overflow="ellipsis")
        styles = [f"bold ${colour}" for colour in LINE_COLOURS]
        for number, (label, _line) in enumerate(lines):
            mark = LEGEND_MARKS[number % len(MARKERS)]
            legend.append(mark + " ", self._style(styles[number % len(styles)]))
            legend.append(clean(label))
            legend.append("   ")
        if self.pending is not None:
            legend.append(f"loading {self.pending}…   ", "italic")
        if limit is not None:
            legend.append("── ", self._style("bold $error"))
            legend.append(f"limit {self.metric.formatter(limit)}")
            legend.append("   ")
        legend.append("│ ", "bold")
        legend.append("cursor (←/→ or j/k, g/G, click)")
        return legend

    def _style(self, spec: str) -> str:
        """A theme variable as a colour Rich understands ("bold $accent" → "bold #ffa62b")."""
        words = []
        for word in spec.split():
            if word.startswith("$"):
                word = self.app.theme_variables.get(word[1:], "default")
            words.append(word)
        return " ".join(words)

    @on(MetricChart.CursorMoved)
    def _cursor_moved(self, message: MetricChart.CursorMoved) -> None:
        self.query_one("#chart-readout", Static).update(self.readout())

    def readout(self) -> Text:
        """'2026-03-02 · Northwind 1,234.5 h · Kestrel 900.0 h · 25% of the limit 5,000.0 h'."""
        chart = self.query_one(MetricChart)
        day = chart.day
        text = Text(no_wrap=False)
        if day is None:
            text.append("No data for this range", "italic")
            return text
        text.append(f"{day:%a %Y-%m-%d}", "bold")
        fmt = self.metric.formatter
        labels = [label for label, _ in self._lines()]
        values = chart.values_at()
        for label, value in zip(labels, values, strict=False):
            text.append(f" · {clean(label)} ")
            text.append("—" if value is None else fmt(value), "bold")
        limit = self.subject.limit(self.metric)
        if limit and values and values[0] is not None:
            text.append(f" · {format_percent(values[0] / limit)} of the limit {fmt(limit)}")
        return text

    # -- keys ------------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`d` greys out for a metric without a running-total/daily twin; `-` shows only with a comparison."""
        if action == "toggle_daily" and self.metric.counterpart is None:
            return None
        if action == "remove_comparison":
            return self.comparison is not None
        return super().check_action(action, parameters)

    def action_next_range(self) -> None:
        self.days = RANGES[(RANGES.index(self.days) + 1) % len(RANGES)]
        self.redraw()

    def action_toggle_daily(self) -> None:
        counterpart = self.metric.counterpart
        if counterpart is None:
            self.notify(f"{self.metric.label} has no running total / daily change to switch to", timeout=3)
            return
        self.metric_key = counterpart
        comparison = self.comparison
        if comparison is not None and comparison.metric_key is not None:
            twin = metric(comparison.metric_key).counterpart
            self.comparison = Comparison(metric_key=twin) if twin and twin != self.metric_key else None
        self.redraw()

    def action_compare(self) -> None:
        self.app.push_screen(
            CommandPalette(providers=[CompareProvider], placeholder="Compare with… a metric, or an organization")
        )

    def action_remove_comparison(self) -> None:
        self.comparison = None
        self.redraw()

    def compare_metric(self, key: str) -> None:
        """Draw another metric of the same subject (same unit) as the second line."""
        self.comparison = Comparison(metric_key=key)
        self.redraw()

    def compare_organization(self, row: dict[str, Any]) -> None:
        """Fetch another inner organization's metrics; the line appears when they arrive."""
        if self.subject.org_id is None:
            return
        name = clean(row.get("name") or f"Organization {row.get('id')}")
        self.pending = name
        self.redraw()
        self._load_comparison(self.subject.org_id, int(row["id"]), name)

    def comparable_metrics(self) -> list[ChartMetric]:
        """Other metrics with the same unit as this one: they share the value axis."""
        return [
            other
            for other in METRICS.values()
            if other.unit == self.metric.unit and other.key != self.metric_key and self.subject.points(other)
        ]

    def organizations(self, needle: str) -> list[dict[str, Any]]:
        """Inner organizations loaded this session whose name (or id) matches; all of a small list for ''."""
        if self.subject.org_id is None:
            return []
        finder = self.index.finders.get((Kind.INNER_ORGANIZATION, self.subject.org_id))
        if finder is None:
            return []
        return [
            row
            for row in finder(needle.strip().lower(), ("name",), MAX_ORG_HITS)
            if row.get("id") != self.subject.inner_id
        ]

    @work(exclusive=True, group="chart-comparison", exit_on_error=False)
    async def _load_comparison(self, org_id: int, inner_id: int, name: str) -> None:
        try:
            fetched = await self.client.inner_organization(org_id, inner_id)
        except ApiError as error:
            self.post_message(ComparisonFailed(name, error))
            return
        except Exception as error:
            self.post_message(ComparisonFailed(name, UnexpectedError.wrapping(error)))
            return
        if fetched is None:  # only a cache-only read answers None; this one goes to the network
            self.post_message(ComparisonFailed(name, UnexpectedError("No answer for this organization.")))
            return
        info = fetched.value
        records = daily_records(info.daily_metrics)
        subject = ChartSubject(name, tuple(records), info.entitlement_limits, org_id, inner_id, fetched.raw)
        self.post_message(ComparisonLoaded(subject))

    @on(ComparisonLoaded)
    def _comparison_loaded(self, message: ComparisonLoaded) -> None:
        self.pending = None
        self.comparison = Comparison(subject=message.subject)
        self.redraw()

    @on(ComparisonFailed)
    def _comparison_failed(self, message: ComparisonFailed) -> None:
        self.pending = None
        self.redraw()
        self.flash_error(message.name, message.error)

    def load(self) -> None:
        """`r`: fetch the compared organization again (the subject's own data is its screen's to refresh)."""
        comparison = self.comparison
        if comparison is not None and comparison.subject is not None and comparison.subject.inner_id is not None:
            self.compare_organization({"id": comparison.subject.inner_id, "name": comparison.subject.name})

    def raw_document(self) -> tuple[str, Any] | None:
        raw = self.subject.raw
        if raw is None:
            raw = [record.model_dump(by_alias=True, mode="json") for record in self.subject.records]
        return (f"daily metrics of {self.subject.name}", raw)


class CompareProvider(Provider):
    """The `+` palette over a chart: metrics in the same unit, and inner organizations by name."""

    @property
    def chart(self) -> ChartScreen | None:
        return self.screen if isinstance(self.screen, ChartScreen) else None

    def _choices(self, needle: str) -> list[tuple[str, partial[None]]]:
        chart = self.chart
        if chart is None:
            return []
        choices = [
            (f"Metric: {other.label}", partial(chart.compare_metric, other.key)) for other in chart.comparable_metrics()
        ]
        for row in chart.organizations(needle):
            name = clean(row.get("name") or row.get("id"))
            choices.append((f"Organization: {name} (id {row.get('id')})", partial(chart.compare_organization, row)))
        return choices

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback in self._choices(query):
            score = matcher.match(text)
            if score > 0 or text.startswith("Organization:"):
                yield Hit(max(score, 0.1), matcher.highlight(text), callback, text=text)

    async def discover(self) -> Hits:
        for text, callback in self._choices(""):
            yield DiscoveryHit(text, callback, text=text)
