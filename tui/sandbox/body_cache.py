"""Encoded answers the sandbox has already built, kept as gzip bytes within a byte budget.

The world never changes once built, so the answer to one (caller, route, ids, query) is always the same bytes.
Building an inner organization's body (365 daily records, ~200 KB of JSON) and encoding it costs milliseconds;
sending cached bytes costs almost nothing. Entries are stored gzip-compressed (about a tenth of the size) so the
whole large world's inner organizations fit in a few tens of MB, and are sent as they are to clients that accept
gzip (httpx does by default), or inflated for those that do not.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024
_GZIP_WBITS = 31  # zlib's wbits for the gzip container


def encode_json(body: Any) -> bytes:
    """The sandbox's one JSON encoding: compact, UTF-8, non-ASCII kept as is (as the real API answers)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def gzip_bytes(payload: bytes) -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, _GZIP_WBITS)
    return compressor.compress(payload) + compressor.flush()


@dataclass(frozen=True)
class EncodedBody:
    """One answer's body, gzip-compressed; `plain()` gives the JSON bytes back."""

    gzipped: bytes

    def plain(self) -> bytes:
        return zlib.decompress(self.gzipped, _GZIP_WBITS)


class BodyCache:
    """A thread-safe LRU of encoded bodies whose total compressed size stays under `budget_bytes`."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self._entries: OrderedDict[Hashable, EncodedBody] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> EncodedBody:
        """The cached body for `key`, or `build()` encoded and kept (an exception from `build` keeps nothing)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        encoded = EncodedBody(gzip_bytes(encode_json(build())))
        with self._lock:
            if key not in self._entries and len(encoded.gzipped) <= self.budget_bytes:
                self._entries[key] = encoded
                self._size += len(encoded.gzipped)
                while self._size > self.budget_bytes:
                    _, dropped = self._entries.popitem(last=False)
                    self._size -= len(dropped.gzipped)
        return encoded

    @property
    def size_bytes(self) -> int:
        with self._lock:
            return self._size

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
