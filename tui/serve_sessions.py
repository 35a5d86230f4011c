"""The app processes of `eiscope serve`: one per browser session, capped in number, closed when idle, all ended
when the server stops.

Each session runs eiscope with Textual's web driver in a process of its own session (`start_new_session`), so the
Ctrl+C typed at the server reaches the server alone, which then ends every app: a quit message first, SIGTERM to
its process group after a grace, SIGKILL after another. The wire format is textual-serve's (its AppService speaks
it): the app prints `__GANGLION__`, then packets of a type byte (`D` data for the terminal, `M` JSON meta, `P`
packed), a 4-byte big-endian length and the payload; the server sends `D` (keys) and `M` (resize, focus, quit).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from importlib.metadata import version
from typing import Any

from tui.api.redact import redact
from tui.serve_log import LOG, describe

__all__ = ["AppSession", "Sessions"]

_PRELUDE = b"__GANGLION__\n"
_QUIT_GRACE_S = 3.0
_TERM_GRACE_S = 2.0
_STDERR_KEPT = 16_384  # the tail of an app's stderr, for one line in the log when it fails
_MAX_PACKET = 32 * 1024 * 1024
_MAX_SIZE = 1000  # columns or rows a browser may ask for
_TEXTUAL_SERVE_VERSION = version("textual-serve")  # read once: reading it opens files, which may be exhausted later


def _terminal_size(value: object, default: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, 1), _MAX_SIZE)


class AppSession:
    """One browser tab's eiscope: the process, the packets both ways, and when it last heard from its person."""

    def __init__(
        self,
        number: int,
        command: Sequence[str],
        env: Mapping[str, str],
        *,
        send_bytes: Callable[[bytes], Awaitable[None]],
        send_text: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[Any]],
        secrets: Sequence[str | None] = (),
    ) -> None:
        self.number = number
        self._command = list(command)
        self._env = dict(env)
        self._send_bytes = send_bytes
        self._send_text = send_text
        self._close = close
        self._secrets = secrets
        self._process: asyncio.subprocess.Process | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stderr = bytearray()
        self._stopped = False
        self.ready = False
        self.last_input = time.monotonic()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self, width: int, height: int) -> None:
        """Start the app; an error (no process could be made: no memory, no file descriptor) propagates for the
        caller to log and refuse."""
        env = {
            **self._env,
            "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
            "TEXTUAL_FPS": "60",
            "TEXTUAL_COLOR_SYSTEM": "truecolor",
            "TERM_PROGRAM": "textual",
            "TERM_PROGRAM_VERSION": _TEXTUAL_SERVE_VERSION,
            "COLUMNS": str(width),
            "ROWS": str(height),
        }
        self._process = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        self._tasks = [asyncio.create_task(self._pump_stdout()), asyncio.create_task(self._keep_stderr())]

    async def _keep_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        while chunk := await self._process.stderr.read(4096):
            self._stderr.extend(chunk)
            del self._stderr[:-_STDERR_KEPT]

    async def _pump_stdout(self) -> None:
        """The app's packets to the browser; when the app ends, the websocket closes."""
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        try:
            for _ in range(10):
                line = await stdout.readline()
                if not line or line == _PRELUDE:
                    self.ready = line == _PRELUDE
                    break
            if self.ready:
                while True:
                    kind = await stdout.readexactly(1)
                    size = int.from_bytes(await stdout.readexactly(4), "big")
                    if size > _MAX_PACKET:
                        LOG.warning("session %d sent a packet of %d bytes; closing it", self.number, size)
                        break
                    payload = await stdout.readexactly(size)
                    if kind == b"D":
                        await self._send_bytes(payload)
                    elif kind == b"M":
                        await self._on_meta(payload)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                await self._close()

    async def _on_meta(self, payload: bytes) -> None:
        try:
            meta = json.loads(payload)
        except ValueError:
            return
        if not isinstance(meta, dict):
            return
        if meta.get("type") == "exit":
            await self._close()
        elif meta.get("type") == "open_url":
            url = str(meta.get("url", ""))
            # only web addresses: a javascript: URL opened by the page would run in the page's origin
            if url.startswith(("https://", "http://")):
                await self._send_text(json.dumps(["open_url", {"url": url, "new_tab": bool(meta.get("new_tab"))}]))
        # file delivery (deliver_file_start, `P` chunks) is not offered: eiscope delivers no files

    async def _write(self, kind: bytes, payload: bytes) -> None:
        process = self._process
        if process is None or process.stdin is None or process.stdin.is_closing():
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            process.stdin.write(kind + len(payload).to_bytes(4, "big") + payload)
            await process.stdin.drain()

    async def handle(self, text: str) -> None:
        """One message of the browser: keys, a resize, focus or blur (a ping is answered, and is no activity)."""
        try:
            envelope = json.loads(text)
        except ValueError:
            return
        if not isinstance(envelope, list) or not envelope:
            return
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            self.last_input = time.monotonic()
            await self._write(b"D", data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            self.last_input = time.monotonic()
            width, height = _terminal_size(data.get("width"), 80), _terminal_size(data.get("height"), 24)
            await self._write(b"M", json.dumps({"type": "resize", "width": width, "height": height}).encode())
        elif kind in ("focus", "blur"):
            await self._write(b"M", json.dumps({"type": kind}).encode())
        elif kind == "ping" and isinstance(data, str):
            await self._send_text(json.dumps(["pong", data[:64]]))

    async def stop(self) -> None:
        """End the app: quit, then SIGTERM to its group, then SIGKILL; then say in one line if it failed."""
        if self._stopped or self._process is None:
            return
        self._stopped = True
        process = self._process
        await self._write(b"M", json.dumps({"type": "quit"}).encode())
        for signum, grace in ((None, _QUIT_GRACE_S), (signal.SIGTERM, _TERM_GRACE_S), (signal.SIGKILL, None)):
            if signum is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signum)
            try:
                await asyncio.wait_for(process.wait(), grace)
                break
            except TimeoutError:
                continue
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if process.returncode not in (0, None, -signal.SIGTERM, -signal.SIGKILL) or not self.ready:
            LOG.warning("session %d ended with status %s%s", self.number, process.returncode, self._last_error_line())

    def _last_error_line(self) -> str:
        lines = [line.strip() for line in self._stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        if not lines:
            return ""
        return ": " + redact(lines[-1], self._secrets)[:300]


class Sessions:
    """The live sessions: at most `limit`, each closed after `idle_timeout_s` without a key or a resize."""

    def __init__(self, limit: int, idle_timeout_s: float) -> None:
        self.limit = limit
        self.idle_timeout_s = idle_timeout_s
        self._live: set[AppSession] = set()
        self._count = 0

    @property
    def full(self) -> bool:
        return len(self._live) >= self.limit

    def __len__(self) -> int:
        return len(self._live)

    def next_number(self) -> int:
        self._count += 1
        return self._count

    def add(self, session: AppSession) -> None:
        self._live.add(session)

    def discard(self, session: AppSession) -> None:
        self._live.discard(session)

    def pids(self) -> list[int]:
        return [pid for session in self._live if (pid := session.pid) is not None]

    async def close_idle(self) -> None:
        """Forever: every so often, end the sessions nobody has typed in for `idle_timeout_s`."""
        period = max(0.2, min(self.idle_timeout_s / 4, 30.0))
        while True:
            await asyncio.sleep(period)
            now = time.monotonic()
            for session in [s for s in self._live if now - s.last_input > self.idle_timeout_s]:
                LOG.info("session %d closed after %.0f s without input", session.number, self.idle_timeout_s)
                self._live.discard(session)
                try:
                    await session.stop()
                except Exception as error:
                    LOG.error("session %d did not stop cleanly", session.number, exc_info=error)

    async def stop_all(self) -> None:
        """End every app (the server is stopping): all at once, each with its graces."""
        sessions, self._live = list(self._live), set()
        if sessions:
            LOG.info("stopping: ending %d session(s)", len(sessions))
        results = await asyncio.gather(*(session.stop() for session in sessions), return_exceptions=True)
        for session, result in zip(sessions, results, strict=True):
            if isinstance(result, BaseException):
                LOG.error("session %d did not stop cleanly [%s]", session.number, describe(result))
