"""Fleet health: the definitions on hand-made bodies, the walk against the sandbox (faults included), the Fleet
tab, and `eiscope export fleet`."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from screens.inner_org import InnerOrganizationScreen
from screens.organization import OrganizationScreen
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, Source, StudioClient
from tui.api.errors import BadResponseError
from tui.api.fleet import OrgHealth, Status, measure, summary_text
from tui.api.fleet_walk import FleetEntry, fleet_health, fleet_rows
from tui.api.models_fleet import FleetInfo
from tui.api.responses import validate_json_body
from tui.app import EiscopeApp
from tui.config import ResolvedSettings
from tui.export import ExportRequest, run_export
from tui.sandbox.server import Sandbox
from widgets.gauge import UsageGauge
from widgets.list_pane import ListPane

from .test_app_browse import settle, walk

LIMITS = {"numberOfUsers": 10, "numberOfProjects": 20, "totalStorage": 1000, "computeTimePerYear": 3600}


def live_ids(sandbox: Sandbox) -> list[int]:
    """The inner orgs the list shows (a deleted one is left out)."""
    ids = (int(o["id"]) for o in sandbox.world.inner_organizations)
    return [i for i in ids if not sandbox.world.inner_organization_meta(i)["deleted"]]


def day(n: int, **figures: float) -> dict[str, Any]:
    return {"date": f"2026-01-{n:02d}T00:00:00Z", **figures}


# -- the definitions --------------------------------------------------------------------------------------------


def test_no_metrics_is_unknown() -> None:
    health = measure(LIMITS, [])
    assert health.status is Status.UNKNOWN
    assert health.worst is None and health.worst_percent is None and health.days_to_limit is None
    assert health.usage("users").limit == 10 and health.usage("users").used is None


def test_zero_and_missing_limits_give_no_percent() -> None:
    health = measure({"numberOfUsers": 0}, [day(1, totalUsers=5, totalProjects=3)])
    assert health.usage("users").percent is None  # a zero limit is no limit to measure against
    assert health.usage("projects").limit is None and health.usage("projects").percent is None
    assert health.status is Status.UNKNOWN


def test_exactly_at_the_limit_is_at() -> None:
    health = measure(LIMITS, [day(1, totalUsers=10, totalProjects=2)])
    assert health.status is Status.AT
    assert health.worst == "users" and health.worst_percent == 100


def test_over_near_and_ok() -> None:
    assert measure(LIMITS, [day(1, totalUsers=11)]).status is Status.OVER
    assert measure(LIMITS, [day(1, totalUsers=8)]).status is Status.NEAR
    assert measure(LIMITS, [day(1, totalUsers=7.9)]).status is Status.OK


def test_newest_record_is_by_date_not_position() -> None:
    health = measure(LIMITS, [day(3, totalUsers=9), day(1, totalUsers=1), day(2, totalUsers=5)])
    assert health.usage("users").used == 9


def test_days_to_limit_from_the_last_30_records() -> None:
    daily = [day(n, totalCurrentContractComputeTimeSeconds=100.0 * n) for n in range(1, 32)]  # +100 s a day
    compute = measure(LIMITS, daily).usage("compute")
    assert compute.daily_change == pytest.approx(100.0)  # records 2..31: 29 days, +2,900 s
    assert compute.days_to_limit == pytest.approx((3600 - 3100) / 100)


def test_a_shrinking_org_has_no_days_to_limit() -> None:
    daily = [day(n, totalUsers=9 - n / 10) for n in range(1, 11)]
    users = measure(LIMITS, daily).usage("users")
    assert users.daily_change is not None and users.daily_change < 0
    assert users.days_to_limit is None


def test_over_the_limit_has_no_days_to_limit() -> None:
    health = measure(LIMITS, [day(1, totalUsers=11), day(2, totalUsers=12)])
    assert health.usage("users").days_to_limit is None and health.status is Status.OVER


def test_the_compact_form_round_trips() -> None:
    health = measure(LIMITS, [day(1, totalUsers=5), day(2, totalUsers=6)])
    assert OrgHealth.from_json(json.loads(json.dumps(health.to_json()))) == health


def test_summary_line_names_every_status_worst_first() -> None:
    counts = {Status.OVER: 3, Status.AT: 1, Status.NEAR: 12, Status.OK: 919}
    assert summary_text(counts) == "3 over · 1 at limit · 12 near · 919 ok · 0 unknown"


def test_slim_model_reads_bytes_and_reports_bad_bodies() -> None:
    body = json.dumps({"success": True, "entitlementLimits": LIMITS, "dailyMetrics": [day(1, totalUsers=3)]})
    info = validate_json_body(FleetInfo, body.encode(), "/x", str)
    assert measure(info.entitlement_limits, info.daily_metrics or []).usage("users").used == 3
    with pytest.raises(BadResponseError, match="not JSON"):
        validate_json_body(FleetInfo, b"<html>", "/x", str)
    with pytest.raises(BadResponseError, match="reported an error"):
        validate_json_body(FleetInfo, b'{"success": false, "error": "nope"}', "/x", str)


# -- the walk ---------------------------------------------------------------------------------------------------


async def walk_fleet(sandbox: Sandbox, cache_dir: Path, **settings: Any) -> list[FleetEntry]:
    client_settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key, **settings)
    async with StudioClient(client_settings, DiskCache(cache_dir)) as client:
        rows = (await fleet_rows(client, sandbox.owner_org_id)).rows
        return [e async for e in fleet_health(client, sandbox.owner_org_id, rows) if e is not None]


def test_the_fleet_agrees_with_the_inner_org_body(sandbox: Sandbox, tmp_path: Path) -> None:
    entries = asyncio.run(walk_fleet(sandbox, tmp_path))
    assert len(entries) == len(live_ids(sandbox))
    for entry in entries:
        body = sandbox.world.inner_organization_info(entry.inner_id)
        assert entry.health == measure(body["entitlementLimits"], body["dailyMetrics"])


def test_a_failing_org_is_a_row_not_a_failed_fleet(sandbox: Sandbox, tmp_path: Path) -> None:
    first, second = live_ids(sandbox)[:2]
    sandbox.fail_next(f"/whitelabel/organizations/{first}", [404])
    sandbox.fail_next(f"/whitelabel/organizations/{second}", [500])
    entries = {e.inner_id: e for e in asyncio.run(walk_fleet(sandbox, tmp_path))}
    assert len(entries) == len(live_ids(sandbox))
    assert entries[first].health.status is Status.UNKNOWN and "404" in (entries[first].health.error or "")
    assert entries[second].health.status is Status.UNKNOWN and "500" in (entries[second].health.error or "")


def test_a_warm_fleet_reads_only_the_cache(sandbox: Sandbox, tmp_path: Path) -> None:
    cold = asyncio.run(walk_fleet(sandbox, tmp_path))
    sandbox.reset_counts()
    warm = asyncio.run(walk_fleet(sandbox, tmp_path, offline=True))
    assert sandbox.total_requests() == 0
    assert {e.inner_id: e.health for e in warm} == {e.inner_id: e.health for e in cold}
    assert all(e.from_cache for e in warm)


def test_the_inner_org_screen_body_feeds_the_fleet_from_the_cache(sandbox: Sandbox, tmp_path: Path) -> None:
    """A body cached by the inner-org screen (no summary yet) is read with the slim model."""
    inner = live_ids(sandbox)[0]
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)

    async def run() -> OrgHealth | None:
        async with StudioClient(settings, DiskCache(tmp_path)) as client:
            await client.inner_organization(sandbox.owner_org_id, inner)
            found = await client.inner_organization_health(sandbox.owner_org_id, inner, source=Source.CACHE)
            return found.value if found else None

    body = sandbox.world.inner_organization_info(inner)
    assert asyncio.run(run()) == measure(body["entitlementLimits"], body["dailyMetrics"])


# -- the Fleet tab ------------------------------------------------------------------------------------------------


async def test_fleet_tab_lists_worst_first_and_enter_opens_the_org(make_app: Any, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "0")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        table = screen.query_one("#fleet-list", ListPane).table
        assert table.row_count == len(live_ids(sandbox))
        ranks = [screen.fleet[int(table.store.row(i)["id"])].health.rank_key[0] for i in range(table.row_count)]
        assert ranks == sorted(ranks)
        summary = screen.fleet_summary()
        assert summary is not None and summary.endswith("unknown")
        assert screen.fleet_summary(compact=True) in str(screen.query_one("#org-card-right").render())
        first = table.cursor_row
        assert first is not None
        await walk(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, InnerOrganizationScreen) and app.screen.inner_id == first["id"]


async def test_inner_orgs_usage_sorts_by_value(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "0")
        await settle(pilot)
        await walk(pilot, "4")
        await settle(pilot)
        table = app.screen.query_one("#inner-orgs-list", ListPane).table
        table.sort_by("usagePercent")
        values = [table.store.row(i).get("usagePercent") for i in range(table.row_count)]
        known = [v for v in values if v is not None]
        assert known and known == sorted(known)


# -- export -------------------------------------------------------------------------------------------------------


def export_fleet(sandbox: Sandbox, tmp_path: Path, fmt: str) -> tuple[int, str, str]:
    settings = ResolvedSettings(
        endpoint=sandbox.url, api_key=sandbox.admin_key, org_id=sandbox.owner_org_id, cache_dir=tmp_path / "c"
    )
    out, err = io.StringIO(), io.StringIO()
    code = run_export(ExportRequest(kind="fleet", format=fmt), settings, out, err)
    return code, out.getvalue(), err.getvalue()


def test_export_fleet_json_worst_first(sandbox: Sandbox, tmp_path: Path) -> None:
    code, out, err = export_fleet(sandbox, tmp_path, "json")
    assert code == 0 and err == ""  # no progress when stderr is not a terminal
    records = json.loads(out)
    assert len(records) == len(live_ids(sandbox))
    order = [list(Status).index(Status(r["status"])) for r in records]
    assert order == sorted(order)
    assert set(records[0]["users"]) == {"used", "limit", "percent", "dailyChange", "daysToLimit"}


def test_export_fleet_csv_flattens_resources(sandbox: Sandbox, tmp_path: Path) -> None:
    code, out, _ = export_fleet(sandbox, tmp_path, "csv")
    header = next(csv.reader(io.StringIO(out)))
    assert code == 0 and {"id", "status", "worstPercent", "users.used", "gpuCompute.daysToLimit"} <= set(header)


def test_export_fleet_marks_failures_and_exits_1_only_when_nothing_read(sandbox: Sandbox, tmp_path: Path) -> None:
    first = live_ids(sandbox)[0]
    sandbox.fail_next(f"/whitelabel/organizations/{first}", [404])
    code, out, _ = export_fleet(sandbox, tmp_path, "jsonl")
    failed = [json.loads(line) for line in out.splitlines() if json.loads(line)["id"] == first]
    assert code == 0 and failed[0]["status"] == "unknown" and failed[0]["error"]
    count = len(live_ids(sandbox))
    for inner in live_ids(sandbox):
        sandbox.fail_next(f"/whitelabel/organizations/{inner}", [404])
    code, _, err = export_fleet(sandbox, tmp_path / "again", "json")
    assert code == 1 and "no inner organization" in err and count > 0


async def test_inner_org_gauges_say_what_the_fleet_says(make_app: Callable[..., EiscopeApp], sandbox: Sandbox) -> None:
    """One definition everywhere: the inner organization's gauges use the fleet's numbers."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter")
        screen = app.screen
        assert isinstance(screen, InnerOrganizationScreen)
        body = sandbox.world.inner_organization_info(screen.inner_id)
        health = measure(body["entitlementLimits"], body["dailyMetrics"])
        gauges = {gauge._label: gauge for gauge in screen.query(UsageGauge)}
        compute = health.usage("compute")
        assert gauges["Compute (CPU+3×GPU)"]._used == compute.used
        assert gauges["Compute (CPU+3×GPU)"]._limit == compute.limit
        assert gauges["Users"]._used == health.usage("users").used
