"""RowPack: rows kept compactly, one list of values per key, for 100,000-row tables.

Plain Python (no Textual). One job: hold rows and give them back; which rows are shown, in which order, is
the view's job (`widgets.row_store.RowStore`).

Rows arrive as the API's dicts (camelCase keys) but are not kept as dicts: a dict costs ~290 bytes before its
values, and 100,000 rows in each of two tables made that ~60 MB. The pack keeps one list of values per key
(keys in first-seen order), so a row is one 8-byte slot per key, plus the number of its "shape" (its keys in
its own order; the rows of an API page share one). `row(i)` builds a new dict equal to the one given: the same
keys in the same order and the same value objects (nested dicts and lists are the caller's, not copies).

Rows given in a big batch wait as given (`pending`) until someone asks for their values (`pack`): packing
costs 1-2 µs a row, and the table's first frame should not wait for it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import repeat
from typing import Any

from widgets.column import Row

__all__ = ["RowPack"]


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


class RowPack:
    """Rows by id (their position in arrival order): append, read one back, read one key's values."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """No rows at all."""
        self._packed = 0  # rows in the value lists; the ones after them wait in `_pending`, as given
        self._pending: list[Row] = []
        self._names: list[str] = []  # every key seen, in first-seen order
        self._slots: dict[str, int] = {}  # key → its position in `_names` and `_data`
        self._data: list[list[Any]] = []  # per key, one value per row (`_MISSING` where a row lacks the key)
        self._partial: set[int] = set()  # slots of keys that some row lacks
        self._shape_ids: dict[tuple[str, ...], int] = {}  # a row's keys, in its order → its shape
        self._shapes: list[tuple[tuple[str, ...], tuple[list[Any], ...]]] = []  # per shape: keys and their lists
        self._row_shapes = array("I")  # per row, its shape

    def __len__(self) -> int:
        """How many rows, packed or not."""
        return self._packed + len(self._pending)

    @property
    def packed(self) -> int:
        """How many rows are in the value lists (the first `packed` ids)."""
        return self._packed

    @property
    def pending(self) -> list[Row]:
        """The rows after the packed ones, as given (read only)."""
        return self._pending

    def append(self, rows: Iterable[Row], *, pack: bool) -> range:
        """Add rows (their ids are the returned range); `pack=False` leaves them as given until `pack()`."""
        start = len(self)
        self._pending.extend(rows)
        if pack:
            self.pack()
        return range(start, len(self))

    def pack(self, until: int | None = None) -> None:
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

    def row(self, row_id: int) -> Row:
        """The row with this id: a new dict equal to the one given (same keys in the same order, and the same
        value objects: nested dicts and lists are the caller's, not copies). A row not packed yet is the dict
        that was given. Negative ids count from the end; IndexError outside."""
        packed = self._packed
        if not 0 <= row_id < packed:
            if row_id < 0:
                row_id += len(self)
                if row_id < 0:
                    raise IndexError("row id out of range")
            if row_id >= packed:
                return self._pending[row_id - packed]
        names, lists = self._shapes[self._row_shapes[row_id]]
        return dict(zip(names, [values[row_id] for values in lists], strict=True))

    def values(self, key: str, start: int = 0, end: int | None = None) -> list[Any]:
        """The raw values of a key (dotted keys reach into nested dicts) for packed rows start..end, None
        where missing (a new list)."""
        stop = self._packed if end is None else end
        top, dotted, rest = key.partition(".")
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
