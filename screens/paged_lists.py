"""The white-label lists of an organization screen, paged into their tabs: one exclusive worker per tab, each
pass numbered so that a page still queued from a pass a refresh replaced is dropped, never shown twice."""

from __future__ import annotations

import itertools
from typing import Any

from textual import on

from screens.base import EiscopeScreen
from screens.loading import UnexpectedError, freshness
from screens.messages import Kind, PageArrived, PagesDone, PagesFailed
from tui.api.errors import ApiError, ListCutShortError
from tui.api.paging import PAGE_SIZE
from tui.api.row_marks import count_unreadable
from tui.api.source import Source
from tui.hints import tui_hint
from widgets.list_pane import ListPane

__all__ = ["PAGED_INDEX_KINDS", "PAGED_KINDS", "PagedListsHost"]

PAGED_KINDS = {
    "inner-orgs": "inner_organizations",
    "wl-users": "whitelabel_users",
    "wl-projects": "whitelabel_projects",
}
# The palette finds rows of the paged lists in their tables.
PAGED_INDEX_KINDS = {
    "inner-orgs": Kind.INNER_ORGANIZATION,
    "wl-users": Kind.WHITELABEL_USER,
    "wl-projects": Kind.WHITELABEL_PROJECT,
}


class PagedListsHost(EiscopeScreen):
    """A screen with white-label lists in tabs (the organization screen): starts, stops and shows their paging."""

    org_id: int
    is_whitelabel_admin: bool | None
    _composed: set[str]

    def __init__(self) -> None:
        super().__init__()
        self._paged_started: set[str] = set()
        self._passes = itertools.count(1)
        self._current_pass: dict[str, int] = {}
        self._unreadable: dict[str, int] = {}

    def rows_for_list(self, tab: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows a paged list shows (a subclass may add columns it knows, such as usage)."""
        return rows

    def _start_paged(self, tab: str) -> None:
        """Page a white-label list into its tab: one worker per tab, a new one cancels the one before."""
        if tab in self._paged_started or self.is_whitelabel_admin is False or tab not in self._composed:
            return
        self._paged_started.add(tab)
        pass_id = next(self._passes)
        self._current_pass[tab] = pass_id
        self.run_worker(self._load_pages(tab, pass_id), group=f"pages-{tab}", exclusive=True, exit_on_error=False)

    def _stop_paged(self, tab: str) -> None:
        self._paged_started.discard(tab)
        self._current_pass.pop(tab, None)
        self.workers.cancel_group(self, f"pages-{tab}")

    async def _load_pages(self, tab: str, pass_id: int) -> None:
        """Cached pages first (at once), then the network's; the first page of each pass replaces what is shown,
        so a refresh or a fresh pass over cached rows never doubles a row."""
        kind = PAGED_KINDS[tab]
        cached = 0
        try:
            try:
                async for page in self.client.pages(kind, self.org_id, page_size=PAGE_SIZE, source=Source.CACHE):
                    self.post_message(
                        PageArrived(
                            tab,
                            page.raw_items,
                            page.total,
                            cached=True,
                            age_s=page.age_s,
                            replace=not cached,
                            pass_id=pass_id,
                        )
                    )
                    cached += len(page.raw_items) or 1
            except ListCutShortError:
                pass  # the network pass meets the same bound, and says it
            fresh = 0
            stale, offline, oldest = False, False, None
            cut: ListCutShortError | None = None
            try:
                async for page in self.client.pages(kind, self.org_id, page_size=PAGE_SIZE):
                    self.post_message(
                        PageArrived(
                            tab,
                            page.raw_items,
                            page.total,
                            cached=page.from_cache,
                            offline=page.offline,
                            age_s=page.age_s,
                            replace=not fresh,
                            pass_id=pass_id,
                        )
                    )
                    fresh += len(page.raw_items) or 1
                    if page.from_cache or page.offline:
                        stale, offline = True, offline or page.offline
                        oldest = max(oldest or 0.0, page.age_s or 0.0)
            except ListCutShortError as error:
                cut = error  # the rows before the stop stay on screen, and the status line says what was cut
            done = PagesDone(tab, fresh, stale=stale, offline=offline, age_s=oldest, pass_id=pass_id, cut=cut)
            self.post_message(done)
        except ApiError as error:
            self.post_message(PagesFailed(tab, error, had_cache=bool(cached), pass_id=pass_id))
        except Exception as error:
            self.log.error(f"paging {tab} failed: {error!r}")
            self.post_message(
                PagesFailed(tab, UnexpectedError.wrapping(error), had_cache=bool(cached), pass_id=pass_id)
            )

    def _current(self, tab: str, pass_id: int) -> bool:
        """A message of a pass that a refresh (or a 403) replaced is dropped."""
        return self._current_pass.get(tab) == pass_id

    @on(PageArrived)
    def _page_arrived(self, message: PageArrived) -> None:
        if not self._current(message.tab, message.pass_id):
            return
        pane = self.query_one(f"#{message.tab}-list", ListPane)
        if message.replace:
            pane.set_rows([], expected=message.total)
            self._unreadable[message.tab] = 0
        pane.append_rows(self.rows_for_list(message.tab, message.rows), expected=message.total)
        self._unreadable[message.tab] = self._unreadable.get(message.tab, 0) + count_unreadable(message.rows)
        if message.cached or message.offline:
            note = freshness(from_cache=True, offline=message.offline, age_s=message.age_s)
            pane.set_note(self._with_unreadable(message.tab, note.text), stale=True)
        self.index.register(PAGED_INDEX_KINDS[message.tab], self.org_id, pane.table.store.find)

    @on(PagesDone)
    def _pages_done(self, message: PagesDone) -> None:
        if not self._current(message.tab, message.pass_id):
            return
        note = freshness(from_cache=message.stale, offline=message.offline, age_s=message.age_s, refreshing=False)
        unreadable = bool(self._unreadable.get(message.tab))
        pane = self.query_one(f"#{message.tab}-list", ListPane)
        if message.cut is None:
            pane.set_note(self._with_unreadable(message.tab, note.text), stale=note.stale or unreadable)
            self.index.mark_complete(PAGED_INDEX_KINDS[message.tab], self.org_id)  # the API's search is not needed
            return
        pane.set_expected(None)  # no longer "loading 200,000 of 1,000,000,000": the list stopped
        pane.set_note(self._with_unreadable(message.tab, f"{message.cut.summary} · {note.text}"), stale=True)
        self.notify(
            f"{message.cut.detail}\n{tui_hint(message.cut)}".strip(),
            title=f"The {pane.noun} list was cut short",
            severity="warning",
            timeout=12,
        )

    def _with_unreadable(self, tab: str, note: str) -> str:
        """The list's note, and how many of its rows could not be read ('live · 2 unreadable rows')."""
        count = self._unreadable.get(tab, 0)
        return f"{note} · {count:,} unreadable row{'s' if count != 1 else ''}" if count else note

    @on(PagesFailed)
    def _pages_failed(self, message: PagesFailed) -> None:
        if not self._current(message.tab, message.pass_id):
            return
        self._paged_started.discard(message.tab)
        pane = self.query_one(f"#{message.tab}-list", ListPane)
        if message.had_cache:
            self.flash_error(f"the {pane.noun}", message.error)
            pane.set_note(f"not refreshed: {message.error.message}", stale=True)
            return
        pane.show_error("Not loaded", message.error.message, tui_hint(message.error))
