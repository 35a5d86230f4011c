"""Where snapshots live: kept files (`tui/api/kept.py`) named `snapshots/<org>/<section>/<UTC time>.json.gz`.

Each section of each organization is a folder of dated files, so a report can pair the newest fleet with an
older member list, and `--since 7d` finds the file nearest a moment without opening any. Writes are atomic
(a killed process leaves the previous file whole; a half-written one is a temporary name nobody reads), and
the folder is bounded after each new file (`retained`): the 10 newest, then the newest of each older day, 30
at most. A session that reads the same list again replaces its own file rather than adding one (see
change_tracker.py), so a day of watching does not push the history out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from tui.api.fingerprints import Fingerprint
from tui.api.kept import KeptFiles
from tui.api.snapshot_files import Damaged, decode_section, encode_section, read_section
from tui.api.snapshots import SECTIONS, Section

__all__ = ["KEEP", "KEEP_NEWEST", "MAX_FILE_BYTES", "SnapshotStore", "file_time", "retained"]

KEEP = 30
"""The most files kept per organization and section."""
KEEP_NEWEST = 10
"""The newest files always kept; older ones are thinned to one a day."""
MAX_FILE_BYTES = 64_000_000
"""The largest section file read (compressed): a 100,000-user list compresses to about 2 MB."""
PREFIX = "snapshots"

_STAMP = "%Y%m%dT%H%M%S%fZ"
_FILE = re.compile(r"^(\d{8}T\d{12}Z)\.json\.gz$")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def file_time(name: str) -> datetime | None:
    """The time in a section file's name (None for a name that is not one)."""
    found = _FILE.match(name.rsplit("/", 1)[-1])
    if found is None:
        return None
    try:
        return datetime.strptime(found.group(1), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def retained(times: Sequence[datetime], *, keep: int = KEEP, newest: int = KEEP_NEWEST) -> set[int]:
    """Which of these times (indexes) to keep: the `newest` newest, then the newest of each older UTC day,
    `keep` in all. History thins with age rather than ending at the 30th look of a busy afternoon."""
    order = sorted(range(len(times)), key=lambda i: times[i], reverse=True)
    kept = order[:newest]
    days = {times[i].astimezone(UTC).date() for i in kept}
    for index in order[newest:]:
        day = times[index].astimezone(UTC).date()
        if day not in days:
            days.add(day)
            kept.append(index)
    return set(kept[:keep])


class SnapshotStore:
    """The snapshot files of one namespace (endpoint and credential). Never raises on a bad file."""

    def __init__(self, kept: KeptFiles) -> None:
        self.kept = kept

    @staticmethod
    def folder(org_id: int, section: str) -> str:
        if section not in SECTIONS:
            raise ValueError(f"unknown snapshot section {section!r}")
        return f"{PREFIX}/{int(org_id)}/{section}"

    def files(self, org_id: int, section: str) -> list[tuple[datetime, str]]:
        """(time, name) of every file of this section, oldest first."""
        found = []
        for name in self.kept.names(self.folder(org_id, section)):
            moment = file_time(name)
            if moment is not None:
                found.append((moment, name))
        return sorted(found)

    def save(self, org_id: int, section: Section, *, replacing: str | None = None) -> str:
        """Write the section under its time; delete `replacing` (the session's previous file) once written.

        Raises OSError (a full disk) for the caller to report; the previous file is then untouched.
        """
        return self.save_encoded(org_id, section.name, section.at, encode_section(org_id, section), replacing=replacing)

    def save_encoded(
        self, org_id: int, section: str, at: datetime, data: bytes, *, replacing: str | None = None
    ) -> str:
        """`save` for a section already encoded (snapshot_files.SectionWriter: a long list, page by page)."""
        name = f"{self.folder(org_id, section)}/{stamp(at)}.json.gz"
        self.kept.write(name, data)
        if replacing is not None and replacing != name:
            self.kept.delete(replacing)
        return name

    def load(self, org_id: int, section: str, name: str) -> Section | None:
        data = self.kept.read(name, max_bytes=MAX_FILE_BYTES)
        if data is None:
            return None
        return decode_section(data, org_id=org_id, name=section)

    def fingerprint(self, org_id: int, section: str, name: str) -> Fingerprint | None:
        """The file reduced to its fingerprint, read as a stream (a long list is never whole in memory)."""
        data = self.kept.read(name, max_bytes=MAX_FILE_BYTES)
        if data is None:
            return None
        try:
            _at, entities = read_section(data, org_id=org_id, name=section)
            return Fingerprint.of(section, entities)
        except Damaged:
            return None

    def prune(self, org_id: int, section: str) -> list[str]:
        """Delete what `retained` does not keep; return the names deleted."""
        files = self.files(org_id, section)
        keep = retained([moment for moment, _ in files])
        gone = [name for index, (_, name) in enumerate(files) if index not in keep]
        for name in gone:
            self.kept.delete(name)
        return gone

    def choose(
        self,
        org_id: int,
        section: str,
        *,
        before: datetime,
        near: datetime | None = None,
        exclude: Collection[str] = (),
    ) -> str | None:
        """The file to compare with: the newest before `before`, or the one nearest `near` (the older on a tie)."""
        candidates = [(moment, name) for moment, name in self.files(org_id, section) if moment < before]
        candidates = [(moment, name) for moment, name in candidates if name not in exclude]
        if not candidates:
            return None
        if near is None:
            return candidates[-1][1]
        return min(candidates, key=lambda item: (abs((item[0] - near).total_seconds()), item[0]))[1]

    def first_taken(self, org_id: int) -> datetime | None:
        """When the oldest kept file of this organization was taken (any section)."""
        times = [files[0][0] for section in SECTIONS if (files := self.files(org_id, section))]
        return min(times, default=None)
