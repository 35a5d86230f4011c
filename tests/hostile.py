"""A tiny hostile Studio API on loopback (stdlib HTTP, real sockets): it lies about `total`, trickles bytes,
sends a gzip bomb or a body without end, or pages that never end.

The sandbox plays a well-behaved server with faults; these are the servers a test needs that no honest
server would be: tests start one with `with HostileServer(...) as server:` and point eiscope at `server.url`
(`python -m tests.hostile` serves them all by hand, for trying eiscope against them).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Handler = Callable[[BaseHTTPRequestHandler, str, dict[str, str]], None]


def send_json(request: BaseHTTPRequestHandler, body: Any) -> None:
    data = json.dumps(body).encode()
    _stream(request, iter([data]), {"Content-Length": str(len(data))})


def lying_total(rows: list[dict[str, Any]], list_field: str, claimed_total: int = 100_000_000) -> Handler:
    """A list route whose every page claims `claimed_total` rows, though only `rows` exist."""

    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 20))
        send_json(request, {"success": True, "total": claimed_total, list_field: rows[offset : offset + limit]})

    return handle


def trickle(every_s: float, length: int = 10_000) -> Handler:
    """Promise `length` bytes, then send one space every `every_s` seconds until the client gives up."""

    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(length))
        request.end_headers()
        request.wfile.flush()
        try:
            for _ in range(length):
                request.wfile.write(b" ")
                request.wfile.flush()
                time.sleep(every_s)
        except OSError:
            return  # the client hung up: what it should do

    return handle


def _stream(request: BaseHTTPRequestHandler, chunks: Iterator[bytes], headers: dict[str, str]) -> None:
    """Send a 200 whose body is `chunks`; stop quietly when the client hangs up (what it should do)."""
    request.send_response(200)
    request.send_header("Content-Type", "application/json")
    for name, value in headers.items():
        request.send_header(name, value)
    request.end_headers()
    try:
        for chunk in chunks:
            if chunk:
                request.wfile.write(chunk)
        request.wfile.flush()
    except OSError:
        return


def gzip_bomb(expanded_bytes: int = 1_000_000_000) -> Handler:
    """A gzip body of about 1 MB (at 1 GB) that expands to `expanded_bytes` of JSON whitespace.

    Compressed as it is sent, so a client that stops early costs the server little; a client that read it all
    would hold `expanded_bytes`.
    """

    def chunks() -> Iterator[bytes]:
        packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        yield packer.compress(b'{"success": true, "organization": ')
        block = b" " * 1_000_000
        for _ in range(expanded_bytes // len(block)):
            yield packer.compress(block)
        yield packer.compress(b"{}}") + packer.flush()

    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        _stream(request, chunks(), {"Content-Encoding": "gzip"})

    return handle


def huge_body(size: int = 500_000_000, *, announce: bool = False) -> Handler:
    """A valid JSON body of `size` bytes (a name of that length), sent 1 MB at a time; `announce` sends its
    Content-Length first, otherwise it ends when the connection closes."""

    def chunks() -> Iterator[bytes]:
        head, tail = b'{"success": true, "organization": {"id": 1, "name": "', b'"}}'
        yield head
        block = b"x" * 1_000_000
        left = size - len(head) - len(tail)
        while left > 0:
            yield block[: min(left, len(block))]
            left -= len(block)
        yield tail

    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        _stream(request, chunks(), {"Content-Length": str(size)} if announce else {})

    return handle


def endless_pages(row: dict[str, Any], list_field: str, claimed_total: int = 1_000_000_000) -> Handler:
    """A list whose every page is full (`limit` rows, each a copy of `row` with its own id) and claims
    `claimed_total` rows: it never ends."""
    before, after = json.dumps({**row, "id": 0}).split('"id": 0', 1)

    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 20))
        rows = ",".join(f'{before}"id": {1 + offset + i}{after}' for i in range(limit))
        data = f'{{"success": true, "total": {claimed_total}, "{list_field}": [{rows}]}}'.encode()
        _stream(request, iter([data]), {"Content-Length": str(len(data))})

    return handle


def same_page(rows: list[dict[str, Any]], list_field: str, claimed_total: int = 1_000_000_000) -> Handler:
    """A list that ignores `offset`: every page is the first one again, and claims `claimed_total` rows."""

    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        limit = int(query.get("limit", 20))
        send_json(request, {"success": True, "total": claimed_total, list_field: rows[:limit]})

    return handle


def forward(request: BaseHTTPRequestHandler, behind: str) -> None:
    """Answer as the server at `behind` (the sandbox's URL, ending in /v1) does: status, body and all."""
    url = behind.removesuffix("/v1") + request.path
    headers = {name: value for name, value in request.headers.items() if name.lower() in _FORWARDED}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


_FORWARDED = frozenset({"x-api-key", "x-jwt-token", "accept"})


class HostileServer:
    """Serves `routes` (path suffix → handler) under /v1, and any other path as the server at `behind` does
    (or 404); counts the requests it was sent."""

    def __init__(self, routes: dict[str, Handler], *, behind: str | None = None) -> None:
        self.routes = routes
        self.behind = behind
        self.requests = 0
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.requests += 1
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                for suffix, handle in server.routes.items():
                    if parts.path.endswith(suffix):
                        handle(self, parts.path, query)
                        return
                if server.behind is not None:
                    forward(self, server.behind)
                    return
                self.send_error(404)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def main() -> None:
    """Serve a demo sandbox behind the hostile routes, for trying eiscope against them by hand:

    python -m tests.hostile     (then run the `eiscope` line it prints, and open the Inner orgs tab)
    """
    from tui.sandbox.server import Sandbox

    with Sandbox(scale="demo") as sandbox:
        org = sandbox.owner_org_id

        def first_row(route: str, field: str) -> dict[str, Any]:
            request = urllib.request.Request(
                f"{sandbox.url}/api/organizations/{org}/whitelabel/{route}?limit=1",
                headers={"x-api-key": sandbox.admin_key},
            )
            with urllib.request.urlopen(request) as answer:
                return dict(json.loads(answer.read())[field][0])

        routes = {  # the Inner orgs tab never ends, the Users tab repeats, Projects is a gzip bomb, Usage 500 MB
            "/whitelabel/organizations": endless_pages(first_row("organizations", "organizations"), "organizations"),
            "/whitelabel/users": same_page([first_row("users", "users")], "users"),
            "/whitelabel/projects": gzip_bomb(),
            "/whitelabel/metrics": huge_body(),
        }
        with HostileServer(routes, behind=sandbox.url) as server:
            print(f"EI_API_ENDPOINT={server.url} EI_API_KEY={sandbox.admin_key} EI_ORG_ID={org} eiscope", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()


if __name__ == "__main__":
    main()
