"""UsageGauge: "used / limit (pct%)" with a bar, for entitlement usage next to its limit.

Classes `-warn` (≥ 80 %) and `-alarm` (≥ 100 %) let the stylesheet colour it; the text also says
"near limit" / "at limit" / "over limit" so the state reads without colour (NO_COLOR, monochrome terminals).

Gauges side by side in one container share one bar width: the text after the bar gets the width of the
longest text among them, so a 1592 % bar is not drawn shorter than a 5 % one because its text is longer.
A limit that means nothing (missing, zero, negative, not finite) gets no bar: the text says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from tui.formatting import format_count, format_percent
from tui.safe_text import clean

__all__ = ["ALARM_AT", "NO_LIMIT", "UNSET_LIMIT", "WARN_AT", "UsageGauge"]

WARN_AT = 0.8
ALARM_AT = 1.0
BAR_MAX = 30
BAR_MIN = 5
FILLED = "█"
EMPTY_CELL = "░"
NO_LIMIT = "no limit"
"""What a gauge says when the API gives no limit."""
UNSET_LIMIT = "limit not set"
"""What a gauge says when the limit cannot be one (zero, negative, not finite): "12 / -1" says nothing."""


def _meaningful(limit: float | None) -> bool:
    """A limit a usage can be measured against: a positive finite number."""
    return limit is not None and not isinstance(limit, bool) and math.isfinite(limit) and limit > 0


class UsageGauge(Widget):
    """One line: label, a bar (clamped at full), and "used / limit (pct%)" with the real percentage."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "usage-gauge--label",
        "usage-gauge--bar",
        "usage-gauge--empty",
        "usage-gauge--value",
    }

    DEFAULT_CSS = """
    UsageGauge {
        height: 1;
        & > .usage-gauge--label { text-style: bold; }
        & > .usage-gauge--bar { color: $success; }
        & > .usage-gauge--empty { color: $text-muted; }
        &.-warn > .usage-gauge--bar { color: $warning; }
        &.-alarm > .usage-gauge--bar { color: $error; }
        &.-alarm > .usage-gauge--value { text-style: bold; }
    }
    """

    def __init__(
        self,
        label: str,
        used: float | None = None,
        limit: float | None = None,
        formatter: Callable[[float], str] = format_count,
        *,
        label_width: int = 12,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._label = clean(label)
        self._formatter = formatter
        self._label_width = label_width
        self._used = used
        self._limit = limit
        self._update_classes()

    @property
    def used(self) -> float | None:
        """The amount used, None when unknown."""
        return self._used

    @property
    def limit(self) -> float | None:
        """The limit, None when there is none."""
        return self._limit

    @property
    def fraction(self) -> float | None:
        """used / limit, unclamped; None when the usage is unknown or the limit means nothing."""
        if self._used is None or not math.isfinite(self._used) or not _meaningful(self._limit):
            return None
        assert self._limit is not None
        return self._used / self._limit

    def set_usage(self, used: float | None, limit: float | None) -> None:
        """Show new numbers (the other gauges of the panel repaint too: their shared bar width may change)."""
        self._used = used
        self._limit = limit
        self._update_classes()
        for gauge in self._panel():
            gauge.refresh()

    def _panel(self) -> list[UsageGauge]:
        """This gauge and the gauges beside it in the same container."""
        parent = self.parent
        if parent is None:
            return [self]
        return [child for child in parent.children if isinstance(child, UsageGauge)] or [self]

    def _text_width(self) -> int:
        """The width of the text column: the longest text among the gauges of the panel."""
        return max(cell_len(clean(gauge.value_text())) for gauge in self._panel())

    def _label_width_in_panel(self) -> int:
        """The label column: the longest label among the gauges of the panel (so every bar starts together)."""
        return max(max(gauge._label_width, cell_len(gauge._label)) for gauge in self._panel())

    def _update_classes(self) -> None:
        """-warn at 80 % and above, -alarm at 100 % and above."""
        fraction = self.fraction
        alarm = fraction is not None and fraction >= ALARM_AT
        self.set_class(alarm, "-alarm")
        self.set_class(fraction is not None and fraction >= WARN_AT and not alarm, "-warn")

    def value_text(self) -> str:
        """The numbers: "812 / 1,000 (81%) near limit", "3 / 3 (100%) at limit", "12 (no limit)",
        "12 (limit not set)", "unknown"."""
        fmt = self._formatter
        used, limit = self._used, self._limit
        if used is None:
            return f"unknown / {fmt(limit)}" if limit is not None and _meaningful(limit) else "unknown"
        if limit is None:
            return f"{fmt(used)} ({NO_LIMIT})"
        fraction = self.fraction
        if fraction is None:
            return f"{fmt(used)} ({UNSET_LIMIT})" if not _meaningful(limit) else fmt(used)
        text = f"{fmt(used)} / {fmt(limit)} ({format_percent(fraction)})"
        if fraction > ALARM_AT:
            text += " over limit"
        elif fraction == ALARM_AT:
            text += " at limit"
        elif fraction >= WARN_AT:
            text += " near limit"
        return text

    def render(self) -> Text:
        """Label, bar (when there is a limit) and the numbers; the bar as wide as its neighbours' bars."""
        width = self.size.width
        label = self._label + " " * max(0, self._label_width_in_panel() - cell_len(self._label)) + "  "
        value = clean(self.value_text())
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(label, self.get_component_rich_style("usage-gauge--label"))
        room = width - cell_len(label) - self._text_width() - 2
        if room >= BAR_MIN:
            cells = min(BAR_MAX, room)
            fraction = self.fraction
            if fraction is None:
                text.append(" " * (cells + 2))  # no bar, but the numbers stay in the panel's text column
            else:
                filled = round(min(1.0, max(0.0, fraction)) * cells)
                if fraction > 0 and filled == 0:
                    filled = 1
                text.append(FILLED * filled, self.get_component_rich_style("usage-gauge--bar"))
                text.append(EMPTY_CELL * (cells - filled), self.get_component_rich_style("usage-gauge--empty"))
                text.append("  ")
        text.append(value, self.get_component_rich_style("usage-gauge--value"))
        return text
