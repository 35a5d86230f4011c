"""A small disk cache of raw API bodies: one JSON file per request, one directory per (endpoint, credential).

Why hand-written and not `diskcache`: see docs/CACHE.md. In short: plain JSON files (never pickle), 0600/0700
modes set explicitly, atomic replace per entry, and an LRU size bound in about 150 lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from tui.api.files import TMP_PREFIX, ensure_private_dir, read_regular_file, write_private_atomically
from tui.api.kept import KeptFiles, clear_kept, kept_usage
from tui.api.limits import CACHE_ENTRY_SHARE, DEFAULT_MAX_BODY_BYTES, ENTRY_OVERHEAD_BYTES
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
_STALE_TMP_S = 60.0
"""A temp file older than this belongs to a writer that was killed (one write takes well under a second)."""
DEFAULT_MIN_FREE_BYTES = 200 * 1_000_000
"""Writing stops while the disk has less than this free (or 1 % of it, whichever is larger)."""
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
    size: int = 0
    """Bytes of the entry file."""

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
    temp_bytes: int = 0
    """Temp files of writers in progress, or killed: counted in `bytes` (and the bound) too."""
    warnings: list[str] = field(default_factory=list)
    """What could not be read (an unreadable folder or entry): skipped, and said."""


@dataclass
class _Scan:
    """What a walk over the namespaces found: the entries (last use, path, size), and temp files' bytes."""

    entries: list[tuple[float, Path, int]]
    temp_bytes: int = 0

    @property
    def total(self) -> int:
        return sum(size for _, _, size in self.entries) + self.temp_bytes


class DiskCache:
    """Raw JSON bodies on disk. Safe for several eiscope processes at once; never raises on a bad entry.

    An optimisation, so it may lose an entry but never everything, and never fails a command that could work
    without it: no entry is larger than a tenth of the bound (a bigger body is served, not stored), so one write
    evicts at most a fifth of the rest; a folder or entry it cannot read (another user's, after `sudo`) is
    skipped and said once in `warnings` (and to `on_warning`, which the app shows); entries larger than any real
    body are never read; temp files left by killed writers count toward the bound and are removed by the next
    process that writes; and it stops writing while the disk is nearly full.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        min_free_bytes: int | None = None,
    ):
        self.directory = Path(directory) if directory is not None else default_cache_dir(os.environ)
        self.max_bytes = max_bytes
        self.max_body_bytes = max_body_bytes
        """The client's bound on one body: an entry past it (plus its envelope) was never written by us."""
        self.min_free_bytes = min_free_bytes
        """Free space writing keeps on the disk; None: DEFAULT_MIN_FREE_BYTES or 1 % of the disk."""
        self.warnings: list[str] = []
        self.on_warning: Callable[[str], None] | None = None
        self._lock = threading.Lock()
        self._warnings_lock = threading.Lock()  # apart: a scan under `_lock` may warn
        self._approx_bytes: int | None = None  # None until the first scan
        self._known_dirs: set[Path] = set()
        self._list_pages: dict[str, bool] = {}  # entry file name → holds a list page (eviction order)

    @property
    def max_entry_bytes(self) -> int:
        """The largest entry stored or read: a tenth of the bound, and never more than the largest body."""
        return min(self.max_bytes // CACHE_ENTRY_SHARE, self.max_body_bytes + ENTRY_OVERHEAD_BYTES)

    def _warn(self, text: str) -> None:
        """Say a problem once per process (a cache used by thousands of reads must not repeat itself)."""
        with self._warnings_lock:
            if text in self.warnings:
                return
            self.warnings.append(text)
        if self.on_warning is not None:
            with contextlib.suppress(Exception):  # a listener gone (the app closed) must not break a write
                self.on_warning(text)

    def _skipped(self, path: Path, error: OSError) -> None:
        reason = (error.strerror or type(error).__name__).lower()
        self._warn(
            f"cache: skipped {path}: {reason}; it may belong to another user (after `sudo eiscope`?). "
            f"Remove it (sudo rm -r {shlex.quote(str(path))}) or give it back (sudo chown -R $USER …)."
        )

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
        data = self._read(path)
        if data is not None:
            with contextlib.suppress(OSError):
                os.utime(path)
        return data

    def _read(self, path: Path) -> bytes | None:
        """An entry's bytes, or None: missing, not a regular file, unreadable (said) or larger than any entry we
        write (removed unread: a 2 GB sparse file planted here costs one stat, not 2 GB)."""
        data = read_regular_file(path, max_bytes=self.max_entry_bytes)
        if data is None:
            try:
                st = os.lstat(path)
                if st.st_size > self.max_entry_bytes:
                    os.unlink(path)
                else:
                    os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
            except FileNotFoundError:
                pass
            except PermissionError as error:
                self._skipped(path, error)
            except OSError:
                pass
        return data

    def get(self, namespace: str, key: str) -> CacheEntry | None:
        """The entry, or None if missing or unreadable (a bad entry is deleted so it gets refetched)."""
        path = self._entry_path(namespace, key)
        data = self._read(path)
        if data is None:
            return None
        try:
            doc = json.loads(data)  # stdlib: pydantic_core costs start-up ~20 ms of imports
            entry = CacheEntry(
                body=doc["body"], fetched_at=float(doc["fetched_at"]), path=str(doc["path"]), size=len(data)
            )
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
        if not self._store(namespace, self._entry_path(namespace, key), data):
            self.delete(namespace, key)  # served, not stored: an older copy must not stand in for it

    def _store(self, namespace: str, path: Path, data: bytes, *, fsync: bool = True) -> bool:
        """Write one file within the bounds; False (and nothing written) when it is too large, the disk is
        nearly full, or the disk refuses. Never raises: a full, read-only or foreign disk must not break a view."""
        if len(data) > self.max_entry_bytes or not self._room_for(len(data)):
            return False
        try:
            self._ensure_dir(self.directory)
            self._ensure_dir(self.directory / namespace)
            write_private_atomically(path, data, fsync=fsync)
        except PermissionError as error:
            self._skipped(path.parent, error)
            return False
        except OSError:
            return False
        self._account(len(data))
        return True

    def _room_for(self, size: int) -> bool:
        """Whether the disk keeps its reserve after `size` more bytes; said once when it does not."""
        try:
            fs = os.statvfs(self.directory if self.directory.is_dir() else self.directory.parent)
        except (OSError, AttributeError):  # no statvfs (Windows), or no directory yet: the write will tell
            return True
        disk_bytes = fs.f_blocks * fs.f_frsize
        reserve = self.min_free_bytes
        if reserve is None:
            reserve = min(DEFAULT_MIN_FREE_BYTES, disk_bytes // 10) if disk_bytes else 0
            reserve = max(reserve, disk_bytes // 100)
        free = fs.f_bavail * fs.f_frsize
        if free - size >= reserve:
            return True
        self._warn(
            f"cache: stopped writing to {self.directory}: its disk is nearly full ({free / 1e6:,.1f} MB free; "
            f"eiscope leaves {reserve / 1e6:,.1f} MB). Views still work, from the network."
        )
        return False

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
                self._approx_bytes = self._scan().total
            else:
                self._approx_bytes += added
            if self._approx_bytes > self.max_bytes:
                self._approx_bytes = self._evict(int(self.max_bytes * 0.9))

    def _scan(self, *, tidy: bool = True) -> _Scan:
        """Every entry (last use, path, size) and the temp files' bytes, which count toward the bound too.

        With `tidy` (a write's scan), temp files of writers killed mid-write (older than a minute) are removed,
        and so are entries larger than any this cache writes (planted, or left by an older eiscope): they could
        never be read. A folder it cannot read is skipped and said.
        """
        scan = _Scan(entries=[])
        now = time.time()
        for ns_dir in self._namespace_dirs():
            for item in self._listing(ns_dir) or []:
                try:
                    st = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                if item.name.startswith(_TMP_PREFIX):
                    if tidy and now - st.st_mtime > _STALE_TMP_S:
                        with contextlib.suppress(OSError):
                            os.unlink(item.path)
                            continue
                    scan.temp_bytes += st.st_size
                elif item.name.endswith(".json"):
                    if tidy and st.st_size > self.max_entry_bytes:
                        with contextlib.suppress(OSError):
                            os.unlink(item.path)
                            continue
                    scan.entries.append((st.st_mtime, Path(item.path), st.st_size))
        return scan

    def _listing(self, folder: Path) -> list[os.DirEntry[str]] | None:
        """The folder's items; None when it cannot be read (said, when it is another user's)."""
        try:
            with os.scandir(folder) as it:
                return list(it)
        except PermissionError as error:
            self._skipped(folder, error)
        except OSError:
            pass
        return None

    def _evict(self, target: int) -> int:
        """Delete entries until the total is at most `target`; return the new total.

        Least recently used first, within three ranks: bulky bodies go first (they are what overflows the
        cache, and the fleet keeps what it needs of them apart), then small ones (an organization's info, its
        white label: what a screen opens on), and the pages of paged lists last: a list indexes the bodies read
        from it (a fleet is built from the inner organizations' list), and bodies without it are worth little.
        """
        scan = self._scan()
        entries = sorted(scan.entries, key=lambda entry: (self._eviction_rank(entry[1], entry[2]), entry[0]))
        total = scan.total
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
        except FileNotFoundError:
            return []
        except PermissionError as error:
            self._skipped(self.directory, error)
            return []
        except OSError:
            return []
        return [p for p in children if len(p.name) == 64 and set(p.name) <= _HEX and p.is_dir()]

    def info(self) -> CacheInfo:
        """What the cache holds, touching nothing (`eiscope cache info`)."""
        scan = self._scan(tidy=False)
        kept = kept_usage(self.directory)
        return CacheInfo(
            directory=self.directory,
            namespaces=len(self._namespace_dirs()),
            entries=len(scan.entries),
            bytes=scan.total,
            max_bytes=self.max_bytes,
            kept_files=kept.files,
            kept_bytes=kept.bytes,
            temp_bytes=scan.temp_bytes,
            warnings=list(self.warnings),
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
            items = self._listing(ns_dir)
            if items is None:
                continue  # skipped, and said: left as it is
            for item in items:
                if item.name.endswith(".json") or item.name.startswith(_TMP_PREFIX):
                    try:
                        os.unlink(item.path)
                    except FileNotFoundError:
                        continue
                    except PermissionError as error:
                        self._skipped(Path(item.path), error)
                        continue
                    except OSError:
                        continue
                    removed += item.name.endswith(".json")
            with contextlib.suppress(OSError):
                ns_dir.rmdir()
        with self._lock:
            self._approx_bytes = None
        return removed
