"""The sandbox's API over one world, free of HTTP: (path, query, headers) → a body, or an `ApiFailure`.

Authentication, routing, validation and the handlers live here; `http_handler` speaks HTTP around it. Answers of
routes whose body depends only on the caller, the path and the query (everything but the three paged lists and the
compute-time sum) are built and encoded once and kept in a `BodyCache`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tui.sandbox.body_cache import BodyCache, EncodedBody
from tui.sandbox.job_query import parse_datetime, parse_job_query, select_jobs
from tui.sandbox.jobs import JobRow
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
class Route:
    """One GET route: its path pattern (after /v1), its handler, and what the HTTP layer and faults need to know."""

    pattern: str
    handler: Callable[..., dict[str, Any]]
    cacheable: bool = True  # the body depends only on (caller, path, query): built and encoded once
    rows: str | None = None  # the answer's list field (a page or a list of rows)
    paged: bool = False  # takes `limit` and `offset`
    owner_filter: bool = False  # the white-label projects list, filtered by `filters=ownerOrganizationId:ID`


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
        self.routes = [
            Route(r"/api/user", self._current_user),
            Route(r"/api/user/organizations", self._user_organizations, rows="organizations"),
            Route(r"/api/organizations", self._organizations, rows="organizations"),
            Route(org, self._organization_info),
            Route(org + "/projects", self._organization_projects, rows="projects"),
            Route(org + "/metrics", self._organization_metrics),
            Route(org + "/apikeys", self._api_keys, rows="apiKeys"),
            Route(org + "/jobs", self._active_jobs, rows="jobs", paged=True),
            Route(org + "/jobs/all", self._all_jobs, rows="jobs", paged=True),
            Route(org + "/jobs/history", self._finished_jobs, rows="jobs", paged=True),
            Route(wl, self._whitelabel),
            Route(wl + "/metrics", self._whitelabel_metrics),
            Route(wl + "/organizations", self._inner_orgs, cacheable=False, rows="organizations", paged=True),
            Route(wl + "/organizations/(?P<id>[^/]+)", self._inner_org),
            Route(wl + "/organizations/(?P<id>[^/]+)/usage/computeTime", self._compute_time, cacheable=False),
            Route(wl + "/organizations/(?P<id>[^/]+)/jobs", self._inner_org_jobs, rows="jobs", paged=True),
            Route(wl + "/users", self._users, cacheable=False, rows="users", paged=True),
            Route(wl + "/users/(?P<id>[^/]+)", self._user),
            Route(wl + "/users/(?P<id>[^/]+)/metrics", self._user_metrics),
            Route(wl + "/users/(?P<id>[^/]+)/jobs", self._user_jobs, rows="jobs", paged=True),
            Route(wl + "/projects", self._projects, cacheable=False, rows="projects", paged=True, owner_filter=True),
            Route(wl + "/projects/(?P<id>[^/]+)", self._project),
            Route(wl + "/projects/(?P<id>[^/]+)/jobs", self._project_jobs, rows="jobs", paged=True),
        ]
        self._patterns = [re.compile(route.pattern + r"/?$") for route in self.routes]
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
        route = self.routes[index]
        caller = self._authenticate(headers)
        groups = match.groupdict()

        def build() -> Body:
            try:
                return {"success": True, **route.handler(caller, params, **groups)}
            except QueryError as error:
                raise ApiFailure(400, str(error)) from None

        if not route.cacheable:
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

    def route_of(self, path: str) -> Route | None:
        """The route `path` (with the /v1 prefix) takes, if any."""
        found = self._route(path)
        return None if found is None else self.routes[found[0]]

    def _route(self, path: str) -> tuple[int, re.Match[str]] | None:
        if not path.startswith(API_PREFIX + "/"):
            return None
        rest = path[len(API_PREFIX) :]
        for index, pattern in enumerate(self._patterns):
            match = pattern.match(rest)
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

    def _organization_metrics(self, caller: Caller, params: Params, org: str) -> Body:
        org_id = self._org(caller, org)
        parse_bool(params, "excludeEdgeImpulseUsers")  # no Edge Impulse staff in the sandbox: same counts
        visibility = params.get("projectVisibility") or None
        if visibility not in (None, "public", "private"):
            raise ApiFailure(400, "Invalid value for 'projectVisibility': expected public or private")
        metrics = self.world.organization_metrics(org_id, visibility)
        if metrics is None:
            raise ApiFailure(404, f"No metrics for organization {org_id}")
        return {"metrics": metrics}

    def _api_keys(self, caller: Caller, params: Params, org: str) -> Body:
        """JWT only, as the SDK documents: any other caller gets an empty list."""
        org_id = self._org(caller, org)
        return {"apiKeys": self.world.api_keys(org_id) if caller.is_jwt else []}

    def _active_jobs(self, caller: Caller, params: Params, org: str) -> Body:
        jobs = self._organization_jobs(caller, org)
        return self._job_page(jobs, {**params, "finished": "running"}, dates=False, filters=True)

    def _all_jobs(self, caller: Caller, params: Params, org: str) -> Body:
        return self._job_page(self._organization_jobs(caller, org), params, dates=True, filters=True)

    def _finished_jobs(self, caller: Caller, params: Params, org: str) -> Body:
        jobs = self._organization_jobs(caller, org)
        return self._job_page(jobs, {**params, "finished": "finished"}, dates=True, filters=True)

    def _organization_jobs(self, caller: Caller, org: str) -> list[JobRow]:
        org_id = self._org(caller, org)
        jobs = self.world.organization_jobs(org_id)
        if jobs is None:
            raise ApiFailure(404, f"No jobs for organization {org_id}")
        return jobs

    def _inner_org_jobs(self, caller: Caller, params: Params, org: str, id: str) -> Body:
        self._whitelabel_org(caller, org)
        inner_id = _parse_id(id, "organization")
        jobs = self.world.inner_organization_jobs(inner_id)
        if jobs is None:
            raise ApiFailure(404, f"Organization {inner_id} not found in this white label")
        return self._job_page(jobs, params, dates=False, filters=False)

    def _project_jobs(self, caller: Caller, params: Params, org: str, id: str) -> Body:
        self._whitelabel_org(caller, org)
        project_id = _parse_id(id, "project")
        jobs = self.world.project_jobs(project_id)
        if jobs is None:
            raise ApiFailure(404, f"Project {project_id} not found in this white label")
        return self._job_page(jobs, params, dates=False, filters=False)

    def _user_jobs(self, caller: Caller, params: Params, org: str, id: str) -> Body:
        self._whitelabel_org(caller, org)
        user_id = _parse_id(id, "user")
        jobs = self.world.user_jobs(user_id)
        if jobs is None:
            raise ApiFailure(404, f"User {user_id} not found in this white label")
        return self._job_page(jobs, params, dates=False, filters=False)

    def _job_page(self, jobs: Sequence[JobRow], params: Params, *, dates: bool, filters: bool) -> Body:
        query, limit, offset = parse_job_query(params, dates=dates, filters=filters)
        matching = select_jobs(jobs, query, self.world.job_key)
        page = matching[offset : offset + limit]
        return {"jobs": [self.world.job_body(job) for job in page], "totalJobCount": len(matching)}

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
        start = parse_datetime(params, "startDate", required=True)
        end = parse_datetime(params, "endDate", required=True)
        assert start is not None and end is not None
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


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
