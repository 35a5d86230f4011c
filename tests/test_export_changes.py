"""`eiscope export changes`: a snapshot taken, compared with an earlier one, one record per change."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.changes_world import GONE_INNER_ORG, GONE_MEMBER, keep, read_now, store_for, week_earlier
from tui.config import ResolvedSettings
from tui.export import ExportRequest, run_export
from tui.export_changes import CHANGE_FIELDS
from tui.periods import parse_since
from tui.sandbox.server import Sandbox

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings(sandbox: Sandbox, tmp_path: Path) -> ResolvedSettings:
    return ResolvedSettings(
        endpoint=sandbox.url, api_key=sandbox.admin_key, org_id=sandbox.owner_org_id, cache_dir=tmp_path / "cache"
    )


def export_changes(settings: ResolvedSettings, fmt: str = "json", **request: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_export(
        ExportRequest(kind="changes", format=fmt, now=request.pop("now", NOW), **request), settings, out, err
    )
    return code, out.getvalue(), err.getvalue()


def test_the_first_run_keeps_a_snapshot_and_says_there_is_nothing_earlier(
    sandbox: Sandbox, settings: ResolvedSettings
) -> None:
    code, out, err = export_changes(settings)
    assert (code, json.loads(out)) == (0, [])
    assert err == (
        f"eiscope: no earlier snapshot of organization {sandbox.owner_org_id} to compare with; "
        "the first was taken 2026-11-25 12:00 UTC (kept now)\n"
    )
    store = store_for(sandbox, settings.cache_dir or Path())
    assert store.first_taken(sandbox.owner_org_id) == NOW
    code, out, err = export_changes(settings, now=NOW + timedelta(hours=1))
    assert (code, json.loads(out), err) == (0, [], "")  # nothing moved in the hour


def test_every_change_since_the_last_snapshot_is_a_record(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    then = NOW - timedelta(days=7)
    earlier, edits = week_earlier(asyncio.run(read_now(sandbox)), then)
    keep(store_for(sandbox, settings.cache_dir or Path()), earlier)
    code, out, err = export_changes(settings)
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert all(list(record) == list(CHANGE_FIELDS) for record in records)
    assert all(record["at"] == "2026-11-25T12:00:00Z" for record in records)
    found = {(r["kind"], r["entity"], r["id"], r["field"], r["from"], r["to"]) for r in records}
    for inner_id in edits.now_ok:
        status = next(r["to"] for r in records if r["kind"] == "status" and r["id"] == inner_id)
        assert ("status", "inner-org", inner_id, "status", "ok", status) in found and status != "ok"
    limits = [r for r in records if r["kind"] == "limit"]
    assert [(r["id"], r["field"], r["to"]) for r in limits] == [(edits.limit_halved, "storage", limits[0]["from"] * 2)]
    assert {(r["entity"], r["id"]) for r in records if r["kind"] == "added"} == {
        ("user", edits.new_member),
        ("project", edits.new_project),
        ("dataset", edits.new_dataset),
        ("wl-user", edits.new_wl_user),
        ("wl-project", edits.new_wl_project),
    }
    removed = {(r["entity"], r["id"], r["name"]) for r in records if r["kind"] == "removed"}
    assert removed == {("inner-org", *GONE_INNER_ORG), ("user", *GONE_MEMBER)}
    assert ("changed", "user", edits.role_changed, "role", "member", "admin") in found
    assert [r["kind"] for r in records] == sorted((r["kind"] for r in records), key=CHANGE_ORDER.index)


CHANGE_ORDER = ["status", "limit", "added", "removed", "changed"]


def test_since_compares_with_the_snapshot_nearest_the_moment(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    current = asyncio.run(read_now(sandbox))
    store = store_for(sandbox, settings.cache_dir or Path())
    older, _ = week_earlier(current, NOW - timedelta(days=10))
    keep(store, older)
    for section in current.sections.values():  # three days ago it was as it is now
        store.save(current.org_id, type(section)(section.name, NOW - timedelta(days=3), section.records))
    _, out, _ = export_changes(settings)
    assert json.loads(out) == []  # the newest earlier: three days ago
    _, out, _ = export_changes(settings, since=parse_since("8d"), now=NOW + timedelta(minutes=1))
    assert len(json.loads(out)) > 5  # nearest eight days back: the ten-day-old one


def test_csv_has_its_header_even_with_no_change(settings: ResolvedSettings) -> None:
    code, out, _ = export_changes(settings, "csv")
    assert code == 0 and list(csv.reader(io.StringIO(out))) == [list(CHANGE_FIELDS)]


def test_offline_compares_the_cache_and_keeps_nothing(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    export_changes(settings, now=NOW - timedelta(days=1))  # fills the cache and keeps a snapshot
    store = store_for(sandbox, settings.cache_dir or Path())
    files_before = {name for section in ("members", "fleet") for _, name in store.files(sandbox.owner_org_id, section)}
    settings.offline = True
    code, out, err = export_changes(settings)
    assert (code, json.loads(out)) == (0, [])
    assert "no earlier snapshot" not in err
    files_after = {name for section in ("members", "fleet") for _, name in store.files(sandbox.owner_org_id, section)}
    assert files_after == files_before


def test_without_a_cache_there_is_no_history_to_compare(settings: ResolvedSettings) -> None:
    settings.no_cache = True
    code, out, err = export_changes(settings)
    assert (code, out) == (2, "") and "without --no-cache" in err


def test_jsonl_writes_a_record_a_line(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    export_changes(settings, now=NOW - timedelta(days=1))
    code, out, _ = export_changes(settings, "jsonl")
    assert code == 0 and out == ""
