"""The Studio API client: typed GETs with retries, an in-flight limit, request coalescing and a disk cache.

Every endpoint method returns a `Fetched` (the model, the raw body, and where it came from). The default
source is the network, falling back to the cache when the network fails after retries (`fetched.offline`);
`Source.CACHE` reads the cache only, so a screen can paint at once and refresh after. Auth, 403 and 404 are
never masked by the cache: they say something about the request, not about the network.
"""

from __future__ import annotations

import asyncio
import email.utils
import enum
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar, overload
from urllib.parse import urlsplit

import httpx
import pydantic_core
from pydantic import BaseModel, ValidationError

from tui.api import models as m
from tui.api.cache import DiskCache, canonical_request, entry_key, namespace_id
from tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    NotWhitelabelAdminError,
    OfflineCacheMissError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)
from tui.api.paging import PAGED_KINDS, Page, iter_pages

__all__ = [
    "DEFAULT_ENDPOINT",
    "ClientSettings",
    "Fetched",
    "RetryPolicy",
    "Source",
    "StudioClient",
    "user_agent",
]

DEFAULT_ENDPOINT = "https://studio.edgeimpulse.com/v1"
ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")


def user_agent() -> str:
    """`eiscope/<version>`, so Edge Impulse can tell our traffic apart."""
    try:
        from importlib.metadata import version

        return f"eiscope/{version('eiscope')}"
    except Exception:
        return "eiscope/0.1.0"


class Source(enum.Enum):
    """Where a call may read from: the network (cache as fallback) or the cache only."""

    NETWORK = "network"
    CACHE = "cache"


@dataclass(frozen=True)
class RetryPolicy:
    """Retries for idempotent GETs: connect errors, timeouts, 429, 502, 503, 504 (never 500)."""

    max_attempts: int = 4
    total_budget_s: float = 20.0
    base_delay_s: float = 0.25
    max_delay_s: float = 4.0
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (AWS architecture blog): uniform(0, min(cap, base * 2^n))."""
        return random.uniform(0.0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))


@dataclass
class ClientSettings:
    """Everything the client needs; secrets are kept out of repr."""

    endpoint: str = DEFAULT_ENDPOINT
    api_key: str | None = field(default=None, repr=False)
    jwt_token: str | None = field(default=None, repr=False)
    max_in_flight: int = 8
    timeout_s: float = 30.0
    retries: RetryPolicy = field(default_factory=RetryPolicy)
    offline: bool = False
    use_cache: bool = True
    cache_fallback: bool = True  # export turns this off: a script should not get stale data silently
    cache_scope: str | None = None  # names the cache namespace instead of the endpoint (the demo's port varies)


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


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class StudioClient:
    """Async client of the Studio API (read-only). Use as `async with StudioClient(settings, cache) as c:`."""

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

    async def __aenter__(self) -> StudioClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"StudioClient(endpoint={self._endpoint!r})"

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
        return raw, self._validate(model, raw, path), body_bytes

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
                    return self._parse(response, path), response.content
                error = self._status_error(response, path, credential[0])
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

    def _api_error_text(self, response: httpx.Response) -> str | None:
        try:
            body = response.json()
        except ValueError:
            return None
        text = body.get("error") if isinstance(body, dict) else None
        return self._redact(str(text))[:500] if text else None

    def _status_error(self, response: httpx.Response, path: str, header: str) -> ApiError:
        status = response.status_code
        text = self._api_error_text(response)
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
            return NotFoundError(f"404: {path} was not found.{suffix}", status=status, path=path, api_error=text)
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

    def _parse(self, response: httpx.Response, path: str) -> dict[str, Any]:
        """A 2xx body must be a JSON object with success: true."""
        try:
            body = pydantic_core.from_json(response.content)
        except ValueError:
            raise BadResponseError(
                f"the Studio API sent a body that is not JSON for {path}.",
                path=path,
                raw=self._redact(response.text[:2000]),
            ) from None
        if not isinstance(body, dict):
            raise BadResponseError(
                f"the Studio API sent a JSON {type(body).__name__}, not an object, for {path}.",
                path=path,
                raw=body,
            )
        if body.get("success") is False:
            text = self._redact(str(body.get("error") or "no error text"))[:500]
            raise BadResponseError(
                f"the Studio API reported an error: {text}",
                path=path,
                raw=body,
                api_error=text,
                status=response.status_code,
                field_path="success",
            )
        return body

    def _validate(self, model: type[ModelT], raw: dict[str, Any], path: str) -> ModelT:
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            field_path = ".".join(str(part) for part in first["loc"])
            more = f" and {exc.error_count() - 1} more" if exc.error_count() > 1 else ""
            raise BadResponseError(
                f"the Studio API response for {path} has a bad field {field_path}: {first['msg']}{more}.",
                field_path=field_path,
                raw=raw,
                path=path,
            ) from None

    # ------------------------------------------------------------ endpoints

    async def current_user(
        self, *, exclude_projects: bool | None = None, source: Source = Source.NETWORK
    ) -> Fetched[m.CurrentUser] | None:
        """GET /api/user (JWT only)."""
        return await self._get(
            "/api/user", m.CurrentUser, {"excludeProjects": exclude_projects}, source=source, jwt_first=True
        )

    async def user_organizations(self, *, source: Source = Source.NETWORK) -> Fetched[m.OrganizationsResponse] | None:
        """GET /api/user/organizations (JWT only)."""
        return await self._get("/api/user/organizations", m.OrganizationsResponse, source=source, jwt_first=True)

    async def organizations(self, *, source: Source = Source.NETWORK) -> Fetched[m.OrganizationsResponse] | None:
        """GET /api/organizations: with an API key, only the key's own organization."""
        return await self._get("/api/organizations", m.OrganizationsResponse, source=source)

    async def organization_info(
        self, org_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.OrganizationInfo] | None:
        return await self._get(f"/api/organizations/{int(org_id)}", m.OrganizationInfo, source=source)

    async def organization_projects(
        self, org_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.ProjectsResponse] | None:
        return await self._get(f"/api/organizations/{int(org_id)}/projects", m.ProjectsResponse, source=source)

    async def whitelabel_info(
        self, org_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.WhitelabelInfo] | None:
        return await self._get(f"/api/organizations/{int(org_id)}/whitelabel", m.WhitelabelInfo, source=source)

    async def whitelabel_metrics(
        self, org_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.MetricsResponse] | None:
        return await self._get(f"/api/organizations/{int(org_id)}/whitelabel/metrics", m.MetricsResponse, source=source)

    async def inner_organizations(
        self,
        org_id: int,
        *,
        limit: int,
        offset: int,
        search: str | None = None,
        sort: str | None = None,
        filters: str | None = None,
        active: int | None = None,
        include_deleted: bool | None = None,
        source: Source = Source.NETWORK,
    ) -> Fetched[m.InnerOrganizationsPage] | None:
        query = {
            "limit": limit,
            "offset": offset,
            "search": search,
            "sort": sort,
            "filters": filters,
            "active": active,
            "includeDeleted": include_deleted,
        }
        return await self._get(
            f"/api/organizations/{int(org_id)}/whitelabel/organizations",
            m.InnerOrganizationsPage,
            query,
            source=source,
        )

    async def inner_organization(
        self,
        org_id: int,
        inner_id: int,
        *,
        include_deleted: bool | None = None,
        source: Source = Source.NETWORK,
    ) -> Fetched[m.InnerOrganizationInfo] | None:
        return await self._get(
            f"/api/organizations/{int(org_id)}/whitelabel/organizations/{int(inner_id)}",
            m.InnerOrganizationInfo,
            {"includeDeleted": include_deleted},
            source=source,
        )

    async def inner_organization_compute_time(
        self,
        org_id: int,
        inner_id: int,
        start: datetime | str,
        end: datetime | str,
        *,
        source: Source = Source.NETWORK,
    ) -> Fetched[m.ComputeTimeUsage] | None:
        path = f"/api/organizations/{int(org_id)}/whitelabel/organizations/{int(inner_id)}/usage/computeTime"
        return await self._get(
            path, m.ComputeTimeUsage, {"startDate": _iso(start), "endDate": _iso(end)}, source=source
        )

    @overload
    async def whitelabel_users(
        self,
        org_id: int,
        *,
        limit: int,
        offset: int,
        search: str | None = ...,
        sort: str | None = ...,
        filters: str | None = ...,
        active: int | None = ...,
        tier: str | None = ...,
        fields: None = ...,
        source: Source = ...,
    ) -> Fetched[m.WhitelabelUsersPage] | None: ...

    @overload
    async def whitelabel_users(
        self,
        org_id: int,
        *,
        limit: int,
        offset: int,
        search: str | None = ...,
        sort: str | None = ...,
        filters: str | None = ...,
        active: int | None = ...,
        tier: str | None = ...,
        fields: str,
        source: Source = ...,
    ) -> Fetched[m.PartialWhitelabelUsersPage] | None: ...

    async def whitelabel_users(
        self,
        org_id: int,
        *,
        limit: int,
        offset: int,
        search: str | None = None,
        sort: str | None = None,
        filters: str | None = None,
        active: int | None = None,
        tier: str | None = None,
        fields: str | None = None,
        source: Source = Source.NETWORK,
    ) -> Fetched[m.WhitelabelUsersPage] | Fetched[m.PartialWhitelabelUsersPage] | None:
        """One page of white-label users; with `fields` the rows are PartialWhitelabelUser (all optional)."""
        query = {
            "limit": limit,
            "offset": offset,
            "search": search,
            "sort": sort,
            "filters": filters,
            "active": active,
            "tier": tier,
            "fields": fields,
        }
        path = f"/api/organizations/{int(org_id)}/whitelabel/users"
        if fields:
            return await self._get(path, m.PartialWhitelabelUsersPage, query, source=source)
        return await self._get(path, m.WhitelabelUsersPage, query, source=source)

    async def whitelabel_user(
        self, org_id: int, user_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.WhitelabelUserResponse] | None:
        return await self._get(
            f"/api/organizations/{int(org_id)}/whitelabel/users/{int(user_id)}",
            m.WhitelabelUserResponse,
            source=source,
        )

    async def whitelabel_user_metrics(
        self, org_id: int, user_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.MetricsResponse] | None:
        return await self._get(
            f"/api/organizations/{int(org_id)}/whitelabel/users/{int(user_id)}/metrics",
            m.MetricsResponse,
            source=source,
        )

    async def whitelabel_projects(
        self,
        org_id: int,
        *,
        limit: int,
        offset: int,
        search: str | None = None,
        sort: str | None = None,
        filters: str | None = None,
        active: int | None = None,
        source: Source = Source.NETWORK,
    ) -> Fetched[m.WhitelabelProjectsPage] | None:
        query = {
            "limit": limit,
            "offset": offset,
            "search": search,
            "sort": sort,
            "filters": filters,
            "active": active,
        }
        return await self._get(
            f"/api/organizations/{int(org_id)}/whitelabel/projects",
            m.WhitelabelProjectsPage,
            query,
            source=source,
        )

    async def whitelabel_project(
        self, org_id: int, project_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.WhitelabelProjectResponse] | None:
        return await self._get(
            f"/api/organizations/{int(org_id)}/whitelabel/projects/{int(project_id)}",
            m.WhitelabelProjectResponse,
            source=source,
        )

    # ------------------------------------------------------------ paging

    async def pages(
        self, kind: str, org_id: int, page_size: int = 1000, *, source: Source = Source.NETWORK, **query: Any
    ) -> AsyncIterator[Page[Any]]:
        """Every page of a white-label list, as they complete (see tui/api/paging.py).

        kind: "inner_organizations" | "whitelabel_users" | "whitelabel_projects";
        query: the filters of that method.
        """
        if kind not in PAGED_KINDS:
            raise ValueError(f"unknown list kind {kind!r}; expected one of {', '.join(PAGED_KINDS)}")
        method = getattr(self, kind)

        async def fetch(offset: int, limit: int) -> Any:
            return await method(org_id, limit=limit, offset=offset, source=source, **query)

        async for page in iter_pages(fetch, PAGED_KINDS[kind], page_size, concurrent=source is Source.NETWORK):
            yield page


def _query_value(value: Any) -> str:
    """Query values as the API expects them: booleans lowercase."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
