"""The bounds on what a server can make eiscope read, hold or store, and their defaults, in one place.

Each default sits well above what a real Edge Impulse white label needs (the sandbox's huge world: 100,000
users, 5,000 inner organizations, its biggest body an inner organization's info of 216 KB, its longest list
100 pages of ~300 KB) and low enough that eiscope stays under 300 MB resident whatever a server sends. A stop is
never silent: a body past its bound is a `ResponseTooLargeError`, a list cut short a `ListCutShortError`, both
saying what was cut (tui/api/errors.py). `max_response_mb` and `max_list_rows` in config.toml change them.
A leaf: the cache, the settings and the start-up path import it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CACHE_ENTRY_SHARE",
    "DEFAULT_LIST_DEADLINE_S",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_LIST_BYTES",
    "DEFAULT_MAX_LIST_ROWS",
    "ENTRY_OVERHEAD_BYTES",
    "LIST_BYTES_PER_ROW",
    "MAX_ERROR_BODY_BYTES",
    "ListBounds",
]

DEFAULT_MAX_BODY_BYTES = 16 * 1_000_000
"""One response body, counted after decompression: 74 times the biggest real body (216 KB)."""

MAX_ERROR_BODY_BYTES = 64 * 1_000
"""An error body (4xx, 5xx): only its `error` text is read, so anything past this is dropped, not an error."""

DEFAULT_MAX_LIST_ROWS = 200_000
"""Rows of one paged list: twice the huge world's 100,000 users."""

LIST_BYTES_PER_ROW = 320
"""A list's pages may weigh this much per row of its cap on average (the sandbox's rows: 235 to 320 bytes)."""

DEFAULT_MAX_LIST_BYTES = DEFAULT_MAX_LIST_ROWS * LIST_BYTES_PER_ROW
"""Bytes of one paged list's pages (64 MB): 2.6 times the huge world's users list (25 MB), so rows a server
pads cannot fill memory under the row cap. It grows with `max_list_rows`."""

DEFAULT_LIST_DEADLINE_S = 300.0
"""Seconds one paged list may take, every page included (the huge world's lists take 4 s on loopback)."""

CACHE_ENTRY_SHARE = 10
"""No cache entry is larger than 1/10 of the cache's size bound: one body can never evict everything else."""

ENTRY_OVERHEAD_BYTES = 4_096
"""What a cache entry adds to its body (`{"path": …, "fetched_at": …, "body": …}`), generously."""


@dataclass(frozen=True)
class ListBounds:
    """Where a paged list stops: a row cap, a byte budget, a time budget (a repeated page stops it too)."""

    max_rows: int = DEFAULT_MAX_LIST_ROWS
    max_bytes: int = DEFAULT_MAX_LIST_BYTES
    deadline_s: float = DEFAULT_LIST_DEADLINE_S

    @classmethod
    def for_rows(cls, max_rows: int, deadline_s: float = DEFAULT_LIST_DEADLINE_S) -> ListBounds:
        """Bounds for a row cap, the byte budget growing with it (`max_list_rows` in config.toml)."""
        return cls(max_rows=max_rows, max_bytes=max_rows * LIST_BYTES_PER_ROW, deadline_s=deadline_s)
