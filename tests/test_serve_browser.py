"""`eiscope serve --demo` in a real browser: Debian's headless Chromium driven by Playwright.

The terminal draws on a canvas, so the test reads xterm.js's own buffer: an init script catches the terminal
object when textual-serve's fit addon is given it (`addon._terminal = terminal`), and `page.evaluate` reads its
lines. The screenshot it takes is the README's picture (EISCOPE_UPDATE_SCREENSHOT=1 writes it to docs/).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tui.sandbox.credentials import fake_key

from .conftest import DEMO_SEED

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).parent.parent / "docs" / "screenshots" / "serve.png"
WAIT_MS = 90_000  # an upper bound for a loaded machine, not a speed check

CATCH_TERMINAL = """
window.__terminals = [];
Object.defineProperty(Object.prototype, "_terminal", {
  configurable: true,
  set(value) {
    window.__terminals.push(value);
    Object.defineProperty(this, "_terminal", {value, writable: true, configurable: true, enumerable: true});
  },
});
"""
SCREEN_TEXT = """
() => {
  const term = (window.__terminals || []).find(t => t && t.buffer && t.buffer.active && t.buffer.active.getLine);
  if (!term) return "";
  const buffer = term.buffer.active, lines = [];
  for (let i = 0; i < term.rows; i++) {
    const line = buffer.getLine(buffer.viewportY + i);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    """Until the server accepts connections (or it exited, which fails the test with its log)."""
    for _ in range(600):
        if process.poll() is not None:
            raise AssertionError(f"eiscope serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
    raise AssertionError("eiscope serve did not listen")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """`eiscope serve --demo` on a free port, its output in a log file."""
    folder = tmp_path_factory.mktemp("serve")
    log = folder / "serve.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EI_")}
    env["EISCOPE_CACHE_DIR"] = str(folder / "cache")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "serve", "--demo", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def screen_text(page: Page) -> str:
    return str(page.evaluate(SCREEN_TEXT))


def wait_for_text(page: Page, text: str) -> None:
    page.wait_for_function(f"() => ({SCREEN_TEXT})().includes({text!r})", timeout=WAIT_MS)


def child_command_lines(parent: int) -> list[str]:
    """The command lines of a process's children (the app of each browser session), as `ps` shows them."""
    lines = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                lines.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return lines


def test_browser_shows_the_organization_and_its_structure(
    served: tuple[str, subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    url, process, log = served
    key = fake_key(DEMO_SEED, "admin")
    with urllib.request.urlopen(url) as response:
        page_html = response.read().decode()
    assert "eiscope" in page_html
    assert key not in page_html
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(CATCH_TERMINAL)
            page.goto(f"{url}/?delay=1", wait_until="domcontentloaded")
            page.click("#start")  # textual-serve's start dialog
            wait_for_text(page, "Acme Edge AI")
            text = screen_text(page)
            assert "1 Users" in text
            assert "Kai Mahlangu" in text
            assert key not in page.url
            assert all(key not in line for line in child_command_lines(process.pid))
            page.focus(".xterm-helper-textarea")  # keys go to the terminal, as after a click in it
            page.keyboard.press("x")
            wait_for_text(page, "Inner organizations")
            page.keyboard.press("e")
            wait_for_text(page, "Limits")
            page.wait_for_function(f"() => !({SCREEN_TEXT})().includes('loading the white label')", timeout=WAIT_MS)
            text = screen_text(page)
            assert "Acme Edge AI › Structure" in text
            assert "Members (5)" in text
            shot = tmp_path / "serve.png"
            page.screenshot(path=str(shot))
            if os.environ.get("EISCOPE_UPDATE_SCREENSHOT"):
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shot, SCREENSHOT)
        finally:
            browser.close()
    assert key not in log.read_text(errors="replace")
