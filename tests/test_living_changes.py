"""A week in the life of the demo world: the sandbox at D, a look, the sandbox at D+7 (the same seed keeps its
history and adds the days between), another look; the Changes view and `export changes` must say exactly what
differs between the two worlds, as read from the API directly (the fleet, the lists, the limits)."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from screens.changes import ChangesScreen
from tests.test_app_browse import settle, walk
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, StudioClient
from tui.app import EiscopeApp
from tui.config import ResolvedSettings
from tui.export import ExportRequest, run_export
from tui.export_changes import change_records
from tui.sandbox.server import Sandbox
from tui.sandbox.world import DEFAULT_TODAY

SEED = 7
D = DEFAULT_TODAY
LATER = D + timedelta(days=7)
LIMIT_FIELDS = {
    "users": "numberOfUsers",
    "projects": "numberOfProjects",
    "storage": "totalStorage",
    "compute": "computeTimePerYear",
    "gpuCompute": "gpuComputeTimePerYear",
}


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


@dataclass
class World:
    """What the API says on one day, read without any of eiscope's change tracking."""

    statuses: dict[int, str]  # inner org → Fleet health status (export fleet), organizations that were read
    limits: dict[int, dict[str, Any]]  # inner org → entitlementLimits of its list row
    ids: dict[str, tuple[set[Any], set[Any]]]  # entity → (every id listed, the ids not deleted)


def _get(sandbox: Sandbox, path: str, **params: Any) -> Any:
    response = httpx.get(f"{sandbox.url}{path}", params=params, headers={"x-api-key": sandbox.admin_key}, timeout=30)
    response.raise_for_status()
    return response.json()


def _paged(sandbox: Sandbox, path: str, field: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = _get(sandbox, path, limit=1000, offset=len(rows))
        rows += page[field]
        if not page[field] or len(rows) >= page["total"]:
            return rows


def read_world(sandbox: Sandbox, tmp_path: Path) -> World:
    org = sandbox.owner_org_id
    settings = ResolvedSettings(
        endpoint=sandbox.url, api_key=sandbox.admin_key, org_id=org, cache_dir=tmp_path / "fleet-cache"
    )
    out = io.StringIO()
    assert run_export(ExportRequest(kind="fleet"), settings, out, io.StringIO()) == 0
    statuses = {r["id"]: r["status"] for r in json.loads(out.getvalue()) if not r["error"]}
    info = _get(sandbox, f"/api/organizations/{org}")
    inner = _paged(sandbox, f"/api/organizations/{org}/whitelabel/organizations", "organizations")
    users = _paged(sandbox, f"/api/organizations/{org}/whitelabel/users", "users")
    projects = _paged(sandbox, f"/api/organizations/{org}/whitelabel/projects", "projects")

    def ids(rows: list[dict[str, Any]], key: str = "id") -> tuple[set[Any], set[Any]]:
        return {r[key] for r in rows}, {r[key] for r in rows if not r.get("deletedDate")}

    return World(
        statuses,
        {r["id"]: r.get("entitlementLimits") or {} for r in inner},
        {
            "user": ids(info["organization"]["users"]),
            "project": ids(_get(sandbox, f"/api/organizations/{org}/projects")["projects"]),
            "dataset": ids(info["datasets"], "dataset"),
            "inner-org": ids(inner),
            "wl-user": ids(users),
            "wl-project": ids(projects),
        },
    )


def expected_changes(before: World, after: World) -> set[tuple[Any, ...]]:
    """(kind, entity, id, field, from, to) of every change between the two worlds."""
    found: set[tuple[Any, ...]] = set()
    for inner_id, status in after.statuses.items():
        if inner_id in before.statuses and before.statuses[inner_id] != status:
            found.add(("status", "inner-org", inner_id, "status", before.statuses[inner_id], status))
    for inner_id, limits in after.limits.items():
        for resource, field in LIMIT_FIELDS.items():
            if inner_id in before.limits and before.limits[inner_id].get(field) != limits.get(field):
                found.add(
                    ("limit", "inner-org", inner_id, resource, before.limits[inner_id].get(field), limits.get(field))
                )
    for entity, (_every_after, live_after) in after.ids.items():
        every_before, live_before = before.ids[entity]
        found |= {("added", entity, key, None, None, None) for key in live_after - every_before}
        found |= {("removed", entity, key, None, None, None) for key in live_before - live_after}
    return found


def client_for(sandbox: Sandbox, cache_dir: Path) -> StudioClient:
    """A client in the namespace every run of this world shares (`cache_scope`: its port changes each run)."""
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key, cache_scope=sandbox.cache_scope)
    return StudioClient(settings, DiskCache(cache_dir))


async def look(sandbox: Sandbox, cache_dir: Path, day: date) -> list[dict[str, Any]]:
    """`eiscope export changes` on that day (the command's own reading, snapshot and comparison)."""
    async with client_for(sandbox, cache_dir) as client:
        return await change_records(client, sandbox.owner_org_id, since=None, notes=io.StringIO(), now=noon(day))


def as_tuples(records: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """The records as the oracle's tuples (a role, tier or name change is not in the oracle: compared apart)."""
    return {
        (r["kind"], r["entity"], r["id"], r["field"], r["from"], r["to"])
        if r["kind"] in ("status", "limit")
        else (r["kind"], r["entity"], r["id"], None, None, None)
        for r in records
        if r["kind"] != "changed"
    }


@pytest.fixture(scope="module")
def a_week(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, World, Path, Path]:
    """The world at D and D+7, and two caches holding the look taken at D."""
    folder = tmp_path_factory.mktemp("living")
    with Sandbox(scale="demo", seed=SEED, today=D) as first:
        before = read_world(first, folder)
        assert asyncio.run(look(first, folder / "export", D)) == []  # the first look: nothing earlier
    shutil.copytree(folder / "export", folder / "view")
    with Sandbox(scale="demo", seed=SEED, today=LATER) as later:
        after = read_world(later, folder)
    return before, after, folder / "export", folder / "view"


def test_a_week_changes_what_the_living_world_promises(a_week: tuple[World, World, Path, Path]) -> None:
    before, after, _, _ = a_week
    kinds = {(kind, entity) for kind, entity, *_ in expected_changes(before, after)}
    assert any(kind == "status" for kind, _ in kinds)
    assert ("limit", "inner-org") in kinds
    assert any(kind == "added" and entity in ("user", "wl-user") for kind, entity in kinds)
    assert any(kind == "added" and entity in ("project", "wl-project") for kind, entity in kinds)
    assert any(kind == "removed" for kind, _ in kinds)


def test_export_changes_says_what_differs_between_the_two_worlds(
    a_week: tuple[World, World, Path, Path],
) -> None:
    before, after, cache, _ = a_week
    with Sandbox(scale="demo", seed=SEED, today=LATER) as later:
        records = asyncio.run(look(later, cache, LATER))
    assert as_tuples(records) == expected_changes(before, after)
    assert {r["at"] for r in records} == {"2026-12-02T12:00:00Z"}


async def test_the_changes_view_says_what_differs_between_the_two_worlds(
    a_week: tuple[World, World, Path, Path],
) -> None:
    before, after, _, cache = a_week
    with Sandbox(scale="demo", seed=SEED, today=LATER) as later:
        settings = ClientSettings(endpoint=later.url, api_key=later.admin_key, cache_scope=later.cache_scope)
        app = EiscopeApp(settings, org_id=later.owner_org_id, cache=DiskCache(cache), clock=lambda: noon(LATER))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk(pilot, "D")
            assert isinstance(app.screen, ChangesScreen)
            table = app.screen.query_one("#changes-list").table  # type: ignore[attr-defined]
            rows = [table.store.row(i) for i in range(table.row_count)]
            assert as_tuples(rows) == expected_changes(before, after)
            summary = str(app.screen.query_one("#changes-summary").render())
            assert summary.startswith("Since the last look, 2026-11-25 12:00 UTC (7 d ago):")
