"""Reading a whole fleet: every inner organization of a white label and its health, as they arrive.

Shared by the Fleet tab (a worker posts what this yields) and `eiscope export fleet`. The list comes first (its
pages, the same requests and cache entries as the Inner orgs tab), then each organization's info with a few
workers more than the client's in-flight limit: memory stays bounded with 5,000 organizations, and results
stream in completion order. An organization whose info fails is an entry with status unknown and the error,
never a failed fleet.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError
from tui.api.fleet import OrgHealth
from tui.api.paging import PAGE_SIZE
from tui.api.source import Source

if TYPE_CHECKING:  # the client pulls in the models (~0.2 s): a screen importing this module need not
    from tui.api.client import StudioClient

__all__ = ["FleetEntry", "fleet_batches", "fleet_health", "fleet_rows"]


@dataclass
class FleetEntry:
    """One inner organization of the fleet: its list row (name, limits…) and its health."""

    row: dict[str, Any]
    health: OrgHealth
    from_cache: bool = False
    age_s: float = 0.0
    offline: bool = False

    @property
    def inner_id(self) -> int:
        return int(self.row["id"])

    @property
    def name(self) -> str | None:
        name = self.row.get("name")
        return str(name) if name is not None else None


@dataclass
class FleetRows:
    """The inner organizations' list rows, and where they came from."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    from_cache: bool = False
    age_s: float = 0.0


async def fleet_rows(client: StudioClient, org_id: int, *, source: Source = Source.NETWORK) -> FleetRows:
    """Every inner organization's list row (raises the list's ApiError: without a list there is no fleet)."""
    found = FleetRows()
    async for page in client.pages("inner_organizations", org_id, page_size=PAGE_SIZE, source=source):
        found.rows.extend(row for row in page.raw_items if isinstance(row, dict) and isinstance(row.get("id"), int))
        if page.from_cache:
            found.from_cache = True
            found.age_s = max(found.age_s, page.age_s or 0.0)
    return found


async def _one(client: StudioClient, org_id: int, row: dict[str, Any], source: Source) -> FleetEntry | None:
    """One organization's entry; a failure is an entry too (None: not cached, on a cache-only pass)."""
    try:
        fetched = await client.inner_organization_health(org_id, int(row["id"]), source=source)
    except ApiError as error:
        return FleetEntry(row, OrgHealth.failed(error.message))
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a bug must cost one row, not the fleet; its type only, never its text
        return FleetEntry(row, OrgHealth.failed(f"unexpected error ({type(error).__name__})"))
    if fetched is None:
        return None
    return FleetEntry(row, fetched.value, fetched.from_cache, fetched.age_s, fetched.offline)


async def fleet_health(
    client: StudioClient,
    org_id: int,
    rows: list[dict[str, Any]],
    *,
    source: Source = Source.NETWORK,
    workers: int | None = None,
) -> AsyncIterator[FleetEntry | None]:
    """Each row's entry in completion order (None for a row with nothing cached on a cache-only pass).

    `workers` (default: twice the in-flight limit) bounds what is started at once.
    """
    count = workers or 2 * max(1, client.settings.max_in_flight)
    todo: Iterator[dict[str, Any]] = iter(rows)
    queue: asyncio.Queue[FleetEntry | None] = asyncio.Queue()

    async def work() -> None:
        for row in todo:  # the workers share one iterator: each takes the next row
            queue.put_nowait(await _one(client, org_id, row, source))

    tasks = [asyncio.ensure_future(work()) for _ in range(min(count, len(rows)))]
    try:
        for _ in range(len(rows)):
            yield await queue.get()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def fleet_batches(
    client: StudioClient,
    org_id: int,
    rows: list[dict[str, Any]],
    *,
    source: Source = Source.NETWORK,
    every_s: float = 0.1,
) -> AsyncIterator[tuple[list[FleetEntry], int]]:
    """The entries in batches of about `every_s` seconds, each with how many rows are done so far.

    A screen posts one message per batch rather than one per organization: 5,000 rows in ~60 messages.
    """
    batch: list[FleetEntry] = []
    done = 0
    last = time.monotonic()
    async for entry in fleet_health(client, org_id, rows, source=source):
        done += 1
        if entry is not None:
            batch.append(entry)
        now = time.monotonic()
        if now - last >= every_s:
            yield batch, done
            batch, last = [], now
    yield batch, done
