"""The sandbox over real loopback HTTP: auth, routes, paging, queries, errors, and every body against the SDK."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import edgeimpulse_api as sdk
import httpx
import pytest

from tui.sandbox.server import Sandbox


@pytest.fixture(scope="module")
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.admin_key}, timeout=10) as client:
        yield client


def wl(sandbox: Sandbox, rest: str = "") -> str:
    return f"/api/organizations/{sandbox.owner_org_id}/whitelabel{rest}"


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body


def all_rows(http: httpx.Client, path: str, key: str, page: int, **params: Any) -> tuple[list[dict], int]:
    rows: list[dict] = []
    offset = 0
    while True:
        body = ok(http.get(path, params={**params, "limit": page, "offset": offset}))
        rows.extend(body[key])
        offset += page
        if offset >= body["total"]:
            return rows, body["total"]


# -- every endpoint against the official models --------------------------------------------------------------


def test_every_endpoint_validates_against_the_official_models(sandbox: Sandbox, http: httpx.Client) -> None:
    org = sandbox.owner_org_id
    inner = ok(http.get(wl(sandbox, "/organizations"), params={"limit": 1}))["organizations"][0]["id"]
    user = ok(http.get(wl(sandbox, "/users"), params={"limit": 1}))["users"][0]["id"]
    project = ok(http.get(wl(sandbox, "/projects"), params={"limit": 1}))["projects"][0]["id"]
    checks = {
        "/api/organizations": sdk.ListOrganizationsResponse,
        f"/api/organizations/{org}": sdk.OrganizationInfoResponse,
        f"/api/organizations/{org}/projects": sdk.ListProjectsResponse,
        wl(sandbox): sdk.GetWhitelabelResponse,
        wl(sandbox, "/metrics"): sdk.AdminGetMetricsResponse,
        wl(sandbox, "/organizations"): sdk.AdminGetOrganizationsResponse,
        wl(sandbox, f"/organizations/{inner}"): sdk.AdminOrganizationInfoResponse,
        wl(sandbox, "/users"): sdk.AdminGetUsersResponse,
        wl(sandbox, f"/users/{user}"): sdk.AdminGetUserResponse,
        wl(sandbox, f"/users/{user}/metrics"): sdk.AdminGetUserMetricsResponse,
        wl(sandbox, "/projects"): sdk.AdminListProjectsResponse,
        wl(sandbox, f"/projects/{project}"): sdk.AdminProjectInfoResponse,
    }
    for path, model in checks.items():
        model.parse_obj(ok(http.get(path)))
    usage = http.get(
        wl(sandbox, f"/organizations/{inner}/usage/computeTime"),
        params={"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-06-30T00:00:00Z"},
    )
    sdk.AdminGetOrganizationComputeTimeUsageResponse.parse_obj(ok(usage))
    jwt = {"x-jwt-token": sandbox.jwt_token}
    with httpx.Client(base_url=sandbox.url, headers=jwt, timeout=10) as user_client:
        sdk.GetUserResponse.parse_obj(ok(user_client.get("/api/user")))
        sdk.ListOrganizationsResponse.parse_obj(ok(user_client.get("/api/user/organizations")))


def test_large_world_pages_validate_against_the_official_models(large_sandbox: Sandbox) -> None:
    headers = {"x-api-key": large_sandbox.admin_key}
    base = f"/api/organizations/{large_sandbox.owner_org_id}/whitelabel"
    with httpx.Client(base_url=large_sandbox.url, headers=headers, timeout=30) as http:
        users = ok(http.get(f"{base}/users", params={"limit": 1000, "offset": 9000}))
        sdk.AdminGetUsersResponse.parse_obj(users)
        assert users["total"] >= 10_000 - 100 and len(users["users"]) == 1000
        sdk.AdminListProjectsResponse.parse_obj(ok(http.get(f"{base}/projects", params={"limit": 500})))
        orgs = ok(http.get(f"{base}/organizations", params={"limit": 200, "offset": 800}))
        sdk.AdminGetOrganizationsResponse.parse_obj(orgs)
        last = orgs["organizations"][-1]["id"]
        sdk.AdminOrganizationInfoResponse.parse_obj(ok(http.get(f"{base}/organizations/{last}")))


# -- auth ------------------------------------------------------------------------------------------------------


def test_missing_or_wrong_key_is_401_with_an_api_error_body(sandbox: Sandbox) -> None:
    path = f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}"
    for headers in ({}, {"x-api-key": "ei_" + "0" * 64}):
        response = httpx.get(path, headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["success"] is False and body["error"]
        sdk.GenericApiResponse.parse_obj(body)


def test_api_key_lists_only_its_own_organization(sandbox: Sandbox, http: httpx.Client) -> None:
    orgs = ok(http.get("/api/organizations"))["organizations"]
    assert [org["id"] for org in orgs] == [sandbox.owner_org_id]
    plain = httpx.get(f"{sandbox.url}/api/organizations", headers={"x-api-key": sandbox.plain_key}).json()
    assert [org["id"] for org in plain["organizations"]] == [sandbox.plain_org_id]


def test_plain_organization_gets_403_on_whitelabel_routes(sandbox: Sandbox) -> None:
    headers = {"x-api-key": sandbox.plain_key}
    info = httpx.get(f"{sandbox.url}/api/organizations/{sandbox.plain_org_id}", headers=headers)
    assert info.status_code == 200
    for rest in ("", "/organizations", "/users", "/projects", "/metrics"):
        response = httpx.get(
            f"{sandbox.url}/api/organizations/{sandbox.plain_org_id}/whitelabel{rest}", headers=headers
        )
        assert response.status_code == 403, rest
        assert "white label" in response.json()["error"].lower()


def test_a_key_cannot_read_another_organization(sandbox: Sandbox) -> None:
    response = httpx.get(
        f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}", headers={"x-api-key": sandbox.plain_key}
    )
    assert response.status_code == 403
    assert response.json()["success"] is False


def test_user_routes_need_a_jwt_and_refuse_an_api_key(sandbox: Sandbox, http: httpx.Client) -> None:
    for path in ("/api/user", "/api/user/organizations"):
        refused = http.get(path)
        assert refused.status_code == 401
        assert "JWT" in refused.json()["error"]
    wrong = httpx.get(f"{sandbox.url}/api/user", headers={"x-jwt-token": "not.a.token"})
    assert wrong.status_code == 401
    user = ok(
        httpx.get(
            f"{sandbox.url}/api/user",
            params={"excludeProjects": "true"},
            headers={"x-jwt-token": sandbox.jwt_token},
        )
    )
    assert user["projects"] == []


def test_unknown_ids_and_routes_are_404(sandbox: Sandbox, http: httpx.Client) -> None:
    for path in (
        "/api/organizations/999999999",
        wl(sandbox, "/organizations/999999999"),
        wl(sandbox, "/users/999999999"),
        wl(sandbox, "/projects/999999999"),
        "/api/nothing-here",
    ):
        response = http.get(path)
        assert response.status_code == 404, path
        assert response.json()["success"] is False and response.json()["error"]


def test_malformed_ids_and_page_parameters_are_400(sandbox: Sandbox, http: httpx.Client) -> None:
    assert http.get(wl(sandbox, "/users/abc")).status_code == 400
    response = http.get(wl(sandbox, "/users"), params={"limit": "ten"})
    assert response.status_code == 400 and "limit" in response.json()["error"]
    assert http.get(wl(sandbox, "/users"), params={"offset": "-1"}).status_code == 400
    assert http.get(wl(sandbox, "/users"), params={"filters": "tier"}).status_code == 400


# -- paging and queries --------------------------------------------------------------------------------------


def test_paging_returns_every_row_exactly_once(sandbox: Sandbox, http: httpx.Client) -> None:
    for rest, key in (("/users", "users"), ("/projects", "projects"), ("/organizations", "organizations")):
        rows, total = all_rows(http, wl(sandbox, rest), key, page=7)
        ids = [row["id"] for row in rows]
        assert len(ids) == total == len(set(ids)), rest
        whole = ok(http.get(wl(sandbox, rest)))
        assert [row["id"] for row in whole[key]] == ids


def test_offset_past_the_end_is_an_empty_page_with_the_total(sandbox: Sandbox, http: httpx.Client) -> None:
    body = ok(http.get(wl(sandbox, "/users"), params={"limit": 10, "offset": 100_000}))
    assert body["users"] == [] and body["total"] > 0


def test_search_matches_names_ids_and_emails(sandbox: Sandbox, http: httpx.Client) -> None:
    users = ok(http.get(wl(sandbox, "/users")))["users"]
    sample = users[len(users) // 2]
    domain = sample["email"].split("@")[1]
    by_email = ok(http.get(wl(sandbox, "/users"), params={"search": domain.upper()}))
    assert by_email["total"] == sum(domain in u["email"] for u in users)
    assert all(domain in u["email"] for u in by_email["users"])
    by_id = ok(http.get(wl(sandbox, "/users"), params={"search": str(sample["id"])}))
    assert sample["id"] in [u["id"] for u in by_id["users"]]
    orgs = ok(http.get(wl(sandbox, "/organizations")))["organizations"]
    word = orgs[0]["name"].split()[0]
    found = ok(http.get(wl(sandbox, "/organizations"), params={"search": word.lower()}))["organizations"]
    assert orgs[0]["id"] in [o["id"] for o in found]
    assert all(word.lower() in o["name"].lower() or word in str(o["id"]) for o in found)


def test_sort_by_several_fields_ascending_and_descending(sandbox: Sandbox, http: httpx.Client) -> None:
    by_name = ok(http.get(wl(sandbox, "/projects"), params={"sort": "-name"}))["projects"]
    names = [p["name"].casefold() for p in by_name]
    assert names == sorted(names, reverse=True)
    by_owner = ok(http.get(wl(sandbox, "/projects"), params={"sort": "owner,-id"}))["projects"]
    keys = [(p["owner"].casefold(), -p["id"]) for p in by_owner]
    assert keys == sorted(keys)


def test_filters_tier_and_fields(sandbox: Sandbox, http: httpx.Client) -> None:
    billable = ok(http.get(wl(sandbox, "/organizations"), params={"filters": "billable:true"}))
    assert billable["total"] > 0 and all(o.get("billable") is True for o in billable["organizations"])
    everyone = ok(http.get(wl(sandbox, "/organizations")))["total"]
    not_billable = ok(http.get(wl(sandbox, "/organizations"), params={"filters": "billable:false"}))["total"]
    assert billable["total"] + not_billable == everyone
    enterprise = ok(http.get(wl(sandbox, "/users"), params={"tier": "enterprise"}))["users"]
    assert enterprise and all(u["tier"] == "enterprise" for u in enterprise)
    slim = ok(http.get(wl(sandbox, "/users"), params={"fields": "id,email", "limit": 3}))["users"]
    assert all(set(u) == {"id", "email"} for u in slim)


def test_deleted_rows_only_with_include_deleted(sandbox: Sandbox, http: httpx.Client) -> None:
    live = ok(http.get(wl(sandbox, "/projects")))
    everything = ok(http.get(wl(sandbox, "/projects"), params={"includeDeleted": "true"}))
    assert everything["total"] > live["total"]
    assert not any("deletedDate" in p for p in live["projects"])
    orgs = ok(http.get(wl(sandbox, "/organizations"), params={"includeDeleted": "true"}))["total"]
    assert orgs > ok(http.get(wl(sandbox, "/organizations")))["total"]


def test_active_narrows_to_recently_seen_users(sandbox: Sandbox, http: httpx.Client) -> None:
    week = ok(http.get(wl(sandbox, "/users"), params={"active": 7}))["total"]
    year = ok(http.get(wl(sandbox, "/users"), params={"active": 365}))["total"]
    total = ok(http.get(wl(sandbox, "/users")))["total"]
    assert 0 < week < year <= total


def test_compute_time_needs_both_dates(sandbox: Sandbox, http: httpx.Client) -> None:
    inner = ok(http.get(wl(sandbox, "/organizations"), params={"limit": 1}))["organizations"][0]["id"]
    path = wl(sandbox, f"/organizations/{inner}/usage/computeTime")
    missing = http.get(path, params={"startDate": "2026-01-01T00:00:00Z"})
    assert missing.status_code == 400 and "endDate" in missing.json()["error"]
    malformed = http.get(path, params={"startDate": "yesterday", "endDate": "2026-01-01T00:00:00Z"})
    assert malformed.status_code == 400 and "startDate" in malformed.json()["error"]
    backwards = http.get(path, params={"startDate": "2026-02-01T00:00:00Z", "endDate": "2026-01-01T00:00:00Z"})
    assert backwards.status_code == 400
    year = ok(http.get(path, params={"startDate": "2025-11-25T00:00:00Z", "endDate": "2026-11-24T00:00:00Z"}))
    half = ok(http.get(path, params={"startDate": "2026-06-01T00:00:00Z", "endDate": "2026-11-24T00:00:00Z"}))
    assert year["cpuComputeTime"] >= half["cpuComputeTime"] >= 0


def test_same_seed_serves_the_same_bytes(sandbox: Sandbox) -> None:
    with Sandbox(scale="demo", seed=sandbox.world.seed, today=sandbox.world.today) as twin:
        for rest in ("/users?limit=20", "/organizations"):
            mine = httpx.get(sandbox.url + wl(sandbox, rest), headers={"x-api-key": sandbox.admin_key})
            theirs = httpx.get(twin.url + wl(twin, rest), headers={"x-api-key": twin.admin_key})
            assert mine.content == theirs.content


def test_request_counts_are_per_path(sandbox: Sandbox, http: httpx.Client) -> None:
    http.get(wl(sandbox, "/users"), params={"limit": 1})
    http.get(wl(sandbox, "/users"), params={"limit": 2})
    http.get("/api/organizations")
    counts = sandbox.request_counts()
    assert counts == {f"/v1{wl(sandbox, '/users')}": 2, "/v1/api/organizations": 1}
    assert sandbox.total_requests() == 3


def test_a_white_label_project_answers_both_the_sdk_and_the_archived_spec(sandbox: Sandbox, http: httpx.Client) -> None:
    """The SDK says `{project}`, the archived spec a full ProjectInfoResponse: the answer is both."""
    for project in sandbox.world.whitelabel_projects[:10]:
        body = ok(http.get(wl(sandbox, f"/projects/{project['id']}")))
        assert sdk.AdminProjectInfoResponse.parse_obj(body).project.id == project["id"]
        full = sdk.ProjectInfoResponse.parse_obj(body)
        assert full.project.id == project["id"] and full.collaborators is not None
