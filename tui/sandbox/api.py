"""The sandbox's API over one world, free of HTTP: (path, query, headers) → a body, or an `ApiFailure`.

Authentication, routing, validation and the handlers live here; `http_handler` speaks HTTP around it. Answers of
routes whose body depends only on the caller, the path and the query (everything but the three paged lists and the
compute-time sum) are built and encoded once and kept in a `BodyCache`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tui.sandbox.body_cache import BodyCache, EncodedBody
from tui.sandbox.query import ListSource, QueryEngine, QueryError, parse_bool, parse_list_query
from tui.sandbox.world import World

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
Reply = Body | EncodedBody


class Api:
    """The API's behaviour over one world, free of HTTP: (path, params, headers) → body or ApiFailure."""

    def __init__(self, world: World, body_cache: BodyCache | None = None) -> None:
        self.world = world
        self.body_cache = body_cache if body_cache is not None else BodyCache()
        self._queries = QueryEngine(world.today)
        org = r"/api/organizations/(?P<org>[^/]+)"
        wl = org + "/whitelabel"
        routes: list[tuple[str, Callable[..., Body], bool]] = [
            (r"/api/user", self._current_user, True),
            (r"/api/user/organizations", self._user_organizations, True),
            (r"/api/organizations", self._organizations, True),
            (org, self._organization_info, True),
            (org + "/projects", self._organization_projects, True),
            (wl, self._whitelabel, True),
            (wl + "/metrics", self._whitelabel_metrics, True),
            (wl + "/organizations", self._inner_orgs, False),
            (wl + "/organizations/(?P<id>[^/]+)", self._inner_org, True),
            (wl + "/organizations/(?P<id>[^/]+)/usage/computeTime", self._compute_time, False),
            (wl + "/users", self._users, False),
            (wl + "/users/(?P<id>[^/]+)", self._user, True),
            (wl + "/users/(?P<id>[^/]+)/metrics", self._user_metrics, True),
            (wl + "/projects", self._projects, False),
            (wl + "/projects/(?P<id>[^/]+)", self._project, True),
        ]
        self._routes = [(re.compile(pattern + r"/?$"), handler, cacheable) for pattern, handler, cacheable in routes]
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

    def answer(self, path: str, params: Params, headers: dict[str, str]) -> Reply:
        """The body of a successful answer (a dict, or cached encoded bytes); raises `ApiFailure` otherwise."""
        found = self._route(path)
        if found is None:
            raise ApiFailure(404, f"No such route: {path[:200]}")
        index, match = found
        _, handler, cacheable = self._routes[index]
        caller = self._authenticate(headers)
        groups = match.groupdict()

        def build() -> Body:
            try:
                return {"success": True, **handler(caller, params, **groups)}
            except QueryError as error:
                raise ApiFailure(400, str(error)) from None

        if not cacheable:
            return build()
        key = (index, tuple(groups.values()), caller.org_id, caller.is_jwt, tuple(sorted(params.items())))
        return self.body_cache.get_or_build(key, build)

    def prebuild_inner_organizations(self, stop: Callable[[], bool] = lambda: False) -> int:
        """Build and cache every live inner organization's answer as the admin key asks for it (`GET
        .../whitelabel/organizations/{id}`, no query), while the cache has room; the number built.

        Opt-in (`Sandbox(prebuild=True)`, `eiscope sandbox --prebuild`): a large world takes seconds of CPU, and
        it makes the first whole-white-label walk as fast as the next ones."""
        owner = str(self.world.owner_org_id)
        path = f"{API_PREFIX}/api/organizations/{owner}/whitelabel/organizations/"
        headers = {"x-api-key": self.world.admin_key}
        built = 0
        for row in self.world.inner_organizations:
            if stop() or self.body_cache.size_bytes > 0.9 * self.body_cache.budget_bytes:
                break
            if self.world.inner_organization_meta(row["id"]).get("deleted"):
                continue
            self.answer(path + str(row["id"]), {}, headers)
            built += 1
        return built

    def knows(self, path: str) -> bool:
        """True when `path` is one of the API's routes (whatever its ids): the request counter keys by it."""
        return self._route(path) is not None

    def _route(self, path: str) -> tuple[int, re.Match[str]] | None:
        if not path.startswith(API_PREFIX + "/"):
            return None
        route = path[len(API_PREFIX) :]
        for index, (pattern, _, _) in enumerate(self._routes):
            match = pattern.match(route)
            if match:
                return index, match
        return None

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
        include_deleted = parse_bool(params, "includeDeleted")
        info = self.world.inner_organization_info(inner_id)
        deleted = info is not None and self.world.inner_organization_meta(inner_id).get("deleted")
        if info is None or (deleted and not include_deleted):
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
        answer = self.world.whitelabel_project_answer(project_id)
        if answer is None:
            raise ApiFailure(404, f"Project {project_id} not found in this white label")
        return answer

    def _list(self, source: ListSource, params: Params) -> tuple[list[dict[str, Any]], int]:
        query, window = parse_list_query(params)
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
    # RFC 3339 (the spec's date-time) allows a lower-case "t" and "z" and a leap second, which Python does not.
    text = _LEAP_SECOND.sub(r":59\1", raw.strip().upper()).replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ApiFailure(400, f"Invalid '{name}': '{raw[:40]}' is not an ISO 8601 date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_LEAP_SECOND = re.compile(r"(?<=T\d\d:\d\d):60([.+\-Z]|$)")


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
