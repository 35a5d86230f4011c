"""The Structure view: the organization as a tree, built as it is opened, grouped by health when known."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, Tree

from screens.dataset import DatasetScreen
from screens.inner_org import InnerOrganizationScreen
from screens.messages import Kind, ShowStructure, StructureData
from screens.organization import OrganizationScreen
from screens.project import ProjectScreen
from screens.structure import EXPAND_LIMIT, StructureScreen
from screens.structure_model import Branch, NodeData, OrgStructure
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.app import EiscopeApp
from tui.sandbox.faults import FaultConfig
from tui.sandbox.names import HOSTILE_ORG_NAME
from tui.sandbox.server import Sandbox

from .test_app_browse import settle, walk

MakeApp = Callable[..., EiscopeApp]
STATUSES = ("over", "at", "near", "ok", "unknown")


def structure(app: EiscopeApp) -> StructureScreen:
    screen = app.screen
    assert isinstance(screen, StructureScreen)
    return screen


def labels(node: Any) -> list[str]:
    return [str(child.label) for child in node.children]


def health_for(rows: list[dict[str, Any]]) -> dict[int, tuple[str, float | None]]:
    """A stable made-up fleet health: statuses in turn, percents falling (none for 'unknown')."""
    health: dict[int, tuple[str, float | None]] = {}
    for index, row in enumerate(rows):
        status = STATUSES[index % len(STATUSES)]
        health[row["id"]] = (status, None if status == "unknown" else 130.0 - index * 7)
    return health


async def open_structure(pilot: Pilot[Any], *, with_health: bool = False) -> StructureScreen:
    """From the organization screen: `t`, or (with a fleet health) the same data with health added."""
    await settle(pilot)
    org = pilot.app.screen
    assert isinstance(org, OrganizationScreen)
    if with_health:
        await walk(pilot, "4")  # tabs page their lists when first shown: the health needs the inner orgs
        data = org.structure_data()
        rows = data.inner_orgs() if data.inner_orgs else []
        org.post_message(ShowStructure(replace(data, health=health_for(rows))))
        await settle(pilot)
    else:
        await walk(pilot, "x")
    await settle(pilot)
    return structure(pilot.app)


async def test_plain_org_shows_members_projects_and_datasets(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app(api_key=sandbox.plain_key, org_id=sandbox.plain_org_id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_structure(pilot)
        root = screen.view_tree.root
        assert str(root.label).startswith("Harbor Acoustics Lab")
        assert "projects" in str(root.label) and "inner org" not in str(root.label)
        assert [label.split(" (")[0] for label in labels(root)] == ["Members", "Projects", "Datasets"]
        await walk(pilot, "e")
        members = root.children[0]
        assert members.children and all("(" in str(child.label) for child in members.children)  # each with a role


async def test_owner_lists_inner_orgs_with_limits_and_projects(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_structure(pilot)
        root = screen.view_tree.root
        assert labels(root)[-1].startswith("Inner organizations (")
        inner_orgs = root.children[-1]
        inner_orgs.expand()
        await pilot.pause()
        first = inner_orgs.children[0]
        assert first.data is not None and first.data.branch is Branch.INNER_ORG
        inner_id = first.data.key[1]
        first.expand()
        await pilot.pause()
        children = labels(first)
        assert children[0].startswith("Limits  ") and "users" in children[0]
        project_ids = [child.data.key[1] for child in first.children[1:] if child.data is not None]
        owned = [  # its live projects (a deleted one is in the white label's list only with includeDeleted)
            p["id"]
            for p in sandbox.world.whitelabel_projects
            if p.get("ownerOrganizationId") == inner_id and "deletedDate" not in p
        ]
        assert sorted(project_ids) == sorted(owned)
        assert "users –/" in str(first.label)  # usage the list does not tell is not invented


async def test_fleet_health_groups_inner_orgs_worst_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_structure(pilot, with_health=True)
        inner_orgs = screen.view_tree.root.children[-1]
        inner_orgs.expand()
        await pilot.pause()
        groups = [label.split(" (")[0] for label in labels(inner_orgs)]
        assert groups == ["Over limit", "At limit", "Near limit", "OK", "Unknown"]
        over = inner_orgs.children[0]
        over.expand()
        await pilot.pause()
        percents = [float(str(child.label).rsplit("worst ", 1)[1].rstrip("%")) for child in over.children]
        assert percents == sorted(percents, reverse=True)


async def test_enter_opens_the_inner_org_and_its_project(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_structure(pilot)
        model = screen.model
        assert model.inner_orgs
        inner = next(row for row in model.inner_orgs if model.projects_of(row["id"]))
        node = screen.reveal([("inner-orgs",), ("inner", inner["id"])])
        assert node is not None
        await walk(pilot, "enter")
        assert isinstance(app.screen, InnerOrganizationScreen)
        assert app.screen.inner_id == inner["id"]
        await walk(pilot, "escape")
        project = (model.projects_of(inner["id"]) or [])[0]
        screen.reveal([("inner-orgs",), ("inner", inner["id"]), ("inner-project", project["id"])])
        await walk(pilot, "enter")
        assert isinstance(app.screen, ProjectScreen)
        assert app.screen.project_id == project["id"]


async def test_find_opens_the_branches_down_to_a_project(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_structure(pilot)
        model = screen.model
        assert model.inner_orgs and model.whitelabel_projects
        inner = model.inner_orgs[2]
        project = (model.projects_of(inner["id"]) or [])[0]
        await walk(pilot, "slash")
        assert isinstance(screen.focused, Input)
        await pilot.press(*str(project["id"]))
        await walk(pilot, "enter")
        cursor = screen.view_tree.cursor_node
        assert cursor is not None and cursor.data is not None
        assert cursor.data.key == ("inner-project", project["id"])
        assert cursor.parent is not None and cursor.parent.is_expanded
        await walk(pilot, "slash", "escape")
        assert isinstance(app.screen, StructureScreen)  # escape closed the find field, not the screen


async def test_hostile_org_name_is_plain_text_in_the_tree(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_structure(pilot)
        model = screen.model
        hostile = next(row for row in model.inner_orgs or [] if row["name"] == HOSTILE_ORG_NAME)
        node = screen.reveal([("inner-orgs",), ("inner", hostile["id"])])
        assert node is not None
        label = node.label
        assert isinstance(label, Text)
        assert label.plain.startswith(HOSTILE_ORG_NAME)  # shown as written, not run as markup
        assert not any(span.style and "@click" in str(span.style) for span in label.spans)
        assert app.is_running


async def test_expand_all_stops_at_its_bound_and_says_so(large_sandbox: Sandbox, tmp_path: Path) -> None:
    settings = ClientSettings(endpoint=large_sandbox.url, api_key=large_sandbox.admin_key)
    app = EiscopeApp(settings, org_id=large_sandbox.owner_org_id, cache=DiskCache(tmp_path / "cache"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_structure(pilot)
        assert screen.model.whitelabel_projects is not None
        await walk(pilot, "e")
        tree: Tree[NodeData] = screen.view_tree
        built = sum(1 for _ in _walk(tree.root))
        assert EXPAND_LIMIT <= built < EXPAND_LIMIT * 2
        assert any("stopped" in str(n.message) for n in app._notifications)
        await walk(pilot, "E")
        assert all(not child.is_expanded for child in tree.root.children)


def _walk(node: Any) -> Any:
    for child in node.children:
        yield child
        yield from _walk(child)


def test_model_groups_unknown_statuses_and_indexes_projects_once() -> None:
    data = StructureData(1, "Org", whitelabel=True, health={2: ("over", 120.0), 3: ("weird", None)})
    model = OrgStructure(data)
    model.set_inner_orgs([{"id": 2, "name": "A"}, {"id": 3, "name": "B"}, {"id": 4, "name": "C"}])
    model.set_whitelabel_projects([{"id": 9, "ownerOrganizationId": 2}, {"id": 10, "ownerOrganizationId": 2}])
    assert [(status, [r["id"] for r in rows]) for status, _, rows in model.groups()] == [
        ("over", [2]),
        ("unknown", [3, 4]),
    ]
    assert [p["id"] for p in model.projects_of(2) or []] == [9, 10]
    assert model.projects_of(4) == []
    assert model.projects_by_owner() is model.projects_by_owner()
    assert model.inner_label({"id": 2, "name": "A", "entitlementLimits": {"numberOfProjects": 5}}) == (
        "A  ·  users –  ·  projects 2/5  ·  worst 120%"
    )


async def test_the_fleet_groups_the_tree_once_it_is_known(make_app: MakeApp) -> None:
    """Fleet health, once read (tab 0), groups the inner organizations in the Structure view by status."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "0")
        await settle(pilot)
        org = app.screen
        assert isinstance(org, OrganizationScreen)
        marks = org.fleet_marks()
        assert marks
        await walk(pilot, "1", "x")
        screen = structure(app)
        inner_orgs = screen.view_tree.root.children[-1]
        inner_orgs.expand()
        await pilot.pause()
        groups = [label.split(" (")[0] for label in labels(inner_orgs)]
        assert groups[0] == "Over limit"
        assert "OK" in groups
        # Issue 20: the labels carry the figures the Fleet measured ('users 13/26', not 'users –/26').
        over = inner_orgs.children[0]
        over.expand()
        await pilot.pause()
        first = over.children[0]
        assert first.data is not None and first.data.row is not None
        used = org.fleet_used()[first.data.row["id"]]["users"]
        limit = first.data.row["entitlementLimits"]["numberOfUsers"]
        assert used is not None
        assert f"users {used:,.0f}/{limit:,}" in str(first.label)


async def test_expand_all_pressed_while_the_lists_load_is_not_lost(make_app: MakeApp, sandbox: Sandbox) -> None:
    """`e` at once after `x`, before the view has paged the inner organizations: they open when they arrive."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sandbox.faults = FaultConfig(latency_ms=1500)
        await pilot.press("x")
        await pilot.pause()
        screen = structure(app)
        assert screen.model.inner_orgs is None  # still paging
        await pilot.press("e")
        await settle(pilot)
        inner_orgs = screen.view_tree.root.children[-1]
        assert inner_orgs.is_expanded
        first = inner_orgs.children[0]
        assert first.is_expanded and any(str(child.label).startswith("Limits") for child in first.children)


async def test_g_and_G_move_as_in_a_list_and_enter_opens_the_last_node(make_app: MakeApp, sandbox: Sandbox) -> None:
    """Issue 20: j/k/g/G/ctrl+d/ctrl+u move in the tree as in every list; `G` then enter opens the last node."""
    app = make_app(api_key=sandbox.plain_key, org_id=sandbox.plain_org_id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_structure(pilot)
        tree = screen.view_tree
        await walk(pilot, "e", "G")
        assert tree.cursor_line == tree.last_line > 10
        last = tree.cursor_node
        assert last is not None and last.data is not None and last.data.kind is Kind.DATASET
        await walk(pilot, "g", "j", "j")
        assert tree.cursor_line == 2
        await walk(pilot, "k")
        assert tree.cursor_line == 1
        half = tree.scrollable_content_region.height // 2
        await walk(pilot, "ctrl+d")
        assert tree.cursor_line == min(tree.last_line, 1 + half)
        down = tree.cursor_line
        await walk(pilot, "ctrl+u")
        assert tree.cursor_line == max(0, down - half)
        await walk(pilot, "G", "enter")
        opened = app.screen
        assert isinstance(opened, DatasetScreen)
        assert opened.document == last.data.row
