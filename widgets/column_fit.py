"""How wide each column of a ResourceTable is: natural widths from the data, fitted to the screen.

Pure functions (no Textual), so the rules can be tested on their own: `natural_width` measures one column from
its label and a sample of its cells; `fit_widths` fits them all to the room there is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.cells import cell_len

from tui.formatting import format_date, format_datetime
from tui.safe_text import clean
from widgets.column import Column

__all__ = [
    "FIRST_COLUMN_FLOOR",
    "GAP",
    "KEEP_SHARE",
    "MARGIN",
    "MAX_AUTO_WIDTH",
    "MIN_SHRUNK_WIDTH",
    "SHORT_COLUMN",
    "fit_widths",
    "full_width",
    "natural_width",
]

MAX_AUTO_WIDTH = 40
"""Widest a column gets from its data alone, so one long name does not push the others off screen."""
MIN_SHRUNK_WIDTH = 8
"""Narrowest a column gets when the table squeezes columns to fit the screen (or its label, if wider)."""
KEEP_SHARE = 0.6
"""A column keeps at least this share of its natural width: columns that would not fit scroll off to the right
(in the order given, so the most useful columns come first) rather than all becoming unreadable."""
SHORT_COLUMN = 12
"""Columns this narrow (counts, ids, tiers) are never shrunk."""
FIRST_COLUMN_FLOOR = 20
"""The first column (the name) keeps at least this much; the table scrolls sideways before it shrinks further."""
GAP = " "
"""Between two cells."""
MARGIN = " "
"""Before the first cell."""

_DATE_WIDTHS: dict[Callable[[Any], str], int] = {
    format_date: len("Nov 24 2026"),
    format_datetime: len("2026-11-24 13:05 UTC"),
}
"""Columns shown with a date formatter: the width of a whole date. A cut date says nothing ("Nov 11 202")."""


def date_width(column: Column) -> int | None:
    """The width of a whole date when the column shows dates, else None."""
    return _DATE_WIDTHS.get(column.format) if column.format is not None else None


def natural_width(column: Column, cells: Iterable[str]) -> int:
    """The width a column wants: its fixed width, or the widest of its label (plus room for the sort arrow)
    and its cells, capped at MAX_AUTO_WIDTH; a date column at least a whole date, even when the sampled rows
    have none."""
    if column.width is not None:
        return column.width
    widest = cell_len(clean(column.label)) + 2
    for text in cells:
        size = len(text) if text.isascii() else cell_len(text)
        if size > widest:
            widest = size
    return max(min(widest, MAX_AUTO_WIDTH), date_width(column) or 0)


def full_width(widths: Sequence[int]) -> int:
    """The width of a line of cells with these widths (margin and gaps included)."""
    return len(MARGIN) + sum(widths) + len(GAP) * max(0, len(widths) - 1)


def _floor(index: int, width: int, column: Column) -> int:
    """The narrowest a column may be squeezed to (never more than its natural width)."""
    if index == 0:
        return min(width, FIRST_COLUMN_FLOOR)
    if not column.shrink:
        return width
    whole_date = date_width(column)
    if whole_date is not None:  # a whole date and the label; the sort arrow's room may go
        return min(width, max(whole_date, cell_len(column.label)))
    if width <= SHORT_COLUMN:
        return width
    return min(width, max(MIN_SHRUNK_WIDTH, cell_len(column.label), math.ceil(width * KEEP_SHARE)))


def fit_widths(columns: Sequence[Column], natural: Sequence[int], available: int) -> list[int]:
    """Fit natural widths to `available` cells: a last text column takes the rest; when too wide, the widest
    columns sized from data shrink a cell at a time, then fixed-width ones too (an 80-column terminal beats a
    fixed width), never below a readable floor (the first column, usually the name, keeps more; dates and
    short columns keep all). What still does not fit scrolls sideways."""
    widths = list(natural)
    if not widths:
        return widths
    excess = full_width(widths) - available
    last = columns[-1] if len(columns) == len(widths) else None
    if excess < 0 and last is not None and last.width is None and last.align == "left":
        widths[-1] += -excess  # a number stays by its neighbours
        return widths
    floors = [_floor(i, width, column) for i, (width, column) in enumerate(zip(widths, columns, strict=False))]
    floors.extend(widths[len(floors) :])
    for fixed_too in (False, True):
        while excess > 0:
            shrinkable = [
                i
                for i, w in enumerate(widths)
                if w > floors[i] and (fixed_too or i >= len(columns) or columns[i].width is None)
            ]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i] - floors[i])
            widths[widest] -= 1
            excess -= 1
    return widths
