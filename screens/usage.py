"""The Usage tab of an organization: entitlement gauges, compute limits and the white label's daily metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from screens import units
from screens.chart_metrics import ChartSubject, daily_records
from screens.detail import field_row
from screens.keys import keys_in_force
from screens.messages import ShowChart
from tui.api.fleet import RESOURCES, measure
from tui.formatting import format_bytes, format_count, format_duration
from widgets.card import KeyValueCard
from widgets.daily_metrics import DailyMetricsPanel
from widgets.gauge import UsageGauge
from widgets.reading import ReadingScroll
from widgets.sparkline import MetricSparkline

if TYPE_CHECKING:
    from tui.api.models import (
        EntitlementLimits,
        MetricsResponse,
        OrganizationInfo,
        OrganizationMetrics,
        Whitelabel,
    )


GAUGE_FORMATS = {"count": format_count, "bytes": format_bytes, "seconds": format_duration}
GAUGE_LABELS = {"compute": "Compute (CPU+3×GPU)"}  # as the contract's limit counts it: the label says so


def entitlement_gauges(
    limits: EntitlementLimits | dict[str, Any] | None,
    daily: Sequence[dict[str, Any]] | None,
    fallback: dict[str, float | None],
) -> list[UsageGauge]:
    """Used / limit for users, projects, storage, compute and GPU compute, by Fleet health's own definitions
    (`tui.api.fleet.measure`: the newest daily record by date against the entitlement limits), so a gauge and
    the fleet never disagree. `fallback` stands in for the figures a plain organization has no metrics for
    (its member and project counts, its datasets' size), keyed by resource (users, projects, storage)."""
    if limits is not None and not isinstance(limits, dict):  # an EntitlementLimits model
        limits = limits.model_dump(by_alias=True)
    health = measure(limits, daily)
    gauges = []
    for resource in RESOURCES:
        usage = health.usage(resource.key)
        used = usage.used if usage.used is not None else fallback.get(resource.key)
        label = GAUGE_LABELS.get(resource.key, resource.label)
        gauges.append(UsageGauge(label, used, usage.limit, GAUGE_FORMATS[resource.unit]))
    return gauges


def daily_of(metrics: MetricsResponse | None) -> list[dict[str, Any]]:
    """The white label's daily records, raw (its metrics are a free-form dict in the spec)."""
    daily = (metrics.metrics if metrics else {}).get("dailyMetrics")
    return [r for r in daily if isinstance(r, dict)] if isinstance(daily, list) else []


def usage_subject(
    info: OrganizationInfo | None, metrics: MetricsResponse | None, is_whitelabel: bool | None
) -> ChartSubject | None:
    """What the Usage tab charts: the white label's daily metrics against the organization's limits; None until
    both have arrived (a plain organization has no daily metrics)."""
    daily = daily_of(metrics)
    if info is None or not daily:
        return None
    org = info.organization
    org_id = org.id if is_whitelabel else None
    return ChartSubject(org.name, tuple(daily_records(daily)), info.entitlement_limits, org_id, None, daily)


class UsagePanel(ReadingScroll):
    """Given the organization info and (for a white label) its metrics, shows what is used of what is allowed."""

    BINDINGS = [Binding("t", "next_range", "Range 30/90/365", id="range")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=True)
        self._info: OrganizationInfo | None = None
        self._whitelabel: Whitelabel | None = None
        self._metrics: MetricsResponse | None = None
        self._is_whitelabel: bool | None = None
        self._projects: list[dict[str, Any]] | None = None
        self._own: OrganizationMetrics | None = None
        self._days = 30

    def show(
        self,
        info: OrganizationInfo | None,
        whitelabel: Whitelabel | None,
        metrics: MetricsResponse | None,
        is_whitelabel: bool | None,
        projects: list[dict[str, Any]] | None = None,
        own: OrganizationMetrics | None = None,
    ) -> None:
        """`own` is the organization's own metrics (`/metrics`): its counts, storage and compute, which stand
        where no daily record of the white label says more (until they arrive, the local sums stand)."""
        self._info, self._whitelabel, self._metrics, self._is_whitelabel = info, whitelabel, metrics, is_whitelabel
        self._projects = projects
        self._own = own
        if self.is_mounted:
            self.refresh(recompose=True)

    def _daily(self) -> list[dict[str, Any]]:
        return daily_of(self._metrics)

    def compose(self) -> ComposeResult:
        if self._info is None:
            yield Static(Text("Loading usage…", style="italic"))
            return
        info = self._info
        daily = self._daily()
        yield Static(Text("Entitlement limits", style="bold"), classes="section-title")
        if info.entitlement_limits:
            yield from entitlement_gauges(info.entitlement_limits, daily, self._usage_fallback(info))
        else:
            yield Static(Text("No entitlement limits set for this organization."))
        if self._own is not None:
            yield KeyValueCard(
                "This organization's metrics", own_metrics_rows(self._own), classes="usage-card", id="usage-own"
            )
        if daily:
            yield Static(self._range_title(), classes="section-title", id="usage-range-title")
            panel = DailyMetricsPanel(id="usage-metrics")
            panel.days = self._days
            yield panel
        elif self._is_whitelabel is False:
            yield Static(
                Text("Daily metrics are shown for white-label admin organizations.", style="italic"),
                classes="section-title",
            )
        compute = info.default_compute_limits
        yield KeyValueCard(
            "Default compute limits",
            [
                ("CPU requests", f"{units.plain(compute.requests_cpu)} cores"),
                ("Memory requests", f"{units.plain(compute.requests_memory)} MB"),
                ("CPU limit", f"{units.plain(compute.limits_cpu)} cores"),
                ("Memory limit", f"{units.plain(compute.limits_memory)} MB"),
                ("Job time limit", units.minutes(info.performance.job_limit_m)),
            ],
            classes="usage-card",
        )
        if self._whitelabel:
            wl = self._whitelabel
            yield KeyValueCard(
                "White label",
                [
                    ("Name", wl.name),
                    ("ID", wl.id),
                    ("Domain", wl.domain),
                    ("Organizations limit", wl.organizations_limit),
                    ("Sign-up allowed", wl.allow_signup),
                    ("Free projects", wl.allow_free_projects),
                    ("Identity providers", wl.identity_providers),
                    ("Deployment targets", _count_of(wl.deployment_targets)),
                    ("Learning blocks", _count_of(wl.learning_blocks)),
                ],
                classes="usage-card",
            )
            scalars = [
                field_row(str(k), v)
                for k, v in (self._metrics.metrics if self._metrics else {}).items()
                if not isinstance(v, list | dict)
            ]
            if scalars:
                yield KeyValueCard("White-label metrics", scalars, classes="usage-card")

    def _usage_fallback(self, info: OrganizationInfo) -> dict[str, float | None]:
        """What the gauges show where no daily record says: the organization's own metrics, else local sums."""
        own = self._own
        if own is not None:
            return {
                "users": float(own.user_count),
                "projects": float(own.project_count),
                "storage": own.total_storage,
                "compute": own.cpu_compute_time_current_contract + 3 * own.gpu_compute_time_current_contract,
                "gpuCompute": own.gpu_compute_time_current_contract,
            }
        return {
            "users": float(len(info.organization.users)),
            "projects": float(len(self._projects)) if self._projects else None,
            "storage": float(sum(d.total_file_size for d in info.datasets)),
        }

    def on_mount(self) -> None:
        self._fill_metrics()

    def _fill_metrics(self) -> None:
        panels = self.query(DailyMetricsPanel)
        if panels:
            panels.first().set_records(self._daily())

    async def recompose(self) -> None:
        await super().recompose()
        self._fill_metrics()

    def chart_subject(self) -> ChartSubject | None:
        """The white label's daily metrics against this organization's limits, for a chart."""
        return usage_subject(self._info, self._metrics, self._is_whitelabel)

    @on(MetricSparkline.Selected)
    def _chart(self, message: MetricSparkline.Selected) -> None:
        subject = self.chart_subject()
        if subject is not None and message.metric_key:
            self.post_message(ShowChart(subject, message.metric_key, days=self._days))

    def _range_title(self) -> Text:
        """'Daily metrics … last 30 days (t: 30/90/365)', with the range's key as the user's keymap has it."""
        key = keys_in_force(getattr(self.app, "keymap", {}), "range", "t")
        return Text(f"Daily metrics of the white label · last {self._days} days ({key}: 30/90/365)", style="bold")

    def action_next_range(self) -> None:
        panels = self.query(DailyMetricsPanel)
        if not panels:
            return
        self._days = panels.first().next_range()
        self.query_one("#usage-range-title", Static).update(self._range_title())


def own_metrics_rows(own: OrganizationMetrics) -> list[tuple[str, object]]:
    """An organization's own metrics in their units: totals in minutes, CPU and GPU in seconds, bytes."""
    return [
        ("Compute, all time (CPU+GPU)", units.minutes(own.total_jobs_compute_time)),
        ("Compute, this contract (CPU+GPU)", units.minutes(own.jobs_compute_time_current_year)),
        ("Contract since", f"{own.jobs_compute_time_current_year_since:%Y-%m-%d}"),
        ("CPU, this contract", units.seconds(own.cpu_compute_time_current_contract)),
        ("GPU, this contract", units.seconds(own.gpu_compute_time_current_contract)),
        ("Storage", units.size(own.total_storage)),
        ("Projects", own.project_count),
        ("Users", own.user_count),
    ]


def _count_of(value: Any) -> str | None:
    return f"{len(value)} enabled" if isinstance(value, list) else None
