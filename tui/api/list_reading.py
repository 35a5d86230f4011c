"""One pass of a white-label list's network pages, as change tracking sees it: the snapshot written page by page,
and the marks found so far against the last look's fingerprint.

A list of 100,000 users is never held twice: each page is projected to records, compressed into the snapshot's
file (tui/api/snapshot_files.SectionWriter) and compared with the earlier list's fingerprint (about 4 MB), then
dropped; only the marks (the changed rows) and the marked rows' records stay. Pages that arrive before the
fingerprint is read wait for it. No I/O: the organization screen's ChangesHost (screens/change_host.py) drives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.api.fingerprints import Fingerprint
from tui.api.snapshot_files import SectionWriter
from tui.api.snapshots import Key, Record, records_from_rows

__all__ = ["ListReading"]


@dataclass
class ListReading:
    """A pass of one list: `add` each network page, `compare_with` the last look once read, `finish` at the end."""

    name: str
    pass_id: int
    writer: SectionWriter
    looked_at: Mapping[Key, Record] = field(default_factory=dict)
    fingerprint: Fingerprint | None = None
    compared: bool = False
    """The last look was read (`fingerprint` None: there was none, nothing is marked)."""
    marks: dict[Key, frozenset[str]] = field(default_factory=dict)
    records: dict[Key, Record] = field(default_factory=dict)
    """The marked rows' records as read now: opening one looks at it."""
    _waiting: list[list[tuple[Key, Record]]] = field(default_factory=list)
    _finished: bool = False

    @classmethod
    def start(cls, org_id: int, name: str, pass_id: int, at: datetime) -> ListReading:
        return cls(name, pass_id, SectionWriter(org_id, name, at))

    @property
    def at(self) -> datetime:
        return self.writer.at

    def add(self, rows: list[dict[str, Any]]) -> bool:
        """A page of raw rows; True when it marked something."""
        page = list(records_from_rows(self.name, rows))
        self.writer.add(page)
        if not self.compared:
            self._waiting.append(page)
            return False
        return self._mark(page)

    def compare_with(self, fingerprint: Fingerprint | None, looked_at: Mapping[Key, Record]) -> bool:
        """The last look arrived: mark the pages that waited for it; True when something was marked."""
        self.fingerprint, self.looked_at, self.compared = fingerprint, looked_at, True
        waiting, self._waiting = self._waiting, []
        return any([self._mark(page) for page in waiting])

    def _mark(self, page: list[tuple[Key, Record]]) -> bool:
        if self.fingerprint is None:
            return False
        found = self.fingerprint.marks(page, self.looked_at)
        if found:
            self.marks.update(found)
            records = dict(page)
            self.records.update((key, records[key]) for key in found)
        return bool(found)

    @property
    def finished(self) -> bool:
        return self._finished

    def finish(self) -> bytes:
        """The whole list's snapshot file (compressed)."""
        self._finished = True
        return self.writer.finish()
