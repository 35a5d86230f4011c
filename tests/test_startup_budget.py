"""The start-up budget (issue: first rows within 2x of a bare Textual app), guarded so the win does not erode:
a browse never imports the sandbox, and what is imported before the first rows is on an allow-list."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, StudioClient
from tui.sandbox.server import Sandbox

ROOT = Path(__file__).resolve().parent.parent

# Our modules the first paint may import. A new one here is a deliberate choice: is it needed before the rows?
# (Issue 20: the screens past the first, the palette and the Usage tab are imported when first opened; the list
# shrank with them.)
ALLOWED_OWN = frozenset(
    {
        "screens",
        "screens.base",
        "screens.change_host",  # the organization screen's marks of what changed (a mixin; pure Python)
        "screens.columns",
        "screens.fleet",
        "screens.keys",
        "screens.list_state",
        "screens.loading",
        "screens.messages",
        "screens.organization",
        "screens.paged_lists",
        "tui",
        "tui.api",
        "tui.api.cache",
        "tui.api.files",
        "tui.api.kept",
        "tui.api.limits",
        "tui.api.cache_keys",
        "tui.api.errors",
        "tui.api.fleet",
        "tui.api.fleet_walk",
        "tui.api.fleet_store",  # with fleet_walk: the kept fleet summaries (pydantic-core only, as the cache)
        "tui.api.paging",
        "tui.api.peek",
        "tui.api.query",
        "tui.api.row_marks",
        "tui.api.settings",
        "tui.api.source",
        "tui.app",
        "tui.arg_types",
        "tui.cli",
        "tui.config",
        "tui.config_file",
        "tui.export_spec",
        "tui.formatting",
        "tui.hints",
        "tui.key_sources",
        "tui.profile_pin",  # with config: a chosen profile pins endpoint, key and org
        "tui.keymap",
        "tui.run",
        "tui.safe_text",
        "tui.serve",
        "widgets",
        "widgets.breadcrumbs",
        "widgets.card",
        "widgets.change_marks",
        "widgets.column",
        "widgets.column_fit",
        "widgets.key_footer",
        "widgets.list_pane",
        "widgets.notice",
        "widgets.reading",
        "widgets.resource_table",
        "widgets.row_pack",
        "widgets.row_store",
        "widgets.search_text",
        "widgets.sort_keys",
        "widgets.tabbed_view",
    }
)

# What only the network path needs: built after the first rows are painted.
NETWORK_ONLY = {"httpx", "pydantic", "tui.api.client", "tui.api.transport", "tui.api.models", "tui.sandbox"}


def run_python(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_cli_entry_point_does_not_import_the_sandbox() -> None:
    script = (
        "import sys, tui.cli, tui.run, tui.app; tui.cli.parser_for(['--org', '1']).parse_args(['--org', '1']); "
        "print(sorted(sys.modules))"
    )
    out = run_python("-c", script)
    assert "tui.sandbox" not in out and "tui.sandbox.server" not in out


async def test_first_rows_from_the_cache_import_only_the_allowed_modules(sandbox: Sandbox, tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "cache")
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    async with StudioClient(settings, cache) as client:  # warm the cache as an earlier visit would
        await client.organization_info(sandbox.owner_org_id)
    out = run_python(
        "tests/startup_probe.py", sandbox.url, sandbox.admin_key, str(sandbox.owner_org_id), str(tmp_path / "cache")
    )
    modules = set(json.loads(out))
    own = {m for m in modules if m.split(".")[0] in ("tui", "screens", "widgets")}
    assert own <= ALLOWED_OWN, f"new modules before the first rows: {sorted(own - ALLOWED_OWN)}"
    heavy = {m for m in modules if m in NETWORK_ONLY or m.split(".")[0] in NETWORK_ONLY}
    assert heavy == set(), f"network-only modules imported before the first rows: {sorted(heavy)}"
