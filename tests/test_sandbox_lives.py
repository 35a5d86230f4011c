"""A sandbox that lives: the same seed dated a week later keeps every earlier day and adds the days between.

A look at ``--today D`` and another at ``D + 7`` agree on the history (daily records, the rows that were there)
and differ as a week of real use would: a user and a project arrive and one of each leaves, an inner
organization changes status, one has its compute limit raised, the metrics grow.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from tui.api.fleet import measure
from tui.sandbox.arrivals import PURGE_DAYS
from tui.sandbox.world import DEFAULT_TODAY, EPOCH, World, build_world

Body = dict[str, Any]
WEEK = timedelta(days=7)
# Every week day once (a week's events fall on set days), and dates months and years after the epoch.
DAYS = [EPOCH + timedelta(days=n) for n in (0, 1, 2, 3, 4, 5, 6, 45, 400, 1500)]
STABLE_USER_FIELDS = ("id", "username", "email", "name", "created", "from_evaluation", "tier")
STABLE_PROJECT_FIELDS = ("id", "name", "created", "owner", "ownerOrganizationId", "ownerUserId", "category", "tier")
STABLE_ORG_FIELDS = ("id", "name", "created", "logo", "domain", "whitelabelId", "billable")


def world(day: date) -> World:
    return build_world("demo", seed=7, today=day)


def by_id(rows: list[Body]) -> dict[int, Body]:
    return {row["id"]: row for row in rows}


def statuses(w: World) -> dict[int, str]:
    out = {}
    for org in w.inner_organizations:
        if not w.inner_organization_meta(org["id"])["deleted"]:
            info = w.inner_organization_info(org["id"]) or {}
            out[org["id"]] = measure(info["entitlementLimits"], info["dailyMetrics"]).status.value
    return out


def before(records: list[Body], day: date) -> list[Body]:
    return [r for r in records if r["date"][:10] < day.isoformat()]


def day_of(stamp: str) -> date:
    return date.fromisoformat(stamp[:10])


@pytest.mark.parametrize("day", [DAYS[0], DAYS[4], DAYS[7], DAYS[9]], ids=str)
def test_a_week_later_the_world_keeps_its_history(day: date) -> None:
    now, later = world(day), world(day + WEEK)
    # the daily records of every day they share are the same, to the byte
    for org in now.inner_organizations:
        then = (now.inner_organization_info(org["id"]) or {})["dailyMetrics"]
        after = (later.inner_organization_info(org["id"]) or {})["dailyMetrics"]
        assert json.dumps(then[7:]) == json.dumps(before(after, day)), org["name"]
    assert json.dumps(now.whitelabel_metrics()["dailyMetrics"][7:]) == json.dumps(
        before(later.whitelabel_metrics()["dailyMetrics"], day)
    )
    for user in now.whitelabel_users[::5]:
        again = later.whitelabel_user(user["id"])
        if again is not None:  # (not gone from the lists in the meantime)
            assert (now.whitelabel_user(user["id"]) or {})["dailyMetrics"][7:] == before(again["dailyMetrics"], day)
    # every row that was there is still there (unless it left long enough ago to be gone), unchanged in its past
    for rows, fields in (
        ((now.whitelabel_users, later.whitelabel_users), STABLE_USER_FIELDS),
        ((now.whitelabel_projects, later.whitelabel_projects), STABLE_PROJECT_FIELDS),
        ((now.inner_organizations, later.inner_organizations), STABLE_ORG_FIELDS),
    ):
        kept = by_id(rows[1])
        for row in rows[0]:
            gone = row.get("deletedDate")
            if gone and day_of(gone) + timedelta(days=PURGE_DAYS) < day + WEEK:
                continue  # purged from the lists in the meantime
            again = kept[row["id"]]
            assert {f: row.get(f) for f in fields} == {f: again.get(f) for f in fields}
            if gone:
                assert again["deletedDate"] == gone
            for moving in ("lastSeen", "lastAccessed"):  # the present only moves forward
                if moving in row:
                    assert again[moving] >= row[moving]
    # the jobs of the days both keep (a year's worth) are the same jobs
    inner = now.biggest_inner_org_id
    kept_days = range((day + WEEK).toordinal() - 365, day.toordinal() - 1)
    old = [now.job_body(j) for j in now.inner_organization_jobs(inner) or [] if j.day in kept_days]
    new = [later.job_body(j) for j in later.inner_organization_jobs(inner) or [] if j.day in kept_days]
    assert old and old == new


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_a_week_later_the_demo_world_has_moved(day: date) -> None:
    now, later = world(day), world(day + WEEK)
    users_now, users_later = by_id(now.whitelabel_users), by_id(later.whitelabel_users)
    assert set(users_later) - set(users_now), "a user arrives"
    assert any(
        "deletedDate" in u and "deletedDate" not in users_now.get(i, {"deletedDate": ""})
        for i, u in users_later.items()
    ), "a user leaves"
    projects_now, projects_later = by_id(now.whitelabel_projects), by_id(later.whitelabel_projects)
    assert set(projects_later) - set(projects_now), "a project arrives"
    assert any(
        "deletedDate" in p and "deletedDate" not in projects_now.get(i, {"deletedDate": ""})
        for i, p in projects_later.items()
    ), "a project is deleted"
    then, after = statuses(now), statuses(later)
    assert any(then[org] != after[org] for org in then), "an inner organization changes status"
    limits_now = {o["id"]: o["entitlementLimits"]["computeTimePerYear"] for o in now.inner_organizations}
    raised = [
        o["id"] for o in later.inner_organizations if o["entitlementLimits"]["computeTimePerYear"] > limits_now[o["id"]]
    ]
    assert raised, "an inner organization's compute limit is raised"
    for org in later.inner_organizations:  # what the list says is what the organization's info says
        assert (later.inner_organization_info(org["id"]) or {})["entitlementLimits"] == org["entitlementLimits"]
    last = later.whitelabel_metrics()["dailyMetrics"]
    assert day_of(last[-1]["date"]) == day + WEEK - timedelta(days=1)
    assert sum(r["computeTimeSeconds"] for r in last[-7:]) > 0  # the new days were used


def test_the_same_day_gives_the_same_bytes_long_after_the_epoch() -> None:
    day = EPOCH + timedelta(days=777)
    one, two = world(day), world(day)
    inner = one.inner_organizations[3]["id"]
    assert json.dumps(one.whitelabel_users) == json.dumps(two.whitelabel_users)
    assert json.dumps(one.inner_organization_info(inner)) == json.dumps(two.inner_organization_info(inner))
    assert json.dumps(one.whitelabel_metrics()) == json.dumps(two.whitelabel_metrics())


def test_a_world_cannot_be_dated_before_its_epoch() -> None:
    with pytest.raises(ValueError, match=EPOCH.isoformat()):
        world(EPOCH - timedelta(days=1))
    assert DEFAULT_TODAY == EPOCH  # the tests' pinned day is the world's first


def test_the_demo_keeps_a_mix_of_statuses_as_it_lives() -> None:
    for day in (EPOCH, EPOCH + timedelta(days=100), EPOCH + timedelta(days=900)):
        counts = list(statuses(world(day)).values())
        assert counts.count("ok") >= 2 and counts.count("over") + counts.count("at") + counts.count("near") >= 3, day
