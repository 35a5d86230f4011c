"""`--since 7d|2026-11-01`: a point in the past given as a duration back from now or as a date (UTC).

One parser for every front end that looks back in time: `eiscope export changes --since`, `export compute
--since`, the Changes view and the `:` command line. Pure Python (the data layer and the screens both use it).
`parse_interval` reads how often something repeats (`--watch 5m`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

__all__ = ["Since", "parse_interval", "parse_since"]

_DURATION = re.compile(r"^\s*(\d{1,6})\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400}
_INTERVAL = re.compile(r"^\s*(\d{1,6})\s*(s|m|min|h)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Since:
    """A duration back from now (`7d`) or a moment (`2026-11-01`, midnight UTC); `text` as the user wrote it."""

    text: str
    back: timedelta | None = None
    moment: datetime | None = None

    def start(self, now: datetime | None = None) -> datetime:
        """The moment this names, as an aware UTC datetime."""
        if self.moment is not None:
            return self.moment
        now = now or datetime.now(UTC)
        return now - (self.back or timedelta(0))


def parse_since(text: str) -> Since:
    """`30m`, `12h`, `7d`, `2w`, `YYYY-MM-DD` or an ISO date and time; ValueError with a sentence otherwise."""
    cleaned = text.strip()
    found = _DURATION.match(cleaned)
    if found:
        amount, unit = int(found.group(1)), found.group(2).lower()
        if amount == 0:
            raise ValueError(f"a duration must be more than zero, not {text!r}")
        return Since(cleaned, back=timedelta(seconds=amount * _UNIT_SECONDS[unit]))
    try:
        if len(cleaned) == 10:
            day = date.fromisoformat(cleaned)
            return Since(cleaned, moment=datetime.combine(day, time(0), tzinfo=UTC))
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"must be a duration (30m, 12h, 7d, 2w) or a date (YYYY-MM-DD), not {text!r}") from None
    return Since(cleaned, moment=moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def parse_interval(text: str) -> timedelta:
    """`30s`, `5m`, `1h`: how often; ValueError with a sentence otherwise (zero included)."""
    found = _INTERVAL.match(text)
    if not found or int(found.group(1)) == 0:
        raise ValueError(f"must be a duration such as 30s, 5m or 1h, not {text!r}")
    return timedelta(seconds=int(found.group(1)) * _UNIT_SECONDS[found.group(2).lower()])
