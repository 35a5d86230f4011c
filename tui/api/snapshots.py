"""Snapshots: what a change report needs of an organization at one moment, compact, dated, and safe to keep.

A snapshot is made of sections, one per list an organization shows (members, projects, datasets, inner
organizations, white-label users and projects) and one for the fleet (each inner organization's status, used
figures and limits). Each section is read at its own moment (a screen reads its lists one by one), so each
carries its own time. A record keeps only the few fields a report compares or names (name, role, tier,
created and deleted dates, limits, used figures): never a key or a header, never a whole body.

How a section is written to disk and read back is snapshot_files.py; where the files live, snapshot_store.py.
Pure Python, no I/O.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.api.fleet import RESOURCES, OrgHealth

__all__ = [
    "LIMIT_FIELDS",
    "LIMIT_PREFIX",
    "SECTIONS",
    "USED_FIELDS",
    "USED_PREFIX",
    "Key",
    "Record",
    "Section",
    "SectionSpec",
    "Snapshot",
    "Value",
    "as_utc",
    "fleet_section",
    "records_from_rows",
    "section_from_rows",
]

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
    """An ISO date or moment as its day (`2026-11-20`): enough to say when, and a tenth of the bytes.

    Interned, as `_word`: 100,000 users share a few thousand days, and a section in memory shrinks by a third.
    """
    text = _text(value)
    return sys.intern(text[:10]) if text is not None else None


def _word(value: Any) -> str | None:
    """A role, tier or type: one of a few words, interned (one string for the 100,000 rows that share it)."""
    text = _text(value)
    return sys.intern(text) if text is not None and len(text) <= 40 else text


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
    return (_first_text(row, "name", "username", "email"), _word(row.get("role")), _day(row.get("added")))


def _project(row: Mapping[str, Any]) -> Record:
    return (_first_text(row, "name"), _word(row.get("tier")), _day(row.get("created")))


def _dataset(row: Mapping[str, Any]) -> Record:
    return (_first_text(row, "dataset"), _word(row.get("type")))


def _inner_org(row: Mapping[str, Any]) -> Record:
    return (_first_text(row, "name"), _day(row.get("created")), *_limits(row))


def _whitelabel_row(row: Mapping[str, Any]) -> Record:
    """A white-label user or project: both lists name, tier, date and delete their rows alike."""
    name = _first_text(row, "name", "username", "email")
    return (name, _word(row.get("tier")), _day(row.get("created")), _day(row.get("deletedDate")))


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
        *(
            SectionSpec(name, entity, "id", ("name", "tier", "created", "deleted"), ("name", "tier"), _whitelabel_row)
            for name, entity in (("wl-users", "wl-user"), ("wl-projects", "wl-project"))
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


def records_from_rows(name: str, rows: Iterable[Any]) -> Iterator[tuple[Key, Record]]:
    """(key, record) of each raw API row of a list (the API's names); rows without an identity are left out."""
    spec = SECTIONS[name]
    project = spec.project
    if project is None:
        raise ValueError(f"section {name!r} is not made from list rows")
    for row in rows:
        if isinstance(row, Mapping):
            key = spec.key_of(row)
            if key is not None:
                yield key, project(row)


def section_from_rows(name: str, rows: Iterable[Any], at: datetime) -> Section:
    """A list's section from its raw API rows."""
    return Section(name, as_utc(at), dict(records_from_rows(name, rows)))


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
    return Section("fleet", as_utc(at), {inner_id: fleet_record(name, health) for inner_id, name, health in entries})


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
