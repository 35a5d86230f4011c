"""What to do next, in the words of each front end: the browser's keys, or the command line's flags.

tui/api/errors.py keeps hints true everywhere (no keys to press, no flags). Where a front end can say
something more precise, it asks `hint_for(error, "tui")` or `hint_for(error, "cli")`; otherwise the error's
own hint stands. So "Press r" never reaches a script's stderr, and `--api-key-file` never reaches a screen.
"""

from __future__ import annotations

from typing import Literal

from tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    JwtRequiredError,
    NetworkError,
    OfflineCacheMissError,
    RequestTimeoutError,
)

__all__ = ["Frontend", "hint_for", "one_line", "tui_hint"]

Frontend = Literal["tui", "cli"]


def _auth_hint(error: AuthError, frontend: Frontend) -> str | None:
    if frontend != "cli":
        return None
    if isinstance(error, JwtRequiredError):
        return "Give a Studio user JWT: EI_JWT_TOKEN, the profile's jwt_token, or --jwt-token-file."
    if error.credential == "jwt_token":
        return "Check EI_JWT_TOKEN, the profile's jwt_token, or --jwt-token-file."
    if error.credential is None:
        return "Set EI_API_KEY, give the profile an api_key or api_key_command, or pass --api-key-file PATH."
    return "Check EI_API_KEY, the profile's api_key or api_key_command, or --api-key-file."


def hint_for(error: ApiError, frontend: Frontend) -> str:
    """The hint to show next to `error.message` in this front end."""
    hint: str | None = None
    if isinstance(error, AuthError):
        hint = _auth_hint(error, frontend)
    elif isinstance(error, OfflineCacheMissError):
        hint = "Run once without --offline to fill the cache."
    elif isinstance(error, BadResponseError):
        hint = (
            "Press r to try again; if it keeps happening, `eiscope export` prints the body for a bug report."
            if frontend == "tui"
            else "Run the command again; if it keeps happening, report it with the command you ran."
        )
    elif isinstance(error, NetworkError):
        if error.bad_endpoint:
            hint = "Check the endpoint (EI_API_ENDPOINT, the profile's endpoint" + (
                ", or --endpoint)." if frontend == "cli" else ")."
            )
        elif frontend == "cli":
            hint = "Check the network, or the endpoint (--endpoint, EI_API_ENDPOINT or the profile's endpoint)."
        else:
            hint = "Check the network and press r to try again."
    elif isinstance(error, RequestTimeoutError) and frontend == "tui":
        hint = "The network or the server may be slow; press r to try again."
    return hint if hint is not None else error.hint


def one_line(error: ApiError, frontend: Frontend) -> str:
    """Message and this front end's hint in one line, for stderr and the flash line."""
    return f"{error.message} {hint_for(error, frontend)}".strip()


def tui_hint(error: ApiError) -> str:
    """The browser's hint: what the screens show under an error."""
    return hint_for(error, "tui")
