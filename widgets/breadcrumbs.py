"""Breadcrumbs: where you are, "Acme Edge AI › Inner organizations › Northwind Sensors", on one line.

When the trail is wider than the screen the oldest crumbs give way first ("… › Northwind Sensors"), since the
current place matters most.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widget import Widget

from tui.safe_text import clean

__all__ = ["SEPARATOR", "Breadcrumbs", "fit_trail"]

SEPARATOR = " › "
ELLIPSIS = "…"


def fit_trail(parts: Sequence[str], width: int) -> list[str]:
    """The crumbs that fit in `width` cells, dropping from the left and marking the cut with "…"."""
    crumbs = list(parts)
    if not crumbs or width <= 0:
        return []

    def size(items: list[str]) -> int:
        return sum(cell_len(item) for item in items) + cell_len(SEPARATOR) * (len(items) - 1)

    if size(crumbs) <= width:
        return crumbs
    kept = crumbs[1:]
    while len(kept) > 1 and size([ELLIPSIS, *kept]) > width:
        kept = kept[1:]
    if kept and size([ELLIPSIS, *kept]) <= width:
        return [ELLIPSIS, *kept]
    # Even the current crumb alone is too long: keep its end.
    last = crumbs[-1]
    room = max(0, width - 1)
    tail = last[-room:] if room else ""
    while tail and cell_len(tail) > room:
        tail = tail[1:]
    return [set_cell_size(ELLIPSIS + tail, min(width, cell_len(tail) + 1))]


class Breadcrumbs(Widget):
    """A one-line trail of cleaned names; the last crumb is the current place."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "breadcrumbs--crumb",
        "breadcrumbs--current",
        "breadcrumbs--separator",
        "breadcrumbs--note",
    }

    DEFAULT_CSS = """
    Breadcrumbs {
        height: 1;
        & > .breadcrumbs--current { text-style: bold; }
        & > .breadcrumbs--separator { color: $text-muted; }
        & > .breadcrumbs--note { color: $text-muted; text-style: not bold; }
    }
    """

    def __init__(
        self,
        trail: Sequence[str] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._trail = [clean(part) for part in trail]
        self._note = ""

    @property
    def trail(self) -> list[str]:
        """The cleaned crumbs, oldest first."""
        return list(self._trail)

    def set_trail(self, trail: Sequence[str]) -> None:
        """Show another trail."""
        self._trail = [clean(part) for part in trail]
        self.refresh()

    def set_note(self, note: str) -> None:
        """A short status at the right end of the line (the watch's next refresh); "" removes it."""
        note = clean(note)
        if note != self._note:
            self._note = note
            self.refresh()

    @property
    def note(self) -> str:
        return self._note

    def render(self) -> Text:
        """The crumbs that fit, separated by › and the last one emphasised; the note, if any, on the right."""
        width = self.size.width
        note = self._note if self._note and cell_len(self._note) + 12 <= width else ""
        room = width - cell_len(note) - 2 if note else width
        crumbs = fit_trail(self._trail, room)
        crumb_style = self.get_component_rich_style("breadcrumbs--crumb")
        current_style = self.get_component_rich_style("breadcrumbs--current")
        separator_style = self.get_component_rich_style("breadcrumbs--separator")
        text = Text(no_wrap=True, overflow="crop", end="")
        for index, crumb in enumerate(crumbs):
            if index:
                text.append(SEPARATOR, separator_style)
            text.append(crumb, current_style if index == len(crumbs) - 1 else crumb_style)
        if note:
            text.append(" " * max(2, width - text.cell_len - cell_len(note)))
            text.append(note, self.get_component_rich_style("breadcrumbs--note"))
        return text
