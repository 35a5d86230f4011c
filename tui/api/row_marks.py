"""How a list shows a row that could not be read: light (no pydantic), for the start-up path and the screens.

tui/api/rows.py validates a list's rows one by one and keeps a bad one as an `UnreadableRow`: what could be read
of it (its id and name, when they are there) and why the rest could not. Here it becomes the row a list shows:
its label marked `⚠`, and the problem under `UNREADABLE_KEY`, which the status line counts and export skips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "UNREADABLE_KEY",
    "UNREADABLE_MARK",
    "UnreadableRow",
    "count_unreadable",
    "is_unreadable",
    "shown_row",
    "shown_rows",
]

UNREADABLE_KEY = "eiscopeUnreadable"
"""The key, in a list's row, that marks it as unreadable and says why (never a key of the API's)."""

UNREADABLE_MARK = "⚠"


@dataclass(frozen=True)
class UnreadableRow:
    """A row of a list that failed validation: its id and name where present, and the first problem."""

    problem: str
    id: int | None = None
    name: str | None = None


def shown_row(row: UnreadableRow, label_key: str = "name") -> dict[str, Any]:
    """The row a list shows for an unreadable one: its id, its label marked, and the problem."""
    shown: dict[str, Any] = {}
    if row.id is not None:
        shown["id"] = row.id
    shown[label_key] = f"{UNREADABLE_MARK} {row.name}" if row.name else f"{UNREADABLE_MARK} unreadable row"
    if label_key != "name" and row.name:
        shown["name"] = row.name
    shown[UNREADABLE_KEY] = row.problem
    return shown


def shown_rows(items: list[Any], raw_rows: Any, label_key: str = "name") -> list[dict[str, Any]]:
    """A list's rows as received, each unreadable one (an UnreadableRow in `items`) replaced by its marked row."""
    raw = raw_rows if isinstance(raw_rows, list) else []
    return [
        shown_row(item, label_key) if isinstance(item, UnreadableRow) else row
        for item, row in zip(items, raw, strict=False)
    ]


def is_unreadable(row: Any) -> bool:
    return isinstance(row, dict) and UNREADABLE_KEY in row


def count_unreadable(rows: list[dict[str, Any]]) -> int:
    return sum(1 for row in rows if UNREADABLE_KEY in row)
