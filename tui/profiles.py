"""The profiles of config.toml, for switching between them inside the browser (`:ctx`, the profile picker).

A profile pins its endpoint, credential and organization together (kubectl's `--context`): switching to one
resolves it through `tui.config.resolve_settings` with the profile named and without the `EI_*` variables that
would otherwise split a credential from its endpoint. Summaries never carry a key, only where it comes from.
Pure Python: no Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.config import ConfigError, ResolvedSettings, config_location, load_config, resolve_settings

__all__ = ["SERVED", "SPLITTING_VARIABLES", "ProfileSummary", "list_profiles", "resolve_profile"]

SERVED = "EISCOPE_SERVED"
"""Set by `eiscope serve` for its sessions: a page in a browser carries one credential, never the others."""

SPLITTING_VARIABLES = frozenset({"EI_API_KEY", "EI_API_ENDPOINT", "EI_ORG_ID", "EI_JWT_TOKEN", "EI_PROFILE"})
"""Variables that outrank a profile at start-up; a profile chosen in the browser is taken whole instead."""

_KEY_SOURCES = ("api_key_command", "api_key_env", "api_key")


@dataclass(frozen=True)
class ProfileSummary:
    """What the picker shows of a profile: never its key, only where the key comes from."""

    name: str
    endpoint: str | None
    org_id: int | None
    key_source: str | None
    """'api_key_command', 'api_key_env', 'api_key' or None (no key in the profile)."""
    is_default: bool

    def describe(self) -> str:
        """'https://studio.edgeimpulse.com/v1 · org 1234 · key: api_key_command · default'."""
        parts = [self.endpoint or "the default endpoint"]
        if self.org_id is not None:
            parts.append(f"org {self.org_id}")
        parts.append(f"key: {self.key_source}" if self.key_source else "no key")
        if self.is_default:
            parts.append("default")
        return " · ".join(parts)


def _org(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _load(env: Mapping[str, str]) -> dict[str, Any]:
    """The config file as start-up reads it: a missing file that EISCOPE_CONFIG names is an error, not 'none'."""
    path, named_by = config_location({}, env)
    return load_config(path, named_by=named_by)


def list_profiles(env: Mapping[str, str]) -> list[ProfileSummary]:
    """Every profile of the config file, the default first; [] without a file. Raises ConfigError (one line)."""
    if env.get(SERVED):
        raise ConfigError("switching profiles is off in a page served by `eiscope serve`: it carries one credential")
    config = _load(env)
    default = config.get("default_profile")
    profiles: dict[str, Any] = config.get("profiles") or {}
    summaries = [
        ProfileSummary(
            name=str(name),
            endpoint=str(body["endpoint"]) if body.get("endpoint") else None,
            org_id=_org(body["org"]) if body.get("org") not in (None, "") else None,
            key_source=next((source for source in _KEY_SOURCES if body.get(source)), None),
            is_default=name == default,
        )
        for name, body in profiles.items()
        if isinstance(body, Mapping)
    ]
    return sorted(summaries, key=lambda summary: (not summary.is_default, summary.name))


def resolve_profile(
    name: str, env: Mapping[str, str], *, offline: bool = False, no_cache: bool = False
) -> ResolvedSettings:
    """The settings of one profile, whole: its endpoint, key (its `api_key_command` runs) and organization.

    Runs a command and may take seconds: call it off the event loop. Raises ConfigError (one line, no key).
    """
    list_profiles(env)  # refuses in a served page
    profiles: dict[str, Any] = _load(env).get("profiles") or {}
    profile = profiles.get(name)
    if not isinstance(profile, Mapping):
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigError(f"no profile {name!r}; known profiles: {known} (in {config_location({}, env)[0]})")
    named = {profile.get("api_key_env"), profile.get("jwt_token_env")}  # variables the profile itself names
    scoped = {key: value for key, value in env.items() if key not in SPLITTING_VARIABLES or key in named}
    return resolve_settings({"profile": name, "offline": offline, "no_cache": no_cache}, scoped)
