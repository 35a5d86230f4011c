"""Organization bodies: the owner, the plain org and inner orgs, their info, and an org as a user sees it."""

from __future__ import annotations

from collections import Counter

from tui.sandbox import names
from tui.sandbox.content import (
    OrgStatic,
    cli_lists,
    datasets_for,
    default_compute_limits,
    experiments_for,
    readme_for,
)
from tui.sandbox.landmarks import ORG_KIND, OWNER_ORG_ID, PLAIN_ORG_ID, WHITELABEL_ID, Body
from tui.sandbox.people import organization_user, plain_organization_user
from tui.sandbox.projects import last_projects, plain_project, project_body, project_counts
from tui.sandbox.state import WorldState


def organization(st: WorldState, org_id: int) -> Body | None:
    """An organization body (owner, plain or inner), cached; None for an unknown id."""
    if org_id in (OWNER_ORG_ID, PLAIN_ORG_ID) or org_id in st.org_index:
        return st.cache.get((ORG_KIND, org_id), lambda: organization_body(st, org_id))
    return None


def organization_projects(st: WorldState, org_id: int) -> list[Body] | None:
    if org_id == PLAIN_ORG_ID:
        return [plain_project(st, k) for k in range(len(st.plain_projects))]
    if org_id == OWNER_ORG_ID:
        indices = st.owner_projects
    elif org_id in st.org_index:
        indices = st.org_projects[st.org_index[org_id]]
    else:
        return None
    return [project_body(st, pi) for pi in indices if "deletedDate" not in st.whitelabel_projects[pi]]


def organization_info(st: WorldState, org_id: int) -> Body | None:
    """The organization's info: the org itself plus fixed content derived from its identity."""
    org = organization(st, org_id)
    if org is None:
        return None
    static = org_static(st, org_id)
    body: Body = {
        "organization": org,
        "datasets": datasets_for(static, st.dates.today),
        "defaultComputeLimits": default_compute_limits(static),
        "entitlementLimits": entitlement_limits(st, org_id),
        "experiments": experiments_for(static),
        "readme": readme_for(static),
    }
    if org_id != PLAIN_ORG_ID:
        body["whitelabelId"] = WHITELABEL_ID
    body["cliLists"] = cli_lists()
    body["performance"] = {"jobLimitM": 240 if org_id == OWNER_ORG_ID else 120}
    return body


def org_static(st: WorldState, org_id: int) -> OrgStatic:
    if org_id == OWNER_ORG_ID:
        return OrgStatic(org_id, names.OWNER_ORG_NAME, "owner", st.seed, names.WHITELABEL_DOMAIN)
    if org_id == PLAIN_ORG_ID:
        return OrgStatic(org_id, names.PLAIN_ORG_NAME, "plain", st.seed, "harbor.example")
    o = st.orgs[st.org_index[org_id]]
    return OrgStatic(org_id, o.name, "inner", st.seed, o.domain)


def entitlement_limits(st: WorldState, org_id: int) -> Body:
    """Fixed limits for the owner and plain orgs; an inner org's come from its list item."""
    if org_id == OWNER_ORG_ID:
        return {
            "totalStorage": 50 * 2**40,
            "computeTimePerYear": 90_000_000,
            "gpuComputeTimePerYear": 20_000_000,
            "numberOfProjects": 100_000,
            "numberOfUsers": 200_000,
        }
    if org_id == PLAIN_ORG_ID:
        return {
            "totalStorage": 2 * 2**40,
            "computeTimePerYear": 3_600_000,
            "gpuComputeTimePerYear": 720_000,
            "numberOfProjects": 25,
            "numberOfUsers": 20,
        }
    return dict(st.inner_organizations[st.org_index[org_id]]["entitlementLimits"])


def organization_body(st: WorldState, org_id: int) -> Body:
    """An organization with its live members; deleted users are left out."""
    d = st.dates
    if org_id == OWNER_ORG_ID:
        name, created = names.OWNER_ORG_NAME, d.stamp(st.anchor - 2400, 0.4)
        members = st.members(-1)
        whitelabel: int | None = WHITELABEL_ID
        contract: str | None = d.midnight(st.owner_contract_start())
        counts = project_counts(st, st.owner_projects)
        latest: dict[int, int] = last_projects(st, st.owner_projects)
    elif org_id == PLAIN_ORG_ID:
        name, created, whitelabel, contract = names.PLAIN_ORG_NAME, d.stamp(st.anchor - 950, 0.6), None, None
        members = []
        counts = Counter({st.jwt_user_id: len(st.plain_projects)})
        latest = {}
    else:
        o = st.orgs[st.org_index[org_id]]
        name, created, whitelabel = o.name, st.inner_organizations[o.index]["created"], WHITELABEL_ID
        contract = d.midnight(o.contract_start) if o.contract_start else None
        members = st.members(o.index)
        counts = project_counts(st, st.org_projects[o.index])
        latest = last_projects(st, st.org_projects[o.index])
    users = [
        organization_user(st, ui, org_id, added, counts, latest) for ui, added in members if ui not in st.user_deleted
    ]
    if org_id == PLAIN_ORG_ID:
        users = [organization_user(st, 0, org_id, st.anchor - 900, counts)]
        users += [plain_organization_user(st, k) for k in range(len(st.plain_users))]
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
    trial = None if org_id in (OWNER_ORG_ID, PLAIN_ORG_ID) else st.orgs[st.org_index[org_id]].trial_id
    body["trialId"] = trial
    body["trialExpiredDate"] = None
    body["trialUpgradedDate"] = None
    body["created"] = created
    body["contractStartDate"] = contract
    if org_id in st.org_index and st.orgs[st.org_index[org_id]].deleted:
        body["deletedDate"] = d.stamp(st.orgs[st.org_index[org_id]].deleted, 0.5)
    return body


def user_organization(st: WorldState, ui: int, org_id: int) -> Body:
    """An organization as it appears in a user's ``organizations`` list."""
    d = st.dates
    if org_id == OWNER_ORG_ID:
        name, created = names.OWNER_ORG_NAME, d.stamp(st.anchor - 2400, 0.4)
        staff = st.owner_member_list
        user_count, admin_count = len(staff), sum(1 for m in staff if st.role(m, -1) == "admin")
        private = len(st.owner_projects)
        whitelabel: int | None = WHITELABEL_ID
        is_admin, trial = ui < 2, None
    elif org_id == PLAIN_ORG_ID:
        name, created = names.PLAIN_ORG_NAME, d.stamp(st.anchor - 950, 0.6)
        user_count, admin_count, private = len(st.plain_users) + 1, 3, len(st.plain_projects)
        whitelabel, is_admin, trial = None, True, None
    else:
        index = st.org_index[org_id]
        o = st.orgs[index]
        name, created = o.name, st.inner_organizations[index]["created"]
        live = [m for m in st.org_member_list[index] if m not in st.user_deleted]
        user_count = len(live)
        admin_count = sum(1 for m in live if st.role(m, index) == "admin")
        private = st.inner_organizations[index]["privateProjectCount"]
        whitelabel, trial = WHITELABEL_ID, o.trial_id
        is_admin = st.role(ui, index) == "admin"
    body: Body = {
        "id": org_id,
        "name": name,
        "isDeveloperProfile": False,
        "whitelabelId": whitelabel,
        "isAdmin": is_admin,
        "created": created,
        "trialId": trial,
        "trialExpiredDate": None,
        "trialUpgradedDate": None,
        "entitlementLimits": entitlement_limits(st, org_id),
        "userCount": user_count,
        "adminCount": admin_count,
        "privateProjectCount": private,
    }
    last_seen = st.whitelabel_users[ui].get("lastSeen")
    if last_seen:
        body["lastAccessed"] = last_seen
    body["publicProjectLicense"] = {"name": "Apache-2.0", "link": "https://www.apache.org/licenses/LICENSE-2.0"}
    return body
