"""The Fleet tab in the real app on a huge white label: time, streaming, responsiveness and peak memory.

    python bench/bench_fleet_app.py [--scale huge] [--latency-ms 0]

The sandbox runs in a child process (its world is not counted); the app runs headless (120x40) with an empty
cache, opens the Fleet tab (`0`) and waits until every inner organization's health is in. While the fleet
streams, it samples how many rows are on screen and the event loop's lag (how long a key would wait),
so "the app stays responsive" is a number. Printed: the time to the first rows and to the whole fleet, the
largest key-press delay, and the app process's peak RSS (target: under 250 MB). Then the app is opened again,
`--offline`, on the same cache (the default 200 MB bound: the huge world's bodies, ~1 GB, overflowed it) and the
Fleet tab timed again: the warm fleet, from the kept summaries (target: whole, in under 1.5 s). Numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def serve(scale: str, latency_ms: float, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from tui.sandbox.faults import FaultConfig
    from tui.sandbox.server import Sandbox

    sandbox = Sandbox(scale=scale, faults=FaultConfig(latency_ms=latency_ms)).bind()
    ready.put((sandbox.url, sandbox.admin_key, sandbox.owner_org_id))
    sandbox.serve_bound()


async def run_fleet(url: str, key: str, org: int, cache_dir: Path, *, offline: bool = False) -> dict[str, float]:
    from screens.organization import OrganizationScreen
    from tui.api.cache import DiskCache
    from tui.api.client import ClientSettings
    from tui.app import EiscopeApp
    from widgets.list_pane import ListPane

    settings = ClientSettings(endpoint=url, api_key=key, offline=offline)
    app = EiscopeApp(settings, org_id=org, cache=DiskCache(cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OrganizationScreen)
        started = time.perf_counter()
        await pilot.press("0")
        first_rows = None
        lags: list[float] = []
        while True:
            # A key is handled as soon as the event loop is free: the loop's lag is how long a key waits.
            asked = time.perf_counter()
            await asyncio.sleep(0.05)
            lags.append((time.perf_counter() - asked - 0.05) * 1000)
            panes = screen.query("#fleet-list")
            shown = panes.first(ListPane).table.total_count if panes else 0
            if shown and first_rows is None:
                first_rows = time.perf_counter() - started
            if not screen._fleet_running and screen._fleet_total is not None and screen.fleet:
                break
        total = time.perf_counter() - started
        return {
            "orgs": float(len(screen.fleet)),
            "unknown": float(sum(entry.health.error is not None for entry in screen.fleet.values())),
            "first_rows_s": first_rows or total,
            "whole_fleet_s": total,
            "worst_key_ms": max(lags),
            "p95_key_ms": sorted(lags)[int(len(lags) * 0.95)],
            "key_samples": float(len(lags)),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="huge", choices=("demo", "large", "huge"))
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(args.scale, args.latency_ms, ready), daemon=True)
    server.start()
    try:
        url, key, org = ready.get(timeout=120)
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(run_fleet(url, key, org, Path(tmp)))
            warm = asyncio.run(run_fleet(url, key, org, Path(tmp), offline=True))
    finally:
        server.terminate()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scale {args.scale}, latency {args.latency_ms:g} ms, sandbox in a child process, app headless 120x40")
    print(f"inner organizations in the fleet:   {result['orgs']:.0f}")
    print(f"first rows on screen:               {result['first_rows_s']:.2f} s")
    print(f"whole fleet:                        {result['whole_fleet_s']:.2f} s")
    print(
        f"a key's wait while streaming:       p95 {result['p95_key_ms']:.0f} ms, worst {result['worst_key_ms']:.0f} ms"
        f" ({result['key_samples']:.0f} samples of the event loop's lag)"
    )
    print(f"app peak RSS:                       {peak_mb:.0f} MB (target < 250 MB)")
    print(
        f"warm fleet (reopened --offline):    {warm['orgs']:.0f} organizations ({warm['unknown']:.0f} unknown)"
        f" in {warm['whole_fleet_s']:.2f} s (target < 1.5 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
