"""MetricSparkline: a labelled one-line sparkline with last, min, max and the period it covers.

Drawn with the eight block characters ▁▂▃▄▅▆▇█ rather than Textual's Sparkline widget so it stays one line
high and reads the same with NO_COLOR. With more points than cells, each cell shows the mean of its slice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from tui.formatting import format_number, format_period
from tui.safe_text import clean
from widgets.reading import move_bindings

__all__ = ["MetricSparkline", "resample", "sparkline_text"]

BLOCKS = "▁▂▃▄▅▆▇█"


def resample(values: Sequence[float], cells: int) -> list[float]:
    """Values fitted to `cells` buckets: squeezed (mean of each bucket) when there are more values than cells,
    or each value repeated a whole number of times when there are fewer, so 30 days still span the line."""
    if cells <= 0:
        return []
    count = len(values)
    if count <= cells:
        repeat = max(1, cells // count) if count else 1
        return [value for value in values for _ in range(repeat)]
    buckets = []
    for cell in range(cells):
        start = cell * count // cells
        end = max(start + 1, (cell + 1) * count // cells)
        chunk = values[start:end]
        buckets.append(sum(chunk) / len(chunk))
    return buckets


def sparkline_text(values: Sequence[float], cells: int) -> str:
    """A sparkline of at most `cells` characters; the lowest value is ▁ and the highest █."""
    samples = resample(values, cells)
    if not samples:
        return ""
    low, high = min(samples), max(samples)
    if high == low:
        return (BLOCKS[0] if high == 0 else BLOCKS[3]) * len(samples)
    scale = (len(BLOCKS) - 1) / (high - low)
    return "".join(BLOCKS[round((value - low) * scale)] for value in samples)


class MetricSparkline(Widget):
    """Two lines: the label and a sparkline across the width, then last · min · max · period.

    The screen slices the points for 30/90/365 days and calls `set_points`. It can be focused (tab, or up/down
    from its neighbour) and enter (or a click) posts `Selected`, so the screen can open a chart of it.
    """

    can_focus = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Chart", id="open-chart"),
        *move_bindings(down="sibling(1)", up="sibling(-1)"),
    ]

    class Selected(Message):
        """Enter on a sparkline: chart this metric."""

        def __init__(self, sparkline: MetricSparkline) -> None:
            super().__init__()
            self.sparkline = sparkline

        @property
        def control(self) -> MetricSparkline:
            return self.sparkline

        @property
        def metric_key(self) -> str | None:
            return self.sparkline.metric_key

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "metric-sparkline--label",
        "metric-sparkline--bar",
        "metric-sparkline--stats",
    }

    DEFAULT_CSS = """
    MetricSparkline {
        height: 2;
        & > .metric-sparkline--label { text-style: bold; }
        & > .metric-sparkline--bar { color: $accent; }
        & > .metric-sparkline--stats { color: $text-muted; }
    }
    """

    def __init__(
        self,
        label: str,
        points: Sequence[tuple[date, float]] = (),
        formatter: Callable[[float], str] = format_number,
        *,
        label_width: int = 12,
        metric_key: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._label = clean(label)
        self._points: list[tuple[date, float]] = list(points)
        self._formatter = formatter
        self._label_width = label_width
        self.metric_key = metric_key
        """Which metric this is (the API's name), for whoever opens a chart of it."""

    @property
    def points(self) -> list[tuple[date, float]]:
        """The (day, value) points shown, oldest first."""
        return self._points

    def set_points(self, points: Sequence[tuple[date, float]]) -> None:
        """Show other points (another period)."""
        self._points = list(points)
        self.refresh()

    def set_label(self, label: str) -> None:
        """Change the label."""
        self._label = clean(label)
        self.refresh()

    def action_select(self) -> None:
        self.post_message(self.Selected(self))

    def on_click(self, event: events.Click) -> None:
        self.focus()
        self.post_message(self.Selected(self))

    def action_sibling(self, step: int) -> None:
        """Up/down: focus the sparkline above or below, so a panel of them reads like a list."""
        parent = self.parent
        if parent is None:
            return
        siblings = [w for w in parent.children if isinstance(w, MetricSparkline) and w.display]
        position = siblings.index(self) + step if self in siblings else -1
        if 0 <= position < len(siblings):
            siblings[position].focus()

    def stats_text(self) -> str:
        """The second line: "last 12.5 h · min 0 s · max 20.0 h · Nov 25 2025 – Nov 24 2026"."""
        if not self._points:
            return "no data"
        values = [value for _, value in self._points]
        fmt = self._formatter
        period = format_period(self._points[0][0], self._points[-1][0])
        return f"last {fmt(values[-1])} · min {fmt(min(values))} · max {fmt(max(values))} · {period}"

    def render(self) -> Text:
        """Label and sparkline on one line, the numbers under them."""
        width = self.size.width
        label_style = self.get_component_rich_style("metric-sparkline--label")
        bar_style = self.get_component_rich_style("metric-sparkline--bar")
        stats_style = self.get_component_rich_style("metric-sparkline--stats")
        label = self._label + " " * max(0, self._label_width - cell_len(self._label)) + "  "
        cells = max(0, width - cell_len(label))
        bar = sparkline_text([value for _, value in self._points], cells)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(label, label_style)
        text.append(bar, bar_style)
        text.append("\n")
        text.append(clean(self.stats_text()), stats_style)
        return text
