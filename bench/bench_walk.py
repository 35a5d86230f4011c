"""Walk a whole large white label three ways and print the times (never asserted).

1. eiscope's client: list pages concurrently, then every inner organization's info, at most 8 in flight.
2. The official `edgeimpulse-api` SDK the way a script would: one request after another.
3. eiscope again from a warm cache (offline): the sandbox should serve 0 requests.

Run: python bench/bench_walk.py [--latency-ms 50] [--page-size 100] [--limit N] [--in-flight 8] [--server-process]

By default the sandbox runs in this process, as asked; its threads then share one GIL with the client, and an
inner org's info is ~200 KB of JSON (365 daily metrics records), so both walks are partly CPU-bound on the
server's side. `--server-process` runs the sandbox in a child process to show the client's own numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, StudioClient
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox


async def walk_with_client(
    settings: ClientSettings, cache: DiskCache, org: int, page_size: int, limit: int | None
) -> int:
    """All list pages, then every inner org's info, concurrently; returns the number of inner orgs read."""
    async with StudioClient(settings, cache) as client:
        ids: list[int] = []
        async for page in client.pages("inner_organizations", org, page_size=page_size):
            ids += [row.id for row in page.items]
        ids = sorted(ids)[:limit] if limit else ids
        await asyncio.gather(*(client.inner_organization(org, inner_id) for inner_id in ids))
        return len(ids)


def walk_with_sdk(url: str, key: str, org: int, page_size: int, limit: int | None) -> int:
    """The same walk as a script using the official SDK would do it: sequential."""
    import edgeimpulse_api as ei

    config = ei.Configuration(host=url)
    config.api_key = {"ApiKeyAuthentication": key}
    api = ei.OrganizationsApi(ei.ApiClient(config))
    ids: list[int] = []
    offset = 0
    while True:
        page = api.whitelabel_admin_get_organizations(org, limit=page_size, offset=offset)
        ids += [o.id for o in page.organizations]
        offset += page_size
        if offset >= page.total:
            break
    ids = sorted(ids)[:limit] if limit else ids
    for inner_id in ids:
        api.whitelabel_admin_get_organization_info(org, inner_id)
    return len(ids)


class _RemoteSandbox:
    """The sandbox in a child process: same world (same seed), its own GIL. Counts are not visible here."""

    def __init__(self, latency_ms: float) -> None:
        parent, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(child, latency_ms), daemon=True
        )
        self._process.start()
        self.url, self.admin_key, self.owner_org_id = parent.recv()

    def close(self) -> None:
        self._process.terminate()
        self._process.join()


def _serve(conn: Any, latency_ms: float) -> None:
    sb = Sandbox(scale="large", seed=7, faults=FaultConfig(latency_ms=latency_ms)).bind()
    conn.send((sb.url, sb.admin_key, sb.owner_org_id))
    sb.serve_bound()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--limit", type=int, default=None, help="walk only the first N inner orgs (both walks)")
    parser.add_argument("--server-process", action="store_true", help="run the sandbox in a child process")
    args = parser.parse_args()
    if args.server_process:
        run_remote(args)
        return

    print("importing the SDK ...", flush=True)
    started = time.perf_counter()
    import edgeimpulse_api  # noqa: F401  (imported up front so its ~6 s import is not counted in the walk)

    print(f"  SDK import: {time.perf_counter() - started:.1f} s")
    with (
        Sandbox(scale="large", seed=7, faults=FaultConfig(latency_ms=args.latency_ms)) as sb,
        tempfile.TemporaryDirectory() as tmp,
    ):
        org = sb.owner_org_id
        cache = DiskCache(Path(tmp) / "cache")
        settings = ClientSettings(endpoint=sb.url, api_key=sb.admin_key, max_in_flight=args.in_flight)
        print(
            f"large sandbox, latency {args.latency_ms:g} ms, page size {args.page_size}, "
            f"{args.in_flight} in flight" + (f", first {args.limit} inner orgs" if args.limit else "")
        )

        sb.reset_counts()
        started = time.perf_counter()
        n = asyncio.run(walk_with_client(settings, cache, org, args.page_size, args.limit))
        ours = time.perf_counter() - started
        print(f"eiscope client : {n} inner orgs, {sb.total_requests()} requests, {ours:.2f} s")

        sb.reset_counts()
        started = time.perf_counter()
        n_sdk = walk_with_sdk(sb.url, sb.admin_key, org, args.page_size, args.limit)
        sdk = time.perf_counter() - started
        print(f"official SDK   : {n_sdk} inner orgs, {sb.total_requests()} requests, {sdk:.2f} s (sequential)")
        print(f"speed-up       : {sdk / ours:.1f}x")

        sb.reset_counts()
        offline = ClientSettings(endpoint=sb.url, api_key=sb.admin_key, offline=True)
        started = time.perf_counter()
        n_cached = asyncio.run(walk_with_client(offline, cache, org, args.page_size, args.limit))
        warm = time.perf_counter() - started
        print(f"warm cache     : {n_cached} inner orgs, {sb.total_requests()} requests, {warm:.2f} s")
        info = cache.info()
        print(f"cache          : {info.entries} entries, {info.bytes / 1e6:.1f} MB")


def run_remote(args: argparse.Namespace) -> None:
    """The same three walks against a sandbox in a child process (client-side request counts)."""
    import edgeimpulse_api  # noqa: F401

    remote = _RemoteSandbox(args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cache = DiskCache(Path(tmp) / "cache")
            settings = ClientSettings(endpoint=remote.url, api_key=remote.admin_key, max_in_flight=args.in_flight)
            print(f"large sandbox in a child process, latency {args.latency_ms:g} ms, page size {args.page_size}")
            started = time.perf_counter()
            n = asyncio.run(walk_with_client(settings, cache, remote.owner_org_id, args.page_size, args.limit))
            ours = time.perf_counter() - started
            print(f"eiscope client : {n} inner orgs, {ours:.2f} s")
            started = time.perf_counter()
            n_sdk = walk_with_sdk(remote.url, remote.admin_key, remote.owner_org_id, args.page_size, args.limit)
            sdk = time.perf_counter() - started
            print(f"official SDK   : {n_sdk} inner orgs, {sdk:.2f} s (sequential)")
            print(f"speed-up       : {sdk / ours:.1f}x")
            offline = ClientSettings(endpoint=remote.url, api_key=remote.admin_key, offline=True)
            started = time.perf_counter()
            asyncio.run(walk_with_client(offline, cache, remote.owner_org_id, args.page_size, args.limit))
            print(f"warm cache     : {time.perf_counter() - started:.2f} s (offline: no request can leave)")
    finally:
        remote.close()


if __name__ == "__main__":
    main()
