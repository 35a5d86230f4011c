"""Profiles and settings resolution: flags, then environment, then the profile, then defaults.

`config.toml` lives in the user config dir (or `EISCOPE_CONFIG`):

    default_profile = "work"
    cache_max_mb = 200            # optional
    request_deadline_s = 60       # optional: the longest one request may take, all of it
    max_response_mb = 16          # optional: the largest body read (decompressed); past it, an error
    max_list_rows = 200000        # optional: where a paged list stops (its bytes: 320 a row on average)
    desktop_notifications = "osc9"  # optional: watch's alerts as desktop notifications (off, osc9, osc777)

    [profiles.work]
    endpoint = "https://studio.edgeimpulse.com/v1"
    org = 12345
    api_key_command = "pass show edge-impulse/work"   # or api_key_env = "WORK_EI_KEY", or api_key = "ei_..."

`EI_API_KEY` and `EI_API_ENDPOINT` are the names Edge Impulse's own Python SDK reads, so a shell set up for
the SDK works unchanged, as long as no profile is chosen: a chosen profile pins its endpoint, key and org
together (tui/profile_pin.py), and a variable that would replace one of them is refused. A config file that
another user could write is not read at all (tui/config_file.py), and a key with a control character is
refused as such (tui/key_sources.py). Errors are one line (`ConfigError`), never a traceback, and never contain a key or
the output of `api_key_command`. Reading and checking the file is tui/config_file.py; the command, file and
stdin key sources are tui/key_sources.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import platformdirs

from tui.api.cache import DEFAULT_MAX_BYTES, DiskCache, default_cache_dir
from tui.api.limits import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LIST_ROWS, LIST_BYTES_PER_ROW
from tui.api.settings import DEFAULT_ENDPOINT, ClientSettings
from tui.config_file import ConfigError, load_config, permission_warning
from tui.key_sources import KEY_COMMAND_TIMEOUT_S, checked_key, read_key_file, run_key_command
from tui.profile_pin import ProfilePin

__all__ = [
    "DEFAULT_ENDPOINT",
    "KEY_COMMAND_TIMEOUT_S",
    "ConfigError",
    "ResolvedSettings",
    "config_location",
    "config_path",
    "load_config",
    "read_desktop_notifications",
    "read_keymap",
    "read_preferences",
    "resolve_settings",
    "run_key_command",
]

FLAG_KEY_WARNING = (
    "a key given with --api-key or --jwt-token is visible to every local user (in `ps`); "
    "prefer EI_API_KEY, a profile, or --api-key-file PATH (`-` reads standard input)"
)


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
    cache_max_bytes: int = DEFAULT_MAX_BYTES
    request_deadline_s: float | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_list_rows: int = DEFAULT_MAX_LIST_ROWS
    keymap: dict[str, str] = field(default_factory=dict)
    desktop_notifications: str = "off"
    """`desktop_notifications` in config.toml: off, osc9 or osc777 (watch's alerts as terminal notifications)."""
    config_file: Path | None = None
    key_source: str | None = None  # "--api-key", "EI_API_KEY", "profile work (api_key_command)", ...
    cache_identity: str | None = field(default=None, repr=False)  # see ClientSettings.cache_identity
    cache_scope: str | None = None  # see ClientSettings.cache_scope (the demo's: its port varies)
    warnings: list[str] = field(default_factory=list)

    def client_settings(self, **overrides: Any) -> ClientSettings:
        """The ClientSettings for StudioClient; overrides (e.g. max_in_flight) win."""
        values: dict[str, Any] = {
            "endpoint": self.endpoint,
            "api_key": self.api_key,
            "jwt_token": self.jwt_token,
            "offline": self.offline,
            "use_cache": not self.no_cache,
            "cache_identity": self.cache_identity,
            "max_body_bytes": self.max_body_bytes,
            "max_list_rows": self.max_list_rows,
            "max_list_bytes": self.max_list_rows * LIST_BYTES_PER_ROW,
            "cache_scope": self.cache_scope,
        }
        if self.request_deadline_s is not None:
            values["deadline_s"] = self.request_deadline_s
        values.update(overrides)
        return ClientSettings(**values)

    def disk_cache(self) -> DiskCache:
        """The disk cache these settings point at, even with --no-cache (`eiscope cache` manages it)."""
        return DiskCache(self.cache_dir, max_bytes=self.cache_max_bytes, max_body_bytes=self.max_body_bytes)

    def cache(self) -> DiskCache | None:
        """The disk cache to browse or export with: None with --no-cache."""
        return None if self.no_cache else self.disk_cache()


def config_location(flags: Mapping[str, Any], env: Mapping[str, str]) -> tuple[Path, str | None]:
    """The config file, and what named it ("--config", "EISCOPE_CONFIG"; None for the default place)."""
    if flags.get("config"):
        return Path(flags["config"]).expanduser(), "--config"
    override = env.get("EISCOPE_CONFIG")
    if override:
        return Path(override).expanduser(), "EISCOPE_CONFIG"
    return Path(platformdirs.user_config_dir("eiscope")) / "config.toml", None


def config_path(env: Mapping[str, str]) -> Path:
    """EISCOPE_CONFIG, else config.toml in the user config dir."""
    return config_location({}, env)[0]


def _select_profile(
    config: Mapping[str, Any], flags: Mapping[str, Any], env: Mapping[str, str], path: Path
) -> ProfilePin | None:
    """The chosen profile: --profile, else EI_PROFILE, else default_profile; none with --no-profile."""
    if flags.get("no_profile"):
        return None
    profiles = config.get("profiles", {})
    if flags.get("profile"):
        name, chosen_by = str(flags["profile"]), "--profile"
    elif env.get("EI_PROFILE"):
        name, chosen_by = env["EI_PROFILE"], "EI_PROFILE"
    elif config.get("default_profile") is not None:
        name, chosen_by = str(config["default_profile"]), "default_profile"
    else:
        return None
    profile = profiles.get(name)
    if profile is None:
        known = ", ".join(sorted(profiles)) or "none"
        where = "" if chosen_by == "--profile" else f" ({chosen_by})"
        raise ConfigError(f"unknown profile {name!r}{where}; known profiles: {known} (in {path})")
    return ProfilePin(name, profile, chosen_by)


def _to_org_id(value: Any, where: str) -> int:
    try:
        org = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{where}: organization id must be a number, got {str(value)[:40]!r}") from None
    if org <= 0:
        raise ConfigError(f"{where}: organization id must be positive")
    return org


def _flag_secret(flags: Mapping[str, Any], name: str, settings: ResolvedSettings, stdin: TextIO | None) -> str | None:
    """--NAME or --NAME-file (never both); None when neither was given."""
    value, path = flags.get(name), flags.get(f"{name}_file")
    flag = "--" + name.replace("_", "-")
    if value and path:
        raise ConfigError(f"{flag} and {flag}-file both given; use one")
    if path:
        return read_key_file(str(path), f"{flag}-file", settings.warnings, stdin)
    return checked_key(str(value), flag) if value else None


def resolve_settings(
    flags: Mapping[str, Any], env: Mapping[str, str], *, need_key: bool = True, stdin: TextIO | None = None
) -> ResolvedSettings:
    """Apply flags > environment > profile > defaults.

    flags (all optional, None = not given): endpoint, api_key, api_key_file, jwt_token, jwt_token_file,
    org (int|str), profile, no_profile (bool), offline (bool), no_cache (bool), config (path of config.toml).
    env: EI_API_KEY, EI_API_ENDPOINT, EI_ORG_ID, EI_JWT_TOKEN, EI_PROFILE, EISCOPE_CONFIG, EISCOPE_CACHE_DIR.
    A chosen profile pins its endpoint, key and org (tui/profile_pin.py): a variable that would replace one is
    refused, a flag that does is noted in `warnings`.
    need_key=False (the cache tools, an offline export): no key is sent, so nothing is pinned, and a profile's
    api_key_command is not run.
    stdin: where `--api-key-file -` reads (default sys.stdin).
    Raises ConfigError (one line) on any problem.
    """
    path, named_by = config_location(flags, env)
    config = load_config(path, named_by=named_by)
    settings = ResolvedSettings(config_file=path if path.exists() else None)
    warning = permission_warning(path, config)
    if warning:
        settings.warnings.append(warning)
    if flags.get("api_key_file") == "-" and flags.get("jwt_token_file") == "-":
        raise ConfigError("--api-key-file - and --jwt-token-file - cannot both read standard input")

    pin = _select_profile(config, flags, env, path)
    profile: Mapping[str, Any] = pin.profile if pin else {}
    profile_name = pin.name if pin else None
    if pin is not None and need_key:
        settings.warnings.extend(pin.check(flags, env))  # raises on a variable that would split the profile
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
    flag_key = _flag_secret(flags, "api_key", settings, stdin)
    if flag_key:
        file_given = bool(flags.get("api_key_file"))
        settings.api_key, settings.key_source = flag_key, "--api-key-file" if file_given else "--api-key"
    elif env.get("EI_API_KEY"):
        settings.api_key, settings.key_source = checked_key(env["EI_API_KEY"], "EI_API_KEY"), "EI_API_KEY"
    elif profile.get("api_key"):
        settings.api_key = checked_key(profile["api_key"], f"{where}: api_key")
        settings.key_source = f"{where} (api_key)"
    elif profile.get("api_key_env"):
        var = profile["api_key_env"]
        if not env.get(var):
            raise ConfigError(f"{where}: api_key_env names {var}, which is not set")
        settings.api_key, settings.key_source = checked_key(env[var], var), f"{where} (${var})"
    elif profile.get("api_key_command"):
        command = profile["api_key_command"]
        # The cache is named by the command, not the key it prints, so commands that need no key
        # (`eiscope cache`, `export --offline`) find the same entries without running it.
        settings.cache_identity = f"api_key_command\0{profile_name}\0{command}"
        settings.key_source = f"{where} (api_key_command)"
        if need_key:
            settings.api_key = run_key_command(command, profile_name or "")

    # JWT (for /api/user)
    flag_jwt = _flag_secret(flags, "jwt_token", settings, stdin)
    if flag_jwt:
        settings.jwt_token = flag_jwt
    elif env.get("EI_JWT_TOKEN"):
        settings.jwt_token = checked_key(env["EI_JWT_TOKEN"], "EI_JWT_TOKEN")
    elif profile.get("jwt_token"):
        settings.jwt_token = checked_key(profile["jwt_token"], f"{where}: jwt_token")
    elif profile.get("jwt_token_env") and env.get(profile["jwt_token_env"]):
        settings.jwt_token = checked_key(env[profile["jwt_token_env"]], profile["jwt_token_env"])
    if flags.get("api_key") or flags.get("jwt_token"):
        settings.warnings.append(FLAG_KEY_WARNING)

    settings.offline = bool(flags.get("offline"))
    settings.no_cache = bool(flags.get("no_cache"))
    settings.cache_dir = default_cache_dir(env)
    if config.get("cache_max_mb") is not None:
        settings.cache_max_bytes = int(config["cache_max_mb"] * 1_000_000)  # SI megabytes, as shown everywhere
    if config.get("request_deadline_s") is not None:
        settings.request_deadline_s = float(config["request_deadline_s"])
    if config.get("max_response_mb") is not None:
        settings.max_body_bytes = int(config["max_response_mb"] * 1_000_000)
    if config.get("max_list_rows") is not None:
        settings.max_list_rows = max(1, int(config["max_list_rows"]))
    settings.keymap = dict(config.get("keymap") or {})
    settings.desktop_notifications = str(config.get("desktop_notifications") or "off")
    return settings


def read_preferences(env: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The user's own `[keymap]` (binding id → keys) and `desktop_notifications` (off, osc9, osc777), from one
    read of the file: for the demo, which reads no profile but keeps the user's keys and notifications."""
    path, named_by = config_location({}, env)
    config = load_config(path, named_by=named_by)
    return dict(config.get("keymap") or {}), str(config.get("desktop_notifications") or "off")


def read_desktop_notifications(env: Mapping[str, str]) -> str:
    """`desktop_notifications` alone (see `read_preferences`)."""
    return read_preferences(env)[1]


def read_keymap(env: Mapping[str, str]) -> dict[str, str]:
    """The `[keymap]` table alone (see `read_preferences`)."""
    return read_preferences(env)[0]
