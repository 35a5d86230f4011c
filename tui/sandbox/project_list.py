"""The eager list of white-label projects, and which organization or developer profile owns each."""

from __future__ import annotations

import random

from tui.sandbox import names
from tui.sandbox.landmarks import OWNER_ORG_ID, TIERS, WHITELABEL_ID, Body
from tui.sandbox.state import WorldState


def build_projects(st: WorldState, rng: random.Random) -> None:
    """The owner's projects first, then org and developer-profile projects drawn onto the orgs."""
    size = st.size
    d = st.dates
    r = rng.random
    orgs = st.orgs
    today = st.anchor  # history is written as of the epoch
    pool = names.PROJECT_NAMES
    n_pool = len(pool)
    suffixes = names.PROJECT_SUFFIXES
    n_suffixes = len(suffixes)
    st.project_owner_org = []  # org index, -1 owner org, -2 a user's developer profile
    st.project_owner_user = {}  # project index -> user index, developer profiles only
    st.project_public = []
    st.org_projects = [[] for _ in orgs]
    st.org_live_projects = [0] * len(orgs)
    st.org_private_projects = [0] * len(orgs)
    st.owner_projects = []
    st.user_projects = {}
    users = st.whitelabel_users
    n_users = len(users)
    staff = size.staff
    picker = st.picker
    n_pick = len(picker)
    org_active = [o.last_active for o in orgs]
    org_facts = [(o.created, o.last_active, o.name, o.id, o.billable) for o in orgs]
    live_count, private_count = st.org_live_projects, st.org_private_projects
    days_t, times_z, base = d.days_t, d.times_z, d.base
    user_created, user_deleted, user_org = st.user_created, st.user_deleted, st.user_org
    owner_org, public_list = st.project_owner_org, st.project_public
    org_projects = st.org_projects
    projects = st.whitelabel_projects
    st.project_accessed = accessed_days = []
    demo = st.scale == "demo"
    n_owner = size.owner_projects
    order = list(range(n_pool))  # the demo world uses every name once before it repeats any
    rng.shuffle(order)
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
            lo, hi, owner, owner_id, billable = org_facts[org]
        if hi < lo:
            hi = lo
        created = lo + int((hi - lo) * r() ** 0.7)
        name, category = pool[order[pi % n_pool] if demo else int(r() * n_pool)]
        if not demo or pi >= n_pool:
            name += suffixes[int(r() * n_suffixes)]
        project: Body = {
            "id": pid,
            "name": name,
            "created": days_t[created - base] + times_z[int(r() * 1440)],
            "owner": owner,
        }
        if org == -2:
            project["ownerUserId"] = users[owner_user]["id"]
            tier = users[owner_user]["tier"]
        elif org == -1:
            project["ownerOrganizationId"] = OWNER_ORG_ID
            tier = "enterprise"
        else:
            project["ownerOrganizationId"] = owner_id
            tier = "enterprise" if billable else TIERS[int(r() * 3)]
        span = hi - created
        accessed = hi - (int(r() * (span if span < 14 else 14)) if r() < 0.6 else int(span * r() ** 2))
        project["lastAccessed"] = days_t[accessed - base] + times_z[int(r() * 1440)]
        project["whitelabelId"] = WHITELABEL_ID
        project["tier"] = tier
        project["category"] = category
        deleted = r() < 0.05 and pi >= n_owner
        if deleted:
            gone = accessed + int(r() * (today - accessed))  # deleted after its last use
            project["deletedDate"] = days_t[min(gone, today - 1) - base] + times_z[int(r() * 1440)]
        public = r() < 0.12
        projects.append(project)
        accessed_days.append(accessed)
        owner_org.append(org)
        public_list.append(public)
        if org >= 0:
            org_projects[org].append(pi)
            if not deleted:
                live_count[org] += 1
                if not public:
                    private_count[org] += 1
        elif org == -1:
            st.owner_projects.append(pi)
        else:
            st.project_owner_user[pi] = owner_user
            st.user_projects.setdefault(owner_user, []).append(pi)
        pid += 1 if r() < 0.7 else 1 + int(r() * 5)
