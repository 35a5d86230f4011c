"""Time to the first rows in a real terminal: eiscope against a bare Textual app, launched alternately in tmux.

    python bench/bench_first_rows.py [--runs 7] [--size 120x40]

A sandbox runs in its own process (as the Studio API would be elsewhere). Each run starts a fresh tmux window,
launches the program and polls the pane until the expected text is drawn: for eiscope the first user row of the
organization (warm cache: the cache was filled by an earlier run), for the bare app its label. It prints the
median of each, the ratio, and eiscope's cold-cache and `--demo` times beside them. Numbers only; nothing is
asserted (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Footer, Label

    class Bare(App):
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self):
            yield Label("bare textual app ready")
            yield Footer()

    Bare().run()
    """
)


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", "bench-first-rows", *args], capture_output=True, text=True).stdout


def time_to_text(command: str, expected: str, size: str, env: dict[str, str], timeout_s: float = 20.0) -> float:
    """Seconds from launching `command` in a new tmux session until `expected` shows in its pane."""
    width, height = size.split("x")
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    tmux("kill-server")
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", "b", "-x", width, "-y", height, f"env {exports} {command}")
    try:
        while time.perf_counter() - started < timeout_s:
            if expected in tmux("capture-pane", "-p", "-t", "b"):
                return time.perf_counter() - started
            time.sleep(0.005)
        raise TimeoutError(f"{expected!r} never appeared: {tmux('capture-pane', '-p', '-t', 'b')}")
    finally:
        tmux("kill-server")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("needs tmux (apt-get install tmux)", file=sys.stderr)
        return 2
    python = sys.executable
    eiscope = str(Path(python).with_name("eiscope"))
    work = Path(tempfile.mkdtemp(prefix="bench-first-rows-"))
    bare = work / "bare.py"
    bare.write_text(BARE_APP)
    sandbox = subprocess.Popen(
        [eiscope, "sandbox", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        info = _sandbox_info(sandbox)
        base_env = {
            "TERM": "xterm-256color",
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(work),
            "EISCOPE_CONFIG": os.devnull,
            "EI_API_ENDPOINT": info["url"],
            "EI_API_KEY": info["key"],
            "EI_ORG_ID": info["org"],
        }
        warm = {**base_env, "EISCOPE_CACHE_DIR": str(work / "warm")}
        first_user = "Kai Mahlangu"
        time_to_text(eiscope, first_user, args.size, warm)  # fills the warm cache
        ours: list[float] = []
        theirs: list[float] = []
        cold: list[float] = []
        for run in range(args.runs):
            theirs.append(time_to_text(f"{python} {bare}", "bare textual app ready", args.size, base_env))
            ours.append(time_to_text(eiscope, first_user, args.size, warm))
            cold_env = {**base_env, "EISCOPE_CACHE_DIR": str(work / f"cold-{run}")}
            cold.append(time_to_text(eiscope, first_user, args.size, cold_env))
        demo_env = {**base_env, "EISCOPE_CACHE_DIR": str(work / "demo")}
        demo = [time_to_text(f"{eiscope} --demo", first_user, args.size, demo_env) for _ in range(3)]
    finally:
        sandbox.terminate()
        sandbox.wait()
        shutil.rmtree(work, ignore_errors=True)
    bare_ms, ours_ms = statistics.median(theirs) * 1000, statistics.median(ours) * 1000
    print(f"runs: {args.runs} each, alternating, {args.size}, sandbox in its own process")
    print(f"bare Textual app (label + footer):       median {bare_ms:6.0f} ms  ({_spread(theirs)})")
    print(f"eiscope, warm cache, first user rows:    median {ours_ms:6.0f} ms  ({_spread(ours)})")
    print(f"ratio eiscope / bare:                    {ours_ms / bare_ms:.2f}x  (target <= 2x, aim 1.3x)")
    print(f"eiscope, cold cache:                     median {statistics.median(cold) * 1000:6.0f} ms")
    print(f"eiscope --demo (starts its sandbox):     median {statistics.median(demo) * 1000:6.0f} ms")
    return 0


def _spread(values: list[float]) -> str:
    return f"{min(values) * 1000:.0f}-{max(values) * 1000:.0f} ms"


def _sandbox_info(process: subprocess.Popen[str]) -> dict[str, str]:
    """The URL, admin key and owner org id the sandbox prints when it starts."""
    assert process.stdout is not None
    found: dict[str, str] = {}
    deadline = time.perf_counter() + 30
    while len(found) < 3 and time.perf_counter() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lowered = line.lower()
        for word in line.split():
            if word.startswith("http://") and "url" not in found:
                found["url"] = word
            elif word.startswith("ei_") and "key" not in found and "admin" in lowered:
                found["key"] = word
        if "owner" in lowered and "org" not in found:
            digits = [w.strip(",()") for w in line.split() if w.strip(",()").isdigit()]
            if digits:
                found["org"] = digits[0]
    if len(found) < 3:
        raise RuntimeError(f"could not read the sandbox's banner: {found}")
    return found


if __name__ == "__main__":
    raise SystemExit(main())
