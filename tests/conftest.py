"""Shared fixtures: one seeded sandbox per test session, served over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tui.sandbox.server import Sandbox

DEMO_SEED = 7


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """The demo-scale sandbox every test talks to; faults and counts are reset around each test."""
    with Sandbox(scale="demo", seed=DEMO_SEED) as running:
        yield running


@pytest.fixture(scope="session")
def large_sandbox() -> Iterator[Sandbox]:
    """The large world (1,000 inner orgs, 10,000 users and projects), for paging and scale checks."""
    with Sandbox(scale="large", seed=DEMO_SEED) as running:
        yield running


@pytest.fixture(autouse=True)
def _well_behaved_sandboxes(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with no faults and zero request counts on the sandboxes it uses."""
    used = [
        request.getfixturevalue(name) for name in ("sandbox", "large_sandbox") if name in request.fixturenames
    ]
    for running in used:
        running.clear_faults()
        running.reset_counts()
    yield
    for running in used:
        running.clear_faults()
