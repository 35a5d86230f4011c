"""`eiscope serve` as a person starts it: a real process on a free port, its printed URL read from its output."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

URL_LINE = re.compile(r"serving in the browser on (\S+)")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    log: Path
    url: str  # as printed: with ?token=… (unless --no-token)

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 80)

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1] if "token=" in self.url else ""

    @property
    def cookie(self) -> dict[str, str]:
        return {f"eiscope-serve-{self.port}": self.token}

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def app_pids(self) -> list[int]:
        """The session apps: children of the server (a child's command line runs `tui.cli --no-profile`)."""
        return [pid for pid, line in children(self.process.pid) if "--no-profile" in line]


def children(parent: int) -> list[tuple[int, str]]:
    """(pid, command line) of a process's live children, as `ps` shows them."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent and fields[0] not in ("Z", "X"):
                found.append(
                    (int(stat.parent.name), (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
                )
        except (OSError, IndexError, ValueError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def serve_env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EI_", "EISCOPE_"))}
    env["EISCOPE_CACHE_DIR"] = str(folder / "cache")
    env.update(extra)
    return env


@contextlib.contextmanager
def serving(folder: Path, *args: str, env: dict[str, str] | None = None, wait_s: float = 60) -> Iterator[Served]:
    """`eiscope serve ARGS --port 0` until the block ends (SIGTERM, then SIGKILL), its output in a log file."""
    log = folder / f"serve-{len(list(folder.glob('serve-*.log')))}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "serve", "--port", "0", *args],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env if env is not None else serve_env(folder),
        )
    try:
        url = wait_for_url(process, log, wait_s)
        yield Served(process, log, url)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_url(process: subprocess.Popen[bytes], log: Path, wait_s: float) -> str:
    """The URL the server printed, once it listens (or its exit fails the test, with its output)."""
    for _ in range(int(wait_s * 10)):
        found = URL_LINE.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.1)
        if process.returncode is not None:
            raise AssertionError(f"eiscope serve exited with {process.returncode}: {log.read_text()}")
    raise AssertionError(f"eiscope serve printed no URL: {log.read_text()}")
