"""A long list's earlier section, reduced to what its marks need: per entity, one hash per field.

The marks of a white-label list of 100,000 users compare each page, as it arrives, with the last look. Holding
that look as records would take ~35 MB (its names are new strings); as sorted arrays of ids and field hashes it
takes ~4 MB, and a page is compared in a millisecond or two. Hashes are this process's (Python's `hash`), made
and compared in the same session; a collision could hide one change in 2^64. Pure Python, no I/O.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tui.api.changes import ADDED
from tui.api.snapshots import SECTIONS, Key, Record

__all__ = ["Fingerprint"]


@dataclass
class Fingerprint:
    """The entities of a list (int ids, sorted) and a hash of each of their fields."""

    name: str
    keys: array[int]
    hashes: list[array[int]]

    @classmethod
    def of(cls, name: str, entities: Iterable[tuple[Key, Record]]) -> Fingerprint:
        """From a section's entities (a stream: nothing but the arrays is kept); entities without an int id are
        left out (the long lists are keyed by id)."""
        width = len(SECTIONS[name].fields)
        keys: array[int] = array("q")
        columns: list[array[int]] = [array("q") for _ in range(width)]
        for key, record in entities:
            if type(key) is not int or len(record) != width:
                continue
            keys.append(key)
            for column, value in zip(columns, record, strict=True):
                column.append(hash(value))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        return cls(name, array("q", (keys[i] for i in order)), [array("q", (c[i] for i in order)) for c in columns])

    def __len__(self) -> int:
        return len(self.keys)

    def _position(self, key: Key) -> int | None:
        if type(key) is not int:
            return None
        position = bisect_left(self.keys, key)
        return position if position < len(self.keys) and self.keys[position] == key else None

    def marks(
        self, records: Iterable[tuple[Key, Record]], looked_at: Mapping[Key, Record] | None = None
    ) -> dict[Key, frozenset[str]]:
        """Each entity that differs from this earlier list: its changed fields, or {ADDED} when it is new.
        `looked_at`: records the admin opened since; those are compared with what was looked at instead."""
        fields = SECTIONS[self.name].fields
        looked_at = looked_at or {}
        found: dict[Key, frozenset[str]] = {}
        for key, record in records:
            seen = looked_at.get(key)
            if seen is not None:
                changed = frozenset(f for f, old, new in zip(fields, seen, record, strict=True) if old != new)
            else:
                position = self._position(key)
                if position is None:
                    found[key] = frozenset({ADDED})
                    continue
                changed = frozenset(
                    f
                    for f, column, value in zip(fields, self.hashes, record, strict=True)
                    if column[position] != hash(value)
                )
            if changed:
                found[key] = changed
        return found
