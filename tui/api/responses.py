"""Reading a Studio API response: a checked JSON body, a validated model, or the typed error it stands for.

Status codes become errors here, in one place, so every endpoint reports a 403 or a bad field the same way.
Text echoed from the API passes through `redact` first: an error body that repeats the key must not carry it on.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pydantic_core
from pydantic import BaseModel, ValidationError

from tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    ForbiddenError,
    NotFoundError,
    NotWhitelabelAdminError,
    RateLimitedError,
    ServerError,
)

__all__ = ["parse_body", "parse_retry_after", "status_error", "validate_body"]

ModelT = TypeVar("ModelT", bound=BaseModel)
Redact = Callable[[str], str]


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds (int, or a float from lenient servers) or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _api_error_text(response: httpx.Response, redact: Redact) -> str | None:
    """The `error` field of a JSON error body, redacted and cut short; None when there is none."""
    try:
        body = response.json()
    except ValueError:
        return None
    text = body.get("error") if isinstance(body, dict) else None
    return redact(str(text))[:500] if text else None


def status_error(response: httpx.Response, path: str, header: str, redact: Redact) -> ApiError:
    """The typed error for a non-2xx status; `header` is the credential sent (a rejected JWT reads differently)."""
    status = response.status_code
    text = _api_error_text(response, redact)
    suffix = f" (the API said: {text})" if text else ""
    if status == 401:
        if header == "x-jwt-token":
            return AuthError.jwt_rejected(path, text)
        return AuthError(status=status, path=path, api_error=text)
    if status == 403:
        if "/whitelabel" in path:
            return NotWhitelabelAdminError(status=status, path=path, api_error=text)
        return ForbiddenError(
            f"403: this API key may not access {path}.{suffix}", status=status, path=path, api_error=text
        )
    if status == 404:
        hint = None
        endpoint_path = response.request.url.path.removesuffix(path) if path else ""
        if not endpoint_path.rstrip("/").endswith("/v1"):
            # Every Studio route lives under /v1: a 404 from an endpoint without it is the endpoint's fault.
            hint = "Check the endpoint: Studio's API lives under /v1 (https://studio.edgeimpulse.com/v1)."
        return NotFoundError(f"404: {path} was not found.{suffix}", hint=hint, status=status, path=path, api_error=text)
    if status == 429:
        return RateLimitedError(status=status, path=path, api_error=text)
    if status >= 500:
        return ServerError(
            f"{status}: the Studio API had a server error on {path}.{suffix}",
            status=status,
            path=path,
            api_error=text,
        )
    return ApiError(f"{status}: the Studio API refused {path}.{suffix}", status=status, path=path, api_error=text)


def parse_body(response: httpx.Response, path: str, redact: Redact) -> dict[str, Any]:
    """A 2xx body must be a JSON object with success: true."""
    try:
        body = pydantic_core.from_json(response.content)
    except ValueError:
        raise BadResponseError(
            f"the Studio API sent a body that is not JSON for {path}.",
            path=path,
            raw=redact(response.text[:2000]),
        ) from None
    if not isinstance(body, dict):
        raise BadResponseError(
            f"the Studio API sent a JSON {type(body).__name__}, not an object, for {path}.",
            path=path,
            raw=body,
        )
    if body.get("success") is False:
        text = redact(str(body.get("error") or "no error text"))[:500]
        raise BadResponseError(
            f"the Studio API reported an error: {text}",
            path=path,
            raw=body,
            api_error=text,
            status=response.status_code,
            field_path="success",
        )
    return body


def _bad_field(exc: ValidationError, path: str, raw: dict[str, Any] | None) -> BadResponseError:
    """The error naming the first bad field of a body (and how many more there are)."""
    first = exc.errors(include_url=False, include_input=False)[0]
    field_path = ".".join(str(part) for part in first["loc"])
    more = f" and {exc.error_count() - 1} more" if exc.error_count() > 1 else ""
    return BadResponseError(
        f"the Studio API response for {path} has a bad field {field_path}: {first['msg']}{more}.",
        field_path=field_path,
        raw=raw,
        path=path,
    )


def validate_body(model: type[ModelT], raw: dict[str, Any], path: str) -> ModelT:
    """The body as `model`, or a BadResponseError naming the first bad field (and how many more there are)."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _bad_field(exc, path, raw) from None


def validate_json_body(model: type[ModelT], data: bytes, path: str, redact: Redact) -> ModelT:
    """The body's bytes straight into `model` with pydantic's JSON parser (no dict in between).

    For slim models (`extra="ignore"`) that read a few fields of a large body; `model` must have optional
    `success` and `error` fields, so a `success: false` is reported as `parse_body` reports it.
    """
    try:
        value = model.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        if first["type"] == "json_invalid":
            raise BadResponseError(
                f"the Studio API sent a body that is not JSON for {path}.",
                path=path,
                raw=redact(data[:2000].decode("utf-8", "replace")),
            ) from None
        if first["type"] == "model_type":
            raise BadResponseError(
                f"the Studio API sent JSON that is not an object for {path}.", path=path, raw=None
            ) from None
        raise _bad_field(exc, path, None) from None
    if getattr(value, "success", None) is False:
        text = redact(str(getattr(value, "error", None) or "no error text"))[:500]
        raise BadResponseError(
            f"the Studio API reported an error: {text}", path=path, raw=None, api_error=text, field_path="success"
        )
    return value
