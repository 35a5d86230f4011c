"""API numbers in the units the schema gives them, shown as a person reads them; None when a value is absent."""

from __future__ import annotations

from typing import Any

from tui.formatting import format_bytes, format_count, format_duration


def number(value: Any) -> float | None:
    """A real number from the API (bools are not numbers here), else None."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def seconds(value: Any) -> str | None:
    """CPU and GPU compute time are in seconds."""
    amount = number(value)
    return None if amount is None else format_duration(amount)


def minutes(value: Any) -> str | None:
    """Total compute time and the job time limit are in minutes."""
    amount = number(value)
    return None if amount is None else format_duration(amount * 60)


def size(value: Any) -> str | None:
    amount = number(value)
    return None if amount is None else format_bytes(amount)


def plain(value: Any) -> str | None:
    """A number whose unit the schema does not state (compute limits): no unit is invented."""
    amount = number(value)
    return None if amount is None else format_count(amount)
