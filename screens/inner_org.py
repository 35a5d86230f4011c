"""An inner organization of the white label: compute, storage, entitlement gauges and daily-metric sparklines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static

from screens import units
from screens.base import EiscopeScreen
from screens.loading import DataLoaded, LoadFailed, describe, load_cached_then_fresh
from screens.usage import entitlement_gauges
from tui.api.errors import ApiError
from tui.formatting import parse_datetime
from tui.safe_text import clean
from widgets.card import KeyValueCard
from widgets.daily_metrics import DailyMetricsPanel
from widgets.notice import ErrorPanel, StatusLine

DATE_FORMAT = "%Y-%m-%d"


class InnerOrganizationScreen(EiscopeScreen):
    """What a white-label admin checks about one customer organization: what it uses, against what it may."""

    BINDINGS = [
        Binding("t", "next_range", "Range 30/90/365"),
        Binding("u", "usage_range", "Compute for dates"),
    ]

    def __init__(self, org_id: int, row: dict[str, Any]) -> None:
        super().__init__()
        self.org_id = org_id
        self.inner_id = int(row["id"])
        self.row = row
        self.info: dict[str, Any] | None = None
        self.compute_usage: dict[str, Any] | None = None
        self.crumb = clean(row.get("name") or f"Organization {self.inner_id}")

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="inner-scroll"):
            yield ErrorPanel(id="inner-error")
            yield KeyValueCard(self.crumb, self._card_rows(), id="inner-card")
            yield Static(Text("Entitlement limits", style="bold"), classes="section-title")
            yield Vertical(id="inner-gauges")
            yield Static(Text("Compute time for a date range", style="bold"), classes="section-title")
            with Horizontal(id="usage-range"):
                yield Input(placeholder="from YYYY-MM-DD", id="usage-start", restrict=r"[0-9-]*", max_length=10)
                yield Input(placeholder="to YYYY-MM-DD", id="usage-end", restrict=r"[0-9-]*", max_length=10)
                yield Button("Get usage", id="usage-go")
            yield Static(id="usage-result", markup=False)
            yield Static(
                Text("Daily metrics · last 30 days (t: 30/90/365)", style="bold"),
                id="metrics-title",
                classes="section-title",
            )
            yield DailyMetricsPanel(id="inner-metrics")
        yield StatusLine(id="inner-status")

    def on_mount(self) -> None:
        self.query_one("#inner-scroll").focus()
        self.load()

    def load(self) -> None:
        self.query_one("#inner-status", StatusLine).show("loading…")
        self._load_info()
        if self.query_one("#usage-start", Input).value:
            self._request_usage()

    def _default_usage_range(self, daily: list[dict[str, Any]]) -> None:
        """The last 30 days of the metrics (not of the wall clock: the data says what 'now' is)."""
        last = parse_datetime(daily[-1].get("date")) if daily else None
        end = last.date() if last else date.today() - timedelta(days=1)
        self.query_one("#usage-start", Input).value = (end - timedelta(days=29)).strftime(DATE_FORMAT)
        self.query_one("#usage-end", Input).value = end.strftime(DATE_FORMAT)
        self._request_usage()

    @work(exclusive=True, group="inner-info")
    async def _load_info(self) -> None:
        await load_cached_then_fresh(
            self, "info", lambda **kw: self.client.inner_organization(self.org_id, self.inner_id, **kw)
        )

    @on(DataLoaded)
    def _loaded(self, message: DataLoaded) -> None:
        if message.what != "info":
            return
        self.info = message.fetched.raw
        freshness = describe(message.fetched)
        self.query_one("#inner-status", StatusLine).show(freshness.text, stale=freshness.stale)
        self.query_one("#inner-error", ErrorPanel).clear()
        self.query_one("#inner-card", KeyValueCard).update_rows(self._card_rows())
        daily = [r for r in self.info.get("dailyMetrics") or [] if isinstance(r, dict)]
        self.query_one(DailyMetricsPanel).set_records(daily)
        gauges = self.query_one("#inner-gauges", Vertical)
        gauges.remove_children()
        limits = self.info.get("entitlementLimits") or self.row.get("entitlementLimits")
        fallback = {"storage": units.number(self.info.get("totalStorage"))}
        gauges.mount_all(entitlement_gauges(limits, daily[-1] if daily else None, fallback))
        if not self.query_one("#usage-start", Input).value:
            self._default_usage_range(daily)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.report_failure(message, f"organization {self.inner_id}", note="")

    def _card_rows(self) -> list[tuple[str, object]]:
        info = self.info or {}
        row = self.row
        return [
            ("Name", row.get("name")),
            ("ID", self.inner_id),
            ("Created", row.get("created")),
            ("Billable", info.get("billable", row.get("billable"))),
            ("Contract since", info.get("computeTimeCurrentContractSince")),
            ("CPU compute", units.seconds(info.get("cpuComputeTime"))),
            ("GPU compute", units.seconds(info.get("gpuComputeTime"))),
            ("Total compute", units.minutes(info.get("totalComputeTime"))),
            ("Storage", units.size(info.get("totalStorage"))),
            ("Private projects", row.get("privateProjectCount")),
            ("Domain", row.get("domain")),
        ]

    # -- compute usage for a date range ---------------------------------------------------------------------------

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

    @work(exclusive=True, group="inner-usage")
    async def _load_usage(self, start: datetime, end: datetime) -> None:
        end_of_day = end + timedelta(days=1) - timedelta(seconds=1)
        try:
            fetched = await self.client.inner_organization_compute_time(self.org_id, self.inner_id, start, end_of_day)
        except ApiError as error:
            self.post_message(UsageLoaded(start, end, None, error))
            return
        self.post_message(UsageLoaded(start, end, fetched.raw if fetched is not None else None, None))

    def on_usage_loaded(self, message: UsageLoaded) -> None:
        result = self.query_one("#usage-result", Static)
        period = f"{message.start:%Y-%m-%d} – {message.end:%Y-%m-%d}"
        if message.error is not None:
            result.update(Text(f"{period}: {message.error.message}", style="bold"))
            return
        usage = message.usage or {}
        self.compute_usage = usage
        result.update(
            Text(
                f"{period}:  CPU {units.seconds(usage.get('cpuComputeTime')) or '—'}  ·  "
                f"GPU {units.seconds(usage.get('gpuComputeTime')) or '—'}  ·  "
                f"total {units.minutes(usage.get('totalComputeTime')) or '—'}"
            )
        )

    def action_next_range(self) -> None:
        days = self.query_one(DailyMetricsPanel).next_range()
        self.query_one("#metrics-title", Static).update(
            Text(f"Daily metrics · last {days} days (t: 30/90/365)", style="bold")
        )

    def raw_document(self) -> tuple[str, Any] | None:
        if self.info is None:
            return (f"{self.crumb} (list row)", self.row)
        document = dict(self.info)
        if self.compute_usage is not None:
            document = {**document, "computeTimeForRange": self.compute_usage}
        return (f"{self.crumb} › organization info", document)


class UsageLoaded(Message):
    """The compute time of a date range arrived, or failed to."""

    def __init__(self, start: datetime, end: datetime, usage: dict[str, Any] | None, error: ApiError | None) -> None:
        super().__init__()
        self.start = start
        self.end = end
        self.usage = usage
        self.error = error


def _parse_day(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
