"""What an admin sees when things go wrong: a bad key, a plain org, an outage, hostile names, no key at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from screens.inner_org import InnerOrganizationScreen
from screens.organization import OrganizationScreen
from screens.pickers import OrganizationPicker
from screens.user import UserScreen
from screens.welcome import WelcomeScreen
from tui.api.client import ClientSettings, RetryPolicy
from tui.app import EiscopeApp
from tui.sandbox.faults import FaultConfig
from tui.sandbox.names import HOSTILE_ORG_NAME, HOSTILE_USER_NAME
from tui.sandbox.server import Sandbox
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel, StatusLine
from widgets.resource_table import ResourceTable

from .test_app_browse import settle, walk

MakeApp = Callable[..., EiscopeApp]
QUICK_RETRIES = RetryPolicy(max_attempts=2, base_delay_s=0.01, max_delay_s=0.02, total_budget_s=2)


def panel_text(panel: ErrorPanel) -> str:
    return " ".join(str(static.render()) for static in panel.query(Static))


def screen_text(table: ResourceTable) -> str:
    """Every line the table paints for its visible rows, as the terminal would get it."""
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_wrong_key_says_401_and_what_to_do(make_app: MakeApp) -> None:
    app = make_app(api_key="ei_" + "f" * 64)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#org-error", ErrorPanel)
        assert panel.has_class("-shown")
        text = panel_text(panel)
        assert "401" in text and "EI_API_KEY" in text
        assert "f" * 64 not in text


async def test_plain_org_says_it_is_not_a_whitelabel_org_on_usage(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(api_key=sandbox.plain_key, org_id=sandbox.plain_org_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
        texts = " ".join(str(s.render()) for s in app.screen.query("#usage-panel Static"))
        assert "white-label admin organizations" in texts


async def test_forbidden_org_shows_403_in_place(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Said once (issue 20), under the organization picker that offers the others."""
    app = make_app(api_key=sandbox.plain_key, org_id=sandbox.owner_org_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OrganizationPicker)
        org_screen = app.screen_stack[-2]
        shown = [panel for panel in org_screen.query(ErrorPanel) if panel.has_class("-shown")]
        assert len(shown) == 1 and shown[0].id == "org-error"
        assert "403" in panel_text(shown[0])
        assert not app._notifications


async def test_offline_shows_cached_org_with_age(make_app: MakeApp, sandbox: Sandbox, tmp_path: Path) -> None:
    cache_dir = tmp_path / "shared-cache"
    first = make_app(cache_dir=cache_dir)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    sandbox.faults = FaultConfig(drop_rate=1.0)
    sandbox.reset_counts()
    second = make_app(cache_dir=cache_dir, retries=QUICK_RETRIES)
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        users = second.screen.query_one("#users-list", ListPane)
        assert users.table.total_count == len(sandbox.world.organization(sandbox.owner_org_id)["users"])
        status = str(users.query_one(StatusLine).render())
        assert "offline: showing cached data from just now" in status
        assert sandbox.total_requests() > 0  # it did try the network


async def test_second_visit_shows_cached_data_before_the_network_answers(
    make_app: MakeApp, sandbox: Sandbox, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "warm"
    async with make_app(cache_dir=cache_dir).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    sandbox.faults = FaultConfig(latency_ms=2000)
    app = make_app(cache_dir=cache_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        users = app.screen.query_one("#users-list", ListPane)
        for _ in range(30):  # the cache answers at once; the network takes 2 s
            if users.table.total_count:
                break
            await pilot.pause(0.05)
        assert users.table.total_count > 0
        assert "cached" in str(users.query_one(StatusLine).render())
        await settle(pilot)
        assert str(users.query_one(StatusLine).render()).endswith("live")


async def test_offline_mode_without_cache_says_so(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(offline=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "offline" in panel_text(app.screen.query_one("#org-error", ErrorPanel))
        assert sandbox.total_requests() == 0


async def test_hostile_names_render_as_inert_text(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")
        orgs = app.screen.query_one("#inner-orgs-list", ListPane)
        await pilot.press("slash", *"red team", "enter")
        assert orgs.table.row_count == 1
        painted = screen_text(orgs.table)
        assert HOSTILE_ORG_NAME in painted
        await pilot.click(orgs.table, offset=(4, 1))  # clicking the name selects the row; it runs nothing
        await walk(pilot, "enter")
        assert isinstance(app.screen, InnerOrganizationScreen)
        assert app.screen.crumb == HOSTILE_ORG_NAME
        await walk(pilot, "escape", "5")
        users = app.screen.query_one("#wl-users-list", ListPane)
        await pilot.press("slash", *"mallory")
        assert users.table.row_count == 1
        painted = screen_text(users.table)
        assert "Mallory" in painted and "Byte" in painted
        assert "\x1b" not in painted and "\x07" not in painted
        assert HOSTILE_USER_NAME not in painted
        assert app.is_running


async def test_no_key_shows_welcome_and_d_starts_the_demo(tmp_path: Path) -> None:
    app = EiscopeApp(ClientSettings(endpoint="http://127.0.0.1:9/v1"), welcome=True, cache=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        text = str(app.screen.query_one("#welcome-text", Static).render())
        assert "EI_API_KEY" in text and "--api-key" in text and "press d" in text
        await walk(pilot, "d")
        assert isinstance(app.screen, OrganizationScreen)
        assert app.sandbox is not None
        assert app.screen.query_one("#users-list", ListPane).table.total_count > 0


async def test_a_failed_detail_keeps_the_list_row_and_says_why(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(retries=QUICK_RETRIES)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "5")
        row = app.screen.query_one("#wl-users-list", ListPane).table.cursor_row
        assert row is not None
        sandbox.fail_next(f"/whitelabel/users/{row['id']}", [500])
        await walk(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, UserScreen)
        assert "server error" in panel_text(screen.query_one("#user-error", ErrorPanel))
        assert str(screen.query_one("#user-status", StatusLine).render()) == "showing the list row only"
        assert (
            str(screen.query_one("#user-projects-list StatusLine", StatusLine).render()) != "showing the list row only"
        )
