"""RowStore: filter as you type, stable sort, pages appended while filtered and sorted."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tui.formatting import format_count
from widgets.row_pack import RowPack
from widgets.row_store import PACK_AT_ONCE, Column, RowStore

COLUMNS = [
    Column("id", "ID", align="right"),
    Column("name", "Name"),
    Column("email", "Email"),
    Column("created", "Created"),
    Column("projects", "Projects", align="right", format=format_count),
    Column("entitlementLimits.numberOfUsers", "Users", align="right"),
]


def user(
    i: int, name: str, *, email: str | None = None, created: Any = None, projects: Any = None, users: Any = None
) -> dict[str, Any]:
    row: dict[str, Any] = {"id": i, "name": name, "email": email or f"{name.split()[0].lower()}@mail.test"}
    if created is not None:
        row["created"] = created
    if projects is not None:
        row["projects"] = projects
    if users is not None:
        row["entitlementLimits"] = {"numberOfUsers": users}
    return row


def store_of(*rows: dict[str, Any]) -> RowStore:
    return RowStore(COLUMNS, rows)


def names(store: RowStore) -> list[str]:
    return [store.row(i)["name"] for i in range(len(store))]


def test_filter_users_by_email_case_insensitively() -> None:
    store = store_of(user(1, "Ada Lovelace"), user(2, "Grace Hopper", email="GRACE@navy.example"), user(3, "Alan"))
    store.set_filter("navy")
    assert names(store) == ["Grace Hopper"]
    assert len(store) == 1
    assert store.total == 3
    store.set_filter("grace@NAVY")
    assert names(store) == ["Grace Hopper"]


def test_filter_matches_formatted_text_not_raw_values() -> None:
    store = store_of(user(1, "A", projects=12345), user(2, "B", projects=5))
    store.set_filter("12,345")
    assert names(store) == ["A"]


def test_filter_does_not_match_across_cells() -> None:
    store = store_of(user(1, "Ada", email="x@y"))
    store.set_filter("ada x@y")
    assert len(store) == 0


def test_narrowing_filter_searches_previous_matches_and_widening_restores() -> None:
    store = store_of(*(user(i, f"user{i}") for i in range(200)))
    store.set_filter("user1")
    assert len(store) == 111  # user1, user10-19, user100-199
    store.set_filter("user19")
    assert names(store) == ["user19", *(f"user{i}" for i in range(190, 200))]
    store.set_filter("user1")
    assert len(store) == 111
    store.set_filter("")
    assert len(store) == 200


def test_dotted_keys_reach_nested_values() -> None:
    column = Column("entitlementLimits.numberOfUsers", "Users")
    assert column.value({"entitlementLimits": {"numberOfUsers": 7}}) == 7
    assert column.value({"entitlementLimits": None}) is None
    assert column.value({}) is None
    assert column.text({"entitlementLimits": {"numberOfUsers": 7}}) == "7"


def test_sort_numbers_numerically_with_missing_last_both_ways() -> None:
    store = store_of(user(1, "a", users=10), user(2, "b"), user(3, "c", users=9), user(4, "d", users=100))
    store.sort_by("entitlementLimits.numberOfUsers")
    assert names(store) == ["c", "a", "d", "b"]
    store.sort_by("entitlementLimits.numberOfUsers", reverse=True)
    assert names(store) == ["d", "a", "c", "b"]


def test_sort_strings_case_folded_and_stable() -> None:
    store = store_of(user(1, "beta"), user(2, "Alpha"), user(3, "alpha"), user(4, "Beta"))
    store.sort_by("name")
    assert names(store) == ["Alpha", "alpha", "beta", "Beta"]
    store.sort_by("name", reverse=True)
    assert names(store) == ["beta", "Beta", "Alpha", "alpha"]


def test_sort_dates_as_dates() -> None:
    store = store_of(
        user(1, "late", created="2026-11-24T13:05:00.000Z"),
        user(2, "early", created="2026-11-24T15:00:00+05:00"),  # 10:00 UTC
        user(3, "dt", created=datetime(2026, 11, 24, 11, 0, tzinfo=UTC)),
        user(4, "none"),
    )
    store.sort_by("created")
    assert names(store) == ["early", "dt", "late", "none"]


def test_sort_by_none_restores_arrival_order() -> None:
    store = store_of(user(1, "b"), user(2, "a"), user(3, "c"))
    store.sort_by("name")
    store.sort_by(None)
    assert names(store) == ["b", "a", "c"]


def test_custom_sort_key_gets_the_value() -> None:
    column = Column("tags", "Tags", sort_key=len)
    store = RowStore(
        [Column("name", "Name"), column], [{"name": "two", "tags": ["a", "b"]}, {"name": "one", "tags": ["a"]}]
    )
    store.sort_by("tags")
    assert names(store) == ["one", "two"]


def test_append_keeps_sort_and_filter() -> None:
    store = store_of(user(1, "carol", users=3), user(2, "alice", users=1), user(3, "bob", users=2))
    store.sort_by("entitlementLimits.numberOfUsers", reverse=True)
    store.set_filter("o")
    assert names(store) == ["carol", "bob"]
    store.extend([user(4, "olga", users=5), user(5, "zed", users=9), user(6, "otto", users=0)])
    assert names(store) == ["olga", "carol", "bob", "otto"]
    assert store.total == 6
    store.set_filter("")
    assert names(store) == ["zed", "olga", "carol", "bob", "alice", "otto"]


def test_append_without_sort_keeps_arrival_order_and_filter() -> None:
    store = store_of(user(1, "ann"), user(2, "bo"))
    store.set_filter("n")
    store.extend([user(3, "nina"), user(4, "zed")])
    assert names(store) == ["ann", "nina"]


def test_row_identity_survives_sorting() -> None:
    store = store_of(user(1, "b"), user(2, "a"))
    row_id = store.row_id(0)
    store.sort_by("name")
    assert store.position_of(row_id) == 1
    store.set_filter("a@")
    assert store.position_of(row_id) is None


def test_search_index_builds_in_steps() -> None:
    store = store_of(*(user(i, f"user{i}") for i in range(10)))
    assert store.index_pending == 10
    assert not store.build_index(4)
    assert store.index_pending == 6
    store.set_filter("user7")  # a filter finishes the index itself
    assert store.index_pending == 0
    assert names(store) == ["user7"]


def test_hostile_text_is_cleaned_in_display_and_search() -> None:
    row = {"id": 1, "name": "Evil\x1b]52;c;Zm9v\x07 Corp\n[@click=app.quit]x[/]"}
    store = RowStore(COLUMNS, [row])
    assert store.columns[1].text(row) == "Evil Corp [@click=app.quit]x[/]"
    store.set_filter("evil corp")
    assert len(store) == 1


def test_row_store_and_formatting_import_without_textual() -> None:
    code = (
        "import sys, widgets.row_store, tui.formatting, tui.safe_text\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_rows_come_back_equal_with_keys_in_their_order() -> None:
    nested = {"numberOfUsers": 7, "tags": ["a", "b"]}
    given = [
        {"id": 1, "name": "Ada", "entitlementLimits": nested, "email": None},
        {"name": "Grace", "id": 2},  # other keys, another order
        {"id": 3, "extra": True, "name": "Alan", "email": "alan@mail.test"},  # a key no earlier row had
    ]
    expected = [dict(row) for row in given]
    store = RowStore(COLUMNS, given)
    given.clear()  # the store keeps what it needs; the caller may drop its dicts
    rows = [store.row(i) for i in range(len(store))]
    assert rows == expected
    assert [list(row) for row in rows] == [list(row) for row in expected]
    assert store.rows == expected
    assert rows[0]["entitlementLimits"] is nested  # nested values are the caller's, not copies
    assert store.row_by_id(1) == expected[1]
    assert store.row_by_id(-1) == expected[2]
    assert "email" not in rows[1]  # a missing key stays missing, a None stays None
    assert rows[0]["email"] is None


def test_a_big_set_rows_is_packed_later_and_reads_the_same() -> None:
    count = PACK_AT_ONCE + 10
    given = [user(i, f"user{i}", created=f"2026-01-01T00:00:{i % 60:02d}.000Z", users=i % 7) for i in range(count)]
    store = RowStore(COLUMNS, given)
    assert store.total == count
    assert store.row(count - 1) == given[-1]  # shown before it is packed
    store.build_index(100)
    assert store.row(0) == given[0] and store.row(count - 1) == given[-1]
    store.sort_by("entitlementLimits.numberOfUsers", reverse=True)
    assert store.index_pending == count - 100
    assert [store.row(i)["id"] for i in range(3)] == [6, 13, 20]
    assert store.rows == sorted(given, key=lambda row: -row["entitlementLimits"]["numberOfUsers"])


def test_other_mappings_are_read_as_dicts() -> None:
    mappings: list[Any] = [MappingProxyType(user(i, f"u{i}")) for i in range(3)]
    store = RowStore(COLUMNS, mappings)
    store.sort_by("name", reverse=True)
    assert store.rows == [user(2, "u2"), user(1, "u1"), user(0, "u0")]


def test_utc_dates_in_one_layout_sort_by_time_and_missing_last() -> None:
    store = store_of(
        user(1, "b", created="2026-11-24T13:05:00.000Z"),
        user(2, "none"),
        user(3, "a", created="2025-12-31T23:59:59.999Z"),
        user(4, "c", created="2026-11-24T13:05:00.001Z"),
        user(5, "empty", created=""),
    )
    store.sort_by("created")
    assert names(store) == ["empty", "a", "b", "c", "none"]
    store.sort_by("created", reverse=True)
    assert names(store) == ["c", "b", "a", "empty", "none"]


def test_mixed_date_layouts_still_sort_chronologically() -> None:
    store = store_of(
        user(1, "noon utc", created="2026-11-24T12:00:00Z"),
        user(2, "eleven utc", created="2026-11-24T13:00:00+02:00"),
        user(3, "morning", created="2026-11-24T09:30:00.123Z"),
        user(4, "day before", created="2026-11-23"),
        user(5, "naive evening", created="2026-11-24T20:00:00"),
    )
    store.sort_by("created")
    assert names(store) == ["day before", "morning", "eleven utc", "noon utc", "naive evening"]


def test_a_page_in_another_date_layout_joins_the_sort_in_time_order() -> None:
    store = store_of(*(user(i, f"u{i}", created=f"2026-01-0{i}T00:00:00.000Z") for i in range(1, 4)))
    store.sort_by("created", reverse=True)
    assert names(store) == ["u3", "u2", "u1"]
    store.extend([user(4, "u4", created="2026-01-02T12:00:00Z"), user(5, "u5", created="2026-01-09T00:00:00+01:00")])
    assert names(store) == ["u5", "u3", "u4", "u2", "u1"]
    store.extend([user(6, "u6"), user(7, "u7", created="2026-01-05T00:00:00.000Z")])
    assert names(store) == ["u5", "u7", "u3", "u4", "u2", "u1", "u6"]


def test_repeated_names_sort_case_folded_and_pages_merge() -> None:
    store = store_of(*(user(i, ["bob", "Alice", "carol", "alice"][i % 4]) for i in range(40)))
    store.sort_by("name")
    assert names(store)[:20] == ["Alice", "alice"] * 10
    assert names(store)[20:] == ["bob"] * 10 + ["carol"] * 10
    store.extend([user(40, "Bob"), user(41, "ALICE")])
    assert names(store)[20:22] == ["ALICE", "bob"]
    assert names(store)[-11:] == ["Bob"] + ["carol"] * 10


def test_filter_sees_text_that_needs_cleaning_among_clean_rows() -> None:
    rows = [user(i, f"Plain {i}") for i in range(50)]
    rows.append({"id": 99, "name": "Tab\tbed\x1b[31m Corp", "email": "x@y"})
    store = RowStore(COLUMNS, rows)
    store.set_filter("tab bed corp")
    assert names(store) == ["Tab\tbed\x1b[31m Corp"]
    store.set_filter("plain 4")
    assert len(store) == 11


def test_find_matches_ids_and_fields_whatever_the_filter() -> None:
    rows: list[dict[str, Any]] = [
        {"id": i, "name": f"User {i}", "email": f"u{i}@corp{i % 3}.example"} for i in range(1, 50)
    ]
    store = RowStore([Column("name", "Name")], rows[:40])
    store.extend(rows[40:])  # a page that may not be packed yet
    store.set_filter("no such user")
    assert len(store) == 0
    assert store.find("7", ("name",), limit=100) == [r for r in rows if "7" in r["name"]]
    assert store.find("CORP2", ("name", "email"), limit=3) == [r for r in rows if "corp2" in r["email"]][:3]
    assert store.find("45", (), limit=5) == [rows[44]]  # by id alone
    assert store.find("  ", ("name",), limit=5) == []


def test_refresh_keeps_a_filtered_list_filtered_not_empty() -> None:
    """Issue 9 #1: `r` on a filtered list showed "No users match" though the same rows came back."""
    rows = [{"name": "Red Team"}, {"name": "Blue Team"}]
    store = RowStore([Column("name", "Name")], rows)
    store.set_filter("red")
    assert len(store) == 1
    store.set_rows(rows)
    assert [store.row(i)["name"] for i in range(len(store))] == ["Red Team"]
    store.clear()
    store.extend(rows[:1])
    store.extend(rows[1:])
    assert len(store) == 1
    store.set_filter("")
    assert len(store) == 2


def test_refresh_keeps_a_filtered_sorted_list() -> None:
    rows = [user(2, "Red Two"), user(1, "Red One"), user(3, "Blue")]
    store = store_of(*rows)
    store.sort_by("name")
    store.set_filter("red")
    store.set_rows(rows)
    assert names(store) == ["Red One", "Red Two"]


def test_row_pack_gives_rows_back_by_id_and_values_by_key() -> None:
    pack = RowPack()
    ids = pack.append([{"id": 1, "a": {"b": 2}}, {"a": None, "id": 2}], pack=False)
    assert ids == range(0, 2)
    assert pack.packed == 0 and len(pack) == 2
    pack.pack()
    assert pack.packed == 2
    assert pack.row(1) == {"a": None, "id": 2} and list(pack.row(1)) == ["a", "id"]
    assert pack.values("a.b") == [2, None]
    assert pack.values("missing") == [None, None]
    assert pack.row(-1)["id"] == 2
