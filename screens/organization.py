"""The organization page: a header card and tabs for users, projects, datasets, the white label, usage and readme.

Tabs are reached by the number keys in the order shown. The white-label tabs appear once `/whitelabel` answers
(a 403 means this is not a white-label admin organization, and they stay hidden). The paged white-label lists
load when their tab is first opened and fill progressively.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, Static, TabbedContent, TabPane

from screens import columns
from screens.base import EiscopeScreen
from screens.loading import DataLoaded, LoadFailed, cached_note, describe, load_cached_then_fresh
from screens.usage import UsagePanel
from tui.api.client import Source
from tui.api.errors import ApiError, ForbiddenError
from tui.hints import tui_hint
from tui.safe_text import clean, clean_multiline
from widgets.card import KeyValueCard
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel
from widgets.resource_table import ResourceTable

WHITELABEL_TABS = ("inner-orgs", "wl-users", "wl-projects")
PAGED_KINDS = {
    "inner-orgs": ("inner_organizations", "organizations"),
    "wl-users": ("whitelabel_users", "users"),
    "wl-projects": ("whitelabel_projects", "projects"),
}
PAGE_SIZE = 1000


class OrganizationScreen(EiscopeScreen):
    """One organization, as its info page shows it, with the white label's lists for an owner org."""

    def __init__(self, org_id: int, name: str | None = None) -> None:
        super().__init__()
        self.org_id = org_id
        self.crumb = clean(name) if name else f"Organization {org_id}"
        self.info: dict[str, Any] | None = None
        self.projects: list[dict[str, Any]] = []
        self.whitelabel: dict[str, Any] | None = None
        self.whitelabel_metrics: dict[str, Any] | None = None
        self.is_whitelabel_admin: bool | None = None
        self._paged_started: set[str] = set()
        self._usage_stale = True

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="org-card"):
            yield KeyValueCard("", [("ID", self.org_id)], id="org-card-left")
            yield KeyValueCard("", [], id="org-card-right")
        yield ErrorPanel(id="org-error")
        with TabbedContent(id="org-tabs"):
            with TabPane("Users", id="users"):
                yield ListPane(columns.USERS, "users", id="users-list")
            with TabPane("Projects", id="projects"):
                yield ListPane(columns.PROJECTS, "projects", id="projects-list")
            with TabPane("Datasets", id="datasets"):
                yield ListPane(columns.DATASETS, "datasets", id="datasets-list")
            with TabPane("Inner orgs", id="inner-orgs"):
                yield ListPane(columns.INNER_ORGANIZATIONS, "inner organizations", id="inner-orgs-list")
            with TabPane("WL users", id="wl-users"):
                yield ListPane(columns.WHITELABEL_USERS, "white-label users", id="wl-users-list")
            with TabPane("WL projects", id="wl-projects"):
                yield ListPane(columns.WHITELABEL_PROJECTS, "white-label projects", id="wl-projects-list")
            with TabPane("Usage", id="usage"):
                yield UsagePanel(id="usage-panel")
            with TabPane("Readme", id="readme"), VerticalScroll(id="readme-scroll"):
                yield Markdown("_Loading the readme…_", open_links=False, id="readme-body")
            with TabPane("Settings", id="settings"), Vertical(id="settings-lists"):
                yield Static(Text("Experiments", style="bold"), classes="section-title")
                yield ListPane(columns.EXPERIMENTS, "experiments", id="experiments-list")
                yield Static(Text("CLI lists", style="bold"), classes="section-title")
                yield ListPane(columns.CLI_OPTIONS, "options", id="cli-list")

    def on_mount(self) -> None:
        tabs = self.query_one(TabbedContent)
        for tab in WHITELABEL_TABS:
            tabs.hide_tab(tab)
        self.number_tabs()
        self.query_one("#users-list", ListPane).focus_table()
        self.load()

    # -- loading ---------------------------------------------------------------------------------------------------

    def load(self) -> None:
        self._load_info()
        self._load_projects()
        self._probe_whitelabel()
        for tab in list(self._paged_started):
            self._paged_started.discard(tab)
            if self.query_one(TabbedContent).active == tab:
                self._start_paged(tab)

    @work(exclusive=True, group="org-info")
    async def _load_info(self) -> None:
        await load_cached_then_fresh(self, "info", lambda **kw: self.client.organization_info(self.org_id, **kw))

    @work(exclusive=True, group="org-projects")
    async def _load_projects(self) -> None:
        await load_cached_then_fresh(
            self, "projects", lambda **kw: self.client.organization_projects(self.org_id, **kw)
        )

    @work(exclusive=True, group="org-whitelabel")
    async def _probe_whitelabel(self) -> None:
        if await load_cached_then_fresh(
            self, "whitelabel", lambda **kw: self.client.whitelabel_info(self.org_id, **kw)
        ):
            await load_cached_then_fresh(
                self, "wl-metrics", lambda **kw: self.client.whitelabel_metrics(self.org_id, **kw)
            )

    def _start_paged(self, tab: str) -> None:
        if tab in self._paged_started or not self.is_whitelabel_admin:
            return
        self._paged_started.add(tab)
        self._load_pages(tab)

    @work(group="org-pages")
    async def _load_pages(self, tab: str) -> None:
        """Cached pages first (at once), then the network's; the first page of each pass replaces what is shown,
        so a refresh or a fresh pass over cached rows never doubles a row."""
        kind, _key = PAGED_KINDS[tab]
        cached = 0
        async for page in self.client.pages(kind, self.org_id, page_size=PAGE_SIZE, source=Source.CACHE):
            self.post_message(
                PageArrived(tab, page.raw_items, page.total, cached=True, age_s=page.age_s, replace=not cached)
            )
            cached += len(page.raw_items) or 1
        try:
            fresh = 0
            async for page in self.client.pages(kind, self.org_id, page_size=PAGE_SIZE):
                self.post_message(PageArrived(tab, page.raw_items, page.total, cached=False, replace=not fresh))
                fresh += len(page.raw_items) or 1
            self.post_message(PagesDone(tab, fresh))
        except ApiError as error:
            self.post_message(LoadFailed(tab, error, had_cache=bool(cached)))

    # -- results ---------------------------------------------------------------------------------------------------

    @on(DataLoaded)
    def _loaded(self, message: DataLoaded) -> None:
        fetched = message.fetched
        freshness = describe(fetched)
        if message.what == "info":
            self.info = fetched.raw
            self._show_info(fetched.raw)
            for pane_id in ("users-list", "datasets-list", "experiments-list", "cli-list"):
                self.query_one(f"#{pane_id}", ListPane).set_note(freshness.text, stale=freshness.stale)
            self.query_one("#org-error", ErrorPanel).clear()
        elif message.what == "projects":
            self.projects = list(fetched.raw.get("projects", []))
            pane = self.query_one("#projects-list", ListPane)
            pane.set_rows(self.projects)
            pane.set_note(freshness.text, stale=freshness.stale)
            self.eiscope.index.register_rows("projects", self.org_id, self.projects)
        elif message.what == "whitelabel":
            self.whitelabel = fetched.raw.get("whitelabel")
            if not self.is_whitelabel_admin:
                self.is_whitelabel_admin = True
                tabs = self.query_one(TabbedContent)
                for tab in WHITELABEL_TABS:
                    tabs.show_tab(tab)
                self.number_tabs()
                self._start_paged("inner-orgs")
            self._show_usage()
        elif message.what == "wl-metrics":
            self.whitelabel_metrics = fetched.raw.get("metrics")
            self._show_usage()

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        error = message.error
        if message.what == "whitelabel" and isinstance(error, ForbiddenError):
            self.is_whitelabel_admin = False
            self._show_usage()
            return
        if message.what in ("whitelabel", "wl-metrics"):
            self.flash_error("the white label", error)
            return
        if message.had_cache:
            self.flash_error(message.what, error)
            return
        if message.what == "info":
            self.query_one("#org-error", ErrorPanel).show_error(
                f"Could not load organization {self.org_id}", error.message, tui_hint(error)
            )
            for pane_id in ("users-list", "datasets-list"):
                self.query_one(f"#{pane_id}", ListPane).show_error("Not loaded", error.message, tui_hint(error))
        elif message.what == "projects":
            self.query_one("#projects-list", ListPane).show_error("Projects not loaded", error.message, tui_hint(error))
        elif message.what in PAGED_KINDS:
            self.query_one(f"#{message.what}-list", ListPane).show_error("Not loaded", error.message, tui_hint(error))
            self._paged_started.discard(message.what)

    def on_page_arrived(self, message: PageArrived) -> None:
        pane = self.query_one(f"#{message.tab}-list", ListPane)
        if message.replace:
            pane.set_rows([], expected=message.total)
        pane.append_rows(message.rows, expected=message.total)
        if message.cached:
            pane.set_note(cached_note(message.age_s), stale=True)
        self.eiscope.index.register(message.tab, self.org_id, pane.table.store.find)

    def on_pages_done(self, message: PagesDone) -> None:
        pane = self.query_one(f"#{message.tab}-list", ListPane)
        pane.set_note("live")

    def _show_info(self, raw: dict[str, Any]) -> None:
        org = raw.get("organization", {})
        name = clean(org.get("name") or f"Organization {self.org_id}")
        self.set_crumb(name)
        self.query_one("#org-card-left", KeyValueCard).update_rows(
            [
                ("Name", org.get("name")),
                ("ID", org.get("id")),
                ("Created", org.get("created")),
                ("Contract start", org.get("contractStartDate")),
            ]
        )
        self.query_one("#org-card-right", KeyValueCard).update_rows(
            [
                ("White label", org.get("whitelabelName") or org.get("whitelabelId")),
                ("Trial", _trial_text(org)),
                ("Developer profile", org.get("isDeveloperProfile")),
                ("Logo", org.get("logo")),
            ]
        )
        users = list(org.get("users", []))
        self.query_one("#users-list", ListPane).set_rows(users)
        self.query_one("#datasets-list", ListPane).set_rows(list(raw.get("datasets", [])))
        self.eiscope.index.register_rows("users", self.org_id, users)
        readme = raw.get("readme") or {}
        markdown = clean_multiline(readme.get("markdown") or "_This organization has no readme._")
        self.query_one("#readme-body", Markdown).update(markdown)
        self.query_one("#experiments-list", ListPane).set_rows(list(raw.get("experiments", [])))
        cli = raw.get("cliLists") or {}
        options = [
            {"list": list_name, **option}
            for list_name, items in cli.items()
            if isinstance(items, list)
            for option in items
            if isinstance(option, dict)
        ]
        self.query_one("#cli-list", ListPane).set_rows(options)
        self._show_usage()

    def _show_usage(self) -> None:
        """Rebuild the Usage tab, but only while it is shown: it is some thirty widgets, and data arrives in
        three parts; a hidden tab is brought up to date when it is opened."""
        if self.query_one(TabbedContent).active != "usage":
            self._usage_stale = True
            return
        self._usage_stale = False
        panel = self.query_one(UsagePanel)
        panel.show(self.info, self.whitelabel, self.whitelabel_metrics, self.is_whitelabel_admin)

    def on_resize(self) -> None:
        """On a short terminal (80x24 over SSH) the card keeps two lines and the lists get the room."""
        self.query_one("#org-card").set_class(self.size.height < 32, "-compact")

    # -- keys ------------------------------------------------------------------------------------------------------

    def visible_tabs(self) -> list[str]:
        tabs = self.query_one(TabbedContent)
        hidden = set(WHITELABEL_TABS) if not self.is_whitelabel_admin else set()
        return [pane.id for pane in tabs.query(TabPane) if pane.id and pane.id not in hidden]

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id or ""
        if tab in PAGED_KINDS:
            self._start_paged(tab)
        elif tab == "usage" and self._usage_stale:
            self._show_usage()

    @on(ResourceTable.RowSelected)
    def _row_selected(self, event: ResourceTable.RowSelected) -> None:
        from screens.dataset import DatasetScreen
        from screens.inner_org import InnerOrganizationScreen
        from screens.project import ProjectScreen
        from screens.user import UserScreen

        row = event.row
        pane = event.control.parent
        pane_id = pane.id if pane is not None else ""
        wl = bool(self.is_whitelabel_admin)
        if pane_id == "users-list":
            self.app.push_screen(UserScreen(self.org_id, row, whitelabel=wl, org_projects=self.projects))
        elif pane_id == "wl-users-list":
            self.app.push_screen(UserScreen(self.org_id, row, whitelabel=True, org_projects=self.projects))
        elif pane_id == "projects-list":
            self.app.push_screen(ProjectScreen(self.org_id, row, whitelabel=wl))
        elif pane_id == "wl-projects-list":
            self.app.push_screen(ProjectScreen(self.org_id, row, whitelabel=True, fetch=True))
        elif pane_id == "datasets-list":
            self.app.push_screen(DatasetScreen(self.org_id, row))
        elif pane_id == "inner-orgs-list":
            self.app.push_screen(InnerOrganizationScreen(self.org_id, row))

    def raw_document(self) -> tuple[str, Any] | None:
        tabs = self.query_one(TabbedContent)
        pane = tabs.get_pane(tabs.active) if tabs.active else None
        lists = pane.query(ListPane) if pane is not None else None
        if lists:
            row = lists.first().table.cursor_row
            if row is not None:
                return (f"{self.crumb} › {lists.first().noun} › row", row)
        if tabs.active == "projects":
            return (f"{self.crumb} › projects", {"projects": self.projects})
        if tabs.active == "usage" and self.whitelabel is not None:
            return (
                f"{self.crumb} › white label",
                {"whitelabel": self.whitelabel, "metrics": self.whitelabel_metrics},
            )
        if self.info is None:
            return None
        return (f"{self.crumb} › organization info", self.info)


class PageArrived(Message):
    """A page of a white-label list arrived (from the cache or the network)."""

    def __init__(
        self,
        tab: str,
        rows: list[dict[str, Any]],
        total: int,
        *,
        cached: bool,
        age_s: float | None = None,
        replace: bool = False,
    ) -> None:
        super().__init__()
        self.tab = tab
        self.rows = rows
        self.total = total
        self.cached = cached
        self.age_s = age_s
        self.replace = replace


class PagesDone(Message):
    """Every page of a white-label list arrived from the network."""

    def __init__(self, tab: str, count: int) -> None:
        super().__init__()
        self.tab = tab
        self.count = count


def _trial_text(org: dict[str, Any]) -> str | None:
    if org.get("trialId") is None:
        return None
    if org.get("trialUpgradedDate"):
        return f"upgraded {str(org['trialUpgradedDate'])[:10]}"
    if org.get("trialExpiredDate"):
        return f"expired {str(org['trialExpiredDate'])[:10]}"
    return "active"
