"""One keymap everywhere (issue 20): the same moving keys in every view, keys typed before a screen is ready are
applied when it is, every binding id is one a `[keymap]` may name, and the footer fits the terminal."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.binding import Binding
from textual.dom import DOMNode

import screens
import tui
import widgets
from screens.base import EiscopeScreen
from screens.help import HelpScreen
from screens.inner_org import InnerOrganizationScreen
from screens.organization import OrganizationScreen
from screens.raw_json import RawJsonScreen
from tui import app as app_module
from tui.app import EiscopeApp
from tui.keymap import BINDING_IDS
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox
from widgets.json_view import JsonView
from widgets.key_footer import KeyFooter
from widgets.metric_chart import MetricChart
from widgets.notice import WaitLine
from widgets.reading import MOVES, ReadingScroll
from widgets.tabbed_view import TabBar

from .test_app_browse import active_tab, pane, settle, walk
from .test_chart import open_chart

MakeApp = Callable[..., EiscopeApp]


def binding_ids_in_the_code() -> set[str]:
    """The id of every binding of every class in tui, screens and widgets (the sandbox has none)."""
    for package in (tui, screens, widgets):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not module.name.startswith("tui.sandbox"):
                importlib.import_module(module.name)
    found: set[str] = set()
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in ("tui", "screens", "widgets"):
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    found.add(binding.id)
    return found


def test_every_binding_id_is_one_a_keymap_may_name() -> None:
    """tui/keymap.py's list is what config.toml is checked against: it must be the ids the code has."""
    in_code = binding_ids_in_the_code()
    assert in_code - BINDING_IDS == set(), "add these ids to tui/keymap.py's BINDING_IDS"
    assert BINDING_IDS - in_code == set(), "these ids of tui/keymap.py's BINDING_IDS have no binding any more"


def test_each_movement_has_one_id_and_the_same_keys_everywhere() -> None:
    moves = {move.id: move.keys for move in MOVES.values()}
    assert moves["cursor-down"] == "down,j" and moves["last"] == "end,G" and moves["half-page-up"] == "ctrl+u"
    for widget in (JsonView, MetricChart, ReadingScroll):
        keys = {binding.id: binding.key for binding in widget.BINDINGS if isinstance(binding, Binding)}
        assert {move_id: keys.get(move_id) for move_id in moves} == moves, widget.__name__


async def test_a_key_typed_before_the_first_screen_is_ready_is_applied(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Issue 20: `0` typed as the app starts (before the first screen, and before the white label's tabs are
    known) ends on the Fleet tab, not lost."""
    sandbox.faults = FaultConfig(latency_ms=300)
    app = make_app()
    home_screen = app.home_screen

    def home_screen_with_a_key_already_typed() -> EiscopeScreen:
        app.post_message(events.Key("0", "0"))  # in the queue before the first screen exists
        return home_screen()

    app.home_screen = home_screen_with_a_key_already_typed  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        assert screen.is_whitelabel_admin
        assert active_tab(app) == "fleet"


async def test_keys_typed_before_the_rows_act_on_them(make_app: MakeApp, sandbox: Sandbox) -> None:
    """`G` typed before the members arrive (a slow network, nothing cached) lands on the last member."""
    sandbox.faults = FaultConfig(latency_ms=400)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")  # the first screen is up, its rows are not
        await settle(pilot)
        table = pane(app, "users-list").table
        assert table.total_count > 1
        assert table.cursor_index == table.row_count - 1


async def test_q_quits_at_once_while_the_screen_waits_for_its_rows(make_app: MakeApp, sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(latency_ms=2000)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, OrganizationScreen) and not screen.ready  # no rows yet: other keys wait
        await pilot.press("q")
        assert app.return_code == 0


async def test_moving_keys_in_raw_json_help_and_a_chart(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await walk(pilot, "8", "y")  # the readme tab has no list: `y` shows the whole organization info
        raw = app.screen
        assert isinstance(raw, RawJsonScreen)
        view = raw.query_one(JsonView)
        await walk(pilot, "G")
        assert view.scroll_offset.y == view.max_scroll_y > 0
        await walk(pilot, "g", "ctrl+d")
        assert view.scroll_offset.y == view.scrollable_content_region.height // 2
        await walk(pilot, "j")
        assert view.scroll_offset.y == view.scrollable_content_region.height // 2 + 1
        await walk(pilot, "escape", "1", "4", "enter")
        assert isinstance(app.screen, InnerOrganizationScreen)
        chart_screen = await open_chart(pilot, "totalUsers")
        chart = chart_screen.query_one(MetricChart)
        last = len(chart.days) - 1
        assert chart.cursor == last
        await walk(pilot, "g")
        assert chart.cursor == 0
        await walk(pilot, "j", "l", "ctrl+d")
        assert chart.cursor == 9  # a day, a day, a week
        await walk(pilot, "k", "G")
        assert chart.cursor == last
        await walk(pilot, "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        box = help_screen.query_one(ReadingScroll)
        await walk(pilot, "G")
        assert box.scroll_offset.y == box.max_scroll_y
        await walk(pilot, "g")
        assert box.scroll_offset.y == 0


async def test_help_and_palette_give_the_tenth_tab_key_0(make_app: MakeApp) -> None:
    """Issue 20: help and the palette called the Fleet tab "10" while its key is `0`."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        tabs = dict(dict(help_screen.groups)["Tabs"])
        assert tabs["0"] == "Fleet" and "10" not in tabs
        await walk(pilot, "escape")
        org = app.screen
        assert isinstance(org, OrganizationScreen)
        from screens.jump import JumpProvider

        provider = JumpProvider(org)
        assert ("fleet", "Fleet (0)") in provider._tabs()


async def test_a_remapped_key_shows_in_help_and_moves_every_view(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = EiscopeApp(
        make_app().settings, org_id=sandbox.owner_org_id, keymap={"cursor-down": "n", "tab-10": "f", "range": "p"}
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = pane(app, "users-list").table
        await walk(pilot, "n")
        assert table.cursor_index == 1
        await walk(pilot, "f")
        assert active_tab(app) == "fleet"
        assert app.screen.query_one(TabBar).tab_label("fleet") == "f Fleet"
        await walk(pilot, "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        moving = dict(next(rows for title, rows in help_screen.groups if title.startswith("Moving")))
        assert moving["n"] == "Down"


async def test_the_footer_keeps_help_and_quit_at_60_columns_and_fits_again_after_a_resize(make_app: MakeApp) -> None:
    """Issue 20: at 60x15 `? Help q Quit` was cut off; after 80 → 60 → 80 the footer kept the 60-column keys."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        at_80 = [binding.description for binding in footer.shown]
        assert {"Help", "Quit", "Filter"} <= set(at_80)
        await pilot.resize_terminal(60, 15)
        await settle(pilot)
        at_60 = [binding.description for binding in footer.shown]
        assert {"Help", "Quit"} <= set(at_60) and len(at_60) < len(at_80)
        await walk(pilot, "0", "enter")  # an inner org: its own keys, and back
        inner = app.screen.query_one(KeyFooter)
        assert {"Back", "Help", "Quit"} <= {binding.description for binding in inner.shown}
        await walk(pilot, "escape")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert [binding.description for binding in app.screen.query_one(KeyFooter).shown] != at_60


async def test_a_slow_answer_says_how_long_it_has_waited(
    make_app: MakeApp, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 20: an endpoint that does not answer showed 'Loading…' for 30 s with no word of it."""
    monkeypatch.setattr(app_module, "WAIT_NOTICE_S", 0.3)
    sandbox.faults = FaultConfig(latency_ms=1300)
    app = make_app(cache_dir=tmp_path / "empty")
    async with app.run_test(size=(120, 40)) as pilot:
        line = app.screen.query_one(WaitLine)
        for _ in range(30):
            await pilot.pause(0.1)
            if line.has_class("-shown"):
                break
        assert line.has_class("-shown")
        assert "Waiting" in str(line.render()) and "q quits" in str(line.render())
        sandbox.faults = FaultConfig()  # the API answers at once again: the line goes with the wait
        await settle(pilot)
        for _ in range(30):
            await pilot.pause(0.1)
            if not line.has_class("-shown"):
                break
        assert not line.has_class("-shown")
