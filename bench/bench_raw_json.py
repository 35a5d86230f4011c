"""How fast the raw JSON view (`y`) shows an inner organization's body: the old Static against JsonView.

    python bench/bench_raw_json.py [--runs 3] [--inner-id 2001]

The body is the sandbox world's (`build_world('demo', seed=7).inner_organization_info(id)`, ~8,000 lines
pretty-printed). "First paint" is the time from building the widget (pretty-printing included, as the screen
does) until its first frame has been rendered (`render_lines` returned), in a headless app at 120x40.
Prints numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.text import Text
from textual.app import App
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from tui.sandbox.world import build_world
from widgets.json_view import JsonView, to_json_text

SIZE = (120, 40)


class Clock:
    """When a widget's lines were last rendered."""

    def __init__(self) -> None:
        self.painted_at = 0.0


class TimedStatic(Static):
    """The old raw view: the whole document in one Static, in a VerticalScroll."""

    clock = Clock()

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        self.clock.painted_at = time.perf_counter()
        return lines


class TimedJsonView(JsonView):
    clock = Clock()

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        self.clock.painted_at = time.perf_counter()
        return lines


def old_view(data: Any) -> Widget:
    return VerticalScroll(TimedStatic(Text(to_json_text(data), no_wrap=True), markup=False))


def new_view(data: Any) -> Widget:
    return TimedJsonView(data)


async def first_paint(build: Any, clock: Clock, data: Any) -> float:
    """ms from building the view to its first rendered frame."""
    app = App[None]()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock.painted_at = 0.0
        start = time.perf_counter()
        await app.screen.mount(build(data))
        while not clock.painted_at:
            await pilot.pause()
        return (clock.painted_at - start) * 1e3


async def search_times(data: Any) -> list[tuple[str, float]]:
    """ms for a search keystroke and for `n` in the new view (the call; drawing is a screen of lines)."""
    app = App[None]()
    results = []
    async with app.run_test(size=SIZE) as pilot:
        view = JsonView(data)
        await app.screen.mount(view)
        await pilot.pause()
        for needle in ("e", "em", "email"):
            start = time.perf_counter()
            count = view.search(needle)
            results.append((f"JsonView: search {needle!r:8} → {count:,} matches", (time.perf_counter() - start) * 1e3))
        start = time.perf_counter()
        view.action_next_match()
        results.append(("JsonView: n (next match)", (time.perf_counter() - start) * 1e3))
    return results


async def main_async(runs: int, inner_id: int) -> None:
    data = build_world("demo", seed=7).inner_organization_info(inner_id)
    if data is None:
        raise SystemExit(f"no inner organization {inner_id} in the demo world")
    lines = len(json.dumps(data, indent=2, default=str).splitlines())
    print(f"inner organization {inner_id}: {lines:,} lines of pretty JSON; {SIZE[0]}x{SIZE[1]}")
    print(f"{'measurement':<60} {'ms':>8}")
    print("-" * 69)
    for label, build, clock in (
        ("before: Static in a VerticalScroll, first paint", old_view, TimedStatic.clock),
        ("after: JsonView (Line API), first paint", new_view, TimedJsonView.clock),
    ):
        for run in range(runs):
            ms = await first_paint(build, clock, data)
            print(f"{label} (run {run + 1})".ljust(60), f"{ms:8.1f}")
    for label, ms in await search_times(data):
        print(f"{label:<60} {ms:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--inner-id", type=int, default=2001)
    arguments = parser.parse_args()
    asyncio.run(main_async(arguments.runs, arguments.inner_id))


if __name__ == "__main__":
    main()
