"""Peak memory of the real app with a huge white label's users and projects loaded. Prints numbers only.

    python bench/bench_app_memory.py [--scale huge]

The sandbox runs in a child process (so its world is not counted); the app runs headless (120x40), opens the
white-label users and projects tabs and waits until every page arrived. Printed: the app process's peak RSS,
and the time until each list was complete. Target (issue 4): under 200 MB with 100,000 users and 100,000 projects.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def serve(scale: str, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from tui.sandbox.server import Sandbox

    sandbox = Sandbox(scale=scale).bind()
    ready.put((sandbox.url, sandbox.admin_key, sandbox.owner_org_id))
    sandbox.serve_bound()


async def load_lists(url: str, key: str, org: int) -> list[tuple[str, int, float]]:
    from tui.api.cache import DiskCache
    from tui.api.client import ClientSettings
    from tui.app import EiscopeApp
    from widgets.list_pane import ListPane

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        app = EiscopeApp(ClientSettings(endpoint=url, api_key=key), org_id=org, cache=DiskCache(Path(tmp)))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            for key_press, pane_id in (("5", "#wl-users-list"), ("6", "#wl-projects-list")):
                started = time.perf_counter()
                await pilot.press(key_press)
                pane = app.screen.query_one(pane_id, ListPane)
                await app.workers.wait_for_complete()
                await pilot.pause()
                results.append((pane_id, pane.table.total_count, time.perf_counter() - started))
            gc.collect()
            results.append(("resident now", current_rss_mb(), 0.0))
    return results


def current_rss_mb() -> int:
    """Resident memory now (Linux), as opposed to the peak."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() // (1024 * 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="huge")
    args = parser.parse_args()
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(args.scale, ready), daemon=True)
    server.start()
    url, key, org = ready.get(timeout=60)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        results = asyncio.run(load_lists(url, key, org))
    finally:
        server.terminate()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for pane_id, count, seconds in results:
        if pane_id == "resident now":
            print(f"  resident with both lists loaded: {count:,} MB")
            continue
        print(f"  {pane_id:20} {count:>9,} rows in {seconds:5.1f} s (cold cache; pages of 1,000, 8 in flight)")
    print(f"  peak RSS of the app process: {peak:,.0f} MB (before the app: {baseline:,.0f} MB)")


if __name__ == "__main__":
    main()
