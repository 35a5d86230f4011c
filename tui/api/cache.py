"""A small disk cache of raw API bodies: one JSON file per request, one directory per (endpoint, credential).

Why hand-written and not `diskcache`: see docs/CACHE.md. In short: plain JSON files (never pickle), 0600/0700
modes set explicitly, atomic replace per entry, and an LRU size bound in about 150 lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
import pydantic_core

from tui.api.files import TMP_PREFIX, ensure_private_dir, read_regular_file, write_private_atomically
from tui.api.kept import KeptFiles, clear_kept, kept_usage
from tui.api.query import canonical_request

__all__ = [
    "CacheEntry",
    "CacheInfo",
    "DiskCache",
    "canonical_request",
    "default_cache_dir",
    "entry_key",
    "namespace_id",
]

DEFAULT_MAX_BYTES = 200 * 1_000_000  # 200 MB (SI, as every size eiscope shows)
_HEX = set("0123456789abcdef")
_TMP_PREFIX = TMP_PREFIX
_STALE_TMP_S = 3600.0
SMALL_ENTRY_BYTES = 64_000
"""Entries this small are evicted after the bulky ones (an inner organization's info body is ~200 KB)."""
_HEAD_BYTES = 4096
"""How much of an entry file eviction reads to find its request (written first: `{"path":"/api/…?…",`)."""


def namespace_id(endpoint: str, credential: str | None) -> str:
    """SHA-256 of endpoint + credential: two profiles never share (or see) each other's entries."""
    material = f"{endpoint.rstrip('/')}\0{credential or ''}".encode()
    return hashlib.sha256(material).hexdigest()


def entry_key(path: str, query: dict[str, Any] | None = None) -> str:
    """SHA-256 of the request path and its sorted query (None values dropped)."""
    return hashlib.sha256(canonical_request(path, query).encode()).hexdigest()


def default_cache_dir(env: Mapping[str, str]) -> Path:
    """EISCOPE_CACHE_DIR, else the user cache dir: the one place that variable is read."""
    override = env.get("EISCOPE_CACHE_DIR")
    return Path(override).expanduser() if override else Path(platformdirs.user_cache_dir("eiscope"))


@dataclass(frozen=True)
class CacheEntry:
    body: Any
    fetched_at: float
    path: str

    @property
    def age_s(self) -> float:
        return max(0.0, time.time() - self.fetched_at)


@dataclass(frozen=True)
class CacheInfo:
    directory: Path
    namespaces: int
    entries: int
    bytes: int
    max_bytes: int
    kept_files: int = 0
    """Fleet summaries and snapshots (`kept/`): outside the size bound, never evicted."""
    kept_bytes: int = 0


class DiskCache:
    """Raw JSON bodies on disk. Safe for several eiscope processes at once; never raises on a bad entry."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory) if directory is not None else default_cache_dir(os.environ)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._approx_bytes: int | None = None  # None until the first scan
        self._known_dirs: set[Path] = set()
        self._list_pages: dict[str, bool] = {}  # entry file name → holds a list page (eviction order)

    @classmethod
    def default(cls, *, max_bytes: int = DEFAULT_MAX_BYTES) -> DiskCache:
        """The user's cache dir (or EISCOPE_CACHE_DIR)."""
        return cls(max_bytes=max_bytes)

    # ------------------------------------------------------------ entries

    def _entry_path(self, namespace: str, key: str) -> Path:
        return self.directory / namespace / f"{key}.json"

    def get_bytes(self, namespace: str, key: str) -> bytes | None:
        """The entry file as stored (`{"path":…,"fetched_at":…,"body":…}`), for a caller that parses it with
        its own (slim) model; None when missing. Touches the entry, as `get` does."""
        path = self._entry_path(namespace, key)
        data = read_regular_file(path)
        if data is not None:
            with contextlib.suppress(OSError):
                os.utime(path)
        return data

    def get(self, namespace: str, key: str) -> CacheEntry | None:
        """The entry, or None if missing or unreadable (a bad entry is deleted so it gets refetched)."""
        path = self._entry_path(namespace, key)
        data = read_regular_file(path)
        if data is None:
            return None
        try:
            doc = pydantic_core.from_json(data)
            entry = CacheEntry(body=doc["body"], fetched_at=float(doc["fetched_at"]), path=str(doc["path"]))
        except (ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # mtime = last use: the LRU order
        return entry

    def put(
        self,
        namespace: str,
        key: str,
        path: str,
        body: Any,
        fetched_at: float | None = None,
        *,
        body_bytes: bytes | None = None,
    ) -> None:
        """Write an entry atomically (temp file in the same dir, fsync, os.replace); errors are swallowed.

        `body_bytes`, the body exactly as received (valid UTF-8 JSON), saves re-encoding a large body.
        """
        when = time.time() if fetched_at is None else float(fetched_at)
        if body_bytes is not None and body_bytes.lstrip()[:1] in (b"{", b"["):
            head = json.dumps({"path": path, "fetched_at": when}, separators=(",", ":"))[:-1]
            data = head.encode() + b',"body":' + body_bytes + b"}"
        else:
            data = json.dumps({"path": path, "fetched_at": when, "body": body}, separators=(",", ":")).encode()
        ns_dir = self.directory / namespace
        try:
            self._ensure_dir(self.directory)
            self._ensure_dir(ns_dir)
            write_private_atomically(self._entry_path(namespace, key), data)
        except OSError:
            return  # a full or read-only disk must not break browsing
        self._account(len(data))

    def delete(self, namespace: str, key: str) -> None:
        with contextlib.suppress(OSError):
            self._entry_path(namespace, key).unlink()

    def _ensure_dir(self, path: Path) -> None:
        if path in self._known_dirs and path.is_dir():
            return
        ensure_private_dir(path)
        self._known_dirs.add(path)

    # ------------------------------------------------------------ size bound

    def _account(self, added: int) -> None:
        with self._lock:
            if self._approx_bytes is None:
                self._approx_bytes = sum(size for _, _, size in self._scan())
            else:
                self._approx_bytes += added
            if self._approx_bytes > self.max_bytes:
                self._approx_bytes = self._evict(int(self.max_bytes * 0.9))

    def _scan(self) -> list[tuple[float, Path, int]]:
        """(last use, path, size) of every entry; stale temp files of crashed writers are removed."""
        found: list[tuple[float, Path, int]] = []
        now = time.time()
        for ns_dir in self._namespace_dirs():
            with os.scandir(ns_dir) as it:
                for item in it:
                    try:
                        st = item.stat()
                    except OSError:
                        continue
                    if item.name.startswith(_TMP_PREFIX):
                        if now - st.st_mtime > _STALE_TMP_S:
                            with contextlib.suppress(OSError):
                                os.unlink(item.path)
                        continue
                    if item.name.endswith(".json"):
                        found.append((st.st_mtime, Path(item.path), st.st_size))
        return found

    def _evict(self, target: int) -> int:
        """Delete entries until the total is at most `target`; return the new total.

        Least recently used first, within three ranks: bulky bodies go first (they are what overflows the
        cache, and the fleet keeps what it needs of them apart), then small ones (an organization's info, its
        white label: what a screen opens on), and the pages of paged lists last: a list indexes the bodies read
        from it (a fleet is built from the inner organizations' list), and bodies without it are worth little.
        """
        entries = sorted(self._scan(), key=lambda entry: (self._eviction_rank(entry[1], entry[2]), entry[0]))
        total = sum(size for _, _, size in entries)
        for _, path, size in entries:
            if total <= target:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
        return total

    def _eviction_rank(self, path: Path, size: int) -> int:
        """0 a bulky body, 1 a small one, 2 a page of a paged list (see `_evict`)."""
        if self._is_list_page(path):
            return 2
        return 1 if size <= SMALL_ENTRY_BYTES else 0

    def _is_list_page(self, path: Path) -> bool:
        """Whether an entry holds a page of a paged list (its request has an `offset`): read from the head of
        the file once, then remembered (an entry's request never changes: it is what its name is made of)."""
        known = self._list_pages.get(path.name)
        if known is None:
            try:
                with open(path, "rb") as file:
                    head = file.read(_HEAD_BYTES)
            except OSError:
                head = b""
            request = head.partition(b'"fetched_at"')[0]
            known = self._list_pages[path.name] = b"?offset=" in request or b"&offset=" in request
        return known

    # ------------------------------------------------------------ management

    def _namespace_dirs(self) -> list[Path]:
        """Only directories that look like ours (64 hex chars): clear() never touches anything else."""
        try:
            children = list(self.directory.iterdir())
        except OSError:
            return []
        return [p for p in children if len(p.name) == 64 and set(p.name) <= _HEX and p.is_dir()]

    def info(self) -> CacheInfo:
        entries = self._scan()
        kept = kept_usage(self.directory)
        return CacheInfo(
            directory=self.directory,
            namespaces=len(self._namespace_dirs()),
            entries=len(entries),
            bytes=sum(size for _, _, size in entries),
            max_bytes=self.max_bytes,
            kept_files=kept.files,
            kept_bytes=kept.bytes,
        )

    def kept(self, namespace: str) -> KeptFiles:
        """The namespace's kept files (fleet summaries, snapshots): beside the cache, never evicted by its bound."""
        return KeptFiles(self.directory, namespace)

    def clear(self, namespace: str | None = None) -> int:
        """Delete every entry and kept file (or one namespace's); return how many files were deleted."""
        removed = clear_kept(self.directory, namespace)
        for ns_dir in self._namespace_dirs():
            if namespace is not None and ns_dir.name != namespace:
                continue
            self._known_dirs.discard(ns_dir)
            for item in ns_dir.iterdir():
                if item.name.endswith(".json") or item.name.startswith(_TMP_PREFIX):
                    with contextlib.suppress(OSError):
                        item.unlink()
                        removed += item.name.endswith(".json")
            with contextlib.suppress(OSError):
                ns_dir.rmdir()
        with self._lock:
            self._approx_bytes = None
        return removed
