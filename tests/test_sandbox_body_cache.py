"""Encoded answers are built once, kept within a byte budget, and equal to freshly built ones."""

from __future__ import annotations

import gzip
import json

import httpx

from tui.sandbox.api import Api
from tui.sandbox.body_cache import BodyCache
from tui.sandbox.server import Sandbox
from tui.sandbox.world import DEFAULT_TODAY, build_world


def test_a_body_is_built_once_then_served_from_the_cache() -> None:
    cache = BodyCache()
    calls = []

    def build() -> dict[str, object]:
        calls.append(1)
        return {"success": True, "name": "東京"}

    first = cache.get_or_build("k", build)
    second = cache.get_or_build("k", build)
    assert first is second and len(calls) == 1
    assert json.loads(first.plain()) == json.loads(gzip.decompress(first.gzipped)) == {"success": True, "name": "東京"}


def test_the_cache_stays_within_its_budget() -> None:
    cache = BodyCache(budget_bytes=2_000)

    def body(i: int) -> dict[str, object]:
        return {"n": i, "noise": [i * 7919 % 1000 + j for j in range(40)]}

    for i in range(200):
        cache.get_or_build(i, lambda: body(i))  # noqa: B023 (built at once, in this iteration)
    assert 0 < cache.size_bytes <= 2_000 and len(cache) < 200


def test_prebuilt_answers_equal_the_ones_built_on_request(sandbox: Sandbox) -> None:
    api = Api(build_world("demo", seed=7, today=DEFAULT_TODAY))
    built = api.prebuild_inner_organizations()
    live = [o for o in api.world.inner_organizations if not api.world.inner_organization_meta(o["id"])["deleted"]]
    assert built == len(live) == len(api.body_cache) == 11
    headers = {"x-api-key": sandbox.admin_key}
    for org in live[:3]:
        path = f"/v1/api/organizations/{sandbox.owner_org_id}/whitelabel/organizations/{org['id']}"
        served = httpx.get(sandbox.url.removesuffix("/v1") + path, headers=headers).json()
        cached = api.answer(path, {}, headers)
        assert not isinstance(cached, dict) and json.loads(cached.plain()) == served
