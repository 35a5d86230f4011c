"""config.toml as read from disk: parsed, checked key by key, and every problem named with its line.

tomllib gives a line for a syntax error but none for a key, so a key's line is found by scanning the text
(`_line_of`): good enough to point a person at `defualt_profile = "work"` on line 3.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tui.keymap import binding_id_problem, key_problem

__all__ = [
    "DESKTOP_NOTIFICATIONS",
    "MAX_CONFIG_BYTES",
    "PROFILE_KEYS",
    "TOP_LEVEL_KEYS",
    "ConfigError",
    "load_config",
    "permission_warning",
    "positive_number",
    "trust_problem",
]

TOP_LEVEL_KEYS = frozenset(
    {
        "default_profile",
        "cache_max_mb",
        "request_deadline_s",
        "max_response_mb",
        "max_list_rows",
        "profiles",
        "keymap",
        "desktop_notifications",
    }
)
DESKTOP_NOTIFICATIONS = ("off", "osc9", "osc777")
"""`desktop_notifications`: whether watch's alerts also ask the terminal for a desktop notification, and how
(OSC 9: iTerm2, WezTerm, Windows Terminal, kitty; OSC 777: foot, Ghostty, rxvt-unicode, VTE). Off by default:
a terminal that knows neither prints them."""
PROFILE_KEYS = frozenset({"endpoint", "org", "api_key", "api_key_env", "api_key_command", "jwt_token", "jwt_token_env"})
_STRING_PROFILE_KEYS = PROFILE_KEYS - {"org"}
_SECRET_KEYS = ("api_key", "jwt_token", "api_key_command")
MAX_CONFIG_BYTES = 1_000_000  # a config is a few hundred bytes; this bounds a mistake, not a real file
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]*?)\s*\]\]?\s*(?:#.*)?$")


class ConfigError(Exception):
    """A configuration problem, as one line for stderr (`eiscope: <message>`)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _table_name(header: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in header.split("."))


def _line_of(text: str, key: str, table: str | None = None) -> int | None:
    """The 1-based line where `key` is set inside `[table]` (or at the top), or where `[table.key]` opens."""
    current: str | None = None
    own_header = f"{table}.{key}" if table else key
    assignment = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = _table_name(header.group(1))
            if current == own_header:
                return number
            continue
        if current == table and assignment.match(line):
            return number
    return None


def _where(path: Path, text: str, key: str, table: str | None = None) -> str:
    line = _line_of(text, key, table)
    return f"{path.name} line {line}" if line else path.name


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", dict: "a table", list: "an array"}
    return names.get(type(value), f"a {type(value).__name__}")


def positive_number(value: object, name: str, path: Path, text: str) -> float:
    """A finite number above zero (`inf` and `nan` are valid TOML floats, and no valid size or time)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        shown = value if isinstance(value, int | float) and not isinstance(value, bool) else _kind(value)
        raise ConfigError(f"{_where(path, text, name)}: {name} must be a positive number, got {shown}")
    return float(value)


def _check(config: Mapping[str, Any], path: Path, text: str) -> None:
    for key in config:
        if key not in TOP_LEVEL_KEYS:
            raise ConfigError(
                f"{_where(path, text, key)}: unknown key {key!r}; expected {', '.join(sorted(TOP_LEVEL_KEYS))}"
            )
    if "default_profile" in config and not isinstance(config["default_profile"], str):
        raise ConfigError(f"{_where(path, text, 'default_profile')}: default_profile must be a string")
    for key in ("cache_max_mb", "request_deadline_s", "max_response_mb", "max_list_rows"):
        if key in config:
            positive_number(config[key], key, path, text)
    if "desktop_notifications" in config and config["desktop_notifications"] not in DESKTOP_NOTIFICATIONS:
        raise ConfigError(
            f"{_where(path, text, 'desktop_notifications')}: desktop_notifications must be one of "
            f"{', '.join(map(repr, DESKTOP_NOTIFICATIONS))}"
        )
    keymap = config.get("keymap", {})
    if not isinstance(keymap, dict):
        raise ConfigError(f'{_where(path, text, "keymap")}: [keymap] must be a table of binding id = "keys"')
    for binding_id, keys in keymap.items():
        where = _where(path, text, binding_id, "keymap")
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(
                f'{where}: keymap.{binding_id} must be keys in quotes, such as "ctrl+r" or "r,f5"; got {_kind(keys)}'
            )
        problem = binding_id_problem(binding_id) or key_problem(keys)
        if problem:
            raise ConfigError(f"{where}: keymap.{binding_id} = {keys!r}: {problem}")
    profiles = config.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{_where(path, text, 'profiles')}: [profiles] must be a table of [profiles.NAME] tables")
    for name, profile in profiles.items():
        table = f"profiles.{name}"
        if not isinstance(profile, dict):
            raise ConfigError(f"{_where(path, text, name, 'profiles')}: {table} must be a table")
        for key, value in profile.items():
            if key not in PROFILE_KEYS:
                raise ConfigError(
                    f"{_where(path, text, key, table)}: {table} has unknown key {key!r}; "
                    f"expected {', '.join(sorted(PROFILE_KEYS))}"
                )
            if key in _STRING_PROFILE_KEYS and not isinstance(value, str):
                quote = " (put it in quotes)" if isinstance(value, int | float) and not isinstance(value, bool) else ""
                raise ConfigError(
                    f"{_where(path, text, key, table)}: {table}.{key} must be a string, got {_kind(value)}{quote}"
                )
            if key == "org" and (isinstance(value, bool) or not isinstance(value, int | str)):
                raise ConfigError(f"{_where(path, text, key, table)}: {table}.org must be a number, got {_kind(value)}")


def load_config(path: Path, *, named_by: str | None = None) -> dict[str, Any]:
    """The parsed and checked file ({} when absent); any problem is one ConfigError line naming the line.

    `named_by` ("EISCOPE_CONFIG", "--config"): the path was asked for, so a missing file is an error, not "no
    config". `/dev/null` is the one file that is not a regular file and still reads: as an empty config.
    """
    data = _read_config_bytes(path, named_by)
    if data is None:
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name}: not UTF-8 text") from None
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: {exc}") from None
    _check(config, path, text)
    return config


def _read_config_bytes(path: Path, named_by: str | None) -> bytes | None:
    """The file's bytes, read only once it is known to be a small regular file that nobody else can write.

    Opened without blocking (a FIFO would wait for a writer forever) and checked on the open descriptor, so the
    file checked is the file read.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        if named_by:
            raise ConfigError(f"{named_by} names {path}, which does not exist") from None
        return None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    try:
        facts = os.fstat(descriptor)
        if _is_devnull(facts):
            return None
        if not stat.S_ISREG(facts.st_mode):
            raise ConfigError(f"{path} is {_file_kind(facts.st_mode)}, not a regular file; a config must be a file")
        if facts.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path} is {facts.st_size:,} bytes; a config file may hold {MAX_CONFIG_BYTES:,}")
        problem = trust_problem(path, facts)
        if problem:
            raise ConfigError(problem)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_CONFIG_BYTES and (chunk := os.read(descriptor, MAX_CONFIG_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    finally:
        os.close(descriptor)
    if size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path} holds over {MAX_CONFIG_BYTES:,} bytes; a config file may hold {MAX_CONFIG_BYTES:,}")
    return b"".join(chunks)


def _is_devnull(facts: os.stat_result) -> bool:
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return stat.S_ISCHR(facts.st_mode) and facts.st_rdev == null.st_rdev


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a file")


def trust_problem(path: Path, facts: os.stat_result, uid: int | None = None) -> str | None:
    """Why a config must not be trusted, as ssh refuses its config ("Bad owner or permissions"), or None.

    The file decides where a key is sent and which command prints it, so one that another user could write (by
    its mode, by owning it, or by replacing it in a directory they can write) is not read at all. Root's files
    are trusted, as ssh and git trust them. `uid` is the user we run as (a test can play another).
    """
    uid = os.geteuid() if uid is None else uid
    quoted = shlex.quote(str(path))
    if facts.st_uid not in (uid, 0):
        return (
            f"{path} is owned by uid {facts.st_uid}, not by you (uid {uid}): another user could make eiscope send "
            f"your key elsewhere or run a command; refusing it (as ssh does)"
        )
    if facts.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return (
            f"{path} is writable by others (mode {stat.S_IMODE(facts.st_mode):o}): they could make eiscope send "
            f"your key elsewhere or run a command; refusing it (as ssh does); run: chmod go-w {quoted}"
        )
    folder = Path(os.path.realpath(path)).parent
    try:
        holder = os.stat(folder)
    except OSError:
        return None
    open_to_others = holder.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not holder.st_mode & stat.S_ISVTX
    if holder.st_uid not in (uid, 0) or open_to_others:
        return (
            f"{path} is in {folder}, which others can write (mode {stat.S_IMODE(holder.st_mode):o}, "
            f"uid {holder.st_uid}): they could replace the file; refusing it (as ssh does)"
        )
    return None


def _holds_secret(config: Mapping[str, Any]) -> bool:
    """A key, a token, or a command that prints one: each is worth hiding from other local users."""
    profiles = config.get("profiles")
    if not isinstance(profiles, dict):
        return False
    return any(isinstance(p, dict) and any(p.get(k) for k in _SECRET_KEYS) for p in profiles.values())


def permission_warning(path: Path, config: Mapping[str, Any]) -> str | None:
    """A warning when a file holding a secret (or a command that prints one) is readable by others."""
    if not _holds_secret(config):
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"{path} holds an API key or api_key_command and is readable by others "
            f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {shlex.quote(str(path))}"
        )
    return None
