"""The request side of the Studio client: credentials, the one cached GET, coalescing, retries and backoff.

`StudioTransport` knows nothing of endpoints; `StudioClient` (tui/api/client.py) builds on it and adds one method
per endpoint. The default source is the network, falling back to the cache when the network fails after retries
(`fetched.offline`); `Source.CACHE` reads the cache only. Auth, 403 and 404 are never masked by the cache: they
say something about the request, not about the network.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from tui.api.cache import DiskCache, canonical_request, entry_key, namespace_id
from tui.api.errors import (
    ApiError,
    AuthError,
    NetworkError,
    OfflineCacheMissError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)
from tui.api.responses import parse_body, parse_retry_after, status_error, validate_body
from tui.api.settings import ClientSettings, user_agent

__all__ = ["ClientStats", "Fetched", "Source", "StudioTransport"]

ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")


class Source(enum.Enum):
    """Where a call may read from: the network (cache as fallback) or the cache only."""

    NETWORK = "network"
    CACHE = "cache"


@dataclass
class Fetched(Generic[T]):
    """A response: the model, the raw body, and its provenance (cache age, offline fallback)."""

    value: T
    raw: dict[str, Any] = field(repr=False)
    from_cache: bool = False
    age_s: float = 0.0
    offline: bool = False
    error: ApiError | None = None


@dataclass
class ClientStats:
    """Counters for tests and the benchmark (client side; the sandbox counts server side)."""

    requests_sent: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    retries: int = 0
    cache_hits: int = 0


class StudioTransport:
    """Typed GETs with retries, an in-flight limit, request coalescing and a disk cache; no endpoints."""

    def __init__(
        self,
        settings: ClientSettings,
        cache: DiskCache | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache if settings.use_cache else None
        self.stats = ClientStats()
        self._endpoint = settings.endpoint.rstrip("/")
        self._sem = asyncio.Semaphore(max(1, settings.max_in_flight))
        self._inflight: dict[str, asyncio.Future[tuple[dict[str, Any], Any, bytes]]] = {}
        self._http = httpx.AsyncClient(
            base_url=self._endpoint,
            headers={"User-Agent": user_agent(), "Accept": "application/json"},
            timeout=httpx.Timeout(settings.timeout_s),
            limits=httpx.Limits(
                max_connections=settings.max_in_flight, max_keepalive_connections=settings.max_in_flight
            ),
            transport=transport,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        await self._http.aclose()

    # ------------------------------------------------------------ credentials

    def _credential(self, jwt_first: bool) -> tuple[str, str] | None:
        """(header, value): the API key for org routes, the JWT for the user routes that require one."""
        key, jwt = self.settings.api_key, self.settings.jwt_token
        order = [("x-jwt-token", jwt), ("x-api-key", key)] if jwt_first else [("x-api-key", key), ("x-jwt-token", jwt)]
        for header, value in order:
            if value:
                return header, value
        return None

    def _redact(self, text: str) -> str:
        """Belt and braces: an API error text that echoes the key must not carry it further."""
        for secret in (self.settings.api_key, self.settings.jwt_token):
            if secret:
                text = text.replace(secret, "***")
        return text

    # ------------------------------------------------------------ the one GET

    async def _get(
        self,
        path: str,
        model: type[ModelT],
        query: dict[str, Any] | None = None,
        *,
        source: Source = Source.NETWORK,
        jwt_first: bool = False,
    ) -> Fetched[ModelT] | None:
        query = {k: v for k, v in (query or {}).items() if v is not None}
        credential = self._credential(jwt_first)
        namespace = namespace_id(self.settings.cache_scope or self._endpoint, credential[1] if credential else None)
        key = entry_key(path, query)
        if source is Source.CACHE or self.settings.offline:
            cached = self._from_cache(namespace, key, model, offline=self.settings.offline)
            if cached is not None or source is Source.CACHE:
                return cached
            raise OfflineCacheMissError(path=path)
        if credential is None:
            raise AuthError.missing()
        coalesce_key = f"GET {canonical_request(path, query)} {namespace}"
        try:
            raw, value, body_bytes = await self._shared(
                coalesce_key, lambda: self._fetch(path, query, model, credential)
            )
        except (NetworkError, RequestTimeoutError, ServerError) as exc:
            if self.settings.cache_fallback:
                cached = self._from_cache(namespace, key, model, offline=True, error=exc)
                if cached is not None:
                    return cached
            raise
        if self.cache is not None:
            # off the event loop: an fsync must not stall the UI
            await asyncio.to_thread(
                self.cache.put, namespace, key, canonical_request(path, query), raw, body_bytes=body_bytes
            )
        return Fetched(value=value, raw=raw)

    def _from_cache(
        self, namespace: str, key: str, model: type[ModelT], *, offline: bool, error: ApiError | None = None
    ) -> Fetched[ModelT] | None:
        if self.cache is None:
            return None
        entry = self.cache.get(namespace, key)
        if entry is None:
            return None
        try:
            value = model.model_validate(entry.body)
        except ValidationError:
            self.cache.delete(namespace, key)  # written by an older eiscope, or tampered with: refetch
            return None
        self.stats.cache_hits += 1
        return Fetched(value=value, raw=entry.body, from_cache=True, age_s=entry.age_s, offline=offline, error=error)

    async def _shared(
        self, key: str, factory: Callable[[], Awaitable[tuple[dict[str, Any], Any, bytes]]]
    ) -> tuple[dict[str, Any], Any, bytes]:
        """Identical requests in flight share one: the first starts it, the rest await the same future."""
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(factory())
            self._inflight[key] = task

            def done(t: asyncio.Future[tuple[dict[str, Any], Any, bytes]]) -> None:
                if self._inflight.get(key) is t:
                    del self._inflight[key]
                if not t.cancelled():
                    t.exception()  # mark retrieved: waiters may all have gone

            task.add_done_callback(done)
        return await asyncio.shield(task)

    async def _fetch(
        self, path: str, query: dict[str, Any], model: type[ModelT], credential: tuple[str, str]
    ) -> tuple[dict[str, Any], ModelT, bytes]:
        raw, body_bytes = await self._send(path, query, credential)
        return raw, validate_body(model, raw, path), body_bytes

    async def _send(
        self, path: str, query: dict[str, Any], credential: tuple[str, str]
    ) -> tuple[dict[str, Any], bytes]:
        """One GET with retries; returns the checked JSON body (and its bytes) or raises the typed error."""
        policy = self.settings.retries
        headers = {credential[0]: credential[1]}
        params = {k: _query_value(v) for k, v in query.items()}
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                async with self._sem:
                    self.stats.requests_sent += 1
                    self.stats.in_flight += 1
                    self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
                    try:
                        response = await self._http.get(path, params=params, headers=headers)
                    finally:
                        self.stats.in_flight -= 1
            except httpx.TimeoutException as exc:
                error: ApiError = RequestTimeoutError(
                    f"the Studio API at {self._host} did not answer within {self.settings.timeout_s:g} s "
                    f"({type(exc).__name__}).",
                    path=path,
                )
            except httpx.RequestError as exc:
                error = NetworkError(f"could not reach {self._host} ({type(exc).__name__}).", path=path)
            else:
                if response.status_code < 300:
                    return parse_body(response, path, self._redact), response.content
                error = status_error(response, path, credential[0], self._redact)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if response.status_code not in policy.retry_statuses:
                    raise error
            delay = retry_after if retry_after is not None else policy.backoff(attempt)
            elapsed = time.monotonic() - started
            if attempt >= policy.max_attempts or elapsed + delay > policy.total_budget_s:
                if isinstance(error, RateLimitedError) and retry_after is not None:
                    raise RateLimitedError(retry_after_s=round(retry_after, 1), status=429, path=path)
                raise error
            self.stats.retries += 1
            await asyncio.sleep(delay)

    @property
    def _host(self) -> str:
        return urlsplit(self._endpoint).netloc or self._endpoint


def _query_value(value: Any) -> str:
    """Query values as the API expects them: booleans lowercase."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
