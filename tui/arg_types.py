"""Argument types shared by the `eiscope` command and `eiscope sandbox` (light: no sandbox, no network)."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.periods import Since

__all__ = ["MIN_WATCH", "iso_date", "positive_int", "since", "watch_interval"]

MIN_WATCH = timedelta(seconds=30)
"""The shortest `--watch`: a refresh reads every list and the whole fleet again."""


def iso_date(text: str) -> date:
    """`--today`: a calendar date, YYYY-MM-DD, not before the sandbox world's epoch (its history starts there)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD, not {text!r}") from None
    from tui.sandbox.landmarks import EPOCH  # a leaf of constants: the sandbox itself is not imported

    if day < EPOCH:
        raise argparse.ArgumentTypeError(
            f"must be {EPOCH.isoformat()} or later (the sandbox world starts then), not {text}"
        )
    return day


def since(text: str) -> Since:
    """`--since`: a duration back from now (`7d`) or a date (`YYYY-MM-DD`)."""
    try:
        from tui.periods import parse_since  # when a --since is given: a browse does not pay for it

        return parse_since(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive_int(text: str) -> int:
    """A count or a number of seconds: a whole number of at least 1."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def watch_interval(text: str) -> timedelta:
    """`--watch`: how often to refresh, 30 s at least (`30s`, `5m`, `1h`)."""
    try:
        from tui.periods import parse_interval  # when a --watch is given, as above

        interval = parse_interval(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if interval < MIN_WATCH:
        raise argparse.ArgumentTypeError(f"must be at least 30s (each refresh reads the whole fleet), not {text!r}")
    return interval
