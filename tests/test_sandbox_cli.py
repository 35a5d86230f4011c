"""`eiscope sandbox`: bad options are refused with one line and exit status 2; --today dates the world."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from tui.cli import main


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--port", "99999"], "--port"),
        (["--port", "-1"], "--port"),
        (["--port", "http"], "--port"),
        (["--latency-ms", "inf"], "--latency-ms"),
        (["--latency-ms", "nan"], "--latency-ms"),
        (["--latency-ms", "-5"], "--latency-ms"),
        (["--jitter-ms", "-1"], "--jitter-ms"),
        (["--slow-body-ms", "inf"], "--slow-body-ms"),
        (["--retry-after", "-1"], "--retry-after"),
        (["--rate-limit", "-1"], "--rate-limit"),
        (["--rate-limit", "0"], "--rate-limit"),
        (["--rate-limit", "inf"], "--rate-limit"),
        (["--error-rate", "1.5"], "--error-rate"),
        (["--throttle-rate", "-0.1"], "--throttle-rate"),
        (["--drop-rate", "nan"], "--drop-rate"),
        (["--false-success-rate", "2"], "--false-success-rate"),
        (["--malformed-row-rate", "1.1"], "--malformed-row-rate"),
        (["--max-page-size", "0"], "--max-page-size"),
        (["--max-page-size", "many"], "--max-page-size"),
        (["--owner-filter", "sometimes"], "--owner-filter"),
        (["--today", "2026-13-40"], "--today"),
        (["--today", "tomorrow"], "--today"),
        (["--today", "2026-11-24"], "--today"),  # before the world's first day
    ],
)
def test_bad_options_are_refused_with_one_line(
    argv: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["sandbox", *argv])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("eiscope sandbox: error: argument " + option), captured.err
    assert "Traceback" not in captured.err


def test_demo_refuses_a_bad_today(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--demo", "--today", "25/11/2026"])
    assert exit_info.value.code == 2 and "--today" in capsys.readouterr().err


def test_today_dates_the_world_and_the_whole_jwt_is_printed() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "sandbox", "--port", "0", "--today", "2030-01-02"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(6)]
        assert "dated 2030-01-02" in lines[0]
        url = next(line.split()[1] for line in lines if line.strip().startswith("endpoint"))
        jwt = next(line.split()[1] for line in lines if line.strip().startswith("JWT"))
        assert jwt.count(".") == 2 and "…" not in jwt
        me = httpx.get(f"{url}/api/user", headers={"x-jwt-token": jwt})
        assert me.status_code == 200
        key = next(line.split()[3] for line in lines if "admin API key" in line)
        org = next(line.split("organization ")[1].rstrip(")\n") for line in lines if "admin API key" in line)
        metrics = httpx.get(f"{url}/api/organizations/{org}/whitelabel/metrics", headers={"x-api-key": key})
        assert metrics.json()["metrics"]["dailyMetrics"][-1]["date"] == "2030-01-01T00:00:00Z"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_fault_options_reach_the_fault_config() -> None:
    import argparse

    from tui.sandbox.cli import add_arguments, faults_from

    parser = argparse.ArgumentParser(prog="eiscope sandbox")
    add_arguments(parser)
    args = parser.parse_args(["--malformed-row-rate", "0.1", "--max-page-size", "250", "--owner-filter", "ignore"])
    faults = faults_from(args)
    assert (faults.malformed_row_rate, faults.max_page_size, faults.owner_filter) == (0.1, 250, "ignore")
    assert faults_from(parser.parse_args([])).owner_filter == "honour"
