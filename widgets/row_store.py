"""The rows behind a ResourceTable: filter as you type and sort, fast at 100,000 rows.

Plain Python (no Textual) so it can be tested and benchmarked on its own.

Rows arrive as the API's dicts (camelCase keys) but are not kept as dicts: a dict costs ~290 bytes before its
values, and 100,000 rows in each of two tables made that ~60 MB. The store "packs" rows into one list of values
per key (keys in first-seen order), so a row is one 8-byte slot per key, plus the number of its "shape" (its
keys in its own order; the rows of an API page share one). `row(i)` builds a new dict equal to the one given:
the same keys in the same order and the same value objects (nested dicts and lists are the caller's, not
copies). A page is packed when it arrives; a big `set_rows` in the idle steps that build the search index,
so its first frame does not wait (see PACK_AT_ONCE).

Row numbers (positions in insertion order) do the rest, in C unsigned int arrays (4 bytes each, where a list
costs 8 plus 28 per int object), or a plain `range` while no sort or filter applies: `_order` is every row in
the current sort order, `_visible` the rows of `_order` that match the filter. A filter keystroke is one pass
of `needle in haystack` over precomputed lowercase strings, and only over the previous matches when the new
filter extends the old one. Sort keys of the sort column are cached (`widgets.sort_keys`).

The pieces live apart: `widgets.column` (Column, default_sort_key), `widgets.sort_keys` (sort keys and the sorted
order), `widgets.search_text` (what the filter searches). Column, Row and default_sort_key stay importable
from here.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

from widgets.column import Column, Row, default_sort_key
from widgets.search_text import search_texts
from widgets.sort_keys import SortKeys, column_sort_keys, sorted_ids

__all__ = ["PACK_AT_ONCE", "Column", "Row", "RowStore", "default_sort_key"]


class _Missing:
    """The value slot of a key a row does not have (None is a value and must come back as None)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def _dig(value: Any, parts: list[str]) -> Any:
    """A nested value below a top-level value, for dotted keys (None when a step is not a dict)."""
    for part in parts:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


PACK_AT_ONCE = 5_000
"""Rows packed into the value lists as soon as they are given (a page). Packing costs 1-2 µs a row, so a
bigger `set_rows` keeps its dicts until the search index is built (in the table's idle steps) or a sort needs
them: the first frame does not wait for it."""


class RowStore:
    """Rows for a set of columns, with a case-insensitive substring filter and a stable one-column sort."""

    def __init__(self, columns: Sequence[Column] = (), rows: Iterable[Row] = ()) -> None:
        self._columns: list[Column] = list(columns)
        self._needle = ""
        self._sort_key: str | None = None
        self._sort_reverse = False
        self._reset()
        if rows:
            self.extend(rows)

    def _reset(self) -> None:
        """No rows at all (the columns, filter and sort are not touched)."""
        self._packed = 0  # rows in the value lists; the ones after them wait in `_pending`, as given
        self._pending: list[Row] = []
        self._names: list[str] = []  # every key seen, in first-seen order
        self._slots: dict[str, int] = {}  # key → its position in `_names` and `_data`
        self._data: list[list[Any]] = []  # per key, one value per row (`_MISSING` where a row lacks the key)
        self._partial: set[int] = set()  # slots of keys that some row lacks
        self._shape_ids: dict[tuple[str, ...], int] = {}  # a row's keys, in its order → its shape
        self._shapes: list[tuple[tuple[str, ...], tuple[list[Any], ...]]] = []  # per shape: keys and their lists
        self._row_shapes = array("I")  # per row, its shape
        self._haystacks: list[str] = []
        self._order: range | array[int] = range(0)  # a range while unsorted
        self._visible: range | array[int] = self._order  # `_order` itself while unfiltered (neither is
        # changed in place when shared)
        self._key_cache: dict[str, SortKeys] = {}

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
        self._order = self._sorted(range(self.total))
        self._refilter(self._order)

    # -- rows ---------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """How many rows match the filter."""
        return len(self._visible)

    @property
    def total(self) -> int:
        """How many rows there are, filter or not."""
        return self._packed + len(self._pending)

    def row(self, index: int) -> Row:
        """The row at a visible position (IndexError outside 0..len-1): a new dict equal to the one given."""
        return self.row_by_id(self._visible[index])

    def row_id(self, index: int) -> int:
        """A stable identity for the row at a visible position (its position in insertion order)."""
        return self._visible[index]

    def row_by_id(self, row_id: int) -> Row:
        """The row with this identity: a new dict equal to the one given (same keys in the same order, and
        the same value objects: nested dicts and lists are the caller's, not copies).

        A row not packed yet (see PACK_AT_ONCE) is the dict that was given.
        """
        packed = self._packed
        if not 0 <= row_id < packed:
            if row_id < 0:
                row_id += self.total
                if row_id < 0:
                    raise IndexError("row id out of range")
            if row_id >= packed:
                return self._pending[row_id - packed]
        names, lists = self._shapes[self._row_shapes[row_id]]
        return dict(zip(names, [values[row_id] for values in lists], strict=True))

    def find(self, needle: str, keys: Sequence[str], limit: int) -> list[Row]:
        """Up to `limit` rows, filter or not, whose `id` is the needle or whose `keys` contain it (any case).

        For the command palette's jump-to: one pass over each key's value list, building dicts only for hits.
        """
        needle = needle.strip().lower()
        if not needle:
            return []
        columns = [Column(key, key) for key in ("id", *keys)]
        lists = [self._values(column) for column in columns]
        hits: list[int] = []
        for row_id, (identity, *texts) in enumerate(zip(*lists, strict=True)):
            if str(identity) == needle or any(needle in str(text).lower() for text in texts if text is not None):
                hits.append(row_id)
                if len(hits) >= limit:
                    break
        pending_from = self._packed
        for offset, row in enumerate(self._pending):
            if len(hits) >= limit:
                break
            if str(row.get("id")) == needle or any(needle in str(row.get(k) or "").lower() for k in keys):
                hits.append(pending_from + offset)
        return [self.row_by_id(row_id) for row_id in hits]

    def position_of(self, row_id: int) -> int | None:
        """The visible position of a row identity, or None when the filter hides it."""
        try:
            return self._visible.index(row_id)
        except ValueError:
            return None

    @property
    def rows(self) -> list[Row]:
        """The visible rows in order (new dicts, in a new list; use `row(i)` in loops over big stores)."""
        row_by_id = self.row_by_id
        return [row_by_id(i) for i in self._visible]

    def clear(self) -> None:
        """Drop every row; columns, filter and sort stay."""
        self._reset()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row, keeping filter and sort."""
        self.clear()
        self.extend(rows)

    def extend(self, rows: Iterable[Row]) -> None:
        """Add rows (a page that arrived); filter and sort stay applied.

        The store keeps no reference to the dicts once they are packed (a page at once, a big set_rows in
        idle steps): rows that come back are equal new dicts.
        """
        start = self.total
        self._pending.extend(rows)
        if self.total == start:
            return
        if len(self._pending) <= PACK_AT_ONCE or self._key_cache:
            self._pack()
        for key, cached in list(self._key_cache.items()):
            column = self.column(key)
            if not cached.extend(column_sort_keys(column, self._values(column, start))):
                del self._key_cache[key]  # a page in another date layout: made again on the next sort
        new_ids = range(start, self.total)
        if self._sort_key is None:
            self._order = range(self.total)
            if not self._needle:
                self._visible = self._order
            elif isinstance(self._visible, array):  # always, with a filter: its own array
                self._visible.extend(self._matching(new_ids))
        else:
            # Timsort finds the existing sorted run and merges the new rows into it.
            self._order = self._sorted([*self._order, *new_ids])
            self._refilter(self._order)

    def _pack(self, until: int | None = None) -> None:
        """Move given rows into the value lists, all of them or until `until` rows are packed."""
        pending = self._pending
        count = len(pending) if until is None else min(len(pending), until - self._packed)
        if count <= 0:
            return
        if count == len(pending):
            rows, self._pending = pending, []
        else:
            rows = pending[:count]
            del pending[:count]
        if not all(map(isinstance, rows, repeat(dict))):  # other mappings: `dict.get` reads dicts only
            rows = [row if isinstance(row, dict) else dict(row) for row in rows]
        self._store_rows(rows)

    def _store_rows(self, rows: list[Row]) -> None:
        """Append rows to the per-key value lists: C-speed passes, one per key, and one to find each row's shape."""
        shape_ids = self._shape_ids
        shapes = list(map(shape_ids.get, map(tuple, rows)))
        if None in shapes:  # keys never seen (the first page) or in another order: number the new shapes
            for keys in dict.fromkeys(map(tuple, rows)):
                if keys not in shape_ids:
                    self._new_shape(keys)
            shapes = list(map(shape_ids.__getitem__, map(tuple, rows)))
        self._row_shapes.fromlist(shapes)  # type: ignore[arg-type]  # no None is left
        for name, values in zip(self._names, self._data, strict=True):
            values.extend(map(dict.get, rows, repeat(name), repeat(_MISSING)))
        self._packed += len(rows)

    def _new_shape(self, keys: tuple[str, ...]) -> int:
        """Number a shape not seen before: rows with these keys in this order (new keys get value lists)."""
        slots = self._slots
        for name in keys:
            if name not in slots:
                slot = slots[name] = len(self._names)
                self._names.append(name)
                self._data.append([_MISSING] * self._packed)
                if self._shapes:  # rows of the shapes seen so far lack this key
                    self._partial.add(slot)
        present = set(keys)
        self._partial.update(slot for name, slot in slots.items() if name not in present)
        number = len(self._shapes)
        self._shapes.append((keys, tuple(self._data[slots[name]] for name in keys)))
        self._shape_ids[keys] = number
        return number

    def _values(self, column: Column, start: int = 0, end: int | None = None) -> list[Any]:
        """The raw values of a column for packed rows start..end, None where missing (a new list)."""
        stop = self._packed if end is None else end
        top, dotted, rest = column.key.partition(".")
        slot = self._slots.get(top)
        if slot is None:
            return [None] * (stop - start)
        values = self._data[slot][start:stop]
        if slot in self._partial:
            values = [None if value is _MISSING else value for value in values]
        if dotted:
            parts = rest.split(".")
            values = [_dig(value, parts) for value in values]
        return values

    # -- search index -------------------------------------------------------------------------------------

    @property
    def index_pending(self) -> int:
        """How many rows have no search text yet (the index is built lazily, after the first paint)."""
        return self.total - len(self._haystacks)

    def build_index(self, limit: int | None = None) -> bool:
        """Compute the search text of up to `limit` more rows (all when None); True once every row has one.

        Formatting every cell of 100,000 rows takes a fraction of a second, so the table shows rows first and
        calls this in small steps while idle; a filter that arrives earlier finishes the job itself.
        """
        start = len(self._haystacks)
        total = self.total
        end = total if limit is None else min(total, start + limit)
        if end > start:
            self._pack(end)
            cells = [
                search_texts(column, self._values(column, start, end)) for column in self._columns if column.searchable
            ]
            if cells:
                # Cells are joined by a newline, which no one can type into a filter: no match across two
                # cells. (An ASCII separator also keeps ASCII rows at one byte per character.)
                self._haystacks.extend(map(str.lower, map("\n".join, zip(*cells, strict=True))))
            else:
                self._haystacks.extend([""] * (end - start))
        return len(self._haystacks) == total

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

    def _matching(self, ids: Iterable[int]) -> array[int]:
        """The ids among `ids` whose haystack contains the current filter (a new array)."""
        needle = self._needle.lower()
        if not needle:
            return array("I", ids)
        self.build_index()
        haystacks = self._haystacks
        matching = array("I")
        matching.fromlist([i for i in ids if needle in haystacks[i]])
        return matching

    def _refilter(self, candidates: range | array[int]) -> None:
        """Recompute the visible rows from candidates already in sort order (all of `_order` without a filter)."""
        self._visible = self._matching(candidates) if self._needle else self._order

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
        if key is None:
            self._key_cache.clear()
        self._order = self._sorted(range(self.total))
        self._refilter(self._order)

    def _keys(self, key: str) -> SortKeys:
        """The sort keys of every row for one column, cached while it is the sort column."""
        cached = self._key_cache.get(key)
        if cached is None:
            # Only the sort column's keys are kept: one pointer per row when values are their own keys
            # (numbers, ISO UTC dates) or few (names, tiers), a few MB of case-folded text otherwise.
            self._key_cache.clear()
            self._pack()
            column = self.column(key)
            cached = self._key_cache[key] = column_sort_keys(column, self._values(column))
        return cached

    def _sorted(self, ids: Sequence[int]) -> range | array[int]:
        """Every row id (given as `ids`, in any order) in the current sort order (arrival order unsorted)."""
        if self._sort_key is None:
            return range(self.total)
        return sorted_ids(ids, self._keys(self._sort_key), self._sort_reverse)
