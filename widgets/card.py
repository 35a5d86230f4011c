"""KeyValueCard: a titled block of aligned "key  value" lines, for an organization's or user's details."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from tui.formatting import EMPTY, format_datetime, format_value, parse_datetime
from tui.safe_text import clean

__all__ = ["KeyValueCard", "card_value"]


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def card_value(value: object) -> str:
    """How a card shows a value: None → "—", bools → yes/no, datetimes in UTC, the rest cleaned (one line)."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            return format_datetime(moment)
    text = clean(format_value(value))
    return text if text else EMPTY


class KeyValueCard(Widget):
    """A title line, then one line per (key, value) with the values aligned in one column."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-value-card--title",
        "key-value-card--key",
        "key-value-card--value",
    }

    DEFAULT_CSS = """
    KeyValueCard {
        height: auto;
        & > .key-value-card--title { text-style: bold; }
        & > .key-value-card--key { color: $text-muted; }
    }
    """

    def __init__(
        self,
        title: str = "",
        rows: Sequence[tuple[str, object]] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._title = clean(title)
        self._rows: list[tuple[str, str]] = self._prepare(rows)

    @staticmethod
    def _prepare(rows: Sequence[tuple[str, object]]) -> list[tuple[str, str]]:
        """Clean keys and format values once, not on every paint."""
        return [(clean(key), card_value(value)) for key, value in rows]

    @property
    def title(self) -> str:
        """The title line ("" for none)."""
        return self._title

    @property
    def lines(self) -> list[tuple[str, str]]:
        """The (key, displayed value) pairs."""
        return list(self._rows)

    def update_rows(self, rows: Sequence[tuple[str, object]]) -> None:
        """Show other values (the height follows the number of rows)."""
        self._rows = self._prepare(rows)
        self.refresh(layout=True)

    def set_title(self, title: str) -> None:
        """Change the title."""
        self._title = clean(title)
        self.refresh(layout=True)

    def render(self) -> Text:
        """Title, then keys padded to the widest key, then values: one line each, a long value cut with "…"
        to the width there is (a Logo URL must not push the card off screen, nor vanish)."""
        key_style = self.get_component_rich_style("key-value-card--key")
        value_style = self.get_component_rich_style("key-value-card--value")
        key_width = max((cell_len(key) for key, _ in self._rows), default=0)
        lines = []
        if self._title:
            lines.append(Text(self._title, self.get_component_rich_style("key-value-card--title"), end=""))
        for key, value in self._rows:
            line = Text(end="")
            line.append(key + " " * (key_width - cell_len(key) + 2), key_style)
            line.append(value, value_style)
            lines.append(line)
        width = self.outer_size.width - self.styles.gutter.width  # `size` asks the compositor: slow at first paint
        if width > 0:
            for line in lines:
                line.truncate(width, overflow="ellipsis")
        return Text("\n", end="", no_wrap=True, overflow="ellipsis").join(lines)
