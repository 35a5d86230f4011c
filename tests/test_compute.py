"""Jobs, compute and access, against the sandbox over HTTP: every new body under the SDK's models and ours, the
sums against jobs summed by hand, and what the client does when the real API differs from the sandbox's
manners (a bad row, a refused page size, an owner filter ignored or refused)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tui.api import models as m
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, Source, StudioClient
from tui.api.compute import NO_PROJECT, PERIOD_DAYS, JobBook, make_period
from tui.api.compute_read import load_book
from tui.api.row_marks import UnreadableRow
from tui.sandbox.server import Sandbox
from tui.sandbox.world import DEFAULT_TODAY, World, build_world

from .test_client import FAST_RETRIES, sdk_models

NOW = datetime(DEFAULT_TODAY.year, DEFAULT_TODAY.month, DEFAULT_TODAY.day, tzinfo=UTC)
"""The app's now in a world dated DEFAULT_TODAY: nothing happens on or after it."""


@pytest.fixture(scope="module")
def huge_world() -> World:
    return build_world("huge", seed=7, today=DEFAULT_TODAY)


def client_for(sb: Sandbox, tmp_path: Path, **overrides: Any) -> StudioClient:
    values: dict[str, Any] = {"endpoint": sb.url, "api_key": sb.admin_key, "retries": FAST_RETRIES}
    values.update(overrides)
    return StudioClient(ClientSettings(**values), DiskCache(tmp_path / "cache"))


def raw_get(sb: Sandbox, path: str, *, jwt: bool = False, key: str | None = None, **params: Any) -> dict[str, Any]:
    """A body straight from the sandbox (not through eiscope's client), as the SDK would receive it."""
    headers = {"x-jwt-token": sb.jwt_token} if jwt else {"x-api-key": key or sb.admin_key}
    response = httpx.get(f"{sb.url}{path}", params=params, headers=headers, timeout=30)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def every_job(sb: Sandbox, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every job of a list, paged by hand in fixed steps of 500 (no eiscope code involved)."""
    jobs: list[dict[str, Any]] = []
    while True:
        page = raw_get(sb, path, limit=500, offset=len(jobs), **params)
        jobs += page["jobs"]
        if len(page["jobs"]) < 500:
            return jobs


# ---------------------------------------------------------------- every new body: the SDK's models and ours


@pytest.mark.parametrize("scale", ["sandbox", "large_sandbox"])
async def test_every_new_body_is_valid_for_the_sdk_and_parses_in_eiscope(
    scale: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    sb: Sandbox = request.getfixturevalue(scale)
    sdk = sdk_models("list_jobs_response", "organization_metrics_response", "list_organization_api_keys_response")
    org = sb.owner_org_id
    inner = sb.world.inner_organizations[0]["id"]
    jobs_path = f"/api/organizations/{org}/whitelabel/organizations/{inner}/jobs"
    first = raw_get(sb, jobs_path, limit=200)
    project = next(job["metadata"]["projectId"] for job in first["jobs"] if "projectId" in job.get("metadata", {}))
    user = next(job["createdByUser"]["id"] for job in first["jobs"] if job.get("createdByUser"))
    bodies = {
        "org jobs": raw_get(sb, f"/api/organizations/{org}/jobs/all", limit=200),
        "inner org jobs": first,
        "project jobs": raw_get(sb, f"/api/organizations/{org}/whitelabel/projects/{project}/jobs", limit=200),
        "user jobs": raw_get(sb, f"/api/organizations/{org}/whitelabel/users/{user}/jobs", limit=200),
    }
    for name, body in bodies.items():
        sdk["list_jobs_response"].ListJobsResponse.parse_obj(body)
        page = m.JobsPage.model_validate(body)
        assert page.jobs and not any(isinstance(job, UnreadableRow) for job in page.jobs), name
        assert page.total_job_count >= len(page.jobs)
    for org_id, key in ((org, sb.admin_key), (sb.plain_org_id, sb.plain_key)):
        metrics = raw_get(sb, f"/api/organizations/{org_id}/metrics", key=key)
        sdk["organization_metrics_response"].OrganizationMetricsResponse.parse_obj(metrics)
        assert m.OrganizationMetricsResponse.model_validate(metrics).metrics.user_count > 0
    keys = raw_get(sb, f"/api/organizations/{org}/apikeys", jwt=True)
    sdk["list_organization_api_keys_response"].ListOrganizationApiKeysResponse.parse_obj(keys)
    async with client_for(sb, tmp_path, jwt_token=sb.jwt_token) as client:
        fetched = await client.organization_api_keys(org)
        metrics_fetched = await client.organization_metrics(org)
        jobs_fetched = await client.inner_organization_jobs(org, inner, limit=50, offset=0)
    assert fetched is not None and metrics_fetched is not None and jobs_fetched is not None
    assert len(fetched.value.api_keys) == len(keys["apiKeys"])
    assert not any(isinstance(key, UnreadableRow) for key in fetched.value.api_keys)
    assert all("apiKey" not in row for row in fetched.raw["apiKeys"])  # the keys themselves are never kept
    assert jobs_fetched.raw["jobs"] == first["jobs"][:50]


def test_the_huge_worlds_new_bodies_parse_in_eiscope(huge_world: World) -> None:
    """Sampled in process, as the sandbox's own tests sample it for the SDK: the biggest inner org's newest jobs,
    both organizations' metrics, keys and newest jobs."""
    world = huge_world
    jobs = (world.inner_organization_jobs(world.biggest_inner_org_id) or [])[:500]
    bodies = [{"success": True, "jobs": [world.job_body(job) for job in jobs], "totalJobCount": len(jobs)}]
    for org in (world.owner_org_id, world.plain_org_id):
        newest = (world.organization_jobs(org) or [])[:200]
        bodies.append({"success": True, "jobs": [world.job_body(job) for job in newest], "totalJobCount": 1})
        metrics = m.OrganizationMetricsResponse.model_validate(
            {"success": True, "metrics": world.organization_metrics(org)}
        )
        assert metrics.metrics.project_count > 0
        keys = m.ApiKeysResponse.model_validate({"success": True, "apiKeys": world.api_keys(org)})
        assert keys.api_keys and not any(isinstance(key, UnreadableRow) for key in keys.api_keys)
    for body in bodies:
        page = m.JobsPage.model_validate(body)
        assert page.jobs and not any(isinstance(job, UnreadableRow) for job in page.jobs)


async def test_the_api_keys_never_reach_the_cache(sandbox: Sandbox, tmp_path: Path) -> None:
    body = raw_get(sandbox, f"/api/organizations/{sandbox.owner_org_id}/apikeys", jwt=True)
    secrets = [row["apiKey"] for row in body["apiKeys"]]
    async with client_for(sandbox, tmp_path, jwt_token=sandbox.jwt_token) as client:
        await client.organization_api_keys(sandbox.owner_org_id)
        cached = await client.organization_api_keys(sandbox.owner_org_id, source=Source.CACHE)
    assert cached is not None and len(cached.value.api_keys) == len(secrets)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert secrets and not any(secret.encode() in stored for secret in secrets)


# ---------------------------------------------------------------- the sums


async def test_compute_by_project_matches_jobs_summed_by_hand(sandbox: Sandbox, tmp_path: Path) -> None:
    org = sandbox.owner_org_id
    inner = sandbox.world.biggest_inner_org_id
    jobs = every_job(sandbox, f"/api/organizations/{org}/whitelabel/organizations/{inner}/jobs")
    async with client_for(sandbox, tmp_path) as client:
        book = await load_book(client, org, inner, now=NOW)
    for days in PERIOD_DAYS:
        period = book.period(days)
        by_hand: dict[Any, float] = defaultdict(float)
        count: dict[Any, int] = defaultdict(int)
        for job in jobs:
            created = datetime.fromisoformat(job["created"].replace("Z", "+00:00"))
            if period.start <= created < period.end:
                project = job.get("metadata", {}).get("projectId")
                by_hand[project] += job.get("computeTime") or 0
                count[project] += 1
        shares = book.breakdown(days, "project")
        assert {share.key: round(share.sums.compute_s, 3) for share in shares} == {
            key: round(value, 3) for key, value in by_hand.items()
        }
        assert {share.key: share.sums.jobs for share in shares} == dict(count)
        assert [share.sums.compute_s for share in shares] == sorted(by_hand.values(), reverse=True)
        assert book.tally(days).total.jobs == sum(count.values()) > 0


async def test_a_periods_jobs_add_up_to_the_daily_metrics(sandbox: Sandbox, tmp_path: Path) -> None:
    """Whole days: the jobs created in the last 30 days used what the 30 daily records say (CPU + GPU)."""
    org, inner = sandbox.owner_org_id, sandbox.world.inner_organizations[1]["id"]
    async with client_for(sandbox, tmp_path) as client:
        book = await load_book(client, org, inner, now=NOW)
        info = await client.inner_organization(org, inner)
    assert info is not None and info.value.daily_metrics
    period = make_period(30, NOW)
    records = [r for r in info.value.daily_metrics if period.holds(r.date)]
    assert len(records) == 30
    expected = sum(r.cpu_compute_time_seconds + r.gpu_compute_time_seconds for r in records)
    assert book.tally(30).total.compute_s == pytest.approx(expected)
    assert book.tally(30).total.gpu_s == pytest.approx(sum(r.gpu_compute_time_seconds for r in records))


async def test_jobs_without_a_project_are_attributed_by_the_projects_own_lists(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A server whose jobs do not name their project: each project's job list says which are its. A project
    deleted since (the living world deletes some) has no list left: its jobs stay of no project."""
    org, inner = sandbox.owner_org_id, sandbox.world.inner_organizations[0]["id"]
    jobs = every_job(sandbox, f"/api/organizations/{org}/whitelabel/organizations/{inner}/jobs")
    listed = {
        row["id"] for row in raw_get(sandbox, f"/api/organizations/{org}/whitelabel/projects", limit=10_000)["projects"]
    }
    async with client_for(sandbox, tmp_path) as client:
        real = client.inner_organization_jobs

        async def unnamed(*args: Any, **kwargs: Any) -> Any:
            fetched = await real(*args, **kwargs)
            for row in fetched.raw["jobs"] if fetched is not None else []:
                row.get("metadata", {}).pop("projectId", None)
            return fetched

        client.inner_organization_jobs = unnamed  # type: ignore[method-assign]
        book = await load_book(client, org, inner, now=NOW)
    named = {job["id"]: job.get("metadata", {}).get("projectId") for job in jobs}
    expected = {job_id: project if project in listed else None for job_id, project in named.items()}
    assert any(project is not None and project not in listed for project in named.values())  # some were deleted
    assert {job_id: job.project_id for job_id, job in book.jobs.items()} == expected
    assert len({share.label for share in book.breakdown(365, "project")} - {NO_PROJECT}) > 1  # projects by name


def test_a_job_seen_twice_counts_once_and_a_moved_job_moves_its_compute() -> None:
    book = JobBook(NOW)
    job = {
        "id": 1,
        "category": "Training model",
        "created": "2026-11-20T10:00:00Z",
        "started": "2026-11-20T10:01:00Z",
        "finished": "2026-11-20T10:31:00Z",
        "finishedSuccessful": False,
        "computeTime": 1800,
        "metadata": {"computeType": "gpu"},
    }
    book.add([job, dict(job)])
    assert book.tally(30).total.jobs == 1 and book.tally(30).total.failed == 1
    assert book.tally(30).total.contract_s == 3 * 1800
    book.attribute(7, [1])
    (share,) = book.breakdown(30, "project")
    assert (share.key, share.sums.compute_s, share.label) == (7, 1800, "Project 7")
    assert book.job_rows(30)[0]["durationSeconds"] == 1800 and book.job_rows(30)[0]["result"] == "failed"
    assert book.breakdown(30, "user")[0].label == "(no user)"


async def test_an_organizations_jobs_are_asked_for_the_widest_period_in_whole_days(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    org = sandbox.owner_org_id
    async with client_for(sandbox, tmp_path) as client:
        book = await load_book(client, org, None, now=NOW)
    jobs = every_job(sandbox, f"/api/organizations/{org}/jobs/all")
    year_ago = NOW - timedelta(days=365)
    in_year = [j for j in jobs if datetime.fromisoformat(j["created"].replace("Z", "+00:00")) >= year_ago]
    assert book.tally(365).total.jobs == len(in_year) > 0
    assert book.tally(365).total.compute_s == pytest.approx(sum(j.get("computeTime") or 0 for j in in_year))
    served = [p for p in sandbox.request_counts() if p.endswith("/jobs/all")]
    assert served


# ---------------------------------------------------------------- the organization picker: JWT and key


async def test_with_a_jwt_and_a_key_the_picker_lists_every_organization_of_the_user(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    from tui.app import EiscopeApp

    from .test_app_browse import pane, settle

    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key, jwt_token=sandbox.jwt_token)
    app = EiscopeApp(settings, cache=DiskCache(tmp_path / "cache"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = pane(app, "orgs-list").table.store.rows
    assert sorted(row["id"] for row in rows) == sorted(o["id"] for o in sandbox.world.organizations_for_jwt())
    assert {sandbox.owner_org_id, sandbox.plain_org_id} <= {row["id"] for row in rows}
