"""Who can get in, and who has gone quiet: an organization's API keys and members, marked.

The definitions, written once for the Access view and `eiscope export apikeys` (README, "Access"):
- a key is **never used** when it has no `lastUsed`; **unused for 90 days** when its `lastUsed.date` is 90 days
  or more before now; **without expiry** when it has no `expires` (it works until someone deletes it);
  **expired** when `expires` is past;
- an admin is **not seen for 90 days** when their `lastAccessToOrganization` is 90 days or more before now, or
  absent (never seen).
Marks are words (`never used`, `unused 143 d`, `no expiry`), never colour alone. Pure Python, no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from tui.api.row_marks import is_unreadable
from tui.formatting import parse_datetime

__all__ = [
    "QUIET_DAYS",
    "access_summary",
    "key_marks",
    "marked_keys",
    "marked_members",
    "member_marks",
]

QUIET_DAYS = 90
MARKS_FIELD = "marks"
"""The field eiscope adds to a key's or member's row: its marks, joined with ', ' (empty when none)."""


def _days_since(moment: datetime, now: datetime) -> int:
    return max(0, (now - moment) // timedelta(days=1))


def use_mark(key: dict[str, Any], now: datetime) -> str:
    """`never used`, `unused N d` (90 days or more), or '' for a key in use."""
    last_used = key.get("lastUsed")
    used = parse_datetime(last_used.get("date")) if isinstance(last_used, dict) else None
    if used is None:
        return "never used"
    return f"unused {_days_since(used, now):,} d" if now - used >= timedelta(days=QUIET_DAYS) else ""


def expiry_mark(key: dict[str, Any], now: datetime) -> str:
    """`no expiry`, `expired`, or '' for a key that will expire."""
    expires = parse_datetime(key.get("expires"))
    if expires is None:
        return "no expiry"
    return "expired" if expires <= now else ""


def key_marks(key: dict[str, Any], now: datetime) -> list[str]:
    """`never used` or `unused N d`, and `no expiry` or `expired`, for one API key's row."""
    return [mark for mark in (use_mark(key, now), expiry_mark(key, now)) if mark]


def member_marks(member: dict[str, Any], now: datetime) -> list[str]:
    """`admin, never seen` or `admin, not seen N d` for an admin who has gone quiet; nothing for the others."""
    if member.get("role") != "admin":
        return []
    seen = parse_datetime(member.get("lastAccessToOrganization"))
    if seen is None:
        return ["admin, never seen"]
    if now - seen >= timedelta(days=QUIET_DAYS):
        return [f"admin, not seen {_days_since(seen, now):,} d"]
    return []


def _marked(rows: Iterable[dict[str, Any]], marks: Any, now: datetime) -> list[dict[str, Any]]:
    return [row if is_unreadable(row) else {**row, MARKS_FIELD: ", ".join(marks(row, now))} for row in rows]


def marked_keys(rows: Iterable[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """API key rows with their marks (`marks`, and apart: `useMark`, `expiryMark`); unreadable rows as they are."""
    return [
        row if is_unreadable(row) else {**row, "useMark": use_mark(row, now), "expiryMark": expiry_mark(row, now)}
        for row in _marked(rows, key_marks, now)
    ]


def marked_members(rows: Iterable[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Member rows with their marks (`marks`)."""
    return _marked(rows, member_marks, now)


def access_summary(keys: Iterable[dict[str, Any]] | None, members: Iterable[dict[str, Any]], now: datetime) -> str:
    """'5 keys: 2 never used · 1 unused 90+ d · 3 no expiry  |  8 members: 1 admin not seen 90+ d'."""
    parts = []
    if keys is not None:
        keys = [row for row in keys if not is_unreadable(row)]
        counts: Counter[str] = Counter()
        for key in keys:
            for mark in key_marks(key, now):
                counts[mark.split(" ")[0] if mark.startswith("unused") else mark] += 1
        words = [
            f"{counts['never used']:,} never used",
            f"{counts['unused']:,} unused {QUIET_DAYS}+ d",
            f"{counts['no expiry']:,} without expiry",
        ]
        if counts["expired"]:
            words.append(f"{counts['expired']:,} expired")
        parts.append(f"{len(keys):,} API key{'s' if len(keys) != 1 else ''}: " + " · ".join(words))
    members = list(members)
    quiet = sum(1 for member in members if member_marks(member, now))
    admins = sum(1 for member in members if member.get("role") == "admin")
    parts.append(
        f"{len(members):,} member{'s' if len(members) != 1 else ''}, {admins:,} admin{'s' if admins != 1 else ''}: "
        f"{quiet:,} not seen {QUIET_DAYS}+ d"
    )
    return "  |  ".join(parts)
