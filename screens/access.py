"""Access: an organization's API keys and its members, with the ones that have gone quiet marked.

Keys come from `/apikeys`, which only a user's JWT may call: with an API key as the credential the keys tab
says so, and the members (from the organization's info) still show. The marks are tui/api/access.py's.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from screens import columns
from screens.base import EiscopeScreen
from screens.loading import describe, load_cached_then_fresh
from screens.messages import ApiKeysLoaded, Kind, LoadFailed, OrganizationLoaded
from tui.api.access import access_summary, marked_keys, marked_members
from tui.api.errors import JwtRequiredError
from tui.api.row_marks import count_unreadable, shown_rows
from tui.hints import tui_hint
from tui.safe_text import clean
from widgets.list_pane import ListPane
from widgets.resource_table import ResourceTable
from widgets.tabbed_view import Page, TabbedView

__all__ = ["AccessScreen"]


class AccessScreen(EiscopeScreen):
    """Who can reach an organization: its API keys and its members, and which have not been used or seen."""

    CSS = """
    #access-head {
        height: auto;
        max-height: 3;
        padding: 0 1;
    }
    """
    """A few lines of totals above the tabs; loaded with the screen."""

    TAB_TITLES: ClassVar[dict[str, str]] = {"api-keys": "API keys", "members": "Members"}

    def __init__(self, org_id: int, name: str | None = None) -> None:
        super().__init__()
        self.org_id = org_id
        self.org_name = clean(name) if name else None
        self.crumb = "Access"
        self.keys: list[dict[str, Any]] | None = None
        self.keys_raw: dict[str, Any] | None = None
        self.members: list[dict[str, Any]] = []
        self.info_raw: dict[str, Any] | None = None
        self.keys_error: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Loading…", style="italic"), id="access-head")
        with TabbedView(id="access-tabs"):
            with Page(self.TAB_TITLES["api-keys"], id="api-keys"):
                yield ListPane(columns.API_KEYS, "API keys", id="api-keys-list")
            with Page(self.TAB_TITLES["members"], id="members"):
                yield ListPane(columns.MEMBERS_ACCESS, "members", id="members-list")

    def on_mount(self) -> None:
        self.number_tabs()
        self.query_one("#api-keys-list", ListPane).focus_table()
        self.load()

    def load(self) -> None:
        self._load_members()
        self._load_keys()

    def _load_members(self) -> None:
        members = self.load_organization_info(self.org_id)
        self.run_worker(members, group="access-members", exclusive=True, exit_on_error=False)

    @work(exclusive=True, group="access-keys", exit_on_error=False)
    async def _load_keys(self) -> None:
        await load_cached_then_fresh(
            self, ApiKeysLoaded, lambda **kw: self.client.organization_api_keys(self.org_id, **kw)
        )

    @on(OrganizationLoaded)
    def _members_loaded(self, message: OrganizationLoaded) -> None:
        self.info_raw = message.fetched.raw
        organization = message.fetched.raw.get("organization") or {}
        if self.org_name is None and isinstance(organization.get("name"), str):
            self.org_name = clean(organization["name"])
        self.members = [u for u in organization.get("users") or [] if isinstance(u, dict)]
        pane = self.query_one("#members-list", ListPane)
        pane.set_rows(marked_members(self.members, self.eiscope.now()))
        note = describe(message.fetched)
        pane.set_note(note.text, stale=note.stale)
        self._draw_head()

    @on(ApiKeysLoaded)
    def _keys_loaded(self, message: ApiKeysLoaded) -> None:
        self.keys_raw = message.fetched.raw
        rows = shown_rows(message.value.api_keys, message.fetched.raw.get("apiKeys"))
        self.keys = marked_keys(rows, self.eiscope.now())
        pane = self.query_one("#api-keys-list", ListPane)
        pane.set_rows(self.keys)
        note = describe(message.fetched)
        bad = count_unreadable(self.keys)
        pane.set_note(note.text + (f" · {bad:,} unreadable" if bad else ""), stale=note.stale or bool(bad))
        self._draw_head()

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        error = message.error
        if message.had_cache:
            self.flash_error(message.what.part, error)
            return
        if message.what is ApiKeysLoaded:
            pane = self.query_one("#api-keys-list", ListPane)
            if isinstance(error, JwtRequiredError):
                self.keys_error = "API keys need a JWT"
                pane.show_error("API keys need a Studio user JWT", error.message, tui_hint(error))
                pane.set_note("the members are in tab 2")
            else:
                self.keys_error = "API keys not loaded"
                pane.show_error("API keys not loaded", error.message, tui_hint(error))
            self._draw_head()
            return
        self.query_one("#members-list", ListPane).show_error("Members not loaded", error.message, tui_hint(error))

    def _draw_head(self) -> None:
        summary = access_summary(self.keys, self.members, self.eiscope.now())
        if self.keys is None and self.keys_error:
            summary = f"{self.keys_error}  |  {summary}"
        title = f"{self.org_name} · " if self.org_name else ""
        self.query_one("#access-head", Static).update(Text(title + summary))

    @on(ResourceTable.RowSelected, "#members-list ResourceTable")
    def _open_member(self, event: ResourceTable.RowSelected) -> None:
        self.open(Kind.MEMBER, self.org_id, event.row)

    def raw_document(self) -> tuple[str, Any] | None:
        tabs = self.tab_view
        row = self.active_list_row()
        if row is not None:
            return row
        if tabs.active == "api-keys" and self.keys_raw is not None:
            return ("API keys", self.keys_raw)
        if self.info_raw is not None:
            return ("organization info", self.info_raw)
        return None
