"""A change report in words: the Changes view's rows, its heading, and what each row opens.

Kept apart from the screen so the wording is one place (and testable without an app): 'ok → near',
'storage limit 1.0 TB → 2.0 TB', 'white-label user added'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tui.api.changes import Change, ChangeKind, ChangeReport, Growth
from tui.api.fleet import RESOURCE_BY_KEY, Status
from tui.formatting import format_bytes, format_count, format_datetime, format_duration, relative_age

__all__ = ["ENTITY_LABELS", "SECTION_LABELS", "change_row", "growth_row", "heading", "used_text"]

ENTITY_LABELS = {
    "inner-org": "inner org",
    "user": "member",
    "project": "project",
    "dataset": "dataset",
    "wl-user": "WL user",
    "wl-project": "WL project",
}
SECTION_LABELS = {
    "members": "members",
    "projects": "projects",
    "datasets": "datasets",
    "inner-orgs": "inner organizations",
    "fleet": "the fleet",
    "wl-users": "white-label users",
    "wl-projects": "white-label projects",
}
_FIELD_LABELS = {"status": "status", "role": "role", "tier": "tier", "name": "name", "type": "type"}


def used_text(resource: str, value: Any) -> str:
    """A used figure or a limit in its resource's unit: '12', '1.2 TB', '500 h'."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "" if value is None else str(value)
    unit = RESOURCE_BY_KEY[resource].unit if resource in RESOURCE_BY_KEY else "count"
    if unit == "bytes":
        return format_bytes(value)
    if unit == "seconds":
        return format_duration(value)
    return format_count(value)


def _value_text(change: Change, value: Any) -> str:
    if change.kind is ChangeKind.STATUS and value in set(Status):
        return Status(str(value)).label
    if change.kind is ChangeKind.LIMIT:
        return used_text(change.field or "", value) if value is not None else "none"
    return "" if value is None else str(value)


def change_row(change: Change) -> dict[str, Any]:
    """One row of the Changes list (the record's fields too, so `c` copies what export would write)."""
    if change.kind is ChangeKind.LIMIT:
        resource = RESOURCE_BY_KEY.get(change.field or "")
        detail = f"{resource.label.lower() if resource else change.field} limit"
    else:
        detail = _FIELD_LABELS.get(change.field or "", change.field or "")
    return {
        **change.record(),
        "change": change.kind.value,
        "what": ENTITY_LABELS.get(change.entity, change.entity),
        "detail": detail,
        "fromText": _value_text(change, change.before),
        "toText": _value_text(change, change.after),
        "section": change.section,
    }


def growth_row(growth: Growth) -> dict[str, Any]:
    resource = RESOURCE_BY_KEY[growth.resource]
    then, now = used_text(growth.resource, growth.used_before), used_text(growth.resource, growth.used_after)
    return {
        "id": growth.inner_id,
        "name": growth.name,
        "resource": resource.label,
        "usedText": f"{then} → {now}",
        "points": growth.points,
        "per30": growth.points_per_30_days,
        "percent": growth.percent,
        "limit": growth.limit,
    }


def _counts(report: ChangeReport) -> str:
    counts = report.counts()
    words = {
        ChangeKind.STATUS: "status",
        ChangeKind.LIMIT: "limit",
        ChangeKind.ADDED: "added",
        ChangeKind.REMOVED: "removed",
        ChangeKind.CHANGED: "changed",
    }
    return " · ".join(f"{counts[kind]} {word}" for kind, word in words.items() if counts.get(kind))


def heading(
    report: ChangeReport,
    *,
    since_text: str | None,
    first: datetime | None,
    now: datetime,
    keeps: bool = True,
) -> str:
    """The view's first line: since when, and how many changes of each kind (or why there is nothing)."""
    if not keeps:
        return "Snapshots are kept in the cache directory: with --no-cache none are kept, so nothing is compared."
    if report.since is None:
        taken = f"the first was taken {format_datetime(first)} ({relative_age(first, now)})" if first else "none yet"
        return f"No earlier snapshot of this organization to compare with: {taken}. Changes show from the next look."
    when = f"{format_datetime(report.since)} ({relative_age(report.since, now)})"
    start = f"Since {since_text} (the nearest snapshot: {when})" if since_text else f"Since the last look, {when}"
    counts = _counts(report)
    return f"{start}: {counts}" if counts else f"{start}: no change"
