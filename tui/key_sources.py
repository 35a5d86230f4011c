"""Where a key can come from besides the environment: a password-manager command, a file, standard input.

None of them puts the key on a command line (where every local user sees it in `ps`). Failures are one
ConfigError line that never repeats what the command printed or what the file holds.
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from tui.config_file import ConfigError

__all__ = ["KEY_COMMAND_TIMEOUT_S", "checked_key", "read_key_file", "run_key_command"]

KEY_COMMAND_TIMEOUT_S = 15.0
_MAX_KEY_FILE_BYTES = 64 * 1024


def _control_name(char: str) -> str:
    names = {"\0": "a NUL byte", "\n": "a line break", "\r": "a carriage return", "\t": "a tab", "\x1b": "an ESC"}
    return names.get(char, f"the control character U+{ord(char):04X}")


def checked_key(value: str, where: str) -> str:
    """`value` as a key, or one ConfigError line saying what is wrong with it (never the key itself).

    Surrounding spaces are dropped; a control character (NUL, a line break, ESC, C1) or a character outside
    ASCII is refused as such: no API key or JWT holds one, and an HTTP header could not carry it, so it would
    only surface later as a puzzling network error.
    """
    key = value.strip(" ")
    if not key:
        raise ConfigError(f"{where}: the key is empty")
    for char in key:
        if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            raise ConfigError(f"{where}: the key holds {_control_name(char)}; a key is one line of printable text")
    if not key.isascii() or " " in key:
        what = "a space" if key.isascii() else "a character outside ASCII"
        raise ConfigError(f"{where}: the key holds {what}, which no API key or JWT has")
    return key


def _whole_text(text: str) -> str:
    """A file's or a pipe's text as a key: one trailing line break is normal and goes; anything else stays."""
    if text.endswith("\n"):
        text = text[:-1]
        if text.endswith("\r"):
            text = text[:-1]
    return text


def run_key_command(command: str, profile: str, timeout_s: float = KEY_COMMAND_TIMEOUT_S) -> str:
    """Run a password-manager command and return its first stdout line; failures never echo its output.

    The first line, as `pass show` prints the password first and notes after it. The command runs in its own
    session, and on timeout everything it started is killed, a child that called `setsid` included
    (tui/process_tree.py): nothing it left behind keeps running.
    """
    from tui.process_tree import adopting_orphans, children_of, kill_tree  # ctypes: only when a command runs

    where = f"profile {profile!r}: api_key_command"
    with adopting_orphans():
        adopted_before = children_of(os.getpid())
        try:
            process = subprocess.Popen(
                command,
                shell=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise ConfigError(f"{where} could not run: {exc.strerror}") from None
        try:
            stdout, _ = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid, adopted_before)
            process.wait()
            for pipe in (process.stdout, process.stderr):
                if pipe is not None:
                    pipe.close()
            raise ConfigError(f"{where} did not finish within {timeout_s:g} s") from None
    if process.returncode != 0:
        raise ConfigError(f"{where} exited with status {process.returncode}")
    try:
        text = stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{where} printed something that is not UTF-8 text") from None
    first = text.split("\n", 1)[0].removesuffix("\r")
    if not first.strip(" "):
        raise ConfigError(f"{where} printed nothing on its first line")
    return checked_key(first, where)


def read_key_file(path: str, flag: str, warnings: list[str], stdin: TextIO | None = None) -> str:
    """The key the file at `path` (`-`: standard input) holds, alone. A file others can read earns a warning."""
    if path == "-":
        source = stdin if stdin is not None else sys.stdin
        text = source.read(_MAX_KEY_FILE_BYTES)
        if not text.strip():
            raise ConfigError(f"{flag} -: standard input held no key")
        return checked_key(_whole_text(text), f"{flag} -")
    file = Path(path).expanduser()
    try:
        with file.open("rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode  # a pipe is fine too: `--api-key-file <(pass show ei)`
            data = handle.read(_MAX_KEY_FILE_BYTES)
    except OSError as exc:
        raise ConfigError(f"{flag} {path}: cannot read it: {exc.strerror}") from None
    if not data.strip():
        raise ConfigError(f"{flag} {path}: the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{flag} {path}: the file is not UTF-8 text") from None
    key = checked_key(_whole_text(text), f"{flag} {path}")
    if stat.S_ISREG(mode) and mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.append(
            f"{path} holds a key and is readable by others (mode {stat.S_IMODE(mode):o}); "
            f"run: chmod 600 {shlex.quote(str(file))}"
        )
    return key
