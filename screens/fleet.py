"""The Fleet tab of a white-label owner: every inner organization's usage against its limits, worst first.

`FleetHost` is the part of the organization screen that owns the fleet: its workers (a cache-only pass when
the screen learns it is a white-label owner, so the card's summary line shows at once; a network pass when
the tab is opened or refreshed), the messages they post, and the state. `FleetPanel` is the tab's content:
the summary line, a progress bar with the count read, and the list. The numbers are `tui.api.fleet`'s.

Rows stream in as their organizations arrive and the list keeps them sorted worst first; the cursor follows
its organization (widgets/resource_table.py), never the row number. A refresh over rows already shown (from
the cache) keeps those until the pass is complete, then shows the new ones at once, so the filter is not
disturbed by 5,000 rows changing one by one.

Each pass reads the white label's kept summaries first (tui/api/fleet_store.py): the cache-only pass is whole
whatever the body cache evicted. Organizations it has nothing of are unknown rows ("not read yet"), counted in
the summary line, and shown only when the pass found something else (a fleet never read stays "Not read yet").
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from screens import columns
from screens.base import EiscopeScreen
from screens.loading import UnexpectedError, freshness
from screens.messages import FleetArrived, FleetDone, FleetFailed, FleetListed, ShowCompute
from tui.api.errors import ApiError
from tui.api.fleet import RESOURCE_BY_KEY, RESOURCES, OrgHealth, Status, StatusMark, status_by_org, summary_text
from tui.api.fleet_walk import FleetEntry, fleet_batches, fleet_rows, open_store
from tui.api.source import Source
from tui.hints import tui_hint
from widgets.list_pane import ListPane

PROGRESS_EVERY_S = 0.4
"""How often a streaming fleet redraws its summary, progress bar and the card's line."""

__all__ = ["FleetHost", "FleetPanel", "fleet_row"]


def fleet_row(entry: FleetEntry) -> dict[str, Any]:
    """A row of the Fleet list: the inner org's list row (what enter opens) and its health, flattened; every
    figure names its resource ('Users now', 'GPU in 5 d', 'GPU +12 %/30 d')."""
    health = entry.health
    row: dict[str, Any] = {
        **entry.row,
        "status": health.status.label,
        "worst": RESOURCE_BY_KEY[health.worst].label if health.worst else None,
        "worstPercent": health.worst_percent,
        "nextLimit": _next_limit(health),
        "growth": _growth(health),
        "daysToLimit": health.days_to_limit,
        "trend": list(health.trend),
        "error": health.error,
    }
    for resource in RESOURCES:
        row[f"{resource.key}Percent"] = health.usage(resource.key).percent
    return row


def _short(key: str | None) -> str | None:
    return RESOURCE_BY_KEY[key].short_label if key in RESOURCE_BY_KEY else None


def _next_limit(health: OrgHealth) -> dict[str, Any] | None:
    """'now' and the worst resource when it is at or over its limit; else the soonest limit; None: none coming."""
    if health.limit_reached and health.worst:
        return {"resource": _short(health.worst), "now": True}
    if health.days_to_limit is not None and health.days_to_limit_resource:
        return {"resource": _short(health.days_to_limit_resource), "days": health.days_to_limit}
    return None


def _growth(health: OrgHealth) -> dict[str, Any] | None:
    if health.growth is None or not health.growth_resource:
        return None
    return {"resource": _short(health.growth_resource), "percent": health.growth}


class FleetPanel(Vertical):
    """The Fleet tab's content: given entries by the screen, it never calls the API."""

    BINDINGS = [Binding("C", "compute", "Compute", id="compute")]

    class ComputeRequested(Message):
        """`C` on a row: show who and what used that inner organization's compute."""

        def __init__(self, row: dict[str, Any]) -> None:
            super().__init__()
            self.row = row

    DEFAULT_CSS = """
    FleetPanel { height: 1fr; }
    FleetPanel > #fleet-summary { height: 1; padding: 0 1; }
    FleetPanel > #fleet-progress { height: 1; padding: 0 1; }
    FleetPanel > #fleet-progress.-done { display: none; }
    FleetPanel #fleet-bar { width: 32; }
    FleetPanel #fleet-count { width: 1fr; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("Reading the fleet…", style="italic"), id="fleet-summary")
        with Horizontal(id="fleet-progress"):
            yield ProgressBar(total=None, show_eta=False, id="fleet-bar")
            yield Static("", id="fleet-count", markup=False)
        yield ListPane(columns.FLEET, "inner organizations", id="fleet-list")

    def on_mount(self) -> None:
        self.list.table.sort_by("worstPercent", reverse=True)  # worst first; unknown (no percent) last

    @property
    def list(self) -> ListPane:
        return self.query_one("#fleet-list", ListPane)

    def action_compute(self) -> None:
        row = self.list.table.cursor_row
        if row is not None and isinstance(row.get("id"), int):
            self.post_message(self.ComputeRequested(row))

    def show_summary(self, text: str) -> None:
        self.query_one("#fleet-summary", Static).update(Text(text))

    def show_progress(self, done: int, total: int | None, note: str, *, running: bool) -> None:
        """The bar and 'read 312 of 935' while a pass runs; hidden once it is complete."""
        self.query_one("#fleet-progress").set_class(not running, "-done")
        self.query_one("#fleet-bar", ProgressBar).update(total=total, progress=done)
        count = f"read {done:,} of {total:,}" if total is not None else "listing the inner organizations…"
        self.query_one("#fleet-count", Static).update(f"{count} · {note}" if note else count)


class FleetHost(EiscopeScreen):
    """The fleet's workers, messages and state, for the organization screen (a white-label owner's)."""

    org_id: int

    def __init__(self) -> None:
        super().__init__()
        self.fleet: dict[int, FleetEntry] = {}
        self._fleet_pass = 0
        self._fleet_network_started = False
        self._fleet_total: int | None = None
        self._fleet_done = 0
        self._fleet_running = False
        self._fleet_streaming = False  # rows go to the list as they arrive (the list was empty)
        self._fleet_note = ""
        self._fleet_pending: dict[int, FleetEntry] = {}
        self._fleet_progress_timer: Timer | None = None
        self._fleet_unshown: dict[int, FleetEntry] = {}
        self._fleet_held: dict[int, FleetEntry] = {}  # a cache pass's "not read yet", shown if it found others

    # -- what other parts read ---------------------------------------------------------------------------------

    def fleet_summary(self, *, compact: bool = False) -> str | None:
        """'3 over · 1 at limit · 12 near · 919 ok · 2 unknown (2 not read yet)', or None while nothing is
        known: every row counted once."""
        if not self.fleet:
            return None
        entries = self.fleet.values()
        counts = Counter(entry.health.status for entry in entries)
        return summary_text(counts, compact=compact, missing=sum(entry.missing for entry in entries))

    def fleet_marks(self) -> dict[int, StatusMark]:
        """inner id → status and worst percent, for views that mark inner organizations."""
        return status_by_org({inner_id: entry.health for inner_id, entry in self.fleet.items()})

    def fleet_used(self) -> dict[int, dict[str, float | None]]:
        """inner id → resource key → the used figure the fleet measured (for the Structure view's labels)."""
        return {
            inner_id: {key: usage.used for key, usage in entry.health.resources.items()}
            for inner_id, entry in self.fleet.items()
        }

    def fleet_usage(self, inner_id: Any) -> float | None:
        entry = self.fleet.get(inner_id) if isinstance(inner_id, int) else None
        return entry.health.worst_percent if entry else None

    def show_fleet_summary(self) -> None:
        """Hook: the screen shows the summary elsewhere too (the organization card)."""

    @on(FleetPanel.ComputeRequested)
    def _compute_of_row(self, message: FleetPanel.ComputeRequested) -> None:
        """From a row (one at its compute limit, most often): that inner organization's Compute view, over the
        current contract when compute is what it is short of (the limit counts the contract), else 30 days."""
        row = message.row
        short_of_compute = row.get("worst") in (RESOURCE_BY_KEY["compute"].label, RESOURCE_BY_KEY["gpuCompute"].label)
        days = None if short_of_compute else 30
        self.post_message(ShowCompute(self.org_id, inner_id=row["id"], days=days, name=row.get("name")))

    # -- passes ------------------------------------------------------------------------------------------------

    def start_fleet(self, *, network: bool) -> None:
        """A cache-only pass (cheap: the kept summaries, one file), or a network pass."""
        if network:
            self._fleet_network_started = True
        self._fleet_pass += 1
        self._fleet_running = True
        self.run_worker(self._walk(self._fleet_pass, network), group="fleet", exclusive=True, exit_on_error=False)

    async def _walk(self, pass_id: int, network: bool) -> None:
        source = Source.NETWORK if network else Source.CACHE
        try:
            store = await open_store(self.client, self.org_id)
            listed = await fleet_rows(self.client, self.org_id, source=source, store=store)
            self.post_message(FleetListed(len(listed.rows), pass_id=pass_id, network=network))
            batches = fleet_batches(
                self.client, self.org_id, listed.rows, source=source, store=store, complete=listed.complete
            )
            async for batch, done in batches:
                self.post_message(FleetArrived(batch, done, pass_id=pass_id, network=network))
            self.post_message(FleetDone(pass_id=pass_id, network=network))
        except ApiError as error:
            self.post_message(FleetFailed(error, pass_id=pass_id, network=network))
        except Exception as error:
            self.log.error(f"the fleet failed: {error!r}")
            self.post_message(FleetFailed(UnexpectedError.wrapping(error), pass_id=pass_id, network=network))

    # -- results -----------------------------------------------------------------------------------------------

    def _panel(self) -> FleetPanel | None:
        found = self.query(FleetPanel)
        return found.first() if found else None

    @on(FleetListed)
    def _fleet_listed(self, message: FleetListed) -> None:
        if message.pass_id != self._fleet_pass:
            return
        self._fleet_total, self._fleet_done = message.total, 0
        self._fleet_pending = {}
        self._fleet_unshown = {}
        self._fleet_held = {}
        self._fleet_note = "refreshing" if message.network else "from the cache"
        panel = self._panel()
        self._fleet_streaming = not self.fleet or panel is None
        if self._fleet_streaming and panel is not None:
            panel.list.set_rows([], expected=message.total)
        self._show_fleet_progress()

    @on(FleetArrived)
    def _fleet_arrived(self, message: FleetArrived) -> None:
        if message.pass_id != self._fleet_pass:
            return
        self._fleet_done = message.done
        arrived = {entry.inner_id: entry for entry in message.entries}
        if not message.network:  # held until the pass says whether it found anything at all
            self._fleet_held.update((i, e) for i, e in arrived.items() if e.missing)
            arrived = {i: e for i, e in arrived.items() if not e.missing}
        self._take(arrived)
        self._schedule_fleet_progress()

    def _take(self, arrived: dict[int, FleetEntry]) -> None:
        """Entries of the pass: into the list as they come (a list that was empty), or at its end (a refresh)."""
        if self._fleet_streaming:
            self.fleet.update(arrived)
            self._fleet_unshown.update(arrived)  # appended by the next redraw, with the others of that moment
        else:
            self._fleet_pending.update(arrived)

    def _schedule_fleet_progress(self) -> None:
        """While a fleet streams, the summary, progress and card are redrawn a few times a second, not per
        batch: each redraw of the card reflows the screen, and thousands of them starved the keys."""
        if self._fleet_progress_timer is None:
            self._fleet_progress_timer = self.set_timer(PROGRESS_EVERY_S, self._flush_fleet_progress)

    def _flush_fleet_progress(self) -> None:
        self._fleet_progress_timer = None
        self._show_fleet_progress()

    @on(FleetDone)
    def _fleet_finished(self, message: FleetDone) -> None:
        if message.pass_id != self._fleet_pass:
            return
        self._fleet_running = False
        found = self.fleet if self._fleet_streaming else self._fleet_pending
        if self._fleet_held and any(not entry.missing for entry in found.values()):
            self._take(self._fleet_held)  # a fleet partly kept: the rest are rows too, "not read yet"
        self._fleet_held = {}
        if not self._fleet_streaming:
            self.fleet = {**self.fleet, **self._fleet_pending} if not message.network else self._fleet_pending
            self._fleet_pending = {}
        self.fill_fleet()  # ties in arrival order become ties by id: the same list every time
        entries = list(self.fleet.values())
        ages = [e.age_s for e in entries if e.from_cache or e.offline]
        note = freshness(from_cache=bool(ages), offline=any(e.offline for e in entries), age_s=max(ages, default=0.0))
        self._fleet_note = note.text if entries else ""
        self._show_fleet_progress()

    @on(FleetFailed)
    def _fleet_failed(self, message: FleetFailed) -> None:
        if message.pass_id != self._fleet_pass:
            return
        self._fleet_running = False
        panel = self._panel()
        if not message.network:
            return  # nothing cached: the network pass says more when the tab is opened
        if self.fleet:
            self.flash_error("the fleet", message.error)
        elif panel is not None:
            panel.list.show_error("Fleet not loaded", message.error.message, tui_hint(message.error))
        self._show_fleet_progress()

    def fill_fleet(self) -> None:
        """Give a freshly composed (or refreshed) Fleet tab every row the screen holds."""
        panel = self._panel()
        self._fleet_unshown = {}  # every row is set below: nothing is left to append
        if panel is not None:
            entries = sorted(self.fleet.values(), key=lambda e: (e.health.rank_key, e.inner_id))
            panel.list.set_rows([fleet_row(entry) for entry in entries])
        self._show_fleet_progress()

    def _append_streamed_rows(self) -> None:
        """Rows that arrived since the last redraw, in one append: each append reflows the list."""
        arrived, self._fleet_unshown = self._fleet_unshown, {}
        panel = self._panel()
        if panel is None or not arrived or not self._fleet_streaming:
            return
        panel.list.append_rows([fleet_row(e) for e in arrived.values()], expected=self._fleet_total)

    def _show_fleet_progress(self) -> None:
        if self._fleet_progress_timer is not None:  # shown now: a pending redraw has nothing left to do
            self._fleet_progress_timer.stop()
            self._fleet_progress_timer = None
        self._append_streamed_rows()
        summary = self.fleet_summary()
        panel = self._panel()
        if panel is not None:
            if summary is not None:
                panel.show_summary(summary)
            elif not self._fleet_running and not self._fleet_network_started:
                panel.show_summary("Not read yet: r reads every inner organization's usage.")
            done = self._fleet_done if self._fleet_running else (self._fleet_total or 0)
            panel.show_progress(done, self._fleet_total, self._fleet_note, running=self._fleet_running)
            if not self._fleet_running:
                panel.list.set_note(self._fleet_note)
        self.show_fleet_summary()

    def status_of(self, inner_id: int) -> Status | None:
        entry = self.fleet.get(inner_id)
        return entry.health.status if entry else None

    def with_usage(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Inner orgs list rows with their worst usage percent (`usagePercent`), once the fleet knows it."""
        if not self.fleet:
            return rows
        return [{**row, "usagePercent": self.fleet_usage(row.get("id"))} if "id" in row else row for row in rows]
