"""UsageGauge: "used / limit (pct%)" with a bar, for entitlement usage next to its limit.

Classes `-warn` (≥ 80 %) and `-alarm` (≥ 100 %) let the stylesheet colour it; the text also says
"near limit" / "over limit" so the state reads without colour (NO_COLOR, monochrome terminals).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from tui.formatting import format_count
from tui.safe_text import clean

__all__ = ["ALARM_AT", "WARN_AT", "UsageGauge"]

WARN_AT = 0.8
ALARM_AT = 1.0
BAR_MAX = 30
BAR_MIN = 5
FILLED = "█"
EMPTY_CELL = "░"


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
        """used / limit, unclamped; None when either is missing or the limit is not positive."""
        if self._used is None or self._limit is None or self._limit <= 0:
            return None
        return self._used / self._limit

    def set_usage(self, used: float | None, limit: float | None) -> None:
        """Show new numbers."""
        self._used = used
        self._limit = limit
        self._update_classes()
        self.refresh()

    def _update_classes(self) -> None:
        """-warn at 80 % and above, -alarm at 100 % and above."""
        fraction = self.fraction
        alarm = fraction is not None and fraction >= ALARM_AT
        self.set_class(alarm, "-alarm")
        self.set_class(fraction is not None and fraction >= WARN_AT and not alarm, "-warn")

    def value_text(self) -> str:
        """The numbers: "812 / 1,000 (81%) near limit", "12 (no limit)", "unknown"."""
        fmt = self._formatter
        if self._used is None:
            return "unknown" if self._limit is None else f"unknown / {fmt(self._limit)}"
        if self._limit is None:
            return f"{fmt(self._used)} (no limit)"
        fraction = self.fraction
        if fraction is None:
            return f"{fmt(self._used)} / {fmt(self._limit)}"
        text = f"{fmt(self._used)} / {fmt(self._limit)} ({fraction * 100:.0f}%)"
        if fraction >= ALARM_AT:
            text += " over limit"
        elif fraction >= WARN_AT:
            text += " near limit"
        return text

    def render(self) -> Text:
        """Label, bar (when there is a limit) and the numbers, fitted to the width."""
        width = self.size.width
        label = self._label + " " * max(0, self._label_width - cell_len(self._label)) + "  "
        value = clean(self.value_text())
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(label, self.get_component_rich_style("usage-gauge--label"))
        fraction = self.fraction
        room = width - cell_len(label) - cell_len(value) - 2
        if fraction is not None and room >= BAR_MIN:
            cells = min(BAR_MAX, room)
            filled = round(min(1.0, max(0.0, fraction)) * cells)
            if fraction > 0 and filled == 0:
                filled = 1
            text.append(FILLED * filled, self.get_component_rich_style("usage-gauge--bar"))
            text.append(EMPTY_CELL * (cells - filled), self.get_component_rich_style("usage-gauge--empty"))
            text.append("  ")
        text.append(value, self.get_component_rich_style("usage-gauge--value"))
        return text
