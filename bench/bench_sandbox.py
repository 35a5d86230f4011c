"""Sandbox start-up and page latency per scale. Prints numbers; asserts nothing (machines here are noisy).

    python bench/bench_sandbox.py [--scales demo,large,huge] [--requests 20]

Targets (issue 2): the huge world answers its first request within 2 s of start, and a page of 1,000 users
within 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

from tui.sandbox.server import Sandbox


def timed(http: httpx.Client, path: str, **params: object) -> float:
    started = time.perf_counter()
    response = http.get(path, params=params)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms"


def bench_scale(scale: str, requests: int) -> None:
    started = time.perf_counter()
    sandbox = Sandbox(scale=scale).start()
    try:
        with httpx.Client(base_url=sandbox.url, headers={"x-api-key": sandbox.admin_key}, timeout=60) as http:
            http.get("/api/organizations").raise_for_status()
            first = time.perf_counter() - started
            base = f"/api/organizations/{sandbox.owner_org_id}/whitelabel"
            total = http.get(f"{base}/users", params={"limit": 1}).json()["total"]
            offsets = [(i * 7919 * 1000) % max(1, total - 1000) for i in range(requests)]
            pages = [timed(http, f"{base}/users", limit=1000, offset=offset) for offset in offsets]
            projects = [timed(http, f"{base}/projects", limit=1000, offset=offset) for offset in offsets]
            fresh_query = timed(http, f"{base}/users", limit=1000, search="a", sort="-lastSeen")
            cached_query = [timed(http, f"{base}/users", limit=1000, offset=1000, search="a", sort="-lastSeen")]
            orgs = sandbox.world.inner_organizations
            infos = [
                timed(http, f"{base}/organizations/{orgs[(i * 37) % len(orgs)]['id']}", includeDeleted="true")
                for i in range(requests)
            ]
        print(
            f"\n{scale}: {total:,} users, {len(sandbox.world.whitelabel_projects):,} projects, {len(orgs):,} inner orgs"
        )
        print(f"  start → first answer        {first * 1000:7.0f} ms")
        print(f"  page of 1,000 users         {summary(pages)}")
        print(f"  page of 1,000 projects      {summary(projects)}")
        print(f"  search + sort, first page   {fresh_query:7.1f} ms (then {cached_query[0]:.1f} ms for the next page)")
        print(f"  inner org info (365 days)   {summary(infos)}")
    finally:
        sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="demo,large,huge")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    for scale in args.scales.split(","):
        bench_scale(scale.strip(), args.requests)


if __name__ == "__main__":
    main()
