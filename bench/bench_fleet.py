"""Fleet health timings (printed, never asserted): cold, against the latency bound and the SDK; warm; huge.

1. Cold: the large world's fleet (list + every inner org's health) with an empty cache, the sandbox in a child
   process with `--latency-ms` (default 50), 8 in flight. The latency bound is orgs × latency / in flight.
2. The official `edgeimpulse-api` SDK walking the same inner orgs one after another, in the same run.
3. Warm: the same fleet offline (the list's cached pages and the kept fleet summaries, tui/api/fleet_store.py).
4. Huge: the 5,000-org world's cold fleet with the default cache (200 MB: far less than its ~1 GB of bodies),
   then warm and offline on that cache: the time, and whether every organization is there.

Run: python bench/bench_fleet.py [--latency-ms 50] [--in-flight 8] [--skip-sdk] [--skip-huge] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.api.cache import DEFAULT_MAX_BYTES, DiskCache
from tui.api.client import ClientSettings, Source, StudioClient
from tui.api.fleet import summary_text
from tui.api.fleet_walk import fleet_batches, fleet_rows, open_store
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox


class RemoteSandbox:
    """The sandbox in a child process: its own GIL, so the numbers are the client's."""

    def __init__(self, scale: str, latency_ms: float) -> None:
        parent, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(child, scale, latency_ms), daemon=True
        )
        self._process.start()
        self.url, self.admin_key, self.owner_org_id = parent.recv()

    def close(self) -> None:
        self._process.terminate()
        self._process.join()


def _serve(conn: Any, scale: str, latency_ms: float) -> None:
    sb = Sandbox(scale=scale, seed=7, faults=FaultConfig(latency_ms=latency_ms)).bind()
    prebuild = getattr(sb.api, "prebuild_inner_organizations", None) if hasattr(sb, "api") else None
    if prebuild is not None:  # every answer encoded before the clock starts: the client is measured
        prebuild(lambda: False)
    conn.send((sb.url, sb.admin_key, sb.owner_org_id))
    sb.serve_bound()


async def fleet(settings: ClientSettings, cache: DiskCache, org: int, limit: int | None) -> tuple[int, str]:
    """The whole fleet as the Fleet tab reads it; returns (organizations, summary line)."""
    source = Source.NETWORK
    async with StudioClient(settings, cache) as client:
        store = await open_store(client, org)
        listed = await fleet_rows(client, org, source=source, store=store)
        rows = listed.rows[:limit] if limit else listed.rows
        counts: Counter[Any] = Counter()
        missing = 0
        batches = fleet_batches(client, org, rows, source=source, store=store, complete=listed.complete and not limit)
        async for batch, _done in batches:
            counts.update(entry.health.status for entry in batch)
            missing += sum(entry.missing for entry in batch)
        return sum(counts.values()), summary_text(counts, missing=missing)


def sdk_walk(url: str, key: str, org: int, limit: int | None) -> int:
    """The same inner orgs as a script using the official SDK would read them: one after another."""
    import edgeimpulse_api as ei

    config = ei.Configuration(host=url)
    config.api_key = {"ApiKeyAuthentication": key}
    api = ei.OrganizationsApi(ei.ApiClient(config))
    ids: list[int] = []
    offset = 0
    while True:
        page = api.whitelabel_admin_get_organizations(org, limit=1000, offset=offset)
        ids += [o.id for o in page.organizations]
        offset += 1000
        if offset >= page.total:
            break
    ids = ids[:limit] if limit else ids
    for inner_id in ids:
        api.whitelabel_admin_get_organization_info(org, inner_id)
    return len(ids)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold_fleet(remote: RemoteSandbox, cache: DiskCache, args: argparse.Namespace) -> tuple[int, str, float, float]:
    """(inner orgs read, summary, seconds, latency bound) of one fleet from an empty cache."""
    settings = ClientSettings(endpoint=remote.url, api_key=remote.admin_key, max_in_flight=args.in_flight)
    started = time.perf_counter()
    n, summary = asyncio.run(fleet(settings, cache, remote.owner_org_id, args.limit))
    seconds = time.perf_counter() - started
    return n, summary, seconds, n * args.latency_ms / 1000 / args.in_flight


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--limit", type=int, default=None, help="only the first N inner orgs")
    parser.add_argument("--skip-sdk", action="store_true")
    parser.add_argument("--skip-huge", action="store_true")
    args = parser.parse_args()
    if not args.skip_sdk:
        import edgeimpulse_api  # noqa: F401  (its import is not counted in the walk)

    remote = RemoteSandbox("large", args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cache = DiskCache(Path(tmp) / "cache")
            n, summary, cold, bound = cold_fleet(remote, cache, args)
            print(f"large world, sandbox in a child process, {args.latency_ms:g} ms, {args.in_flight} in flight")
            print(f"  cold fleet   : {n} inner orgs in {cold:.2f} s; latency bound {bound:.2f} s ({cold / bound:.2f}x)")
            print(f"                 {summary}")
            if not args.skip_sdk:
                started = time.perf_counter()
                n_sdk = sdk_walk(remote.url, remote.admin_key, remote.owner_org_id, args.limit)
                sdk = time.perf_counter() - started
                print(f"  official SDK : {n_sdk} inner orgs in {sdk:.2f} s (sequential): {sdk / cold:.1f}x slower")
            offline = ClientSettings(endpoint=remote.url, api_key=remote.admin_key, offline=True)
            started = time.perf_counter()
            n_warm, _ = asyncio.run(fleet(offline, cache, remote.owner_org_id, args.limit))
            print(f"  warm fleet   : {n_warm} inner orgs in {time.perf_counter() - started:.2f} s (offline, cached)")
            info = cache.info()
            print(f"  cache        : {info.entries} entries, {info.bytes / 1e6:.1f} MB")
    finally:
        remote.close()
    if args.skip_huge:
        return
    remote = RemoteSandbox("huge", args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cache = DiskCache(Path(tmp) / "cache", max_bytes=DEFAULT_MAX_BYTES)
            n, summary, huge, bound = cold_fleet(remote, cache, args)
            print(f"huge world: {n} inner orgs in {huge:.2f} s (latency bound {bound:.2f} s); ")
            print(f"  peak resident memory of this process: {peak_rss_mb():.0f} MB")
            print(f"                 {summary}")
            offline = ClientSettings(endpoint=remote.url, api_key=remote.admin_key, offline=True)
            started = time.perf_counter()
            n_warm, warm_summary = asyncio.run(fleet(offline, cache, remote.owner_org_id, args.limit))
            warm = time.perf_counter() - started
            info = cache.info()
            print(
                f"  warm fleet   : {n_warm} inner orgs in {warm:.2f} s (offline, default cache of"
                f" {DEFAULT_MAX_BYTES / 1e6:.0f} MB; target < 1.5 s)"
            )
            print(f"                 {warm_summary}")
            print(
                f"  cache        : {info.entries} entries, {info.bytes / 1e6:.1f} MB"
                f" (bound {info.max_bytes / 1e6:.0f} MB); kept: {info.kept_files} files, {info.kept_bytes / 1e6:.2f} MB"
            )
    finally:
        remote.close()


if __name__ == "__main__":
    main()
