"""Why and who: jobs, an organization's own metrics, API keys and members' last activity, as the sandbox serves them.

Every body is parsed strictly by the official SDK's models (demo and large over HTTP, huge sampled in process),
and the jobs add up to the daily metrics they were drawn from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import edgeimpulse_api as sdk
import httpx
import pytest

from tui.sandbox.arrivals import ARRIVAL_PROJECT_ID, ARRIVAL_USER_ID
from tui.sandbox.server import Sandbox
from tui.sandbox.world import DEFAULT_TODAY, World, build_world

Body = dict[str, Any]


@pytest.fixture(scope="module")
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.admin_key}, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def jwt(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers={"x-jwt-token": sandbox.jwt_token}, timeout=30) as client:
        yield client


def ok(response: httpx.Response) -> Body:
    assert response.status_code == 200, response.text
    body: Body = response.json()
    assert body["success"] is True
    return body


def wl(sandbox: Sandbox, rest: str) -> str:
    return f"/api/organizations/{sandbox.owner_org_id}/whitelabel{rest}"


def all_jobs(http: httpx.Client, path: str, **params: Any) -> list[Body]:
    """Every job of a list, paged as a client would, checking the total stays put and no job repeats."""
    jobs: list[Body] = []
    total = None
    while True:
        page = ok(http.get(path, params={**params, "limit": 1000, "offset": len(jobs)}))
        sdk.ListJobsResponse.parse_obj(page)
        total = page["totalJobCount"] if total is None else total
        assert page["totalJobCount"] == total
        jobs += page["jobs"]
        if not page["jobs"] or len(jobs) >= total:
            break
    assert len(jobs) == total and len({job["id"] for job in jobs}) == total
    return jobs


def day_of(stamp: str) -> str:
    return stamp[:10]


# -- the SDK's models, at every scale ---------------------------------------------------------------------------


def test_every_new_endpoint_validates_against_the_official_models(
    sandbox: Sandbox, http: httpx.Client, jwt: httpx.Client
) -> None:
    owner, plain = sandbox.owner_org_id, sandbox.plain_org_id
    plain_key = {"x-api-key": sandbox.plain_key}
    sdk.OrganizationMetricsResponse.parse_obj(ok(http.get(f"/api/organizations/{owner}/metrics")))
    sdk.OrganizationMetricsResponse.parse_obj(ok(http.get(f"/api/organizations/{plain}/metrics", headers=plain_key)))
    for org in (owner, plain):
        sdk.OrganizationMetricsResponse.parse_obj(ok(jwt.get(f"/api/organizations/{org}/metrics")))
        sdk.ListOrganizationApiKeysResponse.parse_obj(ok(jwt.get(f"/api/organizations/{org}/apikeys")))
        for rest in ("/jobs", "/jobs/all", "/jobs/history"):
            sdk.ListJobsResponse.parse_obj(ok(jwt.get(f"/api/organizations/{org}{rest}", params={"limit": 200})))
    sdk.ListOrganizationApiKeysResponse.parse_obj(ok(http.get(f"/api/organizations/{owner}/apikeys")))
    inner = sandbox.biggest_inner_org_id
    project = sandbox.world.inner_organization_jobs(inner)[0].project
    assert project is not None
    for path in (
        wl(sandbox, f"/organizations/{inner}/jobs"),
        wl(sandbox, f"/projects/{project.id}/jobs"),
        wl(sandbox, f"/users/{sandbox.busiest_user_id}/jobs"),
    ):
        sdk.ListJobsResponse.parse_obj(ok(http.get(path, params={"limit": 1000})))


def test_large_world_job_pages_validate(large_sandbox: Sandbox) -> None:
    headers = {"x-api-key": large_sandbox.admin_key}
    inner = large_sandbox.biggest_inner_org_id
    with httpx.Client(base_url=large_sandbox.url, headers=headers, timeout=60) as http:
        path = wl(large_sandbox, f"/organizations/{inner}/jobs")
        total = ok(http.get(path, params={"limit": 0}))["totalJobCount"]
        assert total > 5_000  # a big organization over a year: thousands of jobs
        for offset in (0, total // 2, total - 500):
            page = ok(http.get(path, params={"limit": 1000, "offset": offset}))
            sdk.ListJobsResponse.parse_obj(page)
            assert len(page["jobs"]) == min(1000, total - offset)
        user = large_sandbox.busiest_user_id
        sdk.ListJobsResponse.parse_obj(ok(http.get(wl(large_sandbox, f"/users/{user}/jobs"), params={"limit": 500})))


@pytest.fixture(scope="module")
def huge() -> World:
    return build_world("huge", seed=7, today=DEFAULT_TODAY)


def test_huge_world_samples_validate(huge: World) -> None:
    inner = huge.biggest_inner_org_id
    jobs = huge.inner_organization_jobs(inner) or []
    sample = jobs[:300] + jobs[len(jobs) // 2 : len(jobs) // 2 + 300] + jobs[-300:]
    sdk.ListJobsResponse.parse_obj({"success": True, "jobs": [huge.job_body(j) for j in sample], "totalJobCount": 1})
    for org in (huge.owner_org_id, huge.plain_org_id):
        sdk.OrganizationMetricsResponse.parse_obj({"success": True, "metrics": huge.organization_metrics(org)})
        sdk.ListOrganizationApiKeysResponse.parse_obj({"success": True, "apiKeys": huge.api_keys(org)})
        top = (huge.organization_jobs(org) or [])[:200]
        sdk.ListJobsResponse.parse_obj({"success": True, "jobs": [huge.job_body(j) for j in top], "totalJobCount": 1})
    members = (huge.organization(inner) or {})["users"]
    sdk.OrganizationInfoResponse.parse_obj({"success": True, **(huge.organization_info(inner) or {})})
    assert members


# -- jobs agree with the daily metrics ------------------------------------------------------------------------


def test_an_inner_orgs_jobs_add_up_to_its_daily_metrics(sandbox: Sandbox, http: httpx.Client) -> None:
    for inner in (sandbox.biggest_inner_org_id, sandbox.world.inner_organizations[2]["id"]):
        jobs = all_jobs(http, wl(sandbox, f"/organizations/{inner}/jobs"))
        cpu: dict[str, int] = defaultdict(int)
        gpu: dict[str, int] = defaultdict(int)
        for job in jobs:
            if "finished" in job:
                kind = job["metadata"]["computeType"]
                (gpu if kind == "gpu" else cpu)[day_of(job["finished"])] += job["computeTime"]
        records = ok(http.get(wl(sandbox, f"/organizations/{inner}")))["dailyMetrics"]
        for record in records:
            day = day_of(record["date"])
            assert (cpu[day], gpu[day]) == (record["cpuComputeTimeSeconds"], record["gpuComputeTimeSeconds"]), day
        # ... so any period's jobs add up to what the compute-time endpoint says for it
        start, end = "2026-08-01", "2026-10-31"
        usage = ok(
            http.get(
                wl(sandbox, f"/organizations/{inner}/usage/computeTime"),
                params={"startDate": f"{start}T00:00:00Z", "endDate": f"{end}T23:59:59Z"},
            )
        )
        in_range = [j for j in jobs if "finished" in j and start <= day_of(j["created"]) <= end]
        assert sum(j["computeTime"] for j in in_range) == usage["cpuComputeTime"] + usage["gpuComputeTime"]
        units = sum(j["computeTime"] * (3 if j["metadata"]["computeType"] == "gpu" else 1) for j in in_range)
        span = [r for r in records if start <= day_of(r["date"]) <= end]
        assert units == sum(r["computeTimeSeconds"] for r in span)


def test_jobs_look_like_real_work(sandbox: Sandbox, http: httpx.Client) -> None:
    inner = sandbox.biggest_inner_org_id
    jobs = all_jobs(http, wl(sandbox, f"/organizations/{inner}/jobs"))
    assert len(jobs) > 1_000
    categories = {job["category"] for job in jobs}
    assert {"Training model", "Generating features", "Building deployment", "Exporting data"} <= categories
    finished = [job for job in jobs if "finished" in job]
    failed = [job for job in finished if job["finishedSuccessful"] is False]
    running = [job for job in jobs if "finished" not in job]
    assert failed and all(job["additionalInfo"] for job in failed)
    assert 0.01 < len(failed) / len(finished) < 0.15
    assert running and all("computeTime" not in job and "finishedSuccessful" not in job for job in running)
    yesterday = (DEFAULT_TODAY - timedelta(days=1)).isoformat()
    assert {day_of(job["created"]) for job in running} == {yesterday}
    for job in finished:
        created, started, ended = (datetime.fromisoformat(job[k]) for k in ("created", "started", "finished"))
        assert created <= started <= ended and day_of(job["created"]) == day_of(job["finished"])
        assert (ended - started).total_seconds() == job["computeTime"] and 1 <= job["computeTime"] <= 7_200
    durations = sorted(job["computeTime"] for job in finished)
    assert durations[len(durations) // 2] < 3_600 < durations[-1]  # most jobs are short, some take an hour or two
    stamps = [(job["created"], job["id"]) for job in jobs]
    assert stamps == sorted(stamps, reverse=True)


def test_jobs_are_run_by_members_in_their_projects(sandbox: Sandbox, http: httpx.Client) -> None:
    world = sandbox.world
    inner = sandbox.biggest_inner_org_id
    jobs = all_jobs(http, wl(sandbox, f"/organizations/{inner}/jobs"))
    members = {m["id"]: m for m in (world.organization(inner) or {})["users"]}
    everyone = {u["id"]: u for u in world.whitelabel_users}
    projects = {p["id"]: p for p in world.whitelabel_projects if p.get("ownerOrganizationId") == inner}
    for job in jobs:
        user = job["createdByUser"]
        assert job["jobNotificationUids"] == [user["id"]]
        if user["id"] not in everyone:  # someone who arrived, left, and is gone from the lists since
            assert user["id"] >= ARRIVAL_USER_ID
            continue
        assert user["name"] == everyone[user["id"]]["name"]
        member = members.get(user["id"])
        if member is not None:  # members removed since then ran jobs too, while they were members
            assert day_of(member["added"]) <= day_of(job["created"])
        else:
            assert everyone[user["id"]].get("deletedDate", "") > job["created"]
        project_id = job["metadata"].get("projectId")
        if project_id is None:
            assert job["category"] in ("Data transformation", "Exporting data", "Generating features") or not projects
            continue
        if project_id not in projects:  # deleted, and gone from the lists since
            assert project_id >= ARRIVAL_PROJECT_ID
            continue
        project = projects[project_id]
        assert day_of(project["created"]) <= day_of(job["created"]) < project.get("deletedDate", "9999")
        assert job["metadata"]["projectName"] == project["name"] and str(project_id) in job["key"]


def test_project_and_user_jobs_are_theirs(sandbox: Sandbox, http: httpx.Client) -> None:
    user = sandbox.busiest_user_id
    mine = all_jobs(http, wl(sandbox, f"/users/{user}/jobs"))
    assert mine and all(job["createdByUser"]["id"] == user for job in mine)
    project = next(j["metadata"]["projectId"] for j in mine if "projectId" in j["metadata"])
    theirs = all_jobs(http, wl(sandbox, f"/projects/{project}/jobs"))
    assert theirs and all(job["metadata"]["projectId"] == project for job in theirs)
    assert {j["id"] for j in mine if j["metadata"].get("projectId") == project} <= {j["id"] for j in theirs}
    developer = next(p for p in sandbox.world.whitelabel_projects if "ownerUserId" in p and "deletedDate" not in p)
    profile_jobs = ok(http.get(wl(sandbox, f"/projects/{developer['id']}/jobs")))
    assert profile_jobs["totalJobCount"] >= 0  # a developer profile's project answers too


def test_jobs_all_filters_by_dates_status_and_category(sandbox: Sandbox, jwt: httpx.Client) -> None:
    path = f"/api/organizations/{sandbox.owner_org_id}/jobs/all"
    everything = all_jobs(jwt, path)
    start, end = "2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z"
    september = all_jobs(jwt, path, startDate=start, endDate=end)
    assert september and all("2026-09-01" <= day_of(j["created"]) <= "2026-09-30" for j in september)
    assert september == [j for j in everything if "2026-09-01" <= day_of(j["created"]) <= "2026-09-30"]
    failed = all_jobs(jwt, path, finished="failed")
    assert failed and all(j["finishedSuccessful"] is False for j in failed)
    running = all_jobs(jwt, f"/api/organizations/{sandbox.owner_org_id}/jobs")
    assert all("finished" not in j for j in running)
    history = all_jobs(jwt, f"/api/organizations/{sandbox.owner_org_id}/jobs/history")
    assert len(history) + len(running) == len(everything)
    training = all_jobs(jwt, path, category="learn-train")
    assert training and {j["categoryKey"] for j in training} == {"learn-train"}
    one = everything[5]
    assert one in all_jobs(jwt, path, key=one["key"])
    none = all_jobs(jwt, path, excludePipelineTransformJobs="true", category="transformation")
    assert none == []
    default = ok(jwt.get(path))
    assert len(default["jobs"]) == 50 and default["totalJobCount"] == len(everything)


# -- an organization's own metrics ----------------------------------------------------------------------------


def test_organization_metrics_agree_with_its_jobs_members_and_projects(sandbox: Sandbox, jwt: httpx.Client) -> None:
    for org in (sandbox.owner_org_id, sandbox.plain_org_id):
        metrics = ok(jwt.get(f"/api/organizations/{org}/metrics"))["metrics"]
        since = metrics["jobsComputeTimeCurrentYearSince"]
        jobs = all_jobs(jwt, f"/api/organizations/{org}/jobs/history", startDate=since)
        cpu = sum(j["computeTime"] for j in jobs if j["metadata"]["computeType"] == "cpu")
        gpu = sum(j["computeTime"] for j in jobs if j["metadata"]["computeType"] == "gpu")
        assert (cpu, gpu) == (metrics["cpuComputeTimeCurrentContract"], metrics["gpuComputeTimeCurrentContract"])
        assert metrics["jobsComputeTimeCurrentYear"] == pytest.approx((cpu + gpu) / 60, abs=0.01)
        assert metrics["totalJobsComputeTime"] > metrics["jobsComputeTimeCurrentYear"]
        assert since <= (DEFAULT_TODAY - timedelta(days=1)).isoformat() and metrics["totalStorage"] > 0
        info = ok(jwt.get(f"/api/organizations/{org}"))
        assert metrics["userCount"] == len(info["organization"]["users"])
        projects = ok(jwt.get(f"/api/organizations/{org}/projects"))["projects"]
        assert metrics["projectCount"] == len(projects)
        public = ok(jwt.get(f"/api/organizations/{org}/metrics", params={"projectVisibility": "public"}))
        private = ok(jwt.get(f"/api/organizations/{org}/metrics", params={"projectVisibility": "private"}))
        assert public["metrics"]["projectCount"] + private["metrics"]["projectCount"] == len(projects)


def test_inner_orgs_have_no_metrics_or_jobs_route_of_their_own(sandbox: Sandbox, http: httpx.Client) -> None:
    inner = sandbox.biggest_inner_org_id
    for rest in ("/metrics", "/jobs/all", "/apikeys"):
        assert http.get(f"/api/organizations/{inner}{rest}").status_code == 403
    plain = {"x-api-key": sandbox.plain_key}
    assert http.get(wl(sandbox, f"/organizations/{inner}/jobs"), headers=plain).status_code == 403
    assert http.get(wl(sandbox, "/organizations/999999/jobs")).status_code == 404
    assert http.get(wl(sandbox, "/users/1/jobs")).status_code == 404
    assert http.get(wl(sandbox, "/projects/1/jobs")).status_code == 404


def test_bad_job_and_metrics_parameters_are_400(sandbox: Sandbox, jwt: httpx.Client) -> None:
    org = f"/api/organizations/{sandbox.owner_org_id}"
    for path, params in (
        ("/jobs/all", {"finished": "maybe"}),
        ("/jobs/all", {"limit": "-1"}),
        ("/jobs/all", {"startDate": "yesterday"}),
        ("/jobs/all", {"startDate": "2026-10-01T00:00:00Z", "endDate": "2026-09-01T00:00:00Z"}),
        ("/metrics", {"projectVisibility": "secret"}),
        ("/metrics", {"excludeEdgeImpulseUsers": "perhaps"}),
    ):
        response = jwt.get(org + path, params=params)
        assert response.status_code == 400, (path, params)
        assert response.json()["success"] is False


# -- API keys and members' last activity ----------------------------------------------------------------------


def test_api_keys_show_every_state_an_admin_should_notice(sandbox: Sandbox, jwt: httpx.Client) -> None:
    today = DEFAULT_TODAY.isoformat()
    stale = (DEFAULT_TODAY - timedelta(days=90)).isoformat()
    for org, own_key in ((sandbox.owner_org_id, sandbox.admin_key), (sandbox.plain_org_id, sandbox.plain_key)):
        keys = ok(jwt.get(f"/api/organizations/{org}/apikeys"))["apiKeys"]
        assert {k["role"] for k in keys} == {"admin", "member"}
        assert any("lastUsed" not in k for k in keys)  # never used
        assert any(k.get("lastUsed", {}).get("date", today) < stale for k in keys)  # unused for 90 days
        assert any(k.get("lastUsed", {}).get("date", "") >= stale for k in keys)  # recently used
        assert any("expires" not in k for k in keys)  # no expiry
        assert any(k.get("expires", "9999") < today for k in keys)  # expired
        shown = [k["apiKey"] for k in keys]
        assert f"{own_key[:7]}…{own_key[-4:]}" in shown  # the key in use is one of them, shown in part only
        assert all(len(part) < 12 for k in shown for part in k.split("…"))
        assert own_key not in jwt.get(f"/api/organizations/{org}/apikeys").text


def test_api_keys_are_an_empty_list_for_an_api_key(sandbox: Sandbox, http: httpx.Client) -> None:
    """The SDK: "This API returns an empty array when not authenticating with JWT token authentication"."""
    assert ok(http.get(f"/api/organizations/{sandbox.owner_org_id}/apikeys"))["apiKeys"] == []


def test_some_admins_have_not_been_seen_for_90_days(sandbox: Sandbox, http: httpx.Client) -> None:
    cutoff = (DEFAULT_TODAY - timedelta(days=90)).isoformat()
    stale_admins = []
    for org in sandbox.world.inner_organizations:
        members = (sandbox.world.organization(org["id"]) or {})["users"]
        for member in members:
            if "lastSeen" in member:
                assert member["lastAccessToOrganization"] <= member["lastSeen"]
                assert member["lastAccessToOrganization"] >= member["added"][:10]
            if member["role"] == "admin" and member.get("lastAccessToOrganization", "") < cutoff:
                stale_admins.append(member["id"])
    assert len(stale_admins) >= 3
    last_projects = [
        m["lastOrganizationProjectAccessed"]
        for m in ok(http.get(f"/api/organizations/{sandbox.owner_org_id}"))["organization"]["users"]
        if "lastOrganizationProjectAccessed" in m
    ]
    owned = {p["id"] for p in ok(http.get(f"/api/organizations/{sandbox.owner_org_id}/projects"))["projects"]}
    assert last_projects and set(last_projects) <= owned


def test_the_sandbox_names_its_landmarks(sandbox: Sandbox) -> None:
    world = sandbox.world
    biggest = sandbox.biggest_inner_org_id
    seconds = {
        o["id"]: sum(
            r["cpuComputeTimeSeconds"] + r["gpuComputeTimeSeconds"]
            for r in (world.inner_organization_info(o["id"]) or {})["dailyMetrics"]
        )
        for o in world.inner_organizations
        if not world.inner_organization_meta(o["id"])["deleted"]
    }
    assert seconds[biggest] == max(seconds.values())
    assert sandbox.busiest_user_id in {u["id"] for u in (world.organization(biggest) or {})["users"]}
