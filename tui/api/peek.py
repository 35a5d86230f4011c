"""A cached body as the API sent it, read without the network stack: what the first paint shows.

Start-up is a look at the cache before anything only the network needs (httpx, the pydantic models, the
client) is imported: the first rows come from here, then the client validates the same entry and refreshes it
from the network as usual. Call `peek_cached` off the event loop (`asyncio.to_thread`): it reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.api.cache import DiskCache, entry_key
from tui.api.cache_keys import credential_header, namespace_for
from tui.api.settings import ClientSettings

__all__ = ["CachedBody", "organization_info_path", "peek_cached"]


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
