"""The organization page: a header card and tabs for users, projects, datasets, the white label, usage and readme.

Tabs are reached by the number keys in the order shown, and keep their numbers from the first paint: until
`/whitelabel` answers, the white-label tabs show as loading ('4 Inner…'); a 403 (not a white-label admin
organization) hides them. The paged white-label lists load when their tab is first opened and fill progressively;
each tab's pager is one exclusive worker, and each pass is numbered so a page of a replaced pass is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from screens import columns
from screens.change_host import ChangesHost
from screens.fleet import FleetHost, FleetPanel
from screens.list_state import ListState
from screens.loading import cached_note, describe, load_cached_then_fresh
from screens.messages import (
    Kind,
    Loaded,
    LoadFailed,
    OrganizationLoaded,
    OrganizationMetricsLoaded,
    OrganizationPeeked,
    OrganizationProjectsLoaded,
    OrganizationUnavailable,
    PickOrganization,
    ShowAccess,
    ShowCompute,
    ShowStructure,
    StructureData,
    WhitelabelLoaded,
    WhitelabelMetricsLoaded,
)
from screens.paged_lists import PAGED_KINDS, PagedListsHost
from tui.api.errors import ApiError, AuthError, ForbiddenError, NotFoundError, OfflineCacheMissError
from tui.api.peek import CachedBody, organization_info_path, peek_cached
from tui.hints import tui_hint
from tui.safe_text import clean, clean_multiline
from widgets.card import KeyValueCard
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel
from widgets.reading import ReadingScroll
from widgets.resource_table import ResourceTable
from widgets.tabbed_view import Page, TabbedView

if TYPE_CHECKING:
    from textual.widgets import Markdown

    from screens.chart_metrics import ChartSubject
    from screens.usage import UsagePanel
    from tui.api.models import MetricsResponse, OrganizationInfo, OrganizationMetrics, Whitelabel

WHITELABEL_TABS = ("inner-orgs", "wl-users", "wl-projects", "fleet")
# The lists whose rows come with the organization's own bodies, and the tab each lives in.
TAB_OF_LIST = {
    "users-list": "users",
    "projects-list": "projects",
    "datasets-list": "datasets",
    "experiments-list": "settings",
    "cli-list": "settings",
}


# Which entity a row of each list is, so enter opens the right screen (decided by the app).
LIST_KINDS: dict[str, Kind] = {
    "users-list": Kind.MEMBER,
    "projects-list": Kind.PROJECT,
    "datasets-list": Kind.DATASET,
    "inner-orgs-list": Kind.INNER_ORGANIZATION,
    "wl-users-list": Kind.WHITELABEL_USER,
    "wl-projects-list": Kind.WHITELABEL_PROJECT,
    "fleet-list": Kind.INNER_ORGANIZATION,
}
# The places `:users`, `:fleet`… name: (the tab of a white-label admin, the tab of a plain organization).
PLACES: dict[str, tuple[str, str | None]] = {
    "users": ("wl-users", "users"),
    "projects": ("wl-projects", "projects"),
    "inner-orgs": ("inner-orgs", None),
    "fleet": ("fleet", None),
}
# An organization that answers these has nothing to show: one error, in place, and the ways on.
UNAVAILABLE = (NotFoundError, ForbiddenError, AuthError, OfflineCacheMissError)
FIRST_FRAME_S = 0.05
"""How long the start-up waits after the first paint before building the client (see `_load_after`)."""
# The palette finds rows of the paged lists in their tables.
PAGED_INDEX_KINDS = {
    "inner-orgs": Kind.INNER_ORGANIZATION,
    "wl-users": Kind.WHITELABEL_USER,
    "wl-projects": Kind.WHITELABEL_PROJECT,
}


class OrganizationScreen(FleetHost, PagedListsHost, ChangesHost):
    """One organization, as its info page shows it, with the white label's lists for an owner org."""

    TAB_TITLES: ClassVar[dict[str, str]] = {
        "users": "Users",
        "projects": "Projects",
        "datasets": "Datasets",
        "inner-orgs": "Inner orgs",
        "wl-users": "WL users",
        "wl-projects": "WL projects",
        "usage": "Usage",
        "readme": "Readme",
        "settings": "Settings",
        "fleet": "Fleet",
    }
    SHORT_TAB_TITLES: ClassVar[dict[str, str]] = {
        "projects": "Proj",
        "datasets": "Data",
        "inner-orgs": "Inner",
        "wl-users": "WL usr",
        "wl-projects": "WL prj",
        "settings": "Conf",
    }

    AUTO_FOCUS = "#users-list ResourceTable"
    """The first list has the focus from the start (not the tab bar first: a restyle and a footer less)."""
    BINDINGS = [
        Binding("x", "structure", "Structure", id="structure"),  # x: as k9s' xray, a tree of what is inside
        Binding("C", "compute", "Compute", id="compute"),
        Binding("A", "access", "Access", id="access"),
    ]

    def __init__(
        self, org_id: int, name: str | None = None, *, peeked: Future[CachedBody | None] | None = None
    ) -> None:
        super().__init__()
        self.org_id = org_id
        self._peeked_body = peeked
        """The app's read of the cached body, started before Textual (None: this screen peeks itself)."""
        self.crumb = clean(name) if name else f"Organization {org_id}"
        self.info: OrganizationInfo | None = None
        self.info_raw: dict[str, Any] | None = None
        self.projects: list[dict[str, Any]] = []
        self.whitelabel: Whitelabel | None = None
        self.whitelabel_raw: dict[str, Any] | None = None
        self.whitelabel_metrics: MetricsResponse | None = None
        self.own_metrics: OrganizationMetrics | None = None
        self.own_metrics_raw: dict[str, Any] | None = None
        self.is_whitelabel_admin: bool | None = None
        self.loading_tabs = frozenset(WHITELABEL_TABS)
        self._usage_stale = True
        self._composed: set[str] = {"users"}
        self._lists: dict[str, ListState] = {}
        self._card_right: list[tuple[str, object]] = []
        self.unavailable: ApiError | None = None
        """Why the organization could not be opened at all (shown once, in place); None once it opens."""
        self._held: tuple[type[Loaded[Any]], ApiError] | None = None
        self._pending_place: tuple[str, str | None] | None = None
        self._filters: dict[str, str] = {}
        self._subject: tuple[tuple[int, int, bool | None], ChartSubject | None] | None = None
        self._first_rows = False
        """The members are on screen (cached or fresh), or their load failed: keys typed at start-up can act."""

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="org-card"):  # four lines from the first paint: the screen does not jump as data comes
            yield KeyValueCard("", self._card_left_placeholder(), id="org-card-left")
            yield KeyValueCard("", self._card_right_placeholder(), id="org-card-right")
        yield ErrorPanel(id="org-error")
        with TabbedView(id="org-tabs", lazy=True):
            for tab, title in self.TAB_TITLES.items():
                with Page(title, id=tab):
                    if tab == "users":  # the first tab's content is on the first paint; the others wait
                        yield from self._tab_content(tab)

    def _card_left_placeholder(self) -> list[tuple[str, object]]:
        return [("Name", self.crumb), ("ID", self.org_id), ("Created", "…"), ("Contract start", "…")]

    def _card_right_placeholder(self) -> list[tuple[str, object]]:
        last = "Logo" if self.is_whitelabel_admin is False else "Fleet"
        return [("White label", "…"), ("Trial", "…"), ("Developer profile", "…"), (last, "…")]

    def _tab_content(self, tab: str) -> ComposeResult:
        """What a tab holds, composed when the tab is first shown (start-up pays for one tab, not nine)."""
        match tab:
            case "users":
                yield ListPane(columns.USERS, "users", id="users-list")
            case "projects":
                yield ListPane(columns.PROJECTS, "projects", id="projects-list")
            case "datasets":
                yield ListPane(columns.DATASETS, "datasets", id="datasets-list")
            case "inner-orgs":
                yield ListPane(columns.INNER_ORGANIZATIONS_WITH_USAGE, "inner organizations", id="inner-orgs-list")
            case "fleet":
                yield FleetPanel(id="fleet-panel")
            case "wl-users":
                yield ListPane(columns.WHITELABEL_USERS, "white-label users", id="wl-users-list")
            case "wl-projects":
                yield ListPane(columns.WHITELABEL_PROJECTS, "white-label projects", id="wl-projects-list")
            case "usage":
                from screens.usage import UsagePanel  # with its tab: gauges, sparklines, charts are ~7 ms

                yield UsagePanel(id="usage-panel")
            case "readme":
                # Imported when the Readme tab is first shown: markdown-it is ~25 ms that start-up need not pay.
                from textual.widgets import Markdown

                yield ReadingScroll(
                    Markdown("_Loading the readme…_", open_links=False, id="readme-body"), id="readme-scroll"
                )
            case "settings":
                yield ReadingScroll(
                    KeyValueCard("Branding and trial", [], id="org-branding"),
                    Vertical(
                        Static(Text("Experiments", style="bold"), classes="section-title"),
                        ListPane(columns.EXPERIMENTS, "experiments", id="experiments-list"),
                        Static(Text("CLI lists", style="bold"), classes="section-title"),
                        ListPane(columns.CLI_OPTIONS, "options", id="cli-list"),
                        id="settings-lists",
                    ),
                    id="settings-scroll",
                )

    async def _compose_tab(self, tab: str) -> None:
        """Mount a tab's content the first time it is shown, then hand it what has already arrived."""
        if tab in self._composed:
            return
        self._composed.add(tab)
        self.ready = False  # keys typed while the tab composes are applied to it, not to the tab left
        pane = self.tab_view.get_pane(tab)
        with self.app.batch_update():
            await pane.mount_all(list(self._tab_content(tab)))
        self._fill(tab)
        self.call_after_refresh(self.now_ready)

    def _fill(self, tab: str) -> None:
        """Give a freshly composed tab the state the screen holds (rows, notes, errors, the readme)."""
        for list_id, state in self._lists.items():
            if TAB_OF_LIST.get(list_id) == tab:
                state.apply(self.query_one(f"#{list_id}", ListPane))
        if tab == "readme" and self.info is not None:
            self._show_readme(self.info)
        if tab == "settings" and self.info is not None:
            self._show_branding(self.info)
        if tab == "usage":
            self._show_usage()
        if tab == "fleet":
            self.fill_fleet()
        if tab in self._filters:
            self._apply_filter(tab)
        lists = self.tab_view.get_pane(tab).query(ListPane)
        if lists and self.tab_view.active == tab:
            lists.first().focus_table()

    def _set_list(
        self,
        list_id: str,
        *,
        rows: list[dict[str, Any]] | None = None,
        note: tuple[str, bool] | None = None,
        error: tuple[str, str, str] | None = None,
    ) -> None:
        """Keep a list's state on the screen, and show it now if the list's tab is composed."""
        state = self._lists.setdefault(list_id, ListState())
        state.update(rows=rows, note=note, error=error)
        found = self.query(f"#{list_id}")
        if found:
            widget = found.first()
            assert isinstance(widget, ListPane)
            state.apply(widget, rows=rows is not None, note=note is not None, error=error is not None)

    def on_mount(self) -> None:
        self.call_after_refresh(self._show_pending_place)
        self.number_tabs()
        self.query_one("#users-list", ListPane).focus_table()
        peeked = self._peeked_body
        if peeked is not None and peeked.done() and peeked.exception() is None:
            # Read while Textual started: the members are in the first paint, not a frame later.
            self._peeked(_peek_arrived(peeked.result()))
            return
        self.run_worker(self._peek_cache(), group="org-peek", exclusive=True, exit_on_error=False)

    async def _peek_cache(self) -> None:
        """Start-up: the cached members before the client (httpx, the models) is built; then the usual load."""
        try:
            if self._peeked_body is not None:
                cached = await asyncio.wrap_future(self._peeked_body)
            else:
                cached = await asyncio.to_thread(
                    peek_cached, self.eiscope.settings, self.eiscope.cache, organization_info_path(self.org_id)
                )
        except Exception as error:  # a peek is an optimisation: whatever goes wrong, the normal load follows
            self.log.warning(f"cache peek failed: {error!r}")
            cached = None
        self.post_message(_peek_arrived(cached))

    @on(OrganizationPeeked)
    def _peeked(self, message: OrganizationPeeked) -> None:
        raw = message.raw
        if raw is None or self.info is not None:
            self.load()
            return
        found = raw.get("organization")
        organization: dict[str, Any] = found if isinstance(found, dict) else {}
        users = [u for u in organization.get("users") or [] if isinstance(u, dict)]
        self._set_list("users-list", rows=users, note=(cached_note(message.age_s), True))
        self._first_rows_in()
        if organization.get("name"):
            self.set_crumb(clean(organization["name"]))
            self.query_one("#org-card-left", KeyValueCard).update_rows(self._card_left_placeholder())
        # The rows are painted first; building the client and validating the models (~0.3 s of imports) follows
        # the paint, whenever that comes on a loaded machine.
        painted = asyncio.Event()
        self.call_after_refresh(painted.set)
        self.run_worker(self._load_after(painted), group="org-load-soon", exclusive=True, exit_on_error=False)

    async def _load_after(self, painted: asyncio.Event) -> None:
        """After the first paint, and a moment for the frame to reach the terminal (another thread writes it),
        build the client and load: its imports hold the event loop ~0.3 s."""
        await painted.wait()
        await asyncio.sleep(FIRST_FRAME_S)
        self.load()

    def has_what_keys_need(self) -> bool:
        return self._first_rows

    def _first_rows_in(self) -> None:
        if not self._first_rows:
            self._first_rows = True
            self.call_after_refresh(self.now_ready)

    # -- loading ---------------------------------------------------------------------------------------------------

    def load(self) -> None:
        self.run_worker(self._load_info(), group="org-info", exclusive=True, exit_on_error=False)
        self.run_worker(self._load_projects(), group="org-projects", exclusive=True, exit_on_error=False)
        self.run_worker(self._load_own_metrics(), group="org-metrics", exclusive=True, exit_on_error=False)
        self.run_worker(self._probe_whitelabel(), group="org-whitelabel", exclusive=True, exit_on_error=False)
        active = self.tab_view.active
        if self.is_whitelabel_admin and (active == "fleet" or not self._fleet_network_started):
            self.start_fleet(network=active == "fleet")
        for tab in list(self._paged_started):
            self._paged_started.discard(tab)
            if tab == active:
                self._start_paged(tab)
            else:
                self._stop_paged(tab)

    async def _load_info(self) -> None:
        await self.load_organization_info(self.org_id)

    async def _load_projects(self) -> None:
        await self.load_organization_projects(self.org_id)

    async def _load_own_metrics(self) -> None:
        await load_cached_then_fresh(
            self, OrganizationMetricsLoaded, lambda **kw: self.client.organization_metrics(self.org_id, **kw)
        )

    async def _probe_whitelabel(self) -> None:
        if await load_cached_then_fresh(
            self, WhitelabelLoaded, lambda **kw: self.client.whitelabel_info(self.org_id, **kw)
        ):
            await load_cached_then_fresh(
                self, WhitelabelMetricsLoaded, lambda **kw: self.client.whitelabel_metrics(self.org_id, **kw)
            )

    # -- results ---------------------------------------------------------------------------------------------------

    @on(OrganizationLoaded)
    def _info_loaded(self, message: OrganizationLoaded) -> None:
        self.info = message.value
        self.info_raw = message.fetched.raw
        self._show_info(message.value, message.fetched.raw)
        self._first_rows_in()
        note = describe(message.fetched)
        for list_id in ("users-list", "datasets-list", "experiments-list", "cli-list"):
            self._set_list(list_id, note=(note.text, note.stale))
        self.query_one("#org-error", ErrorPanel).clear()
        self.unavailable = None
        self.remove_class("-unavailable")
        if self._held is not None:  # a part that failed before the organization answered is said now
            what, error = self._held
            self._held = None
            self.flash_error(what.part, error)
        self._show_pending_place()

    @on(OrganizationProjectsLoaded)
    def _projects_loaded(self, message: OrganizationProjectsLoaded) -> None:
        self.projects = [p for p in message.fetched.raw.get("projects") or [] if isinstance(p, dict)]
        note = describe(message.fetched)
        self._set_list("projects-list", rows=self.projects, note=(note.text, note.stale))
        self.index.register_rows(Kind.PROJECT, self.org_id, self.projects)
        self._show_usage()  # a plain organization's project gauge counts these

    @on(WhitelabelLoaded)
    def _whitelabel_loaded(self, message: WhitelabelLoaded) -> None:
        self.whitelabel = message.value.whitelabel
        self.whitelabel_raw = message.fetched.raw
        self._set_whitelabel_admin(True)
        self._show_usage()

    @on(OrganizationMetricsLoaded)
    def _own_metrics_loaded(self, message: OrganizationMetricsLoaded) -> None:
        self.own_metrics = message.value.metrics
        self.own_metrics_raw = message.fetched.raw
        self._show_usage()

    @on(WhitelabelMetricsLoaded)
    def _metrics_loaded(self, message: WhitelabelMetricsLoaded) -> None:
        self.whitelabel_metrics = message.value
        self._show_usage()

    def _set_whitelabel_admin(self, is_admin: bool) -> None:
        """Show the white-label tabs (an owner) or hide them (a 403, even after a cached answer showed them)."""
        if self.is_whitelabel_admin is is_admin:
            return
        self.is_whitelabel_admin = is_admin
        self.index.set_whitelabel(self.org_id, is_admin)
        tabs = self.tab_view
        for tab in WHITELABEL_TABS:
            if is_admin:
                tabs.show_tab(tab)
            else:
                self._stop_paged(tab)
                tabs.hide_tab(tab)
        if not is_admin and tabs.active in WHITELABEL_TABS:
            self.switch_tab("users")
        self.set_loading_tabs(frozenset())  # numbers the tabs, and opens a tab asked for while it loaded
        if is_admin and tabs.active in PAGED_KINDS:
            self._start_paged(tabs.active)
        if is_admin:
            self.start_fleet(network=tabs.active == "fleet")
        self._show_pending_place()

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        error = message.error
        if message.what is OrganizationLoaded:
            self._first_rows_in()  # nothing more will come: keys typed meanwhile act now, whatever the error
        if message.what is WhitelabelLoaded and isinstance(error, ForbiddenError):
            self.whitelabel = None
            self._set_whitelabel_admin(False)
            self._show_usage()
            return
        if message.what is WhitelabelLoaded and self.is_whitelabel_admin is None:
            # Not known either way (the network failed, nothing cached): the tabs stop saying 'loading' and
            # show the error when opened, rather than vanish and renumber the others.
            self.set_loading_tabs(frozenset())
            self._show_pending_place()
        if message.what is OrganizationLoaded and not message.had_cache and isinstance(error, UNAVAILABLE):
            self._show_unavailable(error)
            return
        if self.unavailable is not None:
            return  # the organization's own error says it, once
        if message.what is OrganizationMetricsLoaded:
            if message.had_cache:  # without them the Usage tab keeps its local sums: a toast only over old ones
                self.flash_error(message.what.part, error)
            return
        if message.what in (WhitelabelLoaded, WhitelabelMetricsLoaded) and self.info is None:
            self._held = (message.what, error)  # said when the organization answers; if it fails, its error says it
            return
        if message.had_cache or message.what in (WhitelabelLoaded, WhitelabelMetricsLoaded):
            self.flash_error(message.what.part, error)
            return
        if message.what is OrganizationLoaded:
            self.query_one("#org-error", ErrorPanel).show_error(
                f"Could not load organization {self.org_id}", error.message, tui_hint(error)
            )
            for list_id in ("users-list", "datasets-list"):
                self._set_list(list_id, error=("Not loaded", error.message, tui_hint(error)))
        elif message.what is OrganizationProjectsLoaded:
            self._set_list("projects-list", error=("Projects not loaded", error.message, tui_hint(error)))

    def _show_unavailable(self, error: ApiError) -> None:
        """The organization cannot be opened: one error in place of the page, with the ways on, and the app told
        (it offers the organization picker). Its lists and tabs would only repeat the error, so they hide."""
        self.unavailable = error
        self._held = None
        self.add_class("-unavailable")
        ways = [
            (self.key_for("pick-organization"), "another organization"),
            (self.key_for("pick-profile"), "another profile"),
            (self.key_for("refresh"), "try again"),
        ]
        self.query_one("#org-error", ErrorPanel).show_error(
            f"Could not open organization {self.org_id}",
            error.message,
            tui_hint(error),
            ways="   ".join(f"{key} {what}" for key, what in ways if key),
        )
        self.post_message(OrganizationUnavailable(self.org_id, error))

    def rows_for_list(self, tab: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Inner organizations carry their usage percent once the fleet knows it."""
        return self.with_usage(rows) if tab == "inner-orgs" else rows

    def _show_info(self, info: OrganizationInfo, raw: dict[str, Any]) -> None:
        org = info.organization
        self.set_crumb(clean(org.name or f"Organization {self.org_id}"))
        self.query_one("#org-card-left", KeyValueCard).update_rows(
            [
                ("Name", org.name),
                ("ID", org.id),
                ("Created", org.created),
                ("Contract start", org.contract_start_date),
            ]
        )
        self.show_fleet_summary()
        body = raw.get("organization") or {}
        users = [u for u in body.get("users") or [] if isinstance(u, dict)]
        self._set_list("users-list", rows=users)
        self._set_list("datasets-list", rows=[d for d in raw.get("datasets") or [] if isinstance(d, dict)])
        self.index.register_rows(Kind.MEMBER, self.org_id, users)
        self._show_readme(info)
        self._show_branding(info)
        self._set_list("experiments-list", rows=[e for e in raw.get("experiments") or [] if isinstance(e, dict)])
        cli = raw.get("cliLists") or {}
        options = [
            {"list": list_name, **option}
            for list_name, items in cli.items()
            if isinstance(items, list)
            for option in items
            if isinstance(option, dict)
        ]
        self._set_list("cli-list", rows=options)
        self._show_usage()

    def show_fleet_summary(self) -> None:
        """The card's right half; a white-label owner's last line is the fleet's summary, not the logo."""
        if self.info is None:
            return
        org = self.info.organization
        if self.is_whitelabel_admin is False:
            last: tuple[str, object] = ("Logo", org.logo)
        elif self.is_whitelabel_admin is None:
            last = ("Fleet", "…")  # not known yet whether this is a white label: the line keeps its place
        else:
            fleet_key = self.tab_key(self.visible_tabs().index("fleet") + 1)
            last = ("Fleet", self.fleet_summary(compact=True) or f"tab {fleet_key}")
        rows: list[tuple[str, object]] = [
            ("White label", org.whitelabel_name or org.whitelabel_id),
            ("Trial", _trial_text(info=self.info)),
            ("Developer profile", org.is_developer_profile),
            last,
        ]
        if rows != self._card_right:  # an unchanged card is not redrawn (a redraw reflows the screen)
            self._card_right = rows
            self.query_one("#org-card-right", KeyValueCard).update_rows(rows)

    def _show_readme(self, info: OrganizationInfo) -> None:
        found = self.query("#readme-body")
        if found:
            markdown = clean_multiline(info.readme.markdown if info.readme else "")
            cast("Markdown", found.first()).update(markdown or "_This organization has no readme._")

    def _show_branding(self, info: OrganizationInfo) -> None:
        found = self.query("#org-branding")
        if not found:
            return
        org = info.organization
        found.first(KeyValueCard).update_rows(
            [
                ("Logo", org.logo),
                ("Header image", org.header_img),
                ("Header image mask", org.show_header_img_mask),
                ("Trial ID", org.trial_id),
                ("Trial expired", org.trial_expired_date),
                ("Trial upgraded", org.trial_upgraded_date),
            ]
        )

    def _show_usage(self) -> None:
        """Rebuild the Usage tab, but only while it is shown: it is some thirty widgets, and data arrives in
        three parts; a hidden tab is brought up to date when it is opened."""
        if self.tab_view.active != "usage" or "usage" not in self._composed:
            self._usage_stale = True
            return
        self._usage_stale = False
        panel = cast("UsagePanel", self.query_one("#usage-panel"))
        panel.show(
            self.info,
            self.whitelabel,
            self.whitelabel_metrics,
            self.is_whitelabel_admin,
            self.projects,
            own=self.own_metrics,
        )

    # -- keys ------------------------------------------------------------------------------------------------------

    @on(TabbedView.TabActivated)
    async def _tab_activated(self, event: TabbedView.TabActivated) -> None:
        tab = event.pane.id or ""
        await self._compose_tab(tab)
        if tab in PAGED_KINDS and self.is_whitelabel_admin:
            self._start_paged(tab)
        elif tab == "fleet" and self.is_whitelabel_admin and not self._fleet_network_started:
            self.start_fleet(network=True)
        elif tab == "usage" and self._usage_stale:
            self._show_usage()

    @on(ResourceTable.RowSelected)
    def _row_selected(self, event: ResourceTable.RowSelected) -> None:
        pane = event.control.parent
        kind = LIST_KINDS.get(pane.id or "") if pane is not None else None
        if kind is None:
            return
        self.open(
            kind,
            self.org_id,
            event.row,
            whitelabel=bool(self.is_whitelabel_admin),
            context={"org_projects": self.projects},
        )

    def action_structure(self) -> None:
        self.post_message(ShowStructure(self.structure_data()))

    def action_back(self) -> None:
        """Escape on an organization that could not be opened, with nothing below: the organization picker."""
        if self.unavailable is not None and not self._has_screen_below():
            self.post_message(PickOrganization())
            return
        super().action_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back" and self.unavailable is not None:
            return True
        if action in ("structure", "compute", "access", "changes") and self.unavailable is not None:
            return False  # views of an organization that could not be opened
        return super().check_action(action, parameters)

    # -- places (`:users`, `:fleet`…) and charts, asked for by the command line and the palette ---------------------

    def show_place(self, place: str, filter_text: str | None = None) -> None:
        """Show one of the organization's places (`PLACES`, or 'structure'); one that is not ready yet (a
        white-label tab before /whitelabel answers, the tree before the organization does) is shown when it is."""
        self._pending_place = (place, filter_text)
        if self.is_mounted:
            self._show_pending_place()

    def _show_pending_place(self) -> None:
        if self._pending_place is None or not self.is_mounted:
            return
        place, filter_text = self._pending_place
        if place == "structure":
            if self.info is not None:
                self._pending_place = None
                self.action_structure()
            return
        admin_tab, plain_tab = PLACES[place]
        if admin_tab in self.loading_tabs:
            return  # /whitelabel has not answered yet: _set_whitelabel_admin comes back here
        self._pending_place = None
        tab = admin_tab if admin_tab in self.visible_tabs() else plain_tab
        if tab is None:
            self.notify(f"{self.crumb} is not a white-label admin organization: it has no {place.replace('-', ' ')}")
            return
        if filter_text:
            self._filters[tab] = filter_text
        self.switch_tab(tab)
        if tab in self._composed and filter_text:
            self._apply_filter(tab)

    def _apply_filter(self, tab: str) -> None:
        text = self._filters.pop(tab, None)
        lists = self.tab_view.get_pane(tab).query(ListPane)
        if text and lists:
            lists.first().set_filter(text)

    def chart_subject(self) -> ChartSubject | None:
        """The Usage tab's subject before the tab is opened: the palette and `:chart` offer its metrics."""
        key = (id(self.info), id(self.whitelabel_metrics), self.is_whitelabel_admin)
        if self._subject is None or self._subject[0] != key:
            from screens.usage import usage_subject  # with the palette or `:chart`, not at start-up

            self._subject = (key, usage_subject(self.info, self.whitelabel_metrics, self.is_whitelabel_admin))
        return self._subject[1]

    def action_compute(self) -> None:
        """Who and what used this organization's compute (`C`)."""
        self.post_message(ShowCompute(self.org_id, name=self.crumb))

    def action_access(self) -> None:
        """This organization's API keys and members, and which of them have gone quiet (`A`)."""
        self.post_message(ShowAccess(self.org_id))

    def structure_data(self) -> StructureData:
        """The organization as the Structure view needs it, from the rows loaded here (it pages the rest)."""
        raw = (self.info_raw or {}).get("organization") or {}
        return StructureData(
            self.org_id,
            self.crumb,
            members=[u for u in raw.get("users") or [] if isinstance(u, dict)],
            projects=self.projects,
            datasets=[d for d in (self.info_raw or {}).get("datasets") or [] if isinstance(d, dict)],
            whitelabel=bool(self.is_whitelabel_admin),
            inner_orgs=self._complete_rows("inner-orgs"),
            whitelabel_projects=self._complete_rows("wl-projects"),
            health={inner_id: (str(mark.status), mark.worst_percent) for inner_id, mark in self.fleet_marks().items()},
            used=self.fleet_used(),
        )

    def _complete_rows(self, tab: str) -> Callable[[], list[dict[str, Any]]] | None:
        """The rows of a white-label list once every page is in (None when not paged, or still paging)."""
        paging = any(w.group == f"pages-{tab}" and w.node is self and w.is_running for w in self.workers)
        if tab not in self._paged_started or paging:
            return None
        store = self.query_one(f"#{tab}-list", ListPane).table.store
        return lambda: [store.row_by_id(i) for i in range(store.total)]

    def raw_document(self) -> tuple[str, Any] | None:
        tabs = self.tab_view
        row = self.active_list_row()
        if row is not None:
            return row
        if tabs.active == "projects":
            return ("projects", {"projects": self.projects})
        if tabs.active == "usage" and self.whitelabel_raw is not None:
            metrics = self.whitelabel_metrics.metrics if self.whitelabel_metrics else None
            return ("white label", {**self.whitelabel_raw, "metrics": metrics})
        if tabs.active == "usage" and self.own_metrics_raw is not None:
            return ("organization metrics", self.own_metrics_raw)
        if self.info_raw is None:
            return None
        return ("organization info", self.info_raw)


def _peek_arrived(cached: CachedBody | None) -> OrganizationPeeked:
    return OrganizationPeeked(cached.raw if cached else None, cached.age_s if cached else None)


def _trial_text(info: OrganizationInfo) -> str | None:
    org = info.organization
    if org.trial_id is None:
        return None
    if org.trial_upgraded_date:
        return f"upgraded {org.trial_upgraded_date:%Y-%m-%d}"
    if org.trial_expired_date:
        return f"expired {org.trial_expired_date:%Y-%m-%d}"
    return "active"
