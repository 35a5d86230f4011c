"""Time to the first rows in a real terminal: eiscope against a bare Textual app, launched alternately in tmux.

    python bench/bench_first_rows.py [--runs 7] [--size 120x40]

A sandbox runs in its own process (as the Studio API would be elsewhere). Each run starts a fresh tmux window,
launches the program and polls the pane until the expected text is drawn: for eiscope the first user row of the
organization (warm cache: the cache was filled by an earlier run), for the bare app its label. It prints the
median of each, the ratio, and eiscope's cold-cache and `--demo` times beside them. Numbers only; nothing is
asserted (the machine is shared and noisy).

Beside the wall time it reads the CPU time the program had used when the text appeared (utime + stime from
/proc, 10 ms ticks): on a machine loaded by other work the wall time swings with the scheduler, the CPU time much
less. Before measuring, eiscope's packages are compiled to bytecode, as pip does when it installs a package (an
editable install under PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start).
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


RUNS = iter(range(1_000_000))


def tmux(server: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", server, *args], capture_output=True, text=True).stdout


CPU_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


class Timing:
    """The runs of one program: wall seconds and CPU seconds to the expected text."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, measured: tuple[float, float]) -> None:
        self.wall.append(measured[0])
        self.cpu.append(measured[1])


def _cpu_of_children(parent: int) -> float:
    """CPU seconds (user + system) used so far by the processes whose parent is `parent` (the pane's shell)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:  # fields after the name: state, ppid, …, utime (12), stime (13)
            total += (int(fields[11]) + int(fields[12])) * CPU_TICK_S
    return total


def time_to_text(
    command: str, expected: str, size: str, env: dict[str, str], timeout_s: float = 20.0
) -> tuple[float, float]:
    """Wall seconds from launching `command` in a new tmux server until `expected` shows in its pane, and the
    CPU seconds the program had used by then.

    Each run has a tmux server of its own: reusing one right after killing it sometimes lost the new session.
    """
    width, height = size.split("x")
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    server = f"bench-first-rows-{os.getpid()}-{next(RUNS)}"
    started = time.perf_counter()
    tmux(server, "new-session", "-d", "-s", "b", "-x", width, "-y", height, f"env {exports} {command}; sleep 30")
    try:
        shell = int(tmux(server, "list-panes", "-t", "b", "-F", "#{pane_pid}").strip() or 0)
        while time.perf_counter() - started < timeout_s:
            if expected in tmux(server, "capture-pane", "-p", "-t", "b"):
                return time.perf_counter() - started, _cpu_of_children(shell)
            time.sleep(0.005)
        raise TimeoutError(f"{expected!r} never appeared: {tmux(server, 'capture-pane', '-p', '-t', 'b')}")
    finally:
        tmux(server, "kill-server")


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
    packages = [str(ROOT / package) for package in ("tui", "screens", "widgets")]
    subprocess.run([python, "-m", "compileall", "-q", *packages], check=True)  # as `pip install` does
    work = Path(tempfile.mkdtemp(prefix="bench-first-rows-"))
    bare = work / "bare.py"
    bare.write_text(BARE_APP)
    sandbox = subprocess.Popen(
        [eiscope, "sandbox", "--port", "0", "--today", "2026-11-25"], stdout=subprocess.PIPE, text=True
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
        ours, theirs, cold, demo = Timing(), Timing(), Timing(), Timing()
        for run in range(args.runs):
            theirs.add(time_to_text(f"{python} {bare}", "bare textual app ready", args.size, base_env))
            ours.add(time_to_text(eiscope, first_user, args.size, warm))
            cold_env = {**base_env, "EISCOPE_CACHE_DIR": str(work / f"cold-{run}")}
            cold.add(time_to_text(eiscope, first_user, args.size, cold_env))
        demo_env = {**base_env, "EISCOPE_CACHE_DIR": str(work / "demo")}
        for _ in range(3):
            demo.add(time_to_text(f"{eiscope} --demo", first_user, args.size, demo_env))
    finally:
        sandbox.terminate()
        sandbox.wait()
        shutil.rmtree(work, ignore_errors=True)
    bare_ms, ours_ms = statistics.median(theirs.wall) * 1000, statistics.median(ours.wall) * 1000
    bare_cpu, ours_cpu = statistics.median(theirs.cpu) * 1000, statistics.median(ours.cpu) * 1000
    print(f"runs: {args.runs} each, alternating, {args.size}, sandbox in its own process")
    print(f"bare Textual app (label + footer):       median {bare_ms:6.0f} ms  ({_spread(theirs.wall)})")
    print(f"eiscope, warm cache, first user rows:    median {ours_ms:6.0f} ms  ({_spread(ours.wall)})")
    print(f"ratio eiscope / bare:                    {ours_ms / bare_ms:.2f}x  (target <= 1.5x, aim 1.3x)")
    print(f"CPU to the text, bare / eiscope:         median {bare_cpu:6.0f} / {ours_cpu:.0f} ms  ", end="")
    print(f"({ours_cpu / bare_cpu:.2f}x; steadier than wall time on a loaded machine)")
    print(f"eiscope, cold cache:                     median {statistics.median(cold.wall) * 1000:6.0f} ms")
    print(f"eiscope --demo (starts its sandbox):     median {statistics.median(demo.wall) * 1000:6.0f} ms")
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
