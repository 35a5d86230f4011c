"""The client against the sandbox over loopback HTTP: errors, retries, limits, coalescing, cache, paging."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, RetryPolicy, Source, StudioClient, parse_retry_after
from tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    ForbiddenError,
    JwtRequiredError,
    NetworkError,
    NotFoundError,
    NotWhitelabelAdminError,
    OfflineCacheMissError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)
from tui.api.row_marks import UNREADABLE_KEY
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox

FAST_RETRIES = RetryPolicy(max_attempts=4, total_budget_s=5.0, base_delay_s=0.01, max_delay_s=0.05)
MakeClient = Callable[..., StudioClient]


@pytest.fixture
def make_client(sandbox: Sandbox, tmp_path: Path) -> MakeClient:
    """Build a client on the demo sandbox with a per-test cache; keyword arguments override settings."""

    def make(*, cache: DiskCache | None = None, **overrides: Any) -> StudioClient:
        values: dict[str, Any] = {
            "endpoint": sandbox.url,
            "api_key": sandbox.admin_key,
            "jwt_token": sandbox.jwt_token,
            "retries": FAST_RETRIES,
        }
        values.update(overrides)
        return StudioClient(ClientSettings(**values), cache if cache is not None else DiskCache(tmp_path / "cache"))

    return make


def served(sb: Sandbox, suffix: str) -> int:
    """Requests the sandbox served for paths ending in `suffix`."""
    return sum(n for path, n in sb.request_counts().items() if path.endswith(suffix))


def assert_no_secret(error: ApiError, *secrets: str) -> None:
    texts = [str(error), repr(error), error.message, error.hint, *map(str, error.args), str(error.api_error)]
    for secret in secrets:
        assert all(secret not in text for text in texts)


def sdk_models(*names: str) -> dict[str, ModuleType]:
    """Import a few model modules of the official SDK without its package __init__ (which takes ~6 s).

    Stand-in package modules let `edgeimpulse_api.models.x` import its siblings; they are removed again so a
    later real `import edgeimpulse_api` (the benchmark) is unaffected.
    """
    spec = importlib.util.find_spec("edgeimpulse_api")
    assert spec is not None and spec.submodule_search_locations
    root = next(iter(spec.submodule_search_locations))
    before = set(sys.modules)
    stubs = {"edgeimpulse_api": root, "edgeimpulse_api.models": os.path.join(root, "models")}
    try:
        for name, path in stubs.items():
            if name not in sys.modules:
                stub = ModuleType(name)
                stub.__path__ = [path]
                sys.modules[name] = stub
        return {name: importlib.import_module(f"edgeimpulse_api.models.{name}") for name in names}
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]


# ---------------------------------------------------------------- every endpoint parses


async def test_every_endpoint_parses_into_models(sandbox: Sandbox, make_client: MakeClient) -> None:
    org = sandbox.owner_org_id
    async with make_client(jwt_token=None) as client:
        orgs = await client.organizations()
        assert orgs is not None and [o.id for o in orgs.value.organizations] == [org]
    async with make_client() as client:
        info = await client.organization_info(org)
        assert info is not None and info.value.organization.id == org and info.value.organization.users
        assert info.value.organization.created.tzinfo is not None
        assert (await client.organization_projects(org)) is not None
        wl = await client.whitelabel_info(org)
        assert wl is not None and wl.value.whitelabel is not None
        assert (await client.whitelabel_metrics(org)) is not None
        inner_ids, user_ids, project_ids = [], [], []
        async for page in client.pages("inner_organizations", org, page_size=50):
            inner_ids += [row.id for row in page.items]
        async for page in client.pages("whitelabel_users", org, page_size=200):
            user_ids += [row.id for row in page.items]
        async for page in client.pages("whitelabel_projects", org, page_size=200):
            project_ids += [row.id for row in page.items]
        assert inner_ids and user_ids and project_ids
        for inner_id in inner_ids[:5]:
            inner = await client.inner_organization(org, inner_id)
            assert inner is not None
            assert (
                await client.inner_organization_compute_time(
                    org, inner_id, "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"
                )
            ) is not None
        for user_id in user_ids[:5]:
            assert (await client.whitelabel_user(org, user_id)) is not None
            assert (await client.whitelabel_user_metrics(org, user_id)) is not None
        for project_id in project_ids[:5]:
            assert (await client.whitelabel_project(org, project_id)) is not None


async def test_sandbox_bodies_satisfy_the_official_sdk(sandbox: Sandbox, make_client: MakeClient) -> None:
    """The SDK's own pydantic models (strict `parse_obj`) accept what our models accept: the oracle."""
    sdk = sdk_models(
        "admin_get_organizations_response",
        "admin_get_user_response",
        "admin_get_users_response",
        "admin_organization_info_response",
        "organization_info_response",
    )
    org = sandbox.owner_org_id
    async with make_client(use_cache=False) as client:
        info = await client.organization_info(org)
        inner = await client.inner_organizations(org, limit=20, offset=0)
        users = await client.whitelabel_users(org, limit=20, offset=0)
        assert info and inner and users
        one_inner = await client.inner_organization(org, inner.value.organizations[0].id)
        one_user = await client.whitelabel_user(org, users.value.users[0].id)
        assert one_inner and one_user
    sdk["organization_info_response"].OrganizationInfoResponse.parse_obj(info.raw)
    sdk["admin_get_organizations_response"].AdminGetOrganizationsResponse.parse_obj(inner.raw)
    sdk["admin_get_users_response"].AdminGetUsersResponse.parse_obj(users.raw)
    sdk["admin_organization_info_response"].AdminOrganizationInfoResponse.parse_obj(one_inner.raw)
    sdk["admin_get_user_response"].AdminGetUserResponse.parse_obj(one_user.raw)


# ---------------------------------------------------------------- errors


async def test_wrong_key_is_an_auth_error_without_the_key(make_client: MakeClient) -> None:
    wrong = "ei_wrong_key_0123456789abcdef0123456789abcdef"
    async with make_client(api_key=wrong, jwt_token=None) as client:
        with pytest.raises(AuthError) as info:
            await client.organizations()
    assert info.value.status == 401
    assert "EI_API_KEY" in info.value.hint
    assert_no_secret(info.value, wrong)


async def test_plain_org_on_whitelabel_is_not_an_admin_org(sandbox: Sandbox, make_client: MakeClient) -> None:
    async with make_client(api_key=sandbox.plain_key, jwt_token=None) as client:
        with pytest.raises(NotWhitelabelAdminError) as info:
            await client.whitelabel_info(sandbox.plain_org_id)
    assert info.value.message == "403 on /whitelabel: this organization is not a white-label admin organization"
    assert_no_secret(info.value, sandbox.plain_key)


async def test_other_orgs_info_is_forbidden(sandbox: Sandbox, make_client: MakeClient) -> None:
    async with make_client(api_key=sandbox.plain_key, jwt_token=None) as client:
        with pytest.raises(ForbiddenError) as info:
            await client.organization_info(sandbox.owner_org_id)
    assert not isinstance(info.value, NotWhitelabelAdminError)


async def test_unknown_inner_org_is_not_found(sandbox: Sandbox, make_client: MakeClient) -> None:
    async with make_client() as client:
        with pytest.raises(NotFoundError) as info:
            await client.inner_organization(sandbox.owner_org_id, 987654321)
    assert "987654321" in info.value.message
    assert_no_secret(info.value, sandbox.admin_key, sandbox.jwt_token)


async def test_api_keys_without_a_jwt_say_a_jwt_is_needed_before_asking(
    sandbox: Sandbox, make_client: MakeClient
) -> None:
    async with make_client(jwt_token=None) as client:
        with pytest.raises(JwtRequiredError) as info:
            await client.organization_api_keys(sandbox.owner_org_id)
    assert isinstance(info.value, AuthError) and "JWT" in info.value.message
    assert sandbox.total_requests() == 0
    assert_no_secret(info.value, sandbox.admin_key)


@pytest.mark.parametrize(
    "credentials, reaches",
    [
        ({"jwt_token": None}, "the key's own"),
        ({"api_key": None}, "the user's"),
        ({}, "the user's"),  # both: the JWT
    ],
)
async def test_the_organization_picker_uses_the_jwt_when_there_is_one(
    sandbox: Sandbox, make_client: MakeClient, credentials: dict[str, Any], reaches: str
) -> None:
    async with make_client(**credentials) as client:
        fetched = await client.organizations()
    assert fetched is not None
    ids = [org.id for org in fetched.value.organizations]
    if reaches == "the key's own":
        assert ids == [sandbox.owner_org_id]
    else:
        assert ids == [body["id"] for body in sandbox.world.organizations_for_jwt()]
        assert len(ids) > 1


async def test_success_false_on_200_carries_the_api_text(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.faults = FaultConfig(false_success_rate=1.0)
    async with make_client(use_cache=False) as client:
        with pytest.raises(BadResponseError) as info:
            await client.organizations()
    assert "Internal error while processing the request (injected)" in info.value.message
    assert info.value.raw["success"] is False


async def test_a_page_with_one_bad_row_keeps_the_others_and_marks_it(sandbox: Sandbox, make_client: MakeClient) -> None:
    row = sandbox.world.inner_organizations[3]
    original = dict(row)
    del row["created"]
    try:
        async with make_client(use_cache=False) as client:
            pages = [page async for page in client.pages("inner_organizations", sandbox.owner_org_id, page_size=10)]
    finally:
        row.clear()
        row.update(original)  # same keys in the same order: the sandbox must keep serving the same bytes
    rows = [r for page in pages for r in page.raw_items]
    assert len(rows) == sum(len(page.items) for page in pages) == pages[0].total
    bad = [r for r in rows if UNREADABLE_KEY in r]
    assert bad == [{"id": row["id"], "name": f"⚠ {row['name']}", UNREADABLE_KEY: "created: Field required"}]
    assert sum(page.unreadable for page in pages) == 1
    assert all(isinstance(r.get("created"), str) for r in rows if UNREADABLE_KEY not in r)


# ---------------------------------------------------------------- retries


async def test_429_waits_for_retry_after(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.fail_next("/whitelabel/metrics", [429], retry_after=1)
    async with make_client(use_cache=False) as client:
        started = time.monotonic()
        fetched = await client.whitelabel_metrics(sandbox.owner_org_id)
        elapsed = time.monotonic() - started
    assert fetched is not None and not fetched.from_cache
    assert elapsed >= 1.0
    assert served(sandbox, "/whitelabel/metrics") == 2


async def test_503s_are_retried_then_succeed(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.fail_next("/whitelabel/metrics", [503, 502, 504])
    async with make_client(use_cache=False) as client:
        fetched = await client.whitelabel_metrics(sandbox.owner_org_id)
    assert fetched is not None
    assert served(sandbox, "/whitelabel/metrics") == 4


async def test_dropped_connection_is_retried(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.fail_next("/whitelabel/metrics", [0])
    async with make_client(use_cache=False) as client:
        assert await client.whitelabel_metrics(sandbox.owner_org_id) is not None
    assert served(sandbox, "/whitelabel/metrics") == 2


async def test_500_is_not_retried(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.fail_next("/whitelabel/metrics", [500, 500])
    async with make_client(use_cache=False) as client:
        with pytest.raises(ServerError) as info:
            await client.whitelabel_metrics(sandbox.owner_org_id)
    assert info.value.status == 500
    assert served(sandbox, "/whitelabel/metrics") == 1


async def test_gives_up_after_max_attempts(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.fail_next("/whitelabel/metrics", [503] * 6)
    policy = RetryPolicy(max_attempts=3, total_budget_s=5, base_delay_s=0.01, max_delay_s=0.02)
    async with make_client(use_cache=False, retries=policy) as client:
        with pytest.raises(ServerError):
            await client.whitelabel_metrics(sandbox.owner_org_id)
    assert served(sandbox, "/whitelabel/metrics") == 3


async def test_retry_after_beyond_budget_gives_up_at_once(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.fail_next("/whitelabel/metrics", [429], retry_after=30)
    async with make_client(use_cache=False) as client:
        started = time.monotonic()
        with pytest.raises(RateLimitedError) as info:
            await client.whitelabel_metrics(sandbox.owner_org_id)
    assert time.monotonic() - started < 1.0
    assert info.value.retry_after_s == 30
    assert "30 s" in info.value.message


async def test_total_budget_bounds_backoff(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.fail_next("/whitelabel/metrics", [503] * 10, retry_after=0.3)
    policy = RetryPolicy(max_attempts=10, total_budget_s=0.8)
    async with make_client(use_cache=False, retries=policy) as client:
        started = time.monotonic()
        with pytest.raises(ServerError):
            await client.whitelabel_metrics(sandbox.owner_org_id)
    assert time.monotonic() - started < 1.0
    assert served(sandbox, "/whitelabel/metrics") == 3  # at 0, 0.3, 0.6 s; the next would pass 0.8 s


async def test_slow_server_times_out_then_falls_back_to_cache(sandbox: Sandbox, make_client: MakeClient) -> None:
    policy = RetryPolicy(max_attempts=2, total_budget_s=2, base_delay_s=0.01, max_delay_s=0.01)
    async with make_client(timeout_s=0.1, retries=policy) as client:
        sandbox.faults = FaultConfig(latency_ms=300)
        with pytest.raises(RequestTimeoutError):
            await client.whitelabel_metrics(sandbox.owner_org_id)
        assert served(sandbox, "/whitelabel/metrics") == 2
        sandbox.faults = FaultConfig()
        await client.whitelabel_metrics(sandbox.owner_org_id)
        sandbox.faults = FaultConfig(latency_ms=300)
        fetched = await client.whitelabel_metrics(sandbox.owner_org_id)
    assert fetched is not None and fetched.offline and isinstance(fetched.error, RequestTimeoutError)


async def test_no_credential_fails_before_any_request(sandbox: Sandbox, make_client: MakeClient) -> None:
    async with make_client(api_key=None, jwt_token=None) as client:
        with pytest.raises(AuthError) as info:
            await client.organizations()
    assert "no API key" in info.value.message and sandbox.total_requests() == 0


async def test_users_with_fields_parse_partial_rows(sandbox: Sandbox, make_client: MakeClient) -> None:
    async with make_client() as client:
        fetched = await client.whitelabel_users(sandbox.owner_org_id, limit=5, offset=0, fields="id,email")
    assert fetched is not None
    assert all(set(row) == {"id", "email"} for row in fetched.raw["users"])
    assert all(user.id and user.email and user.created is None for user in fetched.value.users)


def test_retry_after_parses_seconds_and_http_dates() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 100))
    assert 95 <= (parse_retry_after(future) or 0) <= 101
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


# ---------------------------------------------------------------- concurrency


async def test_identical_requests_in_flight_share_one(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.faults = FaultConfig(latency_ms=200)
    async with make_client(use_cache=False) as client:
        results = await asyncio.gather(*(client.organization_info(sandbox.owner_org_id) for _ in range(10)))
    assert served(sandbox, f"/api/organizations/{sandbox.owner_org_id}") == 1
    assert all(r is not None and r.raw == results[0].raw for r in results)  # type: ignore[union-attr]


async def test_in_flight_limit_holds(sandbox: Sandbox, make_client: MakeClient) -> None:
    """Server side: each request takes >= 100 ms, so with at most 5 in flight, no 90 ms window sees > 5 arrive."""
    sandbox.faults = FaultConfig(latency_ms=100)
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.monotonic(), sandbox.total_requests()))
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        async with make_client(use_cache=False, max_in_flight=5) as client:
            started = time.monotonic()
            await asyncio.gather(
                *(client.inner_organizations(sandbox.owner_org_id, limit=1, offset=o) for o in range(30))
            )
            elapsed = time.monotonic() - started
    finally:
        stop.set()
        sampler.join()
    assert served(sandbox, "/whitelabel/organizations") == 30
    assert client.stats.peak_in_flight == 5
    assert elapsed >= 0.55  # 6 waves of 100 ms; unlimited would take ~0.1 s
    arrivals_in_90ms = max(c2 - c1 for i, (t1, c1) in enumerate(samples) for t2, c2 in samples[i:] if t2 - t1 < 0.09)
    assert arrivals_in_90ms == 5  # the limit is used, and never exceeded


# ---------------------------------------------------------------- cache


async def test_second_read_comes_from_the_cache(sandbox: Sandbox, make_client: MakeClient) -> None:
    org = sandbox.owner_org_id
    async with make_client() as client:
        fresh = await client.organization_info(org)
        cached = await client.organization_info(org, source=Source.CACHE)
    assert fresh is not None and not fresh.from_cache and fresh.age_s == 0
    assert cached is not None and cached.from_cache and cached.raw == fresh.raw and cached.age_s < 5
    assert served(sandbox, f"/api/organizations/{org}") == 1


async def test_cache_source_miss_is_none(sandbox: Sandbox, make_client: MakeClient) -> None:
    async with make_client() as client:
        assert await client.whitelabel_info(sandbox.owner_org_id, source=Source.CACHE) is None
    assert sandbox.total_requests() == 0


async def test_cached_age_grows(sandbox: Sandbox, make_client: MakeClient, tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "aged")
    async with make_client(cache=cache) as client:
        await client.organizations()
    for path in cache.directory.rglob("*.json"):  # pretend it was fetched 12 minutes ago
        text = path.read_text()
        import json

        doc = json.loads(text)
        doc["fetched_at"] -= 720
        path.write_text(json.dumps(doc))
    async with make_client(cache=cache) as client:
        cached = await client.organizations(source=Source.CACHE)
    assert cached is not None and 719 < cached.age_s < 730


async def test_network_failure_falls_back_to_cache(sandbox: Sandbox, make_client: MakeClient) -> None:
    org = sandbox.owner_org_id
    async with make_client() as client:
        await client.organization_info(org)
        sandbox.faults = FaultConfig(drop_rate=1.0)
        fetched = await client.organization_info(org)
    assert fetched is not None and fetched.from_cache and fetched.offline
    assert isinstance(fetched.error, NetworkError)
    assert served(sandbox, f"/api/organizations/{org}") == 1 + FAST_RETRIES.max_attempts


async def test_unreachable_server_without_cache_raises_network_error(make_client: MakeClient) -> None:
    async with make_client(endpoint="http://127.0.0.1:9/v1") as client:
        with pytest.raises(NetworkError) as info:
            await client.organizations()
    assert "127.0.0.1:9" in info.value.message


async def test_offline_setting_never_touches_the_network(sandbox: Sandbox, make_client: MakeClient) -> None:
    org = sandbox.owner_org_id
    async with make_client() as client:
        await client.organization_info(org)
    sandbox.reset_counts()
    async with make_client(offline=True) as client:
        fetched = await client.organization_info(org)
        with pytest.raises(OfflineCacheMissError):
            await client.organization_projects(org)
    assert fetched is not None and fetched.from_cache and fetched.offline
    assert sandbox.total_requests() == 0


@pytest.mark.parametrize("status, error", [(401, AuthError), (403, ForbiddenError), (404, NotFoundError)])
async def test_cache_never_masks_auth_or_not_found(
    sandbox: Sandbox, make_client: MakeClient, status: int, error: type[ApiError]
) -> None:
    org = sandbox.owner_org_id
    async with make_client() as client:
        await client.organization_info(org)
        sandbox.fail_next(f"/api/organizations/{org}", [status])
        with pytest.raises(error):
            await client.organization_info(org)


async def test_credentials_do_not_share_cache(sandbox: Sandbox, make_client: MakeClient, tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "shared")
    async with make_client(cache=cache, jwt_token=None) as admin:
        await admin.organizations()
    async with make_client(cache=cache, api_key=sandbox.plain_key, jwt_token=None) as plain:
        assert await plain.organizations(source=Source.CACHE) is None
        mine = await plain.organizations()
    assert mine is not None and [o.id for o in mine.value.organizations] == [sandbox.plain_org_id]


async def test_cache_files_never_hold_the_key(sandbox: Sandbox, make_client: MakeClient, tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "grep")
    async with make_client(cache=cache) as client:
        await client.organizations()
        await client.organization_info(sandbox.owner_org_id)
        await client.inner_organizations(sandbox.owner_org_id, limit=5, offset=0)
    files = [p for p in cache.directory.rglob("*") if p.is_file()]
    assert len(files) == 3
    for path in files:
        content = path.read_bytes()
        assert sandbox.admin_key.encode() not in content and sandbox.jwt_token.encode() not in content
        assert sandbox.admin_key not in str(path)


# ---------------------------------------------------------------- paging


@pytest.mark.parametrize(
    "kind, page_size", [("inner_organizations", 100), ("whitelabel_users", 1000), ("whitelabel_projects", 1000)]
)
async def test_paging_returns_every_row_once(large_sandbox: Sandbox, tmp_path: Path, kind: str, page_size: int) -> None:
    settings = ClientSettings(endpoint=large_sandbox.url, api_key=large_sandbox.admin_key, retries=FAST_RETRIES)
    async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
        ids: list[int] = []
        totals: set[int] = set()
        offsets: list[int] = []
        async for page in client.pages(kind, large_sandbox.owner_org_id, page_size=page_size):
            ids += [row["id"] for row in page.raw_items]
            totals.add(page.total)
            offsets.append(page.offset)
        cached_ids: list[int] = []
        large_sandbox.reset_counts()
        async for page in client.pages(kind, large_sandbox.owner_org_id, page_size=page_size, source=Source.CACHE):
            assert page.from_cache
            cached_ids += [row["id"] for row in page.raw_items]
    (total,) = totals
    assert total > page_size and len(ids) == total and len(set(ids)) == total
    assert sorted(offsets) == list(range(0, total, page_size))
    assert sorted(cached_ids) == sorted(ids)
    assert large_sandbox.total_requests() == 0


async def test_paging_steps_by_what_a_capping_server_returns(sandbox: Sandbox, make_client: MakeClient) -> None:
    """If a server caps `limit` below the page size, no rows are skipped."""
    async with make_client(use_cache=False) as client:
        first = await client.inner_organizations(sandbox.owner_org_id, limit=1, offset=0)
        assert first is not None
        total = first.value.total
        ids: list[int] = []
        real = client.inner_organizations

        async def capped(org_id: int, *, limit: int, offset: int, **kw: Any) -> Any:
            return await real(org_id, limit=min(limit, 7), offset=offset, **kw)

        client.inner_organizations = capped  # type: ignore[method-assign]
        async for page in client.pages("inner_organizations", sandbox.owner_org_id, page_size=50):
            ids += [row.id for row in page.items]
    assert len(ids) == total and len(set(ids)) == total


async def test_a_404_from_an_endpoint_without_v1_hints_at_the_endpoint(sandbox: Sandbox, tmp_path: Path) -> None:
    bare = ClientSettings(endpoint=sandbox.url.removesuffix("/v1"), api_key=sandbox.admin_key)
    async with StudioClient(bare, DiskCache(tmp_path / "c")) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.organization_info(sandbox.owner_org_id)
    assert "/v1" in caught.value.hint and "endpoint" in caught.value.hint
    right = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    async with StudioClient(right, DiskCache(tmp_path / "c")) as client:
        with pytest.raises(NotFoundError) as missing:
            await client.organization_info(987654)
    assert "Check the id" in missing.value.hint
