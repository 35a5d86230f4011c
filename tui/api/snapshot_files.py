"""A snapshot section on disk: gzip-compressed JSON lines, written and read as a stream.

The first line names the file (format, organization, section, time, field names); each next line is a batch of
up to 1,000 entities, `[[key, value, …], …]` (one JSON call per batch, not per entity). Written page by page
(`SectionWriter`), a 100,000-user list never exists as one document in memory: only its compressed bytes (about
1 MB) do. Read back as a stream too (`read_section`): bounded (each decompression step, each line, the whole),
strict (a file that is not exactly ours, or cut short, reads as None, never as half a snapshot), and refusing
NaN and anything that is not a plain value. Pure Python, no I/O.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from tui.api.snapshots import SECTIONS, Key, Record, Section, as_utc

__all__ = [
    "FORMAT",
    "MAX_EXPANDED_BYTES",
    "SectionWriter",
    "decode_section",
    "encode_section",
    "read_section",
]

FORMAT = "eiscope-snapshot-3"
"""Names the layout of a section file; a file of another layout reads as absent."""
MAX_EXPANDED_BYTES = 256_000_000
"""The most a section may expand to (a gzip bomb stops here): a 100,000-user list is about 8 MB."""
MAX_LINE_BYTES = 4_000_000
BATCH = 1_000
"""Entities per line."""
STEP_BYTES = 1 << 20
"""Decompressed at most this much at a time."""
_SCALARS = frozenset({str, int, float, bool, type(None)})
"""What a record's value may be."""


class Damaged(ValueError):
    """The file is not a whole section of ours (cut short, corrupt, foreign, too big)."""


def _line(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


class SectionWriter:
    """A section's file, compressed as it is given, page by page. An entity given twice (a row that moved from
    one page to the next) is written twice; reading keeps the last (no set of 100,000 ids is held to avoid it)."""

    def __init__(self, org_id: int, name: str, at: datetime) -> None:
        spec = SECTIONS[name]
        self.name = name
        self.at = as_utc(at)
        self.count = 0
        self._deflater = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
        header = {"format": FORMAT, "org": int(org_id), "section": name, "at": self.at.isoformat()}
        self._parts = [self._deflater.compress(_line({**header, "fields": list(spec.fields)}))]

    def add(self, records: Iterable[tuple[Key, Record]]) -> None:
        batch: list[list[Any]] = []
        for key, record in records:
            batch.append([key, *record])
            if len(batch) == BATCH:
                self._write(batch)
                batch = []
        if batch:
            self._write(batch)

    def _write(self, batch: list[list[Any]]) -> None:
        self.count += len(batch)
        self._parts.append(self._deflater.compress(_line(batch)))

    def finish(self) -> bytes:
        self._parts.append(self._deflater.flush())
        return b"".join(self._parts)


def encode_section(org_id: int, section: Section) -> bytes:
    writer = SectionWriter(org_id, section.name, section.at)
    writer.add(section.records.items())
    return writer.finish()


def _lines(data: bytes, limit: int) -> Iterator[bytes]:
    """The file's lines, decompressed step by step; raises Damaged past the bounds or on a bad stream."""
    inflater = zlib.decompressobj(wbits=31)  # the gzip header and trailer (a CRC) are checked
    pending, expanded = b"", 0
    for start in range(0, len(data), STEP_BYTES):
        chunk = data[start : start + STEP_BYTES]
        while chunk:
            try:
                out = inflater.decompress(chunk, STEP_BYTES)
            except zlib.error as error:
                raise Damaged(str(error)) from None
            chunk = inflater.unconsumed_tail
            expanded += len(out)
            if expanded > limit:
                raise Damaged("expands past the bound")
            *lines, pending = (pending + out).split(b"\n")
            if len(pending) > MAX_LINE_BYTES:
                raise Damaged("a line past the bound")
            yield from lines
    if not inflater.eof or inflater.unused_data or pending:
        raise Damaged("cut short")


def _refuse_constant(name: str) -> None:
    raise Damaged(f"{name} is not a value a snapshot holds")


def _json(line: bytes) -> Any:
    try:
        return json.loads(line, parse_constant=_refuse_constant)
    except ValueError as error:
        raise Damaged(str(error)) from None


def read_section(
    data: bytes, *, org_id: int, name: str, max_expanded: int = MAX_EXPANDED_BYTES
) -> tuple[datetime, Iterator[tuple[Key, Record]]]:
    """The section's time and its entities as a stream. Raises Damaged, from here for a foreign file, or
    while iterating for a damaged one (so a reader keeps nothing until the stream ends well).

    Fields are matched by name, so a file written with fewer fields (an older eiscope) still reads, the
    missing ones as None; an entity of the wrong shape or types is left out.
    """
    spec = SECTIONS.get(name)
    if spec is None:
        raise Damaged(f"unknown section {name!r}")
    lines = _lines(data, max_expanded)
    header = _json(next(lines, b"null"))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Damaged("not a snapshot of this layout")
    if header.get("org") != org_id or header.get("section") != name:
        raise Damaged("another organization's or list's")
    try:
        at = as_utc(datetime.fromisoformat(str(header.get("at"))))
    except ValueError:
        raise Damaged("no time") from None
    fields = header.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise Damaged("no field names")
    where = [fields.index(f) + 1 if f in fields else None for f in spec.fields]
    same = fields == list(spec.fields)  # the usual case: no mapping needed
    width = len(fields) + 1

    def entities() -> Iterator[tuple[Key, Record]]:
        for line in lines:
            batch = _json(line)
            if type(batch) is not list:
                raise Damaged("a line that is not a batch")
            for row in batch:
                if type(row) is not list or len(row) != width or type(row[0]) not in (int, str):
                    continue
                if all(type(value) in _SCALARS for value in row):
                    yield row[0], tuple(row[1:]) if same else tuple(row[i] if i is not None else None for i in where)

    return at, entities()


def decode_section(data: bytes, *, org_id: int, name: str, max_expanded: int = MAX_EXPANDED_BYTES) -> Section | None:
    """A whole section read back, or None when the file is not a whole, valid section of this org and list."""
    try:
        at, entities = read_section(data, org_id=org_id, name=name, max_expanded=max_expanded)
        return Section(name, at, dict(entities))
    except Damaged:
        return None
