"""The command line's history: kept for the session, and in the user's state directory when there is one.

A line that looks like it holds a secret (an `ei_…` API key, a JWT, a long random token) is kept for the
session only and never written; the file is 0600 in a 0700 directory, written atomically, read within a bound,
and a file that is not ours (a FIFO, a huge file, binary) is ignored. Pure Python: no Textual.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from tui.api.files import ensure_private_dir, read_regular_file, write_private_atomically

__all__ = ["CommandHistory", "HistoryWalk", "default_history_path", "may_be_written"]

MAX_ENTRIES = 200
MAX_LINE = 200
MAX_FILE_BYTES = MAX_ENTRIES * (MAX_LINE + 1) * 4  # four bytes a character at worst

_SECRET = re.compile(
    r"ei_[0-9a-z]{16,}"  # an Edge Impulse API key
    r"|eyJ[\w-]{8,}\.[\w-]{8,}"  # a JWT (its base64 header and payload)
    r"|[A-Za-z0-9+/_=-]{32,}",  # any long random-looking token
    re.IGNORECASE,
)


def may_be_written(line: str) -> bool:
    """True when a line may go to disk: short, printable, and holding nothing that looks like a credential."""
    return 0 < len(line) <= MAX_LINE and line.isprintable() and _SECRET.search(line) is None


def default_history_path(env: Mapping[str, str]) -> Path:
    """EISCOPE_STATE_DIR/command-history, else the user's state directory (~/.local/state/eiscope/…)."""
    override = env.get("EISCOPE_STATE_DIR")
    base = Path(override).expanduser() if override else Path(platformdirs.user_state_dir("eiscope"))
    return base / "command-history"


class CommandHistory:
    """The lines run this session (oldest first), and those of earlier sessions when `path` is given."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: list[str] = []
        if path is not None:
            self.entries = self._read(path)

    @staticmethod
    def _read(path: Path) -> list[str]:
        data = read_regular_file(path, max_bytes=MAX_FILE_BYTES)
        if data is None:
            return []
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return []
        return [line for line in text.splitlines() if may_be_written(line)][-MAX_ENTRIES:]

    def add(self, line: str) -> None:
        """Remember a line that ran (the same line twice in a row is kept once); write it when it may be."""
        line = line.strip()
        if not line:
            return
        if self.entries and self.entries[-1] == line:
            return
        if line in self.entries:
            self.entries.remove(line)  # the newest use moves it to the end, as shells with ignoredups do
        self.entries.append(line)
        del self.entries[:-MAX_ENTRIES]
        if self.path is not None and may_be_written(line):
            self._write(self.path)

    def _write(self, path: Path) -> None:
        kept = [line for line in self.entries if may_be_written(line)]
        with contextlib.suppress(OSError):  # history is a convenience: a full or read-only disk costs nothing
            ensure_private_dir(path.parent)
            write_private_atomically(path, ("\n".join(kept) + "\n").encode("utf-8"), fsync=False)
            if path.stat().st_mode & 0o777 != 0o600:
                os.chmod(path, 0o600)


class HistoryWalk:
    """↑/↓ over the history from one prompt: ↑ goes to older lines, ↓ back towards what was being typed."""

    def __init__(self, entries: list[str]) -> None:
        self.entries = entries
        self.position = len(entries)
        """len(entries) is the line being typed (the draft)."""
        self.draft = ""

    def older(self, current: str) -> str | None:
        """The line before; None at the oldest. The first step keeps `current` as the draft to come back to."""
        if self.position == 0:
            return None
        if self.position == len(self.entries):
            self.draft = current
        self.position -= 1
        return self.entries[self.position]

    def newer(self) -> str | None:
        """The line after, or the draft past the newest; None when already on the draft."""
        if self.position >= len(self.entries):
            return None
        self.position += 1
        return self.draft if self.position == len(self.entries) else self.entries[self.position]
