"""The organization screen's part in change tracking: snapshots of what it reads, marks, the Changes key.

Each list the screen reads from the network (members and datasets with the info, projects, each white-label
list once every page is in, the fleet once a network pass is complete) is handed to the app's ChangeTracker
as a snapshot section, in a worker thread. The tracker answers with the marks of that list: rows that are new
or changed since the last look, shown in the list (widgets/change_marks.py) until the admin opens the row. A
fleet read after another in the same session also yields the organizations that crossed into near, at or
over (`FleetCrossed`, which the app turns into a notification while watching).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on
from textual.binding import Binding

from screens.base import EiscopeScreen
from screens.messages import (
    ChangeMarks,
    FleetCrossed,
    FleetDone,
    FleetFailed,
    FleetListed,
    OrganizationLoaded,
    OrganizationProjectsLoaded,
    PageArrived,
    PagesDone,
    PagesFailed,
    ShowChanges,
)
from tui.api.fleet import RESOURCES
from widgets.change_marks import NEW, RowMark
from widgets.list_pane import ListPane
from widgets.resource_table import ResourceTable
from widgets.tabbed_view import TabbedView

if TYPE_CHECKING:
    from tui.api.fingerprints import Fingerprint
    from tui.api.fleet_walk import FleetEntry
    from tui.api.list_reading import ListReading
    from tui.api.snapshots import Key, Record, Section

# The snapshot modules (tui.api.changes, snapshots, list_reading) are imported where first used: nothing is
# kept before the first network read, so the first paint does not pay for them (start-up).

__all__ = ["LIST_OF_SECTION", "ChangesHost", "mark_columns"]

LIST_OF_SECTION = {
    "members": "users-list",
    "projects": "projects-list",
    "datasets": "datasets-list",
    "inner-orgs": "inner-orgs-list",
    "wl-users": "wl-users-list",
    "wl-projects": "wl-projects-list",
    "fleet": "fleet-list",
}
SECTION_OF_LIST = {list_id: section for section, list_id in LIST_OF_SECTION.items()}
READER_IDLE_S = 60.0
"""A list's reader waiting this long for a page gives up (its pass was stopped without a message)."""
SECTION_OF_TAB = {"inner-orgs": "inner-orgs", "wl-users": "wl-users", "wl-projects": "wl-projects"}
"""The white-label tabs whose pages make a section once every page is in."""

_COLUMN_OF_FIELD = {
    "percent.worst": "worstPercent",
    **{f"percent.{r.key}": f"{r.key}Percent" for r in RESOURCES},
    **{f"limit.{r.key}": "entitlementLimits" for r in RESOURCES},
}


def mark_columns(section: str, fields: frozenset[str]) -> RowMark:
    """The list's column keys for the changed fields of a record (the fleet's limits show as percents)."""
    from tui.api.changes import ADDED

    if ADDED in fields:
        return frozenset({NEW})
    columns = {_COLUMN_OF_FIELD.get(name, name) for name in fields}
    if section == "fleet":
        columns.discard("entitlementLimits")
    return frozenset(columns)


class ChangesHost(EiscopeScreen):
    """Snapshots and marks for the organization screen; `D` opens the Changes view."""

    BINDINGS = [Binding("D", "changes", "Changes", id="changes")]

    # what the organization screen and its FleetHost provide
    org_id: int
    is_whitelabel_admin: bool | None
    fleet: dict[int, FleetEntry]
    start_fleet: Callable[..., None]

    def __init__(self) -> None:
        super().__init__()
        self._marks: dict[str, dict[Key, RowMark]] = {}
        self._marked_records: dict[str, dict[Key, Record]] = {}
        # a white-label list's network pass, by section: its pass id and the queue of its pages
        self._readings: dict[str, tuple[int, asyncio.Queue[list[tuple[Key, Record]] | bool]]] = {}
        self._passes_seen: dict[str, int] = {}  # the newest pass of each list: a page of an older one is dropped
        self._fleet_reading = False  # a network pass of the fleet is running (a cache pass does not count)

    def action_changes(self) -> None:
        self.post_message(ShowChanges(self.org_id))

    # -- what is read becomes a section --------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.eiscope.changes.clock()

    def keep_section(self, section: Section) -> None:
        """Hand a section just read from the network to the tracker (a worker: the files are written in a thread)."""
        self.run_worker(self._keep(section), group=f"snapshot-{section.name}", exclusive=True, exit_on_error=False)

    async def _keep(self, section: Section) -> None:
        from tui.api.changes import crossings

        tracker = self.eiscope.changes
        previous = await asyncio.to_thread(tracker.record, self.org_id, section)
        marks = await asyncio.to_thread(tracker.marks, self.org_id, section)
        self.post_message(ChangeMarks(section.name, marks, {key: section.records[key] for key in marks}))
        if section.name == "fleet":
            crossed = crossings(previous, section)
            if crossed:
                self.post_message(FleetCrossed(self.org_id, crossed))

    @on(OrganizationLoaded)
    def _snapshot_info(self, message: OrganizationLoaded) -> None:
        from tui.api.snapshots import section_from_rows

        fetched = message.fetched
        if fetched.from_cache or fetched.offline:
            return
        at = self._now()
        organization = fetched.raw.get("organization")
        users = organization.get("users") if isinstance(organization, dict) else None
        self.keep_section(section_from_rows("members", users if isinstance(users, list) else [], at))
        datasets = fetched.raw.get("datasets")
        self.keep_section(section_from_rows("datasets", datasets if isinstance(datasets, list) else [], at))

    @on(OrganizationProjectsLoaded)
    def _snapshot_projects(self, message: OrganizationProjectsLoaded) -> None:
        from tui.api.snapshots import section_from_rows

        fetched = message.fetched
        if fetched.from_cache or fetched.offline:
            return
        projects = fetched.raw.get("projects")
        self.keep_section(section_from_rows("projects", projects if isinstance(projects, list) else [], self._now()))

    @on(PageArrived)
    def _snapshot_page(self, message: PageArrived) -> None:
        """A network page of a white-label list goes to its pass's reader (`_read_list`), in arrival order."""
        name = SECTION_OF_TAB.get(message.tab)
        if name is None:
            return
        seen = self._passes_seen.get(name, 0)
        current = self._readings.get(name)
        if message.pass_id < seen or (message.pass_id == seen and current is None and not message.replace):
            return  # a page of a pass a refresh replaced, or of one already complete
        self._passes_seen[name] = message.pass_id
        if message.cached or message.offline:  # cached rows are not a reading: only network pages make a section
            self._end_reading(name, keep=False)
            return
        if current is None or message.pass_id > current[0] or message.replace:
            self._end_reading(name, keep=False)
            current = self._readings[name] = (message.pass_id, asyncio.Queue())
            reader = self._read_list(name, message.pass_id, current[1])
            self.run_worker(reader, group=f"reading-{name}", exit_on_error=False)
        from tui.api.snapshots import records_from_rows

        current[1].put_nowait(list(records_from_rows(name, message.rows)))  # small: the rows can go

    @on(PagesDone)
    def _snapshot_pages(self, message: PagesDone) -> None:
        name = SECTION_OF_TAB.get(message.tab) or ""
        current = self._readings.get(name)
        if current is not None and message.pass_id == current[0]:
            self._end_reading(name, keep=not (message.stale or message.offline))

    @on(PagesFailed)
    def _pages_not_read(self, message: PagesFailed) -> None:
        name = SECTION_OF_TAB.get(message.tab) or ""
        current = self._readings.get(name)
        if current is not None and message.pass_id == current[0]:
            self._end_reading(name, keep=False)

    def _end_reading(self, name: str, *, keep: bool) -> None:
        """The pass is complete (`keep`: its snapshot is kept) or abandoned; its reader ends either way."""
        current = self._readings.pop(name, None)
        if current is not None:
            current[1].put_nowait(keep)

    async def _read_list(self, name: str, pass_id: int, pages: asyncio.Queue[list[tuple[Key, Record]] | bool]) -> None:
        """One pass of a long list, page by page in a thread (ListReading: the snapshot's file and the marks
        against the last look), so the pages cost the screen nothing; keeps the file once the pass is complete.
        A pass stopped without a word (its tab's paging cancelled) ends after READER_IDLE_S without a page."""
        from tui.api.list_reading import ListReading

        tracker = self.eiscope.changes
        reading = ListReading.start(self.org_id, name, pass_id, self._now())
        last_look = asyncio.ensure_future(asyncio.to_thread(tracker.fingerprint, self.org_id, name))
        try:
            while True:
                try:
                    page = await asyncio.wait_for(pages.get(), READER_IDLE_S)
                except TimeoutError:
                    return
                if isinstance(page, bool):
                    break
                if last_look.done() and not reading.compared:
                    await self._compare(reading, last_look.result())
                self._post_marks(reading, await asyncio.to_thread(reading.add, page))
            if not page:
                return  # abandoned: stale, failed or replaced
            if not reading.compared:
                await self._compare(reading, await last_look)
            data = await asyncio.to_thread(reading.finish)
            await asyncio.to_thread(tracker.record_encoded, self.org_id, name, reading.at, data)
            self.post_message(ChangeMarks(name, dict(reading.marks), dict(reading.records)))  # the pass's, whole
        finally:
            last_look.cancel()

    async def _compare(self, reading: ListReading, fingerprint: Fingerprint | None) -> None:
        looked_at = self.eiscope.changes.looked_at(self.org_id, reading.name)
        self._post_marks(reading, await asyncio.to_thread(reading.compare_with, fingerprint, looked_at))

    def _post_marks(self, reading: ListReading, found: dict[Key, frozenset[str]]) -> None:
        if found:
            records = {key: reading.records[key] for key in found}
            self.post_message(ChangeMarks(reading.name, found, records, merge=True))

    @on(FleetListed)
    def _fleet_listed(self, message: FleetListed) -> None:
        self._fleet_reading = message.network

    @on(FleetFailed)
    def _fleet_not_read(self, message: FleetFailed) -> None:
        self._fleet_reading = False

    @on(FleetDone)
    def _snapshot_fleet(self, message: FleetDone) -> None:
        self._fleet_reading = False
        if message.network:
            self.call_later(self._keep_fleet)  # after the fleet's own handler has taken the pass's entries

    def _keep_fleet(self) -> None:
        from tui.api.snapshots import fleet_section, section_from_rows

        entries = list(self.fleet.values())
        if not entries or any(entry.from_cache or entry.offline for entry in entries):
            return  # a partial or cached read is not a snapshot
        at = self._now()
        self.keep_section(section_from_rows("inner-orgs", [entry.row for entry in entries], at))
        self.keep_section(fleet_section(((e.inner_id, e.name, e.health) for e in entries), at))

    # -- marks -----------------------------------------------------------------------------------------------

    @on(ChangeMarks)
    def _marks_arrived(self, message: ChangeMarks) -> None:
        marks = {key: mark_columns(message.section, f) for key, f in message.marks.items()}
        if message.merge:  # a page's: the pass's earlier pages (and the last pass's marks) stay until it ends
            self._marks.setdefault(message.section, {}).update(marks)
            self._marked_records.setdefault(message.section, {}).update(message.records)
        else:
            self._marks[message.section] = marks
            self._marked_records[message.section] = dict(message.records)
        self.show_marks()

    @on(TabbedView.TabActivated)
    def _tab_shown(self) -> None:
        self.call_later(self.show_marks)  # the tab's lists are composed by then

    def show_marks(self) -> None:
        """Give each composed list its marks."""
        from tui.api.snapshots import SECTIONS

        for section, marks in self._marks.items():
            found = self.query(f"#{LIST_OF_SECTION[section]}")
            if found:
                pane = found.first()
                if isinstance(pane, ListPane):
                    pane.table.set_marks(marks, key=SECTIONS[section].key_field)

    @on(ResourceTable.RowSelected)
    def _looked_at(self, event: ResourceTable.RowSelected) -> None:
        """Opening a marked row is looking at it: its mark goes (until it changes again)."""
        from tui.api.snapshots import SECTIONS

        pane = event.control.parent
        section = SECTION_OF_LIST.get(pane.id or "") if pane is not None else None
        if section is None:
            return
        key = event.row.get(SECTIONS[section].key_field)
        record = self._marked_records.get(section, {}).get(key) if isinstance(key, int | str) else None
        if record is None or not isinstance(key, int | str):
            return
        self.eiscope.changes.look_at(self.org_id, section, key, record)
        self._marks[section] = {k: mark for k, mark in self._marks[section].items() if k != key}
        self.show_marks()

    # -- watch -------------------------------------------------------------------------------------------------

    def watch_fleet(self) -> bool:
        """Read the fleet again in the background (watch); False when there is no fleet, or a network pass is
        still reading it (a fleet slower than the interval is not restarted before it ends), or the screen's own
        refresh reads it (its Fleet tab is shown)."""
        if not self.is_whitelabel_admin or self._fleet_reading:
            return False
        if self.is_current and self.tab_view.active == "fleet":
            return False
        self._fleet_reading = True
        self.start_fleet(network=True)
        return True
