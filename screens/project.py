"""A project: every field, its collaborators (onward to each user) and tags."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding

from screens import columns
from screens.detail import DetailScreen, card_rows
from screens.loading import describe, load_cached_then_fresh
from screens.messages import Kind, LoadFailed, WhitelabelProjectLoaded
from tui.safe_text import clean
from widgets.card import KeyValueCard
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel, StatusLine
from widgets.reading import ReadingScroll
from widgets.resource_table import ResourceTable
from widgets.tabbed_view import Page, TabbedView

PROJECT_FIRST = (
    "name",
    "id",
    "description",
    "owner",
    "ownerUserId",
    "ownerOrganizationId",
    "category",
    "tier",
    "labelingMethod",
    "isPublic",
    "hasPublicVersion",
    "allowsLivePublicAccess",
    "isEnterpriseProject",
    "tags",
    "created",
    "lastAccessed",
    "lastModified",
    "lastModificationDetails",
    "deletedDate",
    "whitelabelName",
)


class ProjectScreen(DetailScreen):
    """Opened from a list row; rows of the white-label list are thin, so the full project is fetched."""

    BINDINGS = [Binding("o", "open_owner", "Owner org", id="open-owner-org")]
    TAB_TITLES: ClassVar[dict[str, str]] = {"details": "Details", "collaborators": "Collaborators"}

    def __init__(self, org_id: int, row: dict[str, Any], *, whitelabel: bool, fetch: bool = False) -> None:
        super().__init__()
        self.org_id = org_id
        self.row = row
        self.project_id = int(row["id"])
        self.whitelabel = whitelabel
        self.fetch = fetch and whitelabel
        self.document = row
        self.crumb = clean(row.get("name") or f"Project {self.project_id}")

    def compose_body(self) -> ComposeResult:
        yield ErrorPanel(id="project-error")
        with TabbedView(id="project-tabs"):
            with Page(self.TAB_TITLES["details"], id="details"), ReadingScroll(id="project-details"):
                yield KeyValueCard(self.crumb, card_rows(self.row, PROJECT_FIRST), id="project-card")
                yield KeyValueCard("Metadata", card_rows(self.row.get("metadata") or {}), id="project-metadata")
            with Page(self.TAB_TITLES["collaborators"], id="collaborators"):
                yield ListPane(columns.COLLABORATORS, "collaborators", id="collaborators-list")
        yield StatusLine(id="project-status")

    def on_mount(self) -> None:
        self.number_tabs()
        self._show(self.row)
        self.query_one("#project-details").focus()
        self.load()

    def load(self) -> None:
        if not self.fetch:
            self.query_one("#project-status", StatusLine).show("from the project list")
            return
        self.query_one("#project-status", StatusLine).show("loading…")
        self._load_project()

    @work(exclusive=True, group="project", exit_on_error=False)
    async def _load_project(self) -> None:
        await load_cached_then_fresh(
            self,
            WhitelabelProjectLoaded,
            lambda **kw: self.client.whitelabel_project(self.org_id, self.project_id, **kw),
        )

    @on(WhitelabelProjectLoaded)
    def _loaded(self, message: WhitelabelProjectLoaded) -> None:
        self.document = message.fetched.raw.get("project") or {}  # `y` shows what the API sent
        freshness = describe(message.fetched)
        self.query_one("#project-status", StatusLine).show(freshness.text, stale=freshness.stale)
        self._show({**self.row, **message.value.project.model_dump(by_alias=True)}, self.document)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.report_failure(message, f"project {self.project_id}", note="showing the list row only")

    def _show(self, project: dict[str, Any], raw: dict[str, Any] | None = None) -> None:
        """The card from the record's fields; the collaborators' rows as the API sent them (they are copied)."""
        self.query_one("#project-card", KeyValueCard).update_rows(card_rows(project, PROJECT_FIRST))
        metadata = project.get("metadata") or {}
        card = self.query_one("#project-metadata", KeyValueCard)
        card.update_rows(card_rows(metadata) if isinstance(metadata, dict) else [])
        card.display = bool(metadata)
        rows = (raw if raw is not None else project).get("collaborators") or []
        self.query_one("#collaborators-list", ListPane).set_rows([row for row in rows if isinstance(row, dict)])

    def _owner(self) -> tuple[Kind, dict[str, Any]] | None:
        """The organization that owns the project: an inner organization of the white label, or the organization
        itself (its own projects), or None for a project a user owns."""
        owner_id = self.row.get("ownerOrganizationId")
        if not isinstance(owner_id, int):
            return None
        owner = {"id": owner_id, "name": self.row.get("owner") or f"Organization {owner_id}"}
        if self.whitelabel and owner_id != self.org_id:
            return Kind.INNER_ORGANIZATION, owner
        return Kind.ORGANIZATION, owner

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_owner":
            return self._owner() is not None
        return super().check_action(action, parameters)

    def action_open_owner(self) -> None:
        owner = self._owner()
        if owner is not None:
            kind, row = owner
            self.open(kind, self.org_id, row, whitelabel=self.whitelabel)

    @on(ResourceTable.RowSelected, "#collaborators-list ResourceTable")
    def _open_collaborator(self, event: ResourceTable.RowSelected) -> None:
        kind = Kind.WHITELABEL_USER if self.whitelabel else Kind.MEMBER
        self.open(kind, self.org_id, event.row, whitelabel=self.whitelabel)
