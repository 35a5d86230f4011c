"""A cached body as the API sent it, read without the network stack: what the first paint shows.

Start-up is a look at the cache before anything only the network needs (httpx, the pydantic models, the
client) is imported: the first rows come from here, then the client validates the same entry and refreshes it
from the network as usual. Call `peek_cached` off the event loop (`asyncio.to_thread`): it reads a file.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from tui.api.cache import DiskCache, entry_key
from tui.api.cache_keys import credential_header, namespace_for
from tui.api.settings import ClientSettings

__all__ = ["CachedBody", "organization_info_path", "peek_cached", "peek_in_thread"]


@dataclass(frozen=True)
class CachedBody:
    """A raw cached body and how old it is."""

    raw: dict[str, Any]
    age_s: float


def organization_info_path(org_id: int) -> str:
    """The path the client uses for GET organization info (one definition for the client and the peek)."""
    return f"/api/organizations/{int(org_id)}"


def peek_cached(settings: ClientSettings, cache: DiskCache | None, path: str) -> CachedBody | None:
    """The cached body of a GET without a query, or None (no cache, nothing cached, or an unreadable entry)."""
    if cache is None or not settings.use_cache:
        return None
    namespace = namespace_for(settings, credential_header(settings, jwt_first=False))
    entry = cache.get(namespace, entry_key(path, None))
    if entry is None or not isinstance(entry.body, dict):
        return None
    return CachedBody(raw=entry.body, age_s=entry.age_s)


def peek_in_thread(settings: ClientSettings, cache: DiskCache | None, path: str) -> Future[CachedBody | None]:
    """`peek_cached` started now in a thread of its own: the app starts it before Textual does, so the first
    screen finds the body read when it mounts and paints the rows in its first frame. A failure is kept in the
    future (a peek is an optimisation: the screen then loads as usual)."""
    future: Future[CachedBody | None] = Future()

    def peek() -> None:
        try:
            future.set_result(peek_cached(settings, cache, path))
        except BaseException as error:  # kept for the screen, which logs it and loads as usual
            future.set_exception(error)

    threading.Thread(target=peek, name="eiscope-peek", daemon=True).start()
    return future
