"""What a list should show, kept by its screen, so a tab whose content is composed later shows what came before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from widgets.list_pane import ListPane

__all__ = ["ListState"]


@dataclass
class ListState:
    """What a list should show, kept by the screen so a tab composed later shows what arrived before it."""

    rows: list[dict[str, Any]] | None = None
    note: tuple[str, bool] | None = None
    error: tuple[str, str, str] | None = None

    def update(
        self,
        *,
        rows: list[dict[str, Any]] | None,
        note: tuple[str, bool] | None,
        error: tuple[str, str, str] | None,
    ) -> None:
        if rows is not None:
            self.rows, self.error = rows, None
        if note is not None:
            self.note = note
        if error is not None:
            self.error = error

    def apply(self, pane: ListPane, *, rows: bool = True, note: bool = True, error: bool = True) -> None:
        if rows and self.rows is not None:
            pane.set_rows(self.rows)
        if note and self.note is not None:
            pane.set_note(self.note[0], stale=self.note[1])
        if error and self.error is not None:
            pane.show_error(*self.error)
