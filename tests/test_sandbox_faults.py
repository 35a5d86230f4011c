"""Each fault option of the sandbox, seen from a plain HTTP client over loopback."""

from __future__ import annotations

import time

import edgeimpulse_api as sdk
import httpx
import pytest
from pydantic.v1 import ValidationError

from tui.sandbox.faults import FaultConfig, FaultInjector, FaultKind
from tui.sandbox.server import Sandbox


def get(sandbox: Sandbox, rest: str = "") -> httpx.Response:
    return httpx.get(
        f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}{rest}",
        headers={"x-api-key": sandbox.admin_key},
        timeout=10,
    )


def test_latency_delays_every_answer(sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(latency_ms=150)
    started = time.perf_counter()
    assert get(sandbox).status_code == 200
    assert time.perf_counter() - started >= 0.15


def test_jitter_stays_within_its_bounds() -> None:
    injector = FaultInjector(FaultConfig(latency_ms=100, jitter_ms=40), seed=1)
    delays = [injector.decide("/v1/x").delay_s for _ in range(200)]
    assert min(delays) >= 0.06 and max(delays) <= 0.14
    assert len(set(delays)) > 100


def test_error_rate_answers_server_errors(sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(error_rate=1.0)
    statuses = {get(sandbox).status_code for _ in range(12)}
    assert statuses <= {500, 502, 503} and len(statuses) >= 2
    body = get(sandbox).json()
    assert body["success"] is False and body["error"]


def test_throttling_answers_429_with_retry_after(sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(throttle_rate=1.0, retry_after_s=3)
    response = get(sandbox)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"


def test_rate_limit_lets_a_burst_through_then_throttles(sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(rate_limit_rps=2)
    headers = {"x-api-key": sandbox.admin_key}
    with httpx.Client(base_url=sandbox.url, headers=headers, timeout=10) as http:
        responses = [http.get("/api/organizations") for _ in range(8)]
    statuses = [r.status_code for r in responses]
    assert statuses[:2] == [200, 200]
    throttled = [r for r in responses if r.status_code == 429]
    assert throttled, statuses
    assert all(int(r.headers["Retry-After"]) >= 1 for r in throttled)


def test_slow_body_trickles_but_arrives_whole(sandbox: Sandbox) -> None:
    fast = get(sandbox).content
    sandbox.faults = FaultConfig(slow_body_ms=300)
    started = time.perf_counter()
    slow = get(sandbox)
    assert time.perf_counter() - started >= 0.25
    assert slow.content == fast


def test_dropped_connections_fail_without_an_answer(sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(drop_rate=1.0)
    with pytest.raises(httpx.TransportError):
        get(sandbox)


def test_false_success_answers_200_with_success_false(sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(false_success_rate=1.0)
    response = get(sandbox)
    assert response.status_code == 200
    assert response.json()["success"] is False and response.json()["error"]


def test_scripted_failures_hit_matching_paths_in_order(sandbox: Sandbox) -> None:
    sandbox.fail_next("/whitelabel/users", [503, 429], retry_after=2)
    assert get(sandbox).status_code == 200
    first = get(sandbox, "/whitelabel/users")
    second = get(sandbox, "/whitelabel/users")
    assert (first.status_code, second.status_code) == (503, 429)
    assert second.headers["Retry-After"] == "2"
    assert get(sandbox, "/whitelabel/users").status_code == 200
    assert sandbox.request_counts()[f"/v1/api/organizations/{sandbox.owner_org_id}/whitelabel/users"] == 3


def test_faulted_requests_are_counted_too(sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(error_rate=1.0)
    for _ in range(3):
        get(sandbox)
    assert sandbox.total_requests() == 3


def test_same_seed_same_fault_sequence() -> None:
    config = FaultConfig(error_rate=0.5, drop_rate=0.1)
    first = FaultInjector(config, seed=3)
    second = FaultInjector(config, seed=3)
    assert [first.decide("/p").kind for _ in range(50)] == [second.decide("/p").kind for _ in range(50)]
    mixed = {FaultInjector(config, seed=s).decide("/p").kind for s in range(40)}
    assert {FaultKind.NONE, FaultKind.STATUS} <= mixed


# -- the real API may differ from its documents: bad rows, a page cap, the owner filter --------------------------


def listing(sandbox: Sandbox, rest: str, **params: object) -> httpx.Response:
    return httpx.get(
        f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}/whitelabel{rest}",
        params={k: str(v) for k, v in params.items()},
        headers={"x-api-key": sandbox.admin_key},
        timeout=10,
    )


def test_row_three_of_the_next_inner_org_page_is_bad(sandbox: Sandbox) -> None:
    sandbox.malform_next("/whitelabel/organizations", rows=[3])
    bad = listing(sandbox, "/organizations", limit=8).json()
    with pytest.raises(ValidationError):
        sdk.AdminGetOrganizationsResponse.parse_obj(bad)
    rows = bad["organizations"]
    assert "created" not in rows[3] and {"id", "name"} <= set(rows[3])
    good = [row for k, row in enumerate(rows) if k != 3]
    sdk.AdminGetOrganizationsResponse.parse_obj({**bad, "organizations": good})
    sdk.AdminGetOrganizationsResponse.parse_obj(listing(sandbox, "/organizations", limit=8).json())  # only once


def test_a_row_of_the_wrong_type_fails_validation(sandbox: Sandbox) -> None:
    sandbox.malform_next("/whitelabel/users", rows=[0, 2], how="wrong-type")
    body = listing(sandbox, "/users", limit=5).json()
    assert body["users"][0]["created"] == "yesterday" and body["users"][2]["created"] == "yesterday"
    for k, row in enumerate(body["users"]):
        parse = lambda r=row: sdk.AdminGetUsersResponse.parse_obj({**body, "users": [r]})  # noqa: E731
        if k in (0, 2):
            with pytest.raises(ValidationError):
                parse()
        else:
            parse()
    sandbox.malform_next("/whitelabel/projects", rows=[1], field="id", how="wrong-type")
    projects = listing(sandbox, "/projects", limit=3).json()["projects"]
    assert projects[1]["id"] == "not a number"


def test_malformed_rows_at_a_rate_spare_the_cached_answer(sandbox: Sandbox) -> None:
    inner = sandbox.biggest_inner_org_id
    clean = listing(sandbox, f"/organizations/{inner}/jobs", limit=200).json()
    sandbox.faults = FaultConfig(malformed_row_rate=0.2)
    broken = listing(sandbox, f"/organizations/{inner}/jobs", limit=200).json()
    bad = [row for row in broken["jobs"] if "created" not in row]
    assert 10 < len(bad) < 80 and broken["totalJobCount"] == clean["totalJobCount"]
    with pytest.raises(ValidationError):
        sdk.ListJobsResponse.parse_obj(broken)
    sandbox.faults = FaultConfig()
    assert listing(sandbox, f"/organizations/{inner}/jobs", limit=200).json() == clean


def test_a_limit_above_the_page_cap_is_400(sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(max_page_size=100)
    refused = listing(sandbox, "/users", limit=101)
    assert refused.status_code == 400
    body = refused.json()
    sdk.GenericApiResponse.parse_obj(body)
    assert body["success"] is False and "100" in body["error"]
    assert listing(sandbox, "/users", limit=100).status_code == 200
    assert listing(sandbox, f"/organizations/{sandbox.biggest_inner_org_id}/jobs", limit=500).status_code == 400
    assert listing(sandbox, "/organizations").status_code == 200  # no limit asked: the server's own default
    assert get(sandbox).status_code == 200  # routes without paging are untouched


@pytest.mark.parametrize("mode", ["honour", "ignore", "reject"])
def test_the_owner_filter_is_honoured_ignored_or_rejected(sandbox: Sandbox, mode: str) -> None:
    inner = sandbox.world.inner_organizations[0]["id"]
    everything = listing(sandbox, "/projects", limit=1).json()["total"]
    sandbox.faults = FaultConfig(owner_filter=mode)
    response = listing(sandbox, "/projects", filters=f"ownerOrganizationId:{inner}", limit=1000)
    if mode == "reject":
        assert response.status_code == 400 and "ownerOrganizationId" in response.json()["error"]
        return
    body = response.json()
    owners = {row.get("ownerOrganizationId") for row in body["projects"]}
    if mode == "honour":
        assert owners == {inner} and body["total"] < everything
    else:
        assert len(owners) > 1 and body["total"] == everything
    tier = listing(sandbox, "/projects", filters=f"ownerOrganizationId:{inner},tier:enterprise", limit=1000).json()
    assert {row["tier"] for row in tier["projects"]} == {"enterprise"}  # other filters still apply


def test_fault_config_refuses_an_unknown_owner_filter_mode() -> None:
    with pytest.raises(ValueError, match="owner_filter"):
        FaultConfig(owner_filter="sometimes")
