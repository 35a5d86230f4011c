"""Where screens say how things stand: a one-line status, and a panel for a failure shown in place."""

from __future__ import annotations

from rich.text import Text
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


class WaitLine(Static):
    """Shown while an answer is slow in coming: how long it has been waiting, and that the keys still work."""

    DEFAULT_CSS = """
    WaitLine { height: 1; width: 1fr; display: none; }
    WaitLine.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)

    def show_wait(self, text: str | None) -> None:
        """Say `text` (None hides the line)."""
        if text is None:
            self.remove_class("-shown")
            return
        self.update(Text(text))
        self.add_class("-shown")


class ErrorPanel(Vertical):
    """A failure shown where the data would be: what failed, why, and what to do about it."""

    DEFAULT_CSS = """
    ErrorPanel { height: auto; display: none; }
    ErrorPanel.-shown { display: block; }
    ErrorPanel > Static { height: auto; }
    ErrorPanel > #error-ways { display: none; }
    ErrorPanel.-ways > #error-ways { display: block; }
    """

    PARTS = ("error-title", "error-message", "error-hint", "error-ways")

    def show_error(self, title: str, message: str, hint: str = "", *, ways: str = "") -> None:
        """`ways`: the keys that lead on from here ('O another organization · r try again'), on a line of its own."""
        texts = (
            Text(clean(title), style="bold"),
            Text(clean(message)),
            Text(clean(hint), style="italic"),
            Text(clean(ways), style="bold"),
        )
        if not self.children:  # built on the first failure: a panel that never shows costs start-up nothing
            self.mount_all([Static(text, id=part, markup=False) for part, text in zip(self.PARTS, texts, strict=True)])
        else:
            for part, text in zip(self.PARTS, texts, strict=True):
                self.query_one(f"#{part}", Static).update(text)
        self.set_class(bool(ways), "-ways")
        self.add_class("-shown")

    def clear(self) -> None:
        self.remove_class("-shown")
