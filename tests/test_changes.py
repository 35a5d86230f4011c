"""The change report on hand-made snapshots (tui/api/changes.py), and the session's choice of what to compare."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tui.api.cache import DiskCache
from tui.api.change_tracker import ChangeTracker, clock_on
from tui.api.changes import ADDED, ChangeKind, compare, crossings, section_marks
from tui.api.snapshot_store import SnapshotStore
from tui.api.snapshots import Section, Snapshot

THEN = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LIMITS = (10, 20, 1_000_000_000, 36_000, 3_600)  # users, projects, storage, compute, gpuCompute


def fleet(at: datetime, **orgs: tuple[int, str, tuple[float | None, ...], bool]) -> Section:
    """Inner orgs by name: (id, status, used per resource, failed) with the common LIMITS."""
    return Section(
        "fleet",
        at,
        {inner_id: (name, status, failed, *used, *LIMITS) for name, (inner_id, status, used, failed) in orgs.items()},
    )


def inner_orgs(at: datetime, **orgs: tuple[int, tuple[int | None, ...]]) -> Section:
    return Section(
        "inner-orgs", at, {inner_id: (name, "2025-01-01", *limits) for name, (inner_id, limits) in orgs.items()}
    )


def snapshot(*sections: Section) -> Snapshot:
    found = Snapshot(1001)
    for section in sections:
        found.add(section)
    return found


def test_status_changes_carry_both_values_worst_first() -> None:
    before = fleet(THEN, Northwind=(1, "ok", (5, 5, 5, 5, 5), False), Kestrel=(2, "near", (9, 5, 5, 5, 5), False))
    after = fleet(NOW, Northwind=(1, "near", (8, 5, 5, 5, 5), False), Kestrel=(2, "over", (11, 5, 5, 5, 5), False))
    report = compare(snapshot(before), snapshot(after))
    statuses = [(c.name, c.before, c.after) for c in report.changes if c.kind is ChangeKind.STATUS]
    assert statuses == [("Kestrel", "near", "over"), ("Northwind", "ok", "near")]
    assert report.changes[0].record() == {
        "kind": "status",
        "entity": "inner-org",
        "id": 2,
        "name": "Kestrel",
        "field": "status",
        "from": "near",
        "to": "over",
        "at": "2026-11-25T09:00:00Z",
    }


def test_an_org_that_could_not_be_read_is_not_a_status_change() -> None:
    before = fleet(THEN, Northwind=(1, "ok", (5, 5, 5, 5, 5), False))
    after = fleet(NOW, Northwind=(1, "unknown", (None,) * 5, True))
    assert compare(snapshot(before), snapshot(after)).changes == []


def test_limit_changes_old_to_new_from_the_inner_org_list() -> None:
    before = inner_orgs(THEN, Northwind=(1, (10, 20, 100, 360, 36)), Kestrel=(2, (5, 5, 5, 5, 5)))
    after = inner_orgs(NOW, Northwind=(1, (10, 40, 100, 720, 36)), Kestrel=(2, (5, 5, 5, 5, 5)))
    report = compare(snapshot(before), snapshot(after))
    assert [(c.kind, c.name, c.field, c.before, c.after) for c in report.changes] == [
        (ChangeKind.LIMIT, "Northwind", "projects", 20, 40),
        (ChangeKind.LIMIT, "Northwind", "compute", 360, 720),
    ]


def test_only_the_fleet_on_both_sides_still_reports_limits_and_presence() -> None:
    before = fleet(THEN, Northwind=(1, "ok", (5,) * 5, False), Gone=(3, "ok", (5,) * 5, False))
    after = Section("fleet", NOW, {1: ("Northwind", "ok", False, *(5,) * 5, 10, 40, *LIMITS[2:])})
    kinds = {(c.kind, c.name, c.field) for c in compare(snapshot(before), snapshot(after)).changes}
    assert kinds == {(ChangeKind.LIMIT, "Northwind", "projects"), (ChangeKind.REMOVED, "Gone", None)}


def test_added_and_removed_entities_of_every_list() -> None:
    before = snapshot(
        Section("members", THEN, {1: ("Kai", "admin", "2020-01-01"), 2: ("Emeka", "member", "2020-01-01")}),
        Section("projects", THEN, {10: ("Snore detector", "enterprise", "2026-01-01")}),
        Section("datasets", THEN, {"Field trial": ("Field trial", "files")}),
        inner_orgs(THEN, Northwind=(1, (1,) * 5)),
        Section("wl-users", THEN, {7: ("Nadia", "free", "2026-01-01", None), 8: ("Old", "free", "2025-01-01", None)}),
        Section("wl-projects", THEN, {70: ("Line 1", "free", "2026-01-01", None)}),
    )
    after = snapshot(
        Section("members", NOW, {1: ("Kai", "admin", "2020-01-01"), 3: ("Liam", "member", "2026-11-20")}),
        Section("projects", NOW, {10: ("Snore detector", "enterprise", "2026-01-01"), 11: ("Weed", "free", None)}),
        Section("datasets", NOW, {"Field trial": ("Field trial", "files"), "Lab": ("Lab", "clinical")}),
        inner_orgs(NOW, Northwind=(1, (1,) * 5), Kestrel=(2, (1,) * 5)),
        Section(
            "wl-users", NOW, {7: ("Nadia", "free", "2026-01-01", None), 8: ("Old", "free", "2025-01-01", "2026-11-20")}
        ),
        Section("wl-projects", NOW, {}),
    )
    found = {(c.kind.value, c.entity, c.id, c.name) for c in compare(before, after).changes}
    assert found == {
        ("added", "user", 3, "Liam"),
        ("removed", "user", 2, "Emeka"),
        ("added", "project", 11, "Weed"),
        ("added", "dataset", "Lab", "Lab"),
        ("added", "inner-org", 2, "Kestrel"),
        ("removed", "wl-user", 8, "Old"),  # its deleted date appeared
        ("removed", "wl-project", 70, "Line 1"),
    }


def test_a_role_tier_or_name_change_is_changed_with_field() -> None:
    before = snapshot(
        Section("members", THEN, {1: ("Kai", "member", None)}),
        Section("wl-users", THEN, {7: ("Nadia", "free", None, None)}),
    )
    after = snapshot(
        Section("members", NOW, {1: ("Kai", "admin", None)}),
        Section("wl-users", NOW, {7: ("Nadia", "enterprise", None, None)}),
    )
    records = [c.record() for c in compare(before, after).changes]
    assert [(r["kind"], r["entity"], r["field"], r["from"], r["to"]) for r in records] == [
        ("changed", "user", "role", "member", "admin"),
        ("changed", "wl-user", "tier", "free", "enterprise"),
    ]


def test_the_five_fastest_growing_resources_by_share_of_the_limit() -> None:
    used_then = {f"org{i}": (i, "ok", (1, 1, 100_000_000, 3_600, 0), False) for i in range(1, 8)}
    used_now = {
        f"org{i}": (i, "ok", (1 + i % 3, 1, 100_000_000 + i * 50_000_000, 3_600 + i * 360, 0), False)
        for i in range(1, 8)
    }
    report = compare(snapshot(fleet(THEN, **used_then)), snapshot(fleet(NOW, **used_now)))
    assert len(report.growth) == 5
    points = [g.points for g in report.growth]
    assert points == sorted(points, reverse=True)
    top = report.growth[0]
    assert (top.name, top.resource) == ("org7", "storage")
    assert top.points == (450_000_000 - 100_000_000) / 1_000_000_000 * 100
    assert top.points_per_30_days == top.points / 7 * 30
    assert all(g.resource != "gpuCompute" for g in report.growth)  # nothing grew there


def test_a_section_read_only_now_is_named_not_compared() -> None:
    report = compare(snapshot(), snapshot(Section("members", NOW, {1: ("Kai", "admin", None)})))
    assert report.changes == [] and report.unmatched == ["members"] and report.since is None


def test_crossings_are_status_changes_into_near_at_or_over() -> None:
    before = fleet(
        THEN,
        a=(1, "ok", (5,) * 5, False),
        b=(2, "near", (5,) * 5, False),
        c=(3, "at", (5,) * 5, False),
        d=(4, "near", (5,) * 5, False),
        e=(5, "unknown", (None,) * 5, False),
    )
    after = fleet(
        NOW,
        a=(1, "near", (5,) * 5, False),
        b=(2, "at", (5,) * 5, False),
        c=(3, "over", (5,) * 5, False),
        d=(4, "ok", (5,) * 5, False),
        e=(5, "over", (5,) * 5, False),
    )
    assert [(c.name, c.after) for c in crossings(before, after)] == [("c", "over"), ("b", "at"), ("a", "near")]
    assert crossings(None, after) == []


def test_marks_name_the_changed_fields_and_new_rows_until_looked_at() -> None:
    before = Section("members", THEN, {1: ("Kai", "member", None), 2: ("Emeka", "admin", None)})
    after = Section(
        "members", NOW, {1: ("Kai", "admin", None), 2: ("Emeka", "admin", None), 3: ("Liam", "member", None)}
    )
    assert section_marks(before, after) == {1: frozenset({"role"}), 3: frozenset({ADDED})}
    assert section_marks(before, after, {1: after.records[1]}) == {3: frozenset({ADDED})}
    assert section_marks(None, after) == {}


def test_fleet_marks_follow_the_percents_shown_not_every_byte() -> None:
    before = fleet(THEN, a=(1, "ok", (5, 5, 500_000_000, 1_000, 5), False))
    slightly = fleet(NOW, a=(1, "ok", (5, 5, 500_000_001, 1_000, 5), False))
    moved = fleet(NOW, a=(1, "near", (5, 5, 900_000_000, 1_000, 5), False))
    assert section_marks(before, slightly) == {}
    assert section_marks(before, moved) == {1: frozenset({"status", "percent.storage", "percent.worst"})}


# ---------------------------------------------------------------- the session's choice of what to compare


def tracker_at(tmp_path: Path, now: list[datetime]) -> ChangeTracker:
    store = SnapshotStore(DiskCache(tmp_path / "cache").kept("ns"))
    return ChangeTracker(store, clock=lambda: now[0])


def members(at: datetime, role: str) -> Section:
    return Section("members", at, {1: ("Kai", role, None)})


def test_the_last_look_is_the_newest_snapshot_before_this_session(tmp_path: Path) -> None:
    clock = [THEN]
    first = tracker_at(tmp_path, clock)
    first.record(1001, members(THEN, "member"))
    first.record(1001, members(THEN + timedelta(minutes=5), "owner"))  # the same session: its file is replaced
    clock[0] = NOW
    second = tracker_at(tmp_path, clock)
    assert len(second.store.files(1001, "members")) == 1  # type: ignore[union-attr]
    second.record(1001, members(NOW, "admin"))
    report = second.report(1001, snapshot(members(NOW, "admin")))
    assert [(c.before, c.after) for c in report.changes] == [("owner", "admin")]
    assert report.since == THEN + timedelta(minutes=5)


def test_since_picks_the_snapshot_nearest_the_moment(tmp_path: Path) -> None:
    clock = [NOW]
    for days, role in ((10, "a"), (6, "b"), (1, "c")):
        clock[0] = NOW - timedelta(days=days)
        tracker_at(tmp_path, clock).record(1001, members(clock[0], role))
    clock[0] = NOW
    tracker = tracker_at(tmp_path, clock)
    current = snapshot(members(NOW, "d"))
    by_since = {
        days: tracker.report(1001, current, since=NOW - timedelta(days=days)).changes[0].before for days in (9, 7, 2)
    }
    assert by_since == {9: "a", 7: "b", 2: "c"}


def test_a_session_starts_a_new_file_each_hour(tmp_path: Path) -> None:
    clock = [THEN]
    tracker = tracker_at(tmp_path, clock)
    for minutes in (0, 30, 59, 61, 90):
        tracker.record(1001, members(THEN + timedelta(minutes=minutes), "member"))
    times = [moment for moment, _ in tracker.store.files(1001, "members")]  # type: ignore[union-attr]
    assert times == [THEN + timedelta(minutes=59), THEN + timedelta(minutes=90)]


def test_a_section_from_the_cache_is_not_compared_with_itself(tmp_path: Path) -> None:
    clock = [THEN]
    tracker_at(tmp_path, clock).record(1001, members(THEN - timedelta(days=1), "member"))
    tracker_at(tmp_path, clock).record(1001, members(THEN, "admin"))  # kept when it was fetched
    clock[0] = NOW
    offline = tracker_at(tmp_path, clock)
    report = offline.report(1001, snapshot(members(THEN, "admin")), from_cache={"members"})
    assert [(c.before, c.after) for c in report.changes] == [("member", "admin")]


def test_the_demo_dated_another_day_keeps_its_snapshots_on_that_day() -> None:
    moment = clock_on(date(2026, 12, 2))()
    assert moment.date() == date(2026, 12, 2) and moment.tzinfo is not None
