"""How screens load data: cache first (shown at once, with its age), then the network; one message per result.

Workers call `load_cached_then_fresh(screen, OrganizationLoaded, call)`, which never touches widgets: it posts the
given `Loaded` message (once from the cache when there is an entry, then from the network) or `LoadFailed`. An
error that is not an `ApiError` (a bug of ours, or something the data layer did not expect) is reported the same
way, as an `UnexpectedError`, so a worker never ends the app.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message_pump import MessagePump

from screens.messages import Loaded, LoadFailed
from tui.api.errors import ApiError
from tui.api.source import Source
from tui.formatting import relative_age

if TYPE_CHECKING:
    from tui.api.transport import Fetched

log = logging.getLogger("eiscope")

Call = Callable[..., Awaitable[Any]]
LoadedT = TypeVar("LoadedT", bound=Loaded[Any])


class UnexpectedError(ApiError):
    """Anything a load raised that the data layer does not type: shown in place, never fatal."""

    default_hint = "This is a bug in eiscope: please report it, with what you did. Press r to try again."

    @classmethod
    def wrapping(cls, error: BaseException) -> UnexpectedError:
        # Only the type: an exception's text may carry anything, a URL with a key in it included.
        return cls(f"Something unexpected went wrong ({type(error).__name__}).")


async def load_cached_then_fresh(
    target: MessagePump, message: type[LoadedT], call: Call, *, refresh: bool = True
) -> bool:
    """Post the cached body (if any), then the fresh one. Returns True when fresh data (or a fallback) arrived."""
    cached: Fetched[Any] | None = None
    try:
        cached = await call(source=Source.CACHE)
        if cached is not None:
            target.post_message(message(cached))
            if not refresh:
                return True
        fresh = await call()
    except ApiError as error:
        target.post_message(LoadFailed(message, error, had_cache=cached is not None))
        return False
    except Exception as error:
        log.exception("unexpected error while loading %s", message.part)
        target.post_message(LoadFailed(message, UnexpectedError.wrapping(error), had_cache=cached is not None))
        return False
    target.post_message(message(fresh))
    return True


@dataclass(frozen=True)
class Freshness:
    """What the status line says about where the data on screen came from."""

    text: str
    stale: bool


def describe(fetched: Fetched[Any]) -> Freshness:
    """'live', 'cached 12 min ago · refreshing…', or 'offline: showing cached data from 12 min ago'."""
    return freshness(from_cache=fetched.from_cache, offline=fetched.offline, age_s=fetched.age_s)


def freshness(*, from_cache: bool, offline: bool, age_s: float | None, refreshing: bool = True) -> Freshness:
    """The same words for anything that knows where it came from (a body, a pass of pages)."""
    if offline:
        return Freshness(f"offline: showing cached data from {age_text(age_s)}", stale=True)
    if from_cache:
        note = f"cached {age_text(age_s)}" + (" · refreshing…" if refreshing else "")
        return Freshness(note, stale=True)
    return Freshness("live", stale=False)


def cached_note(age_s: float | None) -> str:
    """What a view says while it shows cached data and the network is being asked."""
    return freshness(from_cache=True, offline=False, age_s=age_s).text


def age_text(age_s: float | None) -> str:
    if age_s is None:
        return "an unknown time ago"
    return relative_age(float(age_s))
