"""Concurrent paging over the white-label list endpoints (`limit`/`offset`, `total` in every page).

The first page gives the total (believed only as an upper bound); the next pages are requested a bounded
window at a time, the client's in-flight limit deciding how many really run together, and the list ends at the
first page that comes back short or empty. Pages are yielded as they complete, not in offset order: a screen
appends rows as they arrive, and `offset` says where each page belongs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tui.api.errors import ApiError

__all__ = ["PAGED_KINDS", "PAGE_SIZE", "Page", "iter_pages"]

T = TypeVar("T")

PAGE_SIZE = 1000
"""The page size every list asks for: the tabs, the Structure view and the fleet then share cached pages."""

# kind -> name of the list field in the page body
PAGED_KINDS: dict[str, str] = {
    "inner_organizations": "organizations",
    "whitelabel_users": "users",
    "whitelabel_projects": "projects",
}


@dataclass
class Page(Generic[T]):
    """One page of a list: its rows as models and as the raw dicts, where it sits, and where it came from."""

    items: list[T]
    raw_items: list[dict[str, Any]]
    offset: int
    total: int
    from_cache: bool = False
    age_s: float = 0.0
    offline: bool = False
    error: ApiError | None = field(default=None, repr=False)


# fetch(offset, limit) -> a Fetched page body (value has `.total` and the list field), or None (cache miss)
PageFetcher = Callable[[int, int], Awaitable[Any]]


def _to_page(fetched: Any, list_field: str, offset: int) -> Page[Any]:
    return Page(
        items=list(getattr(fetched.value, list_field)),
        raw_items=list(fetched.raw.get(list_field) or []),
        offset=offset,
        total=fetched.value.total,
        from_cache=fetched.from_cache,
        age_s=fetched.age_s,
        offline=fetched.offline,
        error=fetched.error,
    )


DEFAULT_WINDOW = 16  # pages requested ahead of those that have arrived


async def iter_pages(
    fetch: PageFetcher, list_field: str, page_size: int, *, concurrent: bool = True, window: int = DEFAULT_WINDOW
) -> AsyncIterator[Page[Any]]:
    """Yield every page of a list once. `concurrent=False` (the cache source) reads the pages in order.

    `total` is believed only as an upper bound: the list ends at the first page that comes back short or
    empty, and at most `window` pages are ever requested ahead of what has arrived, so a server that claims
    100,000,000 rows but holds 20 costs a few requests, not millions.
    """
    first = await fetch(0, page_size)
    if first is None:
        return
    page = _to_page(first, list_field, 0)
    yield page
    total = page.total
    # A server that caps `limit` below page_size answers with fewer rows: step by what it really gives.
    step = page_size
    if 0 < len(page.items) < min(page_size, total):
        step = len(page.items)
    # the first offset known to be past the end: total, or where a short page stopped
    end = total if len(page.raw_items) >= step else 0
    if not concurrent:
        offset, misses = step, 0
        while offset < end and misses < window:
            fetched = await fetch(offset, step)
            if fetched is None:
                misses += 1  # a page the network run never stored: skip it, but not for ever
            else:
                misses = 0
                page = _to_page(fetched, list_field, offset)
                yield page
                if len(page.raw_items) < step:
                    end = offset + len(page.raw_items)
            offset += step
        return

    async def one(offset: int) -> tuple[int, Any]:
        return offset, await fetch(offset, step)

    next_offset = step
    pending: set[asyncio.Future[tuple[int, Any]]] = set()

    def top_up() -> None:
        nonlocal next_offset
        while len(pending) < max(1, window) and next_offset < end:
            pending.add(asyncio.ensure_future(one(next_offset)))
            next_offset += step

    top_up()
    try:
        while pending:
            # Finished tasks leave `pending` as they are yielded: a finished page is held (models and raw rows)
            # only until the caller takes it, not until the whole list is done (that doubled peak memory).
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                offset, fetched = task.result()
                if fetched is None:
                    continue
                page = _to_page(fetched, list_field, offset)
                if len(page.raw_items) < step:
                    end = min(end, offset + len(page.raw_items))
                yield page
            del done
            top_up()
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
