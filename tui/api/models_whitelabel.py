"""Models of the white-label endpoints: the white label itself, its inner organizations, users and projects,
their usage metrics, and the paged lists of them (eiscope's admin view).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from tui.api.models_common import (
    ApiModel,
    ApiResponse,
    EnterpriseTrial,
    EntitlementLimits,
    Experiment,
    ExtensionSettings,
    Project,
    Timestamp,
    _UserBase,
)
from tui.api.models_organization import UserOrganization
from tui.api.rows import UnreadableRow, rows_of

__all__ = [
    "AdminProject",
    "AdminUser",
    "ComputeTimeUsage",
    "CustomDeploymentBlock",
    "DailyMetrics",
    "DevelopmentBoard",
    "ExtensionBlock",
    "InnerOrganization",
    "InnerOrganizationInfo",
    "InnerOrganizationsPage",
    "LearningBlock",
    "MetricsResponse",
    "PartialWhitelabelUser",
    "PartialWhitelabelUsersPage",
    "Theme",
    "Whitelabel",
    "WhitelabelInfo",
    "WhitelabelProjectResponse",
    "WhitelabelProjectsPage",
    "WhitelabelUser",
    "WhitelabelUserResponse",
    "WhitelabelUsersPage",
]


class Theme(ApiModel):
    id: int
    owner_user_id: int | None = None
    owner_organization_id: int | None = None
    name: str
    favicon: dict[str, Any]
    logos: dict[str, Any]
    colors: dict[str, Any]


class CustomDeploymentBlock(ApiModel):
    name: str
    id: float


class LearningBlock(ApiModel):
    title: str
    type: str


class DevelopmentBoard(ApiModel):
    id: int
    name: str
    image: str
    docs_url: str


class Whitelabel(ApiModel):
    id: int
    name: str
    domain: str
    owner_organization_id: int | None = None
    theme_id: int
    theme: Theme | None = None
    identity_providers: list[str]
    allow_password_auth: bool
    deployment_targets: list[str]
    all_deployment_targets: list[str]
    custom_deployment_blocks: list[CustomDeploymentBlock] | None = None
    deployment_options_order: list[str] | None = None
    allow_signup: bool
    allow_free_projects: bool
    expose_public_projects: bool | None = None
    default_deployment_target: str | None = None
    supported_project_types: list[str]  # PROJECT_TYPES
    allow_new_project_ui: bool
    learning_blocks: list[str]
    all_learning_blocks: list[LearningBlock]
    development_boards: list[DevelopmentBoard]
    all_development_boards: list[DevelopmentBoard]
    organizations_limit: int | None = None
    disable_public_entities: bool | None = None
    require_collaborators_in_whitelabel: bool | None = None
    disable_marketing_features: bool | None = None
    disable_forum_access: bool | None = None
    custom_limits: dict[str, Any] | None = None


class InnerOrganization(ApiModel):
    """A row of the white-label organizations list (AdminGetOrganizationsResponseAllOfOrganizations)."""

    id: int
    name: str
    logo: str | None = None
    created: Timestamp
    readme: str | None = None
    experiments: list[str] | None = None
    domain: str | None = None
    whitelabel_id: int | None = None
    billable: bool | None = None
    private_project_count: int
    entitlement_limits: EntitlementLimits | None = None


class DailyMetrics(ApiModel):
    """DailyMetricsRecord: one day of an organization's (or user's) usage; compute time = CPU + 3 x GPU."""

    date: Timestamp
    total_users: int
    total_staff_users: int
    total_projects: int
    total_current_contract_cpu_compute_time_seconds: int
    total_current_contract_gpu_compute_time_seconds: int
    total_current_contract_compute_time_seconds: int
    compute_time_calculated_since: Timestamp
    total_storage_size_bytes: int
    users_added: int
    staff_users_added: int | None = None
    users_deleted: int
    staff_users_deleted: int | None = None
    projects_added: int
    projects_deleted: int
    cpu_compute_time_seconds: int
    gpu_compute_time_seconds: int
    compute_time_seconds: int
    storage_bytes_added: int
    storage_bytes_deleted: int


class ExtensionBlock(ApiModel):
    id: int
    name: str


class ComputeTimeUsage(ApiResponse):
    """OrganizationComputeTimeUsage: CPU and GPU in seconds; total in minutes (per the API's description)."""

    cpu_compute_time: float | None = None
    gpu_compute_time: float | None = None
    total_compute_time: float | None = None


class InnerOrganizationInfo(ComputeTimeUsage):
    """GET .../whitelabel/organizations/{innerId} (AdminOrganizationInfoResponse)."""

    billable: bool | None = None
    entitlement_limits: EntitlementLimits | None = None
    compute_time_current_contract_since: Timestamp | None = None
    total_storage: float | None = None
    daily_metrics: list[DailyMetrics] | None = None
    extension_blocks: list[ExtensionBlock] | None = None
    extension_settings: ExtensionSettings | None = None


class WhitelabelUser(ApiModel):
    """A row of the white-label users list (AdminGetUsersResponseAllOfUsers)."""

    id: int
    username: str
    email: str
    name: str
    photo: str | None = None
    created: Timestamp
    last_seen: Timestamp | None = None
    activated: bool | None = None
    from_evaluation: bool | None = Field(default=None, alias="from_evaluation")
    tier: str | None = None  # USER_TIERS
    deleted_date: Timestamp | None = None


class AdminUser(_UserBase):
    """AdminApiUser: one white-label user in full, with projects, trials and daily metrics."""

    tier: str  # USER_TIERS (required here)
    organizations: list[UserOrganization]
    projects: list[Project]
    experiments: list[Experiment]
    evaluation: bool | None = None
    ambassador: bool | None = None
    suspended: bool
    trials: list[EnterpriseTrial]
    daily_metrics: list[DailyMetrics] | None = None


class AdminProject(ApiModel):
    """AdminApiProject: a row of the white-label projects list."""

    id: int
    name: str
    description: str | None = None
    created: Timestamp | None = None
    owner: str
    owner_user_id: int | None = None
    owner_organization_id: int | None = None
    last_accessed: Timestamp | None = None
    whitelabel_id: int | None = None
    tier: str | None = None  # PROJECT_TIERS
    category: str | None = None  # PROJECT_TYPES
    deleted_date: Timestamp | None = None


# ---------------------------------------------------------------- response envelopes


class WhitelabelInfo(ApiResponse):
    """GET .../whitelabel (GetWhitelabelResponse); `whitelabel` is optional in the spec."""

    whitelabel: Whitelabel | None = None


class MetricsResponse(ApiResponse):
    """GET .../whitelabel/metrics and .../users/{id}/metrics: `metrics` is untyped in the spec."""

    metrics: dict[str, Any]


class InnerOrganizationsPage(ApiResponse):
    """GET .../whitelabel/organizations: one page plus the total match count."""

    total: int
    organizations: Annotated[list[InnerOrganization | UnreadableRow], rows_of(InnerOrganization)]


class WhitelabelUsersPage(ApiResponse):
    total: int
    users: Annotated[list[WhitelabelUser | UnreadableRow], rows_of(WhitelabelUser)]


class PartialWhitelabelUser(ApiModel):
    """A users-list row asked for with `fields=...`: only the requested fields are present."""

    id: int | None = None
    username: str | None = None
    email: str | None = None
    name: str | None = None
    photo: str | None = None
    created: Timestamp | None = None
    last_seen: Timestamp | None = None
    activated: bool | None = None
    from_evaluation: bool | None = Field(default=None, alias="from_evaluation")
    tier: str | None = None
    deleted_date: Timestamp | None = None


class PartialWhitelabelUsersPage(ApiResponse):
    """GET .../whitelabel/users with `fields`: required fields may be left out on purpose."""

    total: int
    users: Annotated[list[PartialWhitelabelUser | UnreadableRow], rows_of(PartialWhitelabelUser)]


class WhitelabelProjectsPage(ApiResponse):
    total: int
    projects: Annotated[list[AdminProject | UnreadableRow], rows_of(AdminProject)]


class WhitelabelUserResponse(ApiResponse):
    user: AdminUser


class WhitelabelProjectResponse(ApiResponse):
    """GET .../whitelabel/projects/{id}; the SDK says {project}, the archived spec a full ProjectInfoResponse.

    Both carry `project`, which is all eiscope reads; everything else is kept as extra fields.
    """

    project: Project
