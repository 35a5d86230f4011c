"""Run by tests/test_startup_budget.py in a fresh interpreter: start eiscope's browse path on a warm cache and
print, as JSON, every module imported by the time the organization's first rows are on screen.

    python tests/startup_probe.py URL API_KEY ORG_ID CACHE_DIR
"""

from __future__ import annotations

import asyncio
import json
import sys

import tui.cli  # noqa: F401 - the console script's module, as `eiscope` imports it
from tui.api.cache import DiskCache
from tui.api.settings import ClientSettings
from tui.app import EiscopeApp
from widgets.list_pane import ListPane


async def first_rows_modules(url: str, key: str, org_id: int, cache_dir: str) -> list[str]:
    app = EiscopeApp(ClientSettings(endpoint=url, api_key=key), org_id=org_id, cache=DiskCache(cache_dir))
    async with app.run_test(size=(120, 40)):
        for _ in range(5000):
            panes = app.screen.query("#users-list")
            if panes and panes.first(ListPane).table.total_count:
                return sorted(sys.modules)
            await asyncio.sleep(0.002)
    raise SystemExit("the first rows never appeared")


if __name__ == "__main__":
    url, key, org, cache = sys.argv[1:5]
    print(json.dumps(asyncio.run(first_rows_modules(url, key, int(org), cache))))
