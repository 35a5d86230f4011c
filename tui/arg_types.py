"""Argument types shared by the `eiscope` command and `eiscope sandbox` (light: no sandbox, no network)."""

from __future__ import annotations

import argparse
from datetime import date

__all__ = ["iso_date"]


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
