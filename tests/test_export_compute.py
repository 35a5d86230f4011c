"""`eiscope export jobs|compute|apikeys`: the same numbers as the Compute and Access views, for scripts."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from tui.config import ResolvedSettings
from tui.export_spec import EXIT_AUTH, EXIT_OK
from tui.periods import parse_since
from tui.sandbox.server import Sandbox

from .test_cli import eiscope, script_env
from .test_export import export

SINCE = "2026-10-26"


@pytest.fixture
def settings(sandbox: Sandbox, tmp_path: Path) -> ResolvedSettings:
    return ResolvedSettings(
        endpoint=sandbox.url, api_key=sandbox.admin_key, org_id=sandbox.owner_org_id, cache_dir=tmp_path / "cache"
    )


def jobs_since(sandbox: Sandbox, inner: int, since: str) -> list[dict[str, Any]]:
    """An inner organization's jobs created since a date, read and cut by hand."""
    path = f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}/whitelabel/organizations/{inner}/jobs"
    jobs: list[dict[str, Any]] = []
    while True:
        page = httpx.get(path, params={"limit": 500, "offset": len(jobs)}, headers={"x-api-key": sandbox.admin_key})
        rows = page.json()["jobs"]
        jobs += rows
        if len(rows) < 500:
            break
    return [job for job in jobs if job["created"] >= f"{since}T00:00:00Z"]


def inner_id(sandbox: Sandbox) -> int:
    return int(sandbox.world.inner_organizations[2]["id"])


def test_jobs_of_an_inner_org_since_a_date_newest_first(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    inner = inner_id(sandbox)
    code, out, err = export(settings, "jobs", target_id=inner, since=parse_since(SINCE))
    assert (code, err) == (EXIT_OK, "")
    rows = json.loads(out)
    expected = jobs_since(sandbox, inner, SINCE)
    assert [row["id"] for row in rows] == [job["id"] for job in sorted(expected, key=lambda j: j["created"])][::-1]
    assert all(row["projectName"] == row["metadata"].get("projectName") for row in rows if row["projectId"])
    assert {row["result"] for row in rows} <= {"ok", "failed", "running", "queued"}


@pytest.mark.parametrize("by", ["project", "user", "category"])
def test_compute_by_project_user_or_category_adds_up_the_jobs(
    sandbox: Sandbox, settings: ResolvedSettings, by: str
) -> None:
    inner = inner_id(sandbox)
    code, out, _ = export(settings, "compute", "csv", target_id=inner, since=parse_since(SINCE), by=by)
    assert code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(out)))
    by_hand: dict[str, float] = defaultdict(float)
    for job in jobs_since(sandbox, inner, SINCE):
        key = {
            "project": str(job.get("metadata", {}).get("projectId", "")),
            "user": str((job.get("createdByUser") or {}).get("id", "")),
            "category": job["category"],
        }[by]
        by_hand[key] += job.get("computeTime") or 0
    got = {(row["name"] if by == "category" else row["id"]): float(row["computeSeconds"]) for row in rows}
    assert got == pytest.approx(dict(by_hand))
    seconds = [float(row["computeSeconds"]) for row in rows]
    assert seconds == sorted(seconds, reverse=True)
    assert sum(float(row["share"]) for row in rows) == pytest.approx(100, abs=0.05)


def test_a_projects_own_jobs(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    inner = inner_id(sandbox)
    project = next(
        job["metadata"]["projectId"] for job in jobs_since(sandbox, inner, SINCE) if "projectId" in job["metadata"]
    )
    code, out, _ = export(settings, "jobs", project_id=project, since=parse_since(SINCE))
    rows = json.loads(out)
    assert code == EXIT_OK and rows and {row["projectId"] for row in rows} == {project}


def test_apikeys_need_a_jwt_and_never_hold_a_key(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    code, out, err = export(settings, "apikeys")
    assert (code, out) == (EXIT_AUTH, "") and "JWT" in err
    code, out, err = export(replace(settings, jwt_token=sandbox.jwt_token), "apikeys", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK and rows and all("apiKey" not in row for row in rows)
    assert any("never used" in row["marks"] for row in rows) and any(row["marks"] == "" for row in rows)


def test_a_row_that_cannot_be_read_is_skipped_with_a_count_on_stderr(
    sandbox: Sandbox, settings: ResolvedSettings
) -> None:
    row = sandbox.world.inner_organizations[1]
    original = dict(row)
    del row["created"]
    try:
        code, out, err = export(settings, "inner-orgs")
    finally:
        row.clear()
        row.update(original)
    ids = [r["id"] for r in json.loads(out)]
    assert code == EXIT_OK and row["id"] not in ids and len(ids) > 1
    assert (
        err == f"eiscope: skipped 1 unreadable row of inner-orgs (the first: id {row['id']}: created: Field required)\n"
    )


def test_the_command_line_takes_since_and_by(sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(sandbox, tmp_path)
    inner = str(inner_id(sandbox))
    done = eiscope("export", "compute", inner, "--by", "category", "--since", SINCE, "--format", "jsonl", env=env)
    assert done.returncode == 0, done.stderr
    assert {json.loads(line)["name"] for line in done.stdout.splitlines()} >= {"Training model"}
    bad = eiscope("export", "compute", "--since", "yesterday", env=env)
    assert bad.returncode == 2 and "--since" in bad.stderr
    both = eiscope("export", "compute", "--project", "5", env=env)
    assert both.returncode == 2 and "--project" in both.stderr
