"""`?`: the keys of the screen below, built from the bindings in force (so remapped keys show as remapped).

This screen's keys come first, grouped by where they work (the focused list, this screen, its tabs by name),
then the keys that work everywhere. Textual's own generic keys (scrolling, ctrl+pageup, super+c…) are left out:
only bindings that carry an eiscope id are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from screens.keys import key_label, keys_in_force
from widgets.change_marks import LEGEND
from widgets.reading import MOVES, ReadingScroll
from widgets.resource_table import ResourceTable


class HasTabs(Protocol):
    def tab_titles(self) -> list[tuple[str, str]]: ...


class HelpScreen(ModalScreen[None]):
    """A modal over the current screen; escape, q or ? closes it; it scrolls with the keys of every list."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, under: Screen[Any], keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.under = under
        self.keymap = keymap or {}
        """binding id → keys, the user's `[keymap]`: help shows the keys in force."""
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
        groups.append(("Moving, in every list, the Structure tree, JSON, help and charts", self._move_rows()))
        if self.under.query(ResourceTable):
            groups.append(("Marks in the lists", LEGEND))
        if everywhere:
            groups.append(("Everywhere", _rows(everywhere, descriptions)))
        return groups

    def keys_of(self, binding_id: str, default: str) -> str:
        """The keys a binding answers to now: the user's keymap, else its default, as a person writes them."""
        return keys_in_force(self.keymap, binding_id, default)

    def _tab_rows(self) -> list[tuple[str, str]]:
        titles = getattr(self.under, "tab_titles", None)
        if titles is None:
            return []
        return [
            (self.keys_of(f"tab-{number}", str(number % 10)), name)
            for number, (_tab, name) in enumerate(titles(), start=1)
        ]

    def _move_rows(self) -> list[tuple[str, str]]:
        rows = [(self.keys_of("open", "enter"), "Open the selected row or node")]
        rows += [(self.keys_of(move.id, move.keys), move.description) for move in MOVES.values()]
        return rows

    def compose(self) -> ComposeResult:
        with ReadingScroll(id="help-box"):
            for heading, rows in self.groups:
                yield Static(Text(heading, style="bold"), classes="help-heading")
                table = Table(box=None, show_header=False, padding=(0, 2))
                table.add_column(style="bold", min_width=12)
                table.add_column()
                for keys, what in rows:
                    table.add_row(Text(keys), Text(what))
                yield Static(table)
            yield Static(Text("esc, q or ? closes this help", style="italic"))

    def on_mount(self) -> None:
        self.query_one(ReadingScroll).focus()

    def action_close(self) -> None:
        self.dismiss()


def _rows(keys_by_id: dict[str, list[str]], descriptions: dict[str, str]) -> list[tuple[str, str]]:
    return [(" / ".join(dict.fromkeys(keys)), descriptions[binding_id]) for binding_id, keys in keys_by_id.items()]
