"""A deterministic, realistic fake Edge Impulse white-label world, as JSON-ready dicts with the API's names.

``build_world(scale, seed, today)`` builds the three big lists (inner organizations, users, projects) eagerly
as flat dicts, and everything heavy (daily metrics, full users, projects and organization info) lazily on
request, from ``(seed, entity id)`` alone, so a lazily built body equals an eagerly built one byte for byte.
Lazy bodies are kept in a small LRU cache; treat every returned dict as read-only.

Fixed landmarks (same in every scale and seed):

* white label ``WHITELABEL_ID`` "Acme Edge" on ``edge.acme.example``, owned by organization ``OWNER_ORG_ID``
  ("Acme Edge AI"); ``PLAIN_ORG_ID`` is "Harbor Acoustics Lab", a plain organization outside the white label.
* the JWT user is the first white-label user (an admin of both organizations).
* hostile names, second to last and third to last in their lists: the inner organization
  ``[@click=app.quit]Red Team[/]`` (``names.HOSTILE_ORG_NAME``) and its member named
  ``"Mallory \\x1b]52;c;aGVsbG8=\\x07Byte\\x1b[2J"`` (``names.HOSTILE_USER_NAME``: an OSC 52 clipboard write and
  a clear-screen CSI), username ``mallory.byte``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import random
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from tui.sandbox import names
from tui.sandbox.metrics import ActivityPlan, Event, daily_metrics, iso_day, summed_metrics

DEFAULT_TODAY = date(2026, 11, 25)
WHITELABEL_ID = 17
OWNER_ORG_ID = 1001
PLAIN_ORG_ID = 1187
CACHE_SIZE = 384

Body = dict[str, Any]
T = TypeVar("T")


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
# Profiles of the demo organizations, in order: something of every shape on the first screen.
DEMO_PROFILES = (
    "growth", "wave", "steady", "growth", "shrinking", "steady", "wave", "quiet", "growth", "quiet", "steady",
    "shrinking",
)
# (compute, gpu, storage, users, projects) fraction of the entitlement used, for the demo orgs with a story.
DEMO_USAGE = {0: (0.93, 0.5, 0.4, 0.7, 0.5), 2: (0.55, 0.4, 1.06, 0.6, 0.7), 4: (0.4, 0.3, 0.5, 1.0, 0.85),
              6: (1.18, 0.97, 0.6, 0.5, 0.4), 8: (0.85, 0.6, 0.88, 0.92, 0.6)}
ORG_KIND, USER_KIND, PROJECT_KIND, DETAIL_KIND, METRICS_KIND = range(5)


def derive_seed(seed: int, kind: int, entity_id: int) -> int:
    """A per-entity seed: stable across processes (no ``hash()``), distinct per kind of entity."""
    return (seed * 1_000_003 + entity_id) * 8 + kind


def fake_key(seed: int, label: str) -> str:
    return "ei_" + hashlib.sha256(f"eiscope-sandbox:{seed}:{label}".encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def fake_jwt(seed: int, user_id: int, issued: date) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    iat = int(datetime.combine(issued, time(), UTC).timestamp())
    claims = {"data": {"userId": user_id, "sandbox": True}, "iat": iat, "exp": iat + 30 * 86_400}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(f"sandbox-{seed}".encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


class _Dates:
    """ISO-8601 strings for days (ordinals) and times of day, precomputed so the list builders stay cheap."""

    def __init__(self, today: date, span_days: int = 4_200) -> None:
        self.today = today.toordinal()
        self.base = self.today - span_days
        self.days = [date.fromordinal(o).isoformat() for o in range(self.base, self.today + 1)]
        self.times = [f"{m // 60:02d}:{m % 60:02d}:{(m * 37) % 60:02d}" for m in range(1440)]
        self.days_t = [day + "T" for day in self.days]
        self.times_z = [t + "Z" for t in self.times]

    def stamp(self, ordinal: int, fraction: float = 0.0) -> str:
        """Date-time string on day ``ordinal`` at ``fraction`` of the day."""
        return f"{self.days[ordinal - self.base]}T{self.times[int(fraction * 1440)]}Z"

    def midnight(self, ordinal: int) -> str:
        return f"{self.days[ordinal - self.base]}T00:00:00Z"


class _Lru:
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
class _Org:
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


class World:
    """The seeded world. Lists are eager; bodies of single entities are built on request and cached."""

    def __init__(self, scale: str = "demo", seed: int = 7, today: date | None = None) -> None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
        self.scale = scale
        self.seed = seed
        self.today = today or DEFAULT_TODAY
        self.size = SCALES[scale]
        self.owner_org_id = OWNER_ORG_ID
        self.plain_org_id = PLAIN_ORG_ID
        self.whitelabel_id = WHITELABEL_ID
        self.admin_key = fake_key(seed, "admin")
        self.plain_key = fake_key(seed, "plain")
        self._dates = _Dates(self.today)
        self._cache = _Lru(CACHE_SIZE)
        self._last_day = self.today.toordinal() - 1
        rng = random.Random(seed)
        self._orgs: list[_Org] = []
        self.inner_organizations: list[Body] = []
        self.whitelabel_users: list[Body] = []
        self.whitelabel_projects: list[Body] = []
        self._build_orgs(rng)
        self._build_users(rng)
        self._build_projects(rng)
        self._finish_orgs(rng)
        self._build_plain(rng)
        self.jwt_user_id: int = self.whitelabel_users[0]["id"]
        self.jwt_token = fake_jwt(seed, self.jwt_user_id, self.today)

    # ------------------------------------------------------------------ eager lists
    def _build_orgs(self, rng: random.Random) -> None:
        n = self.size.organizations
        today = self._dates.today
        r = rng.random
        next_id = 2001
        for i in range(n):
            name = self._org_name(i, n, rng)
            profile = (DEMO_PROFILES[i] if self.scale == "demo" else
                       rng.choices(("growth", "steady", "wave", "shrinking", "quiet"), (35, 30, 12, 10, 13))[0])
            created = today - (40 + int(r() * 320) if r() < 0.12 else 370 + int(r() * 1800))
            deleted = 0
            if (self.scale == "demo" and i == 9) or (self.scale != "demo" and r() < 0.06 and i < n - 3):
                deleted = today - 20 - int(r() * 200)
                created = min(created, deleted - 60)
                profile = "quiet"
            if profile == "quiet":
                last_active = deleted or today - 25 - int(r() * 250)
            elif profile == "shrinking":
                last_active = today - 1 - int(r() * 12)
            else:
                last_active = today - 1 - int(r() * 3)
            last_active = max(last_active, created + 1)
            billable = r() < 0.7 or (self.scale == "demo" and i in DEMO_USAGE)
            contract: int | None = None
            if billable:
                contract = today - 15 - int(r() * 330) if r() < 0.65 else today - 380 - int(r() * 700)
                contract = max(contract, created)
            domain = "redteam.example" if name == names.HOSTILE_ORG_NAME else names.email_domain(name, next_id)
            self._orgs.append(_Org(
                index=i, id=next_id, name=name, created=created, last_active=last_active, deleted=deleted,
                profile=profile, wave_day=today - 60 - int(r() * 240), contract_start=contract, billable=billable,
                domain=domain, trial_id=4000 + i if (not billable and r() < 0.08) else None,
                staff=int(r() * 3), gpu_share=0.05 + 0.5 * r() ** 2,
            ))
            next_id += 1 + (int(r() * 4) if r() < 0.25 else 0)

    def _org_name(self, i: int, n: int, rng: random.Random) -> str:
        if self.scale == "demo":
            return names.DEMO_ORG_NAMES[i]
        if i == n - 2:
            return names.HOSTILE_ORG_NAME
        if i < len(names.DEMO_ORG_NAMES) - 2 and names.DEMO_ORG_NAMES[i] != names.HOSTILE_ORG_NAME:
            return names.DEMO_ORG_NAMES[i]
        if i % 397 == 5:
            return names.LONG_ORG_NAME_1 + f" ({i})"
        name = f"{rng.choice(names.ORG_PREFIXES)} {rng.choice(names.ORG_SUFFIXES)}{rng.choice(names.ORG_LEGAL_FORMS)}"
        if rng.random() < 0.02:
            name = f"{rng.choice(names.ORG_EMOJI)} {name}"
        return name

    def _org_picker(self, rng: random.Random) -> list[int]:
        """A lookup table from a uniform draw to an org index: big orgs are few, small orgs many."""
        orgs = self._orgs
        weights = [0.0 if o.deleted and i % 2 else 1.0 / (1 + i % 97) ** 0.8 for i, o in enumerate(orgs)]
        rng.shuffle(weights)
        total = sum(weights)
        slots = 1 << 17
        table: list[int] = []
        acc = 0.0
        for index, weight in enumerate(weights):
            acc += weight
            table.extend([index] * (round(acc / total * slots) - len(table)))
        return table

    def _build_users(self, rng: random.Random) -> None:
        """The white-label users: the owner's staff first, then one founder per inner org, then everyone else.

        The loop is the hot path of ``build_world("huge")``: it keeps to local names and list lookups.
        """
        size = self.size
        d = self._dates
        r = rng.random
        orgs = self._orgs
        picker = self._org_picker(rng)
        self._picker = picker
        n_pick = len(picker)
        self._org_member_list: list[list[int]] = [[] for _ in orgs]  # user indices, founder first
        self._owner_member_list: list[int] = []
        self._org_alive_members = [0] * len(orgs)
        self._user_org: list[int] = []  # primary org index; -1 is the owner organization
        self._user_second: dict[int, tuple[int, int]] = {}  # user index -> (second org index, day added)
        self._user_created: list[int] = []
        self._user_deleted: dict[int, int] = {}
        seen_emails: dict[str, int] = {}
        first_names, last_names = names.FIRST_NAMES, names.LAST_NAMES
        firsts_ascii = [names.ascii_slug(x) for x in first_names]
        lasts_ascii = [names.ascii_slug(x, "") for x in last_names]
        native = names.NATIVE_SCRIPT_NAMES
        n_first, n_last, n_native = len(first_names), len(last_names), len(native)
        n_orgs = len(orgs)
        total = size.users
        n_staff = size.staff
        hostile_index = total - 3
        hostile_org = next(o.index for o in orgs if o.name == names.HOSTILE_ORG_NAME)
        today = d.today
        owner_created = today - 2400
        org_created = [o.created for o in orgs]
        org_active = [o.last_active for o in orgs]
        org_profile = [o.profile for o in orgs]
        org_wave = [o.wave_day for o in orgs]
        org_domain = [o.domain for o in orgs]
        org_billable = [o.billable for o in orgs]
        members = self._org_member_list
        alive = self._org_alive_members
        days_t, times_z, base = d.days_t, d.times_z, d.base
        photo_prefix = f"https://usercdn.{names.WHITELABEL_DOMAIN}/photos/"
        staff_domain = names.WHITELABEL_DOMAIN.replace("edge.", "")
        users = self.whitelabel_users
        user_org, user_created, user_deleted = self._user_org, self._user_created, self._user_deleted
        uid = 10001
        for ui in range(total):
            staff = ui < n_staff
            founder = False
            if staff:
                org = -1
                o_created, o_active, profile, domain = owner_created, today - 1, "steady", staff_domain
            else:
                if ui == hostile_index:
                    org = hostile_org
                elif ui - n_staff < n_orgs:
                    org = ui - n_staff
                    founder = True
                else:
                    org = picker[int(r() * n_pick)]
                o_created, o_active, profile, domain = (org_created[org], org_active[org], org_profile[org],
                                                        org_domain[org])
            if staff or founder:
                created = o_created - int(r() * 90)
            elif profile == "wave" and r() < 0.45:
                created = org_wave[org] + int(r() * 14)
            elif profile == "growth":
                created = o_created + int((o_active - o_created) * r() ** 0.5)
            else:
                created = o_created + int((o_active - o_created) * r())
            if created >= today:
                created = today - 1
            added = created if created > o_created else o_created
            if ui == hostile_index:
                name, email, username = names.HOSTILE_USER_NAME, names.HOSTILE_USER_EMAIL, names.HOSTILE_USER_USERNAME
            else:
                if r() < 0.03:
                    name, handle = native[int(r() * n_native)]
                else:
                    fi, li = int(r() * n_first), int(r() * n_last)
                    name = first_names[fi] + " " + last_names[li]
                    handle = firsts_ascii[fi] + "." + lasts_ascii[li]
                email = handle + "@" + domain
                count = seen_emails.get(email, 0) + 1
                seen_emails[email] = count
                if count > 1:
                    handle = f"{handle}{count}"
                    email = handle + "@" + domain
                    username = handle
                elif r() < 0.5:
                    username = handle
                else:
                    username = f"{handle.replace('.', '')}{uid % 1000}"
            deleted = 0
            if not (staff or founder) and r() < 0.04 and ui != hostile_index:
                deleted = created + 1 + int(r() * (today - created - 1))
                if deleted >= today:
                    deleted = today - 1
                user_deleted[ui] = deleted
            activated = staff or founder or r() > 0.08
            if staff:
                tier = "enterprise"
            elif r() < 0.55:
                tier = TIERS[int(r() * 4)]
            else:
                tier = "enterprise" if org_billable[org] else "free"
            user: Body = {"id": uid, "username": username, "email": email, "name": name,
                          "created": days_t[created - base] + times_z[int(r() * 1440)], "activated": activated,
                          "from_evaluation": r() < 0.03, "tier": tier}
            if r() < 0.35:
                user["photo"] = f"{photo_prefix}{uid}.jpg"
            seen_high = deleted or o_active
            if activated and (staff or r() > 0.06) and seen_high >= added:
                seen = seen_high - int((seen_high - added) * r() ** 3)
                user["lastSeen"] = days_t[seen - base] + times_z[int(r() * 1440)]
            if deleted:
                user["deletedDate"] = days_t[deleted - base] + times_z[int(r() * 1440)]
            if staff:
                self._owner_member_list.append(ui)
            else:
                members[org].append(ui)
                if not deleted:
                    alive[org] += 1
                if r() < 0.08:
                    second = picker[int(r() * n_pick)]
                    if second != org:
                        later = added + int(r() * (today - 1 - added))
                        self._user_second[ui] = (second, later if later > org_created[second] else org_created[second])
                        members[second].append(ui)
                        if not deleted:
                            alive[second] += 1
            users.append(user)
            user_org.append(org)
            user_created.append(created)
            uid += 1 if r() < 0.8 else 1 + int(r() * 3)

    def _build_projects(self, rng: random.Random) -> None:
        size = self.size
        d = self._dates
        r = rng.random
        orgs = self._orgs
        today = d.today
        pool = names.PROJECT_NAMES
        n_pool = len(pool)
        suffixes = names.PROJECT_SUFFIXES
        n_suffixes = len(suffixes)
        self._project_owner_org: list[int] = []  # org index, -1 owner org, -2 a user's developer profile
        self._project_owner_user: dict[int, int] = {}  # project index -> user index, developer profiles only
        self._project_public: list[bool] = []
        self._org_projects: list[list[int]] = [[] for _ in orgs]
        self._org_live_projects = [0] * len(orgs)
        self._org_private_projects = [0] * len(orgs)
        self._owner_projects: list[int] = []
        self._user_projects: dict[int, list[int]] = {}
        users = self.whitelabel_users
        n_users = len(users)
        staff = size.staff
        picker = self._picker
        n_pick = len(picker)
        org_created = [o.created for o in orgs]
        org_active = [o.last_active for o in orgs]
        org_names = [o.name for o in orgs]
        org_ids = [o.id for o in orgs]
        org_billable = [o.billable for o in orgs]
        live_count, private_count = self._org_live_projects, self._org_private_projects
        days_t, times_z, base = d.days_t, d.times_z, d.base
        user_created, user_deleted, user_org = self._user_created, self._user_deleted, self._user_org
        owner_org, public_list = self._project_owner_org, self._project_public
        org_projects = self._org_projects
        projects = self.whitelabel_projects
        demo = self.scale == "demo"
        n_owner = size.owner_projects
        pid = 300001
        for pi in range(size.projects):
            if pi < n_owner:
                org, owner = -1, names.OWNER_ORG_NAME
                lo, hi = today - 2000, today - 1
            elif r() < 0.18:
                owner_user = staff + int(r() * (n_users - staff))
                org, owner = -2, users[owner_user]["name"]
                lo = user_created[owner_user]
                hi = user_deleted.get(owner_user) or org_active[user_org[owner_user]]
            else:
                org = picker[int(r() * n_pick)]
                owner = org_names[org]
                lo, hi = org_created[org], org_active[org]
            if hi < lo:
                hi = lo
            created = lo + int((hi - lo) * r() ** 0.7)
            name, category = pool[int(r() * n_pool)]
            if not demo or pi >= n_pool:
                name += suffixes[int(r() * n_suffixes)]
            project: Body = {"id": pid, "name": name, "description": f"{name}: {category} model for {owner}.",
                             "created": days_t[created - base] + times_z[int(r() * 1440)], "owner": owner}
            if org == -2:
                project["ownerUserId"] = users[owner_user]["id"]
                tier = users[owner_user]["tier"]
            elif org == -1:
                project["ownerOrganizationId"] = OWNER_ORG_ID
                tier = "enterprise"
            else:
                project["ownerOrganizationId"] = org_ids[org]
                tier = "enterprise" if org_billable[org] else TIERS[int(r() * 3)]
            accessed = hi - int((hi - created) * r() ** 2)
            project["lastAccessed"] = days_t[accessed - base] + times_z[int(r() * 1440)]
            project["whitelabelId"] = WHITELABEL_ID
            project["tier"] = tier
            project["category"] = category
            deleted = r() < 0.05 and pi >= n_owner
            if deleted:
                gone = created + 1 + int(r() * (today - created))
                project["deletedDate"] = days_t[min(gone, today - 1) - base] + times_z[int(r() * 1440)]
            public = r() < 0.12
            projects.append(project)
            owner_org.append(org)
            public_list.append(public)
            if org >= 0:
                org_projects[org].append(pi)
                if not deleted:
                    live_count[org] += 1
                    if not public:
                        private_count[org] += 1
            elif org == -1:
                self._owner_projects.append(pi)
            else:
                self._project_owner_user[pi] = owner_user
                self._user_projects.setdefault(owner_user, []).append(pi)
            pid += 1 if r() < 0.7 else 1 + int(r() * 5)

    def _finish_orgs(self, rng: random.Random) -> None:
        """Counts, usage targets and entitlement limits (sized so that a few organizations run near or over)."""
        r = rng.random
        today = self._dates.today
        d = self._dates
        self._org_index: dict[int, int] = {}
        self._org_meta: list[Body] = []
        demo = self.scale == "demo"
        activities = {"growth": 1.0, "wave": 1.1, "steady": 0.9, "shrinking": 0.6, "quiet": 0.1}
        logo_prefix = f"https://cdn.{names.WHITELABEL_DOMAIN}/logos/"
        for o in self._orgs:
            members = self._org_alive_members[o.index]
            live = self._org_live_projects[o.index]
            private = self._org_private_projects[o.index]
            period_days = today - (o.contract_start if o.contract_start else o.created)
            o.compute_target = int((members + 1) * 1200 * min(period_days, 365) * activities[o.profile] * (0.5 + r()))
            o.storage_final = int((members + live + 1) * (0.5 + 4 * r()) * 2**30)
            usage = DEMO_USAGE.get(o.index) if demo else None
            if usage is None:
                tight = r()
                used = 0.82 + 0.3 * r() if tight < 0.12 else 0.15 + 0.6 * r()
                usage = (used, 0.2 + 0.6 * r(), 0.1 + 0.7 * r() if tight > 0.05 else used, 0.3 + 0.6 * r(),
                         0.3 + 0.6 * r())
            limits: Body = {
                "totalStorage": int(o.storage_final / usage[2]),
                "computeTimePerYear": int(o.compute_target / usage[0]),
                "gpuComputeTimePerYear": int(o.compute_target * o.gpu_share / 3 / usage[1]) + 3600,
                "numberOfProjects": max(1, round(live / usage[4])),
                "numberOfUsers": max(1, round(members / usage[3])),
            }
            item: Body = {"id": o.id, "name": o.name}
            if r() < 0.4:
                item["logo"] = f"{logo_prefix}{o.id}.png"
            item["created"] = d.stamp(o.created, r())
            if r() < 0.5:
                item["domain"] = o.domain.removesuffix(".example") + ".example.com"
            item["whitelabelId"] = WHITELABEL_ID
            item["billable"] = o.billable
            item["privateProjectCount"] = private
            item["entitlementLimits"] = limits
            self.inner_organizations.append(item)
            self._org_index[o.id] = o.index
            active = datetime(*date.fromordinal(o.last_active).timetuple()[:3], 3 + int(r() * 20), int(r() * 60),
                              tzinfo=UTC)
            self._org_meta.append({"deleted": bool(o.deleted), "lastActive": active, "billable": o.billable})

    # ------------------------------------------------------------------ derived relations (lazy)
    @functools.cached_property
    def _user_index(self) -> dict[int, int]:
        return {user["id"]: ui for ui, user in enumerate(self.whitelabel_users)}

    @functools.cached_property
    def _project_index(self) -> dict[int, int]:
        return {project["id"]: pi for pi, project in enumerate(self.whitelabel_projects)}

    def _orgs_of(self, ui: int) -> tuple[int, ...]:
        """Org indices a user belongs to (-1 is the owner organization), primary first."""
        second = self._user_second.get(ui)
        return (self._user_org[ui],) if second is None else (self._user_org[ui], second[0])

    def _members(self, org: int) -> list[tuple[int, int]]:
        """(user index, day added) of an org's members (org -1: the owner), including deleted users."""
        created = self._user_created
        if org == -1:
            start = self._dates.today - 2400
            return [(ui, max(created[ui], start)) for ui in self._owner_member_list]
        org_created = self._orgs[org].created
        out = []
        for ui in self._org_member_list[org]:
            if self._user_org[ui] == org:
                out.append((ui, max(created[ui], org_created)))
            else:
                out.append((ui, self._user_second[ui][1]))
        return out

    def _role(self, ui: int, org: int) -> str:
        """A member's role: founders and the first two staff are admins; others derived from the user id."""
        if org == -1:
            return "admin" if ui < 2 else "member"
        if self._org_member_list[org][0] == ui:
            return "admin"
        if self._user_org[ui] != org:
            return "member"
        spread = (self.whitelabel_users[ui]["id"] * 2_654_435_761 + self.seed * 40_503) >> 16
        return ("admin", "member", "member", "member", "guest")[spread % 5]

    def _build_plain(self, rng: random.Random) -> None:
        """Harbor Acoustics Lab: outside the white label; the JWT user is one of its admins."""
        r = rng.random
        d = self._dates
        today = d.today
        self._plain_users: list[Body] = []
        for k in range(self.size.plain_users):
            first, last = names.FIRST_NAMES[(k * 7 + 3) % 60], names.LAST_NAMES[(k * 11 + 5) % 51]
            handle = f"{names.ascii_slug(first)}.{names.ascii_slug(last)}"
            user: Body = {"id": 800001 + k, "username": handle.replace(".", "_"), "email": f"{handle}@harbor.example",
                          "name": f"{first} {last}", "created": d.stamp(today - 900 + k * 40, r())}
            if k != 2:
                user["lastSeen"] = d.stamp(today - 1 - int(r() * 40), r())
            user["activated"] = k != 2
            user["from_evaluation"] = False
            user["tier"] = ("professional", "enterprise", "free")[k % 3]
            self._plain_users.append(user)
        self._plain_projects: list[Body] = []
        plain_names = ("Harbor noise classifier", "Propeller cavitation", "Dolphin whistle detector",
                       "Foghorn keyword", "Dock crane vibration", "Seal pup counter", "Sonar ping classifier",
                       "Wave height estimator", "Mooring line strain", "Ferry engine health")
        categories = ("audio", "audio", "audio", "kws", "accelerometer", "object-detection", "audio", "other",
                      "accelerometer", "audio")
        for k in range(self.size.plain_projects):
            created = today - 700 + k * 60
            self._plain_projects.append({
                "id": 900001 + k, "name": plain_names[k], "description": f"{plain_names[k]} (Harbor Acoustics Lab).",
                "created": d.stamp(created, r()), "owner": names.PLAIN_ORG_NAME,
                "ownerOrganizationId": PLAIN_ORG_ID, "lastAccessed": d.stamp(today - 1 - k * 3, r()),
                "tier": "professional", "category": categories[k],
            })

    # ------------------------------------------------------------------ credentials and top-level organizations
    def key_org(self, api_key: str) -> int | None:
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
        return [self._organization_body(OWNER_ORG_ID), self._organization_body(PLAIN_ORG_ID)]

    def is_whitelabel_admin_org(self, org_id: int) -> bool:
        return org_id == self.owner_org_id

    def organization(self, org_id: int) -> Body | None:
        if org_id in (OWNER_ORG_ID, PLAIN_ORG_ID) or org_id in self._org_index:
            return self._cache.get((ORG_KIND, org_id), lambda: self._organization_body(org_id))
        return None

    def organization_projects(self, org_id: int) -> list[Body] | None:
        if org_id == PLAIN_ORG_ID:
            return [self._plain_project(k) for k in range(len(self._plain_projects))]
        if org_id == OWNER_ORG_ID:
            indices = self._owner_projects
        elif org_id in self._org_index:
            indices = self._org_projects[self._org_index[org_id]]
        else:
            return None
        return [self._project_body(pi) for pi in indices if "deletedDate" not in self.whitelabel_projects[pi]]

    def organization_info(self, org_id: int) -> Body | None:
        org = self.organization(org_id)
        if org is None:
            return None
        static = self._org_static(org_id)
        body: Body = {
            "organization": org,
            "datasets": datasets_for(static, self._dates.today),
            "defaultComputeLimits": default_compute_limits(static),
            "entitlementLimits": self._entitlement_limits(org_id),
            "experiments": experiments_for(static),
            "readme": readme_for(static),
        }
        if org_id != PLAIN_ORG_ID:
            body["whitelabelId"] = WHITELABEL_ID
        body["cliLists"] = cli_lists()
        body["performance"] = {"jobLimitM": 240 if org_id == OWNER_ORG_ID else 120}
        return body

    def _org_static(self, org_id: int) -> OrgStatic:
        if org_id == OWNER_ORG_ID:
            return OrgStatic(org_id, names.OWNER_ORG_NAME, "owner", self.seed, names.WHITELABEL_DOMAIN)
        if org_id == PLAIN_ORG_ID:
            return OrgStatic(org_id, names.PLAIN_ORG_NAME, "plain", self.seed, "harbor.example")
        o = self._orgs[self._org_index[org_id]]
        return OrgStatic(org_id, o.name, "inner", self.seed, o.domain)

    def _entitlement_limits(self, org_id: int) -> Body:
        if org_id == OWNER_ORG_ID:
            return {"totalStorage": 50 * 2**40, "computeTimePerYear": 90_000_000, "gpuComputeTimePerYear": 20_000_000,
                    "numberOfProjects": 100_000, "numberOfUsers": 200_000}
        if org_id == PLAIN_ORG_ID:
            return {"totalStorage": 2 * 2**40, "computeTimePerYear": 3_600_000, "gpuComputeTimePerYear": 720_000,
                    "numberOfProjects": 25, "numberOfUsers": 20}
        return dict(self.inner_organizations[self._org_index[org_id]]["entitlementLimits"])

    def _organization_body(self, org_id: int) -> Body:
        d = self._dates
        if org_id == OWNER_ORG_ID:
            name, created = names.OWNER_ORG_NAME, d.stamp(d.today - 2400, 0.4)
            members = self._members(-1)
            whitelabel: int | None = WHITELABEL_ID
            contract: str | None = d.midnight(self._owner_contract_start())
            project_counts = self._project_counts(self._owner_projects)
        elif org_id == PLAIN_ORG_ID:
            name, created, whitelabel, contract = names.PLAIN_ORG_NAME, d.stamp(d.today - 950, 0.6), None, None
            members = []
            project_counts = Counter({self.jwt_user_id: len(self._plain_projects)})
        else:
            o = self._orgs[self._org_index[org_id]]
            name, created, whitelabel = o.name, self.inner_organizations[o.index]["created"], WHITELABEL_ID
            contract = d.midnight(o.contract_start) if o.contract_start else None
            members = self._members(o.index)
            project_counts = self._project_counts(self._org_projects[o.index])
        users = [self._organization_user(ui, org_id, added, project_counts) for ui, added in members
                 if ui not in self._user_deleted]
        if org_id == PLAIN_ORG_ID:
            users = [self._organization_user(0, org_id, d.today - 900, project_counts)]
            users += [self._plain_organization_user(k) for k in range(len(self._plain_users))]
        body: Body = {"id": org_id, "name": name}
        if org_id == OWNER_ORG_ID:
            body["logo"] = f"https://cdn.{names.WHITELABEL_DOMAIN}/brand/acme-mark.svg"
            body["headerImg"] = f"https://cdn.{names.WHITELABEL_DOMAIN}/brand/header.jpg"
        body["showHeaderImgMask"] = org_id == OWNER_ORG_ID
        body["users"] = users
        body["isDeveloperProfile"] = False
        body["whitelabelId"] = whitelabel
        if whitelabel:
            body["whitelabelName"] = names.WHITELABEL_NAME
        trial = None if org_id in (OWNER_ORG_ID, PLAIN_ORG_ID) else self._orgs[self._org_index[org_id]].trial_id
        body["trialId"] = trial
        body["trialExpiredDate"] = None
        body["trialUpgradedDate"] = None
        body["created"] = created
        body["contractStartDate"] = contract
        if org_id in self._org_index and self._orgs[self._org_index[org_id]].deleted:
            body["deletedDate"] = d.stamp(self._orgs[self._org_index[org_id]].deleted, 0.5)
        return body

    def _owner_contract_start(self) -> int:
        return self._dates.today - 200

    # ------------------------------------------------------------------ people
    def _user_detail(self, ui: int) -> Body:
        """Per-user facts derived from (seed, user id) only: same body whichever endpoint asks first."""
        user = self.whitelabel_users[ui] if ui >= 0 else self._plain_users[-ui - 1]
        rng = random.Random(derive_seed(self.seed, DETAIL_KIND, user["id"]))
        r = rng.random
        staff = 0 <= ui < self.size.staff
        company = names.OWNER_ORG_NAME if staff else (
            self._orgs[self._user_org[ui]].name if ui >= 0 else names.PLAIN_ORG_NAME)
        detail: Body = {
            "staffInfo": {"isStaff": False, "hasSudoRights": False},
            "pending": not user["activated"],
            "jobTitle": names.JOB_TITLES[int(r() * len(names.JOB_TITLES))],
            "permissions": [],
            "companyName": company,
            "activated": user["activated"],
            "mfaConfigured": staff or r() < 0.45,
            "tier": user.get("tier", "free"),
            "idps": ["acme-okta"] if staff else (["google"] if r() < 0.3 else []),
        }
        if detail["tier"] in ("professional",) and r() < 0.8:
            detail["stripeCustomerId"] = f"cus_{hashlib.sha256(str(user['id']).encode()).hexdigest()[:14]}"
        return detail

    def _user_base(self, ui: int) -> Body:
        user = self.whitelabel_users[ui] if ui >= 0 else self._plain_users[-ui - 1]
        base = {k: user[k] for k in ("id", "username", "name", "email") }
        for key in ("photo", "created", "lastSeen"):
            if key in user:
                base[key] = user[key]
        return base

    def _person(self, ui: int) -> Body:
        """The fields OrganizationUser, ProjectCollaborator, AdminApiUser and GetUserResponse share."""
        return self._cache.get((DETAIL_KIND, ui), lambda: {**self._user_base(ui), **self._user_detail(ui)})

    def _organization_user(self, ui: int, org_id: int, added: int, counts: Counter[int]) -> Body:
        body = dict(self._person(ui))
        d = self._dates
        body["added"] = d.stamp(added, 0.5)
        if org_id == PLAIN_ORG_ID or ui < self.size.staff:
            body["role"] = "admin" if ui < 2 or org_id == PLAIN_ORG_ID else "member"
        else:
            body["role"] = self._role(ui, self._org_index[org_id])
        user_id = self.whitelabel_users[ui]["id"] if ui >= 0 else self._plain_users[-ui - 1]["id"]
        body["projectCount"] = counts.get(user_id, 0)
        body["datasets"] = []
        if "lastSeen" in body:
            body["lastAccessToOrganization"] = body["lastSeen"]
        return body

    def _plain_organization_user(self, k: int) -> Body:
        body = self._organization_user(-k - 1, PLAIN_ORG_ID, self._dates.today - 900 + k * 40, Counter())
        body["role"] = ("member", "admin", "guest")[k % 3]
        body["projectCount"] = sum(1 for j in range(len(self._plain_projects)) if j % max(1, k + 1) == 0)
        return body

    def current_user(self) -> Body:
        ui = self._user_index[self.jwt_user_id]
        body = dict(self._person(ui))
        body["organizations"] = [self._user_organization(ui, OWNER_ORG_ID), self._user_organization(ui, PLAIN_ORG_ID)]
        projects = [self._project_body(pi) for pi in self._owner_projects]
        projects += self.organization_projects(PLAIN_ORG_ID) or []
        body["projects"] = projects
        body["experiments"] = []
        body["whitelabels"] = [{"id": WHITELABEL_ID, "domain": names.WHITELABEL_DOMAIN, "name": names.WHITELABEL_NAME,
                                "ownerOrganizationId": OWNER_ORG_ID, "isAdmin": True}]
        body["suspended"] = False
        body["notifications"] = []
        body["passwordConfigured"] = True
        body["projectsSortOrder"] = "last-accessed-desc"
        body["hasEnterpriseFeaturesAccess"] = True
        body["timezone"] = "Europe/Amsterdam"
        recent = sorted(projects, key=lambda p: p.get("lastAccessed", ""), reverse=True)[:5]
        body["lastAccessedProjects"] = {
            "projects": [{k: p[k] for k in ("id", "name", "created", "lastAccessed")} for p in recent],
            "hasMoreProjects": len(projects) > 5,
        }
        body["privatePersonalProjectsUsed"] = 0
        body["eulas"] = []
        return body

    def _user_organization(self, ui: int, org_id: int) -> Body:
        d = self._dates
        if org_id == OWNER_ORG_ID:
            name, created = names.OWNER_ORG_NAME, d.stamp(d.today - 2400, 0.4)
            staff = self._owner_member_list
            user_count, admin_count = len(staff), sum(1 for m in staff if self._role(m, -1) == "admin")
            private = len(self._owner_projects)
            whitelabel: int | None = WHITELABEL_ID
            is_admin, trial = ui < 2, None
        elif org_id == PLAIN_ORG_ID:
            name, created = names.PLAIN_ORG_NAME, d.stamp(d.today - 950, 0.6)
            user_count, admin_count, private = len(self._plain_users) + 1, 3, len(self._plain_projects)
            whitelabel, is_admin, trial = None, True, None
        else:
            index = self._org_index[org_id]
            o = self._orgs[index]
            name, created = o.name, self.inner_organizations[index]["created"]
            live = [m for m in self._org_member_list[index] if m not in self._user_deleted]
            user_count = len(live)
            admin_count = sum(1 for m in live if self._role(m, index) == "admin")
            private = self.inner_organizations[index]["privateProjectCount"]
            whitelabel, trial = WHITELABEL_ID, o.trial_id
            is_admin = self._role(ui, index) == "admin"
        body: Body = {"id": org_id, "name": name, "isDeveloperProfile": False, "whitelabelId": whitelabel,
                      "isAdmin": is_admin, "created": created, "trialId": trial, "trialExpiredDate": None,
                      "trialUpgradedDate": None, "entitlementLimits": self._entitlement_limits(org_id),
                      "userCount": user_count, "adminCount": admin_count, "privateProjectCount": private}
        last_seen = self.whitelabel_users[ui].get("lastSeen")
        if last_seen:
            body["lastAccessed"] = last_seen
        body["publicProjectLicense"] = {"name": "Apache-2.0", "link": "https://www.apache.org/licenses/LICENSE-2.0"}
        return body

    def whitelabel_user(self, user_id: int) -> Body | None:
        ui = self._user_index.get(user_id)
        if ui is None:
            return None
        return self._cache.get((USER_KIND, user_id), lambda: self._whitelabel_user_body(ui))

    def _whitelabel_user_body(self, ui: int) -> Body:
        body = dict(self._person(ui))
        org_ids = [OWNER_ORG_ID] if ui < self.size.staff else [self._orgs[i].id for i in self._orgs_of(ui)]
        body["organizations"] = [self._user_organization(ui, org_id) for org_id in org_ids]
        body["projects"] = [self._project_body(pi) for pi in self._user_project_indices(ui)]
        body["experiments"] = []
        body["suspended"] = False
        body["trials"] = self._trials(ui)
        body["dailyMetrics"] = self._user_daily_metrics(ui)
        return body

    def _trials(self, ui: int) -> list[Body]:
        if ui < self.size.staff:
            return []
        o = self._orgs[self._user_org[ui]]
        if o.trial_id is None or self._org_member_list[o.index][0] != ui:
            return []
        d = self._dates
        start = max(o.created, d.today - 40)
        expired = start + 14 < d.today
        return [{"id": o.trial_id, "userId": self.whitelabel_users[ui]["id"], "organizationId": o.id,
                 "created": d.stamp(start, 0.4), "expirationDate": d.stamp(start + 14, 0.4),
                 "notes": "Self-serve enterprise trial", "expiredDate": d.stamp(start + 14, 0.5) if expired else None,
                 "deletedDate": None, "upgradedDate": None}]

    def _user_project_indices(self, ui: int) -> list[int]:
        user_id = self.whitelabel_users[ui]["id"]
        if ui < self.size.staff:
            candidates = list(self._owner_projects)
        else:
            candidates = [pi for org in self._orgs_of(ui) for pi in self._org_projects[org]]
        candidates += self._user_projects.get(ui, [])
        found = []
        for pi in candidates:
            if "deletedDate" in self.whitelabel_projects[pi]:
                continue
            if any(c[0] == user_id for c in self._collaborator_ids(pi)):
                found.append(pi)
        return sorted(set(found))

    def _user_daily_metrics(self, ui: int) -> list[Body]:
        d = self._dates
        user = self.whitelabel_users[ui]
        events: list[Event] = []
        for pi in self._user_projects.get(ui, []):
            events.append(self._project_event(pi))
        created = self._user_created[ui]
        last_seen = user.get("lastSeen")
        last_active = date.fromisoformat(last_seen[:10]).toordinal() if last_seen else created
        rng = random.Random(derive_seed(self.seed, METRICS_KIND, user["id"]))
        plan = ActivityPlan(
            seed=derive_seed(self.seed, METRICS_KIND, user["id"]), created=created, last_active=last_active,
            contract_start=None, profile="steady", wave_day=d.today, member_events=(), project_events=events,
            staff_users=0, contract_compute_target=int(len(events) * 3600 * (0.2 + rng.random()) * 10),
            gpu_share=0.1, storage_final=int(len(events) * 2**28 * (0.2 + rng.random())))
        return daily_metrics(plan, self._last_day)

    def whitelabel_user_metrics(self, user_id: int) -> Body | None:
        ui = self._user_index.get(user_id)
        if ui is None:
            return None
        user = self.whitelabel_users[ui]
        return user_metrics(user, len(self._user_project_indices(ui)), len(self._orgs_of(ui)),
                            derive_seed(self.seed, METRICS_KIND + 1, user_id), self._dates.today)

    # ------------------------------------------------------------------ projects
    def _project_event(self, pi: int) -> Event:
        project = self.whitelabel_projects[pi]
        deleted = project.get("deletedDate")
        return (date.fromisoformat(project["created"][:10]).toordinal(),
                date.fromisoformat(deleted[:10]).toordinal() if deleted else None)

    def _collaborator_ids(self, pi: int) -> list[tuple[int, int]]:
        """(user id, user index) of a project's collaborators, the owner first."""
        return self._cache.get((PROJECT_KIND + 8, pi), lambda: self._pick_collaborators(pi))

    def _pick_collaborators(self, pi: int) -> list[tuple[int, int]]:
        project = self.whitelabel_projects[pi]
        rng = random.Random(derive_seed(self.seed, PROJECT_KIND, project["id"]))
        org = self._project_owner_org[pi]
        users = self.whitelabel_users
        if org == -2:
            owner = self._project_owner_user[pi]
            chosen = [owner]
            home = self._org_member_list[self._user_org[owner]]
            if home and rng.random() < 0.4:
                other = home[int(rng.random() * len(home))]
                if other != owner and other not in self._user_deleted:
                    chosen.append(other)
        else:
            members = self._owner_member_list if org == -1 else self._org_member_list[org]
            live = [ui for ui in members if ui not in self._user_deleted]
            if not live:
                return []
            chosen = rng.sample(live, min(len(live), 1 + int(rng.random() * 4)))
        return [(users[ui]["id"], ui) for ui in chosen]

    def _project_counts(self, project_indices: list[int]) -> Counter[int]:
        counts: Counter[int] = Counter()
        for pi in project_indices:
            if "deletedDate" not in self.whitelabel_projects[pi]:
                for user_id, _ in self._collaborator_ids(pi):
                    counts[user_id] += 1
        return counts

    def whitelabel_project(self, project_id: int) -> Body | None:
        pi = self._project_index.get(project_id)
        return None if pi is None else self._project_body(pi)

    def _project_body(self, pi: int) -> Body:
        return self._cache.get((PROJECT_KIND, pi), lambda: self._build_project(pi))

    def _build_project(self, pi: int) -> Body:
        item = self.whitelabel_projects[pi]
        rng = random.Random(derive_seed(self.seed, PROJECT_KIND, item["id"]) + 1)
        collaborators = []
        for position, (_, ui) in enumerate(self._collaborator_ids(pi)):
            person = self._person(ui)
            collaborators.append({**person, "isOwner": position == 0})
        public = self._project_public[pi]
        developer = self._project_owner_org[pi] == -2
        return self._full_project(item, collaborators, public, developer, WHITELABEL_ID, rng)

    def _plain_project(self, k: int) -> Body:
        item = self._plain_projects[k]
        rng = random.Random(derive_seed(self.seed, PROJECT_KIND, item["id"]) + 1)
        ui = self._user_index[self.jwt_user_id]
        collaborators = [{**self._person(ui), "isOwner": True}]
        collaborators += [{**self._person(-j - 1), "isOwner": False}
                          for j in range(len(self._plain_users)) if k % (j + 1) == 0]
        return self._full_project(item, collaborators, k == 1, False, None, rng)

    def _full_project(self, item: Body, collaborators: list[Body], public: bool, developer: bool,
                      whitelabel: int | None, rng: random.Random) -> Body:
        r = rng.random
        category = item["category"]
        body: Body = {k: item[k] for k in ("id", "name", "description", "created", "owner")}
        body["lastAccessed"] = item["lastAccessed"]
        body["lastModified"] = item["lastAccessed"]
        body["lastModificationDetails"] = ("Retrained model", "Added 120 samples", "Changed impulse design",
                                           "Built deployment (C++ library)")[int(r() * 4)]
        for key in ("ownerUserId", "ownerOrganizationId"):
            if key in item:
                body[key] = item[key]
        body["ownerIsDeveloperProfile"] = developer
        if developer:
            body["developerProfileUserId"] = item["ownerUserId"]
        body["collaborators"] = collaborators
        if category == "object-detection":
            body["labelingMethod"] = "label_map" if r() < 0.3 else "object_detection"
        else:
            body["labelingMethod"] = "single_label"
        body["metadata"] = {"sensor": {"kws": "microphone", "audio": "microphone", "image": "camera",
                                       "object-detection": "camera", "accelerometer": "imu"}.get(category, "other")}
        body["isEnterpriseProject"] = item.get("tier") == "enterprise" and not developer
        body["whitelabelId"] = whitelabel
        if whitelabel:
            body["whitelabelName"] = names.WHITELABEL_NAME
        body["tags"] = sorted({names.PROJECT_TAGS[int(r() * len(names.PROJECT_TAGS))] for _ in range(int(r() * 4))})
        body["category"] = CATEGORY_TITLES[category]
        if public:
            body["license"] = ("Apache-2.0", "BSD-3-Clause", "BSD-3-Clause-Clear")[int(r() * 3)]
        body["tier"] = item.get("tier", "free")
        body["hasPublicVersion"] = public
        body["isPublic"] = False
        body["allowsLivePublicAccess"] = public and r() < 0.5
        body["indPauseProcessingSamples"] = False
        body["publicProjectListed"] = public
        if "deletedDate" in item:
            deleted = date.fromisoformat(item["deletedDate"][:10]).toordinal()
            body["deletedDate"] = item["deletedDate"]
            body["scheduledFullDeletionDate"] = self._dates.stamp(min(deleted + 30, self._dates.today), 0.1)
        return body

    # ------------------------------------------------------------------ white label
    def whitelabel(self) -> Body:
        return whitelabel_body(WHITELABEL_ID, OWNER_ORG_ID)

    def whitelabel_metrics(self) -> Body:
        return self._cache.get((METRICS_KIND, 0), self._whitelabel_metrics_body)

    def _whitelabel_metrics_body(self) -> Body:
        today = self._dates.today
        alive = [o for o in self._orgs if not o.deleted]
        users = self.whitelabel_users
        live_users = [u for u in users if "deletedDate" not in u]
        cutoff = self._dates.days[today - 30 - self._dates.base]
        projects = self.whitelabel_projects
        live_projects = [p for p in projects if "deletedDate" not in p]
        daily = self._whitelabel_daily_metrics()
        last = daily[-1]
        return {
            "totalOrganizations": len(alive),
            "deletedOrganizations": len(self._orgs) - len(alive),
            "billableOrganizations": sum(1 for o in alive if o.billable),
            "activeOrganizations30d": sum(1 for o in alive if o.last_active >= today - 30),
            "totalUsers": len(live_users),
            "deletedUsers": len(users) - len(live_users),
            "activeUsers30d": sum(1 for u in live_users if u.get("lastSeen", "") >= cutoff),
            "pendingUsers": sum(1 for u in live_users if not u["activated"]),
            "usersByTier": dict(sorted(Counter(u["tier"] for u in live_users).items())),
            "totalProjects": len(live_projects),
            "deletedProjects": len(projects) - len(live_projects),
            "projectsByCategory": dict(sorted(Counter(p["category"] for p in live_projects).items())),
            "totalStorageBytes": last["totalStorageSizeBytes"],
            "computeTimeSecondsCurrentContract": last["totalCurrentContractComputeTimeSeconds"],
            "computeTimeCalculatedSince": last["computeTimeCalculatedSince"],
            "dailyMetrics": daily,
        }

    def _whitelabel_daily_metrics(self) -> list[Body]:
        """The sum over inner organizations (and the owner's staff); at large scales, one aggregate series."""
        contract = self._owner_contract_start()
        if len(self._orgs) <= 300:
            series = [self._org_daily_metrics(o.index) for o in self._orgs]
            return summed_metrics(series, contract)
        members: list[Event] = []
        for index, _o in enumerate(self._orgs):
            members += [(added, self._user_deleted.get(ui)) for ui, added in self._members(index)]
        events = [self._project_event(pi) for pi in range(len(self.whitelabel_projects))]
        plan = ActivityPlan(
            seed=derive_seed(self.seed, METRICS_KIND, 0), created=self._dates.today - 2400,
            last_active=self._last_day, contract_start=contract, profile="growth", wave_day=self._dates.today,
            member_events=members, project_events=events, staff_users=sum(o.staff for o in self._orgs),
            contract_compute_target=sum(o.compute_target for o in self._orgs) // 2, gpu_share=0.2,
            storage_final=sum(o.storage_final for o in self._orgs))
        return daily_metrics(plan, self._last_day)

    # ------------------------------------------------------------------ inner organizations
    def inner_organization_meta(self, inner_id: int) -> Body:
        return self._org_meta[self._org_index[inner_id]]

    def _plan(self, index: int) -> ActivityPlan:
        o = self._orgs[index]
        members: list[Event] = [(added, self._user_deleted.get(ui)) for ui, added in self._members(index)]
        projects = [self._project_event(pi) for pi in self._org_projects[index]]
        return ActivityPlan(
            seed=derive_seed(self.seed, METRICS_KIND, o.id), created=o.created, last_active=o.last_active,
            contract_start=o.contract_start, profile=o.profile, wave_day=o.wave_day, member_events=members,
            project_events=projects, staff_users=o.staff, contract_compute_target=o.compute_target,
            gpu_share=o.gpu_share, storage_final=o.storage_final)

    def _org_daily_metrics(self, index: int) -> list[Body]:
        return self._cache.get((METRICS_KIND, self._orgs[index].id),
                               lambda: daily_metrics(self._plan(index), self._last_day))

    def inner_organization_info(self, inner_id: int) -> Body | None:
        index = self._org_index.get(inner_id)
        if index is None:
            return None
        return self._cache.get((ORG_KIND + 8, inner_id), lambda: self._inner_info_body(index))

    def _inner_info_body(self, index: int) -> Body:
        o = self._orgs[index]
        daily = self._org_daily_metrics(index)
        last = daily[-1]
        cpu = last["totalCurrentContractCpuComputeTimeSeconds"]
        gpu = last["totalCurrentContractGpuComputeTimeSeconds"]
        body: Body = {
            "cpuComputeTime": cpu,
            "gpuComputeTime": gpu,
            "totalComputeTime": round((cpu + gpu) / 60, 2),
            "billable": o.billable,
            "entitlementLimits": dict(self.inner_organizations[index]["entitlementLimits"]),
            "computeTimeCurrentContractSince": last["computeTimeCalculatedSince"],
            "totalStorage": last["totalStorageSizeBytes"],
            "dailyMetrics": daily,
        }
        if o.index % 3 == 0:
            body["extensionBlocks"] = [{"id": 500 + o.index, "name": "Anomaly report exporter"}]
            body["extensionSettings"] = {"extensionsEnabled": True, "extensionsAllowMembers": o.index % 2 == 0,
                                         "extensionsAllowLocalhost": False,
                                         "extensionsAllowedDomains": [o.domain.removesuffix(".example") + ".com"]}
        return body

    def compute_time(self, inner_id: int, start: datetime, end: datetime) -> Body | None:
        index = self._org_index.get(inner_id)
        if index is None:
            return None
        first, last = iso_day(start.date().toordinal()), iso_day(end.date().toordinal())
        cpu = gpu = 0
        for record in self._org_daily_metrics(index):
            if first <= record["date"] <= last:
                cpu += record["cpuComputeTimeSeconds"]
                gpu += record["gpuComputeTimeSeconds"]
        return {"cpuComputeTime": cpu, "gpuComputeTime": gpu, "totalComputeTime": round((cpu + gpu) / 60, 2)}


# ---------------------------------------------------------------------- static content of bodies
CATEGORY_TITLES = {"kws": "Keyword spotting", "audio": "Audio", "object-detection": "Object detection",
                   "image": "Images", "accelerometer": "Accelerometer", "other": "Other"}


@dataclass(frozen=True)
class OrgStatic:
    """What the organization-info content is derived from."""

    id: int
    name: str
    kind: str  # "owner", "plain" or "inner"
    seed: int
    domain: str


def datasets_for(org: OrgStatic, today: int) -> list[Body]:
    """Research datasets: both types (files and clinical), in S3 buckets, with checklist counts."""
    rng = random.Random(derive_seed(org.seed, ORG_KIND, org.id) + 3)
    r = rng.random
    count = {"owner": 4, "plain": 2}.get(org.kind, int(r() * 3))
    bucket_name = f"{names.ascii_slug(org.domain.split('.')[0], '-') or 'org'}-{org.id}-research"
    datasets = []
    for k in range(count):
        name = names.DATASET_NAMES[(org.id + k * 3) % len(names.DATASET_NAMES)]
        items = 200 + int(r() * 40_000)
        failed = int(items * r() * 0.08)
        files = items * (1 + int(r() * 4))
        kind = "clinical" if k % 2 else "files"
        path = f"datasets/{names.ascii_slug(name, '-')}"
        dataset: Body = {
            "dataset": name,
            "lastFileCreated": f"{date.fromordinal(today - 1 - int(r() * 60)).isoformat()}T{int(r() * 24):02d}:17:03Z",
            "totalFileSize": files * (40_000 + int(r() * 4_000_000)),
            "totalFileCount": files,
            "totalItemCount": items,
            "totalItemCountChecklistOK": items - failed,
            "totalItemCountChecklistFailed": failed,
            "tags": sorted({("raw", "labelled", "gdpr-reviewed", "2026", "field-trial", "lab")[int(r() * 6)]
                            for _ in range(1 + int(r() * 3))}),
            "category": ("Audio", "Vibration", "Images", "Biosignals")[k % 4],
            "bucket": {"id": 70 + org.id % 50 + k, "bucket": bucket_name, "path": path,
                       "fullBucketPathDescription": f"s3://{bucket_name}/{path}",
                       "dataItemNamingLevelsDeep": 2 if kind == "clinical" else 1},
            "type": kind,
            "bucketPath": path,
        }
        datasets.append(dataset)
    return datasets


def default_compute_limits(org: OrgStatic) -> Body:
    big = org.kind == "owner"
    return {"requestsCpu": 2.0 if big else 1.0, "requestsMemory": 4096 if big else 2048,
            "limitsCpu": 8.0 if big else 4.0, "limitsMemory": 16384 if big else 8192}


def experiments_for(org: OrgStatic) -> list[Body]:
    return [
        {"type": "vlm_labeling", "title": "Label images with a vision-language model",
         "help": "Auto-label object detection data with a VLM.", "enabled": org.kind == "owner", "showToUser": True},
        {"type": "synthetic_data", "title": "Synthetic data generation", "enabled": org.id % 2 == 1,
         "showToUser": True},
        {"type": "legacy_profiler", "title": "Legacy on-device profiler", "enabled": False, "showToUser": False},
    ]


def readme_for(org: OrgStatic) -> Body:
    """A markdown readme with a heading, a list, a table, a link and code, plus its HTML."""
    title = org.name
    site = f"https://{org.domain}"
    markdown = (
        f"# {title}\n\n"
        "Welcome to our Edge Impulse organization. Start here:\n\n"
        "- Upload new recordings to the **research datasets** first\n"
        "- Keep one project per deployment target\n"
        "- Ask in #edge-ml before changing a production impulse\n\n"
        "## Deployment targets\n\n"
        "| Target | Board | Owner |\n"
        "|---|---|---|\n"
        "| Wearable | Nordic nRF5340 DK | firmware team |\n"
        "| Gateway | Raspberry Pi 5 | platform team |\n\n"
        f"More on the [team wiki]({site}/wiki).\n\n"
        "```bash\n"
        "edge-impulse-daemon --clean\n"
        "```\n"
    )
    html = (
        f"<h1>{_html_escape(title)}</h1>\n"
        "<p>Welcome to our Edge Impulse organization. Start here:</p>\n"
        "<ul>\n<li>Upload new recordings to the <strong>research datasets</strong> first</li>\n"
        "<li>Keep one project per deployment target</li>\n"
        "<li>Ask in #edge-ml before changing a production impulse</li>\n</ul>\n"
        "<h2>Deployment targets</h2>\n"
        "<table>\n<thead>\n<tr>\n<th>Target</th>\n<th>Board</th>\n<th>Owner</th>\n</tr>\n</thead>\n<tbody>\n"
        "<tr>\n<td>Wearable</td>\n<td>Nordic nRF5340 DK</td>\n<td>firmware team</td>\n</tr>\n"
        "<tr>\n<td>Gateway</td>\n<td>Raspberry Pi 5</td>\n<td>platform team</td>\n</tr>\n"
        "</tbody>\n</table>\n"
        f'<p>More on the <a href="{site}/wiki">team wiki</a>.</p>\n'
        '<pre><code class="language-bash">edge-impulse-daemon --clean\n</code></pre>\n'
    )
    return {"markdown": markdown, "html": html}


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cli_lists() -> Body:
    layers = (("MobileNetV2 SSD FPN", "mobilenet-ssd"), ("FOMO (Faster Objects, More Objects)", "fomo"),
              ("YOLOv5", "yolov5"), ("YOLOX", "yolox"), ("YOLOv7", "yolov7"), ("YOLO-Pro", "yolo-pro"),
              ("YOLOv11", "yolov11"), ("NVIDIA TAO RetinaNet", "tao-retinanet"), ("NVIDIA TAO SSD", "tao-ssd"),
              ("NVIDIA TAO YOLOv4", "tao-yolov4"))
    scaling = (("Pixels ranging 0..1 (not normalized)", "0..1"), ("Pixels ranging -1..1 (not normalized)", "-1..1"),
               ("Pixels ranging -128..127 (not normalized)", "-128..127"),
               ("Pixels ranging 0..255 (not normalized)", "0..255"),
               ("PyTorch (0..1, normalized using ImageNet mean/std)", "torch"),
               ("BGR, subtract ImageNet mean", "bgr-subtract-imagenet-mean"))
    return {"objectDetectionLastLayerOptions": [{"label": label, "value": value} for label, value in layers],
            "imageInputScalingOptions": [{"label": label, "value": value} for label, value in scaling]}


def whitelabel_body(whitelabel_id: int, owner_org_id: int) -> Body:
    cdn = f"https://cdn.{names.WHITELABEL_DOMAIN}/brand"
    boards = [
        {"id": 1, "name": "Nordic Semi nRF5340 DK", "image": f"{cdn}/boards/nrf5340.png",
         "docsUrl": "https://docs.edgeimpulse.com/hardware/boards/nordic-semi-nrf5340-dk"},
        {"id": 2, "name": "Arduino Nano 33 BLE Sense", "image": f"{cdn}/boards/nano33.png",
         "docsUrl": "https://docs.edgeimpulse.com/hardware/boards/arduino-nano-33-ble-sense"},
        {"id": 3, "name": "Raspberry Pi 5", "image": f"{cdn}/boards/rpi5.png",
         "docsUrl": "https://docs.edgeimpulse.com/hardware/boards/raspberry-pi-5"},
        {"id": 4, "name": "Espressif ESP-EYE", "image": f"{cdn}/boards/esp-eye.png",
         "docsUrl": "https://docs.edgeimpulse.com/hardware/boards/espressif-esp32"},
        {"id": 5, "name": "Acme Sense Node v3", "image": f"{cdn}/boards/acme-node.png",
         "docsUrl": f"https://{names.WHITELABEL_DOMAIN}/docs/boards/sense-node"},
    ]
    all_targets = ["zip", "arduino", "cubemx", "wasm", "tensorrt", "ethos", "linux", "nordic-nrf5340-dk",
                   "espressif-esp32", "raspberry-pi-rp2040", "acme-sense-node"]
    learning = [("Classification", "keras"), ("Anomaly detection (K-means)", "anomaly"),
                ("Anomaly detection (GMM)", "anomaly-gmm"), ("Regression", "keras-regression"),
                ("Object detection (Images)", "keras-object-detection"), ("Transfer learning (Images)",
                                                                         "keras-transfer-image"),
                ("Transfer learning (Keyword spotting)", "keras-transfer-kws"), ("Visual anomaly detection",
                                                                                 "keras-visual-anomaly")]
    return {
        "id": whitelabel_id,
        "name": names.WHITELABEL_NAME,
        "domain": names.WHITELABEL_DOMAIN,
        "ownerOrganizationId": owner_org_id,
        "themeId": 9,
        "theme": {
            "id": 9, "ownerOrganizationId": owner_org_id, "name": "Acme Edge",
            "favicon": {f"favicon{size}": f"{cdn}/favicon-{size}.png" for size in (32, 57, 76, 96, 120, 128, 144,
                                                                                   152, 180, 228)},
            "logos": {"primary": f"{cdn}/logo.svg", "primaryPng": f"{cdn}/logo.png",
                      "primaryWhite": f"{cdn}/logo-white.svg", "loginLogo": f"{cdn}/login.svg",
                      "loginLogoWhite": f"{cdn}/login-white.svg", "mark": f"{cdn}/mark.svg",
                      "markWhite": f"{cdn}/mark-white.svg", "deviceLogo": f"{cdn}/device.png"},
            "colors": {"primaryColor": "#0b6e4f", "primaryColorRgb": [11.0, 110.0, 79.0],
                       "primaryColorGradientEnd": "#08a045"},
        },
        "identityProviders": ["acme-okta", "google"],
        "allowPasswordAuth": False,
        "deploymentTargets": [*all_targets[:8], "acme-sense-node"],
        "allDeploymentTargets": all_targets,
        "customDeploymentBlocks": [{"name": "Acme Sense Node firmware", "id": 211},
                                   {"name": "Acme OTA bundle", "id": 212}],
        "deploymentOptionsOrder": ["acme-sense-node", "zip", "linux"],
        "allowSignup": True,
        "allowFreeProjects": False,
        "exposePublicProjects": True,
        "defaultDeploymentTarget": "acme-sense-node",
        "supportedProjectTypes": ["kws", "audio", "object-detection", "image", "accelerometer", "other"],
        "allowNewProjectUi": True,
        "learningBlocks": [block for _, block in learning[:6]],
        "allLearningBlocks": [{"title": title, "type": block} for title, block in learning],
        "developmentBoards": boards[:3] + boards[4:],
        "allDevelopmentBoards": boards,
        "organizationsLimit": 6_000,
        "disablePublicEntities": False,
        "requireCollaboratorsInWhitelabel": True,
        "disableMarketingFeatures": True,
        "disableForumAccess": False,
        "customLimits": {"maxProjectsPerUser": 50, "maxJobMinutes": 240},
    }


def user_metrics(user: Body, projects: int, organizations: int, seed: int, today: int) -> Body:
    """Marketing-style metrics of one user (the endpoint's ``metrics`` object is untyped)."""
    rng = random.Random(seed)
    r = rng.random
    seen = "lastSeen" in user
    weekly = [int(r() * 12 * r()) if seen else 0 for _ in range(12)]
    return {
        "signupDate": user["created"],
        "lastLogin": user.get("lastSeen"),
        "loginCount": sum(weekly) + (int(r() * 400) if seen else 0),
        "logins30d": sum(weekly[-4:]),
        "loginsPerWeek": weekly,
        "projectsCollaborating": projects,
        "organizations": organizations,
        "trainingJobs": int(r() * 300) if seen else 0,
        "deployments": int(r() * 40) if seen else 0,
        "computeTimeSeconds30d": int(r() * 90_000) if seen else 0,
        "devicesConnected": int(r() * 6),
        "country": names.COUNTRIES[int(r() * len(names.COUNTRIES))],
        "signupSource": ("organic", "invite", "sso", "webinar", "partner")[int(r() * 5)],
        "marketingEmailsOptIn": r() < 0.4,
    }


def build_world(scale: str = "demo", seed: int = 7, today: date | None = None) -> World:
    """The seeded world for ``scale`` ("demo", "large" or "huge"); same arguments, same bytes."""
    return World(scale, seed, today)
