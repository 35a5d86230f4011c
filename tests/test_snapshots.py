"""Every screen at 120x40 and 80x24, from the seeded sandbox (stable data, a cold cache per test).

Review new or changed SVGs by eye (`pytest --snapshot-update`, then open snapshot_report.html).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.app import EiscopeApp
from tui.sandbox.server import Sandbox

from .changes_world import keep, read_now, store_for, week_earlier
from .test_app_browse import settle, walk
from .test_structure import open_structure

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]

# name → keys pressed after the first load (each followed by waiting for the workers)
WALKS: dict[str, tuple[str, ...]] = {
    "org_users": (),
    "org_projects": ("2",),
    "org_datasets": ("3",),
    "org_inner_orgs": ("4",),
    "org_whitelabel_users": ("5",),
    "org_whitelabel_projects": ("6",),
    "org_usage": ("7",),
    "org_readme": ("8",),
    "org_settings": ("9",),
    "inner_org": ("4", "enter"),
    "user": ("enter",),
    "project": ("2", "enter"),
    "dataset": ("3", "enter"),
    "raw_json": ("y",),
    "help": ("question_mark",),
}


def walker(keys: tuple[str, ...]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await walk(pilot, *keys)

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("walk", list(WALKS))
def test_screen(walk: str, size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=walker(WALKS[walk]))


@pytest.mark.parametrize("size", SIZES)
def test_organizations_list(size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]) -> None:
    assert snap_compare(make_app(org_id=None), terminal_size=size, run_before=walker(()))


@pytest.mark.parametrize("size", SIZES)
def test_wrong_key(size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]) -> None:
    assert snap_compare(make_app(api_key="ei_" + "0" * 64), terminal_size=size, run_before=walker(()))


@pytest.mark.parametrize("size", SIZES)
def test_welcome(size: tuple[int, int], snap_compare: Any, sandbox: Sandbox) -> None:
    app = EiscopeApp(ClientSettings(endpoint=sandbox.url), welcome=True, config_path="~/.config/eiscope/config.toml")
    assert snap_compare(app, terminal_size=size, run_before=walker(()))


@pytest.mark.parametrize("size", SIZES)
def test_fleet_tab(size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]) -> None:
    """The Fleet tab (key 0) once every inner organization is read: worst first, the summary above."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await walk(pilot, "0")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


async def _structure_plain(pilot: Pilot[Any]) -> None:
    await open_structure(pilot)
    await walk(pilot, "e")


async def _structure_groups(pilot: Pilot[Any]) -> None:
    screen = await open_structure(pilot, with_health=True)
    screen.reveal([("inner-orgs",), ("group", "over")])
    await walk(pilot, "space")


async def _structure_inner_org(pilot: Pilot[Any]) -> None:
    screen = await open_structure(pilot)
    first = (screen.model.inner_orgs or [])[0]
    screen.reveal([("inner-orgs",), ("inner", first["id"])])
    await walk(pilot, "space")


STRUCTURE_VIEWS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "plain": _structure_plain,
    "groups": _structure_groups,
    "inner_org": _structure_inner_org,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", list(STRUCTURE_VIEWS))
def test_structure(
    view: str, size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp], sandbox: Sandbox
) -> None:
    """The Structure view: a plain organization opened all the way, a white label grouped by a fleet health,
    an inner organization opened on its limits and projects."""
    app = make_app(api_key=sandbox.plain_key, org_id=sandbox.plain_org_id) if view == "plain" else make_app()
    assert snap_compare(app, terminal_size=size, run_before=STRUCTURE_VIEWS[view])


async def _open_contract_chart(pilot: Pilot[Any]) -> None:
    """An inner organization's contract compute with its limit line, the cursor a few days back."""
    await settle(pilot)
    await walk(pilot, "4", "enter")
    pilot.app.screen.query_one("#spark-totalCurrentContractComputeTimeSeconds").focus()
    await walk(pilot, "enter", "left", "left", "left", "left", "left")


async def _compare_with_kestrel(pilot: Pilot[Any]) -> None:
    await _open_contract_chart(pilot)
    await walk(pilot, "plus")
    await pilot.press(*"Kestrel")
    await settle(pilot)
    await walk(pilot, "enter")


@pytest.mark.parametrize("size", SIZES)
def test_chart_with_limit_line(size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_open_contract_chart)


@pytest.mark.parametrize("size", SIZES)
def test_chart_comparing_two_organizations(
    size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_compare_with_kestrel)


@pytest.mark.parametrize("size", SIZES)
def test_compute_view(size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]) -> None:
    """An inner organization's compute by project over 30 days (`C` on it)."""
    assert snap_compare(make_app(), terminal_size=size, run_before=walker(("4", "enter", "C")))


@pytest.mark.parametrize("size", SIZES)
def test_access_view(
    size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp], sandbox: Sandbox
) -> None:
    """The organization's API keys, marked (`A`, with a JWT as well as the key)."""
    app = make_app(jwt_token=sandbox.jwt_token)
    assert snap_compare(app, terminal_size=size, run_before=walker(("A",)))


def app_after_a_week(sandbox: Sandbox, cache_dir: Path) -> EiscopeApp:
    """The app on the demo owner, its last look a week old (tests/changes_world.py), its clock pinned."""
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    earlier, _ = week_earlier(asyncio.run(read_now(sandbox, at=now)), now - timedelta(days=7))
    keep(store_for(sandbox, cache_dir), earlier)
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    return EiscopeApp(settings, org_id=sandbox.owner_org_id, cache=DiskCache(cache_dir), clock=lambda: now)


@pytest.mark.parametrize("size", SIZES)
def test_changes_view(size: tuple[int, int], snap_compare: Any, sandbox: Sandbox, tmp_path: Path) -> None:
    """The Changes view (D) against a week-old look: status changes first, the limit, added, removed and
    changed entities, the five fastest-growing resources under them."""
    assert snap_compare(app_after_a_week(sandbox, tmp_path / "cache"), terminal_size=size, run_before=walker(("D",)))


def test_marks_in_the_fleet_tab(snap_compare: Any, sandbox: Sandbox, tmp_path: Path) -> None:
    """What changed since the week-old look, marked in the Fleet tab: a sign in the margin, the cells coloured."""
    app = app_after_a_week(sandbox, tmp_path / "cache")
    assert snap_compare(app, terminal_size=(120, 40), run_before=walker(("0",)))


SMALL = (60, 15)


@pytest.mark.parametrize("walk", ["org_users", "inner_org", "help"])
def test_a_small_terminal(walk: str, snap_compare: Any, make_app: Callable[..., EiscopeApp]) -> None:
    """Issue 20: at 60x15 `? Help` and `q Quit` stay in the footer; the card, tabs and lists are what gets cut."""
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=walker(WALKS[walk]))


def test_after_a_resize(snap_compare: Any, make_app: Callable[..., EiscopeApp]) -> None:
    """Issue 20: 80 → 60 → 80 gives the 80-column footer and tab names back."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
