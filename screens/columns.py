"""The columns of every list, in one place: what an admin scans for first comes first."""

from __future__ import annotations

import math
from typing import Any

from tui.api.fleet import GROWTH_DAYS, RESOURCES, Status
from tui.formatting import format_bytes, format_count, format_date, format_datetime, format_duration, format_value
from widgets.column import default_sort_key
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


def duration_text(days: float) -> str:
    """Time to a limit: '<1 d', '12 d', '1 y', '>10 y' (days up to a year, then years)."""
    if days < 1:
        return "<1 d"
    if days < 365:
        return f"{days:,.0f} d"
    if days > 3650:
        return ">10 y"
    return f"{days / 365:.0f} y"


def next_limit_text(value: Any) -> str:
    """The next limit and its resource: 'Users now' (at or over it), 'GPU in 5 d', '–' when nothing grows."""
    if not isinstance(value, dict) or not value.get("resource"):
        return "–"
    if value.get("now"):
        return f"{value['resource']} now"
    days = value.get("days")
    if not isinstance(days, int | float) or isinstance(days, bool):
        return "–"
    return f"{value['resource']} in {duration_text(days)}"


def _next_limit_order(value: Any) -> float:
    """Now first, then the soonest; nothing coming sorts last (as None)."""
    if not isinstance(value, dict):
        return math.inf
    if value.get("now"):
        return -1.0
    days = value.get("days")
    return float(days) if isinstance(days, int | float) else math.inf


def growth_text(value: Any) -> str:
    """The fastest growth and its resource: 'GPU +12 %/30 d', 'Users +0.4 %/30 d'; '0 %/30 d' when nothing grows
    (no resource to name), '–' when nothing is known to change."""
    if not isinstance(value, dict) or not isinstance(value.get("percent"), int | float):
        return "–"
    percent = float(value["percent"])
    if abs(percent) < 0.05:
        return f"0 %/{GROWTH_DAYS} d"
    figure = f"{percent:+.1f} %" if abs(percent) < 10 else f"{percent:+,.0f} %"
    return f"{value.get('resource') or ''} {figure}/{GROWTH_DAYS} d".strip()


def _growth_order(value: Any) -> float:
    return (
        float(value["percent"])
        if isinstance(value, dict) and isinstance(value.get("percent"), int | float)
        else -math.inf
    )


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
STATUS_MARKS = {Status.OVER.label: "▲", Status.AT.label: "■", Status.NEAR.label: "△", Status.UNKNOWN.label: "?"}
"""A glyph before each status that is not ok: the cue that survives a monochrome terminal and NO_COLOR."""
STATUS_TONES = {Status.OVER.label: "error", Status.AT.label: "warning", Status.NEAR.label: "notice"}
"""The tone of a fleet row, by status: the table draws it in the theme's error / warning colours."""


def status_text(value: Any) -> str:
    """'▲ over', '■ at limit', '△ near', '  ok', '? unknown'."""
    if not isinstance(value, str):
        return ""
    return f"{STATUS_MARKS.get(value, ' ')} {value}"


FLEET = (
    Column("name", "Name"),
    Column(
        "status",
        "Status",
        format=status_text,
        sort_key=lambda value: _STATUS_RANK.get(value, len(_STATUS_RANK)),
        tone=STATUS_TONES.get,
    ),
    Column("worstPercent", "Worst", align="right", format=percent_text, searchable=False),
    Column("worst", "Of"),
    Column("nextLimit", "Next limit", format=next_limit_text, sort_key=_next_limit_order, shrink=False),
    Column("growth", "Growth", format=growth_text, sort_key=_growth_order, searchable=False, shrink=False),
    *(
        Column(f"{r.key}Percent", r.short_label, align="right", format=percent_text, searchable=False)
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


# ---------------------------------------------------------------- compute and access

SHARE_BAR = 5


def share_text(value: Any) -> str:
    """(percent of the whole, size against the largest line) as ' 34.2% ████▋': the percent says the share, the
    bar compares the lines, the largest full, as ncdu draws it (in eighths; 12 cells, never cut)."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return ""
    percent, relative = value
    eighths = round(max(0.0, min(1.0, float(relative))) * SHARE_BAR * 8)
    bar = "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]
    return f"{percent:5.1f}% {bar:<{SHARE_BAR}}"


def _share_order(value: Any) -> float:
    return float(value[0]) if isinstance(value, list | tuple) and value else 0.0


def _seconds(value: Any) -> str:
    return format_duration(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _some_seconds(value: Any) -> str:
    """Seconds, and nothing for none at all (a column where most rows have none reads better empty)."""
    return _seconds(value) if value else ""


def compute_shares(noun: str) -> tuple[Column, ...]:
    """A breakdown of compute (by project, user or category), largest first: what used it, and how much."""
    return (
        Column("name", noun),
        Column("computeSeconds", "Compute", align="right", format=_seconds, searchable=False),
        Column("shareBar", "Share", format=share_text, sort_key=_share_order, searchable=False),
        Column("jobs", "Jobs", align="right", format=_count, searchable=False),
        Column("failed", "Failed", align="right", format=_count, searchable=False),
        Column("gpuSeconds", "GPU", align="right", format=_some_seconds, searchable=False),
        Column("running", "Running", align="right", format=_count, searchable=False),
        Column("id", "ID", align="right"),
    )


JOBS = (
    Column("category", "Category"),
    Column("projectName", "Project"),
    Column("userName", "User"),
    Column("started", "Started", format=format_datetime, searchable=False),
    Column("durationSeconds", "Duration", align="right", format=_seconds, searchable=False),
    Column("computeTime", "Compute", align="right", format=_seconds, searchable=False),
    Column("result", "Result"),
    Column("created", "Created", format=format_datetime, searchable=False),
    Column("id", "ID", align="right"),
)
"""The jobs of a period (screens/compute.py): the API's job row and what eiscope worked out of it."""


def _who(value: Any) -> str:
    return str(value.get("name") or value.get("username") or "") if isinstance(value, dict) else ""


def _last_used(value: Any) -> str:
    return format_date(value.get("date")) if isinstance(value, dict) else "never"


def _last_used_order(value: Any) -> str:
    """Keys by when they were last used; never used (None) sorts last in both directions."""
    return default_sort_key(value.get("date")) if isinstance(value, dict) else ""


API_KEYS = (
    Column("name", "Name"),
    Column("useMark", "Use"),
    Column("lastUsed", "Last used", format=_last_used, sort_key=_last_used_order, searchable=False),
    Column("expiryMark", "Expiry"),
    Column("expires", "Expires", format=format_date, searchable=False),
    Column("role", "Role"),
    Column("created", "Created", format=format_date, searchable=False),
    Column("createdByUser", "Created by", format=_who, sort_key=_who),
    Column("isTransformationJobKey", "Jobs key", format=_yes_no, searchable=False),
    Column("id", "ID", align="right"),
)
"""An organization's API keys (never the key itself), marked by tui/api/access.py."""

MEMBERS_ACCESS = (
    Column("name", "Name"),
    Column("role", "Role"),
    Column("marks", "Marks"),
    Column("lastAccessToOrganization", "Last activity", format=format_date, searchable=False),
    Column("email", "Email"),
    Column("added", "Added", format=format_date, searchable=False),
    Column("username", "Username"),
    Column("id", "ID", align="right"),
)
"""An organization's members for the Access view: role and last activity first."""


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
