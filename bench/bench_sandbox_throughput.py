"""Whole-white-label walk: all inner organizations of the large world, 8 in flight, against a trivial server.

    python bench/bench_sandbox_throughput.py [--rounds 3] [--scale large]

Each server runs in a process of its own (so the client does not share its GIL); the client is one
httpx.AsyncClient with 8 requests in flight and no latency. The baseline is the standard library's
ThreadingHTTPServer answering every GET with one fixed ~200 KB JSON body, read from memory. Prints the best time
of `--rounds` walks per case and the ratio to the baseline. Target (issue 8): the warm walk within ~1.5x.

* cold: the first walk after start (every body built, encoded and cached once);
* first walk, prebuilt: the first walk of a sandbox started with `--prebuild` (bodies built before serving);
* warm: the next walks (bodies served from the byte cache; gzip when the client accepts it, as httpx does);
* warm identity: the same, with `Accept-Encoding: identity` (the server inflates each cached body).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.queues import Queue
from typing import Any

import httpx

from tui.sandbox.server import Sandbox
from tui.sandbox.world import DEFAULT_TODAY

IN_FLIGHT = 8


def serve_sandbox(scale: str, ready: Queue[Any]) -> None:
    sandbox = Sandbox(scale=scale, seed=7, today=DEFAULT_TODAY).bind()
    ready.put((sandbox.url, sandbox.admin_key, sandbox.owner_org_id))
    sandbox.serve_bound()


def serve_prebuilt_sandbox(scale: str, ready: Queue[Any]) -> None:
    """As `--prebuild` does, but before answering: the time it took is the last item."""
    sandbox = Sandbox(scale=scale, seed=7, today=DEFAULT_TODAY).bind()
    started = time.perf_counter()
    sandbox.api.prebuild_inner_organizations()
    ready.put((sandbox.url, sandbox.admin_key, sandbox.owner_org_id, time.perf_counter() - started))
    sandbox.serve_bound()


def serve_fixed(size: int, ready: Queue[Any]) -> None:
    record = b'{"date":"2026-01-01T00:00:00Z","computeTimeSeconds":123456,"totalUsers":42},'
    body = b'{"success":true,"dailyMetrics":[' + record * (size // len(record)) + b"{}]}"

    class Fixed(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Fixed)
    server.daemon_threads = True
    ready.put((f"http://127.0.0.1:{server.server_address[1]}", "", 0))
    server.serve_forever()


async def walk(paths: list[str], base: str, headers: dict[str, str]) -> tuple[float, int]:
    """Seconds to GET every path with IN_FLIGHT requests in flight, and the bytes received (decoded)."""
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    received = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        queue = list(reversed(paths))

        async def worker() -> None:
            nonlocal received
            while queue:
                response = await client.get(queue.pop())
                response.raise_for_status()
                received += len(response.content)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
        return time.perf_counter() - started, received


def start(target: Any, argument: Any) -> tuple[Any, Any]:
    context = multiprocessing.get_context("spawn")
    ready: Queue[Any] = context.Queue()
    process = context.Process(target=target, args=(argument, ready), daemon=True)
    process.start()
    return process, ready.get(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="large")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    process, (url, key, owner) = start(serve_sandbox, args.scale)
    try:
        base = f"/api/organizations/{owner}/whitelabel/organizations"
        listing = httpx.get(f"{url}{base}", params={"limit": 10_000}, headers={"x-api-key": key}, timeout=60)
        paths = [f"{base}/{org['id']}" for org in listing.json()["organizations"]]
        cold, size = asyncio.run(walk(paths, url, {"x-api-key": key}))
        warm = min(asyncio.run(walk(paths, url, {"x-api-key": key}))[0] for _ in range(args.rounds))
        identity_headers = {"x-api-key": key, "Accept-Encoding": "identity"}
        identity = min(asyncio.run(walk(paths, url, identity_headers))[0] for _ in range(args.rounds))
    finally:
        process.terminate()
    process, (url, key, owner, prebuild_s) = start(serve_prebuilt_sandbox, args.scale)
    try:
        prebuilt = asyncio.run(walk(paths, url, {"x-api-key": key}))[0]
    finally:
        process.terminate()
    average = size // len(paths)
    process, (fixed_url, _, _) = start(serve_fixed, average)
    try:
        fixed_paths = [f"/fixed/{i}" for i in range(len(paths))]
        trivial = min(asyncio.run(walk(fixed_paths, fixed_url, {}))[0] for _ in range(args.rounds))
    finally:
        process.terminate()

    print(
        f"{len(paths)} inner organizations of the {args.scale} world, ~{average // 1000} KB each, "
        f"{IN_FLIGHT} in flight, best of {args.rounds}"
    )
    print(f"  trivial fixed-body server      {trivial:6.2f} s")
    print(f"  sandbox, cold (first walk)     {cold:6.2f} s   ({cold / trivial:.2f}x)")
    print(
        f"  sandbox, first walk, prebuilt  {prebuilt:6.2f} s   ({prebuilt / trivial:.2f}x)"
        f"   (--prebuild took {prebuild_s:.1f} s at start)"
    )
    print(f"  sandbox, warm                  {warm:6.2f} s   ({warm / trivial:.2f}x)")
    print(f"  sandbox, warm, identity        {identity:6.2f} s   ({identity / trivial:.2f}x)")


if __name__ == "__main__":
    main()
