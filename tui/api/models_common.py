"""The foundation every Studio API model shares: the base classes, timestamps, known enum values, and the small
schemas nested in several responses (people, projects, limits).

Names follow the domain (`InnerOrganization`, `DailyMetrics`), fields are snake_case with the API's camelCase
as aliases. Required fields are those of tests/data/ENDPOINTS.md (the SDK 1.96.3 and the archived spec agree);
a field marked "required, nullable" must be present but may be null. `extra="allow"` keeps unknown fields, so
a newer API adds columns to the raw view instead of breaking anything. Enums are plain `str`: a new tier or
role must not make a whole page unreadable; the known values are listed next to each field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = [
    "DATASET_TYPES",
    "LABELING_METHODS",
    "MEMBER_ROLES",
    "PROJECTS_SORT_ORDERS",
    "PROJECT_TIERS",
    "PROJECT_TYPES",
    "USER_TIERS",
    "ApiModel",
    "ApiResponse",
    "EnterpriseTrial",
    "EntitlementLimits",
    "Experiment",
    "ExtensionSettings",
    "Project",
    "ProjectCollaborator",
    "PublicProjectLicense",
    "StaffInfo",
    "Timestamp",
]


# Known enum values (documentation and tests; the models accept any string).
USER_TIERS = ("free", "community-plus", "professional", "enterprise")
PROJECT_TIERS = USER_TIERS
MEMBER_ROLES = ("admin", "member", "guest")
LABELING_METHODS = ("single_label", "object_detection", "label_map")
DATASET_TYPES = ("clinical", "files")
PROJECT_TYPES = ("kws", "audio", "object-detection", "image", "accelerometer", "other")
PROJECTS_SORT_ORDERS = (
    "created-asc",
    "created-desc",
    "added-asc",
    "added-desc",
    "name-asc",
    "name-desc",
    "last-accessed-desc",
)


def _aware(value: datetime) -> datetime:
    """Naive timestamps are UTC (the API's convention); comparing aware with naive would raise later."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


Timestamp = Annotated[datetime, AfterValidator(_aware)]


class ApiModel(BaseModel):
    """Base: camelCase aliases, snake_case names usable too, unknown fields kept."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class ApiResponse(ApiModel):
    """GenericApiResponse: every body has `success` and, when it is false, `error`."""

    success: bool
    error: str | None = None


# ---------------------------------------------------------------- small nested schemas


class StaffInfo(ApiModel):
    is_staff: bool
    has_sudo_rights: bool
    company_name: str | None = None


class EntitlementLimits(ApiModel):
    """Contracted limits; storage in bytes, compute time in seconds (CPU + GPU, GPU alone)."""

    total_storage: float | None = None
    compute_time_per_year: float | None = None
    gpu_compute_time_per_year: float | None = None
    number_of_projects: int | None = None
    number_of_users: int | None = None


class ExtensionSettings(ApiModel):
    """OrganizationExtensionSettings (also UserOrganizationExtensionSettings, a subset)."""

    extensions_enabled: bool | None = None
    extensions_allow_members: bool | None = None
    extensions_allow_localhost: bool | None = None
    extensions_allowed_domains: list[str] | None = None
    extensions_allowed_first_party_ids: list[int] | None = None
    extensions_allow_all_first_party: bool | None = None


class Experiment(ApiModel):
    """UserExperiment / ProjectInfoResponseAllOfExperiments (same shape)."""

    type: str
    title: str
    help: str | None = None
    enabled: bool
    show_to_user: bool


class PublicProjectLicense(ApiModel):
    name: str
    link: str


class EnterpriseTrial(ApiModel):
    id: int
    user_id: int
    organization_id: int
    created: Timestamp
    expiration_date: Timestamp
    notes: str | None = None
    expired_date: Timestamp | None
    deleted_date: Timestamp | None
    upgraded_date: Timestamp | None


# ---------------------------------------------------------------- people


class _UserBase(ApiModel):
    """Fields shared by OrganizationUser, ProjectCollaborator, AdminApiUser and the current user."""

    id: int
    username: str
    name: str
    email: str
    photo: str | None = None
    created: Timestamp
    last_seen: Timestamp | None = None
    staff_info: StaffInfo
    pending: bool
    job_title: str | None = None
    permissions: list[str] | None = None
    company_name: str | None = None
    activated: bool
    mfa_configured: bool
    stripe_customer_id: str | None = None
    has_pending_payments: bool | None = None
    tier: str | None = None  # USER_TIERS
    idps: list[str] | None = None


class ProjectCollaborator(_UserBase):
    is_owner: bool


# ---------------------------------------------------------------- projects


class Project(ApiModel):
    id: int
    name: str
    description: str
    created: Timestamp
    owner: str
    last_accessed: Timestamp | None = None
    last_modified: Timestamp | None = None
    last_modification_details: str | None = None
    logo: str | None = None
    owner_user_id: int | None = None
    owner_organization_id: int | None = None
    owner_avatar: str | None = None
    owner_is_developer_profile: bool
    developer_profile_user_id: int | None = None
    collaborators: list[ProjectCollaborator]
    labeling_method: str  # LABELING_METHODS
    metadata: dict[str, Any]
    data_explorer_screenshot: str | None = None
    is_enterprise_project: bool
    whitelabel_id: int | None
    whitelabel_name: str | None = None
    tags: list[str] | None = None
    category: str | None = None
    license: str | None = None
    tier: str  # PROJECT_TIERS
    has_public_version: bool
    is_public: bool
    allows_live_public_access: bool
    ind_pause_processing_samples: bool
    public_project_listed: bool
    deleted_date: Timestamp | None = None
    full_deletion_date: Timestamp | None = None
    scheduled_full_deletion_date: Timestamp | None = None
