"""The raw JSON of whatever is on screen (`y`), searchable with `/`, `n` and `N`."""

from __future__ import annotations

import json
import re
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from screens.base import EiscopeScreen
from tui.safe_text import clean

# json.dumps(ensure_ascii=False) escapes C0 but leaves C1 and bidi controls raw: show those escaped too.
_UNSAFE = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def to_json_text(data: Any) -> str:
    """Pretty JSON in the API's own field names, with every control character visible as an escape."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class RawJsonScreen(EiscopeScreen):
    """A read-only JSON document; the search highlights every match and jumps between them."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next"),
        Binding("N", "previous_match", "Previous"),
        Binding("c", "copy", "Copy JSON"),
    ]

    def __init__(self, title: str, data: Any) -> None:
        super().__init__()
        self.data = data
        self.crumb = f"{clean(title)} (JSON)"
        self.text = to_json_text(data)
        self.lines = self.text.splitlines()
        self.matches: list[int] = []
        self.current = -1

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="search the JSON…  (enter: next, esc: close)", id="json-search")
        with VerticalScroll(id="json-scroll"):
            yield Static(self._render_text(""), id="json-body", markup=False)
        yield Static(id="json-status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#json-search").display = False
        self.query_one("#json-scroll").focus()
        self._status()

    def _render_text(self, needle: str) -> Text:
        text = Text(self.text, no_wrap=True)
        if needle:
            text.highlight_words([needle], style="reverse", case_sensitive=False)
        return text

    def action_search(self) -> None:
        field = self.query_one("#json-search", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#json-search")
    def _search_changed(self, event: Input.Changed) -> None:
        needle = event.value.lower()
        self.matches = [i for i, line in enumerate(self.lines) if needle and needle in line.lower()]
        self.current = -1
        self.query_one("#json-body", Static).update(self._render_text(event.value))
        if self.matches:
            self._jump(0)
        self._status()

    @on(Input.Submitted, "#json-search")
    def _search_submitted(self) -> None:
        self.action_next_match()

    def on_key(self, event: Any) -> None:
        field = self.query_one("#json-search", Input)
        if event.key == "escape" and field.has_focus:
            event.stop()
            field.display = False
            self.query_one("#json-scroll").focus()

    def action_next_match(self) -> None:
        if self.matches:
            self._jump((self.current + 1) % len(self.matches))

    def action_previous_match(self) -> None:
        if self.matches:
            self._jump((self.current - 1) % len(self.matches))

    def _jump(self, index: int) -> None:
        self.current = index
        scroll = self.query_one("#json-scroll", VerticalScroll)
        scroll.scroll_to(y=max(0, self.matches[index] - 3), animate=False)
        self._status()

    def _status(self) -> None:
        needle = self.query_one("#json-search", Input).value
        if not needle:
            status = f"{len(self.lines):,} lines · / to search · c to copy"
        elif not self.matches:
            status = f"no line matches '{clean(needle)}'"
        else:
            status = f"match {self.current + 1} of {len(self.matches)} lines · n/N to move"
        self.query_one("#json-status", Static).update(Text(status))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(json.dumps(self.data, ensure_ascii=True, default=str))
        self.notify("JSON copied to the clipboard (OSC 52)")

    def raw_document(self) -> tuple[str, Any] | None:
        return None
