"""The Changes view, the marks in the lists and watch, driven as an admin would, against the sandbox."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from screens.changes import ChangesScreen
from screens.inner_org import InnerOrganizationScreen
from screens.organization import OrganizationScreen
from screens.user import UserScreen
from tests.changes_world import GONE_MEMBER, Edits, keep, read_now, store_for, week_earlier
from tests.test_app_browse import settle, walk
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.api.fleet import Status
from tui.api.snapshots import Section, Snapshot
from tui.app import EiscopeApp
from tui.sandbox.server import Sandbox
from tui.watch import desktop_notification
from widgets.breadcrumbs import Breadcrumbs
from widgets.change_marks import NEW
from widgets.list_pane import ListPane

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
THEN = NOW - timedelta(days=7)


def app_at(sandbox: Sandbox, cache_dir: Path, **options: object) -> EiscopeApp:
    """The app on the demo owner organization, its clock pinned at NOW (the snapshots' times are stable)."""
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    return EiscopeApp(
        settings,
        org_id=sandbox.owner_org_id,
        cache=DiskCache(cache_dir),
        clock=lambda: NOW,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def now_and_then(sandbox: Sandbox) -> tuple[Snapshot, Snapshot, Edits]:
    current = asyncio.run(read_now(sandbox, at=NOW))
    earlier, edits = week_earlier(current, THEN)
    return current, earlier, edits


@pytest.fixture
def last_look(sandbox: Sandbox, tmp_path: Path, now_and_then: tuple[Snapshot, Snapshot, Edits]) -> Edits:
    """A week-old look, kept where the app will find it (tmp_path / "cache")."""
    _, earlier, edits = now_and_then
    keep(store_for(sandbox, tmp_path / "cache"), earlier)
    return edits


def summary(app: EiscopeApp) -> str:
    return str(app.screen.query_one("#changes-summary", Static).render())


def rows(app: EiscopeApp, list_id: str) -> list[dict[str, object]]:
    store = app.screen.query_one(f"#{list_id}", ListPane).table.store
    return [store.row(i) for i in range(len(store))]


async def test_with_no_earlier_snapshot_it_says_so_and_when_the_first_was_taken_and_the_palette_offers_periods(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    app = app_at(sandbox, tmp_path / "cache")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "D")
        assert isinstance(app.screen, ChangesScreen)
        assert summary(app).startswith(
            "No earlier snapshot of this organization to compare with: the first was taken 2026-11-25 12:00 UTC"
        )
        assert rows(app, "changes-list") == []
        await pilot.press("ctrl+p", *"Changes since a week")  # the palette offers other periods
        await pilot.pause(0.5)
        await walk(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ChangesScreen) and screen.since is not None and screen.since.text == "7d"
        assert len(app.screen_stack) == 2  # the organization and the same view, another period: not a second view


async def test_the_changes_since_the_last_look_each_open_their_entity_and_p_picks_another_period(
    sandbox: Sandbox, tmp_path: Path, last_look: Edits
) -> None:
    app = app_at(sandbox, tmp_path / "cache")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "D")
        assert summary(app).startswith(
            "Since the last look, 2026-11-18 12:00 UTC (7 d ago): 2 status · 1 limit · 5 added · 2 removed · 1 changed"
        )
        changes = rows(app, "changes-list")
        assert [row["change"] for row in changes[:3]] == ["status", "status", "limit"]
        assert {row["id"] for row in changes[:2]} == set(last_look.now_ok)
        assert all(row["fromText"] == "ok" for row in changes[:2])
        assert len(rows(app, "growth-list")) == 5
        await walk(pilot, "enter")  # the first status change: its inner organization
        assert isinstance(app.screen, InnerOrganizationScreen) and app.screen.inner_id == changes[0]["id"]
        await walk(pilot, "escape")
        added = next(i for i, row in enumerate(changes) if row["id"] == last_look.new_member)
        await walk(pilot, *["j"] * added, "enter")
        assert isinstance(app.screen, UserScreen) and app.screen.user_id == last_look.new_member
        await walk(pilot, "escape")
        gone = next(i for i, row in enumerate(changes) if row["id"] == GONE_MEMBER[0])
        await walk(pilot, "g", *["j"] * gone, "enter")
        assert isinstance(app.screen, ChangesScreen)
        assert any("Former Colleague was removed" in str(n.message) for n in app._notifications)
        await walk(pilot, "p")  # another period: a duration or a date
        assert app.screen.query_one("#changes-since-input", Input).has_focus
        await walk(pilot, "3", "0", "d", "enter")
        assert summary(app).startswith("Since 30d (the nearest snapshot: 2026-11-18 12:00 UTC (7 d ago)):")
        await walk(pilot, "p", "x", "enter")
        assert any("must be a duration" in str(n.message) for n in app._notifications)


async def test_the_lists_mark_what_changed_until_it_is_opened(
    sandbox: Sandbox, tmp_path: Path, last_look: Edits
) -> None:
    app = app_at(sandbox, tmp_path / "cache")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        users = app.screen.query_one("#users-list", ListPane).table
        assert users.marks == {last_look.new_member: frozenset({NEW}), last_look.role_changed: frozenset({"role"})}
        await walk(pilot, "0")
        fleet = app.screen.query_one("#fleet-list", ListPane).table
        for inner_id in last_look.now_ok:
            assert "status" in fleet.marks[inner_id]
        await walk(pilot, "5")  # a paged list: compared page by page with the last look's fingerprint
        wl_users = app.screen.query_one("#wl-users-list", ListPane).table
        assert wl_users.marks == {last_look.new_wl_user: frozenset({NEW})}
        await walk(pilot, "1")
        position = users.store.position_of(
            next(i for i in range(users.store.total) if users.store.row_by_id(i)["id"] == last_look.role_changed)
        )
        assert position is not None
        await walk(pilot, *["j"] * position, "enter", "escape")
        assert users.marks == {last_look.new_member: frozenset({NEW})}


async def test_watch_refreshes_in_the_background_and_says_when_next(sandbox: Sandbox, tmp_path: Path) -> None:
    app = app_at(sandbox, tmp_path / "cache")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "w")
        assert app.watcher.active
        crumbs = app.screen.query_one(Breadcrumbs)
        assert re.fullmatch("⟳ watch · next in (5:00|4:5[0-9])", crumbs.note)  # the default: every 5 minutes
        sandbox.reset_counts()
        app.watcher.refresh_now()
        await settle(pilot)
        counts = sandbox.request_counts()
        assert counts.get(f"/v1/api/organizations/{sandbox.owner_org_id}") == 1  # the screen, as `r` does
        assert any("/whitelabel/organizations/" in path for path in counts)  # and the fleet behind it
        await walk(pilot, "w")
        assert not app.watcher.active and crumbs.note == ""


async def test_watch_backs_off_when_the_server_fails(sandbox: Sandbox, tmp_path: Path) -> None:
    app = app_at(sandbox, tmp_path / "cache", watch=timedelta(seconds=60))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.watcher.active  # --watch 60s
        sandbox.fail_next(f"/api/organizations/{sandbox.owner_org_id}", [500])
        app.watcher.refresh_now()
        await settle(pilot)
        assert app.watcher.planned == timedelta(seconds=120)  # twice the interval
        assert "(server error)" in app.screen.query_one(Breadcrumbs).note
        app.watcher.refresh_now()  # a refresh without a failure: back to the interval
        await settle(pilot)
        assert app.watcher.planned == timedelta(seconds=60)
        assert "error" not in app.screen.query_one(Breadcrumbs).note


async def test_watch_notifies_when_an_inner_org_crosses_into_near_at_or_over(sandbox: Sandbox, tmp_path: Path) -> None:
    app = app_at(sandbox, tmp_path / "cache")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "0", "w")  # the fleet read once, then watched
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        fleet = app.changes.latest(sandbox.owner_org_id, "fleet")
        assert fleet is not None
        calm = {key: (r[0], Status.OK.value, *r[2:]) for key, r in fleet.records.items()}
        app.changes.record(sandbox.owner_org_id, Section("fleet", NOW, calm))  # as if all were ok a refresh ago
        app.watcher.refresh_now()
        await settle(pilot)
        alerts = [n for n in app._notifications if "crossed a limit" in (n.title or "")]
        assert len(alerts) == 1 and alerts[0].title == "Fleet: 8 inner organizations crossed a limit"
        assert alerts[0].severity == "error"
        lines = str(alerts[0].message).splitlines()
        assert lines[0] == "Bluefin Maritime: ok → over" and lines[-1] == "and 3 more"  # worst first, five named


def test_desktop_notifications_are_one_terminal_sequence_free_of_controls() -> None:
    assert desktop_notification("off", "t", "b") == ""
    assert (
        desktop_notification("osc9", "Fleet", "Northwind: ok → near")
        == "\x1b]9;eiscope: Fleet: Northwind: ok → near\x07"
    )
    assert desktop_notification("osc777", "Fleet; 2", "a; b") == "\x1b]777;notify;Fleet, 2;a, b\x07"
    wrapped = desktop_notification("osc9", "Fleet", "x", tmux=True)
    assert wrapped == "\x1bPtmux;\x1b\x1b]9;eiscope: Fleet: x\x07\x1b\\"
