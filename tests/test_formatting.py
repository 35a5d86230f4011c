"""tui/formatting: one convention for numbers a person reads; absurd values stay short."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

from tui.formatting import (
    EMPTY,
    format_bytes,
    format_count,
    format_duration,
    format_number,
    format_percent,
    format_value,
)


def test_bytes_use_si_units() -> None:
    assert format_bytes(999) == "999 B"
    assert format_bytes(1000) == "1.0 kB"
    assert format_bytes(1_500_000) == "1.5 MB"
    assert format_bytes(54_406_866_075_218) == "54.4 TB"
    assert format_bytes(-2_000_000_000) == "-2.0 GB"


def test_absurd_values_are_shown_compactly_not_as_a_screen_of_digits() -> None:
    """Issue 9 #18: a compute of 1e300 s filled four lines with digits."""
    assert format_duration(1e300) == "2.78e+296 h"
    assert format_duration(-1e300) == "-2.78e+296 h"
    assert format_bytes(1e300) == "1e+300 B"
    assert format_count(1e300) == "1e+300"
    assert format_count(10**40) == "1e+40"
    assert format_number(1e300) == "1e+300"
    assert format_percent(1e300) == "1e+302%"
    assert format_value(1e300) == "1e+300"
    assert format_value(10**300) == "1e+300"
    for text in (format_duration(1e300), format_bytes(1e300), format_count(1e300), format_value(10**300)):
        assert len(text) <= 12


def test_big_but_real_values_keep_their_digits() -> None:
    assert format_count(123_456_789_012) == "123,456,789,012"
    assert format_duration(3600 * 1_000_000) == "1,000,000.0 h"
    assert format_value(12_345_678_901_234) == "12345678901234"  # ids are numbers too


def test_values_that_are_not_numbers_are_a_dash() -> None:
    for formatter in (format_bytes, format_count, format_duration, format_number, format_percent):
        assert formatter(math.nan) == EMPTY
        assert formatter(math.inf) == EMPTY
        assert formatter(None) == EMPTY
        assert formatter(True) == EMPTY


def test_formatting_is_a_leaf_without_textual() -> None:
    code = (
        "import sys, tui.formatting\n"
        "print(sorted(m for m in sys.modules if m.startswith(('textual', 'rich', 'widgets', 'screens'))))"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
