"""The rows behind a ResourceTable: filter as you type and sort, fast at 100,000 rows.

Plain Python (no Textual) so it can be tested and benchmarked on its own. Rows are the API's dicts (camelCase
keys) and are never copied. Three lists do the work, all of row numbers (positions in `_rows`):
`_order` is every row in the current sort order, `_visible` the rows of `_order` that match the filter.
A filter keystroke is one pass of `needle in haystack` over precomputed lowercase strings, and only over the
previous matches when the new filter extends the old one. Sort keys of the sort column are cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from tui.safe_text import clean
from widgets.formatting import format_value

__all__ = ["Column", "RowStore"]

Row = dict[str, Any]

# ISO dates ("2026-11-24", "2026-11-24T13:05:00.000Z") are compared as moments, not as strings.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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


_NUMBER_TYPES = (int, float)


def _moment_key(moment: datetime) -> str:
    """A moment as sortable UTC text ("2026-11-24T13:05:00"); naive means UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _iso_key(value: str) -> str:
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
        return _iso_key(value) if _ISO_DATE.match(value) else value.casefold()
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
    sized from the data). `searchable=False` leaves the column out of the filter.
    """

    key: str
    label: str
    width: int | None = None
    align: Literal["left", "right"] = "left"
    format: Callable[[Any], str] | None = None
    sort_key: Callable[[Any], Any] | None = None
    searchable: bool = True
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


class RowStore:
    """Rows for a set of columns, with a case-insensitive substring filter and a stable one-column sort."""

    def __init__(self, columns: Sequence[Column] = (), rows: Iterable[Row] = ()) -> None:
        self._columns: list[Column] = list(columns)
        self._rows: list[Row] = []
        self._haystacks: list[str] = []
        self._order: list[int] = []
        self._visible: list[int] = []
        self._needle = ""
        self._sort_key: str | None = None
        self._sort_reverse = False
        self._key_cache: dict[str, list[Any]] = {}
        if rows:
            self.extend(rows)

    # -- shape --------------------------------------------------------------------------------------------

    @property
    def columns(self) -> list[Column]:
        """The columns, in display order."""
        return self._columns

    def column(self, key: str) -> Column:
        """The column with this key (KeyError when there is none)."""
        for column in self._columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Change the columns, keeping the rows; the filter is re-applied and an unknown sort dropped."""
        self._columns = list(columns)
        self._key_cache.clear()
        self._haystacks = []
        if self._sort_key is not None and self._sort_key not in {c.key for c in self._columns}:
            self._sort_key = None
            self._sort_reverse = False
        self._order = self._sorted(list(range(len(self._rows))))
        self._refilter(self._order)

    # -- rows ---------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """How many rows match the filter."""
        return len(self._visible)

    @property
    def total(self) -> int:
        """How many rows there are, filter or not."""
        return len(self._rows)

    def row(self, index: int) -> Row:
        """The row at a visible position (IndexError outside 0..len-1)."""
        return self._rows[self._visible[index]]

    def row_id(self, index: int) -> int:
        """A stable identity for the row at a visible position (its position in insertion order)."""
        return self._visible[index]

    def row_by_id(self, row_id: int) -> Row:
        """The row with this identity."""
        return self._rows[row_id]

    def position_of(self, row_id: int) -> int | None:
        """The visible position of a row identity, or None when the filter hides it."""
        try:
            return self._visible.index(row_id)
        except ValueError:
            return None

    @property
    def rows(self) -> list[Row]:
        """The visible rows in order (a new list; use `row(i)` in loops over big stores)."""
        rows = self._rows
        return [rows[i] for i in self._visible]

    def clear(self) -> None:
        """Drop every row; columns, filter and sort stay."""
        self._rows = []
        self._haystacks = []
        self._order = []
        self._visible = []
        self._key_cache.clear()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row, keeping filter and sort."""
        self.clear()
        self.extend(rows)

    def extend(self, rows: Iterable[Row]) -> None:
        """Add rows (a page that arrived); filter and sort stay applied."""
        new_rows = list(rows)
        if not new_rows:
            return
        start = len(self._rows)
        self._rows.extend(new_rows)
        for key, keys in self._key_cache.items():
            keys.extend(self._compute_keys(self.column(key), new_rows))
        new_ids = list(range(start, len(self._rows)))  # one int object per row, shared by both lists
        if self._sort_key is None:
            self._order.extend(new_ids)
            self._visible.extend(self._matching(new_ids))
        else:
            # Timsort finds the existing sorted run and merges the new rows into it.
            self._order = self._sorted(self._order + new_ids)
            self._refilter(self._order)

    # -- search index -------------------------------------------------------------------------------------

    @property
    def index_pending(self) -> int:
        """How many rows have no search text yet (the index is built lazily, after the first paint)."""
        return len(self._rows) - len(self._haystacks)

    def build_index(self, limit: int | None = None) -> bool:
        """Compute the search text of up to `limit` more rows (all when None); True once every row has one.

        Formatting every cell of 100,000 rows takes about a second, so the table shows rows first and calls
        this in small steps while idle; a filter that arrives earlier finishes the job itself.
        """
        start = len(self._haystacks)
        end = len(self._rows) if limit is None else min(len(self._rows), start + limit)
        if end > start:
            texts = [(column.format, column._get) for column in self._columns if column.searchable]
            self._haystacks.extend([self._haystack(row, texts) for row in self._rows[start:end]])
        return len(self._haystacks) == len(self._rows)

    @staticmethod
    def _haystack(row: Row, texts: list[tuple[Callable[[Any], str] | None, Callable[[Row], Any]]]) -> str:
        """The lowercase text a filter searches in one row: the searchable columns' display text."""
        parts = []
        for formatter, get in texts:
            value = get(row)
            if formatter is not None:
                parts.append(clean(formatter(value)))
            elif type(value) is str:
                parts.append(clean(value))
            elif type(value) is int:
                parts.append(str(value))
            elif value is not None:
                parts.append(clean(format_value(value)))
        # Cells are joined by a newline, which no one can type into a filter: no match across two cells.
        # (An ASCII separator also keeps ASCII rows at one byte per character.)
        return "\n".join(parts).lower()

    # -- filter -------------------------------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        """The current filter as given (stripped)."""
        return self._needle

    def set_filter(self, text: str) -> None:
        """Show only rows whose searchable text contains `text`, case-insensitively ("" shows all).

        When the new filter contains the old one, only the previous matches are searched.
        """
        needle = text.strip()
        previous = self._needle
        self._needle = needle
        if needle == previous:
            return
        if previous and previous.lower() in needle.lower():
            self._refilter(self._visible)
        else:
            self._refilter(self._order)

    def _matching(self, ids: Iterable[int]) -> list[int]:
        """The ids among `ids` whose haystack contains the current filter."""
        needle = self._needle.lower()
        if not needle:
            return list(ids)
        self.build_index()
        haystacks = self._haystacks
        return [i for i in ids if needle in haystacks[i]]

    def _refilter(self, candidates: list[int]) -> None:
        """Recompute the visible rows from candidates already in sort order."""
        self._visible = self._matching(candidates) if self._needle else list(candidates)

    # -- sort ---------------------------------------------------------------------------------------------

    @property
    def sort_key(self) -> str | None:
        """The key of the sort column, or None for the order the rows arrived in."""
        return self._sort_key

    @property
    def sort_reverse(self) -> bool:
        """True when sorted descending."""
        return self._sort_reverse

    def sort_by(self, key: str | None, reverse: bool = False) -> None:
        """Sort by one column (stable; None values last either way); `key=None` restores arrival order."""
        if key is not None:
            self.column(key)  # KeyError early for a typo
        self._sort_key = key
        self._sort_reverse = reverse
        self._order = self._sorted(list(range(len(self._rows))))
        self._refilter(self._order)

    def _keys(self, key: str) -> list[Any]:
        """The sort keys of every row for one column, cached while it is the sort column."""
        keys = self._key_cache.get(key)
        if keys is None:
            # Only the sort column's keys are kept: a few MB per 100k rows, recomputed in ~50-100 ms.
            self._key_cache.clear()
            keys = self._compute_keys(self.column(key), self._rows)
            self._key_cache[key] = keys
        return keys

    @staticmethod
    def _compute_keys(column: Column, rows: list[Row]) -> list[Any]:
        """Sort keys of one column for many rows: one tight loop per kind of value (runs over 100k rows)."""
        get = column._get
        values = [get(row) for row in rows]
        custom = column.sort_key
        if custom is not None:
            return [None if value is None else custom(value) for value in values]
        sample = next((value for value in values if value is not None), None)
        if type(sample) is str and _ISO_DATE.match(sample):
            return [_iso_key(value) if type(value) is str else default_sort_key(value) for value in values]
        if type(sample) is str:
            return [value.casefold() if type(value) is str else default_sort_key(value) for value in values]
        if type(sample) is int or type(sample) is float:
            return [value if type(value) in _NUMBER_TYPES else default_sort_key(value) for value in values]
        return [default_sort_key(value) for value in values]

    def _sorted(self, ids: list[int]) -> list[int]:
        """`ids` in the current sort order; rows without a value go last."""
        if self._sort_key is None:
            return sorted(ids)
        keys = self._keys(self._sort_key)
        if None in keys:
            present = [i for i in ids if keys[i] is not None]
            missing = sorted(i for i in ids if keys[i] is None)
        else:
            present, missing = list(ids), []
        try:
            present.sort(key=keys.__getitem__, reverse=self._sort_reverse)
        except TypeError:
            # Mixed types in one column (numbers and strings): group by type, then compare as text.
            def mixed(i: int) -> tuple[int, Any]:
                value = keys[i]
                if isinstance(value, int | float):
                    return (0, value)
                return (1, str(value))

            present.sort(key=mixed, reverse=self._sort_reverse)
        return present + missing
