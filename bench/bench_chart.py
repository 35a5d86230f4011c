"""How long a chart takes to draw (plotext builds the whole canvas each render), at 80x24 and 120x40, for 30, 90
and 365 days of an inner organization's contract compute. Prints numbers only.

    python bench/bench_chart.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_app_browse import settle, walk
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.app import EiscopeApp
from tui.sandbox.server import Sandbox
from widgets.metric_chart import MetricChart


async def main(sb: Sandbox, size: tuple[int, int]) -> None:
    app = EiscopeApp(
        ClientSettings(endpoint=sb.url, api_key=sb.admin_key),
        org_id=sb.owner_org_id,
        cache=DiskCache(Path(tempfile.mkdtemp())),
    )
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await walk(pilot, "4", "enter")
        app.screen.query_one("#spark-totalCurrentContractComputeTimeSeconds").focus()
        await walk(pilot, "enter")
        for _range in range(3):  # 30, 90, 365 days
            chart = app.screen.query_one(MetricChart)
            times = []
            for _ in range(10):
                start = time.perf_counter()
                chart.render()
                times.append((time.perf_counter() - start) * 1000)
            print(f"{size[0]}x{size[1]} {len(chart.days)} days: render median {statistics.median(times):.1f} ms")
            await walk(pilot, "t")


with Sandbox(scale="demo", seed=7) as sb:
    asyncio.run(main(sb, (80, 24)))
    asyncio.run(main(sb, (120, 40)))
