"""One session's snapshots: what it has read, what it compares with, and what the admin has looked at since.

The app holds one `ChangeTracker`; screens hand it each list they read from the network (`record`), and ask it
for marks (`marks`) and reports (`report`). Its rules:
- "the last look" is the newest snapshot taken before this session started: what the admin saw last time.
  `since` (a moment) picks the snapshot nearest it instead, among those older than what is compared;
- this session keeps one file per organization and section, replaced each time the list is read again, and a
  new one once that file is an hour old, so a session watching all day leaves a history by the hour (thinned
  by the store) rather than 30 copies of the last 15 minutes;
- an entity the admin opens is "looked at": its mark goes, until it changes again.
Blocking (file I/O): the screens call it through `asyncio.to_thread`; a lock keeps its state whole.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime, time, timedelta

from tui.api.changes import ChangeReport, compare, section_marks
from tui.api.fingerprints import Fingerprint
from tui.api.snapshot_files import encode_section
from tui.api.snapshot_store import SnapshotStore
from tui.api.snapshots import Key, Record, Section, Snapshot

__all__ = ["IN_MEMORY_RECORDS", "ROLL_AFTER", "ChangeTracker", "clock_on", "utc_now"]

ROLL_AFTER = timedelta(hours=1)
"""A session replaces its own file of a section until that file is this old, then starts another."""
IN_MEMORY_RECORDS = 20_000
"""Sections up to this size stay in memory once read; bigger ones (100,000 users) are read again from disk."""
CACHED_READ_TOLERANCE = timedelta(seconds=1)
"""A section read from the cache was kept when it was fetched: files this close to it are the same reading."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def clock_on(day: date) -> Callable[[], datetime]:
    """ "Now" moved to `day`, the time of day running on: the demo's `--today`, so that a look at the sandbox
    dated a week later is a week later for the snapshots too (since when, per 30 days)."""
    offset = datetime.combine(day, time(0), tzinfo=UTC) - datetime.combine(utc_now().date(), time(0), tzinfo=UTC)
    return lambda: utc_now() + offset


class ChangeTracker:
    """The snapshots of this session. `store` None (`--no-cache`): nothing is kept, nothing compared."""

    def __init__(
        self,
        store: SnapshotStore | None,
        *,
        clock: Callable[[], datetime] = utc_now,
        session_start: datetime | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.session_start = session_start or clock()
        self._lock = threading.Lock()
        self._own: dict[tuple[int, str], tuple[str, datetime]] = {}  # the session's file and when it was begun
        self._latest: dict[tuple[int, str], Section] = {}
        self._latest_at: dict[tuple[int, str], datetime] = {}
        self._last_look: dict[tuple[int, str], Section | None] = {}
        self._looked: dict[tuple[int, str], dict[Key, Record]] = {}

    @property
    def keeps_snapshots(self) -> bool:
        return self.store is not None

    # -- what this session read ----------------------------------------------------------------------------

    def record(self, org_id: int, section: Section) -> Section | None:
        """Keep a section just read from the network; return the one this session read before it (or None).

        A disk that refuses the write costs the history of this look, never the session (the section stays
        in memory for this session's marks and reports).
        """
        key = (org_id, section.name)
        with self._lock:
            previous = self._latest.get(key)
        if self._is_late(key, section.at):
            return previous  # an older reading that finished late
        kept = len(section.records) <= IN_MEMORY_RECORDS or self.store is None
        data = encode_section(org_id, section) if self.store is not None else b""
        self._keep(org_id, section.name, section.at, data, section if kept else None)
        return previous

    def record_encoded(self, org_id: int, name: str, at: datetime, data: bytes) -> None:
        """Keep a section already encoded page by page (a long list: its records were never all in memory)."""
        if not self._is_late((org_id, name), at):
            self._keep(org_id, name, at, data, None)

    def _is_late(self, key: tuple[int, str], at: datetime) -> bool:
        with self._lock:
            return key in self._latest_at and self._latest_at[key] > at

    def _keep(self, org_id: int, name: str, at: datetime, data: bytes, section: Section | None) -> None:
        key = (org_id, name)
        with self._lock:
            self._latest_at[key] = at
            if section is not None:
                self._latest[key] = section
            else:
                self._latest.pop(key, None)  # read from its file when asked
            if self.store is None:
                return
            own = self._own.get(key)
            replacing = own[0] if own is not None and at - own[1] < ROLL_AFTER else None
            try:
                file = self.store.save_encoded(org_id, name, at, data, replacing=replacing)
            except OSError:
                return
            self._own[key] = (file, own[1] if replacing is not None and own is not None else at)
            if replacing is None:
                self.store.prune(org_id, name)

    def latest(self, org_id: int, name: str) -> Section | None:
        """The newest section of this name this session read (from memory, or its file)."""
        key = (org_id, name)
        with self._lock:
            found = self._latest.get(key)
            own = self._own.get(key)
        if found is not None or own is None or self.store is None:
            return found
        return self.store.load(org_id, name, own[0])

    def recent(self, org_id: int, *, within: timedelta, names: Collection[str]) -> dict[str, Section]:
        """Sections of these names this session read less than `within` ago (to reuse rather than read again)."""
        now = self.clock()
        found = {}
        for name in names:
            with self._lock:
                at = self._latest_at.get((org_id, name))
            if at is not None and now - at < within:
                section = self.latest(org_id, name)
                if section is not None:
                    found[name] = section
        return found

    # -- what it is compared with --------------------------------------------------------------------------

    def baseline(
        self,
        org_id: int,
        name: str,
        *,
        since: datetime | None = None,
        current: Section | None = None,
        from_cache: bool = False,
    ) -> Section | None:
        """The earlier section to compare with: the last look (before this session), or the one nearest `since`.

        `current`: the section it is compared with (its own file is never its baseline); `from_cache`: that
        section came from the cache, so a file taken when it was fetched is the same reading, not an earlier one.
        """
        if self.store is None:
            return None
        key = (org_id, name)
        before = self.session_start if since is None else (current.at if current is not None else self.clock())
        if from_cache and current is not None:
            before = min(before, current.at - CACHED_READ_TOLERANCE)
        if since is None and not from_cache:
            with self._lock:
                if key in self._last_look:
                    return self._last_look[key]
        with self._lock:
            own = self._own.get(key)
        chosen = self.store.choose(org_id, name, before=before, near=since, exclude={own[0]} if own else ())
        found = self.store.load(org_id, name, chosen) if chosen is not None else None
        if since is None and not from_cache and (found is None or len(found.records) <= IN_MEMORY_RECORDS):
            with self._lock:
                self._last_look[key] = found
        return found

    def report(
        self, org_id: int, current: Snapshot, *, since: datetime | None = None, from_cache: Collection[str] = ()
    ) -> ChangeReport:
        """Every change between `current` and the earlier sections (the last look, or nearest `since`)."""
        earlier = Snapshot(org_id)
        for name, section in current.sections.items():
            found = self.baseline(org_id, name, since=since, current=section, from_cache=name in from_cache)
            if found is not None:
                earlier.add(found)
        return compare(earlier, current)

    def first_taken(self, org_id: int) -> datetime | None:
        """When the oldest snapshot of this organization was taken (this session's own included)."""
        kept = self.store.first_taken(org_id) if self.store is not None else None
        with self._lock:
            own = [at for (org, _name), at in self._latest_at.items() if org == org_id]
        return min([*own, *([kept] if kept is not None else [])], default=None)

    # -- marks -----------------------------------------------------------------------------------------------

    def look_at(self, org_id: int, name: str, key: Key, record: Record) -> None:
        """The admin opened this entity: its mark goes until it differs from `record`."""
        with self._lock:
            self._looked.setdefault((org_id, name), {})[key] = record

    def looked_at(self, org_id: int, name: str) -> Mapping[Key, Record]:
        with self._lock:
            return dict(self._looked.get((org_id, name), {}))

    def marks(self, org_id: int, section: Section) -> dict[Key, frozenset[str]]:
        """What differs in this section from the last look (and from what the admin has opened since)."""
        earlier = self.baseline(org_id, section.name)
        return section_marks(earlier, section, self.looked_at(org_id, section.name))

    def fingerprint(self, org_id: int, name: str) -> Fingerprint | None:
        """The last look at a long list, as a fingerprint (tui/api/fingerprints.py); None when there is none."""
        if self.store is None:
            return None
        chosen = self.store.choose(org_id, name, before=self.session_start)
        return self.store.fingerprint(org_id, name, chosen) if chosen is not None else None
