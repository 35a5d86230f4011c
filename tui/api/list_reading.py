"""One pass of a white-label list's network pages, as change tracking sees it: the snapshot written page by page,
and the marks found so far against the last look's fingerprint.

A list of 100,000 users is never held twice: each page, projected to records, is compressed into the snapshot's
file (tui/api/snapshot_files.SectionWriter) and compared with the earlier list's fingerprint (about 4 MB), then
dropped; only the marks (the changed rows) and the marked rows' records stay. Pages that arrive before the
fingerprint is read wait for it. No I/O; not thread-safe: the organization screen's ChangesHost
(screens/change_host.py) calls it from one worker, each page in turn, in a thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tui.api.fingerprints import Fingerprint
from tui.api.snapshot_files import SectionWriter
from tui.api.snapshots import Key, Record

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

    @classmethod
    def start(cls, org_id: int, name: str, pass_id: int, at: datetime) -> ListReading:
        return cls(name, pass_id, SectionWriter(org_id, name, at))

    @property
    def at(self) -> datetime:
        return self.writer.at

    def add(self, page: list[tuple[Key, Record]]) -> dict[Key, frozenset[str]]:
        """A page's records (`snapshots.records_from_rows`); returns the marks it added."""
        self.writer.add(page)
        if not self.compared:
            self._waiting.append(page)
            return {}
        return self._mark(page)

    def compare_with(
        self, fingerprint: Fingerprint | None, looked_at: Mapping[Key, Record]
    ) -> dict[Key, frozenset[str]]:
        """The last look arrived: mark the pages that waited for it; returns the marks they added."""
        self.fingerprint, self.looked_at, self.compared = fingerprint, looked_at, True
        waiting, self._waiting = self._waiting, []
        found: dict[Key, frozenset[str]] = {}
        for page in waiting:
            found.update(self._mark(page))
        return found

    def _mark(self, page: list[tuple[Key, Record]]) -> dict[Key, frozenset[str]]:
        if self.fingerprint is None:
            return {}
        found = self.fingerprint.marks(page, self.looked_at)
        if found:
            self.marks.update(found)
            records = dict(page)
            self.records.update((key, records[key]) for key in found)
        return found

    def finish(self) -> bytes:
        """The whole list's snapshot file (compressed)."""
        return self.writer.finish()
