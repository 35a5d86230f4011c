"""A user: every field, their projects and organizations, and for a white-label admin their trials and metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding

from screens import columns
from screens.chart_metrics import ChartSubject, daily_records
from screens.detail import DetailScreen, card_rows
from screens.loading import describe, load_cached_then_fresh
from screens.messages import Kind, LoadFailed, ShowChart, WhitelabelUserLoaded, WhitelabelUserMetricsLoaded
from tui.safe_text import clean
from widgets.card import KeyValueCard
from widgets.daily_metrics import DailyMetricsPanel
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel, StatusLine
from widgets.reading import ReadingScroll
from widgets.resource_table import ResourceTable
from widgets.sparkline import MetricSparkline
from widgets.tabbed_view import Page, TabbedView

if TYPE_CHECKING:
    from tui.api.models import DailyMetrics

USER_FIRST = (
    "name",
    "username",
    "email",
    "id",
    "role",
    "tier",
    "activated",
    "pending",
    "mfaConfigured",
    "suspended",
    "created",
    "added",
    "lastSeen",
    "lastAccessToOrganization",
    "projectCount",
    "lastOrganizationProjectAccessed",
    "staffInfo",
    "jobTitle",
    "companyName",
)


class UserScreen(DetailScreen):
    """Opened from a list row; a white-label admin's view fetches the full user record."""

    BINDINGS = [Binding("o", "open_last_project", "Last project", id="open-last-project")]
    TAB_TITLES: ClassVar[dict[str, str]] = {
        "details": "Details",
        "user-projects": "Projects",
        "user-orgs": "Organizations",
        "user-trials": "Trials",
        "user-daily": "Daily metrics",
    }

    def __init__(
        self,
        org_id: int,
        row: dict[str, Any],
        *,
        whitelabel: bool,
        org_projects: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__()
        self.org_id = org_id
        self.row = row
        self.user_id = int(row["id"])
        self.whitelabel = whitelabel
        self.org_projects = org_projects or []
        self.document = row
        self.metrics: dict[str, Any] | None = None
        self.daily: list[DailyMetrics] = []
        self.crumb = clean(row.get("name") or row.get("username") or f"User {self.user_id}")

    def compose_body(self) -> ComposeResult:
        yield ErrorPanel(id="user-error")
        with TabbedView(id="user-tabs"):
            with Page(self.TAB_TITLES["details"], id="details"), ReadingScroll(id="user-details"):
                yield KeyValueCard(self.crumb, card_rows(self.row, USER_FIRST), id="user-card")
                yield KeyValueCard("Metrics", [], id="user-metrics-card")
            with Page(self.TAB_TITLES["user-projects"], id="user-projects"):
                yield ListPane(columns.PROJECTS, "projects", id="user-projects-list")
            with Page(self.TAB_TITLES["user-orgs"], id="user-orgs"):
                yield ListPane(columns.MEMBERSHIPS, "organizations", id="user-orgs-list")
            with Page(self.TAB_TITLES["user-trials"], id="user-trials"):
                yield ListPane(columns.TRIALS, "trials", id="user-trials-list")
            with Page(self.TAB_TITLES["user-daily"], id="user-daily"), ReadingScroll():
                yield DailyMetricsPanel(id="user-daily-metrics")
        yield StatusLine(id="user-status")

    def on_mount(self) -> None:
        self.number_tabs()
        self.query_one("#user-metrics-card").display = False
        self._show_projects(self._projects_from_org())
        self.query_one("#user-details").focus()
        self.load()

    def load(self) -> None:
        if not self.whitelabel:
            self.query_one("#user-status", StatusLine).show("from the organization's member list")
            return
        self.query_one("#user-status", StatusLine).show("loading…")
        self._load_user()

    @work(exclusive=True, group="user", exit_on_error=False)
    async def _load_user(self) -> None:
        loaded = await load_cached_then_fresh(
            self, WhitelabelUserLoaded, lambda **kw: self.client.whitelabel_user(self.org_id, self.user_id, **kw)
        )
        if loaded:
            await load_cached_then_fresh(
                self,
                WhitelabelUserMetricsLoaded,
                lambda **kw: self.client.whitelabel_user_metrics(self.org_id, self.user_id, **kw),
            )

    @on(WhitelabelUserMetricsLoaded)
    def _metrics_loaded(self, message: WhitelabelUserMetricsLoaded) -> None:
        self.metrics = message.value.metrics
        card = self.query_one("#user-metrics-card", KeyValueCard)
        card.update_rows(card_rows(self.metrics))
        card.display = True

    @on(WhitelabelUserLoaded)
    def _loaded(self, message: WhitelabelUserLoaded) -> None:
        fields = message.value.user.model_dump(by_alias=True)
        user = message.fetched.raw.get("user") or {}
        self.document = user  # `y` shows what the API sent
        freshness = describe(message.fetched)
        self.query_one("#user-status", StatusLine).show(freshness.text, stale=freshness.stale)
        self.query_one("#user-card", KeyValueCard).update_rows(card_rows({**self.row, **fields}, USER_FIRST))
        self._show_projects(list(user.get("projects") or []))
        self.query_one("#user-orgs-list", ListPane).set_rows(list(user.get("organizations") or []))
        self.query_one("#user-trials-list", ListPane).set_rows(list(user.get("trials") or []))
        self.query_one(DailyMetricsPanel).set_records(user.get("dailyMetrics") or [])
        self.daily = daily_records(message.value.user.daily_metrics)

    def chart_subject(self) -> ChartSubject | None:
        """This user's daily metrics (a user has no entitlement limits), for a chart."""
        if not self.daily:
            return None
        raw = self.document.get("dailyMetrics") if isinstance(self.document, dict) else None
        return ChartSubject(self.crumb, tuple(self.daily), None, self.org_id, None, raw)

    @on(MetricSparkline.Selected)
    def _chart(self, message: MetricSparkline.Selected) -> None:
        subject = self.chart_subject()
        if subject is not None and message.metric_key:
            self.post_message(ShowChart(subject, message.metric_key, days=self.query_one(DailyMetricsPanel).days))

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        if message.what is WhitelabelUserMetricsLoaded:
            self.flash_error("the user's metrics", message.error)
            return
        self.report_failure(message, f"user {self.user_id}", note="showing the list row only")

    def _projects_from_org(self) -> list[dict[str, Any]]:
        """The organization's projects this user collaborates on (all a plain org's API tells)."""
        return [
            project
            for project in self.org_projects
            if any(c.get("id") == self.user_id for c in project.get("collaborators") or [] if isinstance(c, dict))
        ]

    def _show_projects(self, projects: list[dict[str, Any]]) -> None:
        self.query_one("#user-projects-list", ListPane).set_rows(projects)

    @on(ResourceTable.RowSelected)
    def _open(self, event: ResourceTable.RowSelected) -> None:
        pane = event.control.parent
        if pane is not None and pane.id == "user-projects-list":
            self.open(Kind.PROJECT, self.org_id, event.row, whitelabel=self.whitelabel)
        elif pane is not None and pane.id == "user-orgs-list":
            self._open_organization(event.row)

    def _open_organization(self, row: dict[str, Any]) -> None:
        """A row of the user's organizations: an inner organization of the white label, or the owner itself."""
        if row.get("id") == self.org_id or not self.whitelabel:
            self.open(Kind.ORGANIZATION, self.org_id, row)
        else:
            self.open(Kind.INNER_ORGANIZATION, self.org_id, row, whitelabel=True)

    def _last_project(self) -> dict[str, Any] | None:
        """The project the member opened last in this organization, as a row of the org's projects."""
        project_id = self.row.get("lastOrganizationProjectAccessed")
        if not isinstance(project_id, int):
            return None
        known = next((p for p in self.org_projects if p.get("id") == project_id), None)
        return known or {"id": project_id, "name": f"Project {project_id}"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_last_project":
            return self._last_project() is not None
        return super().check_action(action, parameters)

    def action_open_last_project(self) -> None:
        project = self._last_project()
        if project is not None:
            self.open(Kind.PROJECT, self.org_id, project, whitelabel=self.whitelabel)
