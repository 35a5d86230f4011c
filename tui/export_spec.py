"""What `eiscope export` can be asked for and what it answers with: kinds, formats, exit codes.

Kept apart from tui/export.py so the argument parser can list the choices without importing the client.
"""

from __future__ import annotations

__all__ = [
    "CHECK_LEVELS",
    "COMPUTE_DIMENSIONS",
    "DEFAULT_SINCE",
    "EXIT_API",
    "EXIT_AUTH",
    "EXIT_NETWORK",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXPORT_KINDS",
    "FORMATS",
    "KINDS_NEEDING_ID",
    "KINDS_TAKING_ID",
    "METRICS_FORMAT",
]

EXPORT_KINDS = (
    "orgs",
    "users",
    "projects",
    "datasets",
    "inner-orgs",
    "inner-org",
    "metrics",
    "fleet",
    "jobs",
    "compute",
    "apikeys",
    "changes",
)
KINDS_NEEDING_ID = ("inner-org", "metrics")
KINDS_TAKING_ID = ("inner-org", "metrics", "jobs", "compute")
"""The ID is an inner organization's: required by the first two, optional for jobs and compute."""
COMPUTE_DIMENSIONS = ("project", "user", "category")
DEFAULT_SINCE = "30d"
"""How far back `export jobs` and `export compute` look without `--since` (the Compute view's first period)."""
FORMATS = ("json", "jsonl", "csv")
METRICS_FORMAT = "openmetrics"
"""`export fleet --format openmetrics`: the fleet as OpenMetrics text (tui/export_metrics.py)."""

# 0 ok · 1 other API error (and a failed write) · 2 usage · 3 auth or forbidden · 4 not found ·
# 5 network, timeout, server or rate limit after retries (and offline with nothing cached)
EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_AUTH, EXIT_NOT_FOUND, EXIT_NETWORK = 0, 1, 2, 3, 4, 5

CHECK_LEVELS = ("near", "at", "over", "none")
"""`eiscope check --warn/--crit`: the least severe Fleet health status that raises the state, or none."""
