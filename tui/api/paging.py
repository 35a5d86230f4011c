"""Concurrent paging over the list endpoints (`limit`/`offset`, and a total in every page).

The first page gives the total (believed only as an upper bound); the next pages are requested a bounded
window at a time, the client's in-flight limit deciding how many really run together, and the list ends at the
first page that comes back short or empty. Pages are yielded as they complete, not in offset order: a screen
appends rows as they arrive, and `offset` says where each page belongs.

A server may never end a list (every page full, `total` 10^9) or serve the same page at every offset, so a list
also stops at its bounds (tui/api/limits.py `ListBounds`): a row cap, a byte budget, a page of rows already
listed, and a time budget. The rows before a stop are yielded; then `ListCutShortError` says what was cut.

Each list names its rows and its total in its own way (`organizations` and `total`, `jobs` and
`totalJobCount`): `ListShape` says which. A row that failed validation (tui/api/rows.py) stays in its page,
shown marked, with what could be read of it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tui.api.errors import ApiError, ListCutShortError
from tui.api.limits import ListBounds
from tui.api.row_marks import UnreadableRow, shown_rows

__all__ = ["PAGED_KINDS", "PAGE_SIZE", "SMALLER_PAGE_SIZES", "ListShape", "Page", "iter_pages"]

T = TypeVar("T")

PAGE_SIZE = 1000
"""The page size every list asks for: the tabs, the Structure view and the fleet then share cached pages."""

SMALLER_PAGE_SIZES = (500, 200, 100, 50, 20, 10)
"""What a list asks for, in turn, when a server answers a page size with a 400 (tui/api/client.py)."""


@dataclass(frozen=True)
class ListShape:
    """Where a list's page body keeps its rows and its total; `label` is the field an unreadable row shows."""

    rows: str
    total: str | None = "total"
    label: str = "name"


# kind (the client's method) -> the shape of its page body
PAGED_KINDS: dict[str, ListShape] = {
    "inner_organizations": ListShape("organizations"),
    "whitelabel_users": ListShape("users"),
    "whitelabel_projects": ListShape("projects"),
    "organization_jobs": ListShape("jobs", "totalJobCount", "category"),
    "inner_organization_jobs": ListShape("jobs", "totalJobCount", "category"),
    "whitelabel_project_jobs": ListShape("jobs", "totalJobCount", "category"),
    "whitelabel_user_jobs": ListShape("jobs", "totalJobCount", "category"),
}
# name of the list field -> what a person calls its rows
_NOUNS = {"organizations": "inner organizations", "users": "white-label users", "projects": "white-label projects"}


@dataclass
class Page(Generic[T]):
    """One page of a list: its rows as models and as the raw dicts, where it sits, and where it came from.

    `items` and `raw_items` run in step; an unreadable row is an `UnreadableRow` in `items` and a marked row
    (`rows.UNREADABLE_KEY`) in `raw_items`, counted by `unreadable`. `total` is None for a list without one.
    """

    items: list[T]
    raw_items: list[dict[str, Any]]
    offset: int
    total: int | None
    from_cache: bool = False
    age_s: float = 0.0
    offline: bool = False
    error: ApiError | None = field(default=None, repr=False)
    size: int = 0
    """Bytes of the page's body (as received, or its cache entry)."""
    unreadable: int = 0
    """Rows that failed validation, kept marked (`rows.UNREADABLE_KEY`)."""


# fetch(offset, limit) -> a Fetched page body (value has the list field and its total), or None (cache miss)
PageFetcher = Callable[[int, int], Awaitable[Any]]


def _attribute(shape_field: str) -> str:
    """The model's attribute for an API field name: `totalJobCount` -> `total_job_count`."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in shape_field)


def _to_page(fetched: Any, shape: ListShape, offset: int) -> Page[Any]:
    items = list(getattr(fetched.value, _attribute(shape.rows)))
    raw_items = shown_rows(items, fetched.raw.get(shape.rows), shape.label)
    unreadable = sum(1 for item in items if isinstance(item, UnreadableRow))
    total = getattr(fetched.value, _attribute(shape.total)) if shape.total else None
    return Page(
        items=items,
        raw_items=raw_items,
        offset=offset,
        total=total,
        from_cache=fetched.from_cache,
        age_s=fetched.age_s,
        offline=fetched.offline,
        error=fetched.error,
        size=getattr(fetched, "size", 0),
        unreadable=unreadable,
    )


class _Stops:
    """A list's bounds, checked on each page as it arrives (see the module's docstring)."""

    def __init__(self, bounds: ListBounds, shape: ListShape) -> None:
        self.bounds = bounds
        self.noun = _NOUNS.get(shape.rows, shape.rows)
        self.started = time.monotonic()
        self.rows = 0
        self.bytes = 0
        self.claimed = 0
        self._seen: set[int | str] = set()
        self._full = False

    def admit(self, page: Page[Any]) -> Page[Any]:
        """The page as it may be given (cut to the row cap), or ListCutShortError before any of its rows."""
        self.claimed = max(self.claimed, page.total or 0)
        ids = [row.get("id") if isinstance(row, dict) else None for row in page.raw_items]
        known = [i for i in ids if isinstance(i, int | str)]
        if known and len(known) == len(ids) and all(i in self._seen for i in known):
            raise self._cut(
                "repeat",
                "stopped: a page repeated rows",
                f"the page at offset {page.offset:,} held only rows already listed (the server seems to ignore "
                f"offset); eiscope stopped after {self.rows:,} rows{self._says()}.",
                hint="The server is at fault: the rows before the repeat are all it really sent.",
            )
        self.bytes += page.size
        if self.bytes > self.bounds.max_bytes:
            mb = f"{self.bounds.max_bytes / 1_000_000:g} MB"
            raise self._cut(
                "bytes",
                f"stopped at {mb} of rows",
                f"its pages passed {mb}, the bound for one list, after {self.rows:,} rows{self._says()}.",
            )
        self._seen.update(known)
        room = self.bounds.max_rows - self.rows
        if len(page.raw_items) >= room:
            self._full = len(page.raw_items) > room or self.claimed > self.bounds.max_rows
            page.raw_items, page.items = page.raw_items[:room], page.items[:room]
        self.rows += len(page.raw_items)
        return page

    def after(self) -> None:
        """Once the page `admit` cut is given: the row cap stops the list."""
        if self._full:
            cap = self.bounds.max_rows
            raise self._cut(
                "rows",
                f"stopped at {cap:,} rows",
                f"eiscope stopped at {cap:,} rows, the bound for one list (max_list_rows){self._says()}.",
            )

    def remaining_s(self) -> float:
        return self.bounds.deadline_s - (time.monotonic() - self.started)

    def check_time(self) -> None:
        if self.remaining_s() <= 0:
            limit = self.bounds.deadline_s
            raise self._cut(
                "time",
                f"stopped after {limit:g} s",
                f"it took longer than {limit:g} s, the bound for one list; eiscope stopped after {self.rows:,} "
                f"rows{self._says()}.",
                hint="Try again; the network or the server may be slow.",
            )

    def _says(self) -> str:
        return f"; the server says there are {self.claimed:,}" if self.claimed > self.rows else ""

    def _cut(self, reason: str, summary: str, detail: str, hint: str | None = None) -> ListCutShortError:
        return ListCutShortError(
            noun=self.noun, reason=reason, rows=self.rows, summary=summary, detail=detail, hint=hint
        )


DEFAULT_WINDOW = 16  # pages requested ahead of those that have arrived


async def iter_pages(
    fetch: PageFetcher,
    shape: ListShape,
    page_size: int,
    *,
    concurrent: bool = True,
    window: int = DEFAULT_WINDOW,
    bounds: ListBounds | None = None,
) -> AsyncIterator[Page[Any]]:
    """Yield every page of a list once, within `bounds`. `concurrent=False` (the cache source) reads the pages
    in order.

    `total` is believed only as an upper bound: the list ends at the first page that comes back short or
    empty, and at most `window` pages are ever requested ahead of what has arrived, so a server that claims
    100,000,000 rows but holds 20 costs a few requests, not millions. One that really sends them meets the
    bounds: ListCutShortError after the rows it may give.
    """
    stops = _Stops(bounds or ListBounds(), shape)
    first = await fetch(0, page_size)
    if first is None:
        return
    page = stops.admit(_to_page(first, shape, 0))
    yield page
    stops.after()
    # A list without a total ends at its first short page (at most `window` pages ahead of what has arrived).
    total = page.total if page.total is not None else 1 << 62
    # A server that caps `limit` below page_size answers with fewer rows: step by what it really gives.
    step = page_size
    if 0 < len(page.items) < min(page_size, total):
        step = len(page.items)
    # the first offset known to be past the end: total, or where a short page stopped
    end = total if len(page.raw_items) >= step else 0
    if not concurrent:
        offset, misses = step, 0
        while offset < end and misses < window:
            stops.check_time()
            fetched = await fetch(offset, step)
            if fetched is None:
                misses += 1  # a page the network run never stored: skip it, but not for ever
            else:
                misses = 0
                page = _to_page(fetched, shape, offset)
                if len(page.raw_items) < step:
                    end = offset + len(page.raw_items)
                yield stops.admit(page)
                stops.after()
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
    done: set[asyncio.Future[tuple[int, Any]]] = set()
    try:
        while pending:
            # Finished tasks leave `pending` as they are yielded: a finished page is held (models and raw rows)
            # only until the caller takes it, not until the whole list is done (that doubled peak memory).
            stops.check_time()
            done, pending = await asyncio.wait(
                pending, timeout=max(0.0, stops.remaining_s()), return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                offset, fetched = task.result()
                if fetched is None:
                    continue
                page = _to_page(fetched, shape, offset)
                if len(page.raw_items) < step:
                    end = min(end, offset + len(page.raw_items))
                yield stops.admit(page)
                stops.after()
            done = set()
            top_up()
    finally:
        for task in done:  # pages finished beside the one that stopped the list: their errors are not news
            if not task.cancelled():
                task.exception()
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
