"""The Studio API client: one typed method per GET endpoint eiscope reads, plus paging over the long lists.

Every endpoint method returns a `Fetched` (the model, the raw body, and where it came from). The request
machinery (credentials, retries, coalescing, the disk cache, typed errors) lives in tui/api/transport.py and
the settings in tui/api/settings.py; their public names are re-exported here, so `tui.api.client` stays the
one import for callers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, overload

from tui.api import models as m
from tui.api.fleet import Figures, collect
from tui.api.models_fleet import FleetInfo
from tui.api.paging import PAGED_KINDS, Page, iter_pages
from tui.api.peek import organization_info_path
from tui.api.responses import parse_retry_after
from tui.api.settings import DEFAULT_ENDPOINT, ClientSettings, RetryPolicy, user_agent
from tui.api.transport import ClientStats, Fetched, Source, StudioTransport

__all__ = [
    "DEFAULT_ENDPOINT",
    "ClientSettings",
    "ClientStats",
    "Fetched",
    "RetryPolicy",
    "Source",
    "StudioClient",
    "parse_retry_after",
    "user_agent",
]


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _list_query(
    limit: int, offset: int, search: str | None, sort: str | None, filters: str | None, active: int | None
) -> dict[str, Any]:
    """The query the three paged white-label lists share (None values are left out when sent)."""
    return {"limit": limit, "offset": offset, "search": search, "sort": sort, "filters": filters, "active": active}


class StudioClient(StudioTransport):
    """Async client of the Studio API (read-only). Use as `async with StudioClient(settings, cache) as c:`."""

    async def __aenter__(self) -> StudioClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"StudioClient(endpoint={self._endpoint!r})"

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
        return await self._get(organization_info_path(org_id), m.OrganizationInfo, source=source)

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
        query = {**_list_query(limit, offset, search, sort, filters, active), "includeDeleted": include_deleted}
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

    async def inner_organization_figures(
        self, org_id: int, inner_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[Figures] | None:
        """What Fleet health reads of an inner organization (tui/api/fleet.py's `Figures`), from the same info
        body as `inner_organization` (and the same cache entry), parsed with a slim model. `raw` is empty."""
        fetched = await self._get_slim(
            f"/api/organizations/{int(org_id)}/whitelabel/organizations/{int(inner_id)}", FleetInfo, source=source
        )
        if fetched is None:
            return None
        info = fetched.value
        return Fetched(
            value=collect(info.entitlement_limits, info.daily_metrics or []),
            raw=fetched.raw,
            from_cache=fetched.from_cache,
            age_s=fetched.age_s,
            offline=fetched.offline,
            error=fetched.error,
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
        query = {**_list_query(limit, offset, search, sort, filters, active), "tier": tier, "fields": fields}
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
        query = _list_query(limit, offset, search, sort, filters, active)
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

        # twice the in-flight limit ahead: enough to keep every connection busy, never millions of tasks
        window = 2 * max(1, self.settings.max_in_flight)
        pages = iter_pages(fetch, PAGED_KINDS[kind], page_size, concurrent=source is Source.NETWORK, window=window)
        async for page in pages:
            yield page
