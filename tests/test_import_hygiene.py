"""The data layer, the sandbox, config and export never import Textual (they run headless and in CI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str) -> list[str]:
    folder = ROOT.joinpath(*package.split("."))
    return [f"{package}.{p.stem}" for p in sorted(folder.glob("*.py")) if p.stem != "__init__"]


def test_headless_modules_do_not_import_textual() -> None:
    headless = ["tui.config", "tui.config_file", "tui.key_sources", "tui.export", "tui.export_format", "tui.hints"]
    modules = [*_modules("tui.api"), *_modules("tui.sandbox"), *headless]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"textual imported by the headless layer: {done.stdout.strip()}"


def test_arrows_run_one_way() -> None:
    """Widgets are given data: they import neither screens nor the API client nor the app."""
    forbidden = ("screens", "tui.api", "tui.app", "tui.sandbox")
    for path in sorted((ROOT / "widgets").glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                module = words[1]
                assert not module.startswith(forbidden), f"{path.name}:{number} imports {module}"


def test_the_browser_does_not_load_export_to_make_its_cache() -> None:
    code = "import sys, tui.app, tui.run\nprint('tui.export' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_headless_edges_are_defined_once() -> None:
    """One EXPORT_KINDS, one reader of EISCOPE_CACHE_DIR, one redaction, one query rendering."""
    once = {
        "EXPORT_KINDS = ": "tui/export_spec.py",
        '"EISCOPE_CACHE_DIR"': "tui/api/cache.py",
        "def redact(": "tui/api/redact.py",
        "def query_value": "tui/api/query.py",
    }
    sources = {p.relative_to(ROOT).as_posix(): p.read_text() for p in sorted((ROOT / "tui").rglob("*.py"))}
    for needle, home in once.items():
        found = [name for name, text in sources.items() if needle in text]
        assert found == [home], (needle, found)
    assert not [name for name, text in sources.items() if "def _query_value" in text and "sandbox" not in name]
    assert not (ROOT / "tui" / "commands.py").exists()  # renamed tui/run.py: not Textual's command providers
