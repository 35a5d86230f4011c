"""The request side of the Studio client: credentials, the one cached GET, coalescing, retries and backoff.

`StudioTransport` knows nothing of endpoints; `StudioClient` (tui/api/client.py) builds on it and adds one method
per endpoint. The default source is the network, falling back to the cache when the network fails after retries
(`fetched.offline`); `Source.CACHE` reads the cache only. Auth, 403 and 404 are never masked by the cache: they
say something about the request, not about the network.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError, create_model

from tui.api.body_reader import ACCEPT_ENCODING, read_bounded
from tui.api.cache import DiskCache, entry_key
from tui.api.cache_keys import credential_header, credential_value, namespace_for
from tui.api.errors import (
    ApiError,
    AuthError,
    NetworkError,
    OfflineCacheMissError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)
from tui.api.kept import KeptFiles
from tui.api.limits import MAX_ERROR_BODY_BYTES
from tui.api.query import canonical_request, query_params
from tui.api.redact import redact
from tui.api.responses import parse_body, parse_retry_after, status_error, validate_body, validate_json_body
from tui.api.settings import ClientSettings, user_agent
from tui.api.source import Source

__all__ = ["ClientStats", "Fetched", "Source", "StudioTransport"]

ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")
Scrub = Callable[[dict[str, Any]], dict[str, Any]]

THREADED_BODY_BYTES = 256 * 1024
"""A body this large is parsed and validated in a thread (tens of milliseconds that keys should not wait for)."""


@dataclass
class Fetched(Generic[T]):
    """A response: the model, the raw body, and its provenance (cache age, offline fallback)."""

    value: T
    raw: dict[str, Any] = field(repr=False)
    from_cache: bool = False
    age_s: float = 0.0
    offline: bool = False
    error: ApiError | None = None
    size: int = 0
    """Bytes of the body as received, or of its cache entry: what paging counts against a list's budget."""


@dataclass
class ClientStats:
    """Counters for tests and the benchmark (client side; the sandbox counts server side)."""

    requests_sent: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    retries: int = 0
    cache_hits: int = 0


class _CredentialAuth(httpx.Auth):
    """Sets the credential header inside httpx, as the request goes out.

    So no frame of ours holds the key or a headers dict in a local variable, and a crash report that lists
    locals (one that slips past the app's own guard) has no key to show.
    """

    def __init__(self, settings: ClientSettings, header: str) -> None:
        self._settings = settings
        self._header = header

    def __repr__(self) -> str:
        return f"_CredentialAuth({self._header!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._header] = credential_value(self._settings, self._header) or ""
        yield request


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
        self._decoding = asyncio.Semaphore(1)
        self._inflight: dict[str, asyncio.Future[Any]] = {}
        self._inflight_since: dict[str, float] = {}  # when each request in flight started (time.monotonic)
        self._namespaces: dict[str | None, str] = {}
        # An endpoint httpx cannot parse (`http://[::1/v1`) is reported by the first request as a typed error,
        # not raised here: the app builds its client before any screen can show an error.
        self._endpoint_error: str | None = None
        try:
            httpx.URL(self._endpoint)
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            self._endpoint_error = f"the endpoint is not a valid URL ({self._redact(str(exc))[:120]})."
        self._http = httpx.AsyncClient(
            base_url=self._endpoint if self._endpoint_error is None else "",
            headers={"User-Agent": user_agent(), "Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING},
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

    def _credential_header(self, jwt_first: bool) -> str | None:
        return credential_header(self.settings, jwt_first)

    def _namespace(self, header: str | None) -> str:
        """The cache namespace of this endpoint and credential, hashed once per credential."""
        found = self._namespaces.get(header)
        if found is None:
            found = self._namespaces[header] = namespace_for(self.settings, header)
        return found

    def kept_files(self) -> KeptFiles | None:
        """This endpoint and credential's kept files (fleet summaries, snapshots); None with `--no-cache`."""
        if self.cache is None:
            return None
        return self.cache.kept(self._namespace(self._credential_header(False)))

    def _redact(self, text: str) -> str:
        """Belt and braces: an API error text that echoes the key must not carry it further."""
        return redact(text, (self.settings.api_key, self.settings.jwt_token))

    # ------------------------------------------------------------ the one GET

    async def _get(
        self,
        path: str,
        model: type[ModelT],
        query: dict[str, Any] | None = None,
        *,
        source: Source = Source.NETWORK,
        jwt_first: bool = False,
        scrub: Scrub | None = None,
    ) -> Fetched[ModelT] | None:
        """One GET of `path` as `model`; `scrub` takes out of the body what must never be kept or shown (the
        keys in an API key list) before it is validated or cached."""
        query = {k: v for k, v in (query or {}).items() if v is not None}
        header = self._credential_header(jwt_first)
        namespace = self._namespace(header)
        key = entry_key(path, query)
        if source is Source.CACHE or self.settings.offline:
            cached = await self._from_cache(namespace, key, model, offline=self.settings.offline)
            if cached is not None or source is Source.CACHE:
                return cached
            raise OfflineCacheMissError(path=path)
        if header is None:
            raise AuthError.missing()
        coalesce_key = f"GET {canonical_request(path, query)} {namespace}"
        try:
            raw, value, body_bytes = await self._shared(
                coalesce_key, lambda: self._fetch(path, query, model, header, scrub)
            )
        except (NetworkError, RequestTimeoutError, ServerError) as exc:
            if self.settings.cache_fallback:
                cached = await self._from_cache(namespace, key, model, offline=True, error=exc)
                if cached is not None:
                    return cached
            raise
        if self.cache is not None:
            # off the event loop: an fsync must not stall the UI
            await asyncio.to_thread(
                self.cache.put, namespace, key, canonical_request(path, query), raw, body_bytes=body_bytes
            )
        return Fetched(value=value, raw=raw, size=len(body_bytes) if body_bytes is not None else 0)

    async def _from_cache(
        self, namespace: str, key: str, model: type[ModelT], *, offline: bool, error: ApiError | None = None
    ) -> Fetched[ModelT] | None:
        """The cached entry as a model, read and validated off the event loop (a slow disk must not freeze keys)."""
        if self.cache is None:
            return None
        return await asyncio.to_thread(self._read_cached, self.cache, namespace, key, model, offline, error)

    def _read_cached(
        self,
        cache: DiskCache,
        namespace: str,
        key: str,
        model: type[ModelT],
        offline: bool,
        error: ApiError | None,
    ) -> Fetched[ModelT] | None:
        entry = cache.get(namespace, key)
        if entry is None:
            return None
        try:
            value = model.model_validate(entry.body)
        except ValidationError:
            cache.delete(namespace, key)  # written by an older eiscope, or tampered with: refetch
            return None
        self.stats.cache_hits += 1
        return Fetched(
            value=value,
            raw=entry.body,
            from_cache=True,
            age_s=entry.age_s,
            offline=offline,
            error=error,
            size=entry.size,
        )

    def waiting_s(self) -> float | None:
        """How long the oldest request still in flight has waited (retries included), None when none is: the
        browser says so when an answer is slow in coming."""
        if not self._inflight_since:
            return None
        return time.monotonic() - min(self._inflight_since.values())

    async def _shared(self, key: str, factory: Callable[[], Awaitable[T]]) -> T:
        """Identical requests in flight share one: the first starts it, the rest await the same future."""
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(factory())
            self._inflight[key] = task
            self._inflight_since[key] = time.monotonic()

            def done(t: asyncio.Future[Any]) -> None:
                if self._inflight.get(key) is t:
                    del self._inflight[key]
                    self._inflight_since.pop(key, None)
                if not t.cancelled():
                    t.exception()  # mark retrieved: waiters may all have gone

            task.add_done_callback(done)
        return await asyncio.shield(task)

    async def _fetch(
        self, path: str, query: dict[str, Any], model: type[ModelT], header: str, scrub: Scrub | None = None
    ) -> tuple[dict[str, Any], ModelT, bytes | None]:
        response = await self._send(path, query, header)
        if len(response.content) >= THREADED_BODY_BYTES:
            # Parsing and validating a large body (a page of 1,000 jobs) takes tens of milliseconds: in a thread,
            # one at a time (they hold the GIL: more threads would only queue the event loop behind them), so
            # the event loop (keys, redraws) gets its turn between pages that arrive together.
            async with self._decoding:
                return await asyncio.to_thread(self._decode, response, path, model, scrub)
        return self._decode(response, path, model, scrub)

    def _decode(
        self, response: httpx.Response, path: str, model: type[ModelT], scrub: Scrub | None
    ) -> tuple[dict[str, Any], ModelT, bytes | None]:
        raw = parse_body(response, path, self._redact)
        if scrub is not None:  # the bytes as received still hold what was scrubbed: the cache encodes `raw`
            raw = scrub(raw)
            return raw, validate_body(model, raw, path), None
        return raw, validate_body(model, raw, path), response.content

    # ------------------------------------------------------------ a large body read with a slim model

    async def _get_slim(
        self,
        path: str,
        model: type[ModelT],
        query: dict[str, Any] | None = None,
        *,
        source: Source = Source.NETWORK,
    ) -> Fetched[ModelT] | None:
        """A large body validated into a slim `model` (the few fields a caller needs), never the full model.

        From the network, the bytes received are validated straight into the slim model and written to the
        cache as they came (the full model reads them later); from the cache, the entry's bytes are parsed with
        the slim model. The fleet reads 935 info bodies (195 MB) this way: about 1 ms each. `Fetched.raw` is
        empty: the body is not kept as a dict.
        """
        query = {k: v for k, v in (query or {}).items() if v is not None}
        header = self._credential_header(False)
        namespace = self._namespace(header)
        key = entry_key(path, query)
        if source is Source.CACHE or self.settings.offline:
            cached = await self._cached_slim(namespace, key, model, offline=self.settings.offline)
            if cached is not None or source is Source.CACHE:
                return cached
            raise OfflineCacheMissError(path=path)
        if header is None:
            raise AuthError.missing()
        request = canonical_request(path, query)
        try:
            value, body_bytes = await self._shared(
                f"SLIM {model.__name__} {request} {namespace}", lambda: self._fetch_slim(path, query, model, header)
            )
        except (NetworkError, RequestTimeoutError, ServerError) as exc:
            if self.settings.cache_fallback:
                cached = await self._cached_slim(namespace, key, model, offline=True, error=exc)
                if cached is not None:
                    return cached
            raise
        if self.cache is not None:
            await asyncio.to_thread(self.cache.put, namespace, key, request, None, body_bytes=body_bytes)
        return Fetched(value=value, raw={})

    async def _fetch_slim(
        self, path: str, query: dict[str, Any], model: type[ModelT], header: str
    ) -> tuple[ModelT, bytes]:
        response = await self._send(path, query, header)
        body_bytes = response.content
        return validate_json_body(model, body_bytes, path, self._redact), body_bytes

    async def _cached_slim(
        self, namespace: str, key: str, model: type[ModelT], *, offline: bool, error: ApiError | None = None
    ) -> Fetched[ModelT] | None:
        if self.cache is None:
            return None
        found = await asyncio.to_thread(_read_slim, self.cache, namespace, key, model)
        if found is None:
            return None
        self.stats.cache_hits += 1
        value, fetched_at = found
        age = max(0.0, time.time() - fetched_at)
        return Fetched(value=value, raw={}, from_cache=True, age_s=age, offline=offline, error=error)

    async def _send(self, path: str, query: dict[str, Any], header: str) -> httpx.Response:
        """One GET with retries; returns the 2xx response (its body not parsed yet) or raises the typed error.

        The request, retries and their waits included, has a total deadline (`deadline_s`), besides httpx's
        per-read timeout: a server that trickles one byte every few seconds would otherwise hold it for ever.
        Time queued behind the in-flight limit does not count: that is eiscope's own doing, not the server's.
        """
        if self._endpoint_error is not None:
            raise NetworkError(self._endpoint_error, path=path, bad_endpoint=True)
        policy = self.settings.retries
        auth = _CredentialAuth(self.settings, header)
        params = query_params(query)
        started = time.monotonic()
        spent = 0.0  # seconds spent sending and waiting for answers, against `deadline_s`
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            attempt_started = time.monotonic()
            try:
                async with self._sem:
                    attempt_started = time.monotonic()
                    self.stats.requests_sent += 1
                    self.stats.in_flight += 1
                    self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
                    try:
                        async with (
                            asyncio.timeout(max(0.0, self.settings.deadline_s - spent)),
                            self._http.stream("GET", path, params=params, auth=auth) as streamed,
                        ):
                            response = await self._read(streamed, path)
                    finally:
                        self.stats.in_flight -= 1
            except httpx.TimeoutException as exc:
                error: ApiError = RequestTimeoutError(
                    f"the Studio API at {self._host} did not answer within {self.settings.timeout_s:g} s "
                    f"({type(exc).__name__}).",
                    path=path,
                )
            except TimeoutError:
                error = RequestTimeoutError(
                    f"the Studio API at {self._host} did not finish answering within {self.settings.deadline_s:g} s.",
                    path=path,
                )
            except httpx.RequestError as exc:
                error = NetworkError(f"could not reach {self._host} ({_error_name(exc)}).", path=path)
            except ApiError:
                raise  # a body past its bound, or one that cannot be decoded: retrying cannot help
            except Exception as exc:  # any other failure of a request is still one typed error
                # An invalid URL, a port out of range (OverflowError inside an ExceptionGroup), a protocol error:
                # retrying cannot help, and the message names the kind of failure, never its arguments.
                raise NetworkError(
                    f"could not send a request to {self._host}: the endpoint is not usable ({_error_name(exc)}).",
                    path=path,
                    bad_endpoint=True,
                ) from None
            else:
                if response.status_code < 300:
                    return response
                error = status_error(response, path, header, self._redact)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if response.status_code not in policy.retry_statuses:
                    raise error
            delay = retry_after if retry_after is not None else policy.backoff(attempt)
            elapsed = time.monotonic() - started
            spent += time.monotonic() - attempt_started
            out_of_time = elapsed + delay > policy.total_budget_s or spent + delay >= self.settings.deadline_s
            if attempt >= policy.max_attempts or out_of_time:
                if isinstance(error, RateLimitedError) and retry_after is not None:
                    raise RateLimitedError(retry_after_s=round(retry_after, 1), status=429, path=path)
                raise error
            self.stats.retries += 1
            await asyncio.sleep(delay)
            spent += delay

    async def _read(self, response: httpx.Response, path: str) -> httpx.Response:
        """The body, read as a stream and stopped past its bound (tui/api/body_reader.py); an error body is
        only cut short, since its `error` text is all that is read of it."""
        if response.status_code < 300:
            return await read_bounded(response, self.settings.max_body_bytes, path)
        return await read_bounded(response, MAX_ERROR_BODY_BYTES, path, cut=True)

    @property
    def _host(self) -> str:
        """host:port of the endpoint for messages (never its path or userinfo)."""
        try:
            netloc = urlsplit(self._endpoint).netloc
        except ValueError:  # `http://[::1/v1`
            return "the endpoint"
        return netloc.rpartition("@")[2] or "the endpoint"


def _read_slim(cache: DiskCache, namespace: str, key: str, model: type[ModelT]) -> tuple[ModelT, float] | None:
    """A cached entry's body parsed with a slim model, and when it was fetched; None when missing or unusable."""
    data = cache.get_bytes(namespace, key)
    if data is None:
        return None
    try:
        entry = _cached_entry_model(model).model_validate_json(data)
    except ValidationError:
        return None
    body = entry.body  # type: ignore[attr-defined]
    if getattr(body, "success", None) is False:
        return None
    return body, float(entry.fetched_at)  # type: ignore[attr-defined]


@functools.cache
def _cached_entry_model(model: type[BaseModel]) -> type[BaseModel]:
    """A cache entry file (`{"path", "fetched_at", "body"}`) whose body is read with a slim model."""
    return create_model(f"Cached{model.__name__}", fetched_at=(float, ...), body=(model, ...))


def _error_name(exc: BaseException) -> str:
    """The class name of the innermost error: an ExceptionGroup of one OverflowError reads as OverflowError."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return type(exc).__name__
