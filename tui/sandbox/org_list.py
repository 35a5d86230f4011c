"""The eager organization lists: inner organizations (names, profiles, entitlement limits) and the plain org.

``build_orgs`` runs first (users and projects are drawn onto its organizations); ``finish_orgs`` runs after
them, since limits are sized from member and project counts. All draw from the one world ``rng`` in order.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from tui.sandbox import names
from tui.sandbox.landmarks import PLAIN_ORG_ID, WHITELABEL_ID, Body
from tui.sandbox.metrics import year_start
from tui.sandbox.state import OrgFacts, WorldState

# How common each activity profile is among generated organizations (percent).
RANDOM_PROFILES = ("growth",) * 35 + ("steady",) * 30 + ("wave",) * 12 + ("shrinking",) * 10 + ("quiet",) * 13
# Profiles of the demo organizations, in order: something of every shape on the first screen.
DEMO_PROFILES = (
    "growth",
    "wave",
    "steady",
    "growth",
    "shrinking",
    "steady",
    "wave",
    "quiet",
    "growth",
    "quiet",
    "steady",
    "shrinking",
)
# (compute, gpu, storage, users, projects) fraction of the entitlement used, for the demo orgs with a story: compute
# and GPU by the end of the contract year (on the epoch, the share of the year gone by of it), the others on the epoch.
DEMO_USAGE = {
    0: (0.93, 0.5, 0.4, 0.7, 0.5),
    2: (0.55, 0.4, 1.06, 0.6, 0.7),
    4: (0.4, 0.3, 0.5, 1.0, 0.85),
    6: (1.18, 0.97, 0.6, 0.5, 0.4),
    8: (0.85, 0.6, 0.88, 0.92, 0.6),
}
# Days of their contract year gone by on the epoch, for the same orgs: near, near and over on it, then renewing.
DEMO_CONTRACT_DAYS = {0: 330, 2: 250, 4: 200, 6: 340, 8: 358}


def build_orgs(st: WorldState, rng: random.Random) -> None:
    """The inner organizations' facts, in id order (ascending from 2001, with gaps)."""
    st.orgs = []
    n = st.size.organizations
    today = st.anchor  # history is written as of the epoch
    r = rng.random
    next_id = 2001
    for i in range(n):
        name = org_name(st, i, n, rng)
        profile = DEMO_PROFILES[i] if st.scale == "demo" else RANDOM_PROFILES[int(r() * 100)]
        created = today - (40 + int(r() * 320) if r() < 0.12 else 370 + int(r() * 1800))
        deleted = 0
        if (st.scale == "demo" and i == 9) or (st.scale != "demo" and r() < 0.06 and i < n - 3):
            deleted = today - 20 - int(r() * 200)
            created = min(created, deleted - 60)
            profile = "quiet"
        if profile == "quiet":
            last_active = deleted or today - 25 - int(r() * 250)
        elif profile == "shrinking":
            last_active = today - 1 - int(r() * 12)
        else:
            r()  # a draw kept from an earlier version, so that everything drawn after it stays the same
            last_active = today - 1  # a live customer ran jobs yesterday: the newest metrics day is not empty
        last_active = max(last_active, created + 1)
        billable = r() < 0.7 or (st.scale == "demo" and i in DEMO_USAGE)
        contract: int | None = None
        if billable:
            contract = today - 15 - int(r() * 330) if r() < 0.65 else today - 380 - int(r() * 700)
            if st.scale == "demo" and i in DEMO_CONTRACT_DAYS:
                contract = today - DEMO_CONTRACT_DAYS[i]
            contract = max(contract, created)
        domain = "redteam.example" if name == names.HOSTILE_ORG_NAME else names.email_domain(name, next_id)
        st.orgs.append(
            OrgFacts(
                index=i,
                id=next_id,
                name=name,
                created=created,
                last_active=last_active,
                deleted=deleted,
                profile=profile,
                wave_day=today - 60 - int(r() * 240),
                contract_start=contract,
                billable=billable,
                domain=domain,
                trial_id=4000 + i if (not billable and r() < 0.08) else None,
                staff=int(r() * 3),
                gpu_share=0.05 + 0.5 * r() ** 2,
            )
        )
        next_id += 1 + (int(r() * 4) if r() < 0.25 else 0)


def org_name(st: WorldState, i: int, n: int, rng: random.Random) -> str:
    """Demo names first, the hostile name second to last, then drawn names (a few long or with emoji)."""
    if st.scale == "demo":
        return names.DEMO_ORG_NAMES[i]
    if i == n - 2:
        return names.HOSTILE_ORG_NAME
    if i < len(names.DEMO_ORG_NAMES) - 2 and names.DEMO_ORG_NAMES[i] != names.HOSTILE_ORG_NAME:
        return names.DEMO_ORG_NAMES[i]
    if i % 397 == 5:
        return names.LONG_ORG_NAME_1 + f" ({i})"
    r = rng.random
    prefixes, suffixes, forms = names.ORG_PREFIXES, names.ORG_SUFFIXES, names.ORG_LEGAL_FORMS
    name = f"{prefixes[int(r() * len(prefixes))]} {suffixes[int(r() * len(suffixes))]}{forms[int(r() * len(forms))]}"
    if r() < 0.02:
        name = f"{names.ORG_EMOJI[int(r() * len(names.ORG_EMOJI))]} {name}"
    return name


def org_picker(st: WorldState, rng: random.Random) -> list[int]:
    """A lookup table from a uniform draw to an org index: big orgs are few, small orgs many."""
    orgs = st.orgs
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


def finish_orgs(st: WorldState, rng: random.Random) -> None:
    """Counts, usage targets and entitlement limits (sized so that a few organizations run near or over)."""
    r = rng.random
    today = st.anchor
    d = st.dates
    st.org_index = {}
    st.org_meta = []
    demo = st.scale == "demo"
    activities = {"growth": 1.0, "wave": 1.1, "steady": 0.9, "shrinking": 0.6, "quiet": 0.1}
    logo_prefix = f"https://cdn.{names.WHITELABEL_DOMAIN}/logos/"
    for o in st.orgs:
        members = st.org_alive_members[o.index]
        live = st.org_live_projects[o.index]
        private = st.org_private_projects[o.index]
        elapsed = today - max(year_start(o.contract_start or o.created, today - 1), o.created)  # of the compute year
        o.compute_target = int((members + 1) * 1200 * elapsed * activities[o.profile] * (0.5 + r()))
        o.storage_final = int((members + live + 1) * (0.5 + 4 * r()) * 2**30)
        usage = DEMO_USAGE.get(o.index) if demo else None
        if usage is None:
            tight = r()
            used = 0.9 + 0.5 * r() if tight < 0.2 else 0.15 + 0.6 * r()  # of the year's entitlement, by its end
            storage_used = 0.1 + 0.7 * r() if tight > 0.05 else min(used, 1.1)
            usage = (used, 0.2 + 0.6 * r(), storage_used, 0.3 + 0.6 * r(), 0.3 + 0.6 * r())
        year = o.compute_target * 365 / max(elapsed, 30)  # the compute year's usage, at the pace so far
        limits: Body = {
            "totalStorage": int(o.storage_final / usage[2]),
            "computeTimePerYear": int(year / usage[0]),
            "gpuComputeTimePerYear": int(year * o.gpu_share / 3 / usage[1]) + 3600,
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
        st.inner_organizations.append(item)
        st.org_index[o.id] = o.index
        active = datetime(
            *date.fromordinal(o.last_active).timetuple()[:3], 3 + int(r() * 20), int(r() * 60), tzinfo=UTC
        )
        st.org_meta.append({"deleted": bool(o.deleted), "lastActive": active, "billable": o.billable})


def build_plain(st: WorldState, rng: random.Random) -> None:
    """Harbor Acoustics Lab: outside the white label; the JWT user is one of its admins."""
    r = rng.random
    d = st.dates
    today = st.anchor
    st.plain_users = []
    for k in range(st.size.plain_users):
        first, last = names.FIRST_NAMES[(k * 7 + 3) % 60], names.LAST_NAMES[(k * 11 + 5) % 51]
        handle = f"{names.ascii_slug(first)}.{names.ascii_slug(last)}"
        user: Body = {
            "id": 800001 + k,
            "username": handle.replace(".", "_"),
            "email": f"{handle}@harbor.example",
            "name": f"{first} {last}",
            "created": d.stamp(today - 900 + k * 40, r()),
        }
        if k != 2:
            user["lastSeen"] = d.stamp(today - 1 - int(r() * 40), r())
        user["activated"] = k != 2
        user["from_evaluation"] = False
        user["tier"] = ("professional", "enterprise", "free")[k % 3]
        st.plain_users.append(user)
    st.plain_projects = []
    plain_names = (
        "Harbor noise classifier",
        "Propeller cavitation",
        "Dolphin whistle detector",
        "Foghorn keyword",
        "Dock crane vibration",
        "Seal pup counter",
        "Sonar ping classifier",
        "Wave height estimator",
        "Mooring line strain",
        "Ferry engine health",
    )
    categories = (
        "audio",
        "audio",
        "audio",
        "kws",
        "accelerometer",
        "object-detection",
        "audio",
        "other",
        "accelerometer",
        "audio",
    )
    for k in range(st.size.plain_projects):
        created = today - 700 + k * 60
        st.plain_projects.append(
            {
                "id": 900001 + k,
                "name": plain_names[k],
                "description": f"{plain_names[k]} (Harbor Acoustics Lab).",
                "created": d.stamp(created, r()),
                "owner": names.PLAIN_ORG_NAME,
                "ownerOrganizationId": PLAIN_ORG_ID,
                "lastAccessed": d.stamp(today - 1 - k * 3, r()),
                "tier": "professional",
                "category": categories[k],
            }
        )
