"""Where screens say how things stand: a one-line status, and a panel for a failure shown in place."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.safe_text import clean


class StatusLine(Static):
    """One dim line under a view: counts, sort, where the data came from ('cached 3 min ago')."""

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Text(clean(text)), id=id, classes=classes, markup=False)

    def show(self, text: str, *, stale: bool = False) -> None:
        self.update(Text(clean(text)))
        self.set_class(stale, "-stale")


class ErrorPanel(Vertical):
    """A failure shown where the data would be: what failed, why, and what to do about it."""

    DEFAULT_CSS = """
    ErrorPanel { height: auto; display: none; }
    ErrorPanel.-shown { display: block; }
    ErrorPanel > Static { height: auto; }
    ErrorPanel > #error-ways { display: none; }
    ErrorPanel.-ways > #error-ways { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="error-title", markup=False)
        yield Static(id="error-message", markup=False)
        yield Static(id="error-hint", markup=False)
        yield Static(id="error-ways", markup=False)

    def show_error(self, title: str, message: str, hint: str = "", *, ways: str = "") -> None:
        """`ways`: the keys that lead on from here ('O another organization · r try again'), on a line of its own."""
        self.query_one("#error-title", Static).update(Text(clean(title), style="bold"))
        self.query_one("#error-message", Static).update(Text(clean(message)))
        self.query_one("#error-hint", Static).update(Text(clean(hint), style="italic"))
        self.query_one("#error-ways", Static).update(Text(clean(ways), style="bold"))
        self.set_class(bool(ways), "-ways")
        self.add_class("-shown")

    def clear(self) -> None:
        self.remove_class("-shown")
