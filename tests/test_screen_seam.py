"""The screens' seam: navigation is one message, lists never lie about where their rows came from, tabs keep their
numbers, and an unexpected error is shown in place rather than ending the app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from screens.inner_org import InnerOrganizationScreen
from screens.messages import Kind, Open, PageArrived
from screens.organization import OrganizationScreen
from screens.project import ProjectScreen
from screens.user import UserScreen
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.app import EiscopeApp
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox
from widgets.key_footer import KeyFooter
from widgets.notice import ErrorPanel, StatusLine
from widgets.tabbed_view import TabBar

from .test_app_browse import active_tab, pane, settle, walk
from .test_app_states import panel_text

MakeApp = Callable[..., EiscopeApp]


def tab_labels(app: EiscopeApp) -> list[str]:
    bar = app.screen.query_one(TabBar)
    screen = app.screen
    assert isinstance(screen, OrganizationScreen)
    return [bar.tab_label(tab) for tab in screen.visible_tabs()]


async def test_open_message_is_the_one_way_to_a_screen(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Rows of every list, and the palette's hits, become `Open`; the app alone picks the screen."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = sandbox.world.whitelabel_projects[0]
        app.post_message(Open(Kind.WHITELABEL_PROJECT, sandbox.owner_org_id, row))
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        assert app.screen.fetch is True
        await walk(pilot, "escape")
        member = sandbox.world.organization(sandbox.owner_org_id)["users"][0]
        app.post_message(Open(Kind.MEMBER, sandbox.owner_org_id, member, whitelabel=True))
        await settle(pilot)
        assert isinstance(app.screen, UserScreen)
        assert app.screen.whitelabel is True


async def test_palette_hits_open_through_the_index_without_guessing_from_ids(
    make_app: MakeApp, sandbox: Sandbox
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        inner = sandbox.world.inner_organizations[2]
        hits = list(screen.index.search(str(inner["id"])))
        assert any(hit.kind is Kind.INNER_ORGANIZATION and hit.row["id"] == inner["id"] for hit in hits)
        assert all(hit.whitelabel for hit in hits)
        hit = next(hit for hit in hits if hit.kind is Kind.INNER_ORGANIZATION)
        app.post_message(hit)
        await settle(pilot)
        assert isinstance(app.screen, InnerOrganizationScreen)
        assert app.screen.inner_id == inner["id"]


async def test_owner_tabs_keep_their_numbers_from_the_first_paint(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Issue 9.5: before /whitelabel answers, the white-label tabs already hold 4-6 (as loading)."""
    sandbox.faults = FaultConfig(latency_ms=1500)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        assert screen.is_whitelabel_admin is None
        bar = app.screen.query_one(TabBar)
        assert tab_labels(app)[3:7] == ["4 Inner orgs", "5 WL users", "6 WL projects", "7 Usage"]  # whole titles
        assert bar.tab_is_loading("inner-orgs") and not bar.tab_is_loading("usage")
        await pilot.press("4")  # still loading: the press does not land on another tab, and is not lost
        assert active_tab(app) == "users"
        await settle(pilot)
        assert active_tab(app) == "inner-orgs"  # issue 20: opened as soon as it was ready
        assert not bar.tab_is_loading("inner-orgs")
        assert tab_labels(app)[3:7] == ["4 Inner orgs", "5 WL users", "6 WL projects", "7 Usage"]
        await pilot.press("7")
        assert active_tab(app) == "usage"


async def test_whitelabel_tabs_go_when_the_fresh_answer_is_403(
    make_app: MakeApp, sandbox: Sandbox, tmp_path: Path
) -> None:
    """Issue 9.4: a cached /whitelabel showed the tabs; the fresh 403 hides them and the numbers follow."""
    cache = tmp_path / "shared-cache"
    warm = make_app(cache_dir=cache)
    async with warm.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
    sandbox.fail_next(f"/api/organizations/{sandbox.owner_org_id}/whitelabel", [403] * 20)  # admin revoked
    app = make_app(cache_dir=cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        assert screen.is_whitelabel_admin is False
        assert screen.visible_tabs() == ["users", "projects", "datasets", "usage", "readme", "settings"]
        assert tab_labels(app)[3] == "4 Usage"
        await pilot.press("4")
        assert active_tab(app) == "usage"


async def test_paged_tabs_say_offline_over_cached_pages(make_app: MakeApp, sandbox: Sandbox, tmp_path: Path) -> None:
    """Issue 9.3: with the network failing, the inner orgs list says where its rows came from, never 'live'."""
    cache = tmp_path / "shared-cache"
    warm = make_app(cache_dir=cache)
    async with warm.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
        seen = pane(warm, "inner-orgs-list").table.total_count
        assert seen > 10
    app = make_app(cache_dir=cache, offline=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
        listing = pane(app, "inner-orgs-list")
        assert listing.table.total_count == seen
        status = str(listing.query_one(StatusLine).render())
        assert "live" not in status
        assert "offline" in status or "cached" in status


async def test_refresh_while_paging_never_shows_a_row_twice(
    make_app: MakeApp, large_sandbox: Sandbox, tmp_path: Path
) -> None:
    """Issue 9.2: `r` while white-label users are still arriving replaces the pass; no id appears twice."""
    large_sandbox.faults = FaultConfig(latency_ms=20, jitter_ms=200)
    settings = ClientSettings(endpoint=large_sandbox.url, api_key=large_sandbox.admin_key)
    app = EiscopeApp(settings, org_id=large_sandbox.owner_org_id, cache=DiskCache(tmp_path / "cache"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        table = pane(app, "wl-users-list").table
        for _ in range(200):  # until some pages (but not all) are on screen
            await asyncio.sleep(0.02)
            if 0 < table.total_count < len(large_sandbox.world.whitelabel_users):
                break
        await pilot.press("r")
        await settle(pilot)
        ids = [table.store.row(i)["id"] for i in range(table.total_count)]
        assert len(ids) == len(set(ids)) == len(large_sandbox.world.whitelabel_users)


async def test_a_page_of_a_replaced_pass_is_dropped(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        table = pane(app, "inner-orgs-list").table
        before = table.total_count
        stale = PageArrived("inner-orgs", [{"id": -1, "name": "ghost"}], 1, cached=False, pass_id=-7)
        screen.post_message(stale)
        await settle(pilot)
        assert table.total_count == before


async def test_an_unexpected_error_is_shown_in_place_and_the_app_goes_on(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Issue 9.10: a bug in a load (not an ApiError) is an error panel with a 'report this' hint, not a crash."""
    app = make_app()

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug of ours")

    app.client.organization_info = broken  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.is_running
        panel = app.screen.query_one("#org-error", ErrorPanel)
        assert panel.has_class("-shown")
        text = panel_text(panel)
        assert "RuntimeError" in text
        assert "report" in text.lower()
        assert "a bug of ours" not in text  # an exception's text is never shown: it could carry anything
        await walk(pilot, "2")
        assert active_tab(app) == "projects"


async def test_root_screen_offers_no_back_key(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = [binding.action for (_n, binding, enabled, _t) in app.screen.active_bindings.values() if enabled]
        assert "back" not in shown


async def test_footer_keeps_help_and_quit_at_80_columns(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = [binding.description for binding in app.screen.query_one(KeyFooter).shown]
        assert "Help" in keys
        assert "Quit" in keys
        assert "Filter" in keys  # the focused list's own keys come first


async def test_every_tab_name_fits_at_80_columns(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        labels = tab_labels(app)
        assert len(labels) == 10
        bar = app.screen.query_one(TabBar)
        spans = [bar.span_of(tab) for tab in bar.shown_tabs]
        assert all(span is not None and span[1] <= 80 for span in spans), labels
        assert [label.split(" ", 1)[0] for label in labels] == [*(str(n) for n in range(1, 10)), "0"]


async def test_escape_in_a_date_input_leaves_the_input_not_the_screen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter", "u")
        screen = app.screen
        assert isinstance(screen, InnerOrganizationScreen)
        assert screen.focused is not None and screen.focused.id == "usage-start"
        await walk(pilot, "escape")
        assert app.screen is screen
        assert screen.focused is not None and screen.focused.id != "usage-start"


async def test_inner_org_raw_json_is_what_the_api_sent(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter")
        screen = app.screen
        assert isinstance(screen, InnerOrganizationScreen)
        document = screen.raw_document()
        assert document is not None
        assert "computeTimeForRange" not in document[1]
        assert document[1]["dailyMetrics"] == sandbox.world.inner_organization_info(screen.inner_id)["dailyMetrics"]


async def test_escape_clears_an_active_filter_from_the_table_then_goes_back(make_app: MakeApp) -> None:
    """The README's promise: escape clears the filter (even with the table focused), and only then goes back."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter")
        inner = app.screen
        assert isinstance(inner, InnerOrganizationScreen)
        await walk(pilot, "escape")
        users = pane(app, "users-list")
        await walk(pilot, "1", "slash", "k", "a", "i", "enter")
        assert users.table.has_focus
        assert users.filter_text == "kai"
        assert users.table.row_count < users.table.total_count
        await walk(pilot, "escape")
        assert users.filter_text == ""
        assert users.table.row_count == users.table.total_count
        assert isinstance(app.screen, OrganizationScreen)


async def test_counts_agree_with_their_nouns(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(org_id=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#orgs-list StatusLine", StatusLine).render())
        assert status.startswith("1 organization ·"), status


async def test_a_keymap_remaps_a_binding_and_help_shows_the_key_in_force(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    app = EiscopeApp(
        settings, org_id=sandbox.owner_org_id, cache=DiskCache(tmp_path / "cache"), keymap={"raw-json": "f5"}
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        groups = dict(app.screen.groups)  # type: ignore[attr-defined]
        screen_keys = dict(next(rows for heading, rows in groups.items() if heading.startswith("This screen")))
        assert screen_keys["f5"] == "Raw JSON"
        assert "y" not in screen_keys
        await walk(pilot, "escape", "f5")
        assert type(app.screen).__name__ == "RawJsonScreen"


async def test_a_plain_orgs_project_gauge_counts_its_projects(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Not 'Projects unknown / 25' while the Projects tab lists them."""
    app = make_app(api_key=sandbox.plain_key, org_id=sandbox.plain_org_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
        projects = sandbox.world.organization_projects(sandbox.plain_org_id) or []
        gauges = {gauge._label: gauge for gauge in app.screen.query("UsageGauge")}
        assert gauges["Projects"]._used == len(projects)
        assert not str(gauges["Projects"].render()).startswith("unknown")
