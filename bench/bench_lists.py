"""How fast the lists are: ResourceTable at 100,000 rows against Textual's DataTable. Prints numbers only.

    python bench/bench_lists.py [--rows 100000] [--datatable-rows 10000] [--datatable-100k]

Measured in a headless app (`run_test(size=(120, 40))`). "Paint" is the time from the call (set_rows,
set_filter, sort_by) until the last line of the next frame has been rendered: the table subclasses record when
`render_line` runs. Memory is the process's RSS, now and at its peak (ru_maxrss), with 100k users and 100k
projects loaded, indexed for filtering and sorted, before the DataTable part runs. The tables are the only
holders of their rows: the bench builds the rows, hands them over and drops them (the projects arrive in pages
of 1,000). The raw dicts alone are measured in a separate process, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import DataTable

from tui.formatting import format_count, format_date, format_value
from widgets.resource_table import ResourceTable
from widgets.row_store import Column

SIZE = (120, 40)
WORDS = (
    "acme",
    "north",
    "wind",
    "sensor",
    "edge",
    "vision",
    "audio",
    "motion",
    "labs",
    "data",
    "model",
    "deploy",
    "river",
    "stone",
    "cloud",
    "spark",
    "delta",
    "orbit",
    "pixel",
    "quartz",
    "maple",
    "cedar",
    "falcon",
    "harbor",
)
FIRST = (
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Hedy",
    "Claude",
    "Radia",
    "Tim",
    "Katherine",
)
LAST = (
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Dijkstra",
    "Lamarr",
    "Shannon",
)


def _yes_no(value: Any) -> str:
    return format_value(value) if isinstance(value, bool) else ""


USER_COLUMNS = [
    Column("name", "Name", width=28),
    Column("id", "ID", align="right"),
    Column("username", "Username", width=18),
    Column("email", "Email", width=34),
    Column("tier", "Tier"),
    Column("activated", "Activated", format=_yes_no, searchable=False),
    Column("created", "Created", format=format_date, searchable=False),
    Column("lastSeen", "Last seen", format=format_date, searchable=False),
]
PROJECT_COLUMNS = [
    Column("name", "Name", width=32),
    Column("id", "ID", align="right"),
    Column("owner", "Owner", width=24),
    Column("category", "Category"),
    Column("tier", "Tier"),
    Column("collaboratorCount", "Collab.", align="right", format=format_count, searchable=False),
    Column("created", "Created", format=format_date, searchable=False),
    Column("lastAccessed", "Last access", format=format_date, searchable=False),
]


def _iso(rnd: random.Random) -> str:
    return (
        f"20{rnd.randint(18, 26)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        f"T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:00.000Z"
    )


def make_users(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """User-like rows with the API's camelCase names."""
    rnd = random.Random(seed)
    rows = []
    for i in range(count):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        rows.append(
            {
                "id": 100_000 + i,
                "name": f"{first} {last}",
                "username": f"{first.lower()}{i}",
                "email": f"{first.lower()}.{last.lower()}{i}@{rnd.choice(WORDS)}.example.com",
                "tier": rnd.choice(("free", "community", "professional", "enterprise")),
                "activated": rnd.random() > 0.1,
                "created": _iso(rnd),
                "lastSeen": None if i % 9 == 0 else _iso(rnd),
                "photo": f"https://cdn.example.com/u/{i}.png",
                "suspended": False,
            }
        )
    return rows


def make_projects(count: int, seed: int = 2) -> list[dict[str, Any]]:
    """Project-like rows with the API's camelCase names."""
    return list(iter_projects(count, seed))


def iter_projects(count: int, seed: int = 2) -> Iterator[dict[str, Any]]:
    """The rows of `make_projects`, one at a time (to page them in without holding them all)."""
    rnd = random.Random(seed)
    return (
        {
            "id": 500_000 + i,
            "name": f"{rnd.choice(WORDS)}-{rnd.choice(WORDS)}-{i}",
            "description": f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} classifier",
            "owner": f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
            "category": rnd.choice(("Accelerometer data", "Audio", "Images", "Object detection", "Other")),
            "tier": rnd.choice(("free", "enterprise")),
            "collaboratorCount": rnd.randint(1, 40),
            "created": _iso(rnd),
            "lastAccessed": _iso(rnd),
            "whitelabelId": 1,
        }
        for i in range(count)
    )


class FrameClock:
    """Remembers when the last line of the first frame after a reset was rendered."""

    def __init__(self) -> None:
        self.last_line_at = 0.0

    def reset(self) -> None:
        self.last_line_at = 0.0

    def tick(self, y: int, height: int) -> None:
        if y == height - 1 and not self.last_line_at:
            self.last_line_at = time.perf_counter()


class TimedResourceTable(ResourceTable):
    clock = FrameClock()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        self.clock.tick(y, self.size.height)
        return strip


class TimedDataTable(DataTable[Any]):
    clock = FrameClock()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        self.clock.tick(y, self.size.height)
        return strip


class ResourceApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TimedResourceTable(USER_COLUMNS, id="users")
        yield TimedResourceTable(PROJECT_COLUMNS, id="projects")

    CSS = "#projects { display: none; }"


class DataTableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TimedDataTable(id="users")


def rss_mb() -> float:
    """Current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_mb() -> float:
    """Peak resident set size in MB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


async def paint(pilot: Pilot[None], clock: FrameClock, action: Callable[[], object]) -> tuple[float, float]:
    """(ms spent in the call, ms until the next frame's last line was rendered)."""
    clock.reset()
    start = time.perf_counter()
    action()
    called = time.perf_counter()
    while not clock.last_line_at:
        await pilot.pause()
    return (called - start) * 1e3, (max(clock.last_line_at, called) - start) * 1e3


async def load_users(pilot: Pilot[None], table: TimedResourceTable, count: int) -> list[tuple]:
    """set_rows with `count` users, three times; the rows are built here and dropped on return."""
    results: list[tuple] = []
    users = make_users(count)
    for attempt in range(3):
        call, frame = await paint(pilot, table.clock, lambda: table.set_rows(users))
        results.append((f"ResourceTable: set_rows {len(users):,} → first frame (run {attempt + 1})", call, frame))
        while table.store.index_pending:  # the idle steps that build the search index
            await pilot.pause()
    return results


async def bench_resource_table(count: int) -> list[tuple]:
    results: list[tuple] = []
    app = ResourceApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one("#users", TimedResourceTable)
        clock = table.clock
        table.focus()
        await pilot.pause()
        results += await load_users(pilot, table, count)
        for needle in ("m", "ma", "mar", "marg", "margaret", "margaret.l", "x@", ""):
            call, frame = await paint(pilot, clock, lambda n=needle: table.set_filter(n))  # type: ignore[misc]
            results.append((f"  filter keystroke {needle!r:14} → {table.row_count:>7,} rows", call, frame))
        for key, reverse in (("name", False), ("name", True), ("created", False), ("lastSeen", True), ("id", False)):
            call, frame = await paint(pilot, clock, lambda k=key, r=reverse: table.sort_by(k, r))  # type: ignore[misc]
            results.append((f"  sort by {key}{' desc' if reverse else ''}", call, frame))
        call, frame = await paint(pilot, clock, lambda: table.set_filter("lovelace"))
        results.append((f"  filter 'lovelace' while sorted → {table.row_count:,} rows", call, frame))
        call, frame = await paint(pilot, clock, lambda: table.move_cursor(table.row_count // 2))
        results.append(("  jump cursor to the middle", call, frame))
        call, frame = await paint(pilot, clock, table.action_cursor_down)
        results.append(("  cursor down (j)", call, frame))
        # A second table of 100k projects, for memory; paged in like the app does (1,000 rows a page, each
        # built just before it is handed over and dropped after).
        other = app.query_one("#projects", TimedResourceTable)
        projects = iter_projects(count)
        spent = 0.0
        while page := list(islice(projects, 1000)):
            start = time.perf_counter()
            other.append_rows(page)
            spent += time.perf_counter() - start
        del page
        results.append(
            (f"ResourceTable: append_rows {other.total_count:,} projects in pages of 1,000", None, spent * 1e3)
        )
        other.store.build_index()
        other.sort_by("created", reverse=True)
        other.set_filter("a")
        gc.collect()
        results.append(("memory: current RSS, MB (both tables loaded, indexed, sorted)", None, rss_mb()))
        results.append(("memory: peak RSS so far, MB", None, peak_mb()))
    return results


def bench_store(users: list[dict[str, Any]]) -> list[tuple]:
    """The RowStore alone: packing the rows and building the search index (done in idle steps by the table), then
    first sorts."""
    from widgets.row_store import RowStore

    store = RowStore(USER_COLUMNS, users)
    start = time.perf_counter()
    store.build_index()
    results: list[tuple] = [
        (
            f"RowStore: pack and index {len(users):,} rows (the table's idle steps)",
            None,
            (time.perf_counter() - start) * 1e3,
        )
    ]
    for key, reverse in (("name", False), ("name", True), ("created", False), ("id", False)):
        start = time.perf_counter()
        store.sort_by(key, reverse)
        results.append((f"  sort by {key}{' desc' if reverse else ''}", None, (time.perf_counter() - start) * 1e3))
    return results


async def bench_datatable(users: list[dict[str, Any]], count: int) -> list[tuple]:
    results: list[tuple] = []
    rows = users[:count]
    keys = [column.key for column in USER_COLUMNS]
    labels = [column.label for column in USER_COLUMNS]

    def as_tuple(row: dict[str, Any]) -> tuple[str, ...]:
        return tuple(column.text(row) for column in USER_COLUMNS)

    app = DataTableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(TimedDataTable)
        clock = table.clock
        for key, label in zip(keys, labels, strict=True):
            table.add_column(label, key=key)
        await pilot.pause()
        call, frame = await paint(pilot, clock, lambda: table.add_rows([as_tuple(row) for row in rows]))
        results.append((f"DataTable: add_rows {count:,} → first frame", call, frame))

        def refill(needle: str) -> None:
            table.clear()
            table.add_rows([as_tuple(row) for row in rows if needle in (row["name"] + row["email"]).lower()])

        for needle in ("m", "ma", "mar"):
            call, frame = await paint(pilot, clock, lambda n=needle: refill(n))  # type: ignore[misc]
            results.append((f"  refill for filter {needle!r:6} → {table.row_count:>7,} rows", call, frame))
        call, frame = await paint(pilot, clock, lambda: refill(""))
        results.append((f"  refill all {table.row_count:,}", call, frame))
        call, frame = await paint(pilot, clock, lambda: table.sort("name"))
        results.append(("  sort by name", call, frame))
    return results


def print_table(rows: list[tuple]) -> None:
    print(f"{'measurement':70} {'call ms':>9} {'frame ms':>9}")
    print("-" * 90)
    for label, call, frame in rows:
        if label.startswith("memory"):
            print(f"{label:70} {'':>9} {frame:>9.0f}")
        else:
            call_text = "" if call is None else f"{call:9.1f}"
            print(f"{label:70} {call_text:>9} {frame:>9.1f}")


def raw_dicts_rss(count: int) -> tuple[float, float, float]:
    """(RSS after imports, RSS with `count` users and projects as plain dicts, seconds to build them)."""
    baseline = rss_mb()
    start = time.perf_counter()
    rows = (make_users(count), make_projects(count))
    generated = time.perf_counter() - start
    after_data = rss_mb()
    del rows
    return baseline, after_data, generated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--datatable-rows", type=int, default=10_000)
    parser.add_argument("--datatable-100k", action="store_true", help="also time DataTable with --rows rows")
    parser.add_argument("--raw-dicts-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.raw_dicts_only:  # the child process that measures the plain dicts
        print(*raw_dicts_rss(args.rows))
        return
    measured = subprocess.run(
        [sys.executable, __file__, "--rows", str(args.rows), "--raw-dicts-only"],
        capture_output=True,
        text=True,
        check=True,
    )
    baseline, after_data, generated = (float(number) for number in measured.stdout.split())
    print(
        f"python {sys.version.split()[0]}; rows generated in {generated:.1f} s; "
        f"RSS {baseline:.0f} MB after imports, {after_data:.0f} MB with the raw dicts (in another process)\n"
    )
    results: list[tuple] = [("memory: RSS with the raw dicts only (another process), MB", None, after_data)]
    results += asyncio.run(bench_resource_table(args.rows))
    users = make_users(args.rows)
    results += bench_store(users)
    results += asyncio.run(bench_datatable(users, args.datatable_rows))
    if args.datatable_100k:
        results += asyncio.run(bench_datatable(users, args.rows))
    print_table(results)


if __name__ == "__main__":
    main()
