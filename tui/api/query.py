"""How a query is written: the one rendering of query values, shared by the request and the cache key.

Sent and cached must agree: if `active=True` went out as `true` but was keyed as `True`, a cached page
would never be found again.
"""

from __future__ import annotations

from typing import Any

__all__ = ["canonical_request", "query_params", "query_value"]


def query_value(value: Any) -> str:
    """A query value as the API expects it: booleans lowercase, everything else str()."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def query_params(query: dict[str, Any] | None) -> dict[str, str]:
    """The query as sent: None values dropped, values rendered by `query_value`."""
    return {k: query_value(v) for k, v in (query or {}).items() if v is not None}


def canonical_request(path: str, query: dict[str, Any] | None = None) -> str:
    """`/api/x?a=1&b=2`: the path and sorted query, the only request detail stored in a cache entry."""
    items = sorted(query_params(query).items())
    if not items:
        return path
    return path + "?" + "&".join(f"{k}={v}" for k, v in items)
