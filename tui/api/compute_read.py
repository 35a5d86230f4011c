"""Reading the jobs the Compute view and `eiscope export jobs|compute` sum (tui/api/compute.py defines the sums).

An organization's jobs come from `/jobs/all`, asked for the widest window the view can show (a year, or the
contract when it started earlier), whole days so that its cached pages are found again the same day. An inner
organization's job list takes no dates: every page is read and the periods are cut here. When the jobs do not
say which project they ran in, each of the inner organization's projects is asked for its own job list
(`project_jobs`), which attributes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tui.api.paging import Page
from tui.api.source import Source

if TYPE_CHECKING:
    from tui.api.client import StudioClient

__all__ = ["jobs_window", "project_jobs", "read_jobs"]

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
