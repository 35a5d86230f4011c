"""The columns of every list, in one place: what an admin scans for first comes first."""

from __future__ import annotations

from typing import Any

from tui.api.fleet import RESOURCES, Status
from tui.formatting import format_bytes, format_count, format_date, format_duration, format_value
from widgets.row_store import Column

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 10


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


def percent_text(value: Any) -> str:
    """A usage percent: '87%', '102%'; never '100%' for what is not exactly at the limit ('99.9%')."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    text = f"{value:.0f}%"
    if text == "100%" and value != 100:
        text = "99.9%" if value < 100 else "100.1%"
    return text


def days_text(value: Any) -> str:
    """Days to a limit: '12 d', '<1 d', '1,204 d'; empty when no limit is coming."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    if value > 3650:
        return ">10 y"
    return "<1 d" if value < 1 else f"{value:,.0f} d"


def sparkline_text(values: Any, width: int = SPARK_WIDTH) -> str:
    """A trend in block characters, one per bucket of the series (its last value), scaled min to max."""
    if not isinstance(values, list | tuple) or not values:
        return ""
    step = max(1, -(-len(values) // width))
    points = [float(values[min(len(values) - 1, i + step - 1)]) for i in range(0, len(values), step)]
    low, high = min(points), max(points)
    if high == low:
        return SPARK_BLOCKS[0] * len(points)
    top = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[round((p - low) / (high - low) * top)] for p in points)


def _trend_order(values: Any) -> float:
    """A trend sorts by how much it grew over its span, relative to where it started."""
    if not isinstance(values, list | tuple) or len(values) < 2:
        return 0.0
    first, last = float(values[0]), float(values[-1])
    return (last - first) / abs(first) if first else (last - first)


_STATUS_RANK = {status.label: status.rank for status in Status}

FLEET = (
    Column("status", "Status", sort_key=lambda value: _STATUS_RANK.get(value, len(_STATUS_RANK))),
    Column("name", "Name"),
    Column("worstPercent", "Worst", align="right", format=percent_text, searchable=False),
    Column("worst", "Of"),
    Column("daysToLimit", "Days left", align="right", format=days_text, searchable=False),
    *(
        Column(
            f"{r.key}Percent",
            "GPU" if r.key == "gpuCompute" else r.label,
            align="right",
            format=percent_text,
            searchable=False,
        )
        for r in RESOURCES
    ),
    Column("trend", "30 days", format=sparkline_text, sort_key=_trend_order, searchable=False),
    Column("id", "ID", align="right"),
    Column("error", "Error"),
)
"""The Fleet tab: one row per inner organization, worst first (the rows come from screens/fleet.py)."""

INNER_ORGANIZATIONS = (
    Column("name", "Name"),
    Column("id", "ID", align="right"),
    Column("created", "Created", format=format_date, searchable=False),
    Column("privateProjectCount", "Private proj.", align="right", format=_count, searchable=False),
    Column("billable", "Billable", format=_yes_no, searchable=False),
    Column("entitlementLimits", "Entitlement limits", format=_limits, searchable=False, sort_key=_limits_order),
)

INNER_ORGANIZATIONS_WITH_USAGE = (
    *INNER_ORGANIZATIONS[:2],
    Column("usagePercent", "Usage", align="right", format=percent_text, searchable=False),
    *INNER_ORGANIZATIONS[2:],
)
"""The Inner orgs list once the fleet is known: the worst usage percent, sorted by value."""

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

CHANGES = (
    Column("change", "Change"),
    Column("what", "What"),
    Column("name", "Name"),
    Column("detail", "Field"),
    Column("fromText", "From", align="right"),
    Column("toText", "To", align="right"),
    Column("id", "ID", align="right", format=lambda v: str(v) if isinstance(v, int) else ""),
)
"""The Changes view: one row per change since the last look (rows from screens/changes.py)."""


def points_text(value: Any) -> str:
    """Percentage points of a limit gained: '+21.2 pts'."""
    return f"+{value:.1f} pts" if isinstance(value, float) else ""


GROWTH = (
    Column("name", "Inner org"),
    Column("resource", "Resource"),
    Column("usedText", "Used then → now", align="right", searchable=False),
    Column("points", "Growth", align="right", format=points_text, searchable=False),
    Column("per30", "Per 30 d", align="right", format=points_text, searchable=False),
    Column("percent", "Now", align="right", format=percent_text, searchable=False),
)
"""The Changes view's five fastest-growing resources: growth in points of the limit (tui/api/changes.py)."""
