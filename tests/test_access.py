"""The marks of the Access view and `export apikeys` (tui/api/access.py): what has gone quiet, in words."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.api.access import access_summary, key_marks, marked_keys, member_marks
from tui.api.row_marks import UNREADABLE_KEY

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def key(**fields: object) -> dict[str, object]:
    return {"id": 1, "name": "CI", "role": "member", "created": "2025-01-01T00:00:00Z", **fields}


def test_a_key_is_marked_for_never_used_unused_for_90_days_no_expiry_and_expired() -> None:
    assert key_marks(key(), NOW) == ["never used", "no expiry"]
    assert key_marks(key(lastUsed={"date": "2026-08-27T00:00:00Z"}, expires="2027-01-01T00:00:00Z"), NOW) == [
        "unused 90 d"
    ]
    assert key_marks(key(lastUsed={"date": "2026-08-28T00:00:00Z"}, expires="2027-01-01T00:00:00Z"), NOW) == []
    assert key_marks(key(lastUsed={"date": "2026-11-24T00:00:00Z"}, expires="2026-11-24T00:00:00Z"), NOW) == ["expired"]


def test_an_admin_not_seen_for_90_days_is_marked_and_a_member_never_is() -> None:
    assert member_marks({"role": "admin", "lastAccessToOrganization": "2026-01-01T00:00:00Z"}, NOW) == [
        "admin, not seen 328 d"
    ]
    assert member_marks({"role": "admin"}, NOW) == ["admin, never seen"]
    assert member_marks({"role": "admin", "lastAccessToOrganization": "2026-11-01T00:00:00Z"}, NOW) == []
    assert member_marks({"role": "member", "lastAccessToOrganization": "2020-01-01T00:00:00Z"}, NOW) == []


def test_the_summary_counts_each_mark_and_unreadable_rows_stay_unmarked() -> None:
    rows = [key(), key(lastUsed={"date": "2025-01-01T00:00:00Z"}), {"id": 3, UNREADABLE_KEY: "created: Field required"}]
    marked = marked_keys(rows, NOW)
    assert [row.get("marks") for row in marked] == ["never used, no expiry", "unused 693 d, no expiry", None]
    assert [(row.get("useMark"), row.get("expiryMark")) for row in marked] == [
        ("never used", "no expiry"),
        ("unused 693 d", "no expiry"),
        (None, None),
    ]
    members = [{"role": "admin"}, {"role": "member"}]
    assert access_summary(rows, members, NOW) == (
        "2 API keys: 1 never used · 1 unused 90+ d · 2 without expiry  |  2 members, 1 admin: 1 not seen 90+ d"
    )
    assert access_summary(None, members, NOW).startswith("2 members")
