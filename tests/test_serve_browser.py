"""`eiscope serve --demo` in a real browser: Debian's headless Chromium driven by Playwright.

It opens the URL the server printed (with its token), as a person would. The terminal draws on a canvas, so the
test reads xterm.js's own buffer: an init script catches the terminal object when textual-serve's fit addon is
given it (`addon._terminal = terminal`), and `page.evaluate` reads its lines. The screenshot it takes is the
README's picture (EISCOPE_UPDATE_SCREENSHOT=1 writes it to docs/).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.serve_helpers import Served, children, serving
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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`eiscope serve --demo` on a free port, as a person starts it; its output in a log file."""
    with serving(tmp_path_factory.mktemp("serve"), "--demo") as running:
        yield running


def screen_text(page: Page) -> str:
    return str(page.evaluate(SCREEN_TEXT))


def wait_for_text(page: Page, text: str) -> None:
    page.wait_for_function(f"() => ({SCREEN_TEXT})().includes({text!r})", timeout=WAIT_MS)


def test_browser_shows_the_organization_and_its_structure(served: Served, tmp_path: Path) -> None:
    key = fake_key(DEMO_SEED, "admin")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            stranger = browser.new_page()  # no token, no cookie: the page says how to get in, and shows nothing
            response = stranger.goto(served.base + "/")
            assert response is not None and response.status == 401
            assert "Token needed" in stranger.content() and "eiscope serve" in stranger.content()
            stranger.close()

            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(CATCH_TERMINAL)
            page.goto(f"{served.url}&delay=1", wait_until="domcontentloaded")  # the URL it printed, token and all
            assert page.url == f"{served.base}/?delay=1"  # the token went into a cookie, out of the address bar
            [cookie] = page.context.cookies()
            assert (cookie["value"], cookie["httpOnly"], cookie["sameSite"]) == (served.token, True, "Strict")
            assert key not in page.content()
            page.click("#start")  # textual-serve's start dialog
            wait_for_text(page, "Acme Edge AI")
            text = screen_text(page)
            assert "1 Users" in text
            assert "Kai Mahlangu" in text
            assert key not in page.url
            assert all(key not in line for _, line in children(served.process.pid))
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
    assert key not in served.text()
