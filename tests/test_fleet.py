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

from screens.columns import duration_text, growth_text, next_limit_text
from screens.fleet import fleet_row
from screens.inner_org import InnerOrganizationScreen
from screens.organization import OrganizationScreen
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, Source, StudioClient
from tui.api.errors import BadResponseError
from tui.api.fleet import RESOURCES, OrgHealth, Status, collect, fleet_record, judge, measure, summary_text
from tui.api.fleet_store import NOT_READ, FleetStore, FleetSummary, read_summaries
from tui.api.fleet_walk import FleetEntry, fleet_health, fleet_rows
from tui.api.models_fleet import FleetInfo
from tui.api.responses import validate_json_body
from tui.app import EiscopeApp
from tui.config import ResolvedSettings
from tui.export import ExportRequest, run_export
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox
from widgets.gauge import UsageGauge
from widgets.list_pane import ListPane
from widgets.resource_table import ResourceTable

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


def test_the_kept_summary_round_trips_to_the_same_health() -> None:
    daily = [day(n, totalUsers=5 + n / 3, totalCurrentContractComputeTimeSeconds=100.5 * n) for n in range(1, 40)]
    summary = FleetSummary(7, "Acme", 1_700_000_000.5, collect(LIMITS, daily))
    again = FleetSummary.from_json(json.loads(json.dumps(summary.to_json())))
    assert again is not None and again.health == measure(LIMITS, daily) and again.name == "Acme"
    assert again.to_json()["status"] == summary.health.status.value
    assert FleetSummary.from_json({"id": 7, "at": 1.0, "used": [1], "limit": [], "change": [], "trend": []}) is None


def test_summary_line_names_every_status_worst_first() -> None:
    counts = {Status.OVER: 3, Status.AT: 1, Status.NEAR: 12, Status.OK: 919}
    assert summary_text(counts) == "3 over · 1 at limit · 12 near · 919 ok · 0 unknown"
    counts[Status.UNKNOWN] = 5
    assert summary_text(counts, missing=4).endswith("· 5 unknown (4 not read yet)")


def test_over_on_one_resource_while_another_grows_names_each() -> None:
    """Users are over their limit; compute grows 100 s a day toward 3,600: 5 days left, and the fastest growth."""
    daily = [day(n, totalUsers=12, totalCurrentContractComputeTimeSeconds=100.0 * n) for n in range(1, 32)]
    health = measure(LIMITS, daily)
    assert health.status is Status.OVER and health.worst == "users"
    assert health.days_to_limit == pytest.approx(5) and health.days_to_limit_resource == "compute"
    assert health.growth == pytest.approx(100 * 30 / 3600 * 100) and health.growth_resource == "compute"
    record = fleet_record(1, "Acme", health)
    assert record["daysToLimitResource"] == "compute"
    assert record["growthResource"] == "compute" and record["growth"] == pytest.approx(83.33, abs=0.01)
    row = fleet_row(FleetEntry({"id": 1, "name": "Acme"}, health))
    assert next_limit_text(row["nextLimit"]) == "Users now"  # over: its next limit is now, not compute's 5 days
    assert growth_text(row["growth"]) == "Compute +83 %/30 d"


def test_at_the_limit_reads_now_and_otherwise_the_soonest_limit() -> None:
    at = measure(LIMITS, [day(1, totalUsers=10, totalProjects=1), day(11, totalUsers=10, totalProjects=11)])
    assert next_limit_text(fleet_row(FleetEntry({"id": 2}, at))["nextLimit"]) == "Users now"
    assert at.days_to_limit_resource == "projects" and at.days_to_limit == pytest.approx(9)
    near = measure(LIMITS, [day(1, totalUsers=1, totalProjects=1), day(11, totalUsers=1, totalProjects=11)])
    assert next_limit_text(fleet_row(FleetEntry({"id": 3}, near))["nextLimit"]) == "Projects in 9 d"
    assert duration_text(800) == "2 y" and duration_text(0.5) == "<1 d" and duration_text(5000) == ">10 y"


def test_nothing_growing() -> None:
    flat = measure(LIMITS, [day(n, totalUsers=5, totalProjects=2) for n in range(1, 11)])
    assert flat.days_to_limit is None and flat.days_to_limit_resource is None
    assert flat.growth == 0 and flat.growth_resource == "users"  # the first of equals
    row = fleet_row(FleetEntry({"id": 4}, flat))
    assert next_limit_text(row["nextLimit"]) == "–" and growth_text(row["growth"]) == "0 %/30 d"
    single = fleet_record(4, None, measure(LIMITS, [day(1, totalUsers=5)]))  # one record: no change at all
    assert single["growth"] is None and single["growthResource"] is None and single["daysToLimitResource"] is None


def test_a_zero_limit_has_no_growth() -> None:
    limits = {"numberOfUsers": 0, "numberOfProjects": 20, "gpuComputeTimePerYear": 0}
    daily = [
        day(n, totalUsers=10 * n, totalProjects=2, totalCurrentContractGpuComputeTimeSeconds=50.0 * n) for n in (1, 2)
    ]
    health = measure(limits, daily)
    assert health.growth == 0 and health.growth_resource == "projects"  # users and GPU grow, but against no limit
    only_unlimited = measure({"numberOfUsers": 0}, [day(1, totalUsers=1), day(2, totalUsers=9)])
    assert only_unlimited.growth is None and fleet_record(5, None, only_unlimited)["growthResource"] is None


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
    """A body cached by the inner-org screen (no summary kept yet) is read with the slim model."""
    inner = live_ids(sandbox)[0]
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)

    async def run() -> OrgHealth | None:
        async with StudioClient(settings, DiskCache(tmp_path)) as client:
            await client.inner_organization(sandbox.owner_org_id, inner)
            found = await client.inner_organization_figures(sandbox.owner_org_id, inner, source=Source.CACHE)
            return judge(found.value) if found else None

    body = sandbox.world.inner_organization_info(inner)
    assert asyncio.run(run()) == measure(body["entitlementLimits"], body["dailyMetrics"])


def test_kept_summaries_merge_newest_first_and_drop_orgs_no_longer_listed(tmp_path: Path) -> None:
    kept = DiskCache(tmp_path).kept("ns")
    figures = collect(LIMITS, [day(1, totalUsers=5)])
    first = FleetStore(kept, 1001)
    first.put(FleetSummary(1, "one", 20.0, figures))
    first.put(FleetSummary(2, "two", 20.0, figures))
    assert first.save()
    other = FleetStore(kept, 1001)  # another process, with an older reading of 1 and a new org 3
    other.put(FleetSummary(1, "one (old)", 10.0, figures))
    other.put(FleetSummary(3, "three", 30.0, figures))
    assert other.save()
    found = read_summaries(kept, 1001)
    assert {i: s.name for i, s in found.items()} == {1: "one", 2: "two", 3: "three"}
    first.put(FleetSummary(4, "four", 40.0, figures))  # the first process saves again: the file changed under it
    assert first.save() and set(read_summaries(kept, 1001)) == {1, 2, 3, 4}
    assert other.save(keep_only=[1, 3, 4]) and set(read_summaries(kept, 1001)) == {1, 3, 4}
    kept.write("fleet/1001.json", b'{"kind": "something else", "summaries": [1, 2]}')
    assert read_summaries(kept, 1001) == {}  # another layout reads as nothing kept, never as a crash


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
        next_limit = table.store.column("nextLimit")
        rows = [table.store.row(i) for i in range(table.row_count)]
        reached = [row for row in rows if row["status"] in ("over", "at limit")]
        assert reached and len(reached) < len(rows)
        for row in rows:  # at or over a limit reads "now", whatever other resource comes next
            assert next_limit.text(row).endswith(" now") == (row in reached), (row["name"], next_limit.text(row))
        status = table.store.column("status")
        marks = {row["status"]: status.text(row) for row in rows}  # a glyph as well as a colour: NO_COLOR still shows
        assert marks["over"] == "▲ over" and marks["at limit"] == "■ at limit" and marks["ok"] == "  ok"
        worst_resource = {r.label: r.short_label for r in RESOURCES}[reached[0]["worst"]]
        assert f"{worst_resource} now" in table.render_line(1).text  # on screen, beside the organization's name
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


def fleet_table(app: EiscopeApp) -> ResourceTable:
    return app.screen.query_one("#fleet-list", ListPane).table


def counted(summary: str) -> int:
    """The organizations a summary line counts: '2 over · 5 at limit · 1 near · 3 ok · 1 unknown (…)' → 12."""
    return sum(int(part.split()[0].replace(",", "")) for part in summary.split(" (")[0].split(" · "))


def app_on(sandbox: Sandbox, cache: DiskCache, **settings: Any) -> EiscopeApp:
    client_settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key, **settings)
    return EiscopeApp(client_settings, org_id=sandbox.owner_org_id, cache=cache)


async def test_the_cursor_stays_on_its_org_while_the_fleet_streams_and_after_a_refresh(
    make_app: Any, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """k9s's behaviour: `0`, then `j j` while rows stream in; the same organization stays highlighted and in view
    after every batch shown, at the end of the pass, and after `r`."""
    app = make_app(max_in_flight=1)  # one organization at a time: the rows come in several batches
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sandbox.faults = FaultConfig(latency_ms=100)
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        seen: list[tuple[int, int, bool]] = []  # after each batch shown: rows, the cursor's org, in view
        some_rows = asyncio.Event()
        show_batch = screen._append_streamed_rows

        def show_and_look() -> None:
            show_batch()
            table = fleet_table(app)
            if table.cursor_row is not None:
                seen.append((table.row_count, table.cursor_row["id"], in_view(table)))
                if table.row_count >= 3:
                    some_rows.set()

        monkeypatch.setattr(screen, "_append_streamed_rows", show_and_look)
        await pilot.press("0")
        await asyncio.wait_for(some_rows.wait(), timeout=20)
        await pilot.press("j", "j")
        table = fleet_table(app)
        chosen = table.cursor_row
        assert chosen is not None
        mark, rows_at_keys = len(seen), table.row_count
        await settle(pilot)
        later = seen[mark:]
        assert later and later[-1][0] > rows_at_keys  # more rows came in after the keys
        assert all(org == chosen["id"] and shown for _, org, shown in later)
        assert table.row_count == len(live_ids(sandbox))
        assert table.cursor_row is not None and table.cursor_row["id"] == chosen["id"] and in_view(table)
        sandbox.clear_faults()
        await walk(pilot, "r")
        table = fleet_table(app)
        assert table.cursor_row is not None and table.cursor_row["id"] == chosen["id"] and in_view(table)


def in_view(table: ResourceTable) -> bool:
    top = table.scroll_offset.y
    return top <= table.cursor_index < top + table.size.height - 1


async def test_a_fleet_read_once_is_whole_offline_whatever_the_cache_bound(sandbox: Sandbox, tmp_path: Path) -> None:
    """A cache far smaller than the fleet's bodies, filled past its bound with the fleet and more; offline, the
    Fleet tab still lists every organization with its numbers, and its counts add up to its rows."""
    bound = 1_000_000
    bodies = sum(len(json.dumps(sandbox.world.inner_organization_info(i))) for i in live_ids(sandbox))
    assert bodies > 2 * bound
    online = app_on(sandbox, DiskCache(tmp_path / "c", max_bytes=bound))
    async with online.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "0", "4", "enter")  # the fleet, then more: a list and an inner organization
    assert DiskCache(tmp_path / "c").info().bytes <= bound
    sandbox.reset_counts()
    offline = app_on(sandbox, DiskCache(tmp_path / "c", max_bytes=bound), offline=True)
    async with offline.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "0")
        screen = offline.screen
        assert isinstance(screen, OrganizationScreen)
        table = fleet_table(offline)
        assert table.row_count == len(live_ids(sandbox))
        summary = screen.fleet_summary()
        assert summary is not None and "0 unknown" in summary and counted(summary) == table.row_count
        assert all(not entry.missing and entry.health.error is None for entry in screen.fleet.values())
    assert sandbox.total_requests() == 0


async def test_summaries_really_missing_are_unknown_rows_with_the_reason(sandbox: Sandbox, tmp_path: Path) -> None:
    """Two organizations were never read: offline, the export and the Fleet tab list them as unknown, say why,
    and count them."""
    ids = live_ids(sandbox)
    async with app_on(sandbox, DiskCache(tmp_path / "c")).run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the organization seen once, its Fleet tab never opened
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
        rows = (await fleet_rows(client, sandbox.owner_org_id)).rows
        async for _ in fleet_health(client, sandbox.owner_org_id, [r for r in rows if r["id"] not in ids[-2:]]):
            pass
    code, out, _ = await asyncio.to_thread(export_fleet, sandbox, tmp_path, "json", offline=True)
    records = json.loads(out)
    assert code == 0 and len(records) == len(ids)
    missing = [record for record in records if record["error"] == NOT_READ]
    assert sorted(r["id"] for r in missing) == sorted(ids[-2:]) and {r["status"] for r in missing} == {"unknown"}
    app = app_on(sandbox, DiskCache(tmp_path / "c"), offline=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "0")
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        summary = screen.fleet_summary()
        table = fleet_table(app)
        assert table.row_count == len(ids)
        assert summary is not None and summary.endswith("2 unknown (2 not read yet)")
        assert counted(summary) == table.row_count


# -- export -------------------------------------------------------------------------------------------------------


def export_fleet(sandbox: Sandbox, tmp_path: Path, fmt: str, *, offline: bool = False) -> tuple[int, str, str]:
    settings = ResolvedSettings(
        endpoint=sandbox.url,
        api_key=sandbox.admin_key,
        org_id=sandbox.owner_org_id,
        cache_dir=tmp_path / "c",
        offline=offline,
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
