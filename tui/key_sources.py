"""Where a key can come from besides the environment: a password-manager command, a file, standard input.

None of them puts the key on a command line (where every local user sees it in `ps`). Failures are one
ConfigError line that never repeats what the command printed or what the file holds.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from tui.config_file import ConfigError

__all__ = ["KEY_COMMAND_TIMEOUT_S", "read_key_file", "run_key_command"]

KEY_COMMAND_TIMEOUT_S = 15.0
_MAX_KEY_FILE_BYTES = 64 * 1024


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0].strip() if stripped else ""


def run_key_command(command: str, profile: str, timeout_s: float = KEY_COMMAND_TIMEOUT_S) -> str:
    """Run a password-manager command and return its first stdout line; failures never echo its output.

    The command runs in its own session (its own process group), so on timeout the whole group is killed:
    a shell's children (`sleep`, a stuck `gpg`) do not outlive it.
    """
    try:
        process = subprocess.Popen(
            command,
            shell=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except OSError as exc:
        raise ConfigError(f"profile {profile!r}: api_key_command could not run: {exc.strerror}") from None
    try:
        stdout, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        raise ConfigError(f"profile {profile!r}: api_key_command did not finish within {timeout_s:g} s") from None
    if process.returncode != 0:
        raise ConfigError(f"profile {profile!r}: api_key_command exited with status {process.returncode}")
    key = _first_line(stdout)
    if not key:
        raise ConfigError(f"profile {profile!r}: api_key_command printed nothing")
    return key


def read_key_file(path: str, flag: str, warnings: list[str], stdin: TextIO | None = None) -> str:
    """The first line of the file at `path` (`-`: standard input). A file others can read earns a warning."""
    if path == "-":
        source = stdin if stdin is not None else sys.stdin
        key = _first_line(source.read(_MAX_KEY_FILE_BYTES))
        if not key:
            raise ConfigError(f"{flag} -: standard input held no key")
        return key
    file = Path(path).expanduser()
    try:
        with file.open("rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode  # a pipe is fine too: `--api-key-file <(pass show ei)`
            data = handle.read(_MAX_KEY_FILE_BYTES)
    except OSError as exc:
        raise ConfigError(f"{flag} {path}: cannot read it: {exc.strerror}") from None
    key = _first_line(data.decode("utf-8", errors="replace"))
    if not key:
        raise ConfigError(f"{flag} {path}: the file is empty")
    if stat.S_ISREG(mode) and mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.append(
            f"{path} holds a key and is readable by others (mode {stat.S_IMODE(mode):o}); "
            f"run: chmod 600 {shlex.quote(str(file))}"
        )
    return key
