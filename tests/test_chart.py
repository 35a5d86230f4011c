"""Charts of daily metrics: opened from a sparkline or the palette, read with the cursor, compared, switched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.pilot import Pilot

from screens.chart import ChartScreen
from screens.chart_metrics import ChartSubject, daily_records, metric
from screens.inner_org import InnerOrganizationScreen
from screens.messages import ShowChart
from screens.organization import OrganizationScreen
from screens.user import UserScreen
from tui.app import EiscopeApp
from tui.formatting import format_bytes, format_duration, parse_datetime
from tui.sandbox.server import Sandbox
from widgets.metric_chart import MetricChart, nice_ticks
from widgets.sparkline import MetricSparkline

from .test_app_browse import settle, walk

MakeApp = Callable[..., EiscopeApp]
CONTRACT = "totalCurrentContractComputeTimeSeconds"


def api_days(sandbox: Sandbox, inner_id: int) -> dict[date, dict[str, Any]]:
    """The inner organization's daily records as the API sends them, by day."""
    body = sandbox.world.inner_organization_info(inner_id)
    assert body is not None
    days = {}
    for record in body["dailyMetrics"]:
        moment = parse_datetime(record["date"])
        assert moment is not None
        days[moment.date()] = record
    return days


async def open_inner_org(pilot: Pilot[None]) -> InnerOrganizationScreen:
    """The first inner organization of the white label (tab 4, enter)."""
    await settle(pilot)
    await walk(pilot, "4", "enter")
    screen = pilot.app.screen
    assert isinstance(screen, InnerOrganizationScreen)
    return screen


async def open_chart(pilot: Pilot[None], key: str) -> ChartScreen:
    """Focus the metric's sparkline and press enter, as a person does after tabbing to it."""
    pilot.app.screen.query_one(f"#spark-{key}", MetricSparkline).focus()
    await walk(pilot, "enter")
    screen = pilot.app.screen
    assert isinstance(screen, ChartScreen)
    return screen


def readout(screen: ChartScreen) -> str:
    return screen.readout().plain


async def test_tab_reaches_a_sparkline_and_enter_opens_its_chart(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_inner_org(pilot)
        for _ in range(8):
            await pilot.press("tab")
            if isinstance(app.focused, MetricSparkline):
                break
        assert isinstance(app.focused, MetricSparkline)
        await walk(pilot, "down", "down")
        assert app.focused.metric_key == "totalStorageSizeBytes"
        await walk(pilot, "enter")
        assert isinstance(app.screen, ChartScreen)
        assert app.screen.metric_key == "totalStorageSizeBytes"
        await walk(pilot, "escape")
        assert isinstance(app.screen, InnerOrganizationScreen)


async def test_cursor_reads_out_the_days_value_from_the_api(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        inner = await open_inner_org(pilot)
        screen = await open_chart(pilot, CONTRACT)
        days = api_days(sandbox, inner.inner_id)
        chart = screen.query_one(MetricChart)
        last = max(days)
        assert chart.day == last
        await walk(pilot, "left", "left", "left")
        day = chart.day
        assert day is not None and (last - day).days == 3
        expected = days[day][CONTRACT]
        assert chart.values_at() == [float(expected)]
        assert f"{day:%Y-%m-%d}" in readout(screen)
        assert format_duration(expected) in readout(screen)
        limit = sandbox.world.inner_organization_info(inner.inner_id)["entitlementLimits"]["computeTimePerYear"]
        assert f"limit {format_duration(limit)}" in readout(screen)
        await walk(pilot, "home")
        assert chart.cursor == 0
        await walk(pilot, "end", "right")
        assert chart.day == last


async def test_range_keys_cycle_30_90_365_days(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        inner = await open_inner_org(pilot)
        screen = await open_chart(pilot, "totalStorageSizeBytes")
        days = sorted(api_days(sandbox, inner.inner_id))
        chart = screen.query_one(MetricChart)
        for expected in (30, 90, 365, 30):
            shown = min(expected, len(days))
            assert len(chart.days) == shown
            assert chart.days == days[-shown:]
            assert f"last {expected} days" in str(screen.query_one("#chart-title").render())
            await walk(pilot, "t")


async def test_range_follows_the_sparklines_range(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_inner_org(pilot)
        await walk(pilot, "t")
        screen = await open_chart(pilot, "totalUsers")
        assert screen.days == 90
        assert len(screen.query_one(MetricChart).days) == 90


async def test_d_switches_storage_between_total_and_daily_change(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        inner = await open_inner_org(pilot)
        screen = await open_chart(pilot, "totalStorageSizeBytes")
        chart = screen.query_one(MetricChart)
        await walk(pilot, "left")
        day = chart.day
        assert day is not None
        record = api_days(sandbox, inner.inner_id)[day]
        assert chart.values_at() == [float(record["totalStorageSizeBytes"])]
        await walk(pilot, "d")
        assert screen.metric_key == "storageChange"
        assert chart.day == day  # the cursor stays on its day
        change = record["storageBytesAdded"] - record["storageBytesDeleted"]
        assert chart.values_at() == [float(change)]
        assert format_bytes(change) in readout(screen)
        assert "per day" in str(screen.query_one("#chart-title").render())
        await walk(pilot, "d")
        assert screen.metric_key == "totalStorageSizeBytes"


async def test_d_switches_contract_compute_to_compute_per_day(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        inner = await open_inner_org(pilot)
        screen = await open_chart(pilot, CONTRACT)
        await walk(pilot, "d")
        chart = screen.query_one(MetricChart)
        assert screen.metric_key == "computeTimeSeconds"
        assert chart.day is not None
        assert chart.values_at() == [float(api_days(sandbox, inner.inner_id)[chart.day]["computeTimeSeconds"])]
        assert screen.subject.limit(screen.metric) is None  # a limit is a running total's


async def test_compare_with_another_inner_organization_from_the_palette(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        inner = await open_inner_org(pilot)
        screen = await open_chart(pilot, CONTRACT)
        other = next(row for row in sandbox.world.inner_organizations if row["id"] != inner.inner_id)
        await walk(pilot, "plus")
        await pilot.press(*other["name"][:7])
        await settle(pilot)
        await walk(pilot, "enter")
        assert app.screen is screen
        chart = screen.query_one(MetricChart)
        assert [line.label for line in chart.lines] == [inner.crumb, other["name"]]
        day = chart.day
        assert day is not None
        own = api_days(sandbox, inner.inner_id)[day][CONTRACT]
        theirs = api_days(sandbox, other["id"])[day][CONTRACT]
        assert chart.values_at() == [float(own), float(theirs)]
        assert format_duration(theirs) in readout(screen)
        assert other["name"] in str(screen.query_one("#chart-legend").render())
        await walk(pilot, "minus")
        assert len(chart.lines) == 1


async def test_compare_with_another_metric_of_the_same_unit(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        inner = await open_inner_org(pilot)
        screen = await open_chart(pilot, CONTRACT)
        assert all(other.unit == "seconds" for other in screen.comparable_metrics())
        assert "totalUsers" not in {other.key for other in screen.comparable_metrics()}
        await walk(pilot, "plus")
        await pilot.press(*"Contract GPU")
        await settle(pilot)
        await walk(pilot, "enter")
        chart = screen.query_one(MetricChart)
        assert [line.label for line in chart.lines] == ["Contract compute", "Contract GPU compute"]
        record = api_days(sandbox, inner.inner_id)[chart.day or date.min]
        gpu = record["totalCurrentContractGpuComputeTimeSeconds"]
        assert chart.values_at() == [float(record[CONTRACT]), float(gpu)]


async def test_palette_offers_a_chart_of_every_metric_of_the_screen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_inner_org(pilot)
        await walk(pilot, "ctrl+p")
        await pilot.press(*"Chart: Storage")
        await settle(pilot)
        await walk(pilot, "enter")
        assert isinstance(app.screen, ChartScreen)
        assert app.screen.metric_key == "totalStorageSizeBytes"


async def test_click_moves_the_cursor_to_the_day_under_the_mouse(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_inner_org(pilot)
        screen = await open_chart(pilot, "totalUsers")
        chart = screen.query_one(MetricChart)
        frame = chart._frame
        assert frame is not None
        left, right = frame
        await pilot.click(MetricChart, offset=(left + 1 + (right - left - 2) // 2, 5))
        await settle(pilot)
        assert 0 < chart.cursor < len(chart.days) - 1
        assert chart.cursor == chart.index_at(left + 1 + (right - left - 2) // 2)
        await pilot.click(MetricChart, offset=(right - 1, 5))
        assert chart.cursor == len(chart.days) - 1


async def test_usage_tab_sparkline_opens_the_white_labels_chart(make_app: MakeApp, sandbox: Sandbox) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "7")
        assert isinstance(app.screen, OrganizationScreen)
        app.screen.query_one("#spark-totalUsers", MetricSparkline).focus()
        await walk(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ChartScreen)
        daily = sorted(sandbox.world.whitelabel_metrics()["dailyMetrics"], key=lambda r: r["date"])
        assert screen.query_one(MetricChart).values_at() == [float(daily[-1]["totalUsers"])]


async def test_user_daily_metrics_open_a_chart_without_a_limit(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await walk(pilot, "5", "enter")
        assert isinstance(app.screen, UserScreen)
        subject = app.screen.chart_subject()
        assert subject is not None and subject.limits is None
        app.screen.switch_tab("user-daily")
        app.screen.query_one("#spark-totalProjects", MetricSparkline).focus()
        await walk(pilot, "enter")
        assert isinstance(app.screen, ChartScreen)
        assert "limit" not in readout(app.screen)


async def test_hostile_names_show_as_text_in_title_legend_and_readout(make_app: MakeApp, sandbox: Sandbox) -> None:
    body = sandbox.world.inner_organization_info(2001)
    assert body is not None
    name = "[@click=app.quit]Red[/] \x1b]52;c;ZXZpbA==\x07Team\x1b[2J"
    subject = ChartSubject(name, tuple(daily_records(body["dailyMetrics"])))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.post_message(ShowChart(subject, "totalUsers"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChartScreen)
        for widget in ("#chart-title", "#chart-legend"):
            shown = str(screen.query_one(widget).render())
            assert "[@click=app.quit]Red[/] Team" in shown and "\x1b" not in shown
        assert "[@click=app.quit]Red[/] Team" in readout(screen)


async def test_d_and_minus_are_offered_only_where_they_do_something(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_inner_org(pilot)
        screen = await open_chart(pilot, "totalUsers")
        assert screen.check_action("toggle_daily", ()) is None  # shown greyed: users have no daily twin here
        assert screen.check_action("remove_comparison", ()) is False
        screen.compare_metric("usersAdded")
        assert screen.check_action("remove_comparison", ()) is True


def test_hostile_names_are_cleaned_for_titles_and_legends() -> None:
    subject = ChartSubject("\x1b]52;c;ZXZpbA==\x1b\\Evil\x1b[2J\u202e Org", ())
    assert "\x1b" not in subject.name and "\u202e" not in subject.name
    assert "Evil" in subject.name


def test_records_that_do_not_validate_are_left_out(sandbox: Sandbox) -> None:
    good = sandbox.world.inner_organization_info(2001)["dailyMetrics"][0]
    assert len(daily_records([good, {**good, "date": "not a date"}, "junk"])) == 1


def test_limits_belong_to_running_totals() -> None:
    assert metric("totalStorageSizeBytes").limit_key == "totalStorage"
    assert metric("totalCurrentContractGpuComputeTimeSeconds").limit_key == "gpuComputeTimePerYear"
    assert metric("storageChange").limit_key is None
    assert metric("storageChange").counterpart == "totalStorageSizeBytes"


def test_value_ticks_are_round_in_the_unit_read() -> None:
    hours = nice_ticks(0, 2_059_615, 5, "seconds")
    assert all(tick % 3600 == 0 for tick in hours)
    assert hours[0] == 0 and hours[-1] >= 2_059_615
    gigabytes = nice_ticks(0, 76.3e9, 5, "bytes")
    assert all(tick % 1e9 == 0 for tick in gigabytes)
    assert nice_ticks(0, 12, 5, "count") == [0, 5, 10, 15]
    assert nice_ticks(0, 0, 5, "count") == [0, 1]  # a flat zero line still has whole-number ticks
