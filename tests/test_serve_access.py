"""`eiscope serve` for the token holder only (issue 21): real servers, real HTTP and websockets on loopback.

Each test is what the issue's hostile local user (or a DNS-rebinding page) did, now refused: a page, a static file
or a websocket without the token; a foreign Origin or Host; more sessions than the cap; a session failing to start
that printed the key in the log. And what the owner expects: idle sessions closed, Ctrl+C ends every app, a
non-loopback address warned about and given a usable URL, `--api-key-file` honoured.
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.serve_helpers import Served, alive, serve_env, serving
from tui.sandbox.server import Sandbox
from tui.serve_access import AccessPolicy, TokenError, choose_token

START_S = 90  # an upper bound for a loaded two-core machine, not a speed check


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One `eiscope serve --demo` for the tests that only knock on its door."""
    with serving(tmp_path_factory.mktemp("serve"), "--demo") as served:
        yield served


def status_of(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def origin_of(served: Served) -> dict[str, str]:
    return {"Origin": served.base}


async def open_session(
    served: Served, *, cookies: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
    """A websocket as the page opens one (the cookie and the served Origin unless told otherwise)."""
    client = aiohttp.ClientSession(cookies=served.cookie if cookies is None else cookies)
    try:
        socket_ = await client.ws_connect(
            f"{served.base}/ws?width=80&height=24", headers=origin_of(served) if headers is None else headers
        )
    except BaseException:
        await client.close()
        raise
    return client, socket_


async def first_screen_bytes(websocket: aiohttp.ClientWebSocketResponse) -> bytes:
    """Until the app draws something (its first binary message)."""
    async with asyncio.timeout(START_S):
        async for message in websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                return bytes(message.data)
    raise AssertionError("the session closed before drawing anything")


async def refused_status(served: Served, **kwargs: object) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        client, _socket = await open_session(served, **kwargs)  # type: ignore[arg-type]
        await client.close()
    return refused.value.status


# ---------------------------------------------------------------- the token, on every route


async def test_every_route_refuses_a_request_without_the_token(demo: Served) -> None:
    for path in ("/", "/static/js/textual.js", "/static/css/xterm.css", "/static/", "/nothing-here"):
        assert status_of(demo.base + path) == 401, path
        assert status_of(f"{demo.base}{path}?token=not-{demo.token}") == 403, path
        assert status_of(demo.base + path, {"Cookie": f"eiscope-serve-{demo.port}=guess"}) == 403, path
    assert status_of(demo.base + "/static/js/textual.js", {"Cookie": f"eiscope-serve-{demo.port}={demo.token}"}) == 200
    assert await refused_status(demo, cookies={}) == 401
    assert await refused_status(demo, cookies={f"eiscope-serve-{demo.port}": "guess"}) == 403
    assert "refused a request without the token" in demo.text()
    assert demo.token not in demo.text().split("serving in the browser on")[1].split("\n", 1)[1]  # printed once


def test_the_token_in_the_url_becomes_a_strict_http_only_cookie(demo: Served) -> None:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(f"{demo.url}&delay=1", timeout=30)
    assert moved.value.code == 302
    assert moved.value.headers["Location"] == "/?delay=1"  # the token leaves the address bar and the history
    cookie = moved.value.headers["Set-Cookie"]
    assert cookie.startswith(f"eiscope-serve-{demo.port}={demo.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert moved.value.headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- DNS rebinding: Host and Origin


async def test_a_foreign_origin_or_host_is_refused_even_with_the_token(demo: Served) -> None:
    evil = {"Origin": "https://evil.example"}
    assert await refused_status(demo, headers=evil) == 403
    assert await refused_status(demo, headers={}) == 403  # a browser always sends one; none is no browser's
    rebound = {"Host": f"evil.example:{demo.port}", "Origin": f"http://evil.example:{demo.port}"}
    assert await refused_status(demo, headers=rebound) == 403
    assert status_of(demo.url, {"Host": f"evil.example:{demo.port}"}) == 403
    assert status_of(demo.base + "/", {"Cookie": f"eiscope-serve-{demo.port}={demo.token}", **evil}) == 403
    # the served origin under its other loopback name is the same machine, and welcome
    local = {"Host": f"localhost:{demo.port}", "Origin": f"http://localhost:{demo.port}"}
    client, socket_ = await open_session(demo, headers=local)
    try:
        assert await first_screen_bytes(socket_)
    finally:
        await client.close()
    assert "refused a request for another host name" in demo.text()


# ---------------------------------------------------------------- the cap, idle sessions, Ctrl+C


async def test_the_session_cap_refuses_more_with_a_clear_page_and_idle_sessions_close(tmp_path: Path) -> None:
    with serving(tmp_path, "--demo", "--max-sessions", "1", "--idle-timeout", "3") as served:
        client, socket_ = await open_session(served)
        try:
            await first_screen_bytes(socket_)
            [app] = served.app_pids()
            assert await refused_status(served) == 503
            page = urllib.request.Request(
                served.base + "/", headers={"Cookie": f"eiscope-serve-{served.port}={served.token}"}
            )
            with pytest.raises(urllib.error.HTTPError) as full:
                urllib.request.urlopen(page, timeout=30)
            assert full.value.code == 503
            text = full.value.read().decode()
            assert "at most 1 browser session at once" in text and "--max-sessions" in text
            # nobody types: the session is closed, and its app ends
            async with asyncio.timeout(START_S):
                async for _ in socket_:
                    pass
            assert socket_.closed
        finally:
            await client.close()
        for _ in range(300):
            if not alive(app):
                break
            await asyncio.sleep(0.1)  # polling a process's end, bounded: there is no event to wait on
        assert not alive(app)
        assert "closed after 3 s without input" in served.text()
        client, socket_ = await open_session(served)  # a slot is free again
        try:
            assert await first_screen_bytes(socket_)
        finally:
            await client.close()


async def test_ctrl_c_ends_every_session_app(tmp_path: Path) -> None:
    with serving(tmp_path, "--demo") as served:
        opened = [await open_session(served) for _ in range(2)]
        try:
            for _, socket_ in opened:
                await first_screen_bytes(socket_)
            apps = served.app_pids()
            assert len(apps) == 2
            served.process.send_signal(signal.SIGINT)
            code = await asyncio.to_thread(served.process.wait, 60)
        finally:
            for client, _ in opened:
                await client.close()
        assert code == 0
        assert [pid for pid in apps if alive(pid)] == []
        assert "stopping: ending 2 session(s)" in served.text()


# ---------------------------------------------------------------- the log: no locals, no environment, no key


def _free_descriptors_below(limit: int, used: set[int]) -> int:
    return limit - len([fd for fd in used if fd < limit])


async def test_a_session_that_fails_to_start_logs_no_key(sandbox: Sandbox, tmp_path: Path) -> None:
    """As under systemd: a small environment holding the key. The server runs out of file descriptors just as a
    session starts (its limit lowered with prlimit, leaving room to accept the websocket and not one pipe more)."""
    key = sandbox.admin_key
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "EI_API_KEY": key,
        "EI_API_ENDPOINT": sandbox.url,
        "EISCOPE_CONFIG": os.devnull,
        "EISCOPE_CACHE_DIR": str(tmp_path / "cache"),
    }
    with serving(tmp_path, env=env) as served:
        used = {int(fd) for fd in os.listdir(f"/proc/{served.process.pid}/fd")}
        limit = next(n for n in range(1, 4096) if _free_descriptors_below(n, used) == 1)
        soft, hard = resource.prlimit(served.process.pid, resource.RLIMIT_NOFILE)
        resource.prlimit(served.process.pid, resource.RLIMIT_NOFILE, (limit, hard))
        try:
            client, socket_ = await open_session(served)
            try:
                async with asyncio.timeout(START_S):
                    async for _ in socket_:
                        pass
                assert socket_.close_code == 1011, served.text()
            finally:
                await client.close()
        finally:
            resource.prlimit(served.process.pid, resource.RLIMIT_NOFILE, (soft, hard))
        log = served.text()
    assert "session 1 could not start [OSError (Too many open files)]" in log
    folded = log.lower()
    assert all(key[i : i + 12].lower() not in folded for i in range(len(key) - 11))
    assert "EI_API_KEY" not in log and "environ" not in log and "Traceback" not in log


# ---------------------------------------------------------------- beyond loopback, and the key options


def test_a_non_loopback_host_warns_and_prints_a_url_others_can_use(tmp_path: Path) -> None:
    with serving(tmp_path, "--demo", "--host", "0.0.0.0") as served:
        text = served.text()
        assert "--host 0.0.0.0 is reachable from other machines" in text and "plain HTTP" in text
        machine = socket.gethostname()
        assert served.base == f"http://{machine}:{served.port}" and "0.0.0.0" not in served.url
        # sent to 127.0.0.1, as if by name: the page answers that name, and its websocket URL is never 0.0.0.0
        request = urllib.request.Request(
            f"http://127.0.0.1:{served.port}/",
            headers={"Host": f"{machine}:{served.port}", "Cookie": f"eiscope-serve-{served.port}={served.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            page = response.read().decode()
        assert f'data-session-websocket-url="ws://{machine}:{served.port}/ws"' in page
    refused = subprocess.run(
        [sys.executable, "-m", "tui.cli", "serve", "--demo", "--host", "0.0.0.0", "--no-token", "--port", "0"],
        capture_output=True,
        text=True,
        env=serve_env(tmp_path),
        timeout=60,
    )
    assert refused.returncode == 2
    assert (
        refused.stderr == "eiscope: --no-token is allowed on a loopback address only (--host 127.0.0.1), not 0.0.0.0\n"
    )


@pytest.mark.parametrize("option", ["--api-key-file", "--jwt-token-file"])
async def test_serve_honours_the_key_file_options(sandbox: Sandbox, tmp_path: Path, option: str) -> None:
    secret = sandbox.admin_key if option == "--api-key-file" else sandbox.jwt_token
    key_file = tmp_path / "key"
    key_file.write_text(secret + "\n")
    key_file.chmod(0o600)
    env = serve_env(tmp_path, EI_API_ENDPOINT=sandbox.url, EISCOPE_CONFIG=os.devnull)
    with serving(tmp_path, option, str(key_file), env=env) as served:
        client, socket_ = await open_session(served)
        try:
            await first_screen_bytes(socket_)
            [app] = served.app_pids()
            environment = Path(f"/proc/{app}/environ").read_bytes().split(b"\0")
            cmdline = Path(f"/proc/{app}/cmdline").read_bytes()
        finally:
            await client.close()
        variable = b"EI_API_KEY=" if option == "--api-key-file" else b"EI_JWT_TOKEN="
        assert variable + secret.encode() in environment
        assert secret.encode() not in cmdline and secret not in served.text()


def test_a_public_url_is_the_one_other_name_the_page_answers_to() -> None:
    policy = AccessPolicy.build("t" * 20, "127.0.0.1", 8000, "https://eiscope.example.org/team/")
    assert policy.url_with_token() == "https://eiscope.example.org/team/?token=" + "t" * 20
    assert policy.host_allowed("eiscope.example.org") and policy.host_allowed("127.0.0.1:8000")
    assert policy.origin_allowed("https://eiscope.example.org") and not policy.origin_allowed(
        "http://eiscope.example.org"
    )
    assert not policy.host_allowed("evil.example") and not policy.host_allowed(None)
    assert (policy.secure, policy.path_prefix) == (True, "/team/")
    assert policy.token_matches("t" * 20) and not policy.token_matches("t" * 19) and not policy.token_matches(None)


@pytest.mark.parametrize(
    "arguments, message",
    [
        ((False, "short", None, "127.0.0.1", None), "--token must be at least 16 characters"),
        ((False, None, "has spaces in it, long enough", "127.0.0.1", None), "EISCOPE_SERVE_TOKEN may hold only"),
        ((True, "x" * 20, None, "127.0.0.1", None), "--no-token and a token"),
        ((False, None, None, "127.0.0.1", "ftp://x"), "--public-url must be http:// or https://"),
    ],
)
def test_a_token_that_cannot_serve_is_one_line(arguments: tuple[object, ...], message: str) -> None:
    with pytest.raises(TokenError, match=re.escape(message)):
        choose_token(*arguments)  # type: ignore[arg-type]
    token, warnings = choose_token(False, None, None, "127.0.0.1", None)
    assert token is not None and len(token) >= 43 and warnings == []  # 256 random bits, base64url
