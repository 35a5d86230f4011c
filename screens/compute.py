"""Compute, by who and what: an organization's (or an inner organization's) jobs over a period, summed by
project, by user and by job category, largest first, and the jobs themselves.

The numbers are tui/api/compute.py's (the definitions are there and in the README); the jobs are read by
tui/api/compute_read.py, cache first, then the network, page by page. While a pass streams in, the sums and the
lists are redrawn a few times a second. A network pass over jobs already shown from the cache builds its sums
apart and shows them when complete, so the numbers never drop to a half-read total. `t` cycles the period
(30, 90, 365 days, the current contract): the sums of every period are kept as jobs arrive, so it is instant.
Enter opens a project or a user, shows a category's jobs, or a job's JSON.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Static

from screens import columns, units
from screens.base import EiscopeScreen
from screens.loading import UnexpectedError, freshness, load_cached_then_fresh
from screens.messages import (
    InnerOrganizationLoaded,
    JobsArrived,
    JobsAttributed,
    JobsDone,
    JobsFailed,
    Kind,
    LoadFailed,
    OrganizationLoaded,
    OrganizationMetricsLoaded,
    OrganizationProjectsLoaded,
    OwnedProjectsArrived,
    ShowRaw,
)
from tui.api.compute import PERIOD_DAYS, JobBook, Period, Share, many_job_facts
from tui.api.compute_read import attributions, jobs_window, names_projects, read_jobs
from tui.api.errors import ApiError
from tui.api.owned import owned_projects
from tui.api.row_marks import is_unreadable
from tui.api.source import Source
from tui.hints import tui_hint
from tui.safe_text import clean
from widgets.list_pane import ListPane
from widgets.notice import StatusLine
from widgets.resource_table import ResourceTable
from widgets.tabbed_view import Page, TabbedView

__all__ = ["ComputeScreen"]

REDRAW_EVERY_S = 0.3
"""How often streaming jobs redraw the sums and lists."""

BREAKDOWNS = {"by-project": "project", "by-user": "user", "by-category": "category"}


class ComputeScreen(EiscopeScreen):
    """Who and what used an organization's compute over a period."""

    CSS = """
    #compute-head {
        height: 3;
        padding: 0 1;
    }

    #compute-status {
        height: 1;
    }
    """
    """A few lines of totals above the tabs; loaded with the screen."""

    TAB_TITLES: ClassVar[dict[str, str]] = {
        "by-project": "Projects",
        "by-user": "Users",
        "by-category": "Categories",
        "jobs": "Jobs",
    }
    SHORT_TAB_TITLES: ClassVar[dict[str, str]] = {"by-category": "Categ."}
    BINDINGS = [Binding("t", "next_period", "Period", id="range")]

    def __init__(
        self, org_id: int, *, inner_id: int | None = None, days: int | None = 30, name: str | None = None
    ) -> None:
        super().__init__()
        self.org_id = org_id
        self.inner_id = inner_id
        self.days = days if days in PERIOD_DAYS else 30
        self.org_name = clean(name) if name else None
        self.crumb = "Compute"
        self.contract_since: datetime | None = None
        self.daily: list[dict[str, Any]] = []
        self.contract_minutes: float | None = None
        self.book: JobBook | None = None
        self._building: JobBook | None = None  # a network pass's book while other jobs are shown
        self._network_started = False
        self._network_note = ("live", False)
        self._passes = itertools.count(1)
        self._pass_id = 0
        self._read = 0
        self._total: int | None = None
        self._attributing: tuple[int, int] | None = None
        self._running = False
        self._note = ""
        self._stale = False
        self._unshown_jobs: list[dict[str, Any]] = []
        self._redraw_timer: Timer | None = None
        self._projects: dict[int, dict[str, Any]] = {}
        self._members: dict[int, dict[str, Any]] = {}
        self._filter_note = ""
        self._jobs_stale = False
        self._error: ApiError | None = None
        self._composed: set[str] = {"by-project"}
        self._stale_tabs: set[str] = set()
        self._category: str | None = None

    # -- layout ------------------------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static(id="compute-head", markup=False)
        with TabbedView(id="compute-tabs"):
            for tab, title in self.TAB_TITLES.items():
                with Page(title, id=tab):
                    if tab == "by-project":  # the first tab's list is on the first paint; the others wait
                        yield _tab_list(tab)
        yield StatusLine(id="compute-status")

    def on_mount(self) -> None:
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if self.org_name and getattr(below, "crumb", None) != self.org_name:
            self.set_crumb(f"{self.org_name} · Compute")  # opened from the Fleet tab: the trail names whose
        self.number_tabs()
        self.query_one("#by-project-list", ListPane).focus_table()
        self._draw_head()
        self.load()

    async def _compose_tab(self, tab: str) -> None:
        """Mount a tab's list when it is first shown (a screen of four lists costs its mount four times)."""
        if tab in self._composed:
            return
        self._composed.add(tab)
        pane = _tab_list(tab)
        await self.tab_view.get_pane(tab).mount(pane)
        if tab == "jobs":
            pane.table.sort_by("created", reverse=True)
        if self._error is not None and self.book is None:
            pane.show_error("Jobs not loaded", self._error.message, tui_hint(self._error))
        self._stale_tabs.add(tab)
        self._draw_tab(tab)
        if self.tab_view.active == tab:
            pane.focus_table()

    @on(TabbedView.TabActivated)
    async def _tab_activated(self, event: TabbedView.TabActivated) -> None:
        tab = event.pane.id or ""
        await self._compose_tab(tab)
        if tab in self._stale_tabs:
            self._draw_tab(tab)

    # -- loading -----------------------------------------------------------------------------------------------

    def load(self) -> None:
        self._pass_id = next(self._passes)
        self._running = True
        self._network_started = False
        self._network_note = ("live", False)
        self._building = None
        self._read, self._total, self._attributing = 0, None, None
        self._note = "loading…"
        self._show_status()
        if self.inner_id is not None:
            self.run_worker(self._load_inner_info(), group="compute-info", exclusive=True, exit_on_error=False)
            self.run_worker(self._load_owned(), group="compute-projects", exclusive=True, exit_on_error=False)
        else:
            info, projects = self.load_organization_info(self.org_id), self.load_organization_projects(self.org_id)
            self.run_worker(info, group="compute-info", exclusive=True, exit_on_error=False)
            self.run_worker(projects, group="compute-projects", exclusive=True, exit_on_error=False)
        reading = self._read_jobs(self._pass_id, with_cache=self.book is None)
        self.run_worker(reading, group="compute-jobs", exclusive=True, exit_on_error=False)

    async def _load_inner_info(self) -> None:
        assert self.inner_id is not None
        inner_id = self.inner_id
        await load_cached_then_fresh(
            self, InnerOrganizationLoaded, lambda **kw: self.client.inner_organization(self.org_id, inner_id, **kw)
        )

    async def _load_owned(self) -> None:
        """The inner organization's projects (names to show, and the lists that attribute jobs to them)."""
        assert self.inner_id is not None
        for source in (Source.CACHE, Source.NETWORK):
            rows: list[dict[str, Any]] = []
            use = "honoured"
            try:
                async for owned in owned_projects(self.client, self.org_id, self.inner_id, source=source):
                    rows.extend(owned.page.raw_items)
                    use = owned.filter_use
            except ApiError:
                return  # the projects only name and attribute: the jobs still show
            except Exception as error:
                self.log.error(f"compute: projects failed: {error!r}")
                return
            if rows or source is Source.NETWORK:
                self.post_message(OwnedProjectsArrived(rows, use, cached=source is Source.CACHE))

    async def _contract_since(self, source: Source) -> datetime | None:
        """When the organization's current contract started, from its metrics (posted for the head too)."""
        try:
            metrics = await self.client.organization_metrics(self.org_id, source=source)
        except ApiError:
            return None
        if metrics is None:
            return None
        self.post_message(OrganizationMetricsLoaded(metrics))
        return metrics.value.metrics.jobs_compute_time_current_year_since

    async def _read_jobs(self, pass_id: int, *, with_cache: bool) -> None:
        """The cache's pages first (at once; not on a refresh), then the network's; then the projects' own
        lists if the jobs did not say where they ran."""
        now = self.eiscope.now()
        for network in (False, True) if with_cache else (True,):
            source = Source.NETWORK if network else Source.CACHE
            window = jobs_window(now, None)
            if self.inner_id is None:  # an organization's jobs are asked for by date: the contract may reach further
                since = await self._contract_since(source)
                if since is None and not network:
                    since = await self._contract_since(Source.NETWORK)
                window = jobs_window(now, since)
            named, seen = False, False
            try:
                async for page in read_jobs(self.client, self.org_id, self.inner_id, window=window, source=source):
                    named = named or names_projects(page.raw_items)
                    seen = seen or bool(page.raw_items)
                    # Reading a page's jobs is the costly part: a thread does it, so keys are not kept waiting.
                    facts = await asyncio.to_thread(many_job_facts, page.raw_items)
                    self.post_message(
                        JobsArrived(
                            page.raw_items,
                            page.total,
                            facts=facts,
                            pass_id=pass_id,
                            network=network,
                            from_cache=page.from_cache,
                            offline=page.offline,
                            age_s=page.age_s,
                        )
                    )
                if seen and not named and self.inner_id is not None:
                    await self._attribute(pass_id, source, network)
            except ApiError as error:
                self.post_message(JobsFailed(error, pass_id=pass_id, network=network))
                if network:
                    return
                continue
            except Exception as error:
                self.log.error(f"compute: jobs failed: {error!r}")
                self.post_message(JobsFailed(UnexpectedError.wrapping(error), pass_id=pass_id, network=network))
                return
            self.post_message(JobsDone(pass_id=pass_id, network=network))

    async def _attribute(self, pass_id: int, source: Source, network: bool) -> None:
        """Each of the inner organization's projects lists its own jobs: those ran in it."""
        assert self.inner_id is not None
        async for project_id, rows, done, of in attributions(self.client, self.org_id, self.inner_id, source=source):
            self.post_message(JobsAttributed(project_id, rows, done, of, pass_id=pass_id, network=network))

    # -- what arrives ------------------------------------------------------------------------------------------

    @on(InnerOrganizationLoaded)
    def _inner_loaded(self, message: InnerOrganizationLoaded) -> None:
        self.contract_since = message.value.compute_time_current_contract_since
        self.daily = [r for r in message.fetched.raw.get("dailyMetrics") or [] if isinstance(r, dict)]
        for book in self._books():
            book.set_contract_since(self.contract_since)
        self._redraw()

    @on(OrganizationMetricsLoaded)
    def _metrics_loaded(self, message: OrganizationMetricsLoaded) -> None:
        metrics = message.value.metrics
        self.contract_since = metrics.jobs_compute_time_current_year_since
        self.contract_minutes = metrics.jobs_compute_time_current_year
        for book in self._books():
            book.set_contract_since(self.contract_since)
        self._redraw()

    @on(OrganizationLoaded)
    def _org_loaded(self, message: OrganizationLoaded) -> None:
        users = (message.fetched.raw.get("organization") or {}).get("users") or []
        self._members = {u["id"]: u for u in users if isinstance(u, dict) and isinstance(u.get("id"), int)}
        if self.org_name is None:
            self.org_name = clean(message.value.organization.name)
            self._draw_head()

    @on(OrganizationProjectsLoaded)
    def _org_projects_loaded(self, message: OrganizationProjectsLoaded) -> None:
        self._set_projects([p for p in message.fetched.raw.get("projects") or [] if isinstance(p, dict)])

    @on(OwnedProjectsArrived)
    def _owned_arrived(self, message: OwnedProjectsArrived) -> None:
        self._set_projects(message.rows)
        self._filter_note = (
            ""
            if message.filter_use == "honoured"
            else f"projects read from the white label's list (the owner filter was {message.filter_use})"
        )
        self._show_status()

    def _set_projects(self, rows: list[dict[str, Any]]) -> None:
        self._projects = {row["id"]: row for row in rows if isinstance(row.get("id"), int)}
        for book in self._books():
            for project_id, row in self._projects.items():
                if isinstance(row.get("name"), str):
                    book.project_names[project_id] = row["name"]
        self._redraw()

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        if message.had_cache:
            self.flash_error(message.what.part, message.error)
        # Without the info or the metrics the jobs still show: the head says what it could not learn.

    def _books(self) -> list[JobBook]:
        return [book for book in (self.book, self._building) if book is not None]

    def _new_book(self) -> JobBook:
        book = JobBook(self.eiscope.now(), self.contract_since)
        for project_id, row in self._projects.items():
            if isinstance(row.get("name"), str):
                book.project_names[project_id] = row["name"]
        return book

    @on(JobsArrived)
    def _jobs_arrived(self, message: JobsArrived) -> None:
        if message.pass_id != self._pass_id:
            return
        self._total = message.total
        if message.network and not self._network_started:
            # The first page of the network: over jobs already shown, its sums are built apart (and shown when
            # complete), so the numbers never drop to a half-read total; over nothing, they stream in.
            self._network_started = True
            if self.book is not None and self.book.count:
                self._building = self._new_book()
        if self.book is None:
            self.book = self._new_book()
        target = self._building if self._building is not None else self.book
        added = target.add(message.rows, message.facts)
        self._read = target.count + len(target.unreadable)
        if message.network:
            note = freshness(from_cache=message.from_cache, offline=message.offline, age_s=message.age_s)
            if note.stale or not self._network_note[1]:
                self._network_note = (note.text, note.stale)  # the stalest page speaks for the pass
            self._note, self._stale = ("refreshing…", True) if self._building is not None else self._network_note
        else:
            self._note, self._stale = freshness(from_cache=True, offline=False, age_s=message.age_s).text, True
        if target is self.book:
            self._unshown_jobs.extend(added)
        if target is self.book and target.count == len(added):
            self._redraw()  # the first jobs show at once; the rest a few times a second
        else:
            self._schedule_redraw()

    @on(JobsAttributed)
    def _jobs_attributed(self, message: JobsAttributed) -> None:
        if message.pass_id != self._pass_id:
            return
        book = self._building if message.network and self._building is not None else self.book
        if book is None:
            return
        ids = [row["id"] for row in message.rows if isinstance(row.get("id"), int)]
        new = [row for row in message.rows if isinstance(row.get("id"), int) and row["id"] not in book.jobs]
        book.add({**row, "projectId": message.project_id} for row in new)
        book.attribute(message.project_id, ids)
        self._attributing = (message.done, message.of)
        if book is self.book:
            self._unshown_jobs = []
            self._jobs_stale = True
        self._schedule_redraw()

    @on(JobsDone)
    def _jobs_done(self, message: JobsDone) -> None:
        if message.pass_id != self._pass_id:
            return
        if message.network:
            self._running = False
            if self._building is not None:
                self.book, self._building = self._building, None
            self._note, self._stale = self._network_note
        self._attributing = None
        self._jobs_stale = True
        self._redraw()

    @on(JobsFailed)
    def _jobs_failed(self, message: JobsFailed) -> None:
        if message.pass_id != self._pass_id:
            return
        if not message.network:
            return  # the cache could not be read: the network pass follows
        self._running = False
        self._building = None
        error = message.error
        if self.book is not None and self.book.count:
            self.flash_error("the jobs", error)
            self._note = f"not refreshed: {error.message}"
            self._stale = True
        else:
            self._error = error
            for tab in self._composed:
                self.query_one(f"#{tab}-list", ListPane).show_error("Jobs not loaded", error.message, tui_hint(error))
            self._note = error.message
            self._stale = True
        self._redraw()

    # -- drawing -----------------------------------------------------------------------------------------------

    def _schedule_redraw(self) -> None:
        if self._redraw_timer is None:
            self._redraw_timer = self.set_timer(REDRAW_EVERY_S, self._redraw)

    def _redraw(self) -> None:
        """The head, the status, and the list in view; the other lists are drawn when their tab is shown."""
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
            self._redraw_timer = None
        self._draw_head()
        self._show_status()
        if self.book is None:
            return
        active = self.tab_view.active
        self._stale_tabs.update(tab for tab in self._composed if tab != active)
        if active != "jobs":
            self._jobs_stale = True  # drawn whole when shown: appending to a hidden list is wasted
        self._draw_tab(active)

    def _draw_tab(self, tab: str) -> None:
        book = self.book
        if book is None or tab not in self._composed:
            return
        self._stale_tabs.discard(tab)
        pane = self.query_one(f"#{tab}-list", ListPane)
        if tab in BREAKDOWNS:
            _replace_keeping_cursor(pane, _share_rows(book.breakdown(self.days, BREAKDOWNS[tab])))
        elif self._jobs_stale:
            # Unreadable jobs are listed (marked) whatever the period: they have no date to cut by.
            pane.set_rows([row for row in book.job_rows(self.days) if self._in_category(row)] + book.unreadable)
            pane.set_note(f"only {self._category} jobs · esc: every job" if self._category else "")
            self._jobs_stale = False
            self._unshown_jobs = []
        elif self._unshown_jobs:
            period = book.period(self.days)
            shown = []
            for row in self._unshown_jobs:
                job = None if is_unreadable(row) else book.jobs.get(row["id"])
                if job is None:
                    shown.append(row)  # unreadable
                elif period.holds_day(job.day) and self._in_category(row):
                    shown.append(book.job_row(job))
            pane.append_rows(shown)
            self._unshown_jobs = []

    def _in_category(self, row: dict[str, Any]) -> bool:
        return self._category is None or row.get("category") == self._category

    def _draw_head(self) -> None:
        """Three lines: whose compute over which period; the jobs and their compute; the same against the limit
        and what the metrics count for the period (the jobs' sum and the metrics' should agree)."""
        name = self.org_name or f"Organization {self.inner_id or self.org_id}"
        book = self.book
        if book is None:
            period_text = "current contract" if self.days is None else f"last {self.days} days"
            lines = [f"{name} · {period_text} · t: next period", "Reading the jobs…", ""]
        else:
            tally = book.tally(self.days)
            total = tally.total
            compute = f"compute {units.seconds(total.compute_s) or '0 s'}"
            if total.gpu_s:
                compute += f" (GPU {units.seconds(total.gpu_s)})"
            figures = [
                columns.plural(total.jobs, "job"),
                f"{total.failed:,} failed",
                f"{total.running:,} running",
                compute,
            ]
            against = [f"against the limit (CPU+3×GPU) {units.seconds(total.contract_s) or '0 s'}"]
            period = book.period(self.days)
            counted = self._counted_elsewhere(period)
            if counted:
                against.append(counted)
            lines = [f"{name} · {period.label} · t: next period", " · ".join(figures), " · ".join(against)]
        self.query_one("#compute-head", Static).update(Text("\n".join(lines)))

    def _counted_elsewhere(self, period: Period) -> str | None:
        """What the metrics count for the period: the daily records' CPU + GPU seconds (an inner organization),
        or the contract's compute (an organization's metrics, for the contract period only)."""
        if self.daily:
            total = sum(
                float(record.get("cpuComputeTimeSeconds") or 0) + float(record.get("gpuComputeTimeSeconds") or 0)
                for record in self.daily
                if period.holds_day(str(record.get("date") or "")[:10] or None)
            )
            return f"the daily metrics count {units.seconds(total)}"
        if period.days is None and self.contract_minutes is not None:
            return f"the metrics count {units.minutes(self.contract_minutes)}"
        return None

    def _show_status(self) -> None:
        parts = []
        if self._running:
            total = f" of {self._total:,}" if self._total is not None else ""
            parts.append(f"read {self._read:,}{total} jobs")
        elif self.book is not None:
            parts.append(f"{self.book.count:,} jobs read")
        if self._attributing is not None:
            done, of = self._attributing
            parts.append(f"finding their projects: {done:,} of {of:,}")
        if self.book is not None and self.book.unreadable:
            parts.append(f"{len(self.book.unreadable):,} unreadable")
        if self._filter_note:
            parts.append(self._filter_note)
        if self._note:
            parts.append(self._note)
        self.query_one("#compute-status", StatusLine).show(" · ".join(parts), stale=self._stale)

    # -- keys --------------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Escape over a category's jobs shows every job again; otherwise, back."""
        if self._category is not None and self.tab_view.active == "jobs":
            self._category = None
            self._jobs_stale = True
            self._draw_tab("jobs")
            return
        super().action_back()

    def action_next_period(self) -> None:
        position = PERIOD_DAYS.index(self.days)
        self.days = PERIOD_DAYS[(position + 1) % len(PERIOD_DAYS)]
        self._jobs_stale = True
        self._redraw()

    @on(ResourceTable.RowSelected)
    def _row_selected(self, event: ResourceTable.RowSelected) -> None:
        pane = event.control.parent
        list_id = pane.id if pane is not None else None
        row = event.row
        if list_id == "by-project-list":
            self._open_project(row)
        elif list_id == "by-user-list":
            self._open_user(row)
        elif list_id == "by-category-list" and isinstance(row.get("name"), str):
            self._category = row["name"]
            self._jobs_stale = True
            self._stale_tabs.add("jobs")
            self.switch_tab("jobs")
        elif list_id == "jobs-list":
            self.post_message(ShowRaw(f"job {row.get('id')}", row))

    def _open_project(self, row: dict[str, Any]) -> None:
        project_id = row.get("id")
        if not isinstance(project_id, int):
            self.notify("These jobs ran in no project: they are the organization's own.", timeout=3)
            return
        found = self._projects.get(project_id) or {"id": project_id, "name": row.get("name")}
        if self.inner_id is not None:
            self.open(Kind.WHITELABEL_PROJECT, self.org_id, found, whitelabel=True)
        else:
            self.open(Kind.PROJECT, self.org_id, found, whitelabel=False)

    def _open_user(self, row: dict[str, Any]) -> None:
        user_id = row.get("id")
        if not isinstance(user_id, int):
            self.notify("Nobody started these jobs by hand.", timeout=3)
            return
        if self.inner_id is not None:
            self.open(Kind.WHITELABEL_USER, self.org_id, {"id": user_id, "name": row.get("name")}, whitelabel=True)
            return
        member = self._members.get(user_id) or {"id": user_id, "name": row.get("name")}
        self.open(Kind.MEMBER, self.org_id, member, context={"org_projects": list(self._projects.values())})

    def raw_document(self) -> tuple[str, Any] | None:
        return self.active_list_row()


def _share_rows(shares: list[Share]) -> list[dict[str, Any]]:
    """A breakdown's rows, each with its bar (`shareBar`: its percent, and its size against the largest line)."""
    largest = max((share.sums.compute_s for share in shares), default=0.0)
    return [
        {**share.row(), "shareBar": (share.fraction * 100, share.sums.compute_s / largest if largest else 0.0)}
        for share in shares
    ]


def _tab_list(tab: str) -> ListPane:
    """The list of a tab: a breakdown (largest first, as given) or the jobs (newest first)."""
    if tab == "jobs":
        return ListPane(columns.JOBS, "jobs", id="jobs-list")
    noun = BREAKDOWNS[tab]
    plural = "categories" if noun == "category" else f"{noun}s"
    return ListPane(columns.compute_shares(noun.capitalize()), plural, id=f"{tab}-list")


def _replace_keeping_cursor(pane: ListPane, rows: list[dict[str, Any]]) -> None:
    """Set a small list's rows again, the cursor staying on the row with the same id."""
    table = pane.table
    current = table.cursor_row
    pane.set_rows(rows)
    if current is None or table.cursor_index != 0:
        return
    for index in range(table.row_count):
        if table.store.row(index).get("id") == current.get("id") and (
            table.store.row(index).get("name") == current.get("name")
        ):
            table.move_cursor(index)
            return
