"""Each fault option of the sandbox, seen from a plain HTTP client over loopback."""

from __future__ import annotations

import time

import httpx
import pytest

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
