"""Run a command that file modes stop, even when the tests run as root.

`chmod 000` stops every user but root: root reads anything through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH.
The test machines run as root, so there a command meant to meet an unreadable folder runs without those two
capabilities (`setpriv --bounding-set`, util-linux): a mode-000 folder is then as closed to it as a folder that
`sudo -E eiscope` left behind is to its owner's eiscope. An ordinary user needs nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETPRIV = shutil.which("setpriv")


def unprivileged_prefix() -> list[str]:
    """What to put before a command so that file modes stop it."""
    if os.geteuid() != 0:
        return []
    assert SETPRIV is not None, "setpriv (util-linux) is needed to drop root's file capabilities in this test"
    return [SETPRIV, "--bounding-set", "-dac_override,-dac_read_search", "--"]


@contextmanager
def unreadable(path: Path) -> Iterator[Path]:
    """`path` as a folder nobody can list or enter (mode 000) for the duration, then as it was."""
    path.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777
    os.chmod(path, 0)
    try:
        yield path
    finally:
        os.chmod(path, mode)


def run_python(args: list[str], env: dict[str, str], timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    """`python ARGS` from the repository with file modes in force, with `env` over this process's environment."""
    return subprocess.run(
        [*unprivileged_prefix(), sys.executable, *args],
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
