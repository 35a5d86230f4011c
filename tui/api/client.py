"""The Studio API client: one typed method per GET endpoint eiscope reads, plus paging over the long lists.

Every endpoint method returns a `Fetched` (the model, the raw body, and where it came from). The request
machinery (credentials, retries, coalescing, the disk cache, typed errors) lives in tui/api/transport.py and
the settings in tui/api/settings.py; their public names are re-exported here, so `tui.api.client` stays the
one import for callers.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, overload

from tui.api import models as m
from tui.api.errors import ApiError, JwtRequiredError
from tui.api.fleet import Figures, collect
from tui.api.models_fleet import FleetInfo
from tui.api.paging import PAGE_SIZE, PAGED_KINDS, SMALLER_PAGE_SIZES, Page, iter_pages
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_sizes: dict[str, int] | None = None
        self.filter_uses: dict[str, str] = {}
        """query filter -> what the server did with it: honoured, ignored or refused (tui/api/owned.py)."""

    async def __aenter__(self) -> StudioClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"StudioClient(endpoint={self._endpoint!r})"

    # ------------------------------------------------------------ endpoints

    async def organizations(self, *, source: Source = Source.NETWORK) -> Fetched[m.OrganizationsResponse] | None:
        """GET /api/organizations: with a JWT (preferred when a key is set too), every organization the user
        can reach; with an API key alone, only the key's own organization."""
        return await self._get("/api/organizations", m.OrganizationsResponse, source=source, jwt_first=True)

    async def organization_info(
        self, org_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.OrganizationInfo] | None:
        return await self._get(organization_info_path(org_id), m.OrganizationInfo, source=source)

    async def organization_projects(
        self, org_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.ProjectsResponse] | None:
        return await self._get(f"/api/organizations/{int(org_id)}/projects", m.ProjectsResponse, source=source)

    async def organization_metrics(
        self, org_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.OrganizationMetricsResponse] | None:
        """GET /api/organizations/{id}/metrics: the organization's own compute, storage, projects and users."""
        return await self._get(
            f"/api/organizations/{int(org_id)}/metrics", m.OrganizationMetricsResponse, source=source
        )

    async def organization_api_keys(
        self, org_id: int, *, source: Source = Source.NETWORK
    ) -> Fetched[m.ApiKeysResponse] | None:
        """GET /api/organizations/{id}/apikeys (a JWT only: JwtRequiredError without one). The keys themselves
        are taken out of the body before it is validated, cached or shown."""
        path = f"/api/organizations/{int(org_id)}/apikeys"
        if not self.settings.jwt_token:
            raise JwtRequiredError(path=path)
        return await self._get(path, m.ApiKeysResponse, source=source, jwt_first=True, scrub=_without_keys)

    async def organization_jobs(
        self,
        org_id: int,
        *,
        limit: int,
        offset: int,
        start: datetime | str | None = None,
        end: datetime | str | None = None,
        source: Source = Source.NETWORK,
    ) -> Fetched[m.JobsPage] | None:
        """GET /api/organizations/{id}/jobs/all: one page of the organization's jobs created in [start, end]."""
        query = {
            "limit": limit,
            "offset": offset,
            "startDate": _iso(start) if start is not None else None,
            "endDate": _iso(end) if end is not None else None,
        }
        return await self._get(f"/api/organizations/{int(org_id)}/jobs/all", m.JobsPage, query, source=source)

    async def inner_organization_jobs(
        self, org_id: int, inner_id: int, *, limit: int, offset: int, source: Source = Source.NETWORK
    ) -> Fetched[m.JobsPage] | None:
        """One page of an inner organization's jobs (the route takes no dates: the caller picks the range)."""
        path = f"/api/organizations/{int(org_id)}/whitelabel/organizations/{int(inner_id)}/jobs"
        return await self._get(path, m.JobsPage, {"limit": limit, "offset": offset}, source=source)

    async def whitelabel_project_jobs(
        self, org_id: int, project_id: int, *, limit: int, offset: int, source: Source = Source.NETWORK
    ) -> Fetched[m.JobsPage] | None:
        """One page of a white-label project's jobs."""
        path = f"/api/organizations/{int(org_id)}/whitelabel/projects/{int(project_id)}/jobs"
        return await self._get(path, m.JobsPage, {"limit": limit, "offset": offset}, source=source)

    async def whitelabel_user_jobs(
        self, org_id: int, user_id: int, *, limit: int, offset: int, source: Source = Source.NETWORK
    ) -> Fetched[m.JobsPage] | None:
        """One page of a white-label user's jobs."""
        path = f"/api/organizations/{int(org_id)}/whitelabel/users/{int(user_id)}/jobs"
        return await self._get(path, m.JobsPage, {"limit": limit, "offset": offset}, source=source)

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

    @property
    def page_sizes(self) -> dict[str, int]:
        """list kind -> the page size that worked after the server refused a larger one with a 400.

        Kept beside the cache (`paging/page-sizes.json`), so the next session's cache-first pass asks for the
        pages the network pass stored, and no request is spent on a size the server refuses."""
        if self._page_sizes is None:
            self._page_sizes = {}
            kept = self.kept_files()
            data = kept.read(PAGE_SIZES_FILE, max_bytes=4096) if kept is not None else None
            try:
                found = json.loads(data) if data else {}
            except ValueError:
                found = {}
            if isinstance(found, dict):
                self._page_sizes = {
                    k: v for k, v in found.items() if k in PAGED_KINDS and isinstance(v, int) and 0 < v <= PAGE_SIZE
                }
        return self._page_sizes

    def _remember_page_size(self, kind: str, size: int) -> None:
        sizes = self.page_sizes
        sizes[kind] = size
        kept = self.kept_files()
        if kept is not None:
            with contextlib.suppress(OSError):  # a full disk costs a 400 next session, nothing more
                kept.write(PAGE_SIZES_FILE, json.dumps(sizes, sort_keys=True).encode(), fsync=False)

    async def pages(
        self, kind: str, org_id: int, page_size: int = PAGE_SIZE, *, source: Source = Source.NETWORK, **query: Any
    ) -> AsyncIterator[Page[Any]]:
        """Every page of a list, as they complete (see tui/api/paging.py).

        kind: one of PAGED_KINDS (the method that reads one page); query: that method's other arguments
        (`inner_id=`, `project_id=`, `filters=`, …). A server that answers the page size with a 400 is asked
        again with smaller ones (SMALLER_PAGE_SIZES); the size that worked is kept (`page_sizes`). Within the
        settings' list bounds: past one, ListCutShortError follows the pages given.
        """
        if kind not in PAGED_KINDS:
            raise ValueError(f"unknown list kind {kind!r}; expected one of {', '.join(PAGED_KINDS)}")
        method = getattr(self, kind)
        learned = self.page_sizes

        async def fetch(offset: int, limit: int) -> Any:
            limit = min(limit, learned.get(kind, limit))
            refused = False
            while True:
                try:
                    fetched = await method(org_id, limit=limit, offset=offset, source=source, **query)
                except ApiError as error:
                    smaller = _smaller_page_size(limit)
                    if error.status != 400 or smaller is None:
                        raise
                    limit, refused = smaller, True
                    continue
                if refused and fetched is not None and not fetched.from_cache:
                    self._remember_page_size(kind, limit)  # only a size the server refused is learned
                return fetched

        # twice the in-flight limit ahead: enough to keep every connection busy, never millions of tasks
        window = 2 * max(1, self.settings.max_in_flight)
        pages = iter_pages(
            fetch,
            PAGED_KINDS[kind],
            page_size,
            concurrent=source is Source.NETWORK,
            window=window,
            bounds=self.settings.list_bounds,
        )
        async for page in pages:
            yield page


PAGE_SIZES_FILE = "paging/page-sizes.json"


def _smaller_page_size(limit: int) -> int | None:
    """The next page size to try after a 400 on `limit`, or None when even the smallest was refused."""
    return next((size for size in SMALLER_PAGE_SIZES if size < limit), None)


def _without_keys(body: dict[str, Any]) -> dict[str, Any]:
    """An API key list without the keys: never cached, shown, exported or logged."""
    keys = body.get("apiKeys")
    if not isinstance(keys, list):
        return body
    return {
        **body,
        "apiKeys": [{k: v for k, v in row.items() if k != "apiKey"} if isinstance(row, dict) else row for row in keys],
    }
