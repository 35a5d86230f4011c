"""Snapshots: what a change report needs of an organization at one moment, compact, dated, and safe to keep.

A snapshot is made of sections, one per list an organization shows (members, projects, datasets, inner
organizations, white-label users and projects) and one for the fleet (each inner organization's status, used
figures and limits). Each section is read at its own moment (a screen reads its lists one by one), so each
carries its own time. A record keeps only the few fields a report compares or names (name, role, tier,
created and deleted dates, limits, used figures): never a key or a header, never a whole body.

On disk a section is one gzip-compressed JSON document (`encode_section` / `decode_section`): the field names
once, then one short array per entity. Decoding is bounded (compressed and expanded sizes) and strict: a file
that is not exactly ours reads as None, never as half a snapshot. Pure Python, no I/O (snapshot_store.py
keeps the files).
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.api.fleet import RESOURCES, OrgHealth

__all__ = [
    "FORMAT",
    "LIMIT_FIELDS",
    "LIMIT_PREFIX",
    "MAX_EXPANDED_BYTES",
    "SECTIONS",
    "USED_FIELDS",
    "USED_PREFIX",
    "Key",
    "Record",
    "Section",
    "SectionSpec",
    "Snapshot",
    "Value",
    "decode_section",
    "encode_section",
    "fleet_section",
    "section_from_rows",
]

FORMAT = "eiscope-snapshot-1"
"""Names the layout of a section file; a file of another layout reads as absent."""
MAX_EXPANDED_BYTES = 256_000_000
"""The most a section's JSON may expand to (a gzip bomb stops here): a 100,000-user list is about 8 MB."""

Key = int | str
"""What identifies an entity in its list: its id (a dataset: its name)."""
Value = str | int | float | bool | None
Record = tuple[Value, ...]
"""One entity's fields, in the order of its section's `fields`."""

LIMIT_PREFIX = "limit."
USED_PREFIX = "used."
LIMIT_FIELDS = tuple(f"{LIMIT_PREFIX}{r.key}" for r in RESOURCES)
USED_FIELDS = tuple(f"{USED_PREFIX}{r.key}" for r in RESOURCES)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _first_text(row: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        text = _text(row.get(name))
        if text is not None:
            return text
    return None


def _day(value: Any) -> str | None:
    """An ISO date or moment as its day (`2026-11-20`): enough to say when, and a tenth of the bytes."""
    text = _text(value)
    return text[:10] if text is not None else None


def _number(value: Any) -> int | float | None:
    """A finite number (ints stay ints: they are shorter on disk); None for anything else, bools included."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value


def _limits(row: Mapping[str, Any]) -> tuple[int | float | None, ...]:
    limits = row.get("entitlementLimits")
    limits = limits if isinstance(limits, Mapping) else {}
    return tuple(_number(limits.get(r.limit_field)) for r in RESOURCES)


def _member(row: Mapping[str, Any]) -> Record:
    return (_first_text(row, "name", "username", "email"), _text(row.get("role")), _day(row.get("added")))


def _project(row: Mapping[str, Any]) -> Record:
    return (_first_text(row, "name"), _text(row.get("tier")), _day(row.get("created")))


def _dataset(row: Mapping[str, Any]) -> Record:
    return (_first_text(row, "dataset"), _text(row.get("type")))


def _inner_org(row: Mapping[str, Any]) -> Record:
    return (_first_text(row, "name"), _day(row.get("created")), *_limits(row))


def _whitelabel_user(row: Mapping[str, Any]) -> Record:
    name = _first_text(row, "name", "username", "email")
    return (name, _text(row.get("tier")), _day(row.get("created")), _day(row.get("deletedDate")))


def _whitelabel_project(row: Mapping[str, Any]) -> Record:
    return (_first_text(row, "name"), _text(row.get("tier")), _day(row.get("created")), _day(row.get("deletedDate")))


@dataclass(frozen=True)
class SectionSpec:
    """One kind of section: the entity it holds, what identifies a row, and the fields kept of each.

    `compared`: fields whose change is reported as `changed` (a role, a tier, a name).
    """

    name: str
    entity: str
    key_field: str
    fields: tuple[str, ...]
    compared: tuple[str, ...] = ()
    project: Callable[[Mapping[str, Any]], Record] | None = None

    def index(self, name: str) -> int:
        return self.fields.index(name)

    def key_of(self, row: Mapping[str, Any]) -> Key | None:
        """The row's identity: an int id (bools and other types refused), or a non-empty name for datasets."""
        value = row.get(self.key_field)
        if isinstance(value, bool):
            return None
        if isinstance(value, int) or (isinstance(value, str) and value):
            return value
        return None


SECTIONS: dict[str, SectionSpec] = {
    spec.name: spec
    for spec in (
        SectionSpec(
            "members",
            "user",
            "id",
            ("name", "role", "added"),
            compared=("name", "role"),
            project=_member,
        ),
        SectionSpec(
            "projects",
            "project",
            "id",
            ("name", "tier", "created"),
            compared=("name", "tier"),
            project=_project,
        ),
        SectionSpec("datasets", "dataset", "dataset", ("name", "type"), compared=("type",), project=_dataset),
        SectionSpec(
            "inner-orgs",
            "inner-org",
            "id",
            ("name", "created", *LIMIT_FIELDS),
            compared=("name",),
            project=_inner_org,
        ),
        SectionSpec(
            "wl-users",
            "wl-user",
            "id",
            ("name", "tier", "created", "deleted"),
            compared=("name", "tier"),
            project=_whitelabel_user,
        ),
        SectionSpec(
            "wl-projects",
            "wl-project",
            "id",
            ("name", "tier", "created", "deleted"),
            compared=("name", "tier"),
            project=_whitelabel_project,
        ),
        SectionSpec(
            "fleet",
            "inner-org",
            "id",
            ("name", "status", "error", *USED_FIELDS, *LIMIT_FIELDS),
        ),
    )
}
"""Every section, by name; the order is the report's."""


@dataclass(frozen=True)
class Section:
    """One list (or the fleet) of one organization as read at `at` (aware, UTC)."""

    name: str
    at: datetime
    records: dict[Key, Record] = field(default_factory=dict)

    @property
    def spec(self) -> SectionSpec:
        return SECTIONS[self.name]

    def field(self, record: Record, name: str) -> Value:
        return record[self.spec.index(name)]

    def as_dict(self, key: Key) -> dict[str, Value] | None:
        """One record with its field names (None when the entity is not in this section)."""
        record = self.records.get(key)
        return None if record is None else dict(zip(self.spec.fields, record, strict=True))


@dataclass
class Snapshot:
    """An organization's sections; a section not read is absent (which is not the same as empty)."""

    org_id: int
    sections: dict[str, Section] = field(default_factory=dict)

    def add(self, section: Section) -> None:
        self.sections[section.name] = section

    def get(self, name: str) -> Section | None:
        return self.sections.get(name)

    @property
    def taken_at(self) -> datetime | None:
        """The newest section's time (None when empty)."""
        return max((s.at for s in self.sections.values()), default=None)

    @property
    def oldest_at(self) -> datetime | None:
        return min((s.at for s in self.sections.values()), default=None)


def section_from_rows(name: str, rows: Iterable[Mapping[str, Any]], at: datetime) -> Section:
    """A list's section from its raw API rows (the API's names); rows without an identity are left out."""
    spec = SECTIONS[name]
    if spec.project is None:
        raise ValueError(f"section {name!r} is not made from list rows")
    records: dict[Key, Record] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        key = spec.key_of(row)
        if key is not None:
            records[key] = spec.project(row)
    return Section(name, _utc(at), records)


def fleet_record(name: str | None, health: OrgHealth) -> Record:
    """An inner organization's fleet record: name, status, whether it failed, used figures, limits."""
    usages = [health.usage(r.key) for r in RESOURCES]
    return (
        _text(name),
        health.status.value,
        health.error is not None,
        *(_number(u.used) for u in usages),
        *(_number(u.limit) for u in usages),
    )


def fleet_section(entries: Iterable[tuple[int, str | None, OrgHealth]], at: datetime) -> Section:
    """The fleet's section from (inner id, name, health) of each inner organization read."""
    return Section("fleet", _utc(at), {inner_id: fleet_record(name, health) for inner_id, name, health in entries})


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# ---------------------------------------------------------------- on disk


def encode_section(org_id: int, section: Section) -> bytes:
    """The section as gzip-compressed JSON (zlib's gzip wrapper, mtime 0: the same section, the same bytes)."""
    document = {
        "format": FORMAT,
        "org": int(org_id),
        "section": section.name,
        "at": section.at.isoformat(),
        "fields": list(section.spec.fields),
        "rows": [[key, *record] for key, record in section.records.items()],
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    deflater = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    return deflater.compress(text.encode("utf-8")) + deflater.flush()


def _expand(data: bytes, limit: int) -> bytes | None:
    """Gunzip at most `limit` bytes; None for a corrupt, truncated or oversized stream."""
    inflater = zlib.decompressobj(wbits=31)  # gzip header and trailer checked
    try:
        expanded = inflater.decompress(data, limit + 1)
    except zlib.error:
        return None
    if len(expanded) > limit or not inflater.eof or inflater.unused_data:
        return None
    return expanded


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""What a record's value may be (JSON's NaN and infinities are refused when the file is parsed)."""


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a value a snapshot holds")


def decode_section(data: bytes, *, org_id: int, name: str, max_expanded: int = MAX_EXPANDED_BYTES) -> Section | None:
    """A section file read back, or None when it is not a whole, valid section of this org and name.

    Fields are matched by name, so a file written with fewer fields (an older eiscope) still reads, the
    missing ones as None; a row whose shape or types are wrong is left out.
    """
    spec = SECTIONS.get(name)
    expanded = _expand(data, max_expanded) if spec is not None else None
    if expanded is None or spec is None:
        return None
    try:
        document = json.loads(expanded, parse_constant=_refuse_constant)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    if document.get("org") != org_id or document.get("section") != name:
        return None
    try:
        at = _utc(datetime.fromisoformat(str(document.get("at"))))
    except ValueError:
        return None
    fields, rows = document.get("fields"), document.get("rows")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields) or not isinstance(rows, list):
        return None
    where = [fields.index(f) + 1 if f in fields else None for f in spec.fields]
    same = fields == list(spec.fields)  # the usual case: no mapping needed
    width = len(fields) + 1
    records: dict[Key, Record] = {}
    for row in rows:
        if type(row) is not list or len(row) != width or type(row[0]) not in (int, str):
            continue
        if not all(type(value) in _SCALARS for value in row):
            continue
        records[row[0]] = tuple(row[1:]) if same else tuple(row[i] if i is not None else None for i in where)
    return Section(name, at, records)
