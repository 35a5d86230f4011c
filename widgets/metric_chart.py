"""MetricChart: daily values over time, drawn by plotext (textual-plotext), with a day cursor.

Given plain data (lines of (day, value) points, a limit, a formatter): it never sees the API. The x axis is
the days of the first line, labelled with dates; the y axis has round ticks in the metric's unit, printed by
its formatter ("12.5 h", "1.2 GB"). Only numbers and our own labels reach plotext (names go in the screen's
legend, cleaned), so nothing from the API is ever parsed as ANSI. Lines differ by marker as well as colour,
and the limit is a ruled line, so the chart reads with NO_COLOR.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.message import Message
from textual_plotext import PlotextPlot

from tui.formatting import format_number
from widgets.reading import move_bindings

__all__ = ["LINE_COLOURS", "MARKERS", "ChartLine", "MetricChart", "nice_ticks"]

MARKERS = ("braille", "•")
"""The marker of each line, in order: they differ without colour."""
LINE_COLOURS = ("accent", "primary-lighten-2")
"""Theme variables the lines are drawn in; the limit in `error`, the cursor in `foreground`."""
UNIT_SCALES: dict[str, tuple[float, ...]] = {
    "seconds": (1.0, 60.0, 3600.0),
    "bytes": tuple(1000.0**power for power in range(7)),
    "count": (1.0,),
}


@dataclass(frozen=True)
class ChartLine:
    """One line: its legend label and its (day, value) points, oldest first."""

    label: str
    points: Sequence[tuple[date, float]]


def nice_ticks(low: float, high: float, count: int, unit: str = "count") -> list[float]:
    """About `count` round values from `low` to at least `high`, round in the unit a person reads: whole hours
    for durations over an hour, whole GB for sizes over a GB (1, 2, 2.5 or 5 × a power of ten of it)."""
    if high <= low:
        high = low + 1
    scale = max((s for s in UNIT_SCALES.get(unit, (1.0,)) if abs(high) >= s or s == 1.0), default=1.0)
    span = (high - low) / scale
    raw = span / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw) * scale
    if unit == "count":
        step = max(1.0, round(step))  # a count has no fractions: 0, 1, 2, not 0, 0.25, 0.5
    first = math.floor(low / step) * step
    ticks: list[float] = []
    value = first
    while value < high + step * 0.999 and len(ticks) < 50:
        ticks.append(round(value, 9))
        value += step
    return ticks


class MetricChart(PlotextPlot):
    """A focusable chart; ←/→ (h/l, or j/k as in a list), g/G, ctrl+d/ctrl+u (a week), the page keys (30 days)
    or a click move the day cursor, which posts `CursorMoved`."""

    can_focus = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(-1)", "Day before", id="chart-day-before"),
        Binding("right,l", "move(1)", "Day after", id="chart-day-after"),
        Binding("shift+left", "move(-7)", "Week before", show=False, id="chart-week-before"),
        Binding("shift+right", "move(7)", "Week after", show=False, id="chart-week-after"),
        # The keys that move through a list move the day cursor: j the next day, G the last, ctrl+d a week on,
        # a page key 30 days on.
        *move_bindings(
            down="move(1)",
            up="move(-1)",
            first="move_to(0)",
            last="move_to(-1)",
            half_down="move(7)",
            half_up="move(-7)",
            page_down="move(30)",
            page_up="move(-30)",
        ),
    ]

    class CursorMoved(Message):
        """The cursor is on another day (or the data changed under it)."""

        def __init__(self, chart: MetricChart, index: int) -> None:
            super().__init__()
            self.chart = chart
            self.index = index

        @property
        def control(self) -> MetricChart:
            return self.chart

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[ChartLine] = []
        self._days: list[date] = []
        self._by_day: list[dict[date, float]] = []
        self._limit: float | None = None
        self._formatter: Callable[[float], str] = format_number
        self._unit = "count"
        self.cursor = 0
        self._frame: tuple[int, int] | None = None
        """Columns of the plot's left and right borders in the last render, for the mouse."""

    # -- data ------------------------------------------------------------------------------------------------

    def show(
        self,
        lines: Sequence[ChartLine],
        *,
        limit: float | None = None,
        formatter: Callable[[float], str] = format_number,
        unit: str = "count",
        keep_day: bool = True,
    ) -> None:
        """Draw these lines; the cursor stays on its day when that day is still shown, else goes to the last."""
        day = self.day if keep_day else None
        self._lines = list(lines)
        self._days = [point[0] for point in self._lines[0].points] if self._lines else []
        self._by_day = [dict(line.points) for line in self._lines]
        self._limit = limit
        self._formatter = formatter
        self._unit = unit
        self.cursor = self._days.index(day) if day in self._days else max(0, len(self._days) - 1)
        self.post_message(self.CursorMoved(self, self.cursor))
        self.refresh()

    @property
    def lines(self) -> list[ChartLine]:
        return self._lines

    @property
    def days(self) -> list[date]:
        """The days on the x axis, oldest first."""
        return self._days

    @property
    def day(self) -> date | None:
        """The day under the cursor."""
        return self._days[self.cursor] if 0 <= self.cursor < len(self._days) else None

    def values_at(self, index: int | None = None) -> list[float | None]:
        """Each line's value on the cursor's day (or the day at `index`); None where a line has no such day."""
        position = self.cursor if index is None else index
        if not 0 <= position < len(self._days):
            return [None for _ in self._lines]
        day = self._days[position]
        return [values.get(day) for values in self._by_day]

    # -- cursor ----------------------------------------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        if not self._days:
            return
        index = min(max(0, index), len(self._days) - 1)
        if index != self.cursor:
            self.cursor = index
            self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor))

    def action_move(self, days: int) -> None:
        self.move_cursor(self.cursor + days)

    def action_move_to(self, index: int) -> None:
        self.move_cursor(index if index >= 0 else len(self._days) + index)

    def index_at(self, x: int) -> int | None:
        """The day under column `x` of this widget, from where the last render put the plot's borders."""
        if self._frame is None or not self._days:
            return None
        left, right = self._frame
        inner = right - left - 2
        if inner <= 0 or not left < x < right:
            return None
        count = len(self._days)
        index = round(-1 + (x - left - 1) / inner * (count + 1))  # the inverse of xlim(-1, count)
        return min(max(0, index), count - 1)

    def on_click(self, event: events.Click) -> None:
        index = self.index_at(event.x)
        if index is not None:
            self.focus()
            self.move_cursor(index)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if event.button:
            self.on_click(event)  # type: ignore[arg-type]

    # -- drawing ---------------------------------------------------------------------------------------------

    def _colour(self, variable: str) -> tuple[int, int, int]:
        return Color.parse(self.app.theme_variables.get(variable, "white")).rgb

    def render(self) -> RenderResult:
        if not self._days:
            self._frame = None
            return Text("No daily metrics to chart", style="italic")
        plt = self.plt
        plt.clear_data()
        count = len(self._days)
        values = [value for line in self._by_day for value in line.values()]
        low = min(0.0, *values)
        high = max(values + ([self._limit] if self._limit is not None else []))
        y_ticks = nice_ticks(low, high, max(2, min(6, (self.size.height - 3) // 3)), self._unit)
        plt.ylim(y_ticks[0], y_ticks[-1])
        plt.yticks(y_ticks, [self._formatter(tick) for tick in y_ticks])
        plt.xlim(-1, count)  # a day's margin each side, so the cursor on the first or last day is not the border
        label_count = max(2, min(count, (self.size.width - 12) // 14))
        positions = sorted({float(round(i * (count - 1) / max(1, label_count - 1))) for i in range(label_count)})
        plt.xticks(positions, [f"{self._days[int(p)]:%Y-%m-%d}" for p in positions])
        if self._limit is not None:
            plt.hline(self._limit, self._colour("error"))
        plt.vline(self.cursor, self._colour("foreground"))
        index_of = {day: i for i, day in enumerate(self._days)}
        for number, line in reversed(list(enumerate(self._by_day))):  # the first line drawn last: on top
            xs = [index_of[day] for day in line if day in index_of]
            ys = [line[day] for day in line if day in index_of]
            if xs:
                plt.plot(
                    xs,
                    ys,
                    marker=MARKERS[number % len(MARKERS)],
                    color=self._colour(LINE_COLOURS[number % len(LINE_COLOURS)]),
                )
        rendered = super().render()
        self._frame = _frame_columns(rendered.plain if isinstance(rendered, Text) else "")
        return rendered


def _frame_columns(plain: str) -> tuple[int, int] | None:
    """The columns of the plot's top-left and top-right corners in plotext's output."""
    for row in plain.splitlines():
        left, right = row.find("┌"), row.rfind("┐")
        if 0 <= left < right:
            return left, right
    return None
