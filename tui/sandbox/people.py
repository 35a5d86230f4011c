"""People in bodies: the fields every kind of user record shares, and a user as an organization member."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from datetime import date

from tui.sandbox import names
from tui.sandbox.landmarks import DETAIL_KIND, PLAIN_ORG_ID, Body, derive_seed
from tui.sandbox.state import WorldState


def user_detail(st: WorldState, ui: int) -> Body:
    """Per-user facts derived from (seed, user id) only: same body whichever endpoint asks first."""
    user = st.whitelabel_users[ui] if ui >= 0 else st.plain_users[-ui - 1]
    rng = random.Random(derive_seed(st.seed, DETAIL_KIND, user["id"]))
    r = rng.random
    staff = 0 <= ui < st.size.staff
    company = names.OWNER_ORG_NAME if staff else (st.orgs[st.user_org[ui]].name if ui >= 0 else names.PLAIN_ORG_NAME)
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


def user_base(st: WorldState, ui: int) -> Body:
    """A list item's identity fields; a negative ``ui`` is the plain org's user ``-ui - 1``."""
    user = st.whitelabel_users[ui] if ui >= 0 else st.plain_users[-ui - 1]
    base = {k: user[k] for k in ("id", "username", "name", "email")}
    for key in ("photo", "created", "lastSeen"):
        if key in user:
            base[key] = user[key]
    return base


def person(st: WorldState, ui: int) -> Body:
    """The fields OrganizationUser, ProjectCollaborator, AdminApiUser and GetUserResponse share."""
    return st.small_cache.get((DETAIL_KIND, ui), lambda: {**user_base(st, ui), **user_detail(st, ui)})


def organization_user(
    st: WorldState, ui: int, org_id: int, added: int, counts: Counter[int], last_projects: dict[int, int] | None = None
) -> Body:
    """A member as an organization body lists them: role, project count, day added, and when they last opened
    this organization (``lastAccessToOrganization``; a member of two organizations opened the other one last)."""
    body = dict(person(st, ui))
    d = st.dates
    body["added"] = d.stamp(added, 0.5)
    if org_id == PLAIN_ORG_ID or ui < st.size.staff:
        body["role"] = "admin" if ui < 2 or org_id == PLAIN_ORG_ID else "member"
        home = True
    else:
        index = st.org_index[org_id]
        body["role"] = st.role(ui, index)
        home = st.user_org[ui] == index
    user_id = st.whitelabel_users[ui]["id"] if ui >= 0 else st.plain_users[-ui - 1]["id"]
    body["projectCount"] = counts.get(user_id, 0)
    body["datasets"] = []
    if "lastSeen" in body:
        seen = body["lastSeen"]
        if not home:
            day = date.fromisoformat(seen[:10]).toordinal() - (user_id * 7 + org_id) % 45
            seen = d.stamp(max(day, added), 0.4)
        body["lastAccessToOrganization"] = seen
    if last_projects and user_id in last_projects:
        body["lastOrganizationProjectAccessed"] = last_projects[user_id]
    return body


def plain_organization_user(st: WorldState, k: int) -> Body:
    """One of Harbor's own people: roles cycle so that each shows up."""
    body = organization_user(st, -k - 1, PLAIN_ORG_ID, st.anchor - 900 + k * 40, Counter())
    body["role"] = ("member", "admin", "guest")[k % 3]
    body["projectCount"] = sum(1 for j in range(len(st.plain_projects)) if j % max(1, k + 1) == 0)
    return body
