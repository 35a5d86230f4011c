"""config.toml as read from disk: parsed, checked key by key, and every problem named with its line.

tomllib gives a line for a syntax error but none for a key, so a key's line is found by scanning the text
(`_line_of`): good enough to point a person at `defualt_profile = "work"` on line 3.
"""

from __future__ import annotations

import math
import re
import shlex
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tui.keymap import binding_id_problem, key_problem

__all__ = ["PROFILE_KEYS", "TOP_LEVEL_KEYS", "ConfigError", "load_config", "permission_warning", "positive_number"]

TOP_LEVEL_KEYS = frozenset({"default_profile", "cache_max_mb", "request_deadline_s", "profiles", "keymap"})
PROFILE_KEYS = frozenset({"endpoint", "org", "api_key", "api_key_env", "api_key_command", "jwt_token", "jwt_token_env"})
_STRING_PROFILE_KEYS = PROFILE_KEYS - {"org"}
_SECRET_KEYS = ("api_key", "jwt_token", "api_key_command")
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
    for key in ("cache_max_mb", "request_deadline_s"):
        if key in config:
            positive_number(config[key], key, path, text)
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


def load_config(path: Path) -> dict[str, Any]:
    """The parsed and checked file ({} when absent); any problem is one ConfigError line naming the line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
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
