"""Facts every part of the sandbox world shares: fixed ids, the scales, and per-entity seeds.

Kept apart from the builders so that each of them, and the ``World`` facade, can import them without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

DEFAULT_TODAY = date(2026, 11, 25)  # the date tests pin, so hashes and snapshots stay the same
# The day the world's history is written as of: its stories (who is near a limit, who was seen lately) hold on it,
# and every later day is lived from it (`timeline`). A world cannot be dated earlier.
EPOCH = DEFAULT_TODAY
WHITELABEL_ID = 17
OWNER_ORG_ID = 1001
PLAIN_ORG_ID = 1187

Body = dict[str, Any]


def utc_today() -> date:
    """The date a world is dated by default: today in UTC, so "the last 30 days" means the last 30 days (never
    before the epoch, should the clock be wrong)."""
    return max(datetime.now(UTC).date(), EPOCH)


@dataclass(frozen=True)
class Scale:
    organizations: int
    users: int
    projects: int
    staff: int  # members of the owner organization (white-label users too)
    owner_projects: int
    plain_users: int
    plain_projects: int


SCALES = {
    "demo": Scale(organizations=12, users=60, projects=80, staff=5, owner_projects=3, plain_users=6, plain_projects=5),
    "large": Scale(1_000, 10_000, 10_000, staff=12, owner_projects=8, plain_users=10, plain_projects=8),
    "huge": Scale(5_000, 100_000, 100_000, staff=25, owner_projects=10, plain_users=12, plain_projects=10),
}

TIERS = ("free", "community-plus", "professional", "enterprise")
# Kinds of entity: they keep per-entity seeds (and cache keys) of different kinds apart.
(
    ORG_KIND,
    USER_KIND,
    PROJECT_KIND,
    DETAIL_KIND,
    METRICS_KIND,
    USER_METRICS_KIND,
    INNER_INFO_KIND,
    JOB_KIND,
    ARRIVAL_KIND,
    PRESENT_KIND,
) = range(10)


def derive_seed(seed: int, kind: int, entity_id: int) -> int:
    """A per-entity seed: stable across processes (no ``hash()``), distinct per kind of entity."""
    return (seed * 1_000_003 + entity_id) * 16 + kind
