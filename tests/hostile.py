"""A tiny hostile Studio API on loopback (stdlib HTTP, real sockets): it lies about `total`, or trickles bytes.

The sandbox plays a well-behaved server with faults; these are the servers a test needs that no honest
server would be: tests start one with `with HostileServer(...) as server:` and point eiscope at `server.url`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Handler = Callable[[BaseHTTPRequestHandler, str, dict[str, str]], None]


def send_json(request: BaseHTTPRequestHandler, body: Any) -> None:
    data = json.dumps(body).encode()
    request.send_response(200)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(data)))
    request.end_headers()
    request.wfile.write(data)


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


class HostileServer:
    """Serves `routes` (path suffix → handler) under /v1; counts the requests it was sent."""

    def __init__(self, routes: dict[str, Handler]) -> None:
        self.routes = routes
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
