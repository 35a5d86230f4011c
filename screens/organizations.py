"""The organizations the credential reaches (`/api/organizations`): pick one to open it."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult

from screens import columns
from screens.base import EiscopeScreen
from screens.loading import describe, load_cached_then_fresh
from screens.messages import Kind, LoadFailed, OrganizationsLoaded
from tui.hints import tui_hint
from widgets.list_pane import ListPane
from widgets.resource_table import ResourceTable


class OrganizationsScreen(EiscopeScreen):
    """The first screen without `--org`: with an API key this is the key's own organization."""

    crumb = "Organizations"

    def __init__(self) -> None:
        super().__init__()
        self.organizations: list[dict[str, Any]] = []
        self.body: dict[str, Any] | None = None

    @property
    def org_id(self) -> int | None:
        """The organization commands are about from here (`:inner NAME`): the list's only one, when it has one
        (an API key reaches its own organization only)."""
        if len(self.organizations) != 1:
            return None
        try:
            return int(self.organizations[0]["id"])
        except (KeyError, TypeError, ValueError):
            return None

    def compose_body(self) -> ComposeResult:
        yield ListPane(columns.ORGANIZATIONS, "organizations", id="orgs-list")

    def on_mount(self) -> None:
        self.query_one(ListPane).focus_table()
        self.load()

    def load(self) -> None:
        self._load()

    @work(exclusive=True, group="organizations", exit_on_error=False)
    async def _load(self) -> None:
        await load_cached_then_fresh(self, OrganizationsLoaded, lambda **kw: self.client.organizations(**kw))

    @on(OrganizationsLoaded)
    def _loaded(self, message: OrganizationsLoaded) -> None:
        self.body = message.fetched.raw
        self.organizations = list(message.fetched.raw.get("organizations", []))
        pane = self.query_one(ListPane)
        pane.set_rows(self.organizations)
        freshness = describe(message.fetched)
        pane.set_note(freshness.text, stale=freshness.stale)
        self.index.register_rows(Kind.ORGANIZATION, 0, self.organizations)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        if message.had_cache:
            self.flash_error("the organizations", message.error)
            return
        self.query_one(ListPane).show_error(
            "Could not list the organizations", message.error.message, tui_hint(message.error)
        )

    @on(ResourceTable.RowSelected)
    def _open(self, event: ResourceTable.RowSelected) -> None:
        self.open(Kind.ORGANIZATION, int(event.row["id"]), event.row)

    def raw_document(self) -> tuple[str, Any] | None:
        return None if self.body is None else ("Organizations", self.body)
