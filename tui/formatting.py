"""Number, size, duration and date formatting: the one place that decides how a person reads a number.

A leaf module (pure Python, imports nothing of ours, no Textual) so the widgets, the screens, the headless
export and the tests all format alike. Conventions: bytes in SI units (1 kB = 1000 B) everywhere; a missing
value is "—". They never raise on odd input from the API: a value they cannot read is shown with `str()`
(cleaned by the caller), and an absurd one (1e300 seconds) compactly in scientific notation, never as a
screenful of digits: the raw value stays in the raw JSON.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

__all__ = [
    "EMPTY",
    "HUGE",
    "format_bytes",
    "format_count",
    "format_date",
    "format_datetime",
    "format_duration",
    "format_number",
    "format_percent",
    "format_period",
    "format_value",
    "parse_datetime",
    "relative_age",
]

EMPTY = "—"
"""What a missing value looks like everywhere."""

_BYTE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB")

HUGE = 1e15
"""From this magnitude on, a number is shown in scientific notation ("2.78e+296 h"): no real count, size
or duration gets there, and the digits of 1e300 would fill four lines."""


def _compact(value: float) -> str | None:
    """Scientific notation for an absurd magnitude ("1e+300"), None for a number to show plainly."""
    return f"{value:.3g}" if abs(value) >= HUGE else None


def _is_number(value: object) -> bool:
    """True for ints and finite floats, not for bools (which are their own thing in the UI)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def format_bytes(value: float | None) -> str:
    """Bytes as a short decimal size: 1234567 → "1.2 MB" (SI units, like Studio shows storage)."""
    if value is None or not _is_number(value):
        return EMPTY
    size = float(value)
    if abs(size) >= HUGE * 1000**3:  # beyond a thousand exabytes
        return f"{size:.3g} B"
    sign = "-" if size < 0 else ""
    size = abs(size)
    for unit in _BYTE_UNITS:
        if size < 1000 or unit == _BYTE_UNITS[-1]:
            if unit == "B":
                return f"{sign}{int(size)} B"
            return f"{sign}{size:.1f} {unit}"
        size /= 1000
    return f"{sign}{size:.1f} {_BYTE_UNITS[-1]}"  # pragma: no cover - the loop always returns


def format_duration(seconds: float | None) -> str:
    """Seconds as the largest sensible unit: 42 → "42 s", 750 → "12.5 min", 45000 → "12.5 h"."""
    if seconds is None or not _is_number(seconds):
        return EMPTY
    value = float(seconds)
    magnitude = abs(value)
    if magnitude < 60:
        return f"{value:.0f} s" if value == int(value) else f"{value:.1f} s"
    if magnitude < 3600:
        return f"{value / 60:.1f} min"
    hours = value / 3600
    return f"{_compact(hours) or format(hours, ',.1f')} h"


def format_count(value: float | None) -> str:
    """A count with thousands separators: 12345 → "12,345"."""
    if value is None or not _is_number(value):
        return EMPTY
    return _compact(value) or f"{value:,.0f}"


def format_number(value: float | None, digits: int = 1) -> str:
    """A number with separators, whole numbers without decimals: 1234.5 → "1,234.5", 12.0 → "12"."""
    if value is None or not _is_number(value):
        return EMPTY
    compact = _compact(value)
    if compact is not None:
        return compact
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def format_percent(fraction: float | None) -> str:
    """A ratio as a percentage: 0.873 → "87%" (not clamped: 1.5 → "150%")."""
    if fraction is None or not _is_number(fraction):
        return EMPTY
    return f"{_compact(fraction * 100) or format(fraction * 100, '.0f')}%"


def parse_datetime(value: object) -> datetime | None:
    """A datetime from the API's ISO strings ("2026-11-24T13:05:00.000Z"), epoch numbers or dates; else None.

    Naive datetimes are taken as UTC so that everything compares.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        text = value.strip()
        if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
            return None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|\+00:?00)\Z")


def format_datetime(value: object) -> str:
    """A moment as "2026-11-24 13:05 UTC" (always UTC, so two people read the same time)."""
    if isinstance(value, str) and _ISO_UTC.match(value):
        # The API's usual "2026-11-24T13:05:00.000Z": slice instead of parsing (tables format 100k of these).
        return f"{value[:10]} {value[11:16]} UTC"
    moment = parse_datetime(value)
    if moment is None:
        return EMPTY if value is None else str(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def format_date(value: object) -> str:
    """A day as "Nov 24 2026"."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%b %d %Y")
    if isinstance(value, str) and _ISO_UTC.match(value):
        return f"{_MONTHS[int(value[5:7]) - 1]} {value[8:10]} {value[:4]}"
    moment = parse_datetime(value)
    if moment is None:
        return EMPTY if value is None else str(value)
    return moment.astimezone(UTC).strftime("%b %d %Y")


def format_period(start: object, end: object) -> str:
    """A date range as "Nov 25 2025 – Nov 24 2026"."""
    return f"{format_date(start)} – {format_date(end)}"


def relative_age(value: datetime | float | None, now: datetime | None = None) -> str:
    """How long ago: a datetime, or an age in seconds (like `Fetched.age_s`), as "12 min ago"."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        moment = parse_datetime(value)
        assert moment is not None
        seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    elif _is_number(value):
        seconds = float(value)
    else:
        return EMPTY
    if seconds < 0:
        return "in the future"
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min ago"
    if seconds < 86400:
        return f"{seconds / 3600:.0f} h ago"
    if seconds < 86400 * 60:
        return f"{seconds / 86400:.0f} d ago"
    if seconds < 86400 * 730:
        return f"{seconds / (86400 * 30.44):.0f} mo ago"
    return f"{seconds / (86400 * 365.25):.0f} y ago"


def format_value(value: object) -> str:
    """The default way to show any API value: None → "—", bools → yes/no, moments in UTC, numbers plainly.

    Numbers get no thousands separators here because ids are numbers too; use `format_count` for counts.
    The result is not cleaned: callers pass it through `tui.safe_text.clean`.
    """
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format_number(value, digits=2) if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(format_value(item) for item in value)
    if isinstance(value, int) and abs(value) >= 10**21:  # ids are numbers too, but none this long
        return f"{value:.3g}"
    return str(value)
