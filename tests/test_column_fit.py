"""Column widths: natural widths from the data, fitted to the screen; the name stays when scrolling sideways."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.formatting import format_date
from widgets.column_fit import FIRST_COLUMN_FLOOR, MAX_AUTO_WIDTH, fit_widths, full_width, natural_width
from widgets.resource_table import ResourceTable
from widgets.row_store import Column

NAME = Column("name", "Name")
EMAIL = Column("email", "Email")
CREATED = Column("created", "Created", format=format_date)
LAST_ACCESS = Column("lastAccess", "Last access", format=format_date)
ID = Column("id", "ID", align="right")


def test_natural_width_is_the_widest_cell_or_label_capped() -> None:
    assert natural_width(NAME, ["Ada", "Grace Hopper"]) == len("Grace Hopper")
    assert natural_width(NAME, []) == len("Name") + 2  # room for the sort arrow
    assert natural_width(NAME, ["x" * 100]) == MAX_AUTO_WIDTH
    assert natural_width(Column("n", "N", width=7), ["x" * 100]) == 7


def test_a_date_column_fits_a_whole_date_even_when_the_sample_has_none() -> None:
    assert natural_width(CREATED, ["", ""]) == len("Nov 11 2025")


def test_a_last_text_column_takes_the_rest() -> None:
    widths = fit_widths([ID, NAME], [4, 10], 40)
    assert full_width(widths) == 40 and widths[0] == 4


def test_a_last_number_column_stays_by_its_neighbours() -> None:
    assert fit_widths([NAME, ID], [10, 4], 40) == [10, 4]


def test_too_wide_shrinks_the_widest_but_keeps_name_floor_and_dates() -> None:
    natural = [36, 40, 11, 13]  # "Last access" + room for the sort arrow
    widths = fit_widths([NAME, EMAIL, CREATED, LAST_ACCESS], natural, 60)
    assert widths[2:] == [11, 11]  # dates keep the year
    assert widths[0] >= FIRST_COLUMN_FLOOR
    assert widths[1] >= 24  # keeps 60 % of its natural width; the rest scrolls sideways
    assert full_width(widths) > 60


def test_fixed_widths_shrink_only_after_the_others() -> None:
    fixed = Column("name", "Name", width=30)
    widths = fit_widths([fixed, EMAIL], [30, 30], 55)
    assert widths[0] == 30 and widths[1] < 30
    assert full_width(widths) == 55


def test_empty_columns_fit_to_nothing() -> None:
    assert fit_widths([], [], 80) == []


ROWS = [
    {
        "name": f"Person {i}",
        "email": f"person{i}@example-company.com",
        "lastAccess": "2025-11-11T10:00:00.000Z",
        "created": "2025-11-11T10:00:00.000Z",
        "id": 12345 + i,
        "note": "x" * 30,
    }
    for i in range(5)
]


class WideApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTable([NAME, EMAIL, LAST_ACCESS, CREATED, ID, Column("note", "Note")])


def lines(table: ResourceTable) -> list[str]:
    return [table.render_line(y).text for y in range(3)]


async def test_scrolling_right_keeps_the_name_column_and_whole_dates() -> None:
    app = WideApp()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_rows(ROWS)
        await pilot.pause()
        before = lines(table)
        assert before[1].startswith(" Person 0 ")
        table.scroll_to(x=table.max_scroll_x, animate=False, force=True)
        await pilot.pause()
        after = lines(table)
        assert after[0].startswith(" Name ")
        assert after[1].startswith(" Person 0 ")
        assert "Nov 11 2025" in after[1] and "12345" in after[1] and "xxx" in after[1]
        assert after[0].split()[1] == "Last"  # scrolled all the way, a whole column starts beside the name
        assert after != before  # the cached lines were not reused after the sideways scroll


async def test_header_click_after_scrolling_sorts_the_column_under_the_mouse() -> None:
    app = WideApp()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_rows(ROWS)
        await pilot.pause()
        table.scroll_to(x=table.max_scroll_x, animate=False, force=True)
        await pilot.pause()
        header = lines(table)[0]
        await pilot.click(ResourceTable, offset=(header.index("ID"), 0))
        assert table.sort_key == "id"
        await pilot.click(ResourceTable, offset=(2, 0))
        assert table.sort_key == "name"


async def test_cached_lines_follow_the_cursor_and_the_data() -> None:
    app = WideApp()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_rows(ROWS)
        table.focus()
        await pilot.pause()
        first = table.render_line(1)
        assert table.render_line(1) is first  # from the cache
        await pilot.press("j")
        assert table.render_line(1) is not first  # the cursor left: drawn again, in another style
        assert table.render_line(1).text == first.text
        table.set_rows([{**ROWS[0], "name": "Renamed"}])
        await pilot.pause()
        assert "Renamed" in table.render_line(1).text
