"""Find and kill every process a command started, even one that left its session with `setsid`.

A process group (`killpg`) misses a child that called `setsid`, and so does a session id. What such a child cannot
leave is its ancestry: while the command runs we are a child subreaper (Linux `PR_SET_CHILD_SUBREAPER`), so a
descendant whose parent dies is re-parented to us, not to init, and every process the command started stays in
our tree. To kill the tree, its members are stopped (SIGSTOP: a stopped process cannot fork) until a pass finds
none new, then killed, then reaped. Without /proc or prctl (not Linux) this falls back to the process group.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["adopting_orphans", "children_of", "kill_tree"]

_PR_SET_CHILD_SUBREAPER = 36
_PR_GET_CHILD_SUBREAPER = 37
_PROC = Path("/proc")


def _prctl() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


@contextlib.contextmanager
def adopting_orphans() -> Iterator[None]:
    """While inside, orphaned descendants become our children (and so stay findable); restored after."""
    prctl = _prctl()
    before = ctypes.c_int(0)
    if prctl is None or prctl(_PR_GET_CHILD_SUBREAPER, ctypes.byref(before), 0, 0, 0) != 0:
        yield
        return
    prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    try:
        yield
    finally:
        prctl(_PR_SET_CHILD_SUBREAPER, before.value, 0, 0, 0)


def _parents() -> dict[int, int]:
    """pid → parent pid of every process we can see."""
    parents: dict[int, int] = {}
    for entry in _PROC.glob("[0-9]*/stat"):
        try:
            # the name (field 2) is in parentheses and may hold spaces or ")": split after the last one
            fields = entry.read_text().rsplit(")", 1)[1].split()
            parents[int(entry.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    return parents


def children_of(pid: int) -> set[int]:
    """The direct children of `pid` now."""
    return {child for child, parent in _parents().items() if parent == pid}


def _descendants(roots: set[int]) -> set[int]:
    parents = _parents()
    found = {root for root in roots if root in parents}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                grew = True
    return found


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def kill_tree(root: int, adopted_before: set[int], deadline_s: float = 2.0) -> None:
    """Kill `root`, everything it started, and every orphan of it we adopted (our children not in
    `adopted_before`). The caller reaps `root` itself (its Popen does); the others are reaped here."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(root, signal.SIGKILL)  # the common case, and all there is without /proc
    if not _PROC.is_dir():
        return
    me = os.getpid()
    stopped: set[int] = set()
    for _ in range(100):  # each pass stops what the last one missed; a fork bomb is bounded by the passes
        adopted = children_of(me) - adopted_before - {root}
        tree = _descendants({root} | adopted) - {me}
        new = tree - stopped
        if not new:
            break
        for pid in new:
            _signal(pid, signal.SIGSTOP)
        stopped |= new
    for pid in stopped:
        _signal(pid, signal.SIGKILL)
    _reap(stopped - {root}, deadline_s)


def _reap(pids: set[int], deadline_s: float) -> None:
    """Collect the exit of those of `pids` that are (or become) our children, so none is left a zombie."""
    waiting = set(pids)
    end = time.monotonic() + deadline_s
    while waiting and time.monotonic() < end:
        for pid in list(waiting):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                # not our child yet (its killed parent is still being reaped), or gone already
                if not Path(f"/proc/{pid}").exists():
                    waiting.discard(pid)
                continue
            if done:
                waiting.discard(pid)
        if waiting:
            time.sleep(0.01)
