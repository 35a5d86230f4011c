"""Walk a whole large white label three ways and print the times (never asserted).

1. eiscope's client: list pages concurrently, then every inner organization's info, at most 8 in flight.
2. The official `edgeimpulse-api` SDK the way a script would: one request after another.
3. eiscope again from a warm cache (offline): the sandbox should serve 0 requests.

Run: python bench/bench_walk.py [--latency-ms 50] [--page-size 100] [--limit N] [--in-flight 8]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.api.cache import DiskCache  # noqa: E402
from tui.api.client import ClientSettings, StudioClient  # noqa: E402
from tui.sandbox.faults import FaultConfig  # noqa: E402
from tui.sandbox.server import Sandbox  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--limit", type=int, default=None, help="walk only the first N inner orgs (both walks)")
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
