"""The Changes view: what moved in an organization since the last look (or since a date or a duration).

It reads the organization as `eiscope export changes` does (tui/api/snapshot_collect.py), reusing what this
session read a moment ago (the Fleet tab's fleet), keeps the reading as a snapshot, and compares it with the
last look, or with the snapshot nearest `since` (`p`). The list holds one row per change (status, limit,
added, removed, changed); below it the five fastest-growing resources. Enter opens the entity a row names.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from screens import columns
from screens.base import EiscopeScreen
from screens.change_rows import SECTION_LABELS, change_row, growth_row, heading
from screens.loading import UnexpectedError
from screens.messages import ChangesCompared, ChangesFailed, ChangesProgress, Kind
from tui.api.changes import ChangeKind, ChangeReport
from tui.api.errors import ApiError
from tui.api.snapshot_collect import WHITELABEL_SECTIONS, Collected, collect_snapshot
from tui.hints import tui_hint
from tui.periods import Since, parse_since
from tui.safe_text import clean
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel
from widgets.resource_table import ResourceTable

__all__ = ["REUSE_WITHIN", "ChangesScreen"]

REUSE_WITHIN = timedelta(minutes=5)
"""A fleet or white-label list this session read less than this long ago is compared as it is (r reads all)."""

KIND_OF_ENTITY = {
    "inner-org": Kind.INNER_ORGANIZATION,
    "user": Kind.MEMBER,
    "project": Kind.PROJECT,
    "dataset": Kind.DATASET,
    "wl-user": Kind.WHITELABEL_USER,
    "wl-project": Kind.WHITELABEL_PROJECT,
}
ROWS_OF_ENTITY = {"user": "members", "project": "projects", "dataset": "datasets"}
"""Entities whose screen shows the list row itself: opened with the row as read now."""


class ChangesScreen(EiscopeScreen):
    """What changed in one organization; `p` picks another period, `r` reads everything again."""

    CSS = """
    #changes-summary {
        height: auto;
        max-height: 3;
        padding: 0 1;
    }

    #changes-since-input {
        display: none;
        height: 1;
        border: none;
        padding: 0 1;
    }

    #changes-since-input.-open {
        display: block;
    }

    #growth-title {
        height: 1;
        padding: 0 1;
    }

    #growth-list {
        height: 7;
    }

    .-no-growth #growth-title, .-no-growth #growth-list {
        display: none;
    }
    """
    """The list first, the five fastest-growing resources under it; loaded with the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("p", "since", "Since…", id="changes-since")]

    def __init__(self, org_id: int, *, since: Since | None = None) -> None:
        super().__init__()
        self.org_id = org_id
        self.since = since
        self.crumb = "Changes"
        self.collected: Collected | None = None
        self.report: ChangeReport | None = None
        self._force = False

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Reading the organization…", style="italic"), id="changes-summary")
        yield Input(placeholder="since: 7d, 12h, 2w or 2026-11-01 (empty: the last look)", id="changes-since-input")
        yield ErrorPanel(id="changes-error")
        yield ListPane(columns.CHANGES, "changes", id="changes-list")
        yield Static(Text("Fastest growing (share of the limit gained)", style="bold"), id="growth-title")
        yield ListPane(columns.GROWTH, "growing resources", id="growth-list")

    def on_mount(self) -> None:
        self.query_one("#changes-list", ListPane).focus_table()
        self.load()

    # -- reading -----------------------------------------------------------------------------------------------

    def load(self) -> None:
        self.run_worker(self._read(force=self._force), group="changes", exclusive=True, exit_on_error=False)
        self._force = False

    def action_refresh(self) -> None:
        """`r`: read every part again, even what this session read a moment ago."""
        self._force = True
        self.load()

    async def _read(self, *, force: bool) -> None:
        tracker = self.eiscope.changes
        try:
            reuse = {}
            if not force:
                reuse = await asyncio.to_thread(
                    tracker.recent, self.org_id, within=REUSE_WITHIN, names=WHITELABEL_SECTIONS
                )
            collected = await collect_snapshot(
                self.client,
                self.org_id,
                clock=tracker.clock,
                reuse=reuse,
                progress=self._post_progress,
            )
            for name in sorted(collected.fresh):
                await asyncio.to_thread(tracker.record, self.org_id, collected.snapshot.sections[name])
            await self._compare(collected)
        except ApiError as error:
            self.post_message(ChangesFailed(error))
        except Exception as error:
            self.log.error(f"the changes failed: {error!r}")
            self.post_message(ChangesFailed(UnexpectedError.wrapping(error)))

    def _post_progress(self, what: str, done: int, total: int | None) -> None:
        self.post_message(ChangesProgress(what, done, total))

    async def _compare(self, collected: Collected) -> None:
        tracker = self.eiscope.changes
        snapshot = collected.snapshot
        cached = set(snapshot.sections) - collected.fresh - collected.reused
        moment = self.since.start(tracker.clock()) if self.since is not None else None
        report = await asyncio.to_thread(tracker.report, self.org_id, snapshot, since=moment, from_cache=cached)
        first = await asyncio.to_thread(tracker.first_taken, self.org_id)
        self.post_message(ChangesCompared(collected, report, first))

    def set_since(self, since: Since | None) -> None:
        """Compare the reading with another snapshot (no need to read the organization again)."""
        self.since = since
        if self.collected is None:
            self.load()
            return
        collected = self.collected
        self._show_summary("Comparing…")
        self.run_worker(self._compare(collected), group="changes", exclusive=True, exit_on_error=False)

    # -- results -----------------------------------------------------------------------------------------------

    def _show_summary(self, text: str, *, second: str = "") -> None:
        summary = Text(text)
        if second:
            summary.append("\n" + second, style="italic")
        self.query_one("#changes-summary", Static).update(summary)

    @on(ChangesProgress)
    def _progress(self, message: ChangesProgress) -> None:
        total = f" of {message.total:,}" if message.total is not None else ""
        self._show_summary(f"Reading {SECTION_LABELS.get(message.what, message.what)}: {message.done:,}{total}…")

    @on(ChangesCompared)
    def _compared(self, message: ChangesCompared) -> None:
        self.collected, self.report = message.collected, message.report
        tracker = self.eiscope.changes
        report, collected = message.report, message.collected
        self.query_one("#changes-error", ErrorPanel).clear()
        text = heading(
            report,
            since_text=self.since.text if self.since is not None else None,
            first=message.first,
            now=tracker.clock(),
            keeps=tracker.keeps_snapshots,
        )
        notes = [f"{SECTION_LABELS[name]} not read: {error.message}" for name, error in collected.errors.items()]
        if report.compared and report.unmatched:
            notes.append("nothing earlier to compare for " + ", ".join(SECTION_LABELS[n] for n in report.unmatched))
        self._show_summary(text, second=" · ".join(notes))
        changes = self.query_one("#changes-list", ListPane)
        changes.set_rows([change_row(change) for change in report.changes])
        growth = [growth_row(g) for g in report.growth]
        self.query_one("#growth-list", ListPane).set_rows(growth)
        self.set_class(not growth, "-no-growth")

    @on(ChangesFailed)
    def _failed(self, message: ChangesFailed) -> None:
        error = message.error
        if self.report is not None:
            self.flash_error("the changes", error)
            return
        self._show_summary("Nothing compared.")
        self.query_one("#changes-error", ErrorPanel).show_error(
            f"Could not read organization {self.org_id}", error.message, tui_hint(error)
        )
        self.query_one("#changes-list", ListPane).set_rows([])

    # -- keys --------------------------------------------------------------------------------------------------

    def action_since(self) -> None:
        field = self.query_one("#changes-since-input", Input)
        field.value = self.since.text if self.since is not None else ""
        field.add_class("-open")
        field.focus()

    @on(Input.Submitted, "#changes-since-input")
    def _since_given(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        try:
            since = parse_since(text) if text else None
        except ValueError as error:
            self.notify(str(error), title="Since", severity="warning", markup=False)
            return
        self._close_since()
        self.set_since(since)

    def leave_field(self, field: Input) -> bool:
        if field.id == "changes-since-input":
            self._close_since()
            return True
        return False

    def _close_since(self) -> None:
        self.query_one("#changes-since-input", Input).remove_class("-open")
        self.query_one("#changes-list", ListPane).focus_table()

    @on(ResourceTable.RowSelected)
    def _open(self, event: ResourceTable.RowSelected) -> None:
        row = event.row
        entity = str(row.get("entity") or "inner-org")
        kind = KIND_OF_ENTITY.get(entity)
        if kind is None:
            return
        key = row.get("id")
        if not isinstance(key, int | str):
            return
        if entity in ROWS_OF_ENTITY:
            found = self.collected.rows.get(ROWS_OF_ENTITY[entity], {}).get(key) if self.collected else None
            if found is None:
                what = "was removed" if row.get("kind") == ChangeKind.REMOVED.value else "is not in the reading"
                self.notify(
                    f"{clean(row.get('name') or key)} {what}: nothing to open", severity="warning", markup=False
                )
                return
            target: dict[str, Any] = found
        else:
            target = {"id": key, "name": row.get("name")}
        whitelabel = bool(self.collected and self.collected.whitelabel)
        projects = list(self.collected.rows.get("projects", {}).values()) if self.collected else []
        self.open(kind, self.org_id, target, whitelabel=whitelabel, context={"org_projects": projects})

    def raw_document(self) -> tuple[str, Any] | None:
        if self.report is None:
            return None
        return ("changes", {"changes": self.report.records()})
