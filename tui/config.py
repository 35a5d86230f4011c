"""Profiles and settings resolution: flags, then environment, then the profile, then defaults.

`config.toml` lives in the user config dir (or `EISCOPE_CONFIG`):

    default_profile = "work"
    cache_max_mb = 200            # optional

    [profiles.work]
    endpoint = "https://studio.edgeimpulse.com/v1"
    org = 12345
    api_key_command = "pass show edge-impulse/work"   # or api_key_env = "WORK_EI_KEY", or api_key = "ei_..."

`EI_API_KEY` and `EI_API_ENDPOINT` are the names Edge Impulse's own Python SDK reads, so a shell set up for
the SDK works unchanged. Errors are one line (`ConfigError`), never a traceback, and never contain a key or
the output of `api_key_command`.
"""

from __future__ import annotations

import shlex
import stat
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from tui.api.client import DEFAULT_ENDPOINT, ClientSettings

__all__ = ["DEFAULT_ENDPOINT", "ConfigError", "ResolvedSettings", "config_path", "resolve_settings"]

KEY_COMMAND_TIMEOUT_S = 15.0
_PROFILE_KEYS = {"endpoint", "org", "api_key", "api_key_env", "api_key_command", "jwt_token", "jwt_token_env"}


class ConfigError(Exception):
    """A configuration problem, as one line for stderr (`eiscope: <message>`)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class ResolvedSettings:
    """Where to connect and as whom, after precedence is applied. Secrets stay out of repr."""

    endpoint: str = DEFAULT_ENDPOINT
    api_key: str | None = field(default=None, repr=False)
    jwt_token: str | None = field(default=None, repr=False)
    org_id: int | None = None
    profile: str | None = None
    offline: bool = False
    no_cache: bool = False
    cache_dir: Path | None = None
    cache_max_bytes: int = 200 * 1024 * 1024
    config_file: Path | None = None
    key_source: str | None = None  # "--api-key", "EI_API_KEY", "profile work (api_key_command)", ...
    warnings: list[str] = field(default_factory=list)

    def client_settings(self, **overrides: Any) -> ClientSettings:
        """The ClientSettings for StudioClient; overrides (e.g. max_in_flight) win."""
        values: dict[str, Any] = {
            "endpoint": self.endpoint,
            "api_key": self.api_key,
            "jwt_token": self.jwt_token,
            "offline": self.offline,
            "use_cache": not self.no_cache,
        }
        values.update(overrides)
        return ClientSettings(**values)


def config_path(env: Mapping[str, str]) -> Path:
    """EISCOPE_CONFIG, else config.toml in the user config dir."""
    override = env.get("EISCOPE_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("eiscope")) / "config.toml"


def load_config(path: Path) -> dict[str, Any]:
    """The parsed file ({} when absent). A syntax error becomes one line with the file's line and column."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: {exc}") from None


def _profile_holds_inline_key(config: Mapping[str, Any]) -> bool:
    profiles = config.get("profiles")
    if not isinstance(profiles, dict):
        return False
    return any(isinstance(p, dict) and (p.get("api_key") or p.get("jwt_token")) for p in profiles.values())


def _permission_warning(path: Path, config: Mapping[str, Any]) -> str | None:
    if not _profile_holds_inline_key(config):
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"{path} holds an API key and is readable by others (mode {stat.S_IMODE(mode):o}); "
            f"run: chmod 600 {shlex.quote(str(path))}"
        )
    return None


def _select_profile(config: Mapping[str, Any], name: str | None, path: Path) -> tuple[str | None, dict[str, Any]]:
    profiles = config.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{path.name}: [profiles] must be a table of [profiles.NAME] tables")
    explicit = name is not None
    name = name or config.get("default_profile")
    if name is None:
        return None, {}
    if not isinstance(name, str):
        raise ConfigError(f"{path.name}: default_profile must be a string")
    profile = profiles.get(name)
    if profile is None:
        known = ", ".join(sorted(profiles)) or "none"
        where = "" if explicit else " (default_profile)"
        raise ConfigError(f"unknown profile {name!r}{where}; known profiles: {known} (in {path})")
    if not isinstance(profile, dict):
        raise ConfigError(f"{path.name}: profiles.{name} must be a table")
    unknown = sorted(set(profile) - _PROFILE_KEYS)
    if unknown:
        raise ConfigError(
            f"{path.name}: profiles.{name} has unknown key {unknown[0]!r}; expected {', '.join(sorted(_PROFILE_KEYS))}"
        )
    return name, profile


def run_key_command(command: str, profile: str, timeout_s: float = KEY_COMMAND_TIMEOUT_S) -> str:
    """Run a password-manager command and return its first stdout line; failures never echo its output."""
    try:
        done = subprocess.run(
            command, shell=True, capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise ConfigError(f"profile {profile!r}: api_key_command did not finish within {timeout_s:g} s") from None
    except OSError as exc:
        raise ConfigError(f"profile {profile!r}: api_key_command could not run: {exc.strerror}") from None
    if done.returncode != 0:
        raise ConfigError(f"profile {profile!r}: api_key_command exited with status {done.returncode}")
    key = done.stdout.strip().splitlines()[0].strip() if done.stdout.strip() else ""
    if not key:
        raise ConfigError(f"profile {profile!r}: api_key_command printed nothing")
    return key


def _to_org_id(value: Any, where: str) -> int:
    try:
        org = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{where}: organization id must be a number, got {str(value)[:40]!r}") from None
    if org <= 0:
        raise ConfigError(f"{where}: organization id must be positive")
    return org


def resolve_settings(flags: Mapping[str, Any], env: Mapping[str, str]) -> ResolvedSettings:
    """Apply flags > environment > profile > defaults.

    flags (all optional, None = not given): endpoint, api_key, jwt_token, org (int|str), profile,
    offline (bool), no_cache (bool), config (path of config.toml).
    env: EI_API_KEY, EI_API_ENDPOINT, EI_ORG_ID, EI_JWT_TOKEN, EI_PROFILE, EISCOPE_CONFIG, EISCOPE_CACHE_DIR.
    Raises ConfigError (one line) on any problem.
    """
    path = Path(flags["config"]).expanduser() if flags.get("config") else config_path(env)
    config = load_config(path)
    settings = ResolvedSettings(config_file=path if path.exists() else None)
    warning = _permission_warning(path, config)
    if warning:
        settings.warnings.append(warning)

    profile_name, profile = _select_profile(config, flags.get("profile") or env.get("EI_PROFILE") or None, path)
    settings.profile = profile_name
    where = f"profile {profile_name!r}"

    # endpoint
    endpoint = flags.get("endpoint") or env.get("EI_API_ENDPOINT") or profile.get("endpoint") or DEFAULT_ENDPOINT
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"endpoint must start with http:// or https://, got {str(endpoint)[:60]!r}")
    settings.endpoint = endpoint.rstrip("/")

    # organization
    if flags.get("org") not in (None, ""):
        settings.org_id = _to_org_id(flags["org"], "--org")
    elif env.get("EI_ORG_ID"):
        settings.org_id = _to_org_id(env["EI_ORG_ID"], "EI_ORG_ID")
    elif profile.get("org") not in (None, ""):
        settings.org_id = _to_org_id(profile["org"], where)

    # API key: the command runs only when nothing of higher precedence supplies a key
    if flags.get("api_key"):
        settings.api_key, settings.key_source = str(flags["api_key"]), "--api-key"
    elif env.get("EI_API_KEY"):
        settings.api_key, settings.key_source = env["EI_API_KEY"], "EI_API_KEY"
    elif profile.get("api_key"):
        settings.api_key, settings.key_source = str(profile["api_key"]), f"{where} (api_key)"
    elif profile.get("api_key_env"):
        var = str(profile["api_key_env"])
        if not env.get(var):
            raise ConfigError(f"{where}: api_key_env names {var}, which is not set")
        settings.api_key, settings.key_source = env[var], f"{where} (${var})"
    elif profile.get("api_key_command"):
        settings.api_key = run_key_command(str(profile["api_key_command"]), profile_name or "")
        settings.key_source = f"{where} (api_key_command)"

    # JWT (for /api/user)
    if flags.get("jwt_token"):
        settings.jwt_token = str(flags["jwt_token"])
    elif env.get("EI_JWT_TOKEN"):
        settings.jwt_token = env["EI_JWT_TOKEN"]
    elif profile.get("jwt_token"):
        settings.jwt_token = str(profile["jwt_token"])
    elif profile.get("jwt_token_env") and env.get(str(profile["jwt_token_env"])):
        settings.jwt_token = env[str(profile["jwt_token_env"])]

    settings.offline = bool(flags.get("offline"))
    settings.no_cache = bool(flags.get("no_cache"))
    if env.get("EISCOPE_CACHE_DIR"):
        settings.cache_dir = Path(env["EISCOPE_CACHE_DIR"]).expanduser()
    max_mb = config.get("cache_max_mb")
    if max_mb is not None:
        if not isinstance(max_mb, int | float) or isinstance(max_mb, bool) or max_mb <= 0:
            raise ConfigError(f"{path.name}: cache_max_mb must be a positive number")
        settings.cache_max_bytes = int(max_mb * 1024 * 1024)
    return settings
