"""Private files on disk: read only regular files, within a size, and write atomically with owner-only modes.

Shared by the body cache (`cache.py`) and the kept files (`kept.py`: fleet summaries, change snapshots), so the
rules that keep them safe are written once: 0600 files in 0700 directories, a temp file in the same directory then
`os.replace` (a killed writer leaves the previous file whole), and reads that never block on a FIFO or a device
and never read more than the caller allows.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["TMP_PREFIX", "ensure_private_dir", "read_regular_file", "write_private_atomically"]

TMP_PREFIX = ".tmp-"
"""Temp files of writers in progress (or killed): counted and cleaned by their owners, never read as entries."""


def read_regular_file(path: Path, *, max_bytes: int | None = None) -> bytes | None:
    """The file's bytes, or None unless it is a regular file we can read (and, with `max_bytes`, no larger).

    Opened without blocking and checked with fstat before reading: a FIFO or device planted in the directory must
    not hang the reader (an open or read of a FIFO waits for a writer forever), and a huge (or sparse) file is
    refused by its size before a byte of it is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        if max_bytes is not None and st.st_size > max_bytes:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
        if max_bytes is not None and len(data) > max_bytes:  # it grew while we read
            return None
        return data
    except OSError:
        return None
    finally:
        os.close(fd)


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and its parents) as 0700; tighten an existing directory that is wider."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != 0o700:
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask, and old dirs may be wider


def write_private_atomically(path: Path, data: bytes, *, fsync: bool = True) -> None:
    """Replace `path` with `data` atomically (temp file in the same directory, 0600, fsync, rename).

    Raises OSError (a full or read-only disk): callers that treat the disk as an optimisation swallow it.
    """
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)  # mkstemp creates 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
