"""The change report: what differs between two snapshots of an organization. Pure functions, no I/O.

`compare(old, new)` pairs the sections both snapshots hold and says, per entity:
- `status`: an inner organization's fleet status changed (ok → near, near → at, at → over and back), with
  both values; organizations whose numbers could not be read in either snapshot are left out;
- `limit`: an entitlement limit changed (old → new), from the inner organizations' list (the fleet's own
  limits when only the fleet was read);
- `added` / `removed`: an entity appeared or went (a white-label user or project whose deleted date appeared
  counts as removed);
- `changed`: a member's role, a tier or a name changed (field, old → new).
It also ranks the five fastest-growing resources: of every inner organization and resource with a positive
limit, how much of the limit the used figure grew between the two fleets (percentage points; per 30 days too).

`section_marks` is the same comparison for one list, cell by cell, for the marks in the lists; `crossings`
the status changes into near, at or over between two fleets, for watch's notifications.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.api.fleet import RESOURCES, Status
from tui.api.snapshots import LIMIT_FIELDS, LIMIT_PREFIX, SECTIONS, USED_PREFIX, Key, Record, Section, Snapshot, Value

__all__ = [
    "ADDED",
    "GROWTH_COUNT",
    "Change",
    "ChangeKind",
    "ChangeReport",
    "Growth",
    "compare",
    "crossings",
    "section_marks",
]

GROWTH_COUNT = 5
ADDED = "+"
"""The mark of an entity that was not in the earlier section (its fields are all new)."""


class ChangeKind(enum.StrEnum):
    """The report's order: what needs attention first."""

    STATUS = "status"
    LIMIT = "limit"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


_KIND_ORDER = {kind: rank for rank, kind in enumerate(ChangeKind)}
_STATUS_RANK = {status.value: status.rank for status in Status}
_ENTITY_ORDER = {spec.entity: rank for rank, spec in enumerate(SECTIONS.values())}
_RESOURCE_ORDER = {resource.key: rank for rank, resource in enumerate(RESOURCES)}
ALERT_STATUSES = frozenset({Status.NEAR.value, Status.AT.value, Status.OVER.value})


@dataclass(frozen=True)
class Change:
    """One change of one entity; `before`/`after` are the field's values (None for added and removed)."""

    kind: ChangeKind
    entity: str
    id: Key
    name: str | None
    at: datetime
    section: str
    field: str | None = None
    before: Value = None
    after: Value = None

    def record(self) -> dict[str, Any]:
        """The export's record: kind, entity, id, name, field, from, to, at (ISO UTC)."""
        return {
            "kind": self.kind.value,
            "entity": self.entity,
            "id": self.id,
            "name": self.name,
            "field": self.field,
            "from": self.before,
            "to": self.after,
            "at": self.at.isoformat().replace("+00:00", "Z"),
        }

    @property
    def sort_key(self) -> tuple[Any, ...]:
        status_rank = _STATUS_RANK.get(str(self.after), len(_STATUS_RANK)) if self.kind is ChangeKind.STATUS else 0
        return (
            _KIND_ORDER[self.kind],
            status_rank,  # worst new status first
            _ENTITY_ORDER.get(self.entity, 99),
            (self.name or "").casefold(),
            str(self.id),
            _RESOURCE_ORDER.get(self.field or "", len(_RESOURCE_ORDER)),
            self.field or "",
        )


@dataclass(frozen=True)
class Growth:
    """How much of its limit one resource of one inner organization used more between two fleets."""

    inner_id: Key
    name: str | None
    resource: str
    used_before: float
    used_after: float
    limit: float
    days: float

    @property
    def points(self) -> float:
        """Percentage points of the limit gained (12.5 means an eighth of the limit more is used)."""
        return (self.used_after - self.used_before) / self.limit * 100

    @property
    def percent(self) -> float:
        return self.used_after / self.limit * 100

    @property
    def points_per_30_days(self) -> float | None:
        """The same growth over 30 days (the rate issue 17's `growth` ranks by); None over less than an hour."""
        return self.points / self.days * 30 if self.days >= 1 / 24 else None


@dataclass
class ChangeReport:
    """What changed, which sections were compared (old time, new time), and which had no earlier section."""

    changes: list[Change] = field(default_factory=list)
    growth: list[Growth] = field(default_factory=list)
    compared: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)

    @property
    def since(self) -> datetime | None:
        """The oldest earlier section compared: 'since' in the report's heading."""
        return min((old for old, _ in self.compared.values()), default=None)

    @property
    def at(self) -> datetime | None:
        return max((new for _, new in self.compared.values()), default=None)

    def counts(self) -> Counter[ChangeKind]:
        return Counter(change.kind for change in self.changes)

    def records(self) -> list[dict[str, Any]]:
        return [change.record() for change in self.changes]


def _pair(old: Snapshot, new: Snapshot, name: str) -> tuple[Section, Section] | None:
    before, after = old.get(name), new.get(name)
    return (before, after) if before is not None and after is not None else None


def _deleted(section: Section, record: Record) -> bool:
    return "deleted" in section.spec.fields and section.field(record, "deleted") is not None


def _presence(before: Section, after: Section) -> list[Change]:
    """Entities added and removed between two sections of one list."""
    entity, found = after.spec.entity, []
    for key, record in after.records.items():
        if _deleted(after, record):
            earlier = before.records.get(key)
            if earlier is not None and not _deleted(before, earlier):
                name = after.field(record, "name") or before.field(earlier, "name")
                found.append(Change(ChangeKind.REMOVED, entity, key, _name(name), after.at, after.name))
        elif key not in before.records:
            found.append(
                Change(ChangeKind.ADDED, entity, key, _name(after.field(record, "name")), after.at, after.name)
            )
    for key, record in before.records.items():
        if key not in after.records and not _deleted(before, record):
            name = _name(before.field(record, "name"))
            found.append(Change(ChangeKind.REMOVED, entity, key, name, after.at, after.name))
    return found


def _name(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def _field_changes(before: Section, after: Section) -> list[Change]:
    """Compared fields (role, tier, name) that differ, for entities in both sections."""
    spec, found = after.spec, []
    indexes = [(name, spec.index(name)) for name in spec.compared]
    for key, record in after.records.items():
        earlier = before.records.get(key)
        if earlier is None:
            continue
        for name, index in indexes:
            old_value, new_value = earlier[index], record[index]
            if old_value != new_value:
                display = _name(after.field(record, "name")) or _name(before.field(earlier, "name"))
                found.append(
                    Change(
                        ChangeKind.CHANGED, spec.entity, key, display, after.at, after.name, name, old_value, new_value
                    )
                )
    return found


def _limit_changes(before: Section, after: Section) -> list[Change]:
    """Limits that differ (inner organizations in both sections), field = the resource (users, storage…)."""
    found = []
    indexes = [(name.removeprefix(LIMIT_PREFIX), after.spec.index(name)) for name in LIMIT_FIELDS]
    for key, record in after.records.items():
        earlier = before.records.get(key)
        if earlier is None:
            continue
        for resource, index in indexes:
            if earlier[index] != record[index]:
                name = _name(after.field(record, "name"))
                found.append(
                    Change(
                        ChangeKind.LIMIT,
                        "inner-org",
                        key,
                        name,
                        after.at,
                        after.name,
                        resource,
                        earlier[index],
                        record[index],
                    )
                )
    return found


def _usable(section: Section, record: Record) -> bool:
    """A fleet record whose numbers were read (not an organization whose info failed)."""
    return section.field(record, "error") is not True


def _status_changes(before: Section, after: Section) -> list[Change]:
    found = []
    for key, record in after.records.items():
        earlier = before.records.get(key)
        if earlier is None or not _usable(before, earlier) or not _usable(after, record):
            continue
        old_status, new_status = before.field(earlier, "status"), after.field(record, "status")
        if old_status != new_status:
            name = _name(after.field(record, "name"))
            found.append(
                Change(
                    ChangeKind.STATUS, "inner-org", key, name, after.at, after.name, "status", old_status, new_status
                )
            )
    return found


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _growth(before: Section, after: Section) -> list[Growth]:
    days = (after.at - before.at).total_seconds() / 86_400
    found = []
    for key, record in after.records.items():
        earlier = before.records.get(key)
        if earlier is None or not _usable(before, earlier) or not _usable(after, record):
            continue
        for resource in RESOURCES:
            limit = _number(after.field(record, f"{LIMIT_PREFIX}{resource.key}"))
            used_now = _number(after.field(record, f"{USED_PREFIX}{resource.key}"))
            used_then = _number(before.field(earlier, f"{USED_PREFIX}{resource.key}"))
            if limit is None or limit <= 0 or used_now is None or used_then is None or used_now <= used_then:
                continue
            name = _name(after.field(record, "name"))
            found.append(Growth(key, name, resource.key, used_then, used_now, limit, days))
    found.sort(key=lambda g: (-g.points, (g.name or "").casefold(), str(g.inner_id), g.resource))
    return found[:GROWTH_COUNT]


def compare(old: Snapshot, new: Snapshot) -> ChangeReport:
    """Every change between two snapshots of one organization (sections read in only one are not compared)."""
    report = ChangeReport()
    for name in SECTIONS:
        pair = _pair(old, new, name)
        if pair is not None:
            report.compared[name] = (pair[0].at, pair[1].at)
        elif new.get(name) is not None:
            report.unmatched.append(name)
    lists = _pair(old, new, "inner-orgs")
    fleet = _pair(old, new, "fleet")
    for name in ("members", "projects", "datasets", "inner-orgs", "wl-users", "wl-projects"):
        pair = _pair(old, new, name)
        if pair is not None:
            report.changes += _presence(*pair) + _field_changes(*pair)
    if lists is not None:
        report.changes += _limit_changes(*lists)
    elif fleet is not None:  # only the fleet was read on one side: its own limits and names say as much
        report.changes += _presence(*fleet) + _limit_changes(*fleet)
    if fleet is not None:
        report.changes += _status_changes(*fleet)
        report.growth = _growth(*fleet)
    report.changes.sort(key=lambda change: change.sort_key)
    return report


def crossings(before: Section | None, after: Section) -> list[Change]:
    """Inner organizations whose status became worse and is now near, at or over (watch's notifications)."""
    if before is None:
        return []
    found = []
    for change in _status_changes(before, after):
        worse = _STATUS_RANK.get(str(change.after), 99) < _STATUS_RANK.get(str(change.before), 99)
        if worse and change.after in ALERT_STATUSES and change.before != Status.UNKNOWN.value:
            found.append(change)
    found.sort(key=lambda change: change.sort_key)
    return found


# ---------------------------------------------------------------- marks in the lists


def _percents(section: Section, record: Record) -> dict[str, float]:
    """The fleet record's percent per resource (rounded as a list shows them) and the worst."""
    found: dict[str, float] = {}
    for resource in RESOURCES:
        used = _number(section.field(record, f"{USED_PREFIX}{resource.key}"))
        limit = _number(section.field(record, f"{LIMIT_PREFIX}{resource.key}"))
        if used is not None and limit is not None and limit > 0:
            found[f"percent.{resource.key}"] = round(used / limit * 100)
    if found:
        found["percent.worst"] = max(found.values())
    return found


def _changed_fields(section: Section, before: Record, after: Record) -> frozenset[str]:
    spec = section.spec
    changed = {name for name, old, new in zip(spec.fields, before, after, strict=True) if old != new}
    if spec.name == "fleet":
        changed -= {f for f in changed if f.startswith(USED_PREFIX)}  # used grows daily: the percent says enough
        old_percents, new_percents = _percents(section, before), _percents(section, after)
        changed |= {
            key for key in old_percents.keys() | new_percents.keys() if old_percents.get(key) != new_percents.get(key)
        }
    return frozenset(changed)


def section_marks(
    before: Section | None, after: Section, looked_at: Mapping[Key, Record] | None = None
) -> dict[Key, frozenset[str]]:
    """Each entity of `after` that differs from `before`: the fields that changed, or {ADDED} when it is new.

    `looked_at`: records the admin has since opened; an entity is compared with what was looked at last.
    No earlier section (None): nothing is marked, there is nothing to compare with.
    """
    if before is None:
        return {}
    looked_at = looked_at or {}
    marks: dict[Key, frozenset[str]] = {}
    for key, record in after.records.items():
        earlier = looked_at.get(key) or before.records.get(key)
        if earlier is None:
            marks[key] = frozenset({ADDED})
            continue
        changed = _changed_fields(after, earlier, record)
        if changed:
            marks[key] = changed
    return marks
