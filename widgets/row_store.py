"""RowStore: the view over the rows of a ResourceTable: order, filter as you type, sort; fast at 100,000 rows.

Plain Python (no Textual) so it can be tested and benchmarked on its own. The rows themselves live in a
`widgets.row_pack.RowPack` (compact, by id); this module decides which of them are shown, in which order.
A page is packed when it arrives; a big `set_rows` in the idle steps that build the search index, so its
first frame does not wait (see PACK_AT_ONCE).

Row ids (positions in arrival order) do the rest, in C unsigned int arrays (4 bytes each, where a list costs
8 plus 28 per int object), or a plain `range` while no sort or filter applies: `_order` is every row in the
current sort order, `_visible` the rows of `_order` that match the filter. A filter keystroke is one pass of
`needle in haystack` over precomputed lowercase strings, and only over the previous matches when the new
filter extends the old one. Sort keys of the sort column are cached (`widgets.sort_keys`).

The pieces live apart: `widgets.row_pack` (the rows), `widgets.column` (Column, default_sort_key),
`widgets.sort_keys` (sort keys and the sorted order), `widgets.search_text` (what the filter searches).
Column, Row and default_sort_key stay importable from here.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

from widgets.column import Column, Row, default_sort_key
from widgets.row_pack import RowPack
from widgets.search_text import search_texts
from widgets.sort_keys import SortKeys, column_sort_keys, sorted_ids

__all__ = ["PACK_AT_ONCE", "Column", "Row", "RowStore", "default_sort_key"]


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
        self._pack = RowPack()
        self._haystacks: list[str] = []
        self._order: range | array[int] = range(0)  # a range while unsorted
        # `_order` itself while unfiltered; with a filter always an array of its own (the matches), which
        # `extend` grows in place (neither is changed in place when shared).
        self._visible: range | array[int] = array("I") if self._needle else self._order
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
        return len(self._pack)

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
        return self._pack.row(row_id)

    def find(self, needle: str, keys: Sequence[str], limit: int) -> list[Row]:
        """Up to `limit` rows, filter or not, whose `id` is the needle or whose `keys` contain it (any case).

        For the command palette's jump-to: one pass over each key's value list, building dicts only for hits.
        """
        needle = needle.strip().lower()
        if not needle:
            return []
        columns = [Column(key, key) for key in ("id", *keys)]
        lists = [self._pack.values(column.key) for column in columns]
        hits: list[int] = []
        for row_id, (identity, *texts) in enumerate(zip(*lists, strict=True)):
            if str(identity) == needle or any(needle in str(text).lower() for text in texts if text is not None):
                hits.append(row_id)
                if len(hits) >= limit:
                    break
        pending_from = self._pack.packed
        for offset, row in enumerate(self._pack.pending):
            if len(hits) >= limit:
                break
            if str(row.get("id")) == needle or any(needle in str(row.get(k) or "").lower() for k in keys):
                hits.append(pending_from + offset)
        return [self.row_by_id(row_id) for row_id in hits]

    def first_with(self, key: str, value: object, start: int = 0) -> int | None:
        """The id of the first row from `start` on (filter or not) whose `key` holds `value`, or None.

        One C-speed pass over the key's values: how a table finds its cursor's row again among new rows.
        """
        packed = self._pack.packed
        if start < packed:
            values = self._pack.values(key, start)
            try:
                return start + values.index(value)
            except ValueError:
                pass
        for offset, row in enumerate(self._pack.pending[max(0, start - packed) :]):
            if row.get(key) == value:
                return max(start, packed) + offset
        return None

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
        pack = self._pack
        new_ids = pack.append(rows, pack=False)
        if not new_ids:
            return
        if len(pack.pending) <= PACK_AT_ONCE or self._key_cache:
            pack.pack()
        for key, cached in list(self._key_cache.items()):
            column = self.column(key)
            if not cached.extend(column_sort_keys(column, pack.values(key, new_ids.start))):
                del self._key_cache[key]  # a page in another date layout: made again on the next sort
        if self._sort_key is None:
            self._order = range(self.total)
            if not self._needle:
                self._visible = self._order
            else:
                if not isinstance(self._visible, array):  # never shared with `_order` while filtered
                    self._visible = self._matching(range(new_ids.start))
                self._visible.extend(self._matching(new_ids))
        else:
            # Timsort finds the existing sorted run and merges the new rows into it.
            self._order = self._sorted([*self._order, *new_ids])
            self._refilter(self._order)

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
            self._pack.pack(end)
            cells = [
                search_texts(column, self._pack.values(column.key, start, end))
                for column in self._columns
                if column.searchable
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
            self._pack.pack()
            column = self.column(key)
            cached = self._key_cache[key] = column_sort_keys(column, self._pack.values(key))
        return cached

    def _sorted(self, ids: Sequence[int]) -> range | array[int]:
        """Every row id (given as `ids`, in any order) in the current sort order (arrival order unsorted)."""
        if self._sort_key is None:
            return range(self.total)
        return sorted_ids(ids, self._keys(self._sort_key), self._sort_reverse)
