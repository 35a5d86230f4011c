"""How screens load data: cache first (shown at once, with its age), then the network; one message per result.

Workers call `load_cached_then_fresh`, which never touches widgets: it posts `DataLoaded` (once from the cache when
there is an entry, then from the network) or `LoadFailed`. Each screen's handlers own the state; `what` says which
piece of the screen the data is for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from tui.api.client import Fetched, Source
from tui.api.errors import ApiError
from tui.formatting import relative_age


class DataLoaded(Message):
    """A body arrived for one part of a screen: from the cache (with its age) or the network."""

    def __init__(self, what: str, fetched: Fetched[Any]) -> None:
        super().__init__()
        self.what = what
        self.fetched = fetched


class LoadFailed(Message):
    """Loading one part of a screen failed; `had_cache` says whether cached data is already on screen."""

    def __init__(self, what: str, error: ApiError, had_cache: bool) -> None:
        super().__init__()
        self.what = what
        self.error = error
        self.had_cache = had_cache


Call = Callable[..., Awaitable[Any]]


async def load_cached_then_fresh(target: MessagePump, what: str, call: Call, *, refresh: bool = True) -> bool:
    """Post the cached body (if any), then the fresh one. Returns True when fresh data (or a fallback) arrived."""
    cached = await call(source=Source.CACHE)
    if cached is not None:
        target.post_message(DataLoaded(what, cached))
        if not refresh:
            return True
    try:
        fresh = await call()
    except ApiError as error:
        target.post_message(LoadFailed(what, error, had_cache=cached is not None))
        return False
    target.post_message(DataLoaded(what, fresh))
    return True


@dataclass(frozen=True)
class Freshness:
    """What the status line says about where the data on screen came from."""

    text: str
    stale: bool


def describe(fetched: Fetched[Any]) -> Freshness:
    """'live', 'cached 12 min ago · refreshing…', or 'offline: showing cached data from 12 min ago'."""
    if fetched.offline:
        return Freshness(f"offline: showing cached data from {age_text(fetched.age_s)}", stale=True)
    if fetched.from_cache:
        return Freshness(cached_note(fetched.age_s), stale=True)
    return Freshness("live", stale=False)


def cached_note(age_s: float | None) -> str:
    """What a view says while it shows cached data and the network is being asked."""
    return f"cached {age_text(age_s)} · refreshing…"


def age_text(age_s: float | None) -> str:
    if age_s is None:
        return "an unknown time ago"
    return relative_age(float(age_s))
