"""Hostile names in a real terminal: `eiscope --demo` under tmux must write nothing but text.

A Pilot cannot see what reaches a terminal; tmux can. With `set-clipboard on`, an OSC 52 that got through would
appear as a paste buffer (`list-buffers`), an OSC 0/2 as a changed `#{pane_title}`, and `ESC [ 2 J` would wipe
the screen. The demo world holds such names (see tui/sandbox/names.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.sandbox.names import HOSTILE_ORG_NAME

TMUX = shutil.which("tmux")
TITLE = "eiscope-safety-test"


class Terminal:
    """One tmux server of our own, with one 120x40 pane running a command."""

    def __init__(self, socket: str, config: Path) -> None:
        self.socket = socket
        self.config = config

    def tmux(self, *args: str) -> str:
        assert TMUX is not None, "tmux is needed for the real-terminal test (.ci/run installs it)"
        done = subprocess.run([TMUX, "-L", self.socket, "-f", str(self.config), *args], capture_output=True, text=True)
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "safety")

    def wait_for(self, text: str, timeout_s: float = 30.0) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "safety", key)
            time.sleep(0.15)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    config = tmp_path / "tmux.conf"
    config.write_text(
        "set -g default-size 120x40\nset -g set-clipboard on\nset -g allow-rename on\nset -g allow-passthrough off\n"
    )
    term = Terminal(f"eiscope-safety-{os.getpid()}", config)
    env = f"TERM=xterm-256color EISCOPE_CACHE_DIR={tmp_path / 'cache'} EISCOPE_CONFIG={os.devnull}"
    command = f"env -u COLUMNS -u LINES {env} {sys.executable} -m tui.cli --demo"
    term.tmux("new-session", "-d", "-s", "safety", "-x", "120", "-y", "40", "-c", str(Path.cwd()), command)
    term.tmux("select-pane", "-t", "safety", "-T", TITLE)
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_hostile_names_write_only_text_to_a_real_terminal(terminal: Terminal) -> None:
    terminal.wait_for("Acme Edge AI")
    terminal.keys("4")
    shown = terminal.wait_for(HOSTILE_ORG_NAME)
    terminal.keys("5")
    terminal.wait_for("white-label users · live")
    terminal.keys("/", "m", "a", "l", "l", "o", "r", "y")
    terminal.wait_for("Mallory")
    terminal.keys("Enter", "Enter")
    shown = terminal.wait_for("Username")  # the user's detail card
    assert "Mallory" in shown and "Byte" in shown
    terminal.keys("y")
    shown = terminal.wait_for("lines · / to search")  # the raw view's status line
    assert "\\u001b" in shown  # the raw view shows the escape as an escape, not as a control character
    assert terminal.tmux("list-buffers") == ""  # no OSC 52 clipboard write got through
    assert terminal.tmux("display-message", "-p", "-t", "safety", "#{pane_title}").strip() == TITLE
    terminal.keys("q")
