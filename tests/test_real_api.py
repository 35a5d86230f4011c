"""When the real API differs from the sandbox's manners: a bad row, a refused page size, an owner filter the
server ignores or refuses. eiscope keeps showing what it can, correctly, and says what it could not read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from screens.inner_org import InnerOrganizationScreen
from screens.messages import Kind, Open
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, Source, StudioClient
from tui.api.errors import ApiError
from tui.api.row_marks import UNREADABLE_KEY
from tui.app import EiscopeApp
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox

from .test_app_browse import pane, settle, walk
from .test_client import FAST_RETRIES

MakeApp = Callable[..., EiscopeApp]


@contextmanager
def broken(row: dict[str, Any], field: str) -> Iterator[None]:
    """A row of the sandbox's world without a required field, put back as it was afterwards."""
    original = dict(row)
    del row[field]
    try:
        yield
    finally:
        row.clear()
        row.update(original)  # same keys in the same order: the sandbox keeps serving the same bytes


async def test_a_bad_row_shows_marked_among_the_others_and_the_status_counts_it(
    make_app: MakeApp, sandbox: Sandbox
) -> None:
    row = sandbox.world.inner_organizations[2]
    app = make_app()
    with broken(row, "created"):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk(pilot, "4")
            inner = pane(app, "inner-orgs-list")
            rows = inner.table.store.rows
            marked = [r for r in rows if UNREADABLE_KEY in r]
            assert [(r["id"], r["name"]) for r in marked] == [(row["id"], f"⚠ {row['name']}")]
            assert len(rows) > 1 and all(r.get("created") for r in rows if UNREADABLE_KEY not in r)
            assert "1 unreadable row" in str(inner.query_one(".list-status").render())
            index = next(i for i in range(inner.table.row_count) if UNREADABLE_KEY in inner.table.store.row(i))
            inner.table.move_cursor(index)
            await walk(pilot, "enter")  # it has an id: it opens, and its own record reads fine
            assert isinstance(app.screen, InnerOrganizationScreen) and app.screen.inner_id == row["id"]


def client_for(sandbox: Sandbox, tmp_path: Path, **overrides: Any) -> StudioClient:
    values: dict[str, Any] = {"endpoint": sandbox.url, "api_key": sandbox.admin_key, "retries": FAST_RETRIES}
    values.update(overrides)
    return StudioClient(ClientSettings(**values), DiskCache(tmp_path / "cache"))


async def test_a_job_page_with_one_bad_row_keeps_the_others(sandbox: Sandbox, tmp_path: Path) -> None:
    org, inner = sandbox.owner_org_id, sandbox.world.inner_organizations[0]["id"]
    sandbox.malform_next(f"/organizations/{inner}/jobs", [3], how="wrong-type")
    async with client_for(sandbox, tmp_path) as client:
        pages = [page async for page in client.pages("inner_organization_jobs", org, inner_id=inner)]
    rows = [row for page in pages for row in page.raw_items]
    bad = [row for row in rows if UNREADABLE_KEY in row]
    assert len(bad) == 1 and bad[0]["id"] == pages[0].raw_items[3]["id"] and bad[0]["category"].startswith("⚠")
    assert bad[0][UNREADABLE_KEY].startswith("created:")
    assert len(rows) == pages[0].total and sum(page.unreadable for page in pages) == 1


async def test_a_400_on_a_large_limit_is_asked_again_smaller_and_remembered(sandbox: Sandbox, tmp_path: Path) -> None:
    org = sandbox.owner_org_id
    sandbox.faults = FaultConfig(max_page_size=25)
    async with client_for(sandbox, tmp_path) as client:
        ids = [row["id"] async for page in client.pages("whitelabel_users", org) for row in page.raw_items]
        assert client.page_sizes == {"whitelabel_users": 20}
        sandbox.reset_counts()
        again = [row["id"] async for page in client.pages("whitelabel_users", org) for row in page.raw_items]
        # no 400 spent the second time: the size that worked is asked for at once
        assert sandbox.request_counts()[f"/v1/api/organizations/{org}/whitelabel/users"] == -(-len(ids) // 20)
    assert sorted(ids) == sorted(again) and len(set(ids)) == len(ids) > 20
    async with client_for(sandbox, tmp_path, offline=True) as later:  # a new session, from the cache alone
        cached = [
            row["id"]
            async for page in later.pages("whitelabel_users", org, source=Source.CACHE)
            for row in page.raw_items
        ]
    assert sorted(cached) == sorted(ids)


async def test_a_400_that_smaller_pages_do_not_cure_is_reported(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults = FaultConfig(max_page_size=5)
    async with client_for(sandbox, tmp_path) as client:
        with pytest.raises(ApiError) as failed:
            _ = [page async for page in client.pages("inner_organizations", sandbox.owner_org_id)]
    assert failed.value.status == 400 and "limit" in failed.value.message


@pytest.mark.parametrize("mode", ["ignore", "reject"])
async def test_an_inner_orgs_projects_are_right_when_the_owner_filter_is_ignored_or_refused(
    make_app: MakeApp, sandbox: Sandbox, mode: str
) -> None:
    inner = sandbox.world.biggest_inner_org_id
    owned = {
        p["id"]
        for p in sandbox.world.whitelabel_projects
        if p.get("ownerOrganizationId") == inner and p.get("deletedDate") is None  # a deleted one is not listed
    }
    sandbox.faults = FaultConfig(owner_filter=mode)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.post_message(Open(Kind.INNER_ORGANIZATION, sandbox.owner_org_id, {"id": inner, "name": "Biggest"}))
        await settle(pilot)
        assert isinstance(app.screen, InnerOrganizationScreen)
        projects = pane(app, "inner-projects-list")
        assert {row["id"] for row in projects.table.store.rows} == owned and owned
        status = str(projects.query_one(".list-status").render())
        assert f"the server {'ignored' if mode == 'ignore' else 'refused'} the owner filter" in status
