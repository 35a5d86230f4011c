"""Marks in the lists: the rows and cells that changed since the last look, k9s-style, until looked at.

A list is given a mapping row key → `RowMark` (the keys of the columns that changed, or `NEW` for a row that
was not there). A marked row draws a sign in the margin (`+` new, `•` changed) and its changed cells in the
table's `--changed` style (the name cell of a new row in `--added`), so a mark reads without colour too
(NO_COLOR, a 16-colour terminal). The legend is `LEGEND`, shown in help. Rendering only: which rows changed is
decided by the screens (tui/api/changes.py `section_marks`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style

__all__ = ["CHANGED_SIGN", "LEGEND", "NEW", "NEW_SIGN", "RowMark", "marked_segments"]

RowMark = frozenset[str]
"""The column keys of a row that changed, or {NEW}."""
NEW = "+"
NEW_SIGN = "+"
CHANGED_SIGN = "•"
LEGEND: list[tuple[str, str]] = [
    (NEW_SIGN, "in the margin: new since the last look"),
    (CHANGED_SIGN, "in the margin: changed since the last look; the changed cells are coloured"),
    ("enter", "on a marked row: open it, which clears its mark (the next visit starts from this one)"),
]


def marked_segments(
    cells: Sequence[tuple[str, str]],
    mark: RowMark,
    *,
    margin: str,
    gap: str,
    base: Style,
    changed: Style,
    added: Style,
) -> list[Segment]:
    """A row's segments: the sign in place of the margin, then the cells (column key, fitted text), the
    changed ones (or a new row's first) in their style."""
    new = NEW in mark
    sign = (NEW_SIGN if new else CHANGED_SIGN).ljust(len(margin))[: len(margin)] if margin else ""
    segments = [Segment(sign, base + (added if new else changed))] if sign else []
    for index, (key, text) in enumerate(cells):
        if index:
            segments.append(Segment(gap, base))
        emphasis = (added if index == 0 else None) if new else (changed if key in mark else None)
        segments.append(Segment(text, base + emphasis if emphasis is not None else base))
    return segments
