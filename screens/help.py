"""`?`: the keys of the screen below, built from the bindings in force (so remapped keys show as remapped).

This screen's keys come first, grouped by where they work (the focused list, this screen, its tabs by name),
then the keys that work everywhere. Textual's own generic keys (scrolling, ctrl+pageup, super+c…) are left out:
only bindings that carry an eiscope id are listed.
"""

from __future__ import annotations

from typing import Any, Protocol

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from widgets.change_marks import LEGEND
from widgets.resource_table import ResourceTable

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "escape": "esc",
    "backspace": "⌫",
    "enter": "enter",
    "plus": "+",
    "minus": "-",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "ctrl+left": "ctrl+←",
    "ctrl+right": "ctrl+→",
}

READING = [
    ("enter", "open the selected row"),
    ("j / k, ↓ / ↑", "move down / up"),
    ("g / G, home / end", "to the top / bottom"),
    ("pgup / pgdn", "a page up / down"),
]


class HasTabs(Protocol):
    def tab_titles(self) -> list[tuple[str, str]]: ...


def key_label(key: str) -> str:
    """'question_mark' → '?'; 'ctrl+p' stays; several keys of one binding are joined with ' / '."""
    return " / ".join(KEY_NAMES.get(part.strip(), part.strip()) for part in key.split(","))


class HelpScreen(ModalScreen[None]):
    """A modal over the current screen; escape, q or ? closes it; j/k/g/G scroll it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
        Binding("g,home", "top", "Top", show=False, id="help.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under
        self.groups = self._groups()

    def _groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(heading, [(keys, what they do)]) for the screen below, from its bindings in force."""
        focused: dict[str, list[str]] = {}
        screen: dict[str, list[str]] = {}
        everywhere: dict[str, list[str]] = {}
        descriptions: dict[str, str] = {}
        for key, active in self.under.active_bindings.items():
            binding = active.binding
            if not binding.id or not binding.description or binding.id.startswith("tab-"):
                continue
            if not binding.show and active.node is not self.under and active.node is not self.app:
                continue  # a list's cursor keys: "Reading a list" says them once
            if active.node is self.under:
                group = screen
            elif active.node is self.app:
                group = everywhere
            else:
                group = focused
            group.setdefault(binding.id, []).append(key_label(key))
            descriptions[binding.id] = binding.description
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        where = getattr(self.under, "crumb", "") or "this screen"
        if screen:
            groups.append((f"This screen ({where})", _rows(screen, descriptions)))
        if focused:
            groups.append(("The list (or field) in focus", _rows(focused, descriptions)))
        tabs = self._tab_rows()
        if tabs:
            groups.append(("Tabs", tabs))
        groups.append(("Reading a list", READING))
        if self.under.query(ResourceTable):
            groups.append(("Marks in the lists", LEGEND))
        if everywhere:
            groups.append(("Everywhere", _rows(everywhere, descriptions)))
        return groups

    def _tab_rows(self) -> list[tuple[str, str]]:
        titles = getattr(self.under, "tab_titles", None)
        if titles is None:
            return []
        return [(str(number), name) for number, (_tab, name) in enumerate(titles(), start=1)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            for heading, rows in self.groups:
                yield Static(Text(heading, style="bold"), classes="help-heading")
                table = Table(box=None, show_header=False, padding=(0, 2))
                table.add_column(style="bold", min_width=12)
                table.add_column()
                for keys, what in rows:
                    table.add_row(Text(keys), Text(what))
                yield Static(table)
            yield Static(Text("esc, q or ? closes this help", style="italic"))

    def action_close(self) -> None:
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_top(self) -> None:
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one(VerticalScroll).scroll_end(animate=False)


def _rows(keys_by_id: dict[str, list[str]], descriptions: dict[str, str]) -> list[tuple[str, str]]:
    return [(" / ".join(dict.fromkeys(keys)), descriptions[binding_id]) for binding_id, keys in keys_by_id.items()]
