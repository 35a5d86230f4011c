"""Which credential a request sends and which cache namespace it reads: shared by the transport and the
start-up peek (`tui/api/peek.py`), which must find the same entries without importing httpx or the models."""

from __future__ import annotations

from tui.api.cache import namespace_id
from tui.api.settings import ClientSettings

__all__ = ["credential_header", "credential_value", "namespace_for"]


def credential_value(settings: ClientSettings, header: str) -> str | None:
    return settings.jwt_token if header == "x-jwt-token" else settings.api_key


def credential_header(settings: ClientSettings, jwt_first: bool) -> str | None:
    """The header to send: the API key for org routes, the JWT for the user routes that require one."""
    order = ("x-jwt-token", "x-api-key") if jwt_first else ("x-api-key", "x-jwt-token")
    for header in order:
        if credential_value(settings, header):
            return header
    return None


def namespace_for(settings: ClientSettings, header: str | None) -> str:
    """The cache namespace of this endpoint and credential (the key is hashed in, never stored)."""
    identity = settings.cache_identity
    if identity is None and header is not None:
        identity = credential_value(settings, header)
    return namespace_id(settings.cache_scope or settings.endpoint.rstrip("/"), identity)
