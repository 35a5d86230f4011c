"""Models of the organization endpoints: an organization with its members and datasets, the lists of them,
and an organization as it appears on the current user.
"""

from __future__ import annotations

from pydantic import Field

from tui.api.models_common import (
    ApiModel,
    ApiResponse,
    EntitlementLimits,
    Experiment,
    ExtensionSettings,
    Project,
    PublicProjectLicense,
    Timestamp,
    _UserBase,
)

__all__ = [
    "CliLists",
    "CliOption",
    "DatasetBucket",
    "DefaultComputeLimits",
    "Organization",
    "OrganizationDataset",
    "OrganizationInfo",
    "OrganizationMetrics",
    "OrganizationMetricsResponse",
    "OrganizationUser",
    "OrganizationsResponse",
    "Performance",
    "ProjectsResponse",
    "Readme",
    "UserOrganization",
]


class OrganizationUser(_UserBase):
    """A member of an organization (`organization.users` in organization info)."""

    added: Timestamp
    role: str  # MEMBER_ROLES
    project_count: int
    datasets: list[str]
    last_access_to_organization: Timestamp | None = None
    last_organization_project_accessed: int | None = None


class Organization(ApiModel):
    id: int
    name: str
    logo: str | None = None
    header_img: str | None = None
    show_header_img_mask: bool
    users: list[OrganizationUser]
    is_developer_profile: bool
    whitelabel_id: int | None
    whitelabel_name: str | None = None
    projects: list[Project] | None = None
    trial_id: int | None
    trial_expired_date: Timestamp | None
    trial_upgraded_date: Timestamp | None
    created: Timestamp
    contract_start_date: Timestamp | None = None
    deleted_date: Timestamp | None = None
    extension_settings: ExtensionSettings | None = None


class UserOrganization(ApiModel):
    """An organization as listed on the current user (lighter than Organization, no users)."""

    id: int
    name: str
    logo: str | None = None
    is_developer_profile: bool
    extension_settings: ExtensionSettings | None = None
    whitelabel_id: int | None
    is_admin: bool
    created: Timestamp
    trial_id: float | None
    trial_expired_date: Timestamp | None
    trial_upgraded_date: Timestamp | None
    entitlement_limits: EntitlementLimits
    user_count: int
    admin_count: int
    private_project_count: int
    last_accessed: Timestamp | None = None
    public_project_license: PublicProjectLicense


class DatasetBucket(ApiModel):
    id: int
    bucket: str
    path: str
    full_bucket_path_description: str
    data_item_naming_levels_deep: int


class OrganizationDataset(ApiModel):
    dataset: str
    last_file_created: Timestamp
    total_file_size: int
    total_file_count: int
    total_item_count: int
    total_item_count_checklist_ok: int = Field(alias="totalItemCountChecklistOK")
    total_item_count_checklist_failed: int
    tags: list[str]
    category: str | None = None
    bucket: DatasetBucket | None = None
    type: str  # DATASET_TYPES
    bucket_path: str | None = None


class DefaultComputeLimits(ApiModel):
    requests_cpu: float
    requests_memory: float
    limits_cpu: float
    limits_memory: float


class Readme(ApiModel):
    markdown: str
    html: str


class CliOption(ApiModel):
    label: str
    value: str


class CliLists(ApiModel):
    object_detection_last_layer_options: list[CliOption]
    image_input_scaling_options: list[CliOption]


class Performance(ApiModel):
    job_limit_m: int


class OrganizationInfo(ApiResponse):
    """GET /api/organizations/{id}: the organization with its members, datasets and limits."""

    organization: Organization
    datasets: list[OrganizationDataset]
    default_compute_limits: DefaultComputeLimits
    entitlement_limits: EntitlementLimits | None = None
    experiments: list[Experiment]
    readme: Readme | None = None
    whitelabel_id: int | None = None
    cli_lists: CliLists
    performance: Performance


class OrganizationMetrics(ApiModel):
    """An organization's own usage: compute in minutes (CPU + GPU), CPU and GPU of the contract (the SDK gives
    no unit; seconds, as the white label's figures), storage in bytes, and its project and user counts."""

    total_jobs_compute_time: float
    jobs_compute_time_current_year: float
    jobs_compute_time_current_year_since: Timestamp
    cpu_compute_time_current_contract: float
    gpu_compute_time_current_contract: float
    total_storage: float
    project_count: int
    user_count: int


# ---------------------------------------------------------------- response envelopes


class OrganizationMetricsResponse(ApiResponse):
    """GET /api/organizations/{id}/metrics."""

    metrics: OrganizationMetrics


class OrganizationsResponse(ApiResponse):
    """GET /api/organizations and /api/user/organizations (ListOrganizationsResponse)."""

    organizations: list[Organization]


class ProjectsResponse(ApiResponse):
    """GET /api/organizations/{id}/projects (ListProjectsResponse)."""

    projects: list[Project]
