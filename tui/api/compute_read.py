"""Reading the jobs the Compute view and `eiscope export jobs|compute` sum (tui/api/compute.py defines the sums).

An organization's jobs come from `/jobs/all`, asked for the widest window the view can show (a year, or the
contract when it started earlier), whole days so that its cached pages are found again the same day. An inner
organization's job list takes no dates: every page is read and the periods are cut here. When the jobs do not
say which project they ran in, each of the inner organization's projects is asked for its own job list
(`project_jobs`), which attributes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tui.api.compute import JobBook, Period
from tui.api.owned import owned_projects
from tui.api.paging import Page
from tui.api.row_marks import is_unreadable
from tui.api.source import Source

if TYPE_CHECKING:
    from tui.api.client import StudioClient

__all__ = ["attributions", "jobs_window", "load_book", "names_projects", "project_jobs", "read_jobs"]

PROJECTS_AT_ONCE = 4
"""Project job lists read together (each pages with the client's own in-flight limit)."""


def jobs_window(now: datetime, contract_since: datetime | None) -> tuple[datetime, datetime]:
    """[start, end] of the jobs asked of `/jobs/all`: whole days covering a year back and the contract."""
    start = now - timedelta(days=365)
    if contract_since is not None:
        start = min(start, contract_since)
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1) - timedelta(seconds=1)
    return day_start, day_end


async def read_jobs(
    client: StudioClient,
    org_id: int,
    inner_id: int | None,
    *,
    window: tuple[datetime, datetime],
    source: Source = Source.NETWORK,
) -> AsyncIterator[Page[Any]]:
    """Every page of the jobs: an inner organization's (all of them), or an organization's in `window`."""
    if inner_id is not None:
        async for page in client.pages("inner_organization_jobs", org_id, source=source, inner_id=inner_id):
            yield page
        return
    start, end = window
    async for page in client.pages("organization_jobs", org_id, source=source, start=start, end=end):
        yield page


async def project_jobs(
    client: StudioClient, org_id: int, project_ids: Sequence[int], *, source: Source = Source.NETWORK
) -> AsyncIterator[tuple[int, list[dict[str, Any]]]]:
    """(project id, its job rows) for each white-label project, a few projects at a time, as they complete."""
    queue: asyncio.Queue[tuple[int, list[dict[str, Any]]] | Exception | None] = asyncio.Queue()
    todo = list(project_ids)

    async def worker() -> None:
        while todo:
            project_id = todo.pop(0)
            rows: list[dict[str, Any]] = []
            async for page in client.pages("whitelabel_project_jobs", org_id, source=source, project_id=project_id):
                rows.extend(page.raw_items)
            await queue.put((project_id, rows))

    async def run_all() -> None:
        try:
            await asyncio.gather(*(worker() for _ in range(min(PROJECTS_AT_ONCE, len(todo)))))
        except Exception as error:  # handed to the reader, who raises it where the caller can catch it
            await queue.put(error)
            return
        await queue.put(None)

    runner = asyncio.ensure_future(run_all())
    try:
        while True:
            item = await queue.get()
            if item is None:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)


def names_projects(rows: Sequence[dict[str, Any]]) -> bool:
    """Whether any of these jobs says which project it ran in (`projectId`, at the top or in its metadata).

    A job of no project says nothing, so one job that does say is enough to trust the list; when none of a
    list's jobs does, the projects' own job lists are asked (`attributions`)."""
    return any(_says_project(row) for row in rows if isinstance(row.get("id"), int) and not is_unreadable(row))


def _says_project(row: dict[str, Any]) -> bool:
    metadata = row.get("metadata")
    return "projectId" in row or (isinstance(metadata, dict) and "projectId" in metadata)


async def attributions(
    client: StudioClient, org_id: int, inner_id: int, *, source: Source = Source.NETWORK
) -> AsyncIterator[tuple[int, list[dict[str, Any]], int, int]]:
    """(project id, its job rows, projects done, projects in all) for each project the inner org owns."""
    ids: list[int] = []
    async for owned in owned_projects(client, org_id, inner_id, source=source):
        ids += [row["id"] for row in owned.page.raw_items if isinstance(row.get("id"), int)]
    done = 0
    async for project_id, rows in project_jobs(client, org_id, ids, source=source):
        done += 1
        yield project_id, rows, done, len(ids)


async def project_names(client: StudioClient, org_id: int, inner_id: int | None) -> dict[int, str]:
    """Project id -> name: the inner organization's projects, or the organization's own."""
    rows: list[dict[str, Any]] = []
    if inner_id is not None:
        async for owned in owned_projects(client, org_id, inner_id):
            rows.extend(owned.page.raw_items)
    else:
        fetched = await client.organization_projects(org_id)
        rows = list(fetched.raw.get("projects") or []) if fetched is not None else []
    return {
        row["id"]: row["name"] for row in rows if isinstance(row.get("id"), int) and isinstance(row.get("name"), str)
    }


async def load_book(
    client: StudioClient,
    org_id: int,
    inner_id: int | None,
    *,
    now: datetime,
    period: Period | None = None,
    progress: Callable[[str], None] | None = None,
) -> JobBook:
    """Every job (of `period`, for an organization's dated list) read into a JobBook, projects named and
    attributed: what export and the benchmark sum. `progress` is told 'jobs: read 2,000 of 5,123'."""
    since = None
    if inner_id is None:
        metrics = await client.organization_metrics(org_id)
        since = metrics.value.metrics.jobs_compute_time_current_year_since if metrics is not None else None
    else:
        info = await client.inner_organization(org_id, inner_id)
        since = info.value.compute_time_current_contract_since if info is not None else None
    book = JobBook(now, since)
    book.project_names.update(await project_names(client, org_id, inner_id))
    window = jobs_window(now, since)
    if period is not None:
        window = (min(window[0], period.start), window[1])
    named = False
    async for page in read_jobs(client, org_id, inner_id, window=window):
        book.add(page.raw_items)
        named = named or names_projects(page.raw_items)
        if progress is not None:
            total = f" of {page.total:,}" if page.total is not None else ""
            progress(f"jobs: read {book.count + len(book.unreadable):,}{total}")
    if not named and book.count and inner_id is not None:
        async for project_id, rows, done, of in attributions(client, org_id, inner_id):
            book.add({**row, "projectId": project_id} for row in rows if row.get("id") not in book.jobs)
            book.attribute(project_id, [row["id"] for row in rows if isinstance(row.get("id"), int)])
            if progress is not None:
                progress(f"jobs: finding their projects, {done:,} of {of:,}")
    return book
