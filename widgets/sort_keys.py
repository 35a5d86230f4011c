"""Sort keys for a RowStore column, made in C-speed passes, and the sorted order of row ids.

Plain Python (no Textual). The store caches the keys of its sort column (`SortKeys`, one key per row) and
extends them as pages arrive. Numbers and ISO UTC dates in one layout are their own keys, and a column of few
distinct strings shares its case-folded keys, so sorting by them makes no per-row objects. Every fast path
orders exactly as `default_sort_key` would.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import is_
from typing import Any

from widgets.column import ISO_DATE, Column, default_sort_key, iso_key

__all__ = ["SortKeys", "column_sort_keys", "sorted_ids"]

_DIGITS_TO_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)


def _uniform_utc_length(strings: list[str | None]) -> int:
    """The common length when every string is an ISO UTC moment in one layout ("2026-11-24T13:05:00.000Z"), else 0.

    None and "" are skipped. Such strings sort as text in time order, so they are their own sort keys: no
    per-row work. Checked in C: every digit becomes "0" and the whole column must equal the layout repeated.
    """
    lengths = set(map(len, filter(None, strings)))
    if len(lengths) != 1:
        return 0
    length = lengths.pop()
    if length == 20:
        layout = "0000-00-00T00:00:00Z"
    elif length >= 22:
        layout = "0000-00-00T00:00:00." + "0" * (length - 21) + "Z"
    else:
        return 0
    try:
        text = "".join(filter(None, strings)).encode("ascii")
    except UnicodeEncodeError:
        return 0
    return length if text.translate(_DIGITS_TO_ZERO) == layout.encode("ascii") * (len(text) // length) else 0


@dataclass(slots=True)
class SortKeys:
    """The sort keys of one column, a key per row (None for no value), and how they were made."""

    way: str
    """"number" and "iso" (ISO UTC strings in one layout, `length` long) are the values themselves; "text" is
    case-folded, "dates" parsed, "any" `default_sort_key`, "custom" the column's own, "none" all None."""
    keys: list[Any]
    has_none: bool
    length: int = 0

    def extend(self, more: SortKeys) -> bool:
        """Add the keys of new rows; False when they were made another way and all keys must be made again.

        Every way but "iso" gives what `default_sort_key` gives for each value, so they mix; raw "iso"
        strings only mix with "iso" strings of the same length, or with no values.
        """
        if more.way not in (self.way, "none") and "iso" in (self.way, more.way):
            return False
        if more.way == "iso" and more.length != self.length:
            return False
        self.keys.extend(more.keys)
        self.has_none = self.has_none or more.has_none
        return True


def column_sort_keys(column: Column, values: list[Any]) -> SortKeys:
    """The sort keys of a column's values, made in one C-speed pass where possible.

    `values` is a fresh list the caller gives away: numbers and ISO UTC strings in one layout are their own keys
    (no per-row work, no new objects), which is what makes the first sort by a date as fast as the next ones.
    """
    custom = column.sort_key
    if custom is not None:
        keys = [None if value is None else custom(value) for value in values]
        return SortKeys("custom", keys, any(map(is_, keys, repeat(None))))
    kinds = set(map(type, values))
    has_none = type(None) in kinds
    kinds.discard(type(None))
    if not kinds:
        return SortKeys("none", values, has_none)
    if kinds <= {int, float}:
        return SortKeys("number", values, has_none)
    if kinds != {str}:
        return SortKeys("any", [default_sort_key(value) for value in values], has_none)
    if ISO_DATE.match(next(filter(None, values), "")):
        length = _uniform_utc_length(values)
        if length:
            return SortKeys("iso", values, has_none, length)
        return SortKeys("dates", [None if value is None else iso_key(value) for value in values], has_none)
    distinct = set(values)
    distinct.discard(None)
    if len(distinct) * 4 <= len(values):
        # Few distinct values (names, tiers, categories): fold each once, and share the folded strings.
        folded: dict[str | None, str | None] = {value: value.casefold() for value in distinct}
        folded[None] = None
        return SortKeys("text", list(map(folded.__getitem__, values)), has_none)
    if has_none:
        return SortKeys("text", [None if value is None else value.casefold() for value in values], has_none)
    return SortKeys("text", list(map(str.casefold, values)), has_none)


def sorted_ids(ids: Sequence[int], sort_keys: SortKeys, reverse: bool) -> array[int]:
    """Every row id (given as `ids`, in any order) sorted by its key; rows without a value go last, in arrival
    order. Timsort is fastest when `ids` is mostly sorted already."""
    keys = sort_keys.keys
    missing: list[int] = []
    if sort_keys.has_none:
        # Rows without a value apart, then a plain sort of the rest: two quick passes beat a
        # (key is None, key) tuple per row, and keep the sort on one type (CPython then compares faster).
        missing = sorted([i for i in ids if keys[i] is None])
        present = [i for i in ids if keys[i] is not None]
    else:
        present = list(ids)
    try:
        present.sort(key=keys.__getitem__, reverse=reverse)
    except TypeError:
        # Mixed types in one column (numbers and strings): group by type, then compare as text.
        def mixed(i: int) -> tuple[int, Any]:
            value = keys[i]
            if isinstance(value, int | float):
                return (0, value)
            return (1, str(value))

        present.sort(key=mixed, reverse=reverse)
    order = array("I")  # unsigned: built several times faster than "i" (no signed range check per item)
    order.fromlist(present)
    order.fromlist(missing)
    return order
