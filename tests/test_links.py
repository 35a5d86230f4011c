"""Related entities lead to each other: an inner organization to its projects, a project to its owner
organization, a white-label user to their organizations."""

from __future__ import annotations

from collections.abc import Callable

from screens.inner_org import InnerOrganizationScreen
from screens.project import ProjectScreen
from screens.user import UserScreen
from tui.app import EiscopeApp
from tui.sandbox.server import Sandbox
from widgets.list_pane import ListPane

from .test_app_browse import settle, walk

MakeApp = Callable[..., EiscopeApp]


async def test_inner_org_lists_its_projects_and_leads_to_them(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter")
        screen = app.screen
        assert isinstance(screen, InnerOrganizationScreen)
        pane = screen.query_one("#inner-projects-list", ListPane)
        shown = sorted(row["id"] for row in pane.table.store.rows)
        owned = [  # its live projects (a deleted one is in the white label's list only with includeDeleted)
            p["id"]
            for p in sandbox.world.whitelabel_projects
            if p.get("ownerOrganizationId") == screen.inner_id and "deletedDate" not in p
        ]
        assert shown == sorted(owned) and shown
        pane.focus_table()
        await walk(pilot, "enter")
        project = app.screen
        assert isinstance(project, ProjectScreen)
        assert project.project_id in owned
        await walk(pilot, "o")  # the owner organization is a link back
        owner = app.screen
        assert isinstance(owner, InnerOrganizationScreen)
        assert owner.inner_id == screen.inner_id


async def test_whitelabel_user_leads_to_their_organizations(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "5")
        await walk(pilot, "G", "enter")  # a customer's user (the first rows are the white label's own staff)
        user = app.screen
        assert isinstance(user, UserScreen)
        pane = user.query_one("#user-orgs-list", ListPane)
        rows = pane.table.store.rows
        assert rows
        user.switch_tab("user-orgs")
        await walk(pilot, "enter")
        opened = app.screen
        assert isinstance(opened, InnerOrganizationScreen)
        assert opened.inner_id == rows[0]["id"]
