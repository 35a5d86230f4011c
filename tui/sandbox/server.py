"""The sandbox: a real HTTP server on loopback that speaks the Studio organization API over a seeded world.

It is the API behind `eiscope --demo`, every test and the benchmarks. HTTP is the standard library's threaded
server (no hand-written parsing); this module only authenticates, routes, applies faults and wraps world data in
the API's `{"success": true, ...}` envelope.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tui.sandbox.faults import FaultConfig, FaultInjector, FaultKind
from tui.sandbox.query import ListSource, QueryEngine, QueryError, parse_bool, parse_list_query
from tui.sandbox.world import DEFAULT_TODAY, World, build_world

API_PREFIX = "/v1"


class ApiFailure(Exception):
    """An answer other than success: the HTTP status and the API's error text."""

    def __init__(self, status: int, error: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.headers = headers or {}


@dataclass(frozen=True)
class Caller:
    """Who is asking: an organization's API key, or the user behind a JWT."""

    org_id: int | None = None
    api_key: str = ""
    is_jwt: bool = False


Body = dict[str, Any]
Params = dict[str, str]


class Api:
    """The API's behaviour over one world, free of HTTP: (path, params, headers) → body or ApiFailure."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._queries = QueryEngine(getattr(world, "today", DEFAULT_TODAY))
        self._routes: list[tuple[re.Pattern[str], Callable[..., Body]]] = [
            (re.compile(pattern + r"/?$"), handler)
            for pattern, handler in (
                (r"/api/user", self._current_user),
                (r"/api/user/organizations", self._user_organizations),
                (r"/api/organizations", self._organizations),
                (r"/api/organizations/(?P<org>[^/]+)", self._organization_info),
                (r"/api/organizations/(?P<org>[^/]+)/projects", self._organization_projects),
                (r"/api/organizations/(?P<org>[^/]+)/whitelabel", self._whitelabel),
                (r"/api/organizations/(?P<org>[^/]+)/whitelabel/metrics", self._whitelabel_metrics),
                (r"/api/organizations/(?P<org>[^/]+)/whitelabel/organizations", self._inner_orgs),
                (
                    r"/api/organizations/(?P<org>[^/]+)/whitelabel/organizations/(?P<id>[^/]+)",
                    self._inner_org,
                ),
                (
                    r"/api/organizations/(?P<org>[^/]+)/whitelabel/organizations/(?P<id>[^/]+)/usage/computeTime",
                    self._compute_time,
                ),
                (r"/api/organizations/(?P<org>[^/]+)/whitelabel/users", self._users),
                (r"/api/organizations/(?P<org>[^/]+)/whitelabel/users/(?P<id>[^/]+)", self._user),
                (
                    r"/api/organizations/(?P<org>[^/]+)/whitelabel/users/(?P<id>[^/]+)/metrics",
                    self._user_metrics,
                ),
                (r"/api/organizations/(?P<org>[^/]+)/whitelabel/projects", self._projects),
                (r"/api/organizations/(?P<org>[^/]+)/whitelabel/projects/(?P<id>[^/]+)", self._project),
            )
        ]
        self._inner_source = ListSource(
            rows=world.inner_organizations,
            search_fields=("id", "name"),
            last_active=lambda row: world.inner_organization_meta(row["id"]).get("lastActive"),
            is_deleted=lambda row: bool(world.inner_organization_meta(row["id"]).get("deleted")),
            extra_fields=lambda row: world.inner_organization_meta(row["id"]),
        )
        self._user_source = ListSource(
            rows=world.whitelabel_users,
            search_fields=("id", "name", "username", "email"),
            last_active=lambda row: row.get("lastSeen"),
            is_deleted=lambda row: row.get("deletedDate") is not None,
            honours_include_deleted=False,
        )
        self._project_source = ListSource(
            rows=world.whitelabel_projects,
            search_fields=("id", "name", "owner"),
            last_active=lambda row: row.get("lastAccessed"),
            is_deleted=lambda row: row.get("deletedDate") is not None,
        )

    # -- entry point -------------------------------------------------------------------------------------------

    def answer(self, path: str, params: Params, headers: dict[str, str]) -> Body:
        if not path.startswith(API_PREFIX + "/"):
            raise ApiFailure(404, f"No such route: {path}")
        route = path[len(API_PREFIX) :]
        for pattern, handler in self._routes:
            match = pattern.match(route)
            if match:
                caller = self._authenticate(headers)
                return {"success": True, **handler(caller, params, **match.groupdict())}
        raise ApiFailure(404, f"No such route: {path}")

    # -- auth --------------------------------------------------------------------------------------------------

    def _authenticate(self, headers: dict[str, str]) -> Caller:
        api_key = headers.get("x-api-key")
        jwt = headers.get("x-jwt-token") or _cookie(headers.get("cookie", ""), "jwt")
        if api_key:
            org_id = self.world.key_org(api_key)
            if org_id is None:
                raise ApiFailure(401, "Invalid API key")
            return Caller(org_id=org_id, api_key=api_key)
        if jwt:
            if jwt != self.world.jwt_token:
                raise ApiFailure(401, "Invalid or expired JWT token")
            return Caller(is_jwt=True)
        raise ApiFailure(401, "Missing authentication: pass an API key in the x-api-key header")

    def _require_jwt(self, caller: Caller) -> None:
        if not caller.is_jwt:
            raise ApiFailure(401, "This function is only available through a JWT token")

    def _org(self, caller: Caller, raw_id: str) -> int:
        org_id = _parse_id(raw_id, "organization")
        if self.world.organization(org_id) is None:
            raise ApiFailure(404, f"Organization {org_id} not found")
        if caller.is_jwt:
            member_of = {org["id"] for org in self.world.organizations_for_jwt()}
            if org_id not in member_of:
                raise ApiFailure(403, f"You do not have access to organization {org_id}")
        elif caller.org_id != org_id:
            raise ApiFailure(403, f"This API key does not have access to organization {org_id}")
        return org_id

    def _whitelabel_org(self, caller: Caller, raw_id: str) -> int:
        org_id = self._org(caller, raw_id)
        if not self.world.is_whitelabel_admin_org(org_id):
            raise ApiFailure(403, "Organization is not a white label admin organization")
        return org_id

    # -- handlers ----------------------------------------------------------------------------------------------

    def _current_user(self, caller: Caller, params: Params) -> Body:
        self._require_jwt(caller)
        user = dict(self.world.current_user())
        if parse_bool(params, "excludeProjects"):
            user["projects"] = []
        return user

    def _user_organizations(self, caller: Caller, params: Params) -> Body:
        self._require_jwt(caller)
        return {"organizations": self.world.organizations_for_jwt()}

    def _organizations(self, caller: Caller, params: Params) -> Body:
        if caller.is_jwt:
            return {"organizations": self.world.organizations_for_jwt()}
        return {"organizations": self.world.organizations_for_key(caller.api_key)}

    def _organization_info(self, caller: Caller, params: Params, org: str) -> Body:
        info = self.world.organization_info(self._org(caller, org))
        assert info is not None
        return info

    def _organization_projects(self, caller: Caller, params: Params, org: str) -> Body:
        return {"projects": self.world.organization_projects(self._org(caller, org)) or []}

    def _whitelabel(self, caller: Caller, params: Params, org: str) -> Body:
        self._whitelabel_org(caller, org)
        return {"whitelabel": self.world.whitelabel()}

    def _whitelabel_metrics(self, caller: Caller, params: Params, org: str) -> Body:
        self._whitelabel_org(caller, org)
        return {"metrics": self.world.whitelabel_metrics()}

    def _inner_orgs(self, caller: Caller, params: Params, org: str) -> Body:
        self._whitelabel_org(caller, org)
        rows, total = self._list(self._inner_source, params)
        return {"total": total, "organizations": rows}

    def _inner_org(self, caller: Caller, params: Params, org: str, id: str) -> Body:
        self._whitelabel_org(caller, org)
        inner_id = _parse_id(id, "organization")
        info = self.world.inner_organization_info(inner_id)
        deleted = info is not None and self.world.inner_organization_meta(inner_id).get("deleted")
        if info is None or (deleted and not parse_bool(params, "includeDeleted")):
            raise ApiFailure(404, f"Organization {inner_id} not found in this white label")
        return info

    def _compute_time(self, caller: Caller, params: Params, org: str, id: str) -> Body:
        self._whitelabel_org(caller, org)
        inner_id = _parse_id(id, "organization")
        start = _required_datetime(params, "startDate")
        end = _required_datetime(params, "endDate")
        if end < start:
            raise ApiFailure(400, "endDate must not be before startDate")
        usage = self.world.compute_time(inner_id, start, end)
        if usage is None:
            raise ApiFailure(404, f"Organization {inner_id} not found in this white label")
        return usage

    def _users(self, caller: Caller, params: Params, org: str) -> Body:
        self._whitelabel_org(caller, org)
        rows, total = self._list(self._user_source, params)
        fields = [f.strip() for f in params.get("fields", "").split(",") if f.strip()]
        if fields:
            rows = [{k: v for k, v in row.items() if k in fields} for row in rows]
        return {"total": total, "users": rows}

    def _user(self, caller: Caller, params: Params, org: str, id: str) -> Body:
        self._whitelabel_org(caller, org)
        user_id = _parse_id(id, "user")
        user = self.world.whitelabel_user(user_id)
        if user is None:
            raise ApiFailure(404, f"User {user_id} not found in this white label")
        return {"user": user}

    def _user_metrics(self, caller: Caller, params: Params, org: str, id: str) -> Body:
        self._whitelabel_org(caller, org)
        user_id = _parse_id(id, "user")
        metrics = self.world.whitelabel_user_metrics(user_id)
        if metrics is None:
            raise ApiFailure(404, f"User {user_id} not found in this white label")
        return {"metrics": metrics}

    def _projects(self, caller: Caller, params: Params, org: str) -> Body:
        self._whitelabel_org(caller, org)
        rows, total = self._list(self._project_source, params)
        return {"total": total, "projects": rows}

    def _project(self, caller: Caller, params: Params, org: str, id: str) -> Body:
        self._whitelabel_org(caller, org)
        project_id = _parse_id(id, "project")
        project = self.world.whitelabel_project(project_id)
        if project is None:
            raise ApiFailure(404, f"Project {project_id} not found in this white label")
        return {"project": project}

    def _list(self, source: ListSource, params: Params) -> tuple[list[dict[str, Any]], int]:
        try:
            query, window = parse_list_query(params)
        except QueryError as error:
            raise ApiFailure(400, str(error)) from None
        return self._queries.run(source, query, window)


def _parse_id(raw: str, what: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ApiFailure(400, f"Invalid {what} ID '{raw[:40]}': expected a number") from None


def _required_datetime(params: Params, name: str) -> datetime:
    raw = params.get(name)
    if not raw:
        raise ApiFailure(400, f"Missing required query parameter '{name}' (an ISO 8601 date-time)")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ApiFailure(400, f"Invalid '{name}': '{raw[:40]}' is not an ISO 8601 date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class _Handler(BaseHTTPRequestHandler):
    """Turns one HTTP request into an Api call, with the faults the sandbox is asked for."""

    protocol_version = "HTTP/1.1"
    server: _SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and delayed ACKs add ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        sandbox.count(parts.path)
        decision = sandbox.injector.decide(parts.path)
        if decision.delay_s:
            time.sleep(decision.delay_s)
        if decision.kind is FaultKind.DROP:
            self._drop()
            return
        if decision.kind is FaultKind.STATUS:
            headers = {}
            if decision.retry_after_s is not None:
                headers["Retry-After"] = _retry_after_text(decision.retry_after_s)
            self._send(decision.status, {"success": False, "error": _status_text(decision.status)}, headers)
            return
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            body = sandbox.api.answer(parts.path, params, headers)
        except ApiFailure as failure:
            self._send(failure.status, {"success": False, "error": failure.error}, failure.headers)
            return
        if decision.kind is FaultKind.FALSE_SUCCESS:
            body = {"success": False, "error": "Internal error while processing the request (injected)"}
        self._send(200, body, slow_body_s=decision.slow_body_s)

    def do_POST(self) -> None:
        self.server.sandbox.count(urlsplit(self.path).path)
        self._send(405, {"success": False, "error": "The sandbox is read-only: only GET is supported"})

    do_PUT = do_DELETE = do_PATCH = do_POST

    def _send(self, status: int, body: Body, headers: dict[str, str] | None = None, slow_body_s: float = 0.0) -> None:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if slow_body_s <= 0:
            self.wfile.write(payload)
            return
        chunks = 10
        step = max(1, len(payload) // chunks + 1)
        for start in range(0, len(payload), step):
            self.wfile.write(payload[start : start + step])
            self.wfile.flush()
            time.sleep(slow_body_s / chunks)

    def _drop(self) -> None:
        """Close the connection without a word, as a crashed proxy would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the sandbox runs inside the TUI and tests; the request counts are the record."""


def _retry_after_text(seconds: float) -> str:
    return str(max(0, round(seconds))) if seconds >= 1 else f"{seconds:g}"


def _status_text(status: int) -> str:
    return {
        429: "Too many requests, please slow down",
        500: "Internal server error",
        502: "Bad gateway",
        503: "Service temporarily unavailable",
        504: "Gateway timeout",
    }.get(status, f"HTTP {status}")


class _SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Keep the traceback for tests (`Sandbox.errors`) instead of printing over the TUI."""
        self.sandbox.errors.append(traceback.format_exc())


class Sandbox:
    """A running sandbox: start it (or use it as a context manager), point a client at `url`, stop it."""

    def __init__(
        self,
        *,
        scale: str = "demo",
        seed: int = 7,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultConfig | None = None,
        api_key: str | None = None,
        world: World | None = None,
    ) -> None:
        self.world = world or build_world(scale, seed)
        if api_key:
            self.world.admin_key = api_key
        self.api = Api(self.world)
        self.injector = FaultInjector(faults, seed=seed)
        self._host = host
        self._port = port
        self._counts: Counter[str] = Counter()
        self.errors: list[str] = []
        self._counts_lock = threading.Lock()
        self._server: _SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def bind(self) -> Sandbox:
        """Bind the socket now, so that `url` is known before serving."""
        if self._server is None:
            self._server = _SandboxHTTPServer((self._host, self._port), self)
        return self

    def start(self) -> Sandbox:
        """Serve in a background thread (tests, `--demo`)."""
        server = self.bind()._server
        assert server is not None
        self._thread = threading.Thread(target=server.serve_forever, name="eiscope-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_bound(self) -> None:
        """Serve in the calling thread until interrupted (the `eiscope sandbox` command)."""
        server = self.bind()._server
        assert server is not None
        try:
            server.serve_forever()
        finally:
            server.server_close()
            self._server = None

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    # -- what tests and the CLI read ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("The sandbox is not running")
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{API_PREFIX}"

    @property
    def cache_scope(self) -> str:
        """Names a client's cache namespace for this world: the port changes each run, the world does not."""
        return f"eiscope-sandbox:{self.world.scale}:{self.world.seed}"

    @property
    def admin_key(self) -> str:
        return self.world.admin_key

    @property
    def plain_key(self) -> str:
        return self.world.plain_key

    @property
    def jwt_token(self) -> str:
        return self.world.jwt_token

    @property
    def owner_org_id(self) -> int:
        return self.world.owner_org_id

    @property
    def plain_org_id(self) -> int:
        return self.world.plain_org_id

    @property
    def faults(self) -> FaultConfig:
        return self.injector.config

    @faults.setter
    def faults(self, config: FaultConfig) -> None:
        self.injector.config = config

    def fail_next(self, path_substring: str, statuses: list[int], retry_after: float | None = None) -> None:
        self.injector.fail_next(path_substring, statuses, retry_after)

    def clear_faults(self) -> None:
        self.injector.clear()

    def count(self, path: str) -> None:
        with self._counts_lock:
            self._counts[path] += 1

    def request_counts(self) -> dict[str, int]:
        with self._counts_lock:
            return dict(self._counts)

    def total_requests(self) -> int:
        with self._counts_lock:
            return sum(self._counts.values())

    def reset_counts(self) -> None:
        with self._counts_lock:
            self._counts.clear()
