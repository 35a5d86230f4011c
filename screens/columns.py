"""The columns of every list, in one place: what an admin scans for first comes first."""

from __future__ import annotations

from typing import Any

from tui.formatting import format_bytes, format_count, format_date, format_duration, format_value
from widgets.row_store import Column


def _yes_no(value: Any) -> str:
    return format_value(value) if isinstance(value, bool) else ""


def _count_list(value: Any) -> str:
    return format_count(len(value)) if isinstance(value, list) else ""


def plural(count: float, noun: str) -> str:
    """'1 user', '2 users', '1,024 projects': a count and its noun, agreed."""
    return f"{format_count(count)} {noun if count == 1 else noun + 's'}"


def category_label(value: Any) -> str:
    """A project category as a person reads it, the same everywhere: 'object-detection' → 'Object detection'."""
    if not isinstance(value, str) or not value:
        return ""
    text = value.replace("-", " ").replace("_", " ")
    return text[:1].upper() + text[1:]


def _limits_order(value: Any) -> tuple[float, ...]:
    """Sort by the limits themselves: users, then projects, storage, compute (a missing limit sorts first)."""
    if not isinstance(value, dict):
        return ()
    keys = ("numberOfUsers", "numberOfProjects", "totalStorage", "computeTimePerYear")
    return tuple(float(v) if isinstance(v, int | float) else -1.0 for v in (value.get(k) for k in keys))


def _limits(value: Any) -> str:
    """Entitlement limits in a cell: '50 users · 200 projects · 1 TB · 500 h'."""
    if not isinstance(value, dict):
        return ""
    parts = []
    if value.get("numberOfUsers") is not None:
        parts.append(plural(value["numberOfUsers"], "user"))
    if value.get("numberOfProjects") is not None:
        parts.append(plural(value["numberOfProjects"], "project"))
    if value.get("totalStorage") is not None:
        parts.append(format_bytes(value["totalStorage"]))
    if value.get("computeTimePerYear") is not None:
        parts.append(f"{format_duration(value['computeTimePerYear'])}/yr")
    return " · ".join(parts)


def _count(value: Any) -> str:
    return format_count(value) if isinstance(value, int | float) else ""


def _owner_of_collaborators(value: Any) -> str:
    if not isinstance(value, list):
        return ""
    owners = [c.get("name") or c.get("username") for c in value if isinstance(c, dict) and c.get("isOwner")]
    return str(owners[0]) if owners else ""


ORGANIZATIONS = (
    Column("name", "Name"),
    Column("id", "ID", align="right"),
    Column("whitelabelName", "White label"),
    Column("isDeveloperProfile", "Dev profile", format=_yes_no),
    Column("users", "Users", align="right", format=_count_list, sort_key=len, searchable=False),
    Column("created", "Created", format=format_date),
)

USERS = (
    Column("name", "Name"),
    Column("email", "Email"),
    Column("role", "Role"),
    Column("lastAccessToOrganization", "Last access", format=format_date, searchable=False),
    Column("projectCount", "Projects", align="right", format=_count, searchable=False),
    Column("datasets", "Datasets", align="right", format=_count_list, sort_key=len, searchable=False),
    Column("username", "Username"),
    Column("added", "Added", format=format_date, searchable=False),
)

PROJECTS = (
    Column("name", "Name"),
    Column("category", "Category", format=category_label),
    Column("tier", "Tier"),
    Column("owner", "Owner"),
    Column("lastModified", "Modified", format=format_date, searchable=False),
    Column("labelingMethod", "Labeling"),
    Column("collaborators", "Collab.", align="right", format=_count_list, sort_key=len, searchable=False),
    Column("isPublic", "Public", format=_yes_no, searchable=False),
    Column("id", "ID", align="right"),
    Column("created", "Created", format=format_date, searchable=False),
)

DATASETS = (
    Column("dataset", "Name"),
    Column("type", "Type"),
    Column("bucketPath", "Bucket path"),
    Column("totalFileCount", "Files", align="right", format=_count, searchable=False),
    Column("totalItemCount", "Items", align="right", format=_count, searchable=False),
    Column("totalFileSize", "Size", align="right", format=format_bytes, searchable=False),
    Column("totalItemCountChecklistOK", "OK", align="right", format=_count, searchable=False),
    Column("totalItemCountChecklistFailed", "Failed", align="right", format=_count, searchable=False),
    Column("lastFileCreated", "Last file", format=format_date, searchable=False),
)

INNER_ORGANIZATIONS = (
    Column("name", "Name"),
    Column("id", "ID", align="right"),
    Column("created", "Created", format=format_date, searchable=False),
    Column("privateProjectCount", "Private proj.", align="right", format=_count, searchable=False),
    Column("billable", "Billable", format=_yes_no, searchable=False),
    Column("entitlementLimits", "Entitlement limits", format=_limits, searchable=False, sort_key=_limits_order),
)

WHITELABEL_USERS = (
    Column("name", "Name"),
    Column("email", "Email"),
    Column("tier", "Tier"),
    Column("lastSeen", "Last seen", format=format_date, searchable=False),
    Column("activated", "Activated", format=_yes_no, searchable=False),
    Column("created", "Created", format=format_date, searchable=False),
    Column("id", "ID", align="right"),
    Column("username", "Username"),
)

WHITELABEL_PROJECTS = (
    Column("name", "Name"),
    Column("owner", "Owner"),
    Column("category", "Category", format=category_label),
    Column("tier", "Tier"),
    Column("lastAccessed", "Last access", format=format_date, searchable=False),
    Column("created", "Created", format=format_date, searchable=False),
    Column("id", "ID", align="right"),
)

COLLABORATORS = (
    Column("name", "Name"),
    Column("username", "Username"),
    Column("email", "Email"),
    Column("isOwner", "Owner", format=_yes_no),
    Column("tier", "Tier"),
    Column("lastSeen", "Last seen", format=format_date, searchable=False),
)

MEMBERSHIPS = (
    Column("name", "Organization"),
    Column("id", "ID", align="right"),
    Column("isAdmin", "Admin", format=_yes_no),
    Column("userCount", "Users", align="right", format=_count),
    Column("privateProjectCount", "Private proj.", align="right", format=_count),
    Column("lastAccessed", "Last access", format=format_date),
)

EXPERIMENTS = (
    Column("title", "Experiment"),
    Column("type", "Type"),
    Column("enabled", "Enabled", format=_yes_no),
    Column("showToUser", "Shown", format=_yes_no),
    Column("help", "Help"),
)

CLI_OPTIONS = (
    Column("list", "List"),
    Column("label", "Label"),
    Column("value", "Value"),
)

TRIALS = (
    Column("id", "Trial", align="right"),
    Column("created", "Created", format=format_date),
    Column("expirationDate", "Expires", format=format_date),
    Column("upgradedDate", "Upgraded", format=format_date),
    Column("notes", "Notes"),
)
