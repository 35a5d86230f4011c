"""ResourceTable: a virtual table for 100,000 rows, on Textual's Line API.

Textual's DataTable builds every row up front (about 1.8 s for 10,000 rows, and again on each filter
keystroke). This table keeps the rows in a `RowStore` and renders only the lines on screen (`render_line`):
each visible row becomes one Segment of pre-padded text, so a repaint costs the same at 10 rows or 100,000.
The header stays on line 0; the body scrolls under it, and the first column (the name) stays put when the
table scrolls sideways, as a spreadsheet's does. Rendered lines are kept in a small LRU cache (as Textual's
Log and DataTable keep theirs), cleared when the data, order, filter, widths, cursor or sideways scroll change.

The cursor follows its row, as k9s's does: once the user has put it on a row, that row (known by its `id`, or
its first column's value) stays under the cursor and on the same screen line while pages stream in, the rows
re-sort or are replaced by a refresh; a list nobody has moved in keeps its first row under the cursor. A row
missing for a while (a refresh still paging) takes the cursor back when it arrives. `<`/`>` (and ctrl+←/→)
move a screenful of columns sideways, the first column staying put. A column may give its row a tone
(`Column.tone`), drawn in the theme's error/warning colours.

Every cell goes through `tui.safe_text.clean` (inside `Column.text`) and is emitted as plain Segments, never
parsed as markup, so `[@click=app.quit]` in an organization name is just text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.safe_text import clean
from widgets.change_marks import RowMark, marked_segments
from widgets.column_fit import GAP, MARGIN, fit_widths, full_width, natural_width
from widgets.row_store import Column, Row, RowStore

__all__ = ["Column", "ResourceTable"]

WIDTH_SAMPLE = 200
"""How many rows are measured to size the columns."""
INDEX_STEP = 1000
"""Rows of search text built per idle step after the first paint (about 5 ms each)."""
LINE_CACHE_SIZE = 256
"""Rendered lines kept (a few screens' worth: scrolling back and forth repaints from the cache)."""
ELLIPSIS = "…"
IDENTITY_KEY = "id"
"""The row field that names a row across refreshes (rows without one are named by their first column)."""
TONES = ("error", "warning", "notice")
"""The tones a column may give its row (`Column.tone`), each a component class of the table."""
_UNTOUCHED: Any = object()
"""The cursor's chosen row before the user moves it: the first row, whichever it is."""


def fit(text: str, width: int, align: str = "left") -> str:
    """Pad or truncate (with "…") one cell's text to exactly `width` cells."""
    if width <= 0:
        return ""
    if text.isascii():
        size = len(text)
        if size > width:
            return text[: width - 1] + ELLIPSIS
    else:
        size = cell_len(text)
        if size > width:
            cropped = set_cell_size(text, width - 1)
            return set_cell_size(cropped + ELLIPSIS, width)
    if size == width:
        return text
    padding = " " * (width - size)
    return padding + text if align == "right" else text + padding


COLUMNS = Binding.Group("Columns")
"""`< >` in the footer: a screenful of columns left / right."""


def _tone_column(columns: Sequence[Column]) -> Column | None:
    """The column whose value gives a row its tone (the first with a `tone`), if any."""
    return next((column for column in columns if column.tone is not None), None)


class ResourceTable(ScrollView, can_focus=True):
    """A read-only table of API rows with a cursor, filter as you type and a one-column sort.

    Give it columns (`set_columns`) and rows as dicts (`set_rows`, `append_rows` for pages). It never
    calls the API and has no filter input of its own: the screen owns the Input and calls `set_filter`.
    It keeps no reference to the dicts given once it has packed them (a page at once, a big `set_rows` in
    idle steps): rows that come back (`cursor_row`, messages, `store.row(i)`) are equal dicts, new ones, so a
    caller that drops its own list frees their memory.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
        Binding("home,g", "first", "First", show=False, id="first"),
        Binding("end,G", "last", "Last", show=False, id="last"),
        Binding("enter", "select", "Open", show=False, id="open"),
        Binding(
            "less_than_sign,ctrl+left", "columns_left", "A screenful of columns left", id="columns-left", group=COLUMNS
        ),
        Binding(
            "greater_than_sign,ctrl+right",
            "columns_right",
            "A screenful of columns right",
            id="columns-right",
            group=COLUMNS,
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--empty",
        *(f"resource-table--{tone}" for tone in TONES),
        "resource-table--changed",
        "resource-table--added",
    }

    DEFAULT_CSS = """
    ResourceTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .resource-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .resource-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: bold;
        }
        &:focus > .resource-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .resource-table--empty {
            color: $text-muted;
            text-style: italic;
        }
        & > .resource-table--error {
            color: $text-error;
            text-style: bold;
        }
        & > .resource-table--warning {
            color: $warning;
            text-style: bold;
        }
        & > .resource-table--notice {
            color: $text-warning;
        }
        & > .resource-table--changed {
            color: $warning;
            text-style: bold;
        }
        & > .resource-table--added {
            color: $success;
            text-style: bold;
        }
    }
    """

    class _RowMessage(Message):
        """A message about one row; `control` is the table, so `@on(ResourceTable.RowSelected, "#users")` works."""

        def __init__(self, table: ResourceTable, row: Row) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> ResourceTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row (also sent when new rows put a first row under the cursor)."""

    class RowSelected(_RowMessage):
        """The user pressed enter on a row (or clicked the row under the cursor)."""

    def __init__(
        self,
        columns: Sequence[Column] = (),
        *,
        empty_text: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._store = RowStore(columns)
        self._empty_text = empty_text
        self._cursor = 0
        self._chosen: Any = _UNTOUCHED  # the identity of the row the user put the cursor on
        self._chosen_id: int | None = None  # its row id while the rows hold it (ids start again on set_rows)
        self._highlighted_id: int | None = None
        self._cursor_cache: tuple[int, Row] | None = None
        self._natural: list[int] = []
        self._sampled = 0
        self._widths: list[int] = []
        self._layout_width = -1
        self._line_width = 0
        self._tone_column = _tone_column(self._store.columns)
        self._overflows = False  # wider than the view: the column keys apply
        self._index_scheduled = False
        # (virtual line, scroll x, width, style) → the line as drawn; cleared whenever what it shows changes.
        self._line_cache: LRUCache[tuple[int, int, int, Style], Strip] = LRUCache(LINE_CACHE_SIZE)
        self._marks: Mapping[Any, RowMark] = {}
        self._mark_key = "id"
        self._measure_columns()

    # -- public API ---------------------------------------------------------------------------------------

    @property
    def store(self) -> RowStore:
        """The rows behind the table (read it; change rows through the table so it repaints)."""
        return self._store

    @property
    def columns(self) -> list[Column]:
        """The columns, in display order."""
        return self._store.columns

    @property
    def row_count(self) -> int:
        """Rows shown (matching the filter)."""
        return len(self._store)

    @property
    def total_count(self) -> int:
        """Rows held, filter or not."""
        return self._store.total

    @property
    def cursor_index(self) -> int:
        """Position of the cursor among the shown rows (0 when there are none)."""
        return self._cursor

    @property
    def cursor_row(self) -> Row | None:
        """The row under the cursor, or None when nothing is shown.

        A dict equal to the one given (the store keeps rows compactly, not as dicts); the same dict object
        while the cursor stays on the row, and the one sent in RowHighlighted and RowSelected.
        """
        if not len(self._store):
            return None
        return self._row_by_id(self._store.row_id(self._cursor))

    @property
    def filter_text(self) -> str:
        """The current filter."""
        return self._store.filter_text

    @property
    def sort_key(self) -> str | None:
        """Key of the sort column, None when rows are in arrival order."""
        return self._store.sort_key

    @property
    def sort_reverse(self) -> bool:
        """True when sorted descending."""
        return self._store.sort_reverse

    @property
    def empty_text(self) -> str:
        """What the table says when no row is shown."""
        if self._empty_text is not None:
            return self._empty_text
        if self._store.filter_text:
            return f"No rows match '{self._store.filter_text}'"
        return "No rows"

    @empty_text.setter
    def empty_text(self, text: str | None) -> None:
        self._empty_text = text
        self._line_cache.clear()
        if not len(self._store) and self.is_mounted:
            self.refresh()

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Change the columns (rows, filter and a still-valid sort are kept)."""
        self._store.set_columns(columns)
        self._tone_column = _tone_column(self._store.columns)
        self._measure_columns()
        self._data_changed()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace all rows, filter and sort staying; the cursor stays on its row when the new rows have it
        (by identity), and takes it back when a later page brings it; an untouched cursor is on the first row."""
        self._store.set_rows(rows)
        self._highlighted_id = None
        self._cursor_cache = None  # row ids start again at 0
        self._chosen_id = None
        self._measure_columns()
        if self._chosen is _UNTOUCHED and self.is_mounted:
            self.scroll_to(0, 0, animate=False, force=True)
        self._data_changed(new_ids=range(self._store.total))

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add a page of rows; the cursor stays on the row it was on (and on its line of the screen)."""
        start = self._store.total
        self._store.extend(rows)
        if self._sampled < WIDTH_SAMPLE:
            self._measure_columns()
        self._data_changed(new_ids=range(start, self._store.total))

    def clear(self) -> None:
        """Remove every row."""
        self.set_rows(())

    def set_filter(self, text: str) -> None:
        """Show only rows containing `text` (case-insensitive, in any searchable column); "" shows all."""
        if text.strip() == self._store.filter_text:
            return
        self._store.set_filter(text)
        self._data_changed(hidden_goes_to_top=True)

    def sort_by(self, key: str | None, reverse: bool = False) -> None:
        """Sort by the column with this key (None: arrival order); the cursor stays on its row."""
        self._store.sort_by(key, reverse)
        self._data_changed()

    def cycle_sort(self) -> None:
        """Sort by the next column (ascending), wrapping back to arrival order after the last."""
        keys = [column.key for column in self.columns]
        if not keys:
            return
        current = self._store.sort_key
        if current is None:
            self.sort_by(keys[0])
        else:
            position = keys.index(current) + 1
            self.sort_by(keys[position] if position < len(keys) else None)

    def reverse_sort(self) -> None:
        """Flip the sort direction (sorting by the first column when there was no sort)."""
        key = self._store.sort_key
        if key is None:
            if not self.columns:
                return
            self.sort_by(self.columns[0].key, reverse=True)
        else:
            self.sort_by(key, reverse=not self._store.sort_reverse)

    def set_marks(self, marks: Mapping[Any, RowMark], *, key: str = "id") -> None:
        """Mark rows that changed (widgets/change_marks.py): row[key] → the changed column keys, or {NEW}.

        Kept apart from the rows: setting rows again keeps the marks; an empty mapping removes them.
        """
        self._marks = marks
        self._mark_key = key
        self._line_cache.clear()
        if self.is_mounted:
            self.refresh()

    @property
    def marks(self) -> Mapping[Any, RowMark]:
        return self._marks

    def move_cursor(self, index: int) -> None:
        """Put the cursor on a shown row (clamped) and scroll it into view; from now on it follows that row."""
        count = len(self._store)
        if not count:
            return
        index = max(0, min(index, count - 1))
        previous = self._cursor
        self._cursor = index
        self._chosen_id = self._store.row_id(index)
        self._chosen = self._identity(self._chosen_id)
        if not self.is_mounted:
            return
        if index != previous:
            self._line_cache.clear()
            self._refresh_row(previous)
            self._refresh_row(index)
        self._scroll_cursor_into_view()
        self._post_highlighted()

    # -- actions ------------------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        """Move the cursor one row up."""
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        """Move the cursor one screen up."""
        self.move_cursor(self._cursor - self._body_height())

    def action_page_down(self) -> None:
        """Move the cursor one screen down."""
        self.move_cursor(self._cursor + self._body_height())

    def action_first(self) -> None:
        """Move the cursor to the first row."""
        self.move_cursor(0)

    def action_last(self) -> None:
        """Move the cursor to the last row."""
        self.move_cursor(len(self._store) - 1)

    def action_columns_right(self) -> None:
        """Scroll right by a screenful of columns: the first column not wholly shown comes next to the first."""
        starts, frozen, room = self._column_starts(), self._frozen_width(), self._scroll_room()
        right_edge = self.scroll_offset.x + frozen + room
        for start, width in starts:
            if start >= frozen and start + width > right_edge:
                self.scroll_to(x=min(start - frozen, self.max_scroll_x), animate=False)
                return
        self.scroll_to(x=self.max_scroll_x, animate=False)

    def action_columns_left(self) -> None:
        """Scroll left by a screenful of columns: the columns just left of the view fill it."""
        starts, frozen, room = self._column_starts(), self._frozen_width(), self._scroll_room()
        first_shown = self.scroll_offset.x + frozen
        for start, _width in starts:
            if start >= frozen and first_shown - start <= room:
                self.scroll_to(x=max(0, start - frozen), animate=False)
                return
        self.scroll_to(x=0, animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The column keys show (and work) only when the columns are wider than the view."""
        if action in ("columns_left", "columns_right"):
            return self._overflows
        return True

    def action_select(self) -> None:
        """Post RowSelected for the row under the cursor."""
        row = self.cursor_row
        if row is not None:
            self.post_message(self.RowSelected(self, row))

    # -- events -------------------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """Click a row to put the cursor there, the cursor row to open it, a header to sort by it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:
            key = self._column_at(self._content_x(offset.x))
            if key is not None:
                same = key == self._store.sort_key
                self.sort_by(key, reverse=same and not self._store.sort_reverse)
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self._store):
            if index == self._cursor:
                self.action_select()
            else:
                self.move_cursor(index)

    def on_resize(self, event: events.Resize) -> None:
        """Re-fit the columns to the new width."""
        self._relayout()

    def notify_style_update(self) -> None:
        """Theme or focus changed: component styles are looked up again on the next paint."""
        super().notify_style_update()
        self._line_cache.clear()
        self.refresh()

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        """Sideways scroll: every line is drawn again (the first column stays, the rest moves)."""
        self._line_cache.clear()
        super().watch_scroll_x(old_value, new_value)

    # -- rendering ----------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """One screen line: the header on line 0, then rows from the scroll position."""
        width = self.scrollable_content_region.width
        if width != self._layout_width:
            self._relayout()
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        virtual_y = 0 if y == 0 else scroll_y + y
        if y == 0:
            style = base + self.get_component_rich_style("resource-table--header")
        elif virtual_y - 1 == self._cursor:
            style = base + self.get_component_rich_style("resource-table--cursor")
            if self.app.no_color:
                style += Style(reverse=True)
        else:
            style = base
            tone = self._tone(virtual_y - 1)
            if tone is not None:
                style = base + self.get_component_rich_style(f"resource-table--{tone}")
        key = (virtual_y, scroll_x, width, style)
        cached = self._line_cache.get(key)
        if cached is not None:
            return cached
        if y == 0:
            line = self._header_text()
        else:
            index = virtual_y - 1
            store = self._store
            if index < len(store):
                row = store.row(index)
                mark = self._marks.get(row.get(self._mark_key)) if self._marks else None
                if mark:
                    strip = self._crop(self._marked_strip(row, mark, style), style)
                    self._line_cache[key] = strip
                    return strip
                line = self._row_text(row)
            elif index == 0:
                line = MARGIN + clean(self.empty_text)
                style = base + self.get_component_rich_style("resource-table--empty")
            else:
                return Strip.blank(width, base)
        strip = self._crop(Strip([Segment(line, style)], cell_len(line) if not line.isascii() else len(line)), style)
        self._line_cache[key] = strip
        return strip

    def _tone(self, index: int) -> str | None:
        """The tone a shown row takes from its tone column (None: no tone, or no such row)."""
        column = self._tone_column
        if column is None or column.tone is None or not 0 <= index < len(self._store):
            return None
        tone = column.tone(column.value(self._store.row(index)))
        return tone if tone in TONES else None

    def _column_starts(self) -> list[tuple[int, int]]:
        """(x in the whole line, width) of every column."""
        starts, position = [], len(MARGIN)
        for width in self._widths:
            starts.append((position, width))
            position += width + len(GAP)
        return starts

    def _scroll_room(self) -> int:
        """Cells of the view that scroll sideways (the frozen first column does not)."""
        return max(1, self.scrollable_content_region.width - self._frozen_width())

    def _frozen_width(self) -> int:
        """Cells that stay put when scrolled sideways: the margin, the first column and its gap (none when
        they would take the whole width)."""
        if len(self._widths) < 2:
            return 0
        frozen = len(MARGIN) + self._widths[0] + len(GAP)
        return frozen if frozen < self.scrollable_content_region.width // 2 + len(GAP) else 0

    def _crop(self, strip: Strip, style: Style) -> Strip:
        """The visible part of a whole line: the frozen first column, then the rest from the scroll offset."""
        width = self.scrollable_content_region.width
        scroll_x = self.scroll_offset.x
        frozen = self._frozen_width()
        if not scroll_x or not frozen:
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        left = strip.crop_extend(0, frozen, style)
        right = strip.crop_extend(frozen + scroll_x, scroll_x + width, style)
        return Strip.join([left, right])

    def _content_x(self, x: int) -> int:
        """The x in the whole line under a screen x (the frozen first column does not scroll)."""
        frozen = self._frozen_width()
        scroll_x = self.scroll_offset.x
        return x if x < frozen else x + scroll_x

    def _row_text(self, row: Row) -> str:
        """A row as one string of padded cells."""
        return MARGIN + GAP.join(
            [
                fit(column.text(row), width, column.align)
                for column, width in zip(self._store.columns, self._widths, strict=False)
            ]
        )

    def _marked_strip(self, row: Row, mark: RowMark, style: Style) -> Strip:
        """A marked row: its sign in the margin and its changed cells in the `--changed` style."""
        cells = [
            (column.key, fit(column.text(row), width, column.align))
            for column, width in zip(self._store.columns, self._widths, strict=False)
        ]
        segments = marked_segments(
            cells,
            mark,
            margin=MARGIN,
            gap=GAP,
            base=style,
            changed=self.get_component_rich_style("resource-table--changed", partial=True),
            added=self.get_component_rich_style("resource-table--added", partial=True),
        )
        return Strip(segments)

    def _header_text(self) -> str:
        """The column labels, with ▲/▼ on the sort column."""
        sort_key = self._store.sort_key
        arrow = " ▼" if self._store.sort_reverse else " ▲"
        cells = []
        for column, width in zip(self._store.columns, self._widths, strict=False):
            label = clean(column.label)
            if column.key == sort_key and width > len(arrow):
                if cell_len(label) + len(arrow) <= width:
                    cells.append(fit(label + arrow, width, column.align))
                else:  # truncate the label, never the arrow
                    cells.append(fit(label, width - len(arrow)) + arrow)
            else:
                cells.append(fit(label, width, column.align))
        return MARGIN + GAP.join(cells)

    # -- layout -------------------------------------------------------------------------------------------

    def _measure_columns(self) -> None:
        """Natural widths from the header and the first rows (see `widgets.column_fit`)."""
        store = self._store
        sample = [store.row_by_id(i) for i in range(min(WIDTH_SAMPLE, store.total))]
        self._natural = [natural_width(column, (column.text(row) for row in sample)) for column in store.columns]
        self._sampled = len(sample)
        self._layout_width = -1

    def _relayout(self) -> None:
        """Fit the natural widths to the screen (`widgets.column_fit.fit_widths`)."""
        available = self.scrollable_content_region.width
        self._layout_width = available
        self._widths = fit_widths(self._store.columns, self._natural, available)
        self._line_width = full_width(self._widths)
        self._line_cache.clear()
        self._update_virtual_size()
        overflows = self._line_width > available
        if overflows != self._overflows:
            self._overflows = overflows
            self.refresh_bindings()
        self.refresh()

    def _update_virtual_size(self) -> None:
        """Header plus one line per shown row (at least one, for the empty text); as wide as the line, or a
        little wider when the columns overflow, so that scrolled all the way a column starts beside the first
        one (`>` never leaves a column cut at the left edge)."""
        width = self._line_width
        available = self._layout_width
        if width > available and self._widths:
            frozen = self._frozen_width()
            aligned = [start - frozen for start, _ in self._column_starts() if start - frozen >= width - available]
            if aligned and min(aligned) + available >= width:
                width = min(aligned) + available
        self.virtual_size = Size(width, max(1, len(self._store)) + 1)

    def _column_at(self, x: int) -> str | None:
        """The key of the column under a content x (for header clicks)."""
        position = len(MARGIN)
        for column, width in zip(self._store.columns, self._widths, strict=False):
            if position <= x < position + width + len(GAP):
                return column.key
            position += width + len(GAP)
        return None

    # -- cursor and data bookkeeping -----------------------------------------------------------------------

    def _body_height(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _refresh_row(self, index: int) -> None:
        """Repaint the line of one shown row (row i is on virtual line i + 1)."""
        self.refresh_line(index + 1)

    def _scroll_cursor_into_view(self) -> None:
        """Scroll the least needed so the cursor row is under the header, on screen."""
        top = self.scroll_offset.y
        body = self._body_height()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, force=True)
        elif self._cursor >= top + body:
            self.scroll_to(y=self._cursor - body + 1, animate=False, force=True)

    def _post_highlighted(self) -> None:
        """Post RowHighlighted when the row under the cursor is not the one last announced."""
        if not len(self._store):
            self._highlighted_id = None
            return
        row_id = self._store.row_id(self._cursor)
        if row_id != self._highlighted_id:
            self._highlighted_id = row_id
            self.post_message(self.RowHighlighted(self, self._row_by_id(row_id)))

    def _row_by_id(self, row_id: int) -> Row:
        """A row as a dict, built once for the cursor row (the store builds a new dict on every call)."""
        cached = self._cursor_cache
        if cached is None or cached[0] != row_id:
            cached = self._cursor_cache = (row_id, self._store.row_by_id(row_id))
        return cached[1]

    def _identity(self, row_id: int) -> Any:
        """What names a row across refreshes: its `id`, else its first column's value (None: nothing)."""
        row = self._store.row_by_id(row_id)
        identity = row.get(IDENTITY_KEY)
        if identity is None and self._store.columns:
            identity = self._store.columns[0].value(row)
        return identity

    def _find_chosen(self, new_ids: range | None) -> int | None:
        """The visible position of the chosen row, looking for it among `new_ids` when the rows lost it."""
        store = self._store
        if self._chosen_id is None and new_ids is not None and self._chosen is not None and len(new_ids):
            key = IDENTITY_KEY
            if store.columns and store.row_by_id(new_ids.start).get(key) is None:
                key = store.columns[0].key  # rows without an id: their first column names them
            self._chosen_id = store.first_with(key, self._chosen, new_ids.start)
        return None if self._chosen_id is None else store.position_of(self._chosen_id)

    def _data_changed(self, *, new_ids: range | None = None, hidden_goes_to_top: bool = False) -> None:
        """After rows, filter or sort changed: put the cursor back on its row, on the same screen line when it
        was on screen, resize, repaint. `new_ids`: the rows just added (or all, after a replace)."""
        self._line_cache.clear()
        count = len(self._store)
        line = self._cursor - self.scroll_offset.y
        on_screen = self.is_mounted and 0 <= line < self._body_height()
        found = None
        if not count or self._chosen is _UNTOUCHED:
            self._cursor = 0
        else:
            found = self._find_chosen(new_ids)
            if found is not None:
                self._cursor = found
            else:  # not (yet) among the rows: the cursor keeps its place, and takes the row back when it comes
                self._cursor = 0 if hidden_goes_to_top else min(self._cursor, count - 1)
        if self.is_mounted:
            self._sync_view(keep_line=line if found is not None and on_screen else None)

    def _sync_view(self, keep_line: int | None = None) -> None:
        """Fit columns, scroll to the cursor (keeping it on screen line `keep_line` when given), announce its
        row, and index in idle steps (once mounted)."""
        self._layout_width = -1
        self._relayout()
        if keep_line is not None:
            top = max(0, min(self._cursor - keep_line, len(self._store) - self._body_height()))
            if top != self.scroll_offset.y:
                self.scroll_to(y=top, animate=False, force=True)
        self._scroll_cursor_into_view()
        self._post_highlighted()
        self._schedule_index()

    def _schedule_index(self) -> None:
        """Build the search text in small steps after the next paint, so rows show at once."""
        if self._store.index_pending and not self._index_scheduled:
            self._index_scheduled = True
            self.call_after_refresh(self._index_step)

    def _index_step(self) -> None:
        """One idle step of search-text building; reschedules itself until done."""
        self._index_scheduled = False
        if not self._store.build_index(INDEX_STEP):
            # After the next refresh again (not call_later, which would starve repaints until the end).
            self._schedule_index()

    def on_mount(self) -> None:
        """Lay out, announce and index rows given before the table was mounted (ScrollView's on_mount runs too)."""
        self._sync_view()
