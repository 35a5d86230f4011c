"""HTTP around the sandbox's `Api`: one request in, one JSON answer out, whatever the client sends.

The standard library parses requests; this handler decides what every request gets back, including the ones the
standard library would answer with an HTML page or a dropped connection: other methods (405 + `Allow: GET`),
protocol errors (400, 408, 414, 431, 505, as JSON), request bodies (read and discarded, so they are never parsed
as a second request), and any unexpected exception (a JSON 500, the traceback kept in `Sandbox.errors`). Idle and
half-sent connections are closed after `Sandbox.idle_timeout_s` of silence; a request (line, headers and body)
that is not whole `Sandbox.request_timeout_s` after its first byte gets a 408 and a close, however steadily it
trickles in (a slowloris client sending a byte every few seconds never holds a connection for long).
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from tui.sandbox.api import ApiFailure, Body
from tui.sandbox.body_cache import EncodedBody, encode_json
from tui.sandbox.faults import FaultKind, RequestRefused

if TYPE_CHECKING:
    from tui.sandbox.server import Sandbox

MAX_REQUEST_LINE = 16 * 1024
MAX_BODY_BYTES = 1024 * 1024  # read and dropped; a longer body is not read, the connection is closed instead
READ_ONLY = "The sandbox is read-only: only GET is supported"
LINGER_S = 0.5  # after the last answer on a connection, how long unread input is read away at most
LINGER_BYTES = 4 * 1024 * 1024


class _DeadlineReader(io.RawIOBase):
    """The socket as the request parser reads it: each wait at most the idle timeout, and all the waits for one
    request at most its deadline, counted from the request's first byte (`arm` starts a new request)."""

    def __init__(self, connection: socket.socket, idle_s: float, request_s: float) -> None:
        super().__init__()
        self._connection = connection
        self._idle_s = idle_s
        self._request_s = request_s
        self.deadline: float | None = None
        self.started = False  # a byte of the current request has arrived

    def arm(self) -> None:
        self.deadline, self.started = None, False

    def disarm(self) -> None:
        self.deadline, self.started = None, True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wait = self._idle_s
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("request not complete in time")
            wait = min(wait, left)
        self._connection.settimeout(wait)
        count = self._connection.recv_into(buffer)
        if count and not self.started:
            self.started = True
            self.deadline = time.monotonic() + self._request_s
        return count


class SandboxHandler(BaseHTTPRequestHandler):
    """Turns one HTTP request into an Api call, with the faults the sandbox is asked for."""

    protocol_version = "HTTP/1.1"
    sandbox: Sandbox  # set, with `timeout` (idle seconds), on a subclass by the server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and delayed ACKs add ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = _DeadlineReader(self.connection, self.sandbox.idle_timeout_s, self.sandbox.request_timeout_s)
        self.rfile.close()  # the standard library's reader: it would keep the socket open after the close
        self.rfile = io.BufferedReader(self._reader)
        self._answered = False
        self._dropped = False

    def handle_one_request(self) -> None:
        """The standard library's loop step, with every path ending in an answer or a deliberate close."""
        self._answered = False
        self._reader.arm()
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
        except (TimeoutError, ConnectionError):
            self.close_connection = True  # idle: nothing to answer, unless part of a request line came
            if self._reader.started:
                self.requestline, self.request_version, self.command = "", "", ""
                with contextlib.suppress(OSError):
                    self.send_error(HTTPStatus.REQUEST_TIMEOUT, "Request not received in time")
            return
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            self.requestline, self.request_version, self.command = "", "", ""
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, "Request line too long")
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        try:
            self._handle_parsed()
        except (TimeoutError, ConnectionError):
            self.close_connection = True
            if not self._answered:
                with contextlib.suppress(OSError):
                    self.send_error(HTTPStatus.REQUEST_TIMEOUT, "Request not received in time")
        except Exception:
            self.sandbox.errors.append(traceback.format_exc())
            self.close_connection = True
            if not self._answered:
                with contextlib.suppress(OSError):
                    self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error")

    def _handle_parsed(self) -> None:
        if not self.parse_request():
            return
        if self.request_version == "HTTP/0.9":
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP/0.9 is not supported")
            return
        if not self._discard_body():
            return
        self._reader.disarm()  # the request is whole: answering it takes what it takes
        if self.command == "GET":
            self._get()
        else:
            self._not_allowed()
        self.wfile.flush()

    def _discard_body(self) -> bool:
        """Read a request body away, or mark the connection to close; False when already answered (400)."""
        if self.headers.get("Transfer-Encoding") is not None:
            self.close_connection = True  # chunked bodies are not parsed: answer, then close
            return True
        lengths = set(self.headers.get_all("Content-Length") or [])
        if not lengths:
            return True
        raw = lengths.pop().strip()
        if lengths or not (raw.isascii() and raw.isdigit()):
            self.send_error(HTTPStatus.BAD_REQUEST, "Invalid Content-Length header")
            return False
        remaining = int(raw)
        if remaining > MAX_BODY_BYTES:
            self.close_connection = True
            return True
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                self.close_connection = True
                break
            remaining -= len(chunk)
        return True

    def _get(self) -> None:
        sandbox = self.sandbox
        try:
            parts = urlsplit(self.path)
        except ValueError:
            self._send(400, {"success": False, "error": "Malformed request target"})
            return
        sandbox.count(parts.path)
        decision = sandbox.injector.decide(parts.path)
        if decision.delay_s:
            time.sleep(decision.delay_s)
        if decision.kind is FaultKind.DROP:
            self._drop()
            return
        if decision.kind is FaultKind.STATUS:
            headers = {}
            if decision.retry_after_s is not None:
                headers["Retry-After"] = _retry_after_text(decision.retry_after_s)
            self._send(decision.status, {"success": False, "error": _status_text(decision.status)}, headers)
            return
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = {name.lower(): value for name, value in self.headers.items()}
        route = sandbox.api.route_of(parts.path)
        try:
            if route is not None:
                params = sandbox.injector.check_request(params, paged=route.paged, owner_filtered=route.owner_filter)
            body: Body | EncodedBody = sandbox.api.answer(parts.path, params, headers)
        except (ApiFailure, RequestRefused) as failure:
            extra = failure.headers if isinstance(failure, ApiFailure) else {}
            self._send(failure.status, {"success": False, "error": failure.error}, extra)
            return
        if route is not None and route.rows is not None:
            decoded = json.loads(body.plain()) if isinstance(body, EncodedBody) else body
            body = sandbox.injector.malform(parts.path, decoded, route.rows) or body
        if decision.kind is FaultKind.FALSE_SUCCESS:
            body = {"success": False, "error": "Internal error while processing the request (injected)"}
        self._send(200, body, slow_body_s=decision.slow_body_s)

    def _not_allowed(self) -> None:
        try:
            path = urlsplit(self.path).path
        except ValueError:  # e.g. an unclosed "[" read as an IPv6 host
            path = ""
        self.sandbox.count(path)
        self._send(405, {"success": False, "error": READ_ONLY}, {"Allow": "GET"})

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol errors answer like the API does: a JSON body, then the connection is closed."""
        if self.request_version not in ("HTTP/1.0", "HTTP/1.1"):
            self.request_version = "HTTP/1.1"  # so the status line and headers are written at all
        self.close_connection = True
        text = message or HTTPStatus(code).phrase
        self._send(int(code), {"success": False, "error": text}, {"Connection": "close"})

    def _send(
        self, status: int, body: Body | EncodedBody, headers: dict[str, str] | None = None, slow_body_s: float = 0.0
    ) -> None:
        extra = dict(headers or {})
        if isinstance(body, EncodedBody):
            extra["Vary"] = "Accept-Encoding"
            request_headers = getattr(self, "headers", None)
            if _accepts_gzip(request_headers.get("Accept-Encoding", "") if request_headers else ""):
                payload = body.gzipped
                extra["Content-Encoding"] = "gzip"
            else:
                payload = body.plain()
        else:
            payload = encode_json(body)
        self._answered = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if getattr(self, "command", None) == "HEAD":
            return
        if slow_body_s <= 0:
            self.wfile.write(payload)
            return
        chunks = 10
        step = max(1, len(payload) // chunks + 1)
        for start in range(0, len(payload), step):
            self.wfile.write(payload[start : start + step])
            self.wfile.flush()
            time.sleep(slow_body_s / chunks)

    def finish(self) -> None:
        """Before closing, read away what the client still sends (up to LINGER_BYTES, for LINGER_S): closing a
        socket with unread input sends a reset, which can destroy the answer (a 414, a 431) before it is read."""
        super().finish()
        if self._dropped:
            return
        deadline = time.monotonic() + LINGER_S
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            drained = 0
            while drained < LINGER_BYTES and (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)

    def _drop(self) -> None:
        """Close the connection without a word, as a crashed proxy would."""
        self._answered = True
        self._dropped = True
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the sandbox runs inside the TUI and tests; the request counts are the record."""


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = rest.strip().lower().replace(" ", "")
            return quality not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _retry_after_text(seconds: float) -> str:
    return str(max(0, round(seconds))) if seconds >= 1 else f"{seconds:g}"


def _status_text(status: int) -> str:
    return {
        429: "Too many requests, please slow down",
        500: "Internal server error",
        502: "Bad gateway",
        503: "Service temporarily unavailable",
        504: "Gateway timeout",
    }.get(status, f"HTTP {status}")
