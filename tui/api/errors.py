"""One error hierarchy for everything the Studio API can do wrong.

Each error carries `.message` (a sentence for a person) and `.hint` (what to do next), written here once in
words true for every front end: no keys to press, no command-line flags. A front end that has something more
precise to say picks its own hint from the error's class and fields (tui/hints.py). No message, repr or exception
argument ever contains a credential: errors are built from the request path, the status and the API's own
error text, and the client redacts the key from that text before it gets here.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApiError",
    "AuthError",
    "BadResponseError",
    "ForbiddenError",
    "JwtRequiredError",
    "ListCutShortError",
    "NetworkError",
    "NotFoundError",
    "NotWhitelabelAdminError",
    "OfflineCacheMissError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResponseTooLargeError",
    "ServerError",
]


class ApiError(Exception):
    """Base of every error the data layer raises; catch this in one place per screen."""

    default_message = "the Studio API request failed"
    default_hint = ""

    def __init__(
        self,
        message: str | None = None,
        *,
        hint: str | None = None,
        status: int | None = None,
        path: str | None = None,
        api_error: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.hint = hint if hint is not None else self.default_hint
        self.status = status
        self.path = path
        self.api_error = api_error
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r}, path={self.path!r})"


class AuthError(ApiError):
    """401: the credential was rejected (or none was configured)."""

    default_message = "401: the API key was rejected."
    default_hint = "Check the API key (EI_API_KEY or the profile's api_key)."

    def __init__(self, message: str | None = None, *, credential: str | None = "api_key", **kw: Any) -> None:
        # which credential was at fault: "api_key", "jwt_token", or None when none was configured
        self.credential = credential
        super().__init__(message, **kw)

    @classmethod
    def jwt_rejected(cls, path: str, api_error: str | None = None) -> AuthError:
        """The JWT variant: /api/user needs a user token, not an API key."""
        return cls(
            "401: the JWT token was rejected.",
            hint="Check the JWT token (EI_JWT_TOKEN or the profile's jwt_token).",
            credential="jwt_token",
            status=401,
            path=path,
            api_error=api_error,
        )

    @classmethod
    def missing(cls) -> AuthError:
        """No credential at all: say so before any request goes out."""
        return cls(
            "no API key is configured.",
            hint="Set EI_API_KEY, or give the profile an api_key or api_key_command.",
            credential=None,
        )


class JwtRequiredError(AuthError):
    """A route only a user's JWT may call (an organization's API keys), asked with an API key alone."""

    default_message = "this needs a Studio user JWT: an API key cannot list an organization's API keys."
    default_hint = "Add a JWT of an admin of this organization (EI_JWT_TOKEN or the profile's jwt_token)."

    def __init__(self, message: str | None = None, **kw: Any) -> None:
        kw.setdefault("credential", "jwt_token")
        super().__init__(message, **kw)


class ForbiddenError(ApiError):
    """403: the credential is valid but may not see this resource."""

    default_message = "403: this API key may not access that resource."
    default_hint = "Use an API key of an admin of this organization."


class NotWhitelabelAdminError(ForbiddenError):
    """403 on a /whitelabel route: the organization is not the owner of a white label."""

    default_message = "403 on /whitelabel: this organization is not a white-label admin organization"
    default_hint = "Use an API key of the organization that owns the white label (an admin key)."


class NotFoundError(ApiError):
    """404: no such organization, user, project or route."""

    default_message = "404: not found."
    default_hint = "Check the id; it may have been deleted or belong to another organization."


class RateLimitedError(ApiError):
    """429 that outlasted the retry budget; `retry_after_s` says when to try again (None if unknown)."""

    default_message = "429: the Studio API is rate limiting this key."
    default_hint = "Wait a little and try again."

    def __init__(self, message: str | None = None, *, retry_after_s: float | None = None, **kw: Any) -> None:
        self.retry_after_s = retry_after_s
        if message is None and retry_after_s is not None:
            message = f"429: the Studio API is rate limiting this key; retry in {retry_after_s:g} s."
        if "hint" not in kw and retry_after_s is not None:
            kw["hint"] = f"Try again after {retry_after_s:g} s."
        super().__init__(message, **kw)


class ServerError(ApiError):
    """5xx from the server (after retries for 502/503/504; 500 is not retried)."""

    default_message = "the Studio API had a server error."
    default_hint = "Try again later; if it persists, check https://status.edgeimpulse.com."


class NetworkError(ApiError):
    """Could not connect or the connection broke (after retries)."""

    default_message = "could not reach the Studio API."
    default_hint = "Check the network, or the endpoint (EI_API_ENDPOINT or the profile's endpoint)."

    def __init__(self, message: str | None = None, *, bad_endpoint: bool = False, **kw: Any) -> None:
        # True when the endpoint itself is unusable (not a URL, a port out of range): retrying will not help
        self.bad_endpoint = bad_endpoint
        super().__init__(message, **kw)


class RequestTimeoutError(ApiError):
    """The server did not answer within the timeout (after retries)."""

    default_message = "the Studio API did not answer in time."
    default_hint = "Try again; the network or the server may be slow."


class BadResponseError(ApiError):
    """A body we cannot use: not JSON, `success: false` on 200, or a required field missing or malformed."""

    default_message = "the Studio API sent a response eiscope cannot read."
    default_hint = "Try again; if it keeps happening, report it with the response body."

    def __init__(
        self, message: str | None = None, *, field_path: str | None = None, raw: Any = None, **kw: Any
    ) -> None:
        self.field_path = field_path
        self.raw = raw
        super().__init__(message, **kw)


class OfflineCacheMissError(ApiError):
    """Offline (by choice or not) and nothing cached for this request."""

    default_message = "offline, and nothing is cached for this view."
    default_hint = "Connect once with the network to fill the cache."


def _megabytes(size: int) -> str:
    """16 MB, 0.5 MB: sizes in the SI megabytes config.toml counts in (a leaf here: no formatting import)."""
    return f"{size / 1_000_000:g} MB"


class ResponseTooLargeError(ApiError):
    """A body past the size bound (counted after decompression: a gzip bomb counts as what it expands to).

    eiscope stopped reading it: nothing of it is shown, parsed or cached.
    """

    default_hint = (
        "If the organization really is that large, raise max_response_mb in config.toml; "
        "otherwise the server is sending far more than it should."
    )

    def __init__(self, *, limit_bytes: int, path: str, declared_bytes: int | None = None) -> None:
        self.limit_bytes = limit_bytes
        self.declared_bytes = declared_bytes
        bound = f"{_megabytes(limit_bytes)}, the bound on one response (max_response_mb)"
        if declared_bytes is not None:
            message = f"the Studio API announced {_megabytes(declared_bytes)} for {path}, more than {bound}; "
            message += "eiscope did not read it."
        else:
            message = f"the Studio API sent more than {bound} for {path}; eiscope stopped reading it there."
        super().__init__(message, path=path)


class ListCutShortError(ApiError):
    """A paged list stopped before its end by a bound; the rows before the stop were given, the rest were not.

    `reason` is "rows" (the row cap), "bytes" (the list's byte budget), "repeat" (a page of rows already
    listed: a server that ignores `offset`) or "time" (the list's time budget). `summary` is a few words for a
    status line ("stopped at 200,000 rows"); `detail` says why, for a place that already says "cut short";
    `message` says it all.
    """

    default_hint = (
        "If the list really is that long, raise max_list_rows in config.toml; "
        "otherwise the server is sending more than it holds."
    )

    def __init__(
        self, *, noun: str, reason: str, rows: int, summary: str, detail: str, hint: str | None = None
    ) -> None:
        self.noun = noun
        self.reason = reason
        self.rows = rows
        self.summary = summary
        self.detail = detail
        super().__init__(f"the list of {noun} was cut short: {detail}", hint=hint)
