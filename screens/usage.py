"""The Usage tab of an organization: entitlement gauges, compute limits and the white label's daily metrics."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from screens import units
from screens.detail import humanize
from tui.formatting import format_bytes, format_count, format_duration
from widgets.card import KeyValueCard
from widgets.daily_metrics import DailyMetricsPanel
from widgets.gauge import UsageGauge


def entitlement_gauges(
    limits: dict[str, Any] | None, latest: dict[str, Any] | None, fallback: dict[str, float | None]
) -> list[UsageGauge]:
    """Used / limit for users, projects, storage, compute and GPU compute.

    `latest` is the newest daily metrics record (the API's own usage figures); `fallback` stands in for the
    figures a plain organization has no metrics for (its member and project counts).
    """
    limits = limits or {}
    latest = latest or {}

    def used(key: str, fallback_key: str) -> float | None:
        value = latest.get(key)
        return float(value) if isinstance(value, int | float) else fallback.get(fallback_key)

    return [
        UsageGauge("Users", used("totalUsers", "users"), limits.get("numberOfUsers"), format_count),
        UsageGauge("Projects", used("totalProjects", "projects"), limits.get("numberOfProjects"), format_count),
        UsageGauge("Storage", used("totalStorageSizeBytes", "storage"), limits.get("totalStorage"), format_bytes),
        UsageGauge(
            "Compute",
            used("totalCurrentContractComputeTimeSeconds", "compute"),
            limits.get("computeTimePerYear"),
            format_duration,
        ),
        UsageGauge(
            "GPU compute",
            used("totalCurrentContractGpuComputeTimeSeconds", "gpu"),
            limits.get("gpuComputeTimePerYear"),
            format_duration,
        ),
    ]


class UsagePanel(VerticalScroll):
    """Given the organization info and (for a white label) its metrics, shows what is used of what is allowed."""

    BINDINGS = [Binding("t", "next_range", "Range 30/90/365")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=True)
        self._info: dict[str, Any] | None = None
        self._whitelabel: dict[str, Any] | None = None
        self._metrics: dict[str, Any] | None = None
        self._is_whitelabel: bool | None = None
        self._days = 30

    def show(
        self,
        info: dict[str, Any] | None,
        whitelabel: dict[str, Any] | None,
        metrics: dict[str, Any] | None,
        is_whitelabel: bool | None,
    ) -> None:
        self._info, self._whitelabel, self._metrics, self._is_whitelabel = (
            info,
            whitelabel,
            metrics,
            is_whitelabel,
        )
        if self.is_mounted:
            self.refresh(recompose=True)

    def _daily(self) -> list[dict[str, Any]]:
        daily = (self._metrics or {}).get("dailyMetrics")
        return [r for r in daily if isinstance(r, dict)] if isinstance(daily, list) else []

    def compose(self) -> ComposeResult:
        if self._info is None:
            yield Static(Text("Loading usage…", style="italic"))
            return
        org = self._info.get("organization") or {}
        daily = self._daily()
        fallback: dict[str, float | None] = {
            "users": float(len(org.get("users") or [])),
            "projects": None,
            "storage": float(sum(d.get("totalFileSize") or 0 for d in self._info.get("datasets") or [])),
        }
        yield Static(Text("Entitlement limits", style="bold"), classes="section-title")
        limits = self._info.get("entitlementLimits")
        if limits:
            yield from entitlement_gauges(limits, daily[-1] if daily else None, fallback)
        else:
            yield Static(Text("No entitlement limits set for this organization."))
        if daily:
            yield Static(
                Text(f"Daily metrics of the white label · last {self._days} days (t: 30/90/365)", style="bold"),
                classes="section-title",
                id="usage-range-title",
            )
            panel = DailyMetricsPanel(id="usage-metrics")
            panel.days = self._days
            yield panel
        elif self._is_whitelabel is False:
            yield Static(
                Text("Daily metrics are shown for white-label admin organizations.", style="italic"),
                classes="section-title",
            )
        compute = self._info.get("defaultComputeLimits") or {}
        performance = self._info.get("performance") or {}
        yield KeyValueCard(
            "Default compute limits",
            [
                ("CPU requests", compute.get("requestsCpu")),
                ("Memory requests", units.plain(compute.get("requestsMemory"))),
                ("CPU limit", compute.get("limitsCpu")),
                ("Memory limit", units.plain(compute.get("limitsMemory"))),
                ("Job time limit", units.minutes(performance.get("jobLimitM"))),
            ],
            classes="usage-card",
        )
        if self._whitelabel:
            wl = self._whitelabel
            yield KeyValueCard(
                "White label",
                [
                    ("Name", wl.get("name")),
                    ("ID", wl.get("id")),
                    ("Domain", wl.get("domain")),
                    ("Organizations limit", wl.get("organizationsLimit")),
                    ("Sign-up allowed", wl.get("allowSignup")),
                    ("Free projects", wl.get("allowFreeProjects")),
                    ("Identity providers", wl.get("identityProviders")),
                    ("Deployment targets", _count_of(wl.get("deploymentTargets"))),
                    ("Learning blocks", _count_of(wl.get("learningBlocks"))),
                ],
                classes="usage-card",
            )
            scalars = [
                (humanize(str(k)), v) for k, v in (self._metrics or {}).items() if not isinstance(v, list | dict)
            ]
            if scalars:
                yield KeyValueCard("White-label metrics", scalars, classes="usage-card")

    def on_mount(self) -> None:
        self._fill_metrics()

    def _fill_metrics(self) -> None:
        panels = self.query(DailyMetricsPanel)
        if panels:
            panels.first().set_records(self._daily())

    async def recompose(self) -> None:
        await super().recompose()
        self._fill_metrics()

    def action_next_range(self) -> None:
        panels = self.query(DailyMetricsPanel)
        if not panels:
            return
        self._days = panels.first().next_range()
        title = Text(f"Daily metrics of the white label · last {self._days} days (t: 30/90/365)", style="bold")
        self.query_one("#usage-range-title", Static).update(title)


def _count_of(value: Any) -> str | None:
    return f"{len(value)} enabled" if isinstance(value, list) else None
