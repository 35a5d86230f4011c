"""Reading a whole fleet: every inner organization of a white label and its health, as they arrive.

Shared by the Fleet tab (a worker posts what this yields) and `eiscope export fleet`. The list comes first (its
pages, the same requests and cache entries as the Inner orgs tab), then each organization's info with a few
workers more than the client's in-flight limit: memory stays bounded with 5,000 organizations, and results
stream in completion order. An organization whose info fails is an entry with status unknown and the error,
never a failed fleet.

What the fleet needs of each organization is kept apart from the body cache (tui/api/fleet_store.py): a
network pass keeps each summary it reads; a cache-only or offline pass reads the kept summaries (and a cached
body where no summary is kept). An organization with neither is an entry too, `missing`, with the reason:
a fleet is never silently partial, and its counts add up to its rows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError, NetworkError, OfflineCacheMissError, RequestTimeoutError, ServerError
from tui.api.fleet import OrgHealth
from tui.api.fleet_store import NOT_READ, FleetStore, FleetSummary
from tui.api.paging import PAGE_SIZE
from tui.api.source import Source

if TYPE_CHECKING:  # the client pulls in the models (~0.2 s): a screen importing this module need not
    from tui.api.client import StudioClient

__all__ = ["FleetEntry", "FleetRows", "fleet_batches", "fleet_health", "fleet_rows", "open_store"]

SAVE_EVERY_S = 10.0
"""How often a walk saves the summaries it read (and once at its end, or when it is cancelled)."""
YIELD_EVERY = 200
"""Entries served from memory (kept summaries) between two turns of the event loop: keys stay answered."""
_FALLBACK_ERRORS = (NetworkError, RequestTimeoutError, ServerError)


@dataclass
class FleetEntry:
    """One inner organization of the fleet: its list row (name, limits…) and its health."""

    row: dict[str, Any]
    health: OrgHealth
    from_cache: bool = False
    age_s: float = 0.0
    offline: bool = False
    missing: bool = False
    """Nothing is kept of it (a cache-only or offline pass): unknown, and the health's error says why."""

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
    total: int | None = None
    """What the list's first page said it holds (None when no page was read)."""
    from_kept: int = 0
    """Rows made from kept summaries (id and name) because the cached list lacked them."""

    @property
    def complete(self) -> bool:
        """Every row of the list, read from its pages (so a summary of any other organization is stale)."""
        return self.total is not None and len(self.rows) - self.from_kept >= self.total


async def open_store(client: StudioClient, org_id: int) -> FleetStore:
    """The white label's kept summaries, read (off the event loop)."""
    store = FleetStore(client.kept_files(), org_id)
    await asyncio.to_thread(store.load)
    return store


async def fleet_rows(
    client: StudioClient, org_id: int, *, source: Source = Source.NETWORK, store: FleetStore | None = None
) -> FleetRows:
    """Every inner organization's list row (raises the list's ApiError: without a list there is no fleet).

    From the cache (or offline), organizations the cached list lacks (its pages evicted or never read) but
    whose summaries are kept in `store` are rows too, with their id and name: a warm fleet is whole.
    """
    found = FleetRows()
    from_cache_only = source is Source.CACHE or client.settings.offline
    try:
        async for page in client.pages("inner_organizations", org_id, page_size=PAGE_SIZE, source=source):
            if found.total is None or page.offset == 0:
                found.total = page.total
            found.rows.extend(row for row in page.raw_items if isinstance(row, dict) and isinstance(row.get("id"), int))
            if page.from_cache:
                found.from_cache = True
                found.age_s = max(found.age_s, page.age_s or 0.0)
    except OfflineCacheMissError:
        if store is None or not store.summaries():
            raise
    if from_cache_only and store is not None and not found.complete:
        listed = {row["id"] for row in found.rows}
        extra = [s for s in store.summaries().values() if s.inner_id not in listed]
        found.rows.extend({"id": s.inner_id, "name": s.name} for s in extra)
        found.from_kept = len(extra)
        if extra:
            found.from_cache = True
            found.age_s = max([found.age_s, *(s.age_s() for s in extra)])
    return found


def _kept_entry(row: dict[str, Any], summary: FleetSummary, *, offline: bool) -> FleetEntry:
    return FleetEntry(row, summary.health, from_cache=True, age_s=summary.age_s(), offline=offline)


async def _read(
    client: StudioClient, org_id: int, row: dict[str, Any], source: Source, store: FleetStore
) -> FleetEntry:
    """One organization's entry from its info body (the network's, or the cache's); a failure is an entry too."""
    inner_id = int(row["id"])
    try:
        fetched = await client.inner_organization_figures(org_id, inner_id, source=source)
    except OfflineCacheMissError:
        return FleetEntry(row, OrgHealth.failed(NOT_READ), missing=True)
    except ApiError as error:
        kept = store.get(inner_id)
        if kept is not None and client.settings.cache_fallback and isinstance(error, _FALLBACK_ERRORS):
            return _kept_entry(row, kept, offline=True)
        return FleetEntry(row, OrgHealth.failed(error.message))
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a bug must cost one row, not the fleet; its type only, never its text
        return FleetEntry(row, OrgHealth.failed(f"unexpected error ({type(error).__name__})"))
    if fetched is None:
        return FleetEntry(row, OrgHealth.failed(NOT_READ), missing=True)
    name = row.get("name")
    name = name if isinstance(name, str) else None
    summary = FleetSummary(inner_id, name, time.time() - fetched.age_s, fetched.value)
    store.put(summary)
    return FleetEntry(row, summary.health, fetched.from_cache, fetched.age_s, fetched.offline)


async def fleet_health(
    client: StudioClient,
    org_id: int,
    rows: list[dict[str, Any]],
    *,
    source: Source = Source.NETWORK,
    store: FleetStore | None = None,
    complete: bool = False,
    workers: int | None = None,
) -> AsyncIterator[FleetEntry]:
    """Each row's entry: first those served from the kept summaries (a cache-only or offline pass), then the
    others in completion order.

    `store`: the white label's kept summaries (opened here when not given); what is read is saved to it every
    few seconds and at the end. `complete` says `rows` is the whole list: at the end of a network pass, the
    summaries of organizations no longer listed are dropped. `workers` (default: twice the in-flight limit)
    bounds the requests started at once.
    """
    store = store if store is not None else await open_store(client, org_id)
    offline = client.settings.offline
    from_cache_only = source is Source.CACHE or offline
    todo_rows: list[dict[str, Any]] = []
    served = 0
    saved_at = time.monotonic()
    finished = False
    try:
        for row in rows:
            kept = store.get(int(row["id"])) if from_cache_only else None
            if kept is None:
                todo_rows.append(row)
                continue
            yield _kept_entry(row, kept, offline=offline)
            served += 1
            if served % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        count = workers or 2 * max(1, client.settings.max_in_flight)
        todo: Iterator[dict[str, Any]] = iter(todo_rows)
        queue: asyncio.Queue[FleetEntry] = asyncio.Queue()

        async def work() -> None:
            for row in todo:  # the workers share one iterator: each takes the next row
                queue.put_nowait(await _read(client, org_id, row, source, store))

        tasks = [asyncio.ensure_future(work()) for _ in range(min(count, len(todo_rows)))]
        try:
            for _ in range(len(todo_rows)):
                yield await queue.get()
                if store.unsaved and time.monotonic() - saved_at >= SAVE_EVERY_S:
                    await asyncio.to_thread(store.save)
                    saved_at = time.monotonic()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finished = True
    finally:
        keep_only = [int(row["id"]) for row in rows] if finished and complete and not from_cache_only else None
        if store.unsaved or keep_only is not None:
            # shielded: a cancelled walk (a refresh replaced it) still keeps what it read
            await asyncio.shield(asyncio.to_thread(store.save, keep_only=keep_only))


async def fleet_batches(
    client: StudioClient,
    org_id: int,
    rows: list[dict[str, Any]],
    *,
    source: Source = Source.NETWORK,
    store: FleetStore | None = None,
    complete: bool = False,
    every_s: float = 0.1,
) -> AsyncIterator[tuple[list[FleetEntry], int]]:
    """The entries in batches of about `every_s` seconds, each with how many rows are done so far.

    A screen posts one message per batch rather than one per organization: 5,000 rows in ~60 messages.
    """
    batch: list[FleetEntry] = []
    done = 0
    last = time.monotonic()
    async for entry in fleet_health(client, org_id, rows, source=source, store=store, complete=complete):
        done += 1
        batch.append(entry)
        now = time.monotonic()
        if now - last >= every_s:
            yield batch, done
            batch, last = [], now
    yield batch, done
