"""Walking an organization with the keyboard, as an admin would, against the sandbox over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Markdown, Static

from screens.dataset import DatasetScreen
from screens.help import HelpScreen
from screens.inner_org import InnerOrganizationScreen
from screens.organization import OrganizationScreen
from screens.project import ProjectScreen
from screens.raw_json import RawJsonScreen
from screens.user import UserScreen
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.app import EiscopeApp
from tui.safe_text import clean_multiline
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox
from widgets.daily_metrics import DailyMetricsPanel
from widgets.gauge import UsageGauge
from widgets.list_pane import ListPane
from widgets.notice import StatusLine
from widgets.sparkline import MetricSparkline
from widgets.tabbed_view import TabBar, TabbedView

MakeApp = Callable[..., EiscopeApp]


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message it posted be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def walk(pilot: Pilot[None], *keys: str) -> None:
    """Press each key and let what it started finish, as a person waits for the screen before the next key."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def pane(app: EiscopeApp, pane_id: str) -> ListPane:
    return app.screen.query_one(f"#{pane_id}", ListPane)


def active_tab(app: EiscopeApp) -> str:
    return app.screen.query_one(TabbedView).active


async def test_owner_org_shows_numbered_tabs_in_order(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        assert screen.visible_tabs() == [
            "users",
            "projects",
            "datasets",
            "inner-orgs",
            "wl-users",
            "wl-projects",
            "usage",
            "readme",
            "settings",
            "fleet",
        ]
        bar = screen.query_one(TabBar)
        assert bar.tab_label("inner-orgs") == "4 Inner orgs"
        assert bar.tab_label("usage") == "7 Usage"
        users = sandbox.world.organization(sandbox.owner_org_id)["users"]
        assert pane(app, "users-list").table.total_count == len(users)
        for key, tab in (("2", "projects"), ("4", "inner-orgs"), ("7", "usage"), ("8", "readme"), ("1", "users")):
            await pilot.press(key)
            assert active_tab(app) == tab


async def test_plain_org_has_no_whitelabel_tabs(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(api_key=sandbox.plain_key, org_id=sandbox.plain_org_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        assert screen.is_whitelabel_admin is False
        assert screen.visible_tabs() == ["users", "projects", "datasets", "usage", "readme", "settings"]
        await pilot.press("4")
        assert active_tab(app) == "usage"
        assert sandbox.request_counts().get(f"/v1/api/organizations/{sandbox.plain_org_id}/whitelabel") == 1


async def test_inner_org_detail_with_gauges_sparklines_and_ranges(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
        first = pane(app, "inner-orgs-list").table.cursor_row
        assert first is not None
        await walk(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, InnerOrganizationScreen)
        assert screen.inner_id == first["id"]
        assert screen.query(UsageGauge)
        panel = screen.query_one(DailyMetricsPanel)
        users = screen.query_one("#spark-totalUsers", MetricSparkline)
        assert panel.days == 30 and len(users.points) == 30
        await pilot.press("t")
        assert panel.days == 90 and len(users.points) == 90
        await pilot.press("t")
        assert panel.days == 365 and len(users.points) == 365
        info = sandbox.world.inner_organization_info(first["id"])
        assert users.points[-1][1] == info["dailyMetrics"][-1]["totalUsers"]
        await pilot.press("escape")
        assert isinstance(app.screen, OrganizationScreen)


async def test_compute_usage_for_a_chosen_date_range(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter")
        screen = app.screen
        assert isinstance(screen, InnerOrganizationScreen)
        path = (
            f"/v1/api/organizations/{sandbox.owner_org_id}/whitelabel/organizations/{screen.inner_id}/usage/computeTime"
        )
        before = sandbox.request_counts().get(path, 0)
        assert before == 1  # the default range, the last 30 days of the metrics
        screen.query_one("#usage-start", Input).value = "2026-01-01"
        screen.query_one("#usage-end", Input).value = "2026-03-31"
        screen.query_one("#usage-end", Input).focus()
        await walk(pilot, "enter")
        assert sandbox.request_counts()[path] == 2
        text = str(screen.query_one("#usage-result", Static).render())
        assert text.startswith("2026-01-01 – 2026-03-31") and "CPU" in text
        screen.query_one("#usage-end", Input).value = "2025-12-01"
        screen.query_one("#usage-end", Input).focus()
        await pilot.press("enter")
        assert "before the start" in str(screen.query_one("#usage-result", Static).render())


async def test_filter_and_sort_the_whitelabel_users(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "5")
        users = pane(app, "wl-users-list")
        everyone = sandbox.world.whitelabel_users
        assert users.table.total_count == len(everyone)
        domain = everyone[3]["email"].split("@")[1].split(".")[0]
        await pilot.press("slash", *domain)
        expected = [u for u in everyone if domain in (u["email"] + u["name"] + u["username"]).lower()]
        assert users.table.row_count == len(expected) < len(everyone)
        await pilot.press("escape")
        assert users.table.row_count == len(everyone)
        await pilot.press("s")
        first_sort = users.table.sort_key
        assert first_sort is not None
        await pilot.press("S")
        assert users.table.sort_reverse is True


async def test_enter_opens_details_and_links_onward(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "enter")
        user = app.screen
        assert isinstance(user, UserScreen)
        await pilot.press("2")
        projects = user.query_one("#user-projects-list", ListPane)
        assert projects.table.total_count > 0
        await walk(pilot, "enter")
        project = app.screen
        assert isinstance(project, ProjectScreen)
        await pilot.press("2")
        assert project.query_one("#collaborators-list", ListPane).table.total_count > 0
        await walk(pilot, "enter")
        assert isinstance(app.screen, UserScreen)
        for _ in range(3):
            await pilot.press("escape")
        assert isinstance(app.screen, OrganizationScreen)
        await pilot.press("3", "enter")
        assert isinstance(app.screen, DatasetScreen)


async def test_whitelabel_project_is_fetched_in_full(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "6")
        row = pane(app, "wl-projects-list").table.cursor_row
        assert row is not None
        await walk(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        assert screen.document == sandbox.world.whitelabel_project(row["id"])


async def test_raw_json_of_the_selected_row_is_searchable(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = pane(app, "users-list").table.cursor_row
        assert row is not None
        await pilot.press("y")
        screen = app.screen
        assert isinstance(screen, RawJsonScreen)
        assert screen.data == row
        await pilot.press("slash", *"email")
        assert screen.matches and '"email"' in screen.lines[screen.matches[0]]
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, OrganizationScreen)


async def test_help_lists_the_keys_of_the_current_screen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter")
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        groups = dict(help_screen.groups)
        headings = list(groups)
        assert headings[0].startswith("This screen")  # this screen's keys come first
        keys = dict(groups[headings[0]])
        assert keys["t"] == "Range 30/90/365"
        assert keys["u"] == "Compute for dates"
        assert keys["y"] == "Raw JSON" and keys["esc / ⌫"] == "Back" and keys["?"] == "Help"
        assert "Tabs" not in groups  # the inner organization has no tabs: no 1-9 listed
        every_key = [key for rows in groups.values() for key, _what in rows]
        assert not any("ctrl+pageup" in key or "super" in key for key in every_key)  # no generic Textual keys
        await pilot.press("escape")
        assert isinstance(app.screen, InnerOrganizationScreen)


async def test_help_names_the_tabs_and_scrolls_with_j(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        groups = dict(help_screen.groups)
        assert groups["Tabs"][:4] == [("1", "Users"), ("2", "Projects"), ("3", "Datasets"), ("4", "Inner orgs")]
        in_focus = dict(groups["The list (or field) in focus"])  # the members do not fit 80 columns
        assert in_focus["< / ctrl+←"] == "A screenful of columns left"
        assert in_focus["> / ctrl+→"] == "A screenful of columns right"
        box = help_screen.query_one("#help-box")
        await pilot.press("j", "j")
        assert box.scroll_y == 2
        await pilot.press("G")
        assert box.scroll_y == box.max_scroll_y > 2


async def test_palette_jumps_to_a_project_by_name(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        project = sandbox.world.organization_projects(sandbox.owner_org_id)[-1]
        await pilot.press("ctrl+p")
        await pilot.press(*project["name"][:12])
        await pilot.pause(0.5)
        await walk(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        assert screen.project_id == project["id"]


async def test_readme_renders_without_following_links(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        readme = app.screen.query_one("#readme-body", Markdown)
        assert readme._open_links is False
        markdown = sandbox.world.organization_info(sandbox.owner_org_id)["readme"]["markdown"]
        assert readme.source == clean_multiline(markdown)
        assert "](http" in readme.source  # the readme has links; clicking one must not open anything


async def test_palette_finds_a_whitelabel_user_by_email_even_while_the_list_is_filtered(
    make_app: MakeApp, sandbox: Sandbox
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "5")
        await pilot.press("slash", *"zzz-no-match", "enter")
        assert pane(app, "wl-users-list").table.row_count == 0
        user = sandbox.world.whitelabel_users[-1]
        await pilot.press("ctrl+p", *user["email"])
        await pilot.pause(0.5)
        await walk(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, UserScreen)
        assert screen.user_id == user["id"]


async def test_mouse_opens_a_tab_and_a_row(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(TabBar)
        span = bar.span_of("inner-orgs")
        assert span is not None
        await pilot.click(bar, offset=(span[0] + 2, 0))
        await settle(pilot)
        assert active_tab(app) == "inner-orgs"
        table = pane(app, "inner-orgs-list").table
        await pilot.click(table, offset=(3, 2))  # the second row: the cursor moves there
        second = table.cursor_row
        assert second is not None and table.cursor_index == 1
        await pilot.click(table, offset=(3, 2))  # clicking the cursor row opens it
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InnerOrganizationScreen)
        assert screen.inner_id == second["id"]


async def test_copy_puts_the_selected_row_on_the_clipboard_as_json(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "c")
        row = pane(app, "users-list").table.cursor_row
        assert row is not None
        assert json.loads(app.clipboard) == row


async def test_refresh_reloads_a_paged_list_without_doubling_rows(make_app: MakeApp, sandbox: Sandbox) -> None:
    """… and the cursor stays on its user through the cached pages and the network's (k9s's behaviour)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "5", "j", "j", "j")
        users = pane(app, "wl-users-list")
        assert users.table.total_count == len(sandbox.world.whitelabel_users)
        chosen = users.table.cursor_row
        assert chosen is not None and users.table.cursor_index == 3
        path = f"/v1/api/organizations/{sandbox.owner_org_id}/whitelabel/users"
        before = sandbox.request_counts()[path]
        sandbox.faults = FaultConfig(latency_ms=1500)  # the cached pages show while the network is out
        await pilot.press("r")
        for _ in range(40):
            if "cached" in users.query_one(StatusLine).render().plain:
                break
            await pilot.pause(0.05)
        assert "cached" in users.query_one(StatusLine).render().plain
        assert users.table.total_count == len(sandbox.world.whitelabel_users)
        await settle(pilot)
        assert sandbox.request_counts()[path] > before
        assert users.table.total_count == len(sandbox.world.whitelabel_users)
        ids = [users.table.store.row_by_id(i)["id"] for i in range(users.table.total_count)]
        assert len(ids) == len(set(ids))
        assert users.table.cursor_row is not None and users.table.cursor_row["id"] == chosen["id"]


async def test_a_user_jwt_lists_every_organization_of_the_user(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = ClientSettings(endpoint=sandbox.url, jwt_token=sandbox.jwt_token)
    app = EiscopeApp(settings, cache=DiskCache(tmp_path / "cache"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        orgs = pane(app, "orgs-list").table
        expected = {org["id"] for org in sandbox.world.organizations_for_jwt()}
        assert {orgs.store.row_by_id(i)["id"] for i in range(orgs.total_count)} == expected
        assert len(expected) > 1
        while orgs.cursor_row is not None and orgs.cursor_row["id"] != sandbox.owner_org_id:
            await pilot.press("j")
        await walk(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, OrganizationScreen) and screen.is_whitelabel_admin
