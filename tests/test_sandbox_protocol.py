"""Whatever a client sends, the sandbox answers with JSON (or closes an idle connection), and keeps serving.

Every request goes over a raw socket, so nothing in an HTTP client library can tidy it up first.
"""

from __future__ import annotations

import gzip
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tui.sandbox.server import OTHER_PATHS, UNKNOWN_ROUTE, Sandbox
from tui.sandbox.world import DEFAULT_TODAY

ANSWER_TIMEOUT_S = 2.0


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A sandbox of its own with a short idle timeout, so the idle cases end quickly."""
    with Sandbox(scale="demo", seed=7, today=DEFAULT_TODAY, idle_timeout_s=0.5) as running:
        yield running


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    rest: bytes = b""  # anything after the answer: a second answer means a body was parsed as a request
    extra: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)


def read_answer(conn: socket.socket, *, head: bool = False) -> Answer:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, f"connection closed without an answer (got {data!r})"
        data += chunk
    head_bytes, _, data = data.partition(b"\r\n\r\n")
    status_line, *lines = head_bytes.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    length = 0 if head else int(headers.get("content-length", "0"))
    while len(data) < length:
        chunk = conn.recv(65536)
        assert chunk, "connection closed in the middle of the body"
        data += chunk
    return Answer(int(status_line.split()[1]), headers, data[:length], data[length:])


def exchange(sb: Sandbox, raw: bytes, *, head: bool = False) -> Answer:
    """Send raw bytes on a new connection; the first answer, plus whatever follows it before the close."""
    host, port = sb.url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=ANSWER_TIMEOUT_S) as conn:
        conn.sendall(raw)
        answer = read_answer(conn, head=head)
        try:  # the server may have closed already (a reset, when part of the request was never read)
            conn.shutdown(socket.SHUT_WR)
            while chunk := conn.recv(65536):
                answer.rest += chunk
        except (TimeoutError, ConnectionError, OSError):
            pass
    return answer


def get(sb: Sandbox, target: str, headers: dict[str, str] | None = None, *, key: bool = True) -> bytes:
    lines = [f"GET {target} HTTP/1.1", "Host: sandbox", "Connection: close"]
    if key:
        lines.append(f"x-api-key: {sb.admin_key}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def wl(sb: Sandbox, rest: str = "") -> str:
    return f"/v1/api/organizations/{sb.owner_org_id}/whitelabel{rest}"


def assert_json_error(answer: Answer, status: int) -> str:
    assert answer.status == status, (answer.status, answer.body)
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["success"] is False and isinstance(body["error"], str) and body["error"]
    return str(body["error"])


def assert_still_serving(sb: Sandbox) -> None:
    answer = exchange(sb, get(sb, "/v1/api/organizations"))
    assert answer.status == 200 and answer.json()["success"] is True


@pytest.fixture(autouse=True)
def _serves_after_each_case(sb: Sandbox) -> Iterator[None]:
    yield
    assert_still_serving(sb)


# -- inputs that dropped the connection ------------------------------------------------------------------------


@pytest.mark.parametrize("active", ["739945", "9" * 4000, "9" * 20], ids=["739945", "4000-digits", "20-digits"])
@pytest.mark.parametrize("route", ["/organizations", "/users", "/projects"])
def test_huge_active_is_a_400(sb: Sandbox, route: str, active: str) -> None:
    error = assert_json_error(exchange(sb, get(sb, wl(sb, f"{route}?active={active}"))), 400)
    assert "active" in error


@pytest.mark.parametrize("value", ["maybe", "2", "%00"])
def test_bad_include_deleted_on_one_inner_org_is_a_400(sb: Sandbox, value: str) -> None:
    inner = sb.world.inner_organizations[0]["id"]
    error = assert_json_error(exchange(sb, get(sb, wl(sb, f"/organizations/{inner}?includeDeleted={value}"))), 400)
    assert "includeDeleted" in error


def test_bad_exclude_projects_on_the_current_user_is_a_400(sb: Sandbox) -> None:
    request = get(sb, "/v1/api/user?excludeProjects=maybe", {"x-jwt-token": sb.jwt_token}, key=False)
    assert "excludeProjects" in assert_json_error(exchange(sb, request), 400)


@pytest.mark.parametrize("key", [b"ei_\xe9\xff", b"\x80", "ei_caf\u00e9".encode("latin-1")])
def test_non_ascii_api_key_is_a_401(sb: Sandbox, key: bytes) -> None:
    request = b"GET /v1/api/organizations HTTP/1.1\r\nHost: s\r\nConnection: close\r\nx-api-key: " + key + b"\r\n\r\n"
    assert_json_error(exchange(sb, request), 401)


def test_an_unexpected_exception_is_a_json_500(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(sb.world, "organizations_for_jwt", explode)
    request = get(sb, "/v1/api/user/organizations", {"x-jwt-token": sb.jwt_token}, key=False)
    assert_json_error(exchange(sb, request), 500)
    assert "RuntimeError: boom" in sb.errors[-1]
    monkeypatch.undo()


# -- other methods -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FROB"])
def test_other_methods_are_405_with_allow_get(sb: Sandbox, method: str) -> None:
    request = f"{method} /v1/api/organizations HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n".encode()
    answer = exchange(sb, request)
    assert_json_error(answer, 405)
    assert answer.headers["allow"] == "GET"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_target_urlsplit_refuses_still_gets_json(sb: Sandbox, method: str) -> None:
    answer = exchange(sb, f"{method} http://[::1/v1/api/organizations HTTP/1.1\r\nHost: s\r\n\r\n".encode())
    assert_json_error(answer, 400 if method == "GET" else 405)


def test_connect_is_405(sb: Sandbox) -> None:
    answer = exchange(sb, b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    assert_json_error(answer, 405)
    assert answer.headers["allow"] == "GET"


def test_head_is_405_without_a_body(sb: Sandbox) -> None:
    answer = exchange(sb, b"HEAD /v1/api/organizations HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n", head=True)
    assert answer.status == 405 and answer.headers["allow"] == "GET"
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.rest == b""


# -- protocol errors -----------------------------------------------------------------------------------------


def test_a_too_long_request_line_is_414(sb: Sandbox) -> None:
    assert_json_error(exchange(sb, get(sb, "/v1/api/organizations?x=" + "a" * 70_000)), 414)


def test_a_too_long_header_is_431(sb: Sandbox) -> None:
    assert_json_error(exchange(sb, get(sb, "/v1/api/organizations", {"x-long": "a" * 70_000})), 431)


def test_too_many_headers_is_431(sb: Sandbox) -> None:
    headers = {f"x-h{i}": "1" for i in range(150)}
    assert_json_error(exchange(sb, get(sb, "/v1/api/organizations", headers)), 431)


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        (b"GET /v1/api/organizations HTTP/1.1 extra", 400),
        (b"GET /v1/api/organizations HTTP/x.y", 400),
        (b"GET", 400),
        (b"GET /v1/api/organizations HTTP/2.0", 505),
        (b"GET /v1/api/organizations HTTP/3.0", 505),
        (b"GET /v1/api/organizations", 505),  # HTTP/0.9
    ],
)
def test_malformed_request_lines_get_json(sb: Sandbox, request_line: bytes, status: int) -> None:
    assert_json_error(exchange(sb, request_line + b"\r\nHost: s\r\n\r\n"), status)


def test_a_conflicting_content_length_is_400(sb: Sandbox) -> None:
    request = b"GET /v1/api/organizations HTTP/1.1\r\nHost: s\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"
    assert_json_error(exchange(sb, request), 400)


def test_a_body_is_never_parsed_as_a_second_request(sb: Sandbox) -> None:
    smuggled = b"GET /v1/api/user HTTP/1.1\r\nHost: s\r\n\r\n"
    for method in (b"GET", b"POST"):
        first = method + b" /v1/api/organizations HTTP/1.1\r\nHost: s\r\nx-api-key: " + sb.admin_key.encode()
        first += b"\r\nContent-Length: " + str(len(smuggled)).encode() + b"\r\n\r\n" + smuggled
        answer = exchange(sb, first)
        assert answer.status in (200, 405)
        assert answer.rest == b"", f"the body was answered as a request: {answer.rest[:80]!r}"


def test_a_chunked_body_closes_the_connection_after_the_answer(sb: Sandbox) -> None:
    smuggled = b"GET /v1/api/user HTTP/1.1\r\nHost: s\r\n\r\n"
    request = b"POST /v1/api/organizations HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n"
    request += f"{len(smuggled):x}\r\n".encode() + smuggled + b"\r\n0\r\n\r\n"
    answer = exchange(sb, request)
    assert_json_error(answer, 405)
    assert answer.rest == b""


def test_an_idle_connection_is_closed(sb: Sandbox) -> None:
    host, port = sb.url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=ANSWER_TIMEOUT_S) as conn:
        assert conn.recv(1) == b""  # closed by the server (a hang would raise TimeoutError)


def test_a_half_sent_request_gets_408_then_a_close(sb: Sandbox) -> None:
    host, port = sb.url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=ANSWER_TIMEOUT_S) as conn:
        conn.sendall(b"GET /v1/api/organizations HTTP/1.1\r\nHost: s\r\nx-api-")
        assert_json_error(read_answer(conn), 408)


def test_keep_alive_serves_several_requests(sb: Sandbox) -> None:
    host, port = sb.url.split("//")[1].split("/")[0].split(":")
    request = f"GET /v1/api/organizations HTTP/1.1\r\nHost: s\r\nx-api-key: {sb.admin_key}\r\n\r\n".encode()
    with socket.create_connection((host, int(port)), timeout=ANSWER_TIMEOUT_S) as conn:
        for _ in range(3):
            conn.sendall(request)
            assert read_answer(conn).status == 200


# -- bounded state -------------------------------------------------------------------------------------------


def test_unknown_paths_are_counted_under_one_key(sb: Sandbox) -> None:
    sb.reset_counts()
    for i in range(5):
        exchange(sb, get(sb, f"/v1/nowhere/{i}"))
        exchange(sb, get(sb, f"/elsewhere-{i}"))
    assert sb.request_counts() == {UNKNOWN_ROUTE: 10}
    assert OTHER_PATHS not in sb.request_counts()


def test_cached_bodies_are_served_gzip_or_plain_alike(sb: Sandbox) -> None:
    inner = sb.world.inner_organizations[1]["id"]
    plain = exchange(sb, get(sb, wl(sb, f"/organizations/{inner}")))
    zipped = exchange(sb, get(sb, wl(sb, f"/organizations/{inner}"), {"Accept-Encoding": "gzip"}))
    assert "content-encoding" not in plain.headers and zipped.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.body)) == plain.json()
    assert plain.json()["success"] is True


# -- slowloris: a request that trickles in is cut off by a total deadline ------------------------------------


@pytest.fixture(scope="module")
def strict() -> Iterator[Sandbox]:
    """Each wait for a byte may last 0.5 s, but a whole request no more than 1.5 s."""
    with Sandbox(scale="demo", seed=7, today=DEFAULT_TODAY, idle_timeout_s=0.5, request_timeout_s=1.5) as running:
        yield running


def trickle(sb: Sandbox, start: bytes, drip: bytes, every_s: float, for_s: float) -> tuple[Answer, float]:
    """Send `start`, then `drip` a byte at a time every `every_s` (each wait shorter than the idle timeout) until
    the server answers or `for_s` passes; the answer and how long it took."""
    host, port = sb.url.split("//")[1].split("/")[0].split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=for_s) as conn:
        conn.sendall(start)
        for byte in drip:
            time.sleep(every_s)
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                break  # the server has given up on us
            if time.monotonic() - started > for_s:
                break
        conn.settimeout(for_s)
        answer = read_answer(conn)
        assert conn.recv(1) == b""  # and the connection is closed
    return answer, time.monotonic() - started


def test_headers_sent_a_byte_at_a_time_get_408_within_the_deadline(strict: Sandbox) -> None:
    start = b"GET /v1/api/organizations HTTP/1.1\r\n"
    answer, took = trickle(strict, start, b"X-Slow: " + b"a" * 200, every_s=0.3, for_s=6)
    assert_json_error(answer, 408)
    assert took < 3.0  # the 1.5 s deadline, not the 60 s the drip would take
    assert_still_serving(strict)


def test_a_request_line_sent_a_byte_at_a_time_gets_408(strict: Sandbox) -> None:
    answer, took = trickle(strict, b"G", b"ET /v1/api/organizations HTTP/1.1\r\n" * 4, every_s=0.3, for_s=6)
    assert_json_error(answer, 408)
    assert took < 3.0


def test_a_body_sent_a_byte_at_a_time_gets_408(strict: Sandbox) -> None:
    head = b"POST /v1/api/organizations HTTP/1.1\r\nHost: s\r\nContent-Length: 500\r\n\r\n"
    answer, took = trickle(strict, head, b"b" * 500, every_s=0.3, for_s=6)
    assert_json_error(answer, 408)
    assert took < 3.0


def test_a_slow_but_whole_request_is_answered(strict: Sandbox) -> None:
    request = f"GET /v1/api/organizations HTTP/1.1\r\nHost: s\r\nx-api-key: {strict.admin_key}\r\n\r\n".encode()
    host, port = strict.url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=3) as conn:
        conn.sendall(request[:30])
        time.sleep(0.4)  # a pause shorter than the idle timeout, all within the deadline
        conn.sendall(request[30:])
        assert read_answer(conn).status == 200
