"""Rows of a list validated one by one: a row that fails validation never loses the page it came in.

A list field declared `Annotated[list[Model | UnreadableRow], rows_of(Model)]` validates the whole list at
once (pydantic's fast path); only when that fails is each row validated on its own, and a bad one becomes an
`UnreadableRow` (tui/api/row_marks.py): what could be read of it and why the rest could not. The pager shows it
marked, the status line counts it, and export skips it with a count on stderr.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, PlainValidator, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from tui.api.row_marks import UnreadableRow

__all__ = ["UnreadableRow", "rows_of", "unreadable"]

CHUNK = 200
"""Rows validated in one call (a few milliseconds each)."""


def _problem(exc: ValidationError) -> str:
    """'created: Input should be a valid datetime (and 1 more)': the first bad field, as the body checks say."""
    first = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "row"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def unreadable(raw: Any, problem: str) -> UnreadableRow:
    """What can be read of a bad row: an integer id and a text name, when the row has them."""
    if not isinstance(raw, dict):
        return UnreadableRow(problem=f"not an object ({type(raw).__name__})")
    row_id = raw.get("id")
    name = raw.get("name")
    return UnreadableRow(
        problem=problem,
        id=row_id if isinstance(row_id, int) and not isinstance(row_id, bool) else None,
        name=name if isinstance(name, str) else None,
    )


def rows_of(model: type[BaseModel]) -> PlainValidator:
    """The validator of a list of `model` rows in which a bad row is kept as an UnreadableRow."""
    whole = TypeAdapter(list[model])  # type: ignore[valid-type]

    def validate(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise PydanticCustomError("list_type", "Input should be a valid list")
        try:
            # A chunk at a time: pydantic holds the GIL for a whole call, and a page of 1,000 jobs decoded in a
            # thread would hold the event loop's thread off for that long.
            return [
                row
                for start in range(0, len(value), CHUNK)
                for row in whole.validate_python(value[start : start + CHUNK])
            ]
        except ValidationError:
            pass
        rows: list[Any] = []
        for item in value:
            try:
                rows.append(model.model_validate(item))
            except ValidationError as exc:
                rows.append(unreadable(item, _problem(exc)))
        return rows

    return PlainValidator(validate)
