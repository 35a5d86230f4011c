"""A column of a ResourceTable: where its value lives in a row, how it looks, and how it sorts.

Plain Python (no Textual), shared by the row store, the table and the screens' column lists.
`default_sort_key` is the one ordering a person expects; the row store's fast paths (`widgets.sort_keys`)
must give the same order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from tui.formatting import format_value
from tui.safe_text import clean

__all__ = ["ISO_DATE", "Column", "Row", "default_sort_key", "iso_key"]

Row = dict[str, Any]

# ISO dates ("2026-11-24", "2026-11-24T13:05:00.000Z") are compared as moments, not as strings.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _getter(key: str) -> Callable[[Row], Any]:
    """A fast accessor for a plain or dotted key ("entitlementLimits.numberOfUsers")."""
    if "." not in key:
        return lambda row: row.get(key)
    parts = key.split(".")

    def get(row: Row) -> Any:
        value: Any = row
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return get


def _moment_key(moment: datetime) -> str:
    """A moment as sortable UTC text ("2026-11-24T13:05:00"); naive means UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def iso_key(value: str) -> str:
    """An ISO date string as sortable UTC text; text that only looks like a date, case-folded.

    The API's usual "2026-11-24T13:05:00.000Z" is already UTC and sorts as text once cut to the second:
    slicing beats parsing 100,000 of them. Other offsets are parsed and converted.
    """
    if len(value) >= 20 and value[-1] == "Z" and value[10] == "T":
        return value[:19]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value.casefold()
    return _moment_key(moment)


def default_sort_key(value: Any) -> Any:
    """A sort key that orders like a person expects; None stays None (sorted last by the store).

    Numbers numerically, bools as 0/1, dates and ISO date strings as UTC text, other text case-folded.
    """
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        return iso_key(value) if ISO_DATE.match(value) else value.casefold()
    if kind is int or kind is float:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return _moment_key(value)
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00"
    return str(value).casefold()


@dataclass(frozen=True)
class Column:
    """One column: where its value lives in a row, how it looks, how it sorts.

    `format` turns the raw value into display text (default: `formatting.format_value`, with None shown
    empty); the result is always passed through `clean`. `sort_key` takes the raw value (default:
    `default_sort_key`); None keys sort last in both directions. `width` fixes the width in cells (None:
    sized from the data). `searchable=False` leaves the column out of the filter. `tone` gives the whole row a
    tone from this column's raw value ("error", "warning", "notice" or None), which the table draws in the
    theme's colours: the status column of a list of health, for instance. `shrink=False` keeps the column at
    its natural width when the table squeezes columns into a narrow screen: a figure cut short ('Compute n…')
    is a wrong figure; the table scrolls sideways instead.
    """

    key: str
    label: str
    width: int | None = None
    align: Literal["left", "right"] = "left"
    format: Callable[[Any], str] | None = None
    sort_key: Callable[[Any], Any] | None = None
    searchable: bool = True
    tone: Callable[[Any], str | None] | None = None
    shrink: bool = True
    _get: Callable[[Row], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_get", _getter(self.key))

    def value(self, row: Row) -> Any:
        """The raw value of this column in a row; dotted keys reach into nested dicts."""
        return self._get(row)

    def text(self, row: Row) -> str:
        """The cleaned, single-line display text of this column in a row."""
        value = self._get(row)
        if self.format is not None:
            return clean(self.format(value))
        if value is None:
            return ""
        if isinstance(value, str):
            return clean(value)
        return clean(format_value(value))

    def key_of(self, row: Row) -> Any:
        """The sort key of this column in a row (None sorts last)."""
        value = self._get(row)
        if self.sort_key is not None:
            return None if value is None else self.sort_key(value)
        return default_sort_key(value)
