"""The reusable widgets, driven in a tiny App with the Pilot."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from textual import on
from textual.app import App, ComposeResult

from tui.formatting import format_bytes, format_count, format_duration, relative_age
from widgets import Breadcrumbs, Column, KeyValueCard, MetricSparkline, ResourceTable, UsageGauge
from widgets.breadcrumbs import fit_trail
from widgets.list_pane import ListPane
from widgets.sparkline import resample, sparkline_text

COLUMNS = [
    Column("id", "ID", align="right"),
    Column("name", "Name"),
    Column("email", "Email"),
    Column("projectCount", "Projects", align="right", format=format_count),
]

HOSTILE = "Evil\x1b]52;c;ZWNobyBwd25lZA==\x1b\\ [@click=app.quit]x[/] \x1b[2J\x9b31m\u202eCorp"


def users(count: int) -> list[dict[str, Any]]:
    return [
        {"id": i, "name": f"User {i:03d}", "email": f"user{i}@example.com", "projectCount": (i * 37) % 1000}
        for i in range(count)
    ]


class TableApp(App[None]):
    """One table with id "users"; remembers the messages it posts."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__()
        self.rows = rows
        self.selected: list[dict[str, Any]] = []
        self.highlighted: list[dict[str, Any]] = []
        self.quit_attempts = 0

    def compose(self) -> ComposeResult:
        yield ResourceTable(COLUMNS, id="users")

    def on_mount(self) -> None:
        table = self.query_one(ResourceTable)
        table.set_rows(self.rows)
        table.focus()

    @on(ResourceTable.RowSelected, "#users")
    def remember_selected(self, message: ResourceTable.RowSelected) -> None:
        self.selected.append(message.row)

    @on(ResourceTable.RowHighlighted, "#users")
    def remember_highlighted(self, message: ResourceTable.RowHighlighted) -> None:
        self.highlighted.append(message.row)

    def action_quit(self) -> None:  # type: ignore[override]
        """A hostile [@click=app.quit] must never get here."""
        self.quit_attempts += 1


def screen_lines(table: ResourceTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_table_shows_header_and_rows() -> None:
    app = TableApp(users(100))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        lines = screen_lines(table)
        assert lines[0].split() == ["ID", "Name", "Email", "Projects"]
        assert "User 000" in lines[1]
        assert "user0@example.com" in lines[1]
        assert table.row_count == 100
        assert table.total_count == 100
        assert app.highlighted == [app.rows[0]]


async def test_cursor_moves_with_j_k_and_G_and_stays_visible() -> None:
    app = TableApp(users(100))
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("j", "j", "k")
        assert table.cursor_row == app.rows[1]
        await pilot.press("G")
        assert table.cursor_row == app.rows[99]
        await pilot.pause()
        assert "User 099" in screen_lines(table)[-1]
        await pilot.press("g")
        assert table.cursor_index == 0
        await pilot.press("pagedown")
        assert table.cursor_index == 11  # a page: 12 lines less the header
        assert app.highlighted[-1] == app.rows[table.cursor_index]


async def test_enter_posts_row_selected_with_the_row() -> None:
    app = TableApp(users(20))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.selected == [app.rows[2]]


async def test_click_moves_cursor_and_second_click_opens() -> None:
    app = TableApp(users(20))
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.click(ResourceTable, offset=(5, 4))
        assert table.cursor_row == app.rows[3]
        await pilot.click(ResourceTable, offset=(5, 4))
        await pilot.pause()
        assert app.selected == [app.rows[3]]


async def test_filter_narrows_and_empty_text_shows() -> None:
    app = TableApp(users(100))
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_filter("user 04")
        await pilot.pause()
        assert table.row_count == 10
        assert table.total_count == 100
        assert "User 040" in screen_lines(table)[1]
        table.empty_text = "No users match 'xyz'"
        table.set_filter("xyz")
        await pilot.pause()
        assert table.cursor_row is None
        assert "No users match 'xyz'" in screen_lines(table)[1]


async def test_filter_keeps_cursor_on_its_row() -> None:
    app = TableApp(users(100))
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.move_cursor(42)
        table.set_filter("4")
        await pilot.pause()
        assert table.cursor_row == app.rows[42]


async def test_sort_changes_order_and_header_arrow() -> None:
    app = TableApp(users(50))
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.sort_by("projectCount", reverse=True)
        await pilot.pause()
        lines = screen_lines(table)
        assert "Projects ▼" in lines[0]
        counts = [app.rows[i]["projectCount"] for i in range(50)]
        assert table.cursor_index == 0  # nobody moved the cursor: it stays on the first row, whichever it is
        assert table.store.row(0)["projectCount"] == max(counts)
        table.move_cursor(5)
        chosen = table.cursor_row
        table.reverse_sort()
        await pilot.pause()
        assert table.cursor_row == chosen  # once moved, the cursor follows its row
        assert "Projects ▲" in screen_lines(table)[0]
        assert table.store.row(0)["projectCount"] == min(counts)
        table.cycle_sort()
        assert table.sort_key is None
        table.cycle_sort()
        assert table.sort_key == "id"


async def test_append_rows_keeps_cursor_on_same_row() -> None:
    rows = users(30)
    app = TableApp(rows[:20])
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.sort_by("projectCount")
        table.move_cursor(5)
        before = table.cursor_row
        table.append_rows(rows[20:])
        await pilot.pause()
        assert table.total_count == 30
        assert table.cursor_row == before


async def test_cursor_row_is_one_dict_equal_to_the_row_given() -> None:
    app = TableApp(users(30))
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("j")
        await pilot.pause()
        row = table.cursor_row
        assert row == app.rows[1]
        assert list(row or {}) == list(app.rows[1])
        assert table.cursor_row is row  # built once while the cursor stays
        assert app.highlighted[-1] is row
        table.set_rows(users(5)[::-1])  # new rows: row ids start again, the cached row must not survive
        await pilot.pause()
        assert table.cursor_row == users(5)[1]  # the same user (by id), now fourth
        assert table.cursor_index == 3
        assert app.highlighted[-1] == users(5)[1]


async def test_hostile_text_renders_literally_and_click_does_nothing() -> None:
    app = TableApp([{"id": 1, "name": HOSTILE, "email": "x@example.com", "projectCount": 1}])
    async with app.run_test(size=(120, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        strips = [table.render_line(y) for y in range(3)]
        text = "".join(strip.text for strip in strips)
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
        assert "[@click=app.quit]x[/]" in strips[1].text
        assert all(not segment.style or not segment.style.meta for strip in strips for segment in strip)
        # Click on the literal "[@click=app.quit]" text (the first click moves, the second opens the row).
        column = strips[1].text.index("[@click")
        await pilot.click(ResourceTable, offset=(column + 2, 1))
        await pilot.click(ResourceTable, offset=(column + 2, 1))
        await pilot.pause()
        assert app.quit_attempts == 0
        assert app.is_running


async def test_columns_fit_80_columns_with_ellipsis() -> None:
    long_name = "A very long organization name that goes on and on and on forever and ever"
    app = TableApp([{"id": 1, "name": long_name, "email": "e" * 60 + "@example.com", "projectCount": 3}])
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        line = screen_lines(app.query_one(ResourceTable))[1]
        assert len(line) == 80
        assert "…" in line
        assert line.rstrip().endswith("3")


async def test_fixed_width_columns_shrink_to_fit_80_columns() -> None:
    app = TableApp(users(5))
    async with app.run_test(size=(80, 6)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_columns(
            [Column("name", "Name", width=40), Column("email", "Email", width=40), Column("id", "ID", align="right")]
        )
        await pilot.pause()
        assert table.virtual_size.width <= 80
        assert screen_lines(table)[1].rstrip().endswith("0")


async def test_cursor_is_reverse_video_with_no_color(monkeypatch: Any) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = TableApp(users(5))
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        cursor_styles = {segment.style.reverse for segment in table.render_line(1) if segment.style}
        other_styles = {segment.style.reverse for segment in table.render_line(2) if segment.style}
        assert cursor_styles == {True}
        assert True not in other_styles


async def test_cursor_takes_its_row_back_when_a_refresh_pages_it_in_again() -> None:
    """A refresh replaces the rows with none, then pages arrive: the cursor's user comes back in the third."""
    rows = users(30)
    app = TableApp(rows)
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("j", "j", "j")
        chosen = table.cursor_row
        assert chosen == rows[3]
        table.set_rows([])
        for start in (20, 10, 0):  # pages in completion order, not offset order
            table.append_rows(rows[start : start + 10])
            await pilot.pause()
        assert table.cursor_row == chosen and table.cursor_index == 23
        assert table.scroll_offset.y <= 23 < table.scroll_offset.y + table.size.height - 1


async def test_rows_arriving_above_keep_a_moved_cursor_on_its_row_and_line_an_untouched_one_on_top() -> None:
    rows = users(60)
    app = TableApp(rows[40:])
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.sort_by("id")
        table.append_rows(rows[30:40])  # nobody moved the cursor: the first row, whichever it is
        await pilot.pause()
        assert table.cursor_index == 0 and table.cursor_row == rows[30]
        await pilot.press("j", "j", "j", "j")
        line = table.cursor_index - table.scroll_offset.y
        table.append_rows(rows[:30])  # thirty rows sort above the cursor's
        await pilot.pause()
        assert table.cursor_row == rows[34] and table.cursor_index == 34
        assert table.cursor_index - table.scroll_offset.y == line


WIDE = [Column("name", "Name"), *(Column(f"c{i}", f"Column {i}", width=12) for i in range(12))]


def wide_rows(count: int) -> list[dict[str, Any]]:
    return [{"id": n, "name": f"Org {n}", **{f"c{i}": f"r{n}c{i}" for i in range(12)}} for n in range(count)]


async def test_columns_keys_move_a_screenful_sideways_with_the_name_kept() -> None:
    app = TableApp(wide_rows(5))
    async with app.run_test(size=(80, 8)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_columns(WIDE)
        table.set_rows(wide_rows(5))
        table.focus()
        await pilot.pause()
        first = screen_lines(table)[0]
        shown = [label for label in (f"Column {i}" for i in range(12)) if label in first]
        await pilot.press("greater_than_sign")
        await pilot.pause()
        header = screen_lines(table)[0]
        assert header.split()[0] == "Name"  # the first column, naming the row, stays put
        assert f"Column {len(shown)}" in header.split("Name", 1)[1][:14]  # the next column now comes first
        for _ in range(3):
            await pilot.press("ctrl+right")
            after_name = screen_lines(table)[0].split("Name", 1)[1].lstrip()
            assert after_name.startswith("Column "), after_name  # never a column cut at the left edge
        assert table.scroll_offset.x == table.max_scroll_x
        assert "Column 11" in screen_lines(table)[0]
        for _ in range(4):
            await pilot.press("less_than_sign")
        assert table.scroll_offset.x == 0
        assert screen_lines(table)[0] == first


async def test_columns_keys_show_only_when_the_columns_do_not_fit() -> None:
    app = TableApp(users(3))
    async with app.run_test(size=(120, 8)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.pause()
        assert table.check_action("columns_right", ()) is False  # every column fits: no key to show
        table.set_columns(WIDE)
        await pilot.pause()
        assert table.check_action("columns_right", ()) is True
        assert "greater_than_sign" in app.screen.active_bindings


class ToneApp(App[None]):
    def compose(self) -> ComposeResult:
        table = ResourceTable([Column("name", "Name"), Column("state", "State", tone={"bad": "error"}.get)])
        table.set_rows(
            [
                {"id": 1, "name": "fine", "state": "good"},
                {"id": 2, "name": "broken", "state": "bad"},
                {"id": 3, "name": "x", "state": "good"},
            ]
        )
        yield table


async def test_a_column_tones_its_row_in_the_theme_error_colour() -> None:
    app = ToneApp()
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        toned = {segment.style for segment in table.render_line(2) if segment.style}
        plain = {segment.style for segment in table.render_line(3) if segment.style}
        error = app.theme_variables["text-error"]
        assert any(
            style.bold and style.color and style.color.triplet and style.color.triplet.hex == error.lower()
            for style in toned
        )
        assert not any(style.bold for style in plain)


class PreloadedApp(App[None]):
    """Rows, filter and sort given to the table before it is mounted."""

    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        table = ResourceTable(COLUMNS)
        table.set_rows(users(30))
        table.set_filter("user 01")
        table.sort_by("id", reverse=True)
        yield table

    def on_resource_table_row_highlighted(self, message: ResourceTable.RowHighlighted) -> None:
        self.highlighted.append(message.row)


async def test_rows_given_before_mount_show_and_highlight() -> None:
    app = PreloadedApp()
    async with app.run_test(size=(80, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        assert table.row_count == 10
        assert "User 019" in screen_lines(table)[1]
        assert [row["id"] for row in app.highlighted] == [19]


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ListPane([Column("name", "Name"), Column("email", "Email")], "users")


async def test_a_copied_row_is_valid_json_even_with_a_non_finite_number() -> None:
    """`1e400` in a body parses as inf: the row copied with `c` must still be JSON a script can read (null)."""
    app = PaneApp()
    async with app.run_test(size=(80, 12)) as pilot:
        pane = app.query_one(ListPane)
        pane.set_rows([{"name": "Kai", "email": "k@x", "usage": float("inf"), "trend": [1.5, float("nan")]}])
        pane.focus_table()
        await pilot.press("c")
        assert json.loads(app.clipboard, parse_constant=lambda name: pytest.fail(f"{name} in the copy")) == {
            "name": "Kai",
            "email": "k@x",
            "usage": None,
            "trend": [1.5, None],
        }


async def test_refresh_of_a_filtered_list_still_shows_the_match() -> None:
    """Issue 9 #1: `/kai`, enter, `r` said "No users match 'kai'" and "0 of 5 users"."""
    rows = [{"name": f"User {i}", "email": f"u{i}@x.test"} for i in range(4)] + [{"name": "Kai", "email": "k@x"}]
    app = PaneApp()
    async with app.run_test(size=(80, 12)) as pilot:
        pane = app.query_one(ListPane)
        pane.set_rows(rows)
        pane.focus_table()
        await pilot.press("slash", "k", "a", "i", "enter")
        assert pane.table.row_count == 1
        pane.set_rows(rows)  # the refresh
        await pilot.pause()
        assert pane.table.row_count == 1
        assert "Kai" in screen_lines(pane.table)[1]
        assert "1 of 5 users" in str(pane.query_one(".list-status").render())


class GaugeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Breadcrumbs(["Acme Edge AI", "Inner organizations", "Northwind \x1b[2JSensors"])
        yield UsageGauge("Users", 50, 100, format_count, id="ok")
        yield UsageGauge("Projects", 85, 100, format_count, id="warn")
        yield UsageGauge("Storage", 3e9, 2e9, format_bytes, id="alarm")
        yield UsageGauge("Compute", 1200, None, format_duration, id="nolimit")
        yield UsageGauge("Jobs", None, 10, id="unknown")
        yield MetricSparkline(
            "Compute time",
            [(date(2025, 11, 25) + timedelta(days=i), float(i % 10) * 3600) for i in range(365)],
            format_duration,
            id="spark",
        )
        yield KeyValueCard(
            "Northwind Sensors",
            [
                ("ID", 42),
                ("Created", datetime(2026, 11, 24, 13, 5, tzinfo=UTC)),
                ("Billable", False),
                ("Readme", None),
                ("Bucket", "s3://bucket/\x1b]52;c;Zm9v\x07path"),
            ],
        )


async def test_gauges_get_warn_and_alarm_classes() -> None:
    app = GaugeApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ok, warn, alarm = (app.query_one(f"#{name}", UsageGauge) for name in ("ok", "warn", "alarm"))
        assert not ok.has_class("-warn") and not ok.has_class("-alarm")
        assert warn.has_class("-warn") and not warn.has_class("-alarm")
        assert alarm.has_class("-alarm") and not alarm.has_class("-warn")
        assert alarm.value_text() == "3.0 GB / 2.0 GB (150%) over limit"
        assert "█" in str(alarm.render()) and "░" not in str(alarm.render())  # clamped: a full bar
        assert app.query_one("#nolimit", UsageGauge).value_text() == "20.0 min (no limit)"
        assert "█" not in str(app.query_one("#nolimit", UsageGauge).render())
        assert app.query_one("#unknown", UsageGauge).value_text() == "unknown / 10"
        ok.set_usage(100, 100)
        assert ok.has_class("-alarm")


async def test_sparkline_shows_last_min_max_and_period() -> None:
    app = GaugeApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        spark = app.query_one(MetricSparkline)
        rendered = str(spark.render())
        first, second = rendered.split("\n")
        assert first.startswith("Compute time")
        assert len(first) <= 80
        assert "█" in first and "▁" in first
        assert second == "last 4.0 h · min 0 s · max 9.0 h · Nov 25 2025 – Nov 24 2026"
        spark.set_points([])
        assert "no data" in str(spark.render())


def test_sparkline_resamples_to_width() -> None:
    assert resample([1, 2, 3, 4], 2) == [1.5, 3.5]
    assert resample([1, 2], 10) == [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]  # fewer values stretch across the line
    assert resample([1, 2, 3], 7) == [1, 1, 2, 2, 3, 3]
    assert sparkline_text([0, 7], 10) == "▁▁▁▁▁█████"
    assert len(sparkline_text(list(range(365)), 60)) == 60


def test_key_value_card_formats_values() -> None:
    card = KeyValueCard(
        "Organization",
        [
            ("Name", "Acme\x1b[2J Edge"),
            ("Created", datetime(2026, 11, 24, 13, 5, tzinfo=UTC)),
            ("White label", True),
            ("Readme", None),
        ],
    )
    assert card.lines == [
        ("Name", "Acme Edge"),
        ("Created", "2026-11-24 13:05 UTC"),
        ("White label", "yes"),
        ("Readme", "—"),
    ]
    card.update_rows([("Users", 12)])
    assert card.lines == [("Users", "12")]


def test_breadcrumbs_truncate_from_the_left() -> None:
    trail = ["Acme Edge AI", "Inner organizations", "Northwind Sensors"]
    assert fit_trail(trail, 80) == trail
    assert fit_trail(trail, 45) == ["…", "Inner organizations", "Northwind Sensors"]
    narrow = fit_trail(trail, 30)
    assert narrow[0] == "…" and narrow[-1] == "Northwind Sensors"
    assert fit_trail(["x" * 50], 10) == ["…" + "x" * 9]
    crumbs = Breadcrumbs(["Acme\x1b]0;pwned\x07 Edge AI"])
    assert crumbs.trail == ["Acme Edge AI"]


def test_formatting_helpers() -> None:
    assert format_bytes(1_234_567_890) == "1.2 GB"
    assert format_duration(45_000) == "12.5 h"
    assert format_count(12345) == "12,345"
    assert relative_age(720) == "12 min ago"


def test_table_snapshot(snap_compare: Any) -> None:
    assert snap_compare(TableApp(users(40)), terminal_size=(80, 24), press=["j", "j"])


def test_gauges_and_sparkline_snapshot(snap_compare: Any) -> None:
    assert snap_compare(GaugeApp(), terminal_size=(80, 24))
