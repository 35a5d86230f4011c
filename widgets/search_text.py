"""What the filter searches: a column's display text for many rows at once, as `Column.text` would show it.

Plain Python (no Textual). The row store lowercases and joins these texts into one haystack per row.
"""

from __future__ import annotations

from typing import Any

from tui.formatting import format_value
from tui.safe_text import clean
from widgets.column import Column

__all__ = ["search_texts"]


def _search_text(value: Any) -> str:
    """A value's display text as a filter sees it (before lowercasing), for columns without a format."""
    kind = type(value)
    if kind is str:
        return clean(value)
    if kind is int:
        return str(value)
    if value is None:
        return ""
    return clean(format_value(value))


def search_texts(column: Column, values: list[Any]) -> list[str]:
    """The display text of one column for many rows, as the filter searches it (`values` is given away)."""
    formatter = column.format
    if formatter is not None:
        return [clean(formatter(value)) for value in values]
    kinds = set(map(type, values))
    if kinds <= {str, type(None)}:
        texts = values if type(None) not in kinds else ["" if value is None else value for value in values]
        # Text from the API rarely has anything to clean: one look at the whole column says so (`clean`
        # changes any text that has a control character, and a space joins nothing it would change).
        joined = " ".join(texts)
        return texts if clean(joined) == joined else list(map(clean, texts))
    if kinds == {int}:
        return list(map(str, values))
    return list(map(_search_text, values))
