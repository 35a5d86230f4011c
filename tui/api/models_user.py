"""Models of GET /api/user: the signed-in user (JWT only), with memberships, recent projects and accepted terms."""

from __future__ import annotations

from tui.api.models_common import (
    ApiModel,
    ApiResponse,
    EnterpriseTrial,
    Experiment,
    Project,
    Timestamp,
    _UserBase,
)
from tui.api.models_organization import UserOrganization

__all__ = [
    "CurrentUser",
    "LastAccessedProject",
    "LastAccessedProjects",
    "TermsOfServiceAcceptance",
    "UserEula",
    "WhitelabelMembership",
]


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
