"""The raw JSON of whatever is on screen (`y`): a virtual view (widgets.json_view), searchable with `/`, `n`, `N`."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from screens.base import EiscopeScreen
from tui.export_format import finite_dumps
from tui.safe_text import clean
from widgets.breadcrumbs import SEPARATOR
from widgets.json_view import JsonView, to_json_text

__all__ = ["RawJsonScreen", "short_crumb", "to_json_text"]


def short_crumb(title: str, trail: list[str]) -> str:
    """The raw view's crumb without what the trail already shows: "Acme › users › row" under "Acme" is
    "users › row (JSON)"; a title the trail shows whole is just "JSON"."""
    parts = [part for part in clean(title).split(SEPARATOR) if part]
    shown = set(trail)
    while parts and parts[0] in shown:
        parts.pop(0)
    return f"{SEPARATOR.join(parts)} (JSON)" if parts else "JSON"


class RawJsonScreen(EiscopeScreen):
    """A read-only JSON document; `/` searches as you type, enter goes back to the document, `n`/`N` move."""

    BINDINGS = [
        Binding("slash", "search", "Search", id="raw_json.search"),
        Binding("c", "copy", "Copy JSON", id="raw_json.copy"),
    ]

    def __init__(self, title: str, data: Any) -> None:
        super().__init__()
        self.data = data
        self.title_text = clean(title)
        self.crumb = f"{self.title_text} (JSON)"
        self.view = JsonView(data, id="json-view")

    @property
    def lines(self) -> list[str]:
        """The document's lines as shown."""
        return self.view.lines

    @property
    def matches(self) -> list[int]:
        """The line of each search match, in order."""
        return self.view.match_lines

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="search the JSON…  (enter: then n/N move; esc: close)", id="json-search")
        yield self.view
        yield Static(id="json-status", markup=False)

    def on_mount(self) -> None:
        below = [getattr(screen, "crumb", "") for screen in self.app.screen_stack if screen is not self]
        self.set_crumb(short_crumb(self.title_text, [crumb for crumb in below if crumb]))
        self.query_one("#json-search").display = False
        self.view.focus()
        self._status()

    def action_search(self) -> None:
        field = self.query_one("#json-search", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#json-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.view.search(event.value)

    @on(Input.Submitted, "#json-search")
    def _search_submitted(self) -> None:
        """Back to the document, so that `n` and `N` move between matches instead of typing."""
        self.view.focus()

    @on(JsonView.MatchMoved)
    def _match_moved(self) -> None:
        self._status()

    def leave_field(self, field: Input) -> bool:
        """Escape in the search field closes it, not the screen."""
        field.display = False
        self.view.focus()
        return True

    def _status(self) -> None:
        view = self.view
        needle = clean(view.needle)
        if not needle:
            status = f"{len(view.lines):,} lines · / to search · c to copy"
        elif not view.match_count:
            status = f"no match for '{needle}'"
        else:
            status = f"{view.current_match}/{view.match_count} '{needle}' · n/N to move"
        self.query_one("#json-status", Static).update(Text(status))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(finite_dumps(self.data, ensure_ascii=True, default=str))
        self.notify("JSON copied to the clipboard (OSC 52)")

    def raw_document(self) -> tuple[str, Any] | None:
        return None
