"""Pydantic models of the 15 Studio API GET responses eiscope reads, and the schemas nested in them.

Names follow the domain (`InnerOrganization`, `DailyMetrics`), fields are snake_case with the API's camelCase
as aliases. Required fields are those of tests/data/ENDPOINTS.md (the SDK 1.96.3 and the archived spec agree);
a field marked "required, nullable" must be present but may be null. `extra="allow"` keeps unknown fields, so
a newer API adds columns to the raw view instead of breaking anything. Enums are plain `str`: a new tier or
role must not make a whole page unreadable; the known values are listed next to each field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

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


class OrganizationUser(_UserBase):
    """A member of an organization (`organization.users` in organization info)."""

    added: Timestamp
    role: str  # MEMBER_ROLES
    project_count: int
    datasets: list[str]
    last_access_to_organization: Timestamp | None = None
    last_organization_project_accessed: int | None = None


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


# ---------------------------------------------------------------- organizations


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


# ---------------------------------------------------------------- white label


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


# ---------------------------------------------------------------- current user (JWT only)


class WhitelabelMembership(ApiModel):
    id: float
    domain: str
    name: str
    owner_organization_id: float
    is_admin: bool


class LastAccessedProject(ApiModel):
    id: int
    name: str
    created: Timestamp
    last_accessed: Timestamp | None = None


class LastAccessedProjects(ApiModel):
    projects: list[LastAccessedProject]
    has_more_projects: bool


class TermsOfServiceAcceptance(ApiModel):
    version: str
    acceptance_date: Timestamp


class UserEula(ApiModel):
    name: str
    description: str
    latest_version: str
    accepted_version: str | None = None
    link: str
    user_is_compliant: bool


class CurrentUser(ApiResponse, _UserBase):
    """GET /api/user (GetUserResponse): the signed-in user; needs a JWT."""

    tier: str  # USER_TIERS (required here)
    organizations: list[UserOrganization]
    projects: list[Project]
    experiments: list[Experiment]
    evaluation: bool | None = None
    ambassador: bool | None = None
    whitelabels: list[WhitelabelMembership] | None = None
    suspended: bool
    suspension_reason: str | None = None
    notifications: list[str]
    subscription_cancellation_request_date: Timestamp | None = None
    subscription_downgrade_date: Timestamp | None = None
    subscription_termination_date: Timestamp | None = None
    pay_as_you_go_subscription_period_start_date: Timestamp | None = None
    pay_as_you_go_subscription_period_end_date: Timestamp | None = None
    password_configured: bool
    projects_sort_order: str  # PROJECTS_SORT_ORDERS
    active_enterprise_trial: EnterpriseTrial | None = None
    has_enterprise_features_access: bool
    timezone: str | None = None
    last_accessed_projects: LastAccessedProjects
    private_personal_projects_used: int
    last_accepted_terms_of_service: TermsOfServiceAcceptance | None = None
    eulas: list[UserEula]


# ---------------------------------------------------------------- response envelopes


class OrganizationsResponse(ApiResponse):
    """GET /api/organizations and /api/user/organizations (ListOrganizationsResponse)."""

    organizations: list[Organization]


class ProjectsResponse(ApiResponse):
    """GET /api/organizations/{id}/projects (ListProjectsResponse)."""

    projects: list[Project]


class WhitelabelInfo(ApiResponse):
    """GET .../whitelabel (GetWhitelabelResponse); `whitelabel` is optional in the spec."""

    whitelabel: Whitelabel | None = None


class MetricsResponse(ApiResponse):
    """GET .../whitelabel/metrics and .../users/{id}/metrics: `metrics` is untyped in the spec."""

    metrics: dict[str, Any]


class InnerOrganizationsPage(ApiResponse):
    """GET .../whitelabel/organizations: one page plus the total match count."""

    total: int
    organizations: list[InnerOrganization]


class WhitelabelUsersPage(ApiResponse):
    total: int
    users: list[WhitelabelUser]


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
    users: list[PartialWhitelabelUser]


class WhitelabelProjectsPage(ApiResponse):
    total: int
    projects: list[AdminProject]


class WhitelabelUserResponse(ApiResponse):
    user: AdminUser


class WhitelabelProjectResponse(ApiResponse):
    """GET .../whitelabel/projects/{id}; the SDK says {project}, the archived spec a full ProjectInfoResponse.

    Both carry `project`, which is all eiscope reads; everything else is kept as extra fields.
    """

    project: Project
