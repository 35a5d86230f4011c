"""Project bodies: who collaborates on what, and the full project as the API returns it."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from tui.sandbox import names
from tui.sandbox.landmarks import PROJECT_KIND, WHITELABEL_ID, Body, derive_seed
from tui.sandbox.people import person
from tui.sandbox.state import WorldState

CATEGORY_TITLES = {
    "kws": "Keyword spotting",
    "audio": "Audio",
    "object-detection": "Object detection",
    "image": "Images",
    "accelerometer": "Accelerometer",
    "other": "Other",
}


def project_description(item: Body) -> str:
    return f"{item['name']}: {CATEGORY_TITLES[item['category']].lower()} model for {item['owner']}."


def collaborator_ids(st: WorldState, pi: int) -> list[tuple[int, int]]:
    """(user id, user index) of a project's collaborators now, the owner first (users deleted since are gone)."""
    return [(user_id, ui) for user_id, ui in all_collaborator_ids(st, pi) if ui not in st.user_deleted]


def all_collaborator_ids(st: WorldState, pi: int) -> list[tuple[int, int]]:
    """Everyone who ever collaborated on the project (the owner first): whoever ran its jobs came from these."""
    return st.small_cache.get((PROJECT_KIND, pi), lambda: pick_collaborators(st, pi))


def pick_collaborators(st: WorldState, pi: int) -> list[tuple[int, int]]:
    """A developer profile's owner (and maybe a colleague), else a few of the organization's people, drawn from
    the members the epoch's world has (so the draw is the same whichever day the world is dated)."""
    project = st.whitelabel_projects[pi]
    rng = random.Random(derive_seed(st.seed, PROJECT_KIND, project["id"]))
    org = st.project_owner_org[pi]
    users = st.whitelabel_users
    base = st.base_users
    if org == -2:
        owner = st.project_owner_user[pi]
        chosen = [owner]
        home = [ui for ui in st.org_member_list[st.user_org[owner]] if ui < base]
        if home and rng.random() < 0.4:
            other = home[int(rng.random() * len(home))]
            if other != owner:
                chosen.append(other)
    else:
        members = st.owner_member_list if org == -1 else st.org_member_list[org]
        people = [ui for ui in members if ui < base]
        if not people:
            return []
        chosen = rng.sample(people, min(len(people), 1 + int(rng.random() * 4)))
    return [(users[ui]["id"], ui) for ui in chosen]


def project_counts(st: WorldState, project_indices: list[int]) -> Counter[int]:
    """Live projects per collaborating user id, for the members' ``projectCount``."""
    counts: Counter[int] = Counter()
    for pi in project_indices:
        if "deletedDate" not in st.whitelabel_projects[pi]:
            for user_id, _ in collaborator_ids(st, pi):
                counts[user_id] += 1
    return counts


def last_projects(st: WorldState, project_indices: list[int]) -> dict[int, int]:
    """Per collaborating user id, the live project (of these) accessed last: ``lastOrganizationProjectAccessed``."""
    latest: dict[int, tuple[str, int]] = {}
    for pi in project_indices:
        project = st.whitelabel_projects[pi]
        if "deletedDate" in project:
            continue
        stamp = project["lastAccessed"]
        for user_id, _ in collaborator_ids(st, pi):
            if user_id not in latest or latest[user_id][0] < stamp:
                latest[user_id] = (stamp, project["id"])
    return {user_id: project_id for user_id, (_, project_id) in latest.items()}


def whitelabel_project(st: WorldState, project_id: int) -> Body | None:
    pi = st.project_index.get(project_id)
    return None if pi is None else project_body(st, pi)


def project_body(st: WorldState, pi: int) -> Body:
    """The full body of a white-label project, cached by project index."""
    return st.cache.get((PROJECT_KIND, pi), lambda: build_project(st, pi))


def build_project(st: WorldState, pi: int) -> Body:
    item = st.whitelabel_projects[pi]
    rng = random.Random(derive_seed(st.seed, PROJECT_KIND, item["id"]) + 1)
    developer = st.project_owner_org[pi] == -2
    # The owner flag marks the user who owns the project: a developer profile's user; an organization's
    # projects are owned by the organization, so none of their collaborators is flagged.
    collaborators = [
        {**person(st, ui), "isOwner": developer and position == 0}
        for position, (_, ui) in enumerate(collaborator_ids(st, pi))
    ]
    public = st.project_public[pi]
    return full_project(st, item, collaborators, public, developer, WHITELABEL_ID, rng)


def plain_project(st: WorldState, k: int) -> Body:
    """A Harbor project, owned by Harbor: the JWT user and Harbor's people collaborate by a fixed pattern."""
    item = st.plain_projects[k]
    rng = random.Random(derive_seed(st.seed, PROJECT_KIND, item["id"]) + 1)
    ui = st.user_index[st.jwt_user_id]
    collaborators = [{**person(st, ui), "isOwner": False}]
    collaborators += [{**person(st, -j - 1), "isOwner": False} for j in range(len(st.plain_users)) if k % (j + 1) == 0]
    return full_project(st, item, collaborators, k == 1, False, None, rng)


def full_project(
    st: WorldState,
    item: Body,
    collaborators: list[Body],
    public: bool,
    developer: bool,
    whitelabel: int | None,
    rng: random.Random,
) -> Body:
    """The body both kinds of project share; ``rng`` is seeded from the project id, so order does not matter."""
    r = rng.random
    category = item["category"]
    body: Body = {
        "id": item["id"],
        "name": item["name"],
        "description": item.get("description") or project_description(item),
        "created": item["created"],
        "owner": item["owner"],
    }
    body["lastAccessed"] = item["lastAccessed"]
    body["lastModified"] = item["lastAccessed"]
    body["lastModificationDetails"] = (
        "Retrained model",
        "Added 120 samples",
        "Changed impulse design",
        "Built deployment (C++ library)",
    )[int(r() * 4)]
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
    body["metadata"] = {
        "sensor": {
            "kws": "microphone",
            "audio": "microphone",
            "image": "camera",
            "object-detection": "camera",
            "accelerometer": "imu",
        }.get(category, "other")
    }
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
        body["scheduledFullDeletionDate"] = st.dates.stamp(min(deleted + 30, st.dates.today), 0.1)
    return body


def user_project_indices(st: WorldState, ui: int) -> list[int]:
    """Live projects a white-label user collaborates on, in list order."""
    user_id = st.whitelabel_users[ui]["id"]
    if ui < st.size.staff:
        candidates = list(st.owner_projects)
    else:
        candidates = [pi for org in st.orgs_of(ui) for pi in st.org_projects[org]]
    candidates += st.user_projects.get(ui, [])
    found = []
    for pi in candidates:
        if "deletedDate" in st.whitelabel_projects[pi]:
            continue
        if any(c[0] == user_id for c in collaborator_ids(st, pi)):
            found.append(pi)
    return sorted(set(found))
