"""Shared fixtures: one seeded sandbox per test session, served over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.app import EiscopeApp
from tui.sandbox.server import Sandbox
from tui.sandbox.world import DEFAULT_TODAY

DEMO_SEED = 7
# Every test world is dated DEFAULT_TODAY (not today), so golden bytes and snapshots do not change at midnight.


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """The demo-scale sandbox every test talks to; faults and counts are reset around each test."""
    with Sandbox(scale="demo", seed=DEMO_SEED, today=DEFAULT_TODAY) as running:
        yield running


@pytest.fixture(scope="session")
def large_sandbox() -> Iterator[Sandbox]:
    """The large world (1,000 inner orgs, 10,000 users and projects), for paging and scale checks."""
    with Sandbox(scale="large", seed=DEMO_SEED, today=DEFAULT_TODAY) as running:
        yield running


@pytest.fixture(autouse=True)
def _well_behaved_sandboxes(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with no faults and zero request counts on the sandboxes it uses."""
    used = [request.getfixturevalue(name) for name in ("sandbox", "large_sandbox") if name in request.fixturenames]
    for running in used:
        running.clear_faults()
        running.reset_counts()
    yield
    for running in used:
        running.clear_faults()


@pytest.fixture
def make_app(sandbox: Sandbox, tmp_path: Path) -> Callable[..., EiscopeApp]:
    """An EiscopeApp on the demo sandbox with its own empty disk cache (so each test starts cold), dated as the
    sandbox's world is (periods and ages are counted from DEFAULT_TODAY)."""

    def make(
        *, api_key: str | None = None, org_id: int | None = -1, cache_dir: Path | None = None, **settings: Any
    ) -> EiscopeApp:
        client_settings = ClientSettings(endpoint=sandbox.url, api_key=api_key or sandbox.admin_key, **settings)
        cache = DiskCache(cache_dir or tmp_path / "cache")
        org = sandbox.owner_org_id if org_id == -1 else org_id
        return EiscopeApp(client_settings, org_id=org, cache=cache, today=DEFAULT_TODAY)

    return make
