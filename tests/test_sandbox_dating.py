"""The sandbox world is dated: metrics end the day before `today`, details agree with the dates, any later day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from tests.test_sandbox_world import check_daily_series, validate_every_body
from tui.sandbox.server import Sandbox
from tui.sandbox.world import DEFAULT_TODAY, World, build_world

ANOTHER_DAY = date(2031, 3, 1)  # a different weekday and a leap-free February behind it


@pytest.fixture(scope="module")
def moved() -> World:
    return build_world("demo", seed=7, today=ANOTHER_DAY)


def test_metrics_end_the_day_before_today(moved: World) -> None:
    check_daily_series(moved.whitelabel_metrics()["dailyMetrics"], ANOTHER_DAY)
    for org in moved.inner_organizations[:4]:
        check_daily_series((moved.inner_organization_info(org["id"]) or {})["dailyMetrics"], ANOTHER_DAY)
    for user in moved.whitelabel_users[:4]:
        check_daily_series((moved.whitelabel_user(user["id"]) or {})["dailyMetrics"], ANOTHER_DAY)


def test_every_body_validates_at_another_date(moved: World) -> None:
    validate_every_body(moved)


def test_the_default_date_is_today_in_utc() -> None:
    before = datetime.now(UTC).date()
    world = build_world("demo", seed=7)
    assert world.today in (before, datetime.now(UTC).date())
    last = world.whitelabel_metrics()["dailyMetrics"][-1]["date"]
    assert date.fromisoformat(last[:10]) == world.today - timedelta(days=1)


# -- details an admin notices ---------------------------------------------------------------------------------


@pytest.mark.parametrize("today", [DEFAULT_TODAY, ANOTHER_DAY])
def test_no_logins_in_the_last_30_days_when_last_seen_before_them(today: date) -> None:
    world = build_world("demo", seed=7, today=today)
    stale = recent = 0
    for user in world.whitelabel_users:
        metrics = world.whitelabel_user_metrics(user["id"]) or {}
        if "lastSeen" not in user:
            assert metrics["logins30d"] == 0 and sum(metrics["loginsPerWeek"]) == 0
            continue
        idle_days = (today - date.fromisoformat(user["lastSeen"][:10])).days
        if idle_days > 30:
            stale += 1
            assert metrics["logins30d"] == 0, user["id"]
        else:
            recent += 1
            assert metrics["logins30d"] >= 1, user["id"]
        weeks_after_last_visit = min(idle_days // 7, len(metrics["loginsPerWeek"]))
        if weeks_after_last_visit:
            assert metrics["loginsPerWeek"][-weeks_after_last_visit:] == [0] * weeks_after_last_visit
        assert metrics["loginCount"] >= sum(metrics["loginsPerWeek"])
    assert stale and recent


def test_only_a_developer_profile_project_has_an_owner_among_its_collaborators() -> None:
    world = build_world("demo", seed=7, today=DEFAULT_TODAY)
    projects = [world.whitelabel_project(p["id"]) or {} for p in world.whitelabel_projects]
    projects += world.current_user()["projects"]
    assert any(p["ownerIsDeveloperProfile"] for p in projects)
    for project in projects:
        owners = [c["id"] for c in project["collaborators"] if c["isOwner"]]
        if project["ownerIsDeveloperProfile"]:
            assert owners == [project["ownerUserId"]]
        else:
            assert "ownerOrganizationId" in project and owners == []


# -- the running sandbox ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moved_sandbox() -> Iterator[Sandbox]:
    with Sandbox(scale="demo", seed=7, today=ANOTHER_DAY) as running:
        yield running


def test_a_sandbox_dated_another_day_serves_that_day(moved_sandbox: Sandbox) -> None:
    url = f"{moved_sandbox.url}/api/organizations/{moved_sandbox.owner_org_id}/whitelabel/metrics"
    body = httpx.get(url, headers={"x-api-key": moved_sandbox.admin_key}).json()
    assert body["metrics"]["dailyMetrics"][-1]["date"] == "2031-02-28T00:00:00Z"
