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
    modules = [*_modules("tui.api"), *_modules("tui.sandbox"), "tui.config", "tui.export"]
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
