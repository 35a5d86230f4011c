"""`?`: every key of the screen below, as the footer and the bindings define them (so it is never out of date)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

GENERAL = [
    ("enter", "open the selected row"),
    ("escape / backspace", "back"),
    ("1 … 9", "switch to the tab with that number"),
    ("/", "filter the list as you type (escape clears)"),
    ("s / S", "sort by the next column / reverse the sort"),
    ("r", "refresh from the API"),
    ("y", "raw JSON of what is on screen"),
    ("c", "copy the selected row (OSC 52: works over SSH)"),
    ("ctrl+p", "command palette: jump to an org, user or project; switch tab; theme"),
    ("j / k, g / G", "move down / up, to the top / bottom"),
    ("?", "this help"),
    ("q", "quit"),
]


def _key_label(key: str) -> str:
    return {"question_mark": "?", "slash": "/", "escape": "esc"}.get(key, key)


class HelpScreen(ModalScreen[None]):
    """A modal over the current screen; any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", show=False),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under
        self.screen_keys = self._screen_keys()

    def _screen_keys(self) -> list[tuple[str, str]]:
        """(key, what it does) for every binding active on the screen below, each key once."""
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for key, active in self.under.active_bindings.items():
            label = _key_label(key)
            if label in seen or not active.binding.description:
                continue
            seen.add(label)
            keys.append((label, active.binding.description))
        return keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for key, what in self.screen_keys:
            table.add_row(Text(key), Text(what))
        general = Table(box=None, show_header=False, padding=(0, 2))
        general.add_column(style="bold")
        general.add_column()
        for key, what in GENERAL:
            general.add_row(Text(key), Text(what))
        with VerticalScroll(id="help-box"):
            where = getattr(self.under, "crumb", "") or type(self.under).__name__
            yield Static(Text(f"Keys of this screen ({where})", style="bold"))
            yield Static(table)
            yield Static(Text("Everywhere", style="bold"))
            yield Static(general)
            yield Static(Text("escape closes this help", style="italic"))

    def action_close(self) -> None:
        self.dismiss()
