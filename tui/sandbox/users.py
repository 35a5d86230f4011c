"""User bodies: the JWT user's own view, and a white-label user with organizations, projects and metrics."""

from __future__ import annotations

import random

from tui.sandbox import names
from tui.sandbox.content import user_metrics
from tui.sandbox.landmarks import (
    METRICS_KIND,
    OWNER_ORG_ID,
    PLAIN_ORG_ID,
    USER_KIND,
    USER_METRICS_KIND,
    WHITELABEL_ID,
    Body,
    derive_seed,
)
from tui.sandbox.metrics import ActivityPlan, Event, daily_metrics
from tui.sandbox.orgs import organization_projects, user_organization
from tui.sandbox.people import person
from tui.sandbox.present import visit_end
from tui.sandbox.projects import project_body, user_project_indices
from tui.sandbox.state import WorldState


def current_user(st: WorldState) -> Body:
    """The JWT user's own view: both top-level orgs, their projects and the white label."""
    ui = st.user_index[st.jwt_user_id]
    body = dict(person(st, ui))
    body["organizations"] = [user_organization(st, ui, OWNER_ORG_ID), user_organization(st, ui, PLAIN_ORG_ID)]
    projects = [project_body(st, pi) for pi in user_project_indices(st, ui)]
    projects += organization_projects(st, PLAIN_ORG_ID) or []
    body["projects"] = projects
    body["experiments"] = []
    body["whitelabels"] = [
        {
            "id": WHITELABEL_ID,
            "domain": names.WHITELABEL_DOMAIN,
            "name": names.WHITELABEL_NAME,
            "ownerOrganizationId": OWNER_ORG_ID,
            "isAdmin": True,
        }
    ]
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


def whitelabel_user(st: WorldState, user_id: int) -> Body | None:
    ui = st.user_index.get(user_id)
    if ui is None:
        return None
    return st.cache.get((USER_KIND, user_id), lambda: whitelabel_user_body(st, ui))


def whitelabel_user_body(st: WorldState, ui: int) -> Body:
    """A white-label user as the admin API returns them, with daily metrics."""
    body = dict(person(st, ui))
    org_ids = [OWNER_ORG_ID] if ui < st.size.staff else [st.orgs[i].id for i in st.orgs_of(ui)]
    body["organizations"] = [user_organization(st, ui, org_id) for org_id in org_ids]
    body["projects"] = [project_body(st, pi) for pi in user_project_indices(st, ui)]
    body["experiments"] = []
    body["suspended"] = False
    body["trials"] = trials(st, ui)
    body["dailyMetrics"] = user_daily_metrics(st, ui)
    return body


def trials(st: WorldState, ui: int) -> list[Body]:
    """The enterprise trial of a non-billable org that has one, shown on its founder only."""
    if ui < st.size.staff:
        return []
    o = st.orgs[st.user_org[ui]]
    if o.trial_id is None or st.org_member_list[o.index][0] != ui:
        return []
    d = st.dates
    start = max(o.created, st.anchor - 40)
    expired = start + 14 < d.today
    return [
        {
            "id": o.trial_id,
            "userId": st.whitelabel_users[ui]["id"],
            "organizationId": o.id,
            "created": d.stamp(start, 0.4),
            "expirationDate": d.stamp(start + 14, 0.4),
            "notes": "Self-serve enterprise trial",
            "expiredDate": d.stamp(start + 14, 0.5) if expired else None,
            "deletedDate": None,
            "upgradedDate": None,
        }
    ]


def user_daily_metrics(st: WorldState, ui: int) -> list[Body]:
    """A user's own series: only the projects on their developer profile count; it goes still when they do."""
    user = st.whitelabel_users[ui]
    events: list[Event] = []
    for pi in st.user_projects.get(ui, []):
        events.append(st.project_event(pi))
    rng = random.Random(derive_seed(st.seed, METRICS_KIND, user["id"]))
    plan = ActivityPlan(
        seed=derive_seed(st.seed, METRICS_KIND, user["id"]),
        created=st.user_created[ui],
        last_active=visit_end(st, ui),
        contract_start=None,
        profile="steady",
        wave_day=st.anchor,
        member_events=(),
        project_events=events,
        staff_users=0,
        anchor=st.anchor,
        contract_compute_target=int(len(events) * 3600 * (0.2 + rng.random()) * 10),
        gpu_share=0.1,
        storage_final=int(len(events) * 2**28 * (0.2 + rng.random())),
    )
    return daily_metrics(plan, st.last_day)


def whitelabel_user_metrics(st: WorldState, user_id: int) -> Body | None:
    ui = st.user_index.get(user_id)
    if ui is None:
        return None
    user = st.whitelabel_users[ui]
    return user_metrics(
        user,
        len(user_project_indices(st, ui)),
        len(st.orgs_of(ui)),
        derive_seed(st.seed, USER_METRICS_KIND, user_id),
        st.dates.today,
    )
