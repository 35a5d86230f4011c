"""Models of the job lists (who ran what, and for how long) and of an organization's API keys.

Jobs come from `/api/organizations/{id}/jobs/all` and the white label's inner organization, project and user
job lists, all `ListJobsResponse` (rows plus `totalJobCount`). API keys come from
`/api/organizations/{id}/apikeys` (JWT only); the key itself (`apiKey`) is dropped by the client before the
body is cached or shown, so the model does not require it.
"""

from __future__ import annotations

from typing import Annotated, Any

from tui.api.models_common import ApiModel, ApiResponse, Timestamp
from tui.api.rows import UnreadableRow, rows_of

__all__ = [
    "API_KEY_ROLES",
    "ApiKeyLastUse",
    "ApiKeysResponse",
    "Job",
    "JobUser",
    "JobsPage",
    "OrganizationApiKey",
]

API_KEY_ROLES = ("admin", "member")


class JobUser(ApiModel):
    """CreatedUpdatedByUser: who started a job (or created a key)."""

    id: int
    name: str
    username: str
    photo: str | None = None


class Job(ApiModel):
    """One job: its category, when it was created, started and finished, and the compute it took (seconds)."""

    id: int
    category: str
    category_key: str
    key: str
    created: Timestamp
    started: Timestamp | None = None
    finished: Timestamp | None = None
    finished_successful: bool | None = None
    job_notification_uids: list[int]
    additional_info: str | None = None
    compute_time: float | None = None
    created_by_user: JobUser | None = None
    category_count: int | None = None
    metadata: dict[str, Any] | None = None


class JobsPage(ApiResponse):
    """ListJobsResponse: one page of jobs and the count of all of them (`totalJobCount`)."""

    jobs: Annotated[list[Job | UnreadableRow], rows_of(Job)]
    total_job_count: int


class ApiKeyLastUse(ApiModel):
    """ProjectApiKeyLastUsed: when (and from where) a key was last used."""

    date: Timestamp
    country: str | None = None
    ip_address: str | None = None


class OrganizationApiKey(ApiModel):
    """An organization API key, without the key itself."""

    id: int
    name: str
    created: Timestamp
    role: str  # API_KEY_ROLES
    is_transformation_job_key: bool
    created_by_user: JobUser | None = None
    last_used: ApiKeyLastUse | None = None
    expires: Timestamp | None = None


class ApiKeysResponse(ApiResponse):
    """GET /api/organizations/{id}/apikeys (ListOrganizationApiKeysResponse)."""

    api_keys: Annotated[list[OrganizationApiKey | UnreadableRow], rows_of(OrganizationApiKey)]
