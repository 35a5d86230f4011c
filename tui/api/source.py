"""Where a call may read from. Its own small module: screens need it before the network stack is imported."""

from __future__ import annotations

import enum

__all__ = ["Source"]


class Source(enum.Enum):
    """Where a call may read from: the network (cache as fallback) or the cache only."""

    NETWORK = "network"
    CACHE = "cache"
