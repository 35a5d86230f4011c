"""Run by tests/test_cache_bounds.py in a fresh interpreter, with file modes in force: open an organization in
the real app (headless) on a cache directory that holds a folder it cannot read, and print as JSON what the
screen shows: the members' rows, their status line, the toasts and any error panel.

    python tests/cache_probe.py URL API_KEY ORG_ID CACHE_DIR
"""

from __future__ import annotations

import asyncio
import json
import sys

from tui.api.cache import DiskCache
from tui.api.settings import ClientSettings
from tui.app import EiscopeApp
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel, StatusLine


async def what_the_screen_shows(url: str, key: str, org_id: int, cache_dir: str) -> dict[str, object]:
    app = EiscopeApp(ClientSettings(endpoint=url, api_key=key), org_id=org_id, cache=DiskCache(cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        users = app.screen.query_one("#users-list", ListPane)
        panels = [panel for panel in app.screen.query(ErrorPanel) if panel.has_class("-shown")]
        return {
            "rows": users.table.total_count,
            "status": str(users.query_one(StatusLine).render()),
            "toasts": [f"{n.title}: {n.message}" for n in app._notifications],
            "errors": [str(label.render()) for panel in panels for label in panel.query("Static, Label")],
        }


if __name__ == "__main__":
    url, key, org, cache = sys.argv[1:5]
    print(json.dumps(asyncio.run(what_the_screen_shows(url, key, int(org), cache))))
