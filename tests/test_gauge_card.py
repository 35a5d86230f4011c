"""Gauges share one bar width and say what a limit means; cards cut a long value with "…"."""

from __future__ import annotations

import math

from textual.app import App, ComposeResult
from textual.containers import Vertical

from tui.formatting import format_bytes, format_count, format_duration
from widgets.card import KeyValueCard
from widgets.gauge import UsageGauge

LOGO = "https://cdn.example.com/" + "very-long-path/" * 12 + "logo.png"


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical(id="panel"):
            yield UsageGauge("Users", 5, 100, format_count, id="low")
            yield UsageGauge("Projects", 1592, 100, format_count, id="high")
            yield UsageGauge("Jobs", 3, 3, format_count, id="at")
            yield UsageGauge("Storage", 1e9, 0, format_bytes, id="zero")
            yield UsageGauge("Seats", 12, -1, format_count, id="negative")
            yield UsageGauge("GPU", 12, math.nan, format_count, id="nan")
            yield UsageGauge("CPU", 1e300, 3600, format_duration, id="absurd")
            yield UsageGauge("Other", 7, None, format_count, id="none")
            yield UsageGauge("Compute (CPU+3×GPU)", 50, 100, format_count, id="long-label")
        yield KeyValueCard("Organization", [("Name", "Acme"), ("Logo", LOGO)], id="card")


def bar_cells(gauge: UsageGauge) -> int:
    rendered = str(gauge.render())
    return rendered.count("█") + rendered.count("░")


async def test_all_bars_of_a_panel_share_one_width() -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        low, high = app.query_one("#low", UsageGauge), app.query_one("#high", UsageGauge)
        assert bar_cells(low) == bar_cells(high) > 0
        assert str(high.render()).count("░") == 0  # clamped: a full bar
        assert str(low.render()).index("5 / 100") == str(high.render()).index("1,592 / 100")


async def test_exactly_at_the_limit_says_at_limit_and_above_says_over() -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        at = app.query_one("#at", UsageGauge)
        assert at.value_text() == "3 / 3 (100%) at limit"
        assert at.has_class("-alarm")
        at.set_usage(4, 3)
        assert at.value_text() == "4 / 3 (133%) over limit"
        assert app.query_one("#high", UsageGauge).value_text().endswith("over limit")


async def test_a_limit_that_means_nothing_gets_no_bar_and_says_so() -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        texts = {name: app.query_one(f"#{name}", UsageGauge).value_text() for name in ("zero", "negative", "nan")}
        assert texts == {
            "zero": "1.0 GB (limit not set)",
            "negative": "12 (limit not set)",
            "nan": "12 (limit not set)",
        }
        assert app.query_one("#none", UsageGauge).value_text() == "7 (no limit)"
        for name in ("zero", "negative", "nan", "none"):
            gauge = app.query_one(f"#{name}", UsageGauge)
            assert bar_cells(gauge) == 0
            assert gauge.fraction is None
            assert not gauge.has_class("-alarm")


async def test_an_absurd_usage_is_shown_compactly() -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = app.query_one("#absurd", UsageGauge).value_text()
        assert text == "2.78e+296 h / 1.0 h (2.78e+298%) over limit"
        assert len(text) < 60


async def test_a_long_card_value_is_cut_with_an_ellipsis_not_blank() -> None:
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        card = app.query_one("#card", KeyValueCard)
        lines = str(card.render()).split("\n")
        assert len(lines) == 3
        assert lines[2].startswith("Logo  https://cdn.example.com/very-long-path/")
        assert lines[2].endswith("…")
        assert len(lines[2]) == card.size.width == 80
        assert card.size.height == 3


async def test_a_long_label_does_not_move_its_bar() -> None:
    app = PanelApp()
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        low, long = app.query_one("#low", UsageGauge), app.query_one("#long-label", UsageGauge)
        first_cell = str(low.render()).index("█")
        assert str(long.render()).index("█") == first_cell
        assert bar_cells(long) == bar_cells(low)
