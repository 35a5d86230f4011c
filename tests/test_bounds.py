"""Every response and list bounded, against a hostile server on loopback (tests/hostile.py).

A gzip bomb, a body without end and a list whose pages never end are each stopped at their bound, with one line
that says what was cut, and `eiscope export` stays under 300 MB resident meanwhile (measured in its own process:
the peak resident size the kernel reports for it). The TUI keeps the rows before a stop and says it.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hostile import (
    Handler,
    HostileServer,
    endless_pages,
    gzip_bomb,
    huge_body,
    same_page,
)
from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, RetryPolicy, StudioClient
from tui.api.errors import BadResponseError, ListCutShortError, ResponseTooLargeError, ServerError
from tui.api.limits import DEFAULT_MAX_BODY_BYTES
from tui.app import EiscopeApp
from tui.export_spec import EXIT_API
from tui.sandbox.server import Sandbox
from widgets.list_pane import ListPane
from widgets.notice import StatusLine

ROOT = Path(__file__).resolve().parent.parent
MEMORY_BOUND_MB = 300
NO_RETRIES = RetryPolicy(max_attempts=1)
INNER_ORGS = "/whitelabel/organizations"


def inner_org_row(sandbox: Sandbox) -> dict[str, Any]:
    response = httpx.get(
        f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}/whitelabel/organizations",
        params={"limit": 1},
        headers={"x-api-key": sandbox.admin_key},
    )
    return dict(response.json()["organizations"][0])


@pytest.fixture
def hostile(sandbox: Sandbox) -> Iterator[HostileServer]:
    """The sandbox behind a hostile server: inner org 5 is a gzip bomb, 6 a 500 MB body sent without a length,
    7 one that announces its 500 MB, and the inner-orgs list never ends (every page full of rows padded to
    ~3 KB, so the list's byte budget is what stops it, in seconds)."""
    padded = {**inner_org_row(sandbox), "name": "Padded " + "x" * 3_000}
    routes: dict[str, Handler] = {
        f"{INNER_ORGS}/5": gzip_bomb(1_000_000_000),
        f"{INNER_ORGS}/6": huge_body(500_000_000),
        f"{INNER_ORGS}/7": huge_body(500_000_000, announce=True),
        INNER_ORGS: endless_pages(padded, "organizations"),
    }
    with HostileServer(routes, behind=sandbox.url) as server:
        yield server


def run_export(server: HostileServer, sandbox: Sandbox, tmp_path: Path, *args: str) -> tuple[int, str, str, float]:
    """`eiscope export ...` in its own process against the hostile server: exit code, stdout, stderr, and its
    peak resident memory in MB (from wait4: this child's own peak, not the test's)."""
    env = {
        **os.environ,
        "EI_API_ENDPOINT": server.url,
        "EI_API_KEY": sandbox.admin_key,
        "EISCOPE_CONFIG": os.devnull,  # no config file: the environment alone
        "EISCOPE_CACHE_DIR": str(tmp_path / "cache"),
    }
    command = [sys.executable, "-m", "tui.cli", "export", "--org", str(sandbox.owner_org_id), *args]
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    streams: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        streams[name] = stream.read()

    readers = [threading.Thread(target=drain, args=pair) for pair in (("out", child.stdout), ("err", child.stderr))]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(child.pid, 0)
    for reader in readers:
        reader.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024  # KB on Linux
    return child.returncode, streams["out"].decode(), streams["err"].decode(), peak_mb


@pytest.mark.parametrize(
    ("inner_id", "said"),
    [
        (5, "sent more than 16 MB"),  # gzip: 1 MB on the wire, 1 GB once expanded
        (6, "sent more than 16 MB"),  # 500 MB, its length unknown until the connection closes
        (7, "announced 500 MB"),  # 500 MB, announced: refused before a byte is read
    ],
    ids=["gzip-bomb", "500-MB-body", "500-MB-announced"],
)
def test_a_body_past_its_bound_is_stopped_in_little_memory(
    hostile: HostileServer, sandbox: Sandbox, tmp_path: Path, inner_id: int, said: str
) -> None:
    code, out, err, peak_mb = run_export(hostile, sandbox, tmp_path, "inner-org", str(inner_id))
    assert code == EXIT_API and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line, no traceback
    assert said in lines[0] and f"/whitelabel/organizations/{inner_id}" in lines[0]
    assert "max_response_mb" in lines[0]
    assert peak_mb < MEMORY_BOUND_MB, f"export peaked at {peak_mb:.0f} MB"


def test_a_list_that_never_ends_stops_at_its_bound_in_little_memory(
    hostile: HostileServer, sandbox: Sandbox, tmp_path: Path
) -> None:
    code, out, err, peak_mb = run_export(hostile, sandbox, tmp_path, "inner-orgs", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_API
    assert 5_000 < len(rows) < 30_000  # the first rows before the stop are written, once each, in list order
    assert [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    assert err.startswith(f"eiscope: incomplete: wrote the first {len(rows):,} rows; the list of inner organizations")
    assert "was cut short" in err
    assert "64 MB" in err and "1,000,000,000" in err and len(err.strip().splitlines()) == 1
    assert hostile.requests < 100  # not the 10,631 requests of issue 21
    assert peak_mb < MEMORY_BOUND_MB, f"export peaked at {peak_mb:.0f} MB"


async def test_a_list_stops_at_its_row_cap(sandbox: Sandbox, tmp_path: Path) -> None:
    row = inner_org_row(sandbox)
    with HostileServer({INNER_ORGS: endless_pages(row, "organizations")}) as server:
        settings = ClientSettings(endpoint=server.url, api_key=sandbox.admin_key, max_list_rows=2_500)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            given: list[int] = []
            with pytest.raises(ListCutShortError) as info:
                async for page in client.pages("inner_organizations", 1, page_size=1000):
                    given.extend(item["id"] for item in page.raw_items)
    assert len(given) == 2_500 == len(set(given))
    cut = info.value
    assert (cut.reason, cut.rows, cut.summary) == ("rows", 2_500, "stopped at 2,500 rows")
    assert "max_list_rows" in cut.message and "1,000,000,000" in cut.message


async def test_a_server_that_ignores_offset_stops_at_the_first_repeated_page(sandbox: Sandbox, tmp_path: Path) -> None:
    row = inner_org_row(sandbox)
    rows = [{**row, "id": 1 + i} for i in range(50)]
    with HostileServer({INNER_ORGS: same_page(rows, "organizations")}) as server:
        settings = ClientSettings(endpoint=server.url, api_key=sandbox.admin_key, max_in_flight=4)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            given = 0
            with pytest.raises(ListCutShortError) as info:
                async for page in client.pages("inner_organizations", 1, page_size=50):
                    given += len(page.raw_items)
    assert given == 50
    assert info.value.reason == "repeat" and "already listed" in info.value.message
    assert server.requests <= 1 + 2 * 4  # the first page and one window: not pages until the row cap


def slow_pages(row: dict[str, Any], every_s: float) -> Handler:
    endless = endless_pages(row, "organizations")

    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        time.sleep(every_s)
        endless(request, path, query)

    return handle


async def test_a_list_stops_at_its_time_budget(sandbox: Sandbox, tmp_path: Path) -> None:
    with HostileServer({INNER_ORGS: slow_pages(inner_org_row(sandbox), 0.3)}) as server:
        settings = ClientSettings(endpoint=server.url, api_key=sandbox.admin_key, list_deadline_s=1.0)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            with pytest.raises(ListCutShortError) as info:
                async for _page in client.pages("inner_organizations", 1, page_size=100):
                    pass
    assert info.value.reason == "time" and "1 s" in info.value.message


def error_with_a_huge_body(status: int) -> Handler:
    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.end_headers()
        try:
            request.wfile.write(b'{"success": false, "error": "down", "pad": "')
            for _ in range(500):
                request.wfile.write(b"x" * 1_000_000)
        except OSError:
            return

    return handle


async def test_an_error_body_is_read_only_as_far_as_its_error_text(tmp_path: Path) -> None:
    with HostileServer({"/api/organizations": error_with_a_huge_body(500)}) as server:
        settings = ClientSettings(endpoint=server.url, api_key="ei_x", retries=NO_RETRIES)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            with pytest.raises(ServerError) as info:
                await client.organizations()
    assert info.value.status == 500


def encoded(encoding: str, body: bytes) -> Handler:
    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Encoding", encoding)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handle


ORGS = {"success": True, "organizations": []}


@pytest.mark.parametrize(
    ("encoding", "packed"),
    [
        ("gzip", gzip.compress(json.dumps(ORGS).encode())),
        ("deflate", zlib.compress(json.dumps(ORGS).encode())),
        ("deflate", zlib.compress(json.dumps(ORGS).encode())[2:-4]),  # raw deflate, as some servers send it
    ],
    ids=["gzip", "deflate", "raw-deflate"],
)
async def test_compressed_bodies_are_read(tmp_path: Path, encoding: str, packed: bytes) -> None:
    with HostileServer({"/api/organizations": encoded(encoding, packed)}) as server:
        settings = ClientSettings(endpoint=server.url, api_key="ei_x", retries=NO_RETRIES)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            fetched = await client.organizations()
    assert fetched is not None and fetched.raw == ORGS


async def test_an_encoding_eiscope_did_not_ask_for_is_refused(tmp_path: Path) -> None:
    """A br or zstd body could expand without a bound in one call of its decoder: never decoded at all."""
    with HostileServer({"/api/organizations": encoded("br", b"\x1b\x00\x00")}) as server:
        settings = ClientSettings(endpoint=server.url, api_key="ei_x", retries=NO_RETRIES)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            with pytest.raises(BadResponseError) as info:
                await client.organizations()
    assert "content encoding eiscope did not ask for (br)" in info.value.message


async def test_a_body_just_past_a_configured_bound_is_refused(sandbox: Sandbox, tmp_path: Path) -> None:
    """max_response_mb is honoured as set: a smaller bound stops a real body, and says which bound."""
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key, max_body_bytes=1_000)
    async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
        with pytest.raises(ResponseTooLargeError) as info:
            await client.organization_info(sandbox.owner_org_id)
        assert info.value.limit_bytes == 1_000 and "0.001 MB" in info.value.message
    assert DEFAULT_MAX_BODY_BYTES == 16_000_000


async def test_the_inner_orgs_tab_keeps_the_rows_before_a_stop_and_says_what_was_cut(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    with HostileServer({INNER_ORGS: endless_pages(inner_org_row(sandbox), "organizations")}, behind=sandbox.url) as srv:
        settings = ClientSettings(endpoint=srv.url, api_key=sandbox.admin_key, max_list_rows=2_500)
        app = EiscopeApp(settings, org_id=sandbox.owner_org_id, cache=DiskCache(tmp_path / "cache"))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press("4")  # the Inner orgs tab
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            pane = app.screen.query_one("#inner-orgs-list", ListPane)
            status = str(pane.query_one(StatusLine).render())
            toasts = [str(n.message) for n in app._notifications]
            assert pane.table.total_count == 2_500
            assert "stopped at 2,500 rows" in status and "loading" not in status
            assert any(text.startswith("eiscope stopped at 2,500 rows") and "max_list_rows" in text for text in toasts)
