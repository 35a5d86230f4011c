"""The world's eager state: the three big lists, the facts behind them, and the relations between them.

The list builders (``org_list``, ``user_list``, ``project_list``) fill a ``WorldState`` once; the body builders
only read it (and its caches), so every lazy body is a function of ``(seed, entity id)`` alone.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from tui.sandbox.landmarks import EPOCH, SCALES, Body, Scale
from tui.sandbox.metrics import Event

CACHE_SIZE = 384
SMALL_CACHE_SIZE = 8192
JOB_CACHE_SIZE = 8

T = TypeVar("T")


class Dates:
    """ISO-8601 strings for days (ordinals) and times of day, precomputed so the list builders stay cheap: from
    ``span_days`` before the epoch (the oldest history) to ``today``."""

    def __init__(self, today: date, anchor: date, span_days: int = 4_200) -> None:
        self.today = today.toordinal()
        self.base = anchor.toordinal() - span_days
        self.days = [date.fromordinal(o).isoformat() for o in range(self.base, self.today + 1)]
        self.times = [f"{m // 60:02d}:{m % 60:02d}:{(m * 37) % 60:02d}" for m in range(1440)]
        self.days_t = [day + "T" for day in self.days]
        self.times_z = [t + "Z" for t in self.times]

    def stamp(self, ordinal: int, fraction: float = 0.0) -> str:
        """Date-time string on day ``ordinal`` at ``fraction`` of the day."""
        return f"{self.days[ordinal - self.base]}T{self.times[int(fraction * 1440)]}Z"

    def midnight(self, ordinal: int) -> str:
        return f"{self.days[ordinal - self.base]}T00:00:00Z"


class Lru:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple[int, int], Any] = OrderedDict()

    def get(self, key: tuple[int, int], build: Callable[[], T]) -> T:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = build()
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


@dataclass(slots=True)
class OrgFacts:
    """Server-side facts about an inner organization that are not in its list item."""

    index: int
    id: int
    name: str
    created: int
    last_active: int
    deleted: int  # day deleted, 0 when alive
    profile: str
    wave_day: int
    contract_start: int | None
    billable: bool
    domain: str
    trial_id: int | None
    staff: int
    gpu_share: float
    compute_target: int = 0
    storage_final: int = 0


class WorldState:
    """Everything the list builders decide; user, project and org indices are positions in the lists.

    Org index -1 is the owner organization; a project owned by org -2 is on a user's developer profile.
    """

    # filled by org_list.build_orgs
    orgs: list[OrgFacts]
    # filled by user_list.build_users
    picker: list[int]  # a uniform draw -> an org index (big orgs are few, small orgs many)
    org_member_list: list[list[int]]  # user indices, founder first
    owner_member_list: list[int]
    org_alive_members: list[int]
    user_org: list[int]  # primary org index; -1 is the owner organization
    user_second: dict[int, tuple[int, int]]  # user index -> (second org index, day added)
    user_created: list[int]
    user_deleted: dict[int, int]
    user_seen: list[int]  # last visit as of the epoch (an ordinal; 0: never), of the epoch's users
    # filled by project_list.build_projects
    project_owner_org: list[int]  # org index, -1 owner org, -2 a user's developer profile
    project_owner_user: dict[int, int]  # project index -> user index, developer profiles only
    project_public: list[bool]
    org_projects: list[list[int]]
    org_live_projects: list[int]
    org_private_projects: list[int]
    owner_projects: list[int]
    user_projects: dict[int, list[int]]
    project_accessed: list[int]  # last opened as of the epoch (an ordinal), of the epoch's projects
    # filled by org_list.finish_orgs and org_list.build_plain
    org_index: dict[int, int]  # inner org id -> org index
    org_meta: list[Body]
    plain_users: list[Body]
    plain_projects: list[Body]
    jwt_user_id: int
    base_users: int  # users of the epoch's world: indices below it; arrivals come after
    # filled by arrivals.add_arrivals: index -> (day arrived, day left or deleted)
    arrival_users: dict[int, tuple[int, int]]
    arrival_projects: dict[int, tuple[int, int]]
    # filled by present.live_until_today
    visible_users: list[Body]  # the lists as served: without the arrivals gone for good
    visible_projects: list[Body]

    def __init__(self, scale: str, seed: int, today: date) -> None:
        self.scale = scale
        self.seed = seed
        self.size: Scale = SCALES[scale]
        self.dates = Dates(today, EPOCH)
        self.anchor = EPOCH.toordinal()  # the base world is written as of this day; `timeline` lives the rest
        self.last_day = today.toordinal() - 1
        self.cache = Lru(CACHE_SIZE)  # heavy bodies: organizations, users, projects, daily metrics
        self.small_cache = Lru(SMALL_CACHE_SIZE)  # people and collaborator lists, many per body
        self.job_cache = Lru(JOB_CACHE_SIZE)  # whole job lists of a few organizations (thousands of jobs each)
        self.whitelabel_totals: Body | None = None  # the white-label metrics body, built once
        self.inner_organizations: list[Body] = []
        self.whitelabel_users: list[Body] = []
        self.whitelabel_projects: list[Body] = []

    @functools.cached_property
    def user_index(self) -> dict[int, int]:
        """User id -> index, of the users the lists show (an arrival gone for good is not found)."""
        shown = {id(user) for user in self.visible_users}
        return {user["id"]: ui for ui, user in enumerate(self.whitelabel_users) if id(user) in shown}

    @functools.cached_property
    def project_index(self) -> dict[int, int]:
        shown = {id(project) for project in self.visible_projects}
        return {project["id"]: pi for pi, project in enumerate(self.whitelabel_projects) if id(project) in shown}

    def owner_contract_start(self) -> int:
        return self.anchor - 200

    def orgs_of(self, ui: int) -> tuple[int, ...]:
        """Org indices a user belongs to (-1 is the owner organization), primary first."""
        second = self.user_second.get(ui)
        return (self.user_org[ui],) if second is None else (self.user_org[ui], second[0])

    def members(self, org: int) -> list[tuple[int, int]]:
        """(user index, day added) of an org's members (org -1: the owner), including deleted users."""
        created = self.user_created
        if org == -1:
            start = self.anchor - 2400
            return [(ui, max(created[ui], start)) for ui in self.owner_member_list]
        org_created = self.orgs[org].created
        out = []
        for ui in self.org_member_list[org]:
            if self.user_org[ui] == org:
                out.append((ui, max(created[ui], org_created)))
            else:
                out.append((ui, self.user_second[ui][1]))
        return out

    def role(self, ui: int, org: int) -> str:
        """A member's role: founders and the first two staff are admins; others derived from the user id."""
        if org == -1:
            return "admin" if ui < 2 else "member"
        if self.org_member_list[org][0] == ui:
            return "admin"
        if self.user_org[ui] != org:
            return "member"
        spread = (self.whitelabel_users[ui]["id"] * 2_654_435_761 + self.seed * 40_503) >> 16
        return ("admin", "member", "member", "member", "guest")[spread % 5]

    def project_event(self, pi: int) -> Event:
        project = self.whitelabel_projects[pi]
        deleted = project.get("deletedDate")
        return (
            date.fromisoformat(project["created"][:10]).toordinal(),
            date.fromisoformat(deleted[:10]).toordinal() if deleted else None,
        )
