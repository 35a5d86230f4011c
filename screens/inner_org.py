"""An inner organization of the white label: compute, storage, entitlement gauges and daily-metric sparklines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from screens import columns, units
from screens.base import EiscopeScreen
from screens.chart_metrics import ChartSubject, daily_records
from screens.loading import UnexpectedError, describe, load_cached_then_fresh
from screens.messages import (
    ComputeTimeLoaded,
    InnerOrganizationLoaded,
    Kind,
    LoadFailed,
    OwnedProjectsArrived,
    PageArrived,
    PagesFailed,
    ShowChart,
    ShowCompute,
)
from screens.usage import entitlement_gauges
from tui.api.errors import ApiError
from tui.api.owned import owned_projects
from tui.api.row_marks import count_unreadable
from tui.api.source import Source
from tui.formatting import parse_datetime
from tui.safe_text import clean
from widgets.card import KeyValueCard
from widgets.daily_metrics import DailyMetricsPanel
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel, StatusLine
from widgets.reading import ReadingScroll
from widgets.resource_table import ResourceTable
from widgets.sparkline import MetricSparkline

if TYPE_CHECKING:
    from tui.api.models import DailyMetrics, InnerOrganizationInfo

DATE_FORMAT = "%Y-%m-%d"


class InnerOrganizationScreen(EiscopeScreen):
    """What a white-label admin checks about one customer organization: what it uses, against what it may."""

    BINDINGS = [
        Binding("t", "next_range", "Range 30/90/365", id="range"),
        Binding("u", "usage_range", "Compute for dates", id="compute-range"),
        Binding("C", "compute", "Compute", id="compute"),
    ]

    def __init__(self, org_id: int, row: dict[str, Any]) -> None:
        super().__init__()
        self.org_id = org_id
        self.inner_id = int(row["id"])
        self.row = row
        self.info: InnerOrganizationInfo | None = None
        self.info_raw: dict[str, Any] | None = None
        self.crumb = clean(row.get("name") or f"Organization {self.inner_id}")

    def compose_body(self) -> ComposeResult:
        with ReadingScroll(id="inner-scroll"):
            yield ErrorPanel(id="inner-error")
            yield KeyValueCard(self.crumb, self._card_rows(), id="inner-card")
            yield Static(Text("Entitlement limits", style="bold"), classes="section-title")
            yield Vertical(id="inner-gauges")
            yield from self._compose_projects()
            yield Static(Text("Compute time for a date range", style="bold"), classes="section-title")
            with Horizontal(id="usage-range"):
                yield Input(placeholder="from YYYY-MM-DD", id="usage-start", restrict=r"[0-9-]*", max_length=10)
                yield Input(placeholder="to YYYY-MM-DD", id="usage-end", restrict=r"[0-9-]*", max_length=10)
                yield Button("Get usage", id="usage-go")
            yield Static(id="usage-result", markup=False)
            yield Static(
                Text(f"Daily metrics · last 30 days ({self.key_of('range', 't')}: 30/90/365)", style="bold"),
                id="metrics-title",
                classes="section-title",
            )
            yield DailyMetricsPanel(id="inner-metrics")
            yield KeyValueCard("Newest day of metrics", [], id="inner-newest")
            yield KeyValueCard("Extensions", [], id="inner-extensions")
        yield StatusLine(id="inner-status")

    def on_mount(self) -> None:
        self.query_one("#inner-scroll").focus()
        self.load()

    def load(self) -> None:
        self.query_one("#inner-status", StatusLine).show("loading…")
        self._load_info()
        self._load_projects()
        if self.query_one("#usage-start", Input).value:
            self._request_usage()

    def _default_usage_range(self, daily: list[dict[str, Any]]) -> None:
        """The last 30 days of the metrics (not of the wall clock: the data says what 'now' is)."""
        last = parse_datetime(daily[-1].get("date")) if daily else None
        end = last.date() if last else date.today() - timedelta(days=1)
        self.query_one("#usage-start", Input).value = (end - timedelta(days=29)).strftime(DATE_FORMAT)
        self.query_one("#usage-end", Input).value = end.strftime(DATE_FORMAT)
        self._request_usage()

    @work(exclusive=True, group="inner-info", exit_on_error=False)
    async def _load_info(self) -> None:
        await load_cached_then_fresh(
            self, InnerOrganizationLoaded, lambda **kw: self.client.inner_organization(self.org_id, self.inner_id, **kw)
        )

    @on(InnerOrganizationLoaded)
    def _loaded(self, message: InnerOrganizationLoaded) -> None:
        info = self.info = message.value
        self.info_raw = message.fetched.raw
        freshness = describe(message.fetched)
        self.query_one("#inner-status", StatusLine).show(freshness.text, stale=freshness.stale)
        self.query_one("#inner-error", ErrorPanel).clear()
        self.query_one("#inner-card", KeyValueCard).update_rows(self._card_rows())
        daily = [r for r in self.info_raw.get("dailyMetrics") or [] if isinstance(r, dict)]
        self.query_one(DailyMetricsPanel).set_records(daily)
        newest = max(info.daily_metrics or [], key=lambda record: record.date, default=None)
        self.query_one("#inner-newest", KeyValueCard).update_rows(_newest_day_rows(newest))
        self.query_one("#inner-extensions", KeyValueCard).update_rows(self._extension_rows())
        gauges = self.query_one("#inner-gauges", Vertical)
        gauges.remove_children()
        limits = info.entitlement_limits or self.row.get("entitlementLimits")
        fallback = {"storage": units.number(info.total_storage)}
        gauges.mount_all(entitlement_gauges(limits, daily, fallback))
        if not self.query_one("#usage-start", Input).value:
            self._default_usage_range(daily)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.report_failure(message, f"organization {self.inner_id}", note="")

    def _card_rows(self) -> list[tuple[str, object]]:
        info = self.info
        row = self.row
        return [
            ("Name", row.get("name")),
            ("ID", self.inner_id),
            ("Created", row.get("created")),
            ("Billable", info.billable if info and info.billable is not None else row.get("billable")),
            ("Contract since", info.compute_time_current_contract_since if info else None),
            ("CPU compute", units.seconds(info.cpu_compute_time) if info else None),
            ("GPU compute", units.seconds(info.gpu_compute_time) if info else None),
            ("Total compute (CPU+GPU)", units.minutes(info.total_compute_time) if info else None),
            # Beside it, the other definition, the one the compute gauge and the Fleet use: GPU time counts 3×.
            ("Against the limit (CPU+3×GPU)", self._contract_compute()),
            ("Storage", units.size(info.total_storage) if info else None),
            ("Private projects", row.get("privateProjectCount")),
            ("Domain", row.get("domain")),
        ]

    def _contract_compute(self) -> str | None:
        """The current contract's compute as the limit counts it (the newest daily record), for the card."""
        records = self.info.daily_metrics if self.info is not None else None
        newest = max(records or [], key=lambda record: record.date, default=None)
        return units.seconds(newest.total_current_contract_compute_time_seconds) if newest is not None else None

    def _extension_rows(self) -> list[tuple[str, object]]:
        """Extension blocks and settings: what custom code this customer may run, and from where."""
        info = self.info
        if info is None:
            return []
        blocks = ", ".join(block.name for block in info.extension_blocks or []) or None
        settings = info.extension_settings
        return [
            ("Extension blocks", blocks),
            ("Extensions enabled", settings.extensions_enabled if settings else None),
            ("Members may use them", settings.extensions_allow_members if settings else None),
            ("Localhost allowed", settings.extensions_allow_localhost if settings else None),
            ("Allowed domains", settings.extensions_allowed_domains if settings else None),
            ("All first-party", settings.extensions_allow_all_first_party if settings else None),
        ]

    # -- compute usage for a date range ---------------------------------------------------------------------------

    def leave_field(self, field: Input) -> bool:
        """Escape in a date input leaves the input, not the screen."""
        self.query_one("#inner-scroll").focus()
        return True

    def action_usage_range(self) -> None:
        self.query_one("#usage-start", Input).focus()

    @on(Input.Submitted, "#usage-start")
    def _start_entered(self) -> None:
        self.query_one("#usage-end", Input).focus()

    @on(Input.Submitted, "#usage-end")
    @on(Button.Pressed, "#usage-go")
    def _request_usage(self) -> None:
        start = _parse_day(self.query_one("#usage-start", Input).value)
        end = _parse_day(self.query_one("#usage-end", Input).value)
        result = self.query_one("#usage-result", Static)
        if start is None or end is None:
            result.update(Text("Dates are YYYY-MM-DD, for example 2026-01-31.", style="italic"))
            return
        if end < start:
            result.update(Text("The end date comes before the start date.", style="italic"))
            return
        result.update(Text(f"Loading compute time {start:%Y-%m-%d} – {end:%Y-%m-%d}…", style="italic"))
        self._load_usage(start, end)

    @work(exclusive=True, group="inner-usage", exit_on_error=False)
    async def _load_usage(self, start: datetime, end: datetime) -> None:
        end_of_day = end + timedelta(days=1) - timedelta(seconds=1)
        try:
            fetched = await self.client.inner_organization_compute_time(self.org_id, self.inner_id, start, end_of_day)
        except ApiError as error:
            self.post_message(ComputeTimeLoaded(start, end, None, error))
            return
        except Exception as error:
            self.post_message(ComputeTimeLoaded(start, end, None, UnexpectedError.wrapping(error)))
            return
        self.post_message(ComputeTimeLoaded(start, end, fetched.value if fetched is not None else None, None))

    @on(ComputeTimeLoaded)
    def _usage_loaded(self, message: ComputeTimeLoaded) -> None:
        result = self.query_one("#usage-result", Static)
        period = f"{message.start:%Y-%m-%d} – {message.end:%Y-%m-%d}"
        if message.error is not None:
            result.update(Text(f"{period}: {message.error.message}", style="bold"))
            return
        usage = message.usage
        if usage is None:
            result.update(Text(f"{period}: nothing cached for this range (offline)", style="italic"))
            return
        result.update(
            Text(
                f"{period}:  CPU {units.seconds(usage.cpu_compute_time) or '—'}  ·  "
                f"GPU {units.seconds(usage.gpu_compute_time) or '—'}  ·  "
                f"total (CPU+GPU) {units.minutes(usage.total_compute_time) or '—'}"
            )
        )

    def action_compute(self) -> None:
        """Who and what used this organization's compute (`C`)."""
        self.post_message(ShowCompute(self.org_id, inner_id=self.inner_id, name=self.crumb))

    def action_next_range(self) -> None:
        days = self.query_one(DailyMetricsPanel).next_range()
        self.query_one("#metrics-title", Static).update(
            Text(f"Daily metrics · last {days} days ({self.key_of('range', 't')}: 30/90/365)", style="bold")
        )

    def chart_subject(self) -> ChartSubject | None:
        """This organization's daily metrics and limits, for a chart (None until the info arrives)."""
        info = self.info
        if info is None or not info.daily_metrics:
            return None
        raw = (self.info_raw or {}).get("dailyMetrics")
        return ChartSubject(
            self.crumb,
            tuple(daily_records(info.daily_metrics)),
            info.entitlement_limits,
            self.org_id,
            self.inner_id,
            raw,
        )

    @on(MetricSparkline.Selected)
    def _chart(self, message: MetricSparkline.Selected) -> None:
        subject = self.chart_subject()
        if subject is not None and message.metric_key:
            self.post_message(ShowChart(subject, message.metric_key, days=self.query_one(DailyMetricsPanel).days))

    def raw_document(self) -> tuple[str, Any] | None:
        """What the API sent: the info body, or the list row until it arrives."""
        if self.info_raw is None:
            return ("list row", self.row)
        return ("organization info", self.info_raw)

    # -- its projects: the white label's projects it owns, each a link -------------------------------------------

    def _compose_projects(self) -> ComposeResult:
        yield Static(Text("Projects (enter opens one)", style="bold"), classes="section-title")
        pane = ListPane(columns.WHITELABEL_PROJECTS, "projects", id="inner-projects-list")
        pane.styles.height = 12
        yield pane

    @work(exclusive=True, group="inner-projects", exit_on_error=False)
    async def _load_projects(self) -> None:
        """The white label's projects owned by this organization (tui/api/owned.py: filtered by the server when
        it honours the filter, else read from the whole list and filtered here): cache, then network."""
        cached: list[dict[str, Any]] = []
        try:
            async for owned in owned_projects(self.client, self.org_id, self.inner_id, source=Source.CACHE):
                cached.extend(owned.page.raw_items)
            if cached:
                self.post_message(PageArrived("inner-projects", cached, len(cached), cached=True, pass_id=0))
            fresh: list[dict[str, Any]] = []
            use = "honoured"
            async for owned in owned_projects(self.client, self.org_id, self.inner_id):
                fresh.extend(owned.page.raw_items)
                use = owned.filter_use
            self.post_message(OwnedProjectsArrived(fresh, use, cached=False))
        except ApiError as error:
            self.post_message(PagesFailed("inner-projects", error, had_cache=bool(cached), pass_id=0))
        except Exception as error:
            wrapped = UnexpectedError.wrapping(error)
            self.post_message(PagesFailed("inner-projects", wrapped, had_cache=bool(cached), pass_id=0))

    @on(OwnedProjectsArrived)
    def _owned_arrived(self, message: OwnedProjectsArrived) -> None:
        pane = self.query_one("#inner-projects-list", ListPane)
        pane.set_rows(message.rows)
        note = "live"
        if message.filter_use != "honoured":
            note += f" · read from the white label's list (the server {message.filter_use} the owner filter)"
        bad = count_unreadable(message.rows)
        if bad:
            note += f" · {bad:,} unreadable"
        pane.set_note(note, stale=bool(bad))

    @on(PageArrived)
    def _projects_arrived(self, message: PageArrived) -> None:
        pane = self.query_one("#inner-projects-list", ListPane)
        pane.set_rows(message.rows)
        pane.set_note("cached" if message.cached else "live", stale=message.cached)

    @on(PagesFailed)
    def _projects_failed(self, message: PagesFailed) -> None:
        pane = self.query_one("#inner-projects-list", ListPane)
        if message.had_cache:
            pane.set_note(f"not refreshed: {message.error.message}", stale=True)
        else:
            pane.show_error("Projects not loaded", message.error.message, message.error.hint)

    @on(ResourceTable.RowSelected, "#inner-projects-list ResourceTable")
    def _open_project(self, event: ResourceTable.RowSelected) -> None:
        self.open(Kind.WHITELABEL_PROJECT, self.org_id, event.row, whitelabel=True)


def _parse_day(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _newest_day_rows(record: DailyMetrics | None) -> list[tuple[str, object]]:
    """The newest daily record in full: the figures the sparklines leave out (staff, storage churn, since when)."""
    if record is None:
        return []
    return [
        ("Date", f"{record.date:%Y-%m-%d}"),
        ("Users (staff)", f"{record.total_users} ({record.total_staff_users} staff)"),
        ("Users added / deleted", f"{record.users_added} / {record.users_deleted}"),
        ("Staff added / deleted", f"{record.staff_users_added or 0} / {record.staff_users_deleted or 0}"),
        ("Projects added / deleted", f"{record.projects_added} / {record.projects_deleted}"),
        ("Compute that day", units.seconds(record.compute_time_seconds)),
        (
            "CPU / GPU that day",
            f"{units.seconds(record.cpu_compute_time_seconds)} / {units.seconds(record.gpu_compute_time_seconds)}",
        ),
        (
            "Storage added / deleted",
            f"{units.size(record.storage_bytes_added)} / {units.size(record.storage_bytes_deleted)}",
        ),
        ("Contract compute (CPU+3×GPU)", units.seconds(record.total_current_contract_compute_time_seconds)),
        ("Compute counted since", record.compute_time_calculated_since),
    ]
