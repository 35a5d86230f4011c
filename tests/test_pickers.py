"""Switching without quitting: a wrong organization leads to the picker with one error; escape and retry work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, OptionList

from screens.inner_org import InnerOrganizationScreen
from screens.organization import OrganizationScreen
from screens.pickers import OrganizationPicker, ProfilePicker
from tui.app import EiscopeApp
from tui.sandbox.server import Sandbox
from widgets.notice import ErrorPanel

from .test_app_browse import settle, walk
from .test_app_states import panel_text

MakeApp = Callable[..., EiscopeApp]


def shown_errors(screen: OrganizationScreen) -> list[ErrorPanel]:
    return [panel for panel in screen.query(ErrorPanel) if panel.has_class("-shown")]


async def test_a_missing_organization_shows_one_error_and_the_picker(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Issue 20: `--org 99999` said the same 404 three times (card, panel, toast), and escape did nothing."""
    app = make_app(org_id=99999)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OrganizationPicker)
        broken = app.screen_stack[-2]
        assert isinstance(broken, OrganizationScreen)
        errors = shown_errors(broken)
        assert len(errors) == 1
        text = panel_text(errors[0])
        assert "404" in text and "O another organization" in text and "P another profile" in text
        assert not app._notifications  # no toast repeats it
        await walk(pilot, "escape")  # the picker closes; the error stays, and escape brings the picker back
        assert app.screen is broken
        await walk(pilot, "escape")
        assert isinstance(app.screen, OrganizationPicker)
        options = app.screen.query_one(OptionList)
        assert "Acme Edge AI" in str(options.get_option_at_index(0).prompt)  # the key's own organization
        await walk(pilot, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen) and screen.org_id == sandbox.owner_org_id
        assert screen.info is not None and not shown_errors(screen)
        assert app.screen_stack == [screen] and app.org_id == sandbox.owner_org_id  # the broken one is gone


async def test_a_typed_id_opens_any_organization(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(org_id=99999)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*str(sandbox.owner_org_id))
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1  # the key's own organization, by its id
        await pilot.press("ctrl+u", *"4242")
        assert "Organization 4242" in str(options.get_option_at_index(0).prompt)
        await walk(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, OrganizationPicker)  # 4242 does not exist either: the picker again
        assert app.screen_stack[-2].org_id == 4242  # type: ignore[attr-defined]


async def test_retry_opens_an_organization_that_came_back(make_app: MakeApp, sandbox: Sandbox) -> None:
    sandbox.fail_next(f"/api/organizations/{sandbox.owner_org_id}", [404] * 3)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OrganizationPicker)
        await walk(pilot, "escape", "r")
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        assert screen.unavailable is None and screen.info is not None
        assert not shown_errors(screen)


async def test_the_pickers_open_from_any_screen(make_app: MakeApp, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("# no profiles yet\n")
    app = make_app()
    app.env = {"EISCOPE_CONFIG": str(config)}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter")  # an inner organization
        await walk(pilot, "O")
        assert isinstance(app.screen, OrganizationPicker)
        await pilot.press("P")  # in a picker, letters narrow the list
        assert app.screen.query_one(".picker-filter", Input).value == "P"
        await walk(pilot, "escape", "P")
        assert isinstance(app.screen, ProfilePicker)
        assert [type(s).__name__ for s in app.screen_stack] == [
            "OrganizationScreen",
            "InnerOrganizationScreen",
            "ProfilePicker",
        ]
        status = str(app.screen.query_one(".picker-status").render())
        assert f"No profiles in {config}" in status
        await walk(pilot, "escape")
        assert isinstance(app.screen, InnerOrganizationScreen)
