"""No crash report shows a key: the app's own report lists no locals, and a bad endpoint does not crash at all.

Real processes: the app runs headless (or in a pseudo-terminal, as a person runs it) with a secret key set,
and its whole output is searched for the key.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SECRET = "ei_SECRET" + "3" * 55

CRASHING_APP = textwrap.dedent(
    f"""
    from tui.api.client import ClientSettings
    from tui.app import EiscopeApp

    class Crashing(EiscopeApp):
        def on_mount(self) -> None:
            headers = {{"x-api-key": self.settings.api_key}}
            raise RuntimeError("a bug " + str(len(headers)))

    settings = ClientSettings(endpoint="http://127.0.0.1:9/v1", api_key={SECRET!r})
    Crashing(settings, org_id=1, cache=None).run(headless=True, size=(100, 30))
    """
)


def test_the_crash_report_lists_no_local_variables(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_APP], capture_output=True, text=True, timeout=120, cwd=Path.cwd()
    )
    output = done.stdout + done.stderr
    assert "RuntimeError" in output and "a bug 1" in output  # the report is there
    assert SECRET not in output and "x-api-key" not in output  # but not the frame's locals


def _run_in_a_terminal(endpoint: str, tmp_path: Path) -> tuple[int, str]:
    """Start `eiscope` in a pseudo-terminal, wait for the error it shows, press q; return (status, output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EI_", "EISCOPE_"))}
    env.update(
        EI_API_KEY=SECRET,
        EI_API_ENDPOINT=endpoint,
        EI_ORG_ID="1",
        EISCOPE_CONFIG=os.devnull,
        EISCOPE_CACHE_DIR=str(tmp_path / "cache"),
        TERM="xterm-256color",
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: become eiscope
        os.execvpe(sys.executable, [sys.executable, "-m", "tui.cli"], env)
    output, pressed = b"", False
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break  # nothing for a minute: give up, the assertions below say why
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        output += data
        if not pressed and b"endpoint" in re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", output):
            os.write(fd, b"q")
            pressed = True
    if not pressed:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return status, output.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:99999/v1", "http://[::1/v1"])
def test_a_bad_endpoint_shows_an_error_not_a_crash(endpoint: str, tmp_path: Path) -> None:
    status, output = _run_in_a_terminal(endpoint, tmp_path)
    assert SECRET not in output and "Traceback" not in output
    assert status == 0, output[-2000:]
