"""What the user, project and dataset screens share: a card of every field and tables of the nested lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from screens import units
from screens.base import EiscopeScreen
from screens.columns import category_label

# Fields shown as their own tables or sections, not as lines of the card.
NESTED = (list, dict)


def card_rows(data: dict[str, Any], first: Iterable[str] = (), skip: Iterable[str] = ()) -> list[tuple[str, object]]:
    """Every scalar field of a record as (label, value), the important ones first, nested ones left out.

    Unknown fields the API adds later show too: the card lists what is there, not what we expected.
    """
    skipped = set(skip)
    ordered = [key for key in first if key in data] + sorted(k for k in data if k not in set(first))
    rows: list[tuple[str, object]] = []
    for key in ordered:
        if key in skipped:
            continue
        value = data[key]
        if key in VALUE_FORMATS:
            rows.append((humanize(key), VALUE_FORMATS[key](value)))
        elif not isinstance(value, NESTED) or _is_short_list(value):
            rows.append(field_row(key, value))
    return rows


def field_row(key: str, value: Any) -> tuple[str, object]:
    """One field as (label, value) in the unit a person reads: a field named in seconds is a duration in h/min,
    one in bytes a size, and the unit word leaves the label ('computeTimeSeconds30d' 13869 → 'Compute time, last
    30 days' '3.9 h'; 'totalStorageBytes' → 'Total storage' '328.5 GB')."""
    words = humanize(key).split()
    unit = next((word.lower() for word in words if word.lower() in ("seconds", "bytes")), None)
    kept = [word for word in words if word.lower() not in ("seconds", "bytes")]
    period = _PERIOD.fullmatch(kept[-1]) if len(kept) > 1 else None
    if period:
        kept = [*kept[:-2], kept[-2] + ",", "last", period.group(1), "days"]
    label = " ".join(kept)
    label = label[:1].upper() + label[1:]
    if unit == "seconds":
        return label, units.seconds(value) or value
    if unit == "bytes":
        return label, units.size(value) or value
    return label, value


_PERIOD = re.compile(r"(\d+)d")
"""A word such as '30d' ending a field name: the last 30 days."""


def _staff_text(value: Any) -> str | None:
    """staffInfo {isStaff, hasSudoRights, companyName} on one line: 'staff · sudo · Edge Impulse'."""
    if not isinstance(value, dict):
        return None
    parts = ["staff" if value.get("isStaff") else "not staff"]
    if value.get("hasSudoRights"):
        parts.append("sudo")
    if value.get("companyName"):
        parts.append(str(value["companyName"]))
    return " · ".join(parts)


VALUE_FORMATS: dict[str, Callable[[Any], object]] = {
    "category": lambda value: category_label(value) or None,
    "staffInfo": _staff_text,
}
"""Fields shown in a form of their own on every card (the same category words as the lists)."""


def _is_short_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str | int | float) for v in value) and len(value) <= 12


LABELS = {
    "indPauseProcessingSamples": "Sample processing paused",
    "mfaConfigured": "MFA configured",
    "isEnterpriseProject": "Enterprise project",
    "isPublic": "Public",
    "ownerIsDeveloperProfile": "Owner is a developer profile",
    "lastOrganizationProjectAccessed": "Last project opened",
    "from_evaluation": "From evaluation",
}
"""Field names whose word-by-word reading says nothing ('Ind pause processing samples')."""


def humanize(key: str) -> str:
    """'lastAccessToOrganization' → 'Last access to organization'; 'totalItemCountChecklistOK' keeps 'OK'."""
    if key in LABELS:
        return LABELS[key]
    words = _WORD_BREAK.sub(" ", key.replace("_", " ")).split()
    text = " ".join(
        _ACRONYMS.get(word.lower(), word if word.isupper() and len(word) > 1 else word.lower()) for word in words
    )
    return text[:1].upper() + text[1:]


_ACRONYMS = {"id": "ID", "mfa": "MFA", "idps": "IdPs", "url": "URL", "cpu": "CPU", "gpu": "GPU", "tos": "ToS"}
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[a-z])(?=[0-9])")


class DetailScreen(EiscopeScreen):
    """A record from the API shown in full; `document` is what `y` shows."""

    document: dict[str, Any] | None = None

    def raw_document(self) -> tuple[str, Any] | None:
        return None if self.document is None else (self.crumb, self.document)
