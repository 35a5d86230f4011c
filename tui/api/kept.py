"""Kept files: small state eiscope must not lose to the body cache's size bound (fleet summaries, snapshots).

The body cache (`cache.py`) may evict any entry to stay under `cache_max_mb`; what lives here is never evicted by
it, because losing it silently would make a view partial (a fleet missing its summaries) or forget history (the
snapshots a change report compares). It sits in the cache directory, under `kept/<namespace>/`, so it shares the
cache's privacy (one namespace per endpoint and credential, 0600 files in 0700 directories, never a key) and is
removed by `eiscope cache clear`. Each owner bounds what it keeps (the newest N snapshots, one summary per
organization) and names its files below its own prefix (`fleet/…`, `snapshots/…`).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from tui.api.files import TMP_PREFIX, ensure_private_dir, read_regular_file, write_private_atomically

__all__ = ["KEPT_DIR", "KeptFiles", "KeptUsage", "clear_kept", "kept_usage"]

KEPT_DIR = "kept"
"""The directory, inside the cache directory, that holds every namespace's kept files."""


@dataclass(frozen=True)
class KeptUsage:
    """What the kept files of the whole cache directory take (for `eiscope cache info`)."""

    files: int
    bytes: int


class KeptFiles:
    """One namespace's kept files, addressed by relative names such as `fleet/1234.json`.

    Names are checked (relative, no `..`, no hidden parts), so a name built from API data cannot escape the
    directory. Reads are bounded by the caller's `max_bytes`; writes are atomic. Never raises on a bad file:
    a missing or unreadable one reads as None.
    """

    def __init__(self, cache_directory: Path, namespace: str) -> None:
        self.directory = Path(cache_directory) / KEPT_DIR / namespace

    def path(self, name: str) -> Path:
        parts = name.split("/")
        if any(part in ("", ".", "..") or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
            raise ValueError(f"not a kept file's name: {name!r}")
        return self.directory.joinpath(*parts)

    def read(self, name: str, *, max_bytes: int) -> bytes | None:
        return read_regular_file(self.path(name), max_bytes=max_bytes)

    def write(self, name: str, data: bytes, *, fsync: bool = True) -> None:
        """Replace the file atomically; raises OSError (a full disk) for the owner to report or ignore."""
        path = self.path(name)
        folder = self.directory.parent.parent  # the cache directory
        ensure_private_dir(folder)
        for part in path.parent.relative_to(folder).parts:  # every level 0700, not only the last
            folder = folder / part
            ensure_private_dir(folder)
        write_private_atomically(path, data, fsync=fsync)

    def delete(self, name: str) -> None:
        with contextlib.suppress(OSError):
            self.path(name).unlink()

    def names(self, prefix: str) -> list[str]:
        """The names of the regular files directly under the folder `prefix` (e.g. `snapshots/1234`), sorted."""
        folder = self.path(prefix)
        try:
            with os.scandir(folder) as it:
                found = [
                    item.name
                    for item in it
                    if not item.name.startswith((TMP_PREFIX, ".")) and item.is_file(follow_symlinks=False)
                ]
        except OSError:
            return []
        return sorted(f"{prefix.rstrip('/')}/{name}" for name in found)


def kept_usage(cache_directory: Path) -> KeptUsage:
    """Files and bytes under `kept/` (unreadable folders are skipped: `cache info` must not fail on them)."""
    files = size = 0
    for root, dirs, names in os.walk(Path(cache_directory) / KEPT_DIR, onerror=lambda _error: None):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for name in names:
            with contextlib.suppress(OSError):
                st = os.lstat(os.path.join(root, name))
                files += 1
                size += st.st_size
    return KeptUsage(files, size)


def clear_kept(cache_directory: Path, namespace: str | None = None) -> int:
    """Delete the kept files (of one namespace, or all); return how many files were deleted."""
    base = Path(cache_directory) / KEPT_DIR
    targets = [base / namespace] if namespace is not None else [base]
    removed = 0
    for target in targets:
        if not target.is_dir() or target.is_symlink():
            continue
        for root, dirs, names in os.walk(target, topdown=False, onerror=lambda _error: None):
            for name in names:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(root, name))
                    removed += not name.startswith(TMP_PREFIX)
            for name in dirs:
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.join(root, name))
        with contextlib.suppress(OSError):
            target.rmdir()
    return removed
