"""A deterministic, realistic fake Edge Impulse white-label world, as JSON-ready dicts with the API's names.

``build_world(scale, seed, today)`` builds the three big lists (inner organizations, users, projects) eagerly
as flat dicts, and everything heavy (daily metrics, full users, projects and organization info) lazily on
request, from ``(seed, entity id)`` alone, so a lazily built body equals an eagerly built one byte for byte.
Lazy bodies are kept in a small LRU cache; treat every returned dict as read-only.

Fixed landmarks (same in every scale and seed):

* white label ``WHITELABEL_ID`` "Acme Edge" on ``edge.acme.example``, owned by organization ``OWNER_ORG_ID``
  ("Acme Edge AI"); ``PLAIN_ORG_ID`` is "Harbor Acoustics Lab", a plain organization outside the white label.
* ids: white label 17, owner org 1001, plain org 1187; inner orgs from 2001, white-label users from 10001,
  white-label projects from 300001 (ascending, with gaps); the plain org's own users 800001+, projects 900001+;
  users and projects that arrive week by week from 5,000,000 (``arrivals``), growing with the day they came.
* the JWT user is the first white-label user (an admin of both organizations); API keys are
  ``"ei_" + sha256("eiscope-sandbox:{seed}:admin" | ":plain")`` (see ``fake_key``).
* hostile names, second to last and third to last of the epoch's lists: the inner organization
  ``[@click=app.quit]Red Team[/]`` (``names.HOSTILE_ORG_NAME``) and its member named
  ``"Mallory \\x1b]52;c;aGVsbG8=\\x07Byte\\x1b[2J"`` (``names.HOSTILE_USER_NAME``: an OSC 52 clipboard write and
  a clear-screen CSI), username ``mallory.byte``.
* dates: the world's history is written as of ``EPOCH`` (2026-11-25, also ``DEFAULT_TODAY``, the date tests pin)
  and lived from there day by day: a world dated ``today`` (default: today's UTC date; never before the epoch)
  has every record of the days before it, the same in any world dated later; its daily metrics are the 365 days
  ending yesterday, and nothing happens on or after ``today``. What only says how things stand now (last seen,
  last accessed, limits raised this contract year) moves forward from the epoch (``present``).
* in every scale the fifth to last user is deleted and the seventh to last is pending, so each
  state shows up; the demo's tenth inner org (Tidewater Utilities) is deleted.

The work is split by job: ``org_list``, ``user_list`` and ``project_list`` build the epoch's lists into a
``WorldState``; ``arrivals`` adds the users and projects that came (and went) day by day, ``present`` moves the
present's fields to ``today``; ``people``, ``projects``, ``orgs``, ``users`` and ``usage`` build the lazy bodies
from it; ``content`` holds the fixed parts of bodies. This module is the facade the server and tests use.
"""

from __future__ import annotations

import functools
import hmac
import random
from collections import Counter
from datetime import date, datetime

from tui.sandbox import job_lists, orgs, projects, usage, users
from tui.sandbox.api_keys import organization_api_keys
from tui.sandbox.arrivals import add_arrivals
from tui.sandbox.content import whitelabel_body
from tui.sandbox.credentials import fake_jwt, fake_key
from tui.sandbox.jobs import JobRow
from tui.sandbox.landmarks import (
    DEFAULT_TODAY,
    EPOCH,
    OWNER_ORG_ID,
    PLAIN_ORG_ID,
    SCALES,
    WHITELABEL_ID,
    Body,
    Scale,
    derive_seed,
    utc_today,
)
from tui.sandbox.org_list import build_orgs, build_plain, finish_orgs
from tui.sandbox.present import live_until_today
from tui.sandbox.project_info import project_info_extras
from tui.sandbox.project_list import build_projects
from tui.sandbox.state import WorldState
from tui.sandbox.user_list import build_users

__all__ = [
    "DEFAULT_TODAY",
    "EPOCH",
    "OWNER_ORG_ID",
    "PLAIN_ORG_ID",
    "SCALES",
    "WHITELABEL_ID",
    "Body",
    "Scale",
    "World",
    "build_world",
    "derive_seed",
    "fake_jwt",
    "fake_key",
]


class World:
    """The seeded world. Lists are eager; bodies of single entities are built on request and cached."""

    def __init__(self, scale: str = "demo", seed: int = 7, today: date | None = None) -> None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
        self.scale = scale
        self.seed = seed
        self.today = today or utc_today()
        if self.today < EPOCH:
            raise ValueError(f"the sandbox world starts on {EPOCH.isoformat()}: it cannot be dated {self.today}")
        self.size = SCALES[scale]
        self.owner_org_id = OWNER_ORG_ID
        self.plain_org_id = PLAIN_ORG_ID
        self.whitelabel_id = WHITELABEL_ID
        self.admin_key = fake_key(seed, "admin")
        self.plain_key = fake_key(seed, "plain")
        self._state = _build_state(scale, seed, self.today)
        self.inner_organizations: list[Body] = self._state.inner_organizations
        self.whitelabel_users: list[Body] = self._state.visible_users  # as served (arrivals gone for good left out)
        self.whitelabel_projects: list[Body] = self._state.visible_projects
        self.jwt_user_id: int = self._state.jwt_user_id
        self.jwt_token = fake_jwt(seed, self.jwt_user_id, self.today)

    # ------------------------------------------------------------------ credentials and top-level organizations
    def key_org(self, api_key: str) -> int | None:
        if not api_key.isascii():  # compare_digest refuses non-ASCII text; no key of ours has any
            return None
        if hmac.compare_digest(api_key, self.admin_key):
            return self.owner_org_id
        if hmac.compare_digest(api_key, self.plain_key):
            return self.plain_org_id
        return None

    def organizations_for_key(self, api_key: str) -> list[Body]:
        org_id = self.key_org(api_key)
        org = self.organization(org_id) if org_id is not None else None
        return [org] if org else []

    def organizations_for_jwt(self) -> list[Body]:
        return [orgs.organization_body(self._state, OWNER_ORG_ID), orgs.organization_body(self._state, PLAIN_ORG_ID)]

    def is_whitelabel_admin_org(self, org_id: int) -> bool:
        return org_id == self.owner_org_id

    def organization(self, org_id: int) -> Body | None:
        return orgs.organization(self._state, org_id)

    def organization_projects(self, org_id: int) -> list[Body] | None:
        return orgs.organization_projects(self._state, org_id)

    def organization_info(self, org_id: int) -> Body | None:
        return orgs.organization_info(self._state, org_id)

    # ------------------------------------------------------------------ people and projects
    def current_user(self) -> Body:
        return users.current_user(self._state)

    def whitelabel_user(self, user_id: int) -> Body | None:
        return users.whitelabel_user(self._state, user_id)

    def whitelabel_user_metrics(self, user_id: int) -> Body | None:
        return users.whitelabel_user_metrics(self._state, user_id)

    def whitelabel_project(self, project_id: int) -> Body | None:
        return projects.whitelabel_project(self._state, project_id)

    def whitelabel_project_answer(self, project_id: int) -> Body | None:
        """The white-label project route's answer: ``project`` (the SDK's shape) and the archived spec's other
        ``ProjectInfoResponse`` fields (see ``project_info``)."""
        project = self.whitelabel_project(project_id)
        if project is None:
            return None
        return {"project": project, **project_info_extras(project, self.today)}

    # ------------------------------------------------------------------ white label and inner organizations
    def whitelabel(self) -> Body:
        return whitelabel_body(WHITELABEL_ID, OWNER_ORG_ID)

    def whitelabel_metrics(self) -> Body:
        return usage.whitelabel_metrics(self._state)

    def inner_organization_meta(self, inner_id: int) -> Body:
        """Server-side facts for filtering: ``{"deleted": bool, "lastActive": datetime (UTC), "billable": bool}``."""
        return usage.inner_organization_meta(self._state, inner_id)

    def inner_organization_info(self, inner_id: int) -> Body | None:
        return usage.inner_organization_info(self._state, inner_id)

    def compute_time(self, inner_id: int, start: datetime, end: datetime) -> Body | None:
        return usage.compute_time(self._state, inner_id, start, end)

    # ------------------------------------------------------------------ an organization's own figures and keys
    def organization_metrics(self, org_id: int, visibility: str | None = None) -> Body | None:
        """``GET /api/organizations/{id}/metrics`` of the owner or the plain org (``projectVisibility``:
        "public", "private" or None for both); None for another organization."""
        if org_id not in (OWNER_ORG_ID, PLAIN_ORG_ID):
            return None
        return usage.organization_metrics(self._state, org_id, visibility)

    def api_keys(self, org_id: int) -> list[Body]:
        """The owner's or the plain org's API keys, as a JWT caller sees them (the key portion only)."""
        if org_id not in (OWNER_ORG_ID, PLAIN_ORG_ID):
            return []
        own = self.admin_key if org_id == OWNER_ORG_ID else self.plain_key
        return organization_api_keys(self._state, org_id, own)

    # ------------------------------------------------------------------ jobs (compact rows; `job_body` renders one)
    def organization_jobs(self, org_id: int) -> list[JobRow] | None:
        """The owner's or the plain org's jobs, newest first; None for another organization."""
        if org_id not in (OWNER_ORG_ID, PLAIN_ORG_ID):
            return None
        return job_lists.top_level_jobs(self._state, org_id)

    def inner_organization_jobs(self, inner_id: int) -> list[JobRow] | None:
        index = self._state.org_index.get(inner_id)
        return None if index is None else job_lists.inner_jobs(self._state, index)

    def project_jobs(self, project_id: int) -> list[JobRow] | None:
        pi = self._state.project_index.get(project_id)
        return None if pi is None else job_lists.project_jobs(self._state, pi)

    def user_jobs(self, user_id: int) -> list[JobRow] | None:
        ui = self._state.user_index.get(user_id)
        return None if ui is None else job_lists.user_jobs(self._state, ui)

    def job_body(self, job: JobRow) -> Body:
        return job_lists.job_body(self._state, job)

    def job_key(self, job: JobRow) -> str:
        return job_lists.job_key(self._state, job)

    @functools.cached_property
    def biggest_inner_org_id(self) -> int:
        """The live inner organization that used the most compute (CPU + GPU seconds) over the metrics' 365 days:
        the one with the most jobs (thousands in the large world)."""
        st = self._state
        live = sorted((o for o in st.orgs if not o.deleted), key=lambda o: -o.compute_target)[:8]

        def seconds(index: int) -> int:
            return sum(
                r["cpuComputeTimeSeconds"] + r["gpuComputeTimeSeconds"] for r in usage.org_daily_metrics(st, index)
            )

        return max(live, key=lambda o: seconds(o.index)).id

    @functools.cached_property
    def busiest_user_id(self) -> int:
        """The member of the biggest inner organization who started the most of its jobs."""
        jobs = self.inner_organization_jobs(self.biggest_inner_org_id) or []
        counts = Counter(job.ui for job in jobs)
        return int(self._state.whitelabel_users[counts.most_common(1)[0][0]]["id"])


def _build_state(scale: str, seed: int, today: date) -> WorldState:
    """The eager lists, in the order that draws from the one ``rng`` (changing it changes every byte)."""
    state = WorldState(scale, seed, today)
    rng = random.Random(seed)
    build_orgs(state, rng)
    build_users(state, rng)
    build_projects(state, rng)
    finish_orgs(state, rng)
    build_plain(state, rng)
    state.jwt_user_id = state.whitelabel_users[0]["id"]
    state.base_users = len(state.whitelabel_users)
    add_arrivals(state)
    live_until_today(state)
    return state


def build_world(scale: str = "demo", seed: int = 7, today: date | None = None) -> World:
    """The seeded world for ``scale`` ("demo", "large" or "huge"), dated ``today`` (default: today, UTC).

    Same arguments, same bytes (pass ``today`` for that: the default changes every midnight)."""
    return World(scale, seed, today)
