"""The white-label list queries of the sandbox: search, sort, filters, activity, deleted rows and paging.

Parsing lives here so that the server only routes. A query is normalised into a `ListQuery`; its matching row
order is cached (a huge world re-sorts 100,000 rows only once per distinct query, then pages are slices).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any


class QueryError(ValueError):
    """A malformed query parameter: the server answers 400 with this text."""


@dataclass(frozen=True)
class ListQuery:
    """One list request, normalised: everything but the page window decides which rows match."""

    search: str = ""
    sort: tuple[tuple[str, bool], ...] = ()
    filters: tuple[tuple[str, str], ...] = ()
    active_days: int | None = None
    include_deleted: bool = False
    tier: str | None = None


@dataclass(frozen=True)
class PageWindow:
    limit: int | None
    offset: int


# `active` counts days back from today: beyond a century it is no longer a date (and `timedelta` overflows).
MAX_ACTIVE_DAYS = 36_500


def parse_int(params: Mapping[str, str], name: str, *, minimum: int = 0, maximum: int | None = None) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"Invalid value for '{name}': expected an integer, got '{raw[:40]}'") from None
    if value < minimum:
        raise QueryError(f"Invalid value for '{name}': must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise QueryError(f"Invalid value for '{name}': must be at most {maximum}")
    return value


def parse_bool(params: Mapping[str, str], name: str) -> bool:
    raw = params.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise QueryError(f"Invalid value for '{name}': expected true or false")


def parse_sort(raw: str) -> tuple[tuple[str, bool], ...]:
    """`id,-name` → ((id, ascending), (name, descending))."""
    keys = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if not name:
            raise QueryError(f"Invalid sort field '{part}'")
        keys.append((name, descending))
    return tuple(keys)


def parse_filters(raw: str) -> tuple[tuple[str, str], ...]:
    """`billable:true,tier:enterprise` → ((billable, true), (tier, enterprise))."""
    filters = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition(":")
        if not sep or not name.strip():
            raise QueryError(f"Invalid filter '{part[:40]}': filters are 'field:value'")
        filters.append((name.strip(), value.strip().lower()))
    return tuple(filters)


def parse_list_query(params: Mapping[str, str]) -> tuple[ListQuery, PageWindow]:
    query = ListQuery(
        search=params.get("search", "").strip().lower(),
        sort=parse_sort(params.get("sort", "")),
        filters=parse_filters(params.get("filters", "")),
        active_days=parse_int(params, "active", maximum=MAX_ACTIVE_DAYS),
        include_deleted=parse_bool(params, "includeDeleted"),
        tier=(params.get("tier") or None),
    )
    window = PageWindow(limit=parse_int(params, "limit"), offset=parse_int(params, "offset") or 0)
    return query, window


def _parse_datetime(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _filter_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).lower()


def _sort_key(value: Any) -> tuple[int, Any]:
    """Missing values sort last; numbers numerically, strings case-folded (ISO dates sort as text)."""
    if value is None:
        return (2, 0)
    if isinstance(value, bool | int | float):
        return (0, value)
    return (1, str(value).casefold())


@dataclass(frozen=True)
class ListSource:
    """One servable list: the rows, which fields a search looks in, and how to tell activity and deletion."""

    rows: Sequence[dict[str, Any]]
    search_fields: tuple[str, ...]
    last_active: Callable[[dict[str, Any]], str | datetime | None]
    is_deleted: Callable[[dict[str, Any]], bool]
    extra_fields: Callable[[dict[str, Any]], Mapping[str, Any]] = lambda row: {}
    honours_include_deleted: bool = True


class QueryEngine:
    """Answers list queries over one world's lists, caching the row order of recent queries."""

    def __init__(self, today: date, cache_size: int = 32) -> None:
        self._today = today
        self._cache: OrderedDict[tuple[int, ListQuery], list[int]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._haystacks: dict[tuple[int, tuple[str, ...]], list[str]] = {}

    def run(self, source: ListSource, query: ListQuery, window: PageWindow) -> tuple[list[dict[str, Any]], int]:
        """The rows of one page and the number of all matches."""
        order = self._matching(source, query)
        end = None if window.limit is None else window.offset + window.limit
        return [source.rows[i] for i in order[window.offset : end]], len(order)

    def _matching(self, source: ListSource, query: ListQuery) -> list[int]:
        cache_key = (id(source.rows), query)
        with self._lock:
            cached = self._cache.get(cache_key)
            if cached is not None:
                self._cache.move_to_end(cache_key)
                return cached
        order = self._compute(source, query)
        with self._lock:
            self._cache[cache_key] = order
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return order

    def _compute(self, source: ListSource, query: ListQuery) -> list[int]:
        rows = source.rows
        indices = range(len(rows))
        if source.honours_include_deleted and not query.include_deleted:
            indices = [i for i in indices if not source.is_deleted(rows[i])]  # type: ignore[assignment]
        if query.search:
            terms = query.search.split()
            haystacks = self._haystacks_of(source)
            indices = [i for i in indices if all(term in haystacks[i] for term in terms)]  # type: ignore[assignment]
        if query.tier:
            tier = query.tier.lower()
            indices = [i for i in indices if _filter_text(rows[i].get("tier")) == tier]  # type: ignore[assignment]
        for name, wanted in query.filters:
            indices = [  # type: ignore[assignment]
                i for i in indices if self._filter_value(source, rows[i], name) == wanted
            ]
        if query.active_days is not None:
            since = datetime.combine(self._today - timedelta(days=query.active_days), datetime.min.time())
            indices = [i for i in indices if self._active_since(source, rows[i], since)]  # type: ignore[assignment]
        order = list(indices)
        for name, descending in reversed(query.sort):
            present = [i for i in order if rows[i].get(name) is not None]
            missing = [i for i in order if rows[i].get(name) is None]
            present.sort(key=lambda i: _sort_key(rows[i].get(name)), reverse=descending)
            order = present + missing
        return order

    def _haystacks_of(self, source: ListSource) -> list[str]:
        """The searchable text of every row, lowercased once per list (the world's lists never change)."""
        key = (id(source.rows), source.search_fields)
        with self._lock:
            cached = self._haystacks.get(key)
        if cached is None:
            fields = source.search_fields
            cached = [" ".join(str(row.get(f, "")) for f in fields).lower() for row in source.rows]
            with self._lock:
                self._haystacks[key] = cached
        return cached

    @staticmethod
    def _filter_value(source: ListSource, row: dict[str, Any], name: str) -> str:
        if name in row:
            return _filter_text(row[name])
        extra = source.extra_fields(row)
        if name in extra:
            return _filter_text(extra[name])
        if name == "deleted":
            return _filter_text(source.is_deleted(row))
        return "false" if name in ("billable", "activated") else ""

    @staticmethod
    def _active_since(source: ListSource, row: dict[str, Any], since: datetime) -> bool:
        stamp = source.last_active(row)
        if stamp is None:
            return False
        if isinstance(stamp, str):
            parsed = _parse_datetime(stamp)
            if parsed is None:
                return False
            stamp = parsed
        return stamp.replace(tzinfo=None) >= since
