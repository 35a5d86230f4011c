"""The keys that move through anything, the same everywhere: lists, the Structure tree, raw JSON, help, charts.

Each movement has one keymap id and one set of default keys, so `j` means "down" (in a chart: the next day) in
every view, and a `[keymap]` entry such as `cursor-down = "n"` moves every view at once (Textual's keymap replaces
the keys of every binding with that id). A widget says which of its actions each movement runs
(`move_bindings(down="cursor_down", …)`); the bindings are hidden from the footer, and help lists them once.
`ReadingScroll` is a scrolling container with the same keys, for the views that are a page of text and cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget

__all__ = ["MOVES", "Move", "ReadingScroll", "move_bindings", "reading_bindings", "scroll_half_page"]


@dataclass(frozen=True)
class Move:
    """One movement: its keymap id, its default keys and what help calls it."""

    id: str
    keys: str
    description: str


MOVES: dict[str, Move] = {
    "down": Move("cursor-down", "down,j", "Down"),
    "up": Move("cursor-up", "up,k", "Up"),
    "first": Move("first", "home,g", "To the top (a chart: the first day)"),
    "last": Move("last", "end,G", "To the bottom (a chart: the last day)"),
    "page_down": Move("page-down", "pagedown", "A page down"),
    "page_up": Move("page-up", "pageup", "A page up"),
    "half_down": Move("half-page-down", "ctrl+d", "Half a page down"),
    "half_up": Move("half-page-up", "ctrl+u", "Half a page up"),
}
"""The movements, in the order help lists them."""


def move_bindings(**actions: str) -> list[BindingType]:
    """Hidden bindings for the movements named (`down="cursor_down"`), with the shared ids and default keys."""
    bindings: list[BindingType] = []
    for movement, action in actions.items():
        move = MOVES[movement]
        bindings.append(Binding(move.keys, action, move.description, show=False, id=move.id))
    return bindings


def reading_bindings(down: str = "scroll_down", up: str = "scroll_up") -> list[BindingType]:
    """Every movement for a view with Textual's scrolling actions (scroll_home, page_down…) and a `half_page(±1)`
    action of its own; `down`/`up` name its line actions (a tree moves a cursor: cursor_down)."""
    return move_bindings(
        down=down,
        up=up,
        first="scroll_home",
        last="scroll_end",
        page_down="page_down",
        page_up="page_up",
        half_down="half_page(1)",
        half_up="half_page(-1)",
    )


def scroll_half_page(view: Widget, direction: int) -> None:
    """Scroll a view half its height down (1) or up (-1): ctrl+d / ctrl+u."""
    view.scroll_relative(y=direction * max(1, view.scrollable_content_region.height // 2), animate=False)


class ReadingScroll(VerticalScroll):
    """A vertical scroll with the reading keys: j/k a line, g/G the ends, ctrl+d/ctrl+u half a page."""

    BINDINGS: ClassVar[list[BindingType]] = reading_bindings()

    def action_half_page(self, direction: int) -> None:
        scroll_half_page(self, direction)
