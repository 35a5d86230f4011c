"""Time to a useful first screen: cold cache, warm cache, and warm cache with a slow network. Prints numbers only.

    python bench/bench_startup.py [--latency-ms 300] [--runs 5]

Measured headless (`run_test(size=(120, 40))`) against the demo sandbox: from creating the App to the
organization's users being on screen. The warm runs show the stale-while-revalidate path: the cached body is
shown at once, whatever the network's latency.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.api.cache import DiskCache
from tui.api.client import ClientSettings
from tui.app import EiscopeApp
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox
from widgets.list_pane import ListPane


async def first_screen_ms(sandbox: Sandbox, cache_dir: Path) -> float:
    started = time.perf_counter()
    app = EiscopeApp(
        ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key),
        org_id=sandbox.owner_org_id,
        cache=DiskCache(cache_dir),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        while True:
            panes = app.screen.query("#users-list")
            if panes and panes.first(ListPane).table.total_count:
                elapsed = (time.perf_counter() - started) * 1000
                break
            await pilot.pause(0.005)
        await app.workers.wait_for_complete()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as tmp:
        cold = []
        for run in range(args.runs):
            cold.append(asyncio.run(first_screen_ms(sandbox, Path(tmp) / f"cold-{run}")))
        warm_dir = Path(tmp) / "warm"
        asyncio.run(first_screen_ms(sandbox, warm_dir))
        warm = [asyncio.run(first_screen_ms(sandbox, warm_dir)) for _ in range(args.runs)]
        sandbox.faults = FaultConfig(latency_ms=args.latency_ms)
        slow_cold = asyncio.run(first_screen_ms(sandbox, Path(tmp) / "slow-cold"))
        slow_warm = [asyncio.run(first_screen_ms(sandbox, warm_dir)) for _ in range(args.runs)]
    print("users on screen, from App() (median of runs)")
    print(f"  cold cache, fast network          {statistics.median(cold):7.0f} ms")
    print(f"  warm cache, fast network          {statistics.median(warm):7.0f} ms")
    print(f"  cold cache, {args.latency_ms:.0f} ms latency        {slow_cold:7.0f} ms")
    print(f"  warm cache, {args.latency_ms:.0f} ms latency        {statistics.median(slow_warm):7.0f} ms")


if __name__ == "__main__":
    main()
