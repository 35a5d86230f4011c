"""`--since`: durations back from now and dates, one parser for every front end."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

import pytest

from tui.arg_types import since, watch_interval
from tui.periods import parse_since

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("12h", NOW - timedelta(hours=12)),
        ("2w", NOW - timedelta(days=14)),
        ("30m", NOW - timedelta(minutes=30)),
        (" 3D ", NOW - timedelta(days=3)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T06:30:00Z", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        ("2026-11-01T06:30", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    ],
)
def test_since_names_a_moment(text: str, start: datetime) -> None:
    assert parse_since(text).start(NOW) == start


@pytest.mark.parametrize("text", ["", "7", "d", "0d", "-3d", "7 days ago", "2026-13-01", "yesterday"])
def test_since_refuses_what_it_cannot_read_in_one_sentence(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r"duration|date"):
        since(text)


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("5m", 300), ("2 min", 120), ("1h", 3600)])
def test_watch_takes_an_interval(text: str, seconds: int) -> None:
    assert watch_interval(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["10s", "29s", "0m", "7d", "2026-11-01", "soon"])
def test_watch_refuses_less_than_thirty_seconds_or_what_is_not_an_interval(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        watch_interval(text)
