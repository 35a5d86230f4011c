"""The `:` command line and the palette's search, as an admin moving like k9s would, against the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from screens.chart import ChartScreen
from screens.command_line import CommandLineScreen
from screens.inner_org import InnerOrganizationScreen
from screens.organization import OrganizationScreen
from screens.user import UserScreen
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.app import EiscopeApp
from tui.command_history import CommandHistory, HistoryWalk, may_be_written
from tui.command_language import CommandError, complete_names, parse
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox
from widgets.list_pane import ListPane
from widgets.tabbed_view import TabbedView

from .test_app_browse import settle, walk
from .test_client import FAST_RETRIES

MakeApp = Callable[..., EiscopeApp]


async def command(pilot: Pilot[None], line: str) -> None:
    """Type `:` and the line, then enter, and wait for what it started: the prompt closes, or says why not."""
    await walk(pilot, "colon")
    await pilot.press(*line)
    await walk(pilot, "enter")
    for _ in range(100):  # a loaded machine may take a few frames more to deliver the command's message
        prompt = pilot.app.screen
        if not isinstance(prompt, CommandLineScreen) or prompt.query_one("#command-note").has_class("-error"):
            break
        await pilot.pause(0.02)
    await settle(pilot)


async def choose_in_palette(pilot: Pilot[None], contains: str) -> None:
    """Move the palette's highlight to the hit whose text holds `contains`, and enter it."""
    hits = pilot.app.screen.query_one(CommandList)
    prompts = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
    hits.highlighted = next(i for i, prompt in enumerate(prompts) if contains in prompt)
    await walk(pilot, "enter")


def note_of(app: EiscopeApp) -> str:
    return str(app.screen.query_one("#command-note").render())


# -- the language ----------------------------------------------------------------------------------------------------


def test_parse_reads_a_command_its_argument_and_unique_prefixes() -> None:
    assert parse(":inner  Hive Analytics ").argument == "Hive Analytics"
    assert parse("fl").spec.name == "fleet"
    assert parse("quit").spec.name == "q"
    assert parse("profile work").spec.name == "ctx"
    assert parse(":users").argument == ""


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("user", ":user needs EMAIL|ID"),
        ("fleet now", ":fleet takes no argument"),
        ("pro", ":pro could be :projects, :project, :ctx"),
        ("flet", "did you mean :fleet?"),
        ("", "type a command"),
    ],
)
def test_parse_says_what_is_wrong(line: str, said: str) -> None:
    with pytest.raises(CommandError) as raised:
        parse(line)
    assert said in raised.value.message


def test_completing_names_by_prefix_and_alias() -> None:
    assert [spec.name for spec in complete_names("c")] == ["ctx", "changes", "compute", "chart"]
    assert [spec.name for spec in complete_names("prof")] == ["ctx"]


def test_history_walks_back_and_returns_to_the_draft() -> None:
    walk_ = HistoryWalk(["fleet", "inner Hive"])
    assert walk_.older("inn") == "inner Hive"
    assert walk_.older("inner Hive") == "fleet"
    assert walk_.older("fleet") is None
    assert walk_.newer() == "inner Hive"
    assert walk_.newer() == "inn"
    assert walk_.newer() is None


def test_history_file_is_private_and_never_holds_a_key(tmp_path: Path) -> None:
    path = tmp_path / "state" / "command-history"
    history = CommandHistory(path)
    history.add("inner Hive")
    history.add("user ei_" + "a1" * 32)  # pasted by mistake: kept for the session only
    history.add("fleet")
    history.add("inner Hive")  # used again: moves to the end
    assert history.entries[-2:] == ["fleet", "inner Hive"]
    assert path.read_text().splitlines() == ["fleet", "inner Hive"]
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert CommandHistory(path).entries == ["fleet", "inner Hive"]
    assert not may_be_written("ctx eyJhbGciOiJIUzI1NiJ9.eyJkYXRhIjp7InVzZXJJZCI6MX19.sig")


def test_history_ignores_a_file_that_is_not_ours(tmp_path: Path) -> None:
    path = tmp_path / "command-history"
    path.write_bytes(b"\xff\xfe binary")
    assert CommandHistory(path).entries == []
    path.write_text("x" * 1_000_000)
    assert CommandHistory(path).entries == []


# -- in the app ------------------------------------------------------------------------------------------------------


async def test_inner_by_name_from_a_fresh_start_opens_it(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Issue 20: `:inner Hive` before the inner organizations were ever listed."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "inner Hive")
        screen = app.screen
        assert isinstance(screen, InnerOrganizationScreen)
        hive = next(org for org in sandbox.world.inner_organizations if "Hive" in org["name"])
        assert screen.inner_id == hive["id"]
        assert screen.crumb == hive["name"]
        assert app.history.entries[-1] == "inner Hive"


async def test_inner_by_id_and_an_ambiguous_name_offers_the_choices(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        inner = sandbox.world.inner_organizations[3]
        await command(pilot, f"inner {inner['id']}")
        assert isinstance(app.screen, InnerOrganizationScreen)
        assert app.screen.inner_id == inner["id"]
        await walk(pilot, "escape")
        await command(pilot, "inner o")  # many names hold an 'o'
        assert isinstance(app.screen, CommandLineScreen)
        assert "match 'o'" in note_of(app)
        choices = app.screen.query_one(OptionList)
        assert choices.option_count > 1
        await walk(pilot, "tab", "enter")
        assert isinstance(app.screen, InnerOrganizationScreen)


async def test_user_by_email_opens_the_white_label_user(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        user = sandbox.world.whitelabel_users[-1]
        await command(pilot, f"user {user['email']}")
        assert isinstance(app.screen, UserScreen)
        assert app.screen.user_id == user["id"] and app.screen.whitelabel


async def test_places_of_the_organization_from_anywhere(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "inner Hive")
        assert isinstance(app.screen, InnerOrganizationScreen)
        await command(pilot, "users nadia")  # from the inner organization: back to the white label's users
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        assert screen.query_one(TabbedView).active == "wl-users"
        users = screen.query_one("#wl-users-list", ListPane)
        assert users.filter_text == "nadia"
        expected = [u for u in sandbox.world.whitelabel_users if "nadia" in (u["name"] + u["email"]).lower()]
        assert users.table.row_count == len(expected) > 0
        await command(pilot, "fleet")
        assert screen.query_one(TabbedView).active == "fleet"
        assert app.screen_stack == [screen]  # the same page, not another one


async def test_a_plain_organization_says_it_has_no_fleet(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(api_key=sandbox.plain_key, org_id=sandbox.plain_org_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "users")
        assert app.screen.query_one(TabbedView).active == "users"
        await command(pilot, "fleet")
        assert app.screen.query_one(TabbedView).active == "users"
        assert any("not a white-label admin" in n.message for n in app._notifications)


async def test_chart_of_the_organization_before_its_usage_tab(make_app: MakeApp) -> None:
    """Issue 20: 'gpu' offered nothing until the Usage tab had been visited."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen) and "usage" not in screen._composed
        await walk(pilot, "ctrl+p")
        await pilot.press(*"gpu")
        await settle(pilot)
        hits = app.screen.query_one(CommandList)
        assert any("Chart: GPU compute" in str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count))
        await walk(pilot, "escape")
        await command(pilot, "chart gpu")
        assert isinstance(app.screen, CommandLineScreen)  # three metrics say GPU: they are offered
        labels = [str(app.screen.query_one(OptionList).get_option_at_index(i).prompt) for i in range(3)]
        assert any("Contract GPU compute" in label for label in labels)
        await pilot.press("ctrl+u")
        await pilot.press(*"chart contract gpu compute")
        await walk(pilot, "enter")
        assert isinstance(app.screen, ChartScreen)
        assert app.screen.metric_key == "totalCurrentContractGpuComputeTimeSeconds"


async def test_completion_cycles_with_tab_and_history_comes_back_with_up(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    app.history = CommandHistory(tmp_path / "history")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "colon")
        await pilot.press("c", "h", "tab")
        line = app.screen.query_one(Input)
        assert line.value == "changes"
        await pilot.press("tab")
        assert line.value == "chart "
        await pilot.press("ctrl+u", *"inner kest")
        await settle(pilot)  # the loaded rows do not hold it: the API's search does
        await pilot.press("tab")
        assert line.value == "inner Kestrel Agritech"
        await walk(pilot, "enter")
        assert isinstance(app.screen, InnerOrganizationScreen)
        await walk(pilot, "escape")
        await command(pilot, "fleet")
        await walk(pilot, "colon")
        await pilot.press(*"user")
        await pilot.press("up")
        assert app.screen.query_one(Input).value == "fleet"
        await pilot.press("up")
        assert app.screen.query_one(Input).value == "inner Kestrel Agritech"
        await pilot.press("down", "down")
        assert app.screen.query_one(Input).value == "user"
        await walk(pilot, "escape")
        assert not isinstance(app.screen, CommandLineScreen)
    assert CommandHistory(tmp_path / "history").entries == ["inner Kestrel Agritech", "fleet"]


async def test_an_unknown_command_says_so_and_stays_open(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "flet")
        assert isinstance(app.screen, CommandLineScreen)
        assert "did you mean :fleet?" in note_of(app)
        assert app.history.entries == []


# -- the palette: every command, and anything by search ----------------------------------------------------------


async def test_palette_finds_an_inner_org_that_was_never_listed(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Issue 20: ctrl+p 'northwind' right after start found nothing until tab 4 had been opened."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen) and "inner-orgs" not in screen._composed
        await walk(pilot, "ctrl+p")
        await pilot.press(*"northwind")
        await settle(pilot)
        await choose_in_palette(pilot, "inner organization")
        assert isinstance(app.screen, InnerOrganizationScreen)
        northwind = next(org for org in sandbox.world.inner_organizations if org["name"] == "Northwind Sensors")
        assert app.screen.inner_id == northwind["id"]
        assert app.lookup.list_search(sandbox.owner_org_id, "inner_organizations").sent >= 1  # by the API's search


async def test_palette_finds_a_user_who_was_never_listed(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        members = {u["email"] for u in sandbox.world.organization(sandbox.owner_org_id)["users"]}
        user = next(u for u in reversed(sandbox.world.whitelabel_users) if u["email"] not in members)
        await walk(pilot, "ctrl+p")
        await pilot.press(*user["email"])
        await settle(pilot)
        await choose_in_palette(pilot, "white-label user")
        assert isinstance(app.screen, UserScreen)
        assert app.screen.user_id == user["id"]


async def test_palette_says_when_the_apis_search_failed(make_app: MakeApp, sandbox: Sandbox) -> None:
    """A search the API did not answer is a hit of its own, never an empty list read as "nobody by that name"."""
    app = make_app(retries=FAST_RETRIES)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sandbox.faults = FaultConfig(error_rate=1.0)  # from now on every request answers 5xx
        await walk(pilot, "ctrl+p")
        await pilot.press(*"zzqx-nobody")
        hits = pilot.app.screen.query_one(CommandList)
        prompts: list[str] = []
        for _ in range(200):  # the palette's own worker: its search is debounced, then retried
            await pilot.pause(0.05)
            prompts = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
            if any("search failed" in prompt for prompt in prompts):
                break
        assert [p for p in prompts if p.startswith("The API's search failed: ")], prompts
        await choose_in_palette(pilot, "search failed")
        assert any(n.title == "Search failed" and n.severity == "error" for n in app._notifications)


async def test_palette_does_not_ask_the_api_for_a_list_it_holds_whole(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4")  # every inner organization is paged in
        await walk(pilot, "ctrl+p")
        await pilot.press(*"northwind")
        await settle(pilot)
        assert app.lookup.list_search(sandbox.owner_org_id, "inner_organizations").sent == 0
        assert app.lookup.list_search(sandbox.owner_org_id, "whitelabel_users").sent >= 1  # that one is not whole


async def test_every_command_is_in_the_palette(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "ctrl+p")
        await pilot.press(*"fleet")
        await settle(pilot)
        await choose_in_palette(pilot, ":fleet")
        assert app.screen.query_one(TabbedView).active == "fleet"
        await walk(pilot, "ctrl+p")
        await pilot.press(*":inner hive")  # a whole command line typed in the palette runs as one
        await settle(pilot)
        await choose_in_palette(pilot, "Run :inner hive")
        assert isinstance(app.screen, InnerOrganizationScreen)


@pytest.fixture
def two_profiles(sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    """A config.toml with the sandbox's two keys as two profiles, and the environment that points at it."""
    config = tmp_path / "config.toml"
    config.write_text(
        'default_profile = "owner"\n'
        f'[profiles.owner]\nendpoint = "{sandbox.url}"\norg = {sandbox.owner_org_id}\napi_key = "{sandbox.admin_key}"\n'
        f'[profiles.plain]\nendpoint = "{sandbox.url}"\norg = {sandbox.plain_org_id}\napi_key = "{sandbox.plain_key}"\n'
    )
    config.chmod(0o600)
    return {"EISCOPE_CONFIG": str(config), "EISCOPE_CACHE_DIR": str(tmp_path / "cache")}


async def test_ctx_switches_profile_without_quitting(
    two_profiles: dict[str, str], sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    app = EiscopeApp(
        settings, org_id=sandbox.owner_org_id, cache=DiskCache(tmp_path / "cache"), env=two_profiles, profile="owner"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "colon")
        await pilot.press(*"ctx ")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2  # both profiles are offered
        await pilot.press(*"plain")
        await walk(pilot, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        assert screen.org_id == sandbox.plain_org_id and screen.is_whitelabel_admin is False
        assert app.profile == "plain" and app.settings.api_key == sandbox.plain_key
        assert app.screen_stack == [screen]  # the owner's screens are gone
        await walk(pilot, "P")  # the picker goes back
        await pilot.press(*"own")
        await walk(pilot, "enter")
        await settle(pilot)
        assert app.profile == "owner"
        assert isinstance(app.screen, OrganizationScreen) and app.screen.org_id == sandbox.owner_org_id


async def test_ctx_to_an_unknown_profile_lists_the_known_ones(
    two_profiles: dict[str, str], sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    app = EiscopeApp(settings, org_id=sandbox.owner_org_id, cache=DiskCache(tmp_path / "c"), env=two_profiles)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await command(pilot, "ctx staging")
        assert "no profile 'staging'; known: owner, plain" in note_of(app)
