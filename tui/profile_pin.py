"""A chosen profile pins its endpoint, its key and its organization together, as `kubectl --context` does.

Without this, a variable left in a shell splits a profile: `EI_API_ENDPOINT` (the sandbox's own "try:" line sets
one) sends the profile's key, fetched from a password manager, to another address; `EI_API_KEY` sends another
organization's key to the profile's endpoint. So, once a profile is chosen (`--profile`, `EI_PROFILE` or
`default_profile`), an environment variable may fill what the profile leaves unset but never replace what it
sets, and one that would is refused by name. A flag is an explicit choice: it may replace a setting, and says so.
A profile that holds a credential pins the default endpoint when it names none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.api.settings import DEFAULT_ENDPOINT
from tui.config_file import ConfigError

__all__ = ["ProfilePin"]

CREDENTIAL_KEYS = ("api_key", "api_key_env", "api_key_command", "jwt_token", "jwt_token_env")
_API_KEY_KEYS = ("api_key", "api_key_env", "api_key_command")
_JWT_KEYS = ("jwt_token", "jwt_token_env")


def _same_endpoint(one: str, other: str) -> bool:
    return one.strip().rstrip("/").lower() == other.strip().rstrip("/").lower()


def _shown(value: str) -> str:
    """An endpoint or id as it may appear in a one-line error: short and printable."""
    text = "".join(ch for ch in value if ch.isprintable())
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class ProfilePin:
    """The settings a chosen profile fixes. `chosen_by`: "--profile", "EI_PROFILE" or "default_profile"."""

    name: str
    profile: Mapping[str, Any]
    chosen_by: str

    @property
    def label(self) -> str:
        return f"profile {self.name!r}" + ("" if self.chosen_by == "--profile" else f" ({self.chosen_by})")

    @property
    def has_credential(self) -> bool:
        return any(self.profile.get(key) for key in CREDENTIAL_KEYS)

    @property
    def endpoint(self) -> str | None:
        """The endpoint the profile's key belongs to; None when the profile pins none."""
        named = self.profile.get("endpoint")
        if named:
            return str(named)
        return DEFAULT_ENDPOINT if self.has_credential else None

    def check(self, flags: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
        """Raise ConfigError naming the first variable that would split the profile; return the flags' notices."""
        notices: list[str] = []
        self._check_endpoint(flags, env, notices)
        self._check_key(flags, env, notices, "EI_API_KEY", "api_key", _API_KEY_KEYS, "key")
        self._check_key(flags, env, notices, "EI_JWT_TOKEN", "jwt_token", _JWT_KEYS, "JWT")
        self._check_org(flags, env)
        return notices

    def _check_endpoint(self, flags: Mapping[str, Any], env: Mapping[str, str], notices: list[str]) -> None:
        pinned = self.endpoint
        if pinned is None:
            return
        if flags.get("endpoint"):
            if not _same_endpoint(str(flags["endpoint"]), pinned):
                notices.append(f"--endpoint replaces the endpoint of {self.label} ({_shown(pinned)})")
            return
        variable = env.get("EI_API_ENDPOINT")
        if variable and not _same_endpoint(variable, pinned):
            raise ConfigError(
                f"EI_API_ENDPOINT={_shown(variable)} would send the key of {self.label} to another endpoint than "
                f"its own ({_shown(pinned)}); unset EI_API_ENDPOINT, or pass --endpoint to choose"
            )

    def _check_key(
        self,
        flags: Mapping[str, Any],
        env: Mapping[str, str],
        notices: list[str],
        variable: str,
        flag: str,
        own_keys: tuple[str, ...],
        what: str,
    ) -> None:
        flag_name = "--" + flag.replace("_", "-")
        if flags.get(flag) or flags.get(f"{flag}_file"):
            if any(self.profile.get(key) for key in own_keys):
                given = flag_name + ("-file" if flags.get(f"{flag}_file") else "")
                notices.append(f"{given} replaces the {what} of {self.label}")
            return
        value = env.get(variable)
        if not value or not self.has_credential:
            return  # a profile with no credential of its own takes the environment's
        if self.profile.get(f"{flag}_env") == variable or self.profile.get(flag) == value:
            return  # the profile's own key, reached through this variable or equal to it
        raise ConfigError(
            f"{variable} is set, but {self.label} has its own credential: {variable} would be sent to the "
            f"profile's endpoint ({_shown(self.endpoint or DEFAULT_ENDPOINT)}); unset {variable}, "
            f"or pass {flag_name}-file to choose"
        )

    def _check_org(self, flags: Mapping[str, Any], env: Mapping[str, str]) -> None:
        pinned = self.profile.get("org")
        variable = env.get("EI_ORG_ID")
        if flags.get("org") not in (None, "") or pinned in (None, "") or not variable:
            return
        if variable.strip() != str(pinned).strip():
            raise ConfigError(
                f"EI_ORG_ID={_shown(variable)} differs from the organization of {self.label} ({_shown(str(pinned))}); "
                f"unset EI_ORG_ID, or pass --org to choose"
            )
