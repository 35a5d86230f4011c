"""The raw JSON view: virtual, coloured, searchable with `/`, enter, `n`/`N`; hostile strings shown escaped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input

from screens.organization import OrganizationScreen
from screens.raw_json import RawJsonScreen, short_crumb
from tui.app import EiscopeApp
from widgets.breadcrumbs import Breadcrumbs
from widgets.json_view import JsonView, to_json_text

from .test_app_browse import settle, walk

HOSTILE = "Evil\x1b]52;c;ZWNobyBwd25lZA==\x1b\\ [@click=app.quit]x[/] \x1b[2J\x9b31m\u202eCorp\x00\x07"
DOCUMENT: dict[str, Any] = {
    "name": HOSTILE,
    "users": [{"id": i, "email": f"user{i}@example.com", "active": i % 2 == 0, "score": i / 3} for i in range(40)],
    "readme": None,
}


def test_hostile_strings_are_shown_escaped_never_as_controls() -> None:
    text = to_json_text(DOCUMENT)
    assert "\\u001b]52;c;" in text and "\\u009b31m" in text and "\\u202eCorp" in text and "\\u0000" in text
    assert not any((ord(char) < 0x20 and char != "\n") or 0x7F <= ord(char) <= 0x9F for char in text)
    assert "\u202e" not in text
    assert "[@click=app.quit]x[/]" in text  # data, not markup


class ViewApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.moves: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield JsonView(DOCUMENT)

    def on_mount(self) -> None:
        self.query_one(JsonView).focus()

    def on_json_view_match_moved(self, message: JsonView.MatchMoved) -> None:
        self.moves.append((message.current, message.count))


async def test_search_then_n_and_N_move_between_matches() -> None:
    app = ViewApp()
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(JsonView)
        assert view.search("EMAIL") == 40
        await pilot.pause()
        assert view.current_match == 1 and app.moves[-1] == (1, 40)
        await pilot.press("n", "n")
        assert view.current_match == 3 and app.moves[-1] == (3, 40)
        await pilot.press("N", "N", "N")
        assert view.current_match == 40  # wraps round
        await pilot.pause()
        line = view.match_lines[39]
        assert view.scroll_offset.y <= line < view.scroll_offset.y + view.size.height
        shown = view.render_line(line - view.scroll_offset.y)
        current = view.get_component_rich_style("json-view--current-match", partial=True)
        assert any(segment.style is not None and segment.style.bgcolor == current.bgcolor for segment in shown)
        assert view.search("no such thing") == 0 and view.current_match == 0


async def test_only_lines_on_screen_are_drawn_and_keys_are_coloured() -> None:
    app = ViewApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        view = app.query_one(JsonView)
        assert len(view.lines) > 100
        assert len(view._cache) <= 12
        line = view.render_line(1)
        assert line.text.startswith('  "name": "Evil\\u001b]52')
        key = view.get_component_rich_style("json-view--key", partial=True)
        assert line._segments[1].style is not None and line._segments[1].style.color == key.color


def test_raw_crumb_does_not_repeat_the_trail() -> None:
    trail = ["Acme Edge AI"]
    assert short_crumb("Acme Edge AI › users › row", trail) == "users › row (JSON)"
    assert short_crumb("Northwind › organization info", ["Acme", "Northwind"]) == "organization info (JSON)"
    assert short_crumb("Acme Edge AI", trail) == "JSON"
    assert short_crumb("Organizations", []) == "Organizations (JSON)"


async def test_y_opens_the_json_and_n_moves_the_match_after_enter(make_app: Callable[..., EiscopeApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await walk(pilot, "y")
        screen = app.screen
        assert isinstance(screen, RawJsonScreen)
        view = screen.query_one(JsonView)
        assert view.has_focus
        trail = screen.query_one(Breadcrumbs).trail
        assert trail[-1] == "users › row (JSON)" and trail.count(trail[0]) == 1
        await pilot.press("slash", *"e")
        count = view.match_count
        assert count > 2 and view.current_match == 1
        await pilot.press("enter", "n", "n")
        assert screen.query_one(Input).value == "e"  # n moved the match; it did not type into the query
        assert view.current_match == 3
        assert f"3/{count}" in str(screen.query_one("#json-status").render())
        await pilot.press("N")
        assert view.current_match == 2
        await pilot.press("escape")
        assert isinstance(app.screen, OrganizationScreen)
