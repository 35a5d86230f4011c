"""The Compute and Access views, driven as an admin would: keys, periods, opening what used the compute."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from textual.widgets import Static

from screens.access import AccessScreen
from screens.compute import ComputeScreen
from screens.inner_org import InnerOrganizationScreen
from screens.messages import ShowCompute
from screens.project import ProjectScreen
from screens.user import UserScreen
from tui.app import EiscopeApp
from tui.sandbox.server import Sandbox
from tui.sandbox.world import DEFAULT_TODAY
from widgets.tabbed_view import TabbedView

from .test_app_browse import pane, settle, walk

MakeApp = Callable[..., EiscopeApp]


def head(app: EiscopeApp) -> str:
    return str(app.screen.query_one("#compute-head", Static).render())


async def open_inner_compute(pilot: object, app: EiscopeApp, sandbox: Sandbox) -> int:
    """From the organization: the Inner orgs tab, the biggest inner organization, then `C`."""
    inner = sandbox.world.biggest_inner_org_id
    await walk(pilot, "4")  # type: ignore[arg-type]
    table = pane(app, "inner-orgs-list").table
    rows = [table.store.row(i) for i in range(table.row_count)]
    table.move_cursor(next(i for i, row in enumerate(rows) if row["id"] == inner))
    await walk(pilot, "enter")  # type: ignore[arg-type]
    assert isinstance(app.screen, InnerOrganizationScreen)
    await walk(pilot, "C")  # type: ignore[arg-type]
    assert isinstance(app.screen, ComputeScreen) and app.screen.inner_id == inner
    return inner


async def test_c_on_an_inner_org_shows_its_compute_by_project_largest_first(
    make_app: MakeApp, sandbox: Sandbox
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_inner_compute(pilot, app, sandbox)
        screen = app.screen
        assert isinstance(screen, ComputeScreen) and screen.book is not None
        rows = pane(app, "by-project-list").table.store.rows
        compute = [row["computeSeconds"] for row in rows]
        assert compute == sorted(compute, reverse=True) and len(rows) > 1
        assert round(sum(row["share"] for row in rows)) == 100
        tally = screen.book.tally(30)
        assert f"{tally.total.jobs:,} jobs" in head(app) and "last 30 days" in head(app)
        assert "the daily metrics count" in head(app)
        await walk(pilot, "enter")
        assert isinstance(app.screen, ProjectScreen) and app.screen.project_id == rows[0]["id"]


async def show_compute(pilot: object, app: EiscopeApp, sandbox: Sandbox, inner_id: int | None) -> ComputeScreen:
    """What `C` does, asked of the app directly (the key itself is covered above)."""
    app.post_message(ShowCompute(sandbox.owner_org_id, inner_id=inner_id, name="Some org"))
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, ComputeScreen)
    return app.screen


def smallest_inner_org(sandbox: Sandbox) -> int:
    return int(sandbox.world.inner_organizations[-1]["id"])


async def test_t_cycles_the_period_and_the_contract_comes_last(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await show_compute(pilot, app, sandbox, smallest_inner_org(sandbox))
        assert isinstance(screen, ComputeScreen) and screen.book is not None
        seen = []
        for _ in range(4):
            seen.append((screen.days, pane(app, "by-project-list").table.store.rows[0]["jobs"]))
            await walk(pilot, "t")
        assert [days for days, _ in seen] == [30, 90, 365, None]
        assert "current contract" in head(app) or screen.days == 30
        jobs = [jobs for _, jobs in seen]
        assert jobs[0] <= jobs[1] <= jobs[2]
        await walk(pilot, "4")
        assert pane(app, "jobs-list").table.total_count == screen.book.tally(screen.days).total.jobs


async def test_enter_on_a_user_opens_them_and_on_a_category_lists_its_jobs(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await show_compute(pilot, app, sandbox, smallest_inner_org(sandbox))
        await walk(pilot, "3")
        category = pane(app, "by-category-list").table.cursor_row
        assert category is not None
        await walk(pilot, "enter")
        assert app.screen.query_one(TabbedView).active == "jobs"
        jobs = pane(app, "jobs-list").table.store.rows
        assert jobs and all(job["category"] == category["name"] for job in jobs)
        assert len(jobs) == category["jobs"]
        await walk(pilot, "escape")
        assert isinstance(app.screen, ComputeScreen)  # escape first shows every job again
        every = pane(app, "jobs-list").table.store.rows
        assert len(every) == app.screen.book.tally(30).total.jobs > len(jobs)  # type: ignore[union-attr]
        await walk(pilot, "2")
        top = pane(app, "by-user-list").table.cursor_row
        assert top is not None
        await walk(pilot, "enter")
        assert isinstance(app.screen, UserScreen) and app.screen.user_id == top["id"]


async def test_c_on_a_fleet_row_at_its_compute_limit_opens_its_contract_compute(
    make_app: MakeApp, sandbox: Sandbox
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "0")
        await settle(pilot)
        table = pane(app, "fleet-list").table
        rows = [table.store.row(i) for i in range(table.row_count)]
        at_compute = next(i for i, row in enumerate(rows) if row["worst"] in ("Compute", "GPU compute"))
        table.move_cursor(at_compute)
        await walk(pilot, "C")
        screen = app.screen
        assert isinstance(screen, ComputeScreen)
        assert (screen.inner_id, screen.days) == (rows[at_compute]["id"], None)
        assert "current contract" in head(app) and rows[at_compute]["name"] in screen.crumb


async def test_the_organizations_own_compute_and_access(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(jwt_token=sandbox.jwt_token)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "C")
        assert isinstance(app.screen, ComputeScreen) and app.screen.inner_id is None
        assert app.screen.crumb == "Compute"  # the trail already names the organization
        assert pane(app, "by-project-list").table.total_count > 0
        await walk(pilot, "escape", "A")
        assert isinstance(app.screen, AccessScreen)
        keys = pane(app, "api-keys-list").table.store.rows
        marks = " ".join(row["marks"] for row in keys)
        assert "never used" in marks and "no expiry" in marks and "unused" in marks
        assert all("apiKey" not in row for row in keys)
        members = pane(app, "members-list").table.store.rows
        quiet = (DEFAULT_TODAY - timedelta(days=90)).isoformat()
        for member in members:
            stale = member["role"] == "admin" and (member.get("lastAccessToOrganization") or "") < quiet
            assert member["marks"].startswith("admin, n") == stale


async def test_access_with_an_api_key_says_a_jwt_is_needed_and_shows_the_members(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "A")
        assert isinstance(app.screen, AccessScreen)
        keys = pane(app, "api-keys-list")
        assert "JWT" in str(keys.query_one("#error-title", Static).render())
        assert "API keys need a JWT" in str(app.screen.query_one("#access-head", Static).render())
        assert pane(app, "members-list").table.total_count > 0
