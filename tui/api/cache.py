"""A small disk cache of raw API bodies: one JSON file per request, one directory per (endpoint, credential).

Why hand-written and not `diskcache`: see docs/CACHE.md. In short: plain JSON files (never pickle), 0600/0700
modes set explicitly, atomic replace per entry, and an LRU size bound in about 150 lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

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
_TMP_PREFIX = ".tmp-"
_STALE_TMP_S = 3600.0
DIGEST_SUFFIX = ".digest.json"
"""A summary beside an entry (`<key>.digest.json`): counted, evicted and cleared like an entry."""


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


def _read_regular_file(path: Path) -> bytes | None:
    """The file's bytes, or None unless it is a regular file we can read.

    Opened without blocking and checked with fstat before reading: a FIFO or device planted in the cache
    directory must not hang the reader (an open or read of a FIFO waits for a writer forever).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)


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


class DiskCache:
    """Raw JSON bodies on disk. Safe for several eiscope processes at once; never raises on a bad entry."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory) if directory is not None else default_cache_dir(os.environ)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._approx_bytes: int | None = None  # None until the first scan
        self._known_dirs: set[Path] = set()

    @classmethod
    def default(cls, *, max_bytes: int = DEFAULT_MAX_BYTES) -> DiskCache:
        """The user's cache dir (or EISCOPE_CACHE_DIR)."""
        return cls(max_bytes=max_bytes)

    # ------------------------------------------------------------ entries

    def _entry_path(self, namespace: str, key: str) -> Path:
        return self.directory / namespace / f"{key}.json"

    def _digest_path(self, namespace: str, key: str) -> Path:
        return self.directory / namespace / f"{key}{DIGEST_SUFFIX}"

    def get_bytes(self, namespace: str, key: str) -> bytes | None:
        """The entry file as stored (`{"path":…,"fetched_at":…,"body":…}`), for a caller that parses it with
        its own (slim) model; None when missing. Touches the entry, as `get` does."""
        path = self._entry_path(namespace, key)
        data = _read_regular_file(path)
        if data is not None:
            with contextlib.suppress(OSError):
                os.utime(path)
        return data

    def get_digest(self, namespace: str, key: str, kind: str) -> tuple[dict[str, Any], float] | None:
        """A compact summary kept beside an entry (`put_digest`), and when its body was fetched; None when
        there is none of this kind. It outlives its body when the size bound evicts the body (it is tiny)."""
        data = _read_regular_file(self._digest_path(namespace, key))
        if data is None:
            return None
        try:
            doc = json.loads(data)  # stdlib: pydantic_core costs start-up ~20 ms of imports
            if doc["kind"] != kind or not isinstance(doc["digest"], dict):
                return None
            return doc["digest"], float(doc["fetched_at"])
        except (ValueError, KeyError, TypeError):
            return None

    def put_digest(self, namespace: str, key: str, kind: str, digest: dict[str, Any], fetched_at: float) -> None:
        """Keep a summary of the entry's body beside it (atomic replace; no fsync: it can be made again)."""
        data = json.dumps({"kind": kind, "fetched_at": fetched_at, "digest": digest}, separators=(",", ":"))
        ns_dir = self.directory / namespace
        try:
            self._ensure_dir(self.directory)
            self._ensure_dir(ns_dir)
            fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=ns_dir)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data.encode())
                os.replace(tmp, self._digest_path(namespace, key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return
        self._account(len(data))

    def get(self, namespace: str, key: str) -> CacheEntry | None:
        """The entry, or None if missing or unreadable (a bad entry is deleted so it gets refetched)."""
        path = self._entry_path(namespace, key)
        data = _read_regular_file(path)
        if data is None:
            return None
        try:
            doc = json.loads(data)  # stdlib: pydantic_core costs start-up ~20 ms of imports
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
            fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=ns_dir)  # mkstemp creates 0600
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self._entry_path(namespace, key))
                with contextlib.suppress(FileNotFoundError):
                    self._digest_path(namespace, key).unlink()  # it summarised the body just replaced
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return  # a full or read-only disk must not break browsing
        self._account(len(data))

    def delete(self, namespace: str, key: str) -> None:
        with contextlib.suppress(OSError):
            self._entry_path(namespace, key).unlink()

    def _ensure_dir(self, path: Path) -> None:
        if path in self._known_dirs and path.is_dir():
            return
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.stat().st_mode & 0o777 != 0o700:
            os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask, and old dirs may be wider
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
        """Delete least recently used entries until the total is at most `target`; return the new total."""
        entries = sorted(self._scan())
        total = sum(size for _, _, size in entries)
        for _, path, size in entries:
            if total <= target:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
        return total

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
        return CacheInfo(
            directory=self.directory,
            namespaces=len(self._namespace_dirs()),
            entries=sum(1 for _, path, _ in entries if not path.name.endswith(DIGEST_SUFFIX)),
            bytes=sum(size for _, _, size in entries),
            max_bytes=self.max_bytes,
        )

    def clear(self, namespace: str | None = None) -> int:
        """Delete every entry (or one namespace's); return how many entries were deleted."""
        removed = 0
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
