"""Peak memory of eiscope against a hostile server, with the default bounds. Prints numbers only.

    python bench/bench_hostile.py

A demo sandbox sits behind the hostile server of tests/hostile.py (both in this process); each measured run
is its own process (peak resident size from wait4): `eiscope export` of a gzip bomb (1 MB → 1 GB), a 500 MB
body, and a list whose pages never end (`total` 10^9, every page 1,000 real-size rows: the row cap or the
byte budget stops it), then the real app (headless) opening that endless list in its Inner orgs tab.
Target (issue 21): under 300 MB resident whatever the server sends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import HostileServer, endless_pages, gzip_bomb, huge_body  # noqa: E402
from tui.sandbox.server import Sandbox  # noqa: E402

APP = """
import asyncio, sys
from tui.api.cache import DiskCache
from tui.api.settings import ClientSettings
from tui.app import EiscopeApp
from widgets.list_pane import ListPane
from widgets.notice import StatusLine

async def main(url, key, org, cache):
    app = EiscopeApp(ClientSettings(endpoint=url, api_key=key), org_id=org, cache=DiskCache(cache))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("4")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane = app.screen.query_one("#inner-orgs-list", ListPane)
        print(pane.table.total_count, "rows ·", pane.query_one(StatusLine).render())

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
"""


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Peak RSS (MB), seconds and the last line of output of `command` run in its own process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(child.stdout.read() if child.stdout else b""))
    reader.start()
    _, _, usage = os.wait4(child.pid, 0)
    reader.join()
    lines = b"".join(out).decode(errors="replace").strip().splitlines()
    return usage.ru_maxrss / 1024, time.perf_counter() - started, (lines[-1] if lines else "")[:150]


def first_inner_org(sandbox: Sandbox) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}/whitelabel/organizations?limit=1",
        headers={"x-api-key": sandbox.admin_key},
    )
    with urllib.request.urlopen(request) as answer:
        return dict(json.loads(answer.read())["organizations"][0])


def main() -> None:
    with Sandbox(scale="demo") as sandbox, tempfile.TemporaryDirectory() as tmp:
        list_path = "/whitelabel/organizations"
        routes = {
            f"{list_path}/5": gzip_bomb(),
            f"{list_path}/6": huge_body(),
            list_path: endless_pages(first_inner_org(sandbox), "organizations"),
        }
        with HostileServer(routes, behind=sandbox.url) as server:
            org = str(sandbox.owner_org_id)
            env = {
                **os.environ,
                "EI_API_ENDPOINT": server.url,
                "EI_API_KEY": sandbox.admin_key,
                "EISCOPE_CONFIG": os.devnull,
                "EISCOPE_CACHE_DIR": str(Path(tmp) / "cache"),
            }
            export = [sys.executable, "-m", "tui.cli", "export", "--org", org]
            runs = [
                ("export: gzip bomb, 1 MB → 1 GB", [*export, "inner-org", "5"]),
                ("export: 500 MB body", [*export, "inner-org", "6"]),
                ("export: endless pages (jsonl)", [*export, "inner-orgs", "--format", "jsonl", "--no-cache"]),
                (
                    "app: endless pages, Inner orgs tab",
                    [sys.executable, "-c", APP, server.url, sandbox.admin_key, org, str(Path(tmp) / "app-cache")],
                ),
            ]
            for name, command in runs:
                peak, seconds, last = measured(command, env)
                print(f"  {name:38} peak RSS {peak:6,.0f} MB  {seconds:5.1f} s  {last}")
            print(f"  requests served by the hostile server: {server.requests:,}")


if __name__ == "__main__":
    main()
