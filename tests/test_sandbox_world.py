"""The sandbox world: deterministic, valid against the official SDK models, internally consistent."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import edgeimpulse_api as sdk
import pytest
from pydantic.v1 import BaseModel

from tui.sandbox import names
from tui.sandbox.arrivals import ARRIVAL_USER_ID
from tui.sandbox.world import DEFAULT_TODAY, World, build_world

Body = dict[str, Any]


@pytest.fixture(scope="module")
def demo() -> World:
    return build_world("demo", seed=7, today=DEFAULT_TODAY)


@pytest.fixture(scope="module")
def large() -> World:
    return build_world("large", seed=7, today=DEFAULT_TODAY)


def validate(model: str, body: Body) -> None:
    """Strict parse with the SDK's pydantic models (``from_dict`` would validate nothing)."""
    getattr(sdk, model).parse_obj({"success": True, **body})


def sample_bodies(world: World) -> list[Body]:
    users = world.whitelabel_users
    projects = world.whitelabel_projects
    orgs = world.inner_organizations
    return [
        {"info": world.organization_info(world.owner_org_id)},
        {"user": world.whitelabel_user(users[len(users) // 2]["id"])},
        {"project": world.whitelabel_project(projects[-1]["id"])},
        {"inner": world.inner_organization_info(orgs[3]["id"])},
        {"lists": [orgs[:20], users[-20:], projects[:20]]},
        {"metrics": world.whitelabel_user_metrics(users[7]["id"])},
    ]


def test_same_seed_gives_identical_bytes() -> None:
    first = json.dumps(sample_bodies(build_world("demo", seed=11, today=DEFAULT_TODAY)), sort_keys=False)
    second = json.dumps(sample_bodies(build_world("demo", seed=11, today=DEFAULT_TODAY)), sort_keys=False)
    assert first == second


def test_lazy_bodies_do_not_depend_on_request_order() -> None:
    forward = build_world("demo", seed=5, today=DEFAULT_TODAY)
    backward = build_world("demo", seed=5, today=DEFAULT_TODAY)
    ids = [u["id"] for u in forward.whitelabel_users[:15]]
    ahead = [json.dumps(forward.whitelabel_user(i)) for i in ids]
    behind = [json.dumps(backward.whitelabel_user(i)) for i in reversed(ids)][::-1]
    assert ahead == behind


def test_another_seed_gives_another_world() -> None:
    one, two = (build_world("demo", seed=seed, today=DEFAULT_TODAY) for seed in (1, 2))
    assert json.dumps(sample_bodies(one)) != json.dumps(sample_bodies(two))


def test_credentials_look_real_and_map_to_their_orgs(demo: World) -> None:
    for key in (demo.admin_key, demo.plain_key):
        assert key.startswith("ei_") and len(key) == 67 and int(key[3:], 16) >= 0
    assert demo.key_org(demo.admin_key) == demo.owner_org_id
    assert demo.key_org(demo.plain_key) == demo.plain_org_id
    assert demo.key_org("ei_" + "0" * 64) is None
    assert len(demo.jwt_token.split(".")) == 3
    assert [o["id"] for o in demo.organizations_for_key(demo.plain_key)] == [demo.plain_org_id]
    assert demo.is_whitelabel_admin_org(demo.owner_org_id)
    assert not demo.is_whitelabel_admin_org(demo.plain_org_id)


def validate_every_body(demo: World) -> None:
    """Every body of a (demo-scale) world, strictly parsed with the SDK's models."""
    validate("GetUserResponse", demo.current_user())
    validate("ListOrganizationsResponse", {"organizations": demo.organizations_for_jwt()})
    validate("ListOrganizationsResponse", {"organizations": demo.organizations_for_key(demo.admin_key)})
    validate("GetWhitelabelResponse", {"whitelabel": demo.whitelabel()})
    validate("AdminGetMetricsResponse", {"metrics": demo.whitelabel_metrics()})
    orgs = demo.inner_organizations
    validate("AdminGetOrganizationsResponse", {"total": len(orgs), "organizations": orgs})
    validate("AdminGetUsersResponse", {"total": len(demo.whitelabel_users), "users": demo.whitelabel_users})
    projects = demo.whitelabel_projects
    validate("AdminListProjectsResponse", {"total": len(projects), "projects": projects})
    for org_id in [demo.owner_org_id, demo.plain_org_id] + [o["id"] for o in orgs]:
        validate("OrganizationInfoResponse", demo.organization_info(org_id) or {})
        validate("ListProjectsResponse", {"projects": demo.organization_projects(org_id)})
    year = demo.today.year
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year, 3, 31, 23, 59, tzinfo=UTC)
    for org in orgs:
        validate("AdminOrganizationInfoResponse", demo.inner_organization_info(org["id"]) or {})
        validate("AdminGetOrganizationComputeTimeUsageResponse", demo.compute_time(org["id"], start, end) or {})
    for user in demo.whitelabel_users:
        validate("AdminGetUserResponse", {"user": demo.whitelabel_user(user["id"])})
        validate("AdminGetUserMetricsResponse", {"metrics": demo.whitelabel_user_metrics(user["id"])})
    for project in demo.whitelabel_projects:
        validate("AdminProjectInfoResponse", {"project": demo.whitelabel_project(project["id"])})


def test_every_demo_body_validates_against_the_sdk(demo: World) -> None:
    validate_every_body(demo)


def test_large_world_pages_and_samples_validate(large: World) -> None:
    for items, model, key in (
        (large.inner_organizations, "AdminGetOrganizationsResponse", "organizations"),
        (large.whitelabel_users, "AdminGetUsersResponse", "users"),
        (large.whitelabel_projects, "AdminListProjectsResponse", "projects"),
    ):
        middle = len(items) // 2
        for page in (items[:100], items[middle : middle + 100], items[-100:]):
            validate(model, {"total": len(items), key: page})
    for org in large.inner_organizations[:: len(large.inner_organizations) // 5]:
        validate("AdminOrganizationInfoResponse", large.inner_organization_info(org["id"]) or {})
        validate("OrganizationInfoResponse", large.organization_info(org["id"]) or {})
    for user in large.whitelabel_users[:: len(large.whitelabel_users) // 6]:
        validate("AdminGetUserResponse", {"user": large.whitelabel_user(user["id"])})
    for project in large.whitelabel_projects[:: len(large.whitelabel_projects) // 6]:
        validate("AdminProjectInfoResponse", {"project": large.whitelabel_project(project["id"])})
    validate("AdminGetMetricsResponse", {"metrics": large.whitelabel_metrics()})


def epoch_rows(rows: list[Body]) -> list[Body]:
    """The rows of the epoch's world, without those that arrived week by week (`arrivals`)."""
    return [row for row in rows if row["id"] < ARRIVAL_USER_ID]


def test_scales_have_their_sizes(demo: World, large: World) -> None:
    sizes = (
        len(demo.inner_organizations),
        len(epoch_rows(demo.whitelabel_users)),
        len(epoch_rows(demo.whitelabel_projects)),
    )
    assert sizes == (12, 60, 80)
    assert len(large.inner_organizations) == 1_000
    assert len(epoch_rows(large.whitelabel_users)) == len(epoch_rows(large.whitelabel_projects)) == 10_000
    for world in (demo, large):  # and the arrivals of the last months, some of them gone again
        arrived = [u for u in world.whitelabel_users if u["id"] >= ARRIVAL_USER_ID]
        assert arrived and any("deletedDate" in u for u in arrived) and any("deletedDate" not in u for u in arrived)


def unknown_fields(model: type[BaseModel], body: Any, path: str) -> list[str]:
    """Keys of ``body`` (recursively) that ``model`` does not define: pydantic v1 would silently drop them."""
    if isinstance(body, list):
        return [problem for item in body for problem in unknown_fields(model, item, path)]
    if not isinstance(body, dict):
        return []
    fields = {f.alias: f for f in model.__fields__.values()}
    problems = []
    for key, value in body.items():
        if key not in fields:
            problems.append(f"{path}.{key}")
            continue
        inner = fields[key].type_
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            problems += unknown_fields(inner, value, f"{path}.{key}")
    return problems


def test_bodies_carry_only_schema_fields(demo: World) -> None:
    user_id, project_id = demo.whitelabel_users[9]["id"], demo.whitelabel_projects[9]["id"]
    bodies = [
        ("GetUserResponse", demo.current_user()),
        ("ListOrganizationsResponse", {"organizations": demo.organizations_for_jwt()}),
        ("OrganizationInfoResponse", demo.organization_info(demo.owner_org_id)),
        ("OrganizationInfoResponse", demo.organization_info(demo.inner_organizations[0]["id"])),
        ("GetWhitelabelResponse", {"whitelabel": demo.whitelabel()}),
        ("AdminGetOrganizationsResponse", {"total": 1, "organizations": demo.inner_organizations}),
        ("AdminOrganizationInfoResponse", demo.inner_organization_info(demo.inner_organizations[0]["id"])),
        ("AdminGetUsersResponse", {"total": 1, "users": demo.whitelabel_users}),
        ("AdminGetUserResponse", {"user": demo.whitelabel_user(user_id)}),
        ("AdminListProjectsResponse", {"total": 1, "projects": demo.whitelabel_projects}),
        ("AdminProjectInfoResponse", {"project": demo.whitelabel_project(project_id)}),
    ]
    for model, body in bodies:
        assert unknown_fields(getattr(sdk, model), {"success": True, **(body or {})}, model) == []


def test_inner_org_list_items_carry_only_schema_fields(large: World) -> None:
    allowed = {
        "id",
        "name",
        "logo",
        "created",
        "readme",
        "experiments",
        "domain",
        "whitelabelId",
        "billable",
        "privateProjectCount",
        "entitlementLimits",
    }
    for org in large.inner_organizations:
        assert set(org) <= allowed


def minutes(cpu_seconds: int, gpu_seconds: int) -> Any:
    """The schema's totalComputeTime: CPU + GPU time in minutes (rounded to 2 decimals by the world)."""
    return pytest.approx((cpu_seconds + gpu_seconds) / 60, abs=0.01)


def check_daily_series(records: list[Body], today: date) -> None:
    """365 consecutive days ending yesterday, and every running total follows the day's changes."""
    assert len(records) == 365
    days = [date.fromisoformat(r["date"][:10]) for r in records]
    assert days[-1] == today - timedelta(days=1)
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))
    assert all(r["date"].endswith("T00:00:00Z") for r in records)
    for previous, record in itertools.pairwise(records):
        for total, added, deleted in (
            ("totalUsers", "usersAdded", "usersDeleted"),
            ("totalProjects", "projectsAdded", "projectsDeleted"),
            ("totalStaffUsers", "staffUsersAdded", "staffUsersDeleted"),
            ("totalStorageSizeBytes", "storageBytesAdded", "storageBytesDeleted"),
        ):
            assert record[total] == previous[total] + record[added] - record[deleted], (record["date"], total)
        cpu, gpu = record["cpuComputeTimeSeconds"], record["gpuComputeTimeSeconds"]
        if record["computeTimeCalculatedSince"] == record["date"]:  # a contract starts today
            expected = (cpu, gpu)
        else:
            assert record["computeTimeCalculatedSince"] == previous["computeTimeCalculatedSince"]
            expected = (
                previous["totalCurrentContractCpuComputeTimeSeconds"] + cpu,
                previous["totalCurrentContractGpuComputeTimeSeconds"] + gpu,
            )
        assert (
            record["totalCurrentContractCpuComputeTimeSeconds"],
            record["totalCurrentContractGpuComputeTimeSeconds"],
        ) == expected, record["date"]
    for record in records:
        cpu, gpu = record["cpuComputeTimeSeconds"], record["gpuComputeTimeSeconds"]
        assert record["computeTimeSeconds"] == cpu + 3 * gpu
        contract_cpu = record["totalCurrentContractCpuComputeTimeSeconds"]
        contract_gpu = record["totalCurrentContractGpuComputeTimeSeconds"]
        assert record["totalCurrentContractComputeTimeSeconds"] == contract_cpu + 3 * contract_gpu
        assert record["computeTimeCalculatedSince"] <= record["date"]
        assert all(value >= 0 for value in record.values() if isinstance(value, int))


def test_daily_metrics_totals_follow_daily_changes(demo: World) -> None:
    for org in demo.inner_organizations:
        check_daily_series((demo.inner_organization_info(org["id"]) or {})["dailyMetrics"], DEFAULT_TODAY)


def test_whitelabel_daily_metrics_are_the_sum_of_inner_orgs(demo: World) -> None:
    series = demo.whitelabel_metrics()["dailyMetrics"]
    check_daily_series(series, DEFAULT_TODAY)
    infos = [demo.inner_organization_info(o["id"]) or {} for o in demo.inner_organizations]
    for field in ("totalUsers", "totalProjects", "totalStorageSizeBytes", "cpuComputeTimeSeconds", "usersAdded"):
        assert series[-1][field] == sum(info["dailyMetrics"][-1][field] for info in infos)
        assert series[100][field] == sum(info["dailyMetrics"][100][field] for info in infos)


def test_large_whitelabel_metrics_keep_the_invariants(large: World) -> None:
    check_daily_series(large.whitelabel_metrics()["dailyMetrics"], DEFAULT_TODAY)
    check_daily_series(
        (large.inner_organization_info(large.inner_organizations[-1]["id"]) or {})["dailyMetrics"], DEFAULT_TODAY
    )


def test_user_daily_metrics_keep_the_invariants(demo: World) -> None:
    for user in demo.whitelabel_users[:10]:
        check_daily_series((demo.whitelabel_user(user["id"]) or {})["dailyMetrics"], DEFAULT_TODAY)


def test_weekdays_compute_more_than_weekends(demo: World) -> None:
    weekday = weekend = 0
    for record in demo.whitelabel_metrics()["dailyMetrics"]:
        if date.fromisoformat(record["date"][:10]).weekday() >= 5:
            weekend += record["computeTimeSeconds"]
        else:
            weekday += record["computeTimeSeconds"]
    assert weekday / 5 > 2 * weekend / 2


def test_inner_org_info_agrees_with_its_metrics(demo: World) -> None:
    for org in demo.inner_organizations:
        info = demo.inner_organization_info(org["id"]) or {}
        last = info["dailyMetrics"][-1]
        assert info["cpuComputeTime"] == last["totalCurrentContractCpuComputeTimeSeconds"]
        assert info["gpuComputeTime"] == last["totalCurrentContractGpuComputeTimeSeconds"]
        assert info["totalComputeTime"] == minutes(info["cpuComputeTime"], info["gpuComputeTime"])
        assert info["totalStorage"] == last["totalStorageSizeBytes"]
        assert info["computeTimeCurrentContractSince"] == last["computeTimeCalculatedSince"]
        assert info["entitlementLimits"] == org["entitlementLimits"]
        assert info["billable"] == org["billable"] == demo.inner_organization_meta(org["id"])["billable"]


def test_compute_time_sums_the_days_in_range(demo: World) -> None:
    org_id = demo.inner_organizations[0]["id"]
    records = (demo.inner_organization_info(org_id) or {})["dailyMetrics"]
    start, end = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 30, 18, tzinfo=UTC)
    june = [r for r in records if r["date"].startswith("2026-06")]
    usage = demo.compute_time(org_id, start, end) or {}
    assert usage["cpuComputeTime"] == sum(r["cpuComputeTimeSeconds"] for r in june)
    assert usage["gpuComputeTime"] == sum(r["gpuComputeTimeSeconds"] for r in june)
    assert usage["totalComputeTime"] == minutes(usage["cpuComputeTime"], usage["gpuComputeTime"])
    assert demo.compute_time(999_999, start, end) is None


def test_some_orgs_run_near_or_over_their_entitlements(large: World, demo: World) -> None:
    for world in (demo, large):
        ratios = []
        for org in world.inner_organizations[:60]:
            info = world.inner_organization_info(org["id"]) or {}
            used = info["dailyMetrics"][-1]["totalCurrentContractComputeTimeSeconds"]
            ratios.append(used / org["entitlementLimits"]["computeTimePerYear"])
        assert any(0.8 <= r < 1.0 for r in ratios)
        assert any(r >= 1.0 for r in ratios)
        assert sum(r < 0.8 for r in ratios) > len(ratios) / 2


def test_org_counts_match_their_members_and_projects(demo: World) -> None:
    for org in demo.inner_organizations:
        projects = [p for p in demo.whitelabel_projects if p.get("ownerOrganizationId") == org["id"]]
        live = [p for p in projects if "deletedDate" not in p]
        full = [demo.whitelabel_project(p["id"]) or {} for p in live]
        private = [p for p in full if not p["hasPublicVersion"] and not p["allowsLivePublicAccess"]]
        public_versions = [p for p in full if p["hasPublicVersion"]]
        assert org["privateProjectCount"] == len(full) - len(public_versions) >= len(private)
        info = demo.inner_organization_info(org["id"]) or {}
        assert info["dailyMetrics"][-1]["totalProjects"] == len(live)
        members = (demo.organization(org["id"]) or {})["users"]
        assert info["dailyMetrics"][-1]["totalUsers"] == len(members)
        listed = {p["id"] for p in demo.organization_projects(org["id"]) or []}
        assert listed == {p["id"] for p in live}


def test_users_projects_and_orgs_match_the_lists(demo: World) -> None:
    org_ids = {o["id"] for o in demo.inner_organizations} | {demo.owner_org_id}
    user_ids = {u["id"] for u in demo.whitelabel_users}
    project_ids = {p["id"] for p in demo.whitelabel_projects}
    for user in demo.whitelabel_users:
        full = demo.whitelabel_user(user["id"]) or {}
        for key in ("id", "username", "email", "name", "created", "tier", "activated"):
            assert full[key] == user[key]
        assert full.get("lastSeen") == user.get("lastSeen")
        assert {o["id"] for o in full["organizations"]} <= org_ids
        assert {p["id"] for p in full["projects"]} <= project_ids
        for project in full["projects"]:
            assert user["id"] in {c["id"] for c in project["collaborators"]}
    for project in demo.whitelabel_projects:
        full = demo.whitelabel_project(project["id"]) or {}
        assert full["owner"] == project["owner"]
        if "ownerOrganizationId" in project:
            assert project["ownerOrganizationId"] in org_ids
        else:
            assert project["ownerUserId"] in user_ids and full["ownerIsDeveloperProfile"]
        owners = [c["id"] for c in full["collaborators"] if c["isOwner"]]
        assert owners == ([project["ownerUserId"]] if full["ownerIsDeveloperProfile"] else [])
        assert {c["id"] for c in full["collaborators"]} <= user_ids


def test_member_project_counts_match_collaborations(demo: World) -> None:
    for org_id in [demo.owner_org_id] + [o["id"] for o in demo.inner_organizations[:6]]:
        org = demo.organization(org_id) or {}
        projects = demo.organization_projects(org_id) or []
        for member in org["users"]:
            expected = sum(1 for p in projects if member["id"] in {c["id"] for c in p["collaborators"]})
            assert member["projectCount"] == expected


def test_lists_cover_every_category_tier_role_and_state(demo: World) -> None:
    projects = [demo.whitelabel_project(p["id"]) or {} for p in demo.whitelabel_projects]
    assert {p["category"] for p in projects} == {
        "Accelerometer",
        "Audio",
        "Images",
        "Keyword spotting",
        "Object detection",
        "Other",
    }
    assert {p["labelingMethod"] for p in projects} == {"single_label", "object_detection", "label_map"}
    assert {p["tier"] for p in projects} == {"free", "community-plus", "professional", "enterprise"}
    assert any(p["hasPublicVersion"] for p in projects) and any(not p["hasPublicVersion"] for p in projects)
    assert any("deletedDate" in p for p in demo.whitelabel_projects)
    users = demo.whitelabel_users
    assert {u["tier"] for u in users} == {"free", "community-plus", "professional", "enterprise"}
    assert any("deletedDate" in u for u in users) and any("lastSeen" not in u for u in users)
    assert any(not u["activated"] for u in users)
    roles = {m["role"] for o in demo.inner_organizations for m in (demo.organization(o["id"]) or {})["users"]}
    assert roles == {"admin", "member", "guest"}
    assert any(demo.inner_organization_meta(o["id"])["deleted"] for o in demo.inner_organizations)


def test_hostile_names_are_present_near_the_end(demo: World, large: World) -> None:
    for world in (demo, large):
        org_names = [o["name"] for o in world.inner_organizations]
        assert org_names.index(names.HOSTILE_ORG_NAME) == len(org_names) - 2
        user_names = [u["name"] for u in epoch_rows(world.whitelabel_users)]  # (arrivals come after them)
        assert user_names.index(names.HOSTILE_USER_NAME) == len(user_names) - 3
    assert names.HOSTILE_ORG_NAME == "[@click=app.quit]Red Team[/]"
    assert "\x1b]52;c;aGVsbG8=\x07" in names.HOSTILE_USER_NAME and "\x1b[2J" in names.HOSTILE_USER_NAME
    demo_names = [o["name"] for o in demo.inner_organizations]
    assert any(len(n) > 80 for n in demo_names)
    assert "東京センサー工業" in demo_names and "🐝 Hive Analytics" in demo_names


def test_dates_are_utc_iso_and_not_in_the_future(demo: World) -> None:
    today = DEFAULT_TODAY.isoformat()
    for user in demo.whitelabel_users:
        for key in ("created", "lastSeen", "deletedDate"):
            if key in user:
                assert user[key].endswith("Z") and user[key][:10] < today
                datetime.fromisoformat(user[key].replace("Z", "+00:00"))
        if "lastSeen" in user:
            assert user["lastSeen"] >= user["created"][:10]
    for project in demo.whitelabel_projects:
        assert project["created"] <= project["lastAccessed"] < today


def test_the_jwt_user_belongs_to_both_top_level_orgs(demo: World) -> None:
    me = demo.current_user()
    assert me["id"] == demo.jwt_user_id
    assert {o["id"] for o in me["organizations"]} == {demo.owner_org_id, demo.plain_org_id}
    assert {o["id"] for o in demo.organizations_for_jwt()} == {demo.owner_org_id, demo.plain_org_id}
    plain = demo.organization(demo.plain_org_id) or {}
    assert plain["whitelabelId"] is None and demo.jwt_user_id in {u["id"] for u in plain["users"]}


def test_owner_org_info_is_rich(demo: World) -> None:
    info = demo.organization_info(demo.owner_org_id) or {}
    assert {d["type"] for d in info["datasets"]} == {"files", "clinical"}
    assert all(d["bucket"]["fullBucketPathDescription"].startswith("s3://") for d in info["datasets"])
    markdown = info["readme"]["markdown"]
    assert "# " in markdown and "| " in markdown and "](" in markdown and "```" in markdown and "- " in markdown
    assert info["whitelabelId"] == demo.whitelabel_id
    assert demo.organization(12345) is None and demo.inner_organization_info(12345) is None
