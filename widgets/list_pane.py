"""A list view as k9s has it: the table, a filter line that opens with `/`, and a status line of counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from widgets.notice import ErrorPanel, StatusLine
from widgets.reading import move_bindings
from widgets.resource_table import ResourceTable
from widgets.row_store import Column


class ListPane(Vertical):
    """Filter-as-you-type, sort and copy over one ResourceTable; knows nothing of where rows come from."""

    DEFAULT_CSS = """
    ListPane { height: 1fr; }
    ListPane > ResourceTable { height: 1fr; }
    ListPane > Input.list-filter { display: none; height: 1; border: none; padding: 0 1; }
    ListPane > Input.list-filter.-open { display: block; }
    """

    BINDINGS = [
        Binding("slash", "open_filter", "Filter", id="filter"),
        Binding("escape", "clear_filter", "Clear filter", id="clear-filter"),
        Binding("s", "sort_next", "Sort", id="sort"),
        Binding("S", "sort_reverse", "Reverse", id="sort-reverse"),
        Binding("c", "copy_row", "Copy row", id="copy-row"),
        *move_bindings(half_down="half_page(1)", half_up="half_page(-1)"),
    ]

    def __init__(
        self, columns: Sequence[Column], noun: str, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._columns = list(columns)
        self.noun = noun
        self._expected: int | None = None
        self._note = ""
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield ErrorPanel()
        # The filter field is added on the first `/`: most lists are never filtered, and start-up pays per widget.
        table = ResourceTable()
        table.set_columns(self._columns)
        table.empty_text = f"Loading {self.noun}…"
        yield table
        yield StatusLine(classes="list-status")

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    @property
    def filter_field(self) -> Input | None:
        """The filter line, once `/` has opened it."""
        fields = self.query_children(Input)
        return fields.first() if fields else None

    @property
    def filter_text(self) -> str:
        field = self.filter_field
        return field.value if field is not None else ""

    # -- data in -------------------------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[dict[str, Any]], *, expected: int | None = None) -> None:
        """Replace every row (a fresh body), keeping filter and sort."""
        self._loaded = True
        self._expected = expected
        self.query_one(ErrorPanel).clear()
        self.table.set_rows(list(rows))
        self._update_empty_text()
        self.refresh_status()

    def append_rows(self, rows: Sequence[dict[str, Any]], *, expected: int | None = None) -> None:
        """Add a page of rows as it arrives."""
        self._loaded = True
        self._expected = expected
        self.table.append_rows(list(rows))
        self._update_empty_text()
        self.refresh_status()

    def set_expected(self, expected: int | None) -> None:
        """How many rows the list is said to hold (None: no more are coming, whatever the server said)."""
        self._expected = expected
        self.refresh_status()

    def set_note(self, note: str, *, stale: bool = False) -> None:
        """Where the rows came from: 'live', 'cached 3 min ago · refreshing…'."""
        self._note = note
        self.refresh_status(stale=stale)

    def show_error(self, title: str, message: str, hint: str) -> None:
        self.query_one(ErrorPanel).show_error(title, message, hint)
        if not self._loaded:
            self.table.empty_text = ""
            self.table.refresh()

    def refresh_status(self, *, stale: bool = False) -> None:
        table = self.table
        shown, total = table.row_count, table.total_count
        noun = self.noun_for(total)
        parts = [f"{shown:,} of {total:,} {noun}" if self.filter_text else f"{total:,} {noun}"]
        if self._expected is not None and total < self._expected:
            parts.append(f"loading {total:,} of {self._expected:,}")
        if self._note:
            parts.append(self._note)
        self.query_one(StatusLine).show(" · ".join(parts), stale=stale)

    def noun_for(self, count: int) -> str:
        """'1 organization', '2 organizations': the noun is given in the plural."""
        if count == 1 and self.noun.endswith("s"):
            return self.noun[:-1]
        return self.noun

    def _update_empty_text(self) -> None:
        needle = self.filter_text
        self.table.empty_text = f"No {self.noun} match '{needle}'" if needle else f"No {self.noun}"

    # -- keys ------------------------------------------------------------------------------------------------------

    async def action_open_filter(self) -> None:
        field = self.filter_field
        if field is None:
            field = self._new_filter_field()
            await self.mount(field, before=self.table)
        field.add_class("-open")
        field.focus()

    def _new_filter_field(self, value: str = "") -> Input:
        """The filter line, built when first needed (start-up: a list nobody filters never builds one)."""
        return Input(value, placeholder=f"filter {self.noun}…  (esc clears)", classes="list-filter")

    def set_filter(self, text: str) -> None:
        """Filter the list as `/` and typing would (`:users TEXT`); the focus stays on the table."""
        field = self.filter_field
        if field is None:
            field = self._new_filter_field(text)
            self.mount(field, before=self.table)
        else:
            field.value = text
        field.add_class("-open")
        self._apply_filter(text)
        self.table.focus()

    @on(Input.Changed, ".list-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    def _apply_filter(self, text: str) -> None:
        self.table.set_filter(text)
        self._update_empty_text()
        self.refresh_status()

    @on(Input.Submitted, ".list-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def on_key(self, event: Any) -> None:
        field = self.filter_field
        if event.key == "escape" and field is not None and field.has_focus:
            event.stop()
            field.value = ""
            field.remove_class("-open")
            self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears a filter when there is one; otherwise it goes on to the screen (back)."""
        if action == "clear_filter":
            return bool(self.filter_text)
        return True

    def action_clear_filter(self) -> None:
        field = self.filter_field
        if field is not None:
            field.value = ""
            field.remove_class("-open")
        self.table.focus()

    def action_sort_next(self) -> None:
        self.table.cycle_sort()

    def action_sort_reverse(self) -> None:
        self.table.reverse_sort()

    def action_copy_row(self) -> None:
        row = self.table.cursor_row
        if row is None:
            self.notify("Nothing selected to copy", severity="warning")
            return
        from tui.export_format import finite_dumps  # valid JSON (null for NaN); loaded on the first copy

        self.app.copy_to_clipboard(finite_dumps(row, ensure_ascii=True, sort_keys=True))
        self.notify("Row copied to the clipboard (OSC 52)")

    def action_half_page(self, direction: int) -> None:
        """ctrl+d / ctrl+u: the cursor half a screen down or up (the table has the other moves)."""
        table = self.table
        half = max(1, (table.scrollable_content_region.height - 1) // 2)  # less the header line
        table.move_cursor(table.cursor_index + direction * half)

    def focus_table(self) -> None:
        self.table.focus()
