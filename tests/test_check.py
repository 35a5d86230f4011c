"""`eiscope check`: the Nagios/Icinga plugin, run as a monitoring system runs it, one exit status at a time."""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.api.fleet import Status
from tui.check import CRITICAL, OK, UNKNOWN, WARNING, state_for
from tui.cli import main
from tui.sandbox.server import Sandbox

DEMO_LINE = "3 over, 4 at limit, 1 near, 3 ok | over=3 at=4 near=1 ok=3 unknown=0"
"""The demo world's fleet (seed 7, DEFAULT_TODAY): the same numbers as the Fleet tab's summary."""


@pytest.fixture
def plugin_env(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The environment a monitoring system gives the plugin: a key, an endpoint, an org, no profile."""
    monkeypatch.setenv("EI_API_ENDPOINT", sandbox.url)
    monkeypatch.setenv("EI_API_KEY", sandbox.admin_key)
    monkeypatch.setenv("EI_ORG_ID", str(sandbox.owner_org_id))
    monkeypatch.setenv("EISCOPE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "config.toml").touch()  # EISCOPE_CONFIG naming a missing file is an error
    monkeypatch.setenv("EISCOPE_CONFIG", str(tmp_path / "config.toml"))
    pipe = signal.getsignal(signal.SIGPIPE)  # the command sets it as a CLI does; pytest's must come back
    yield tmp_path
    signal.signal(signal.SIGPIPE, pipe)


def check(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str]:
    code = main(["check", *words])
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one line, not {out!r}"
    return code, out.rstrip("\n")


def test_critical_when_an_inner_org_is_at_or_over_its_limit(
    plugin_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(capsys) == (CRITICAL, f"EISCOPE FLEET CRITICAL - {DEMO_LINE}")


def test_warning_when_the_worst_is_only_at_the_warning_level(
    plugin_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(capsys, "--warn", "near", "--crit", "none") == (WARNING, f"EISCOPE FLEET WARNING - {DEMO_LINE}")


def test_ok_when_no_inner_org_reaches_a_threshold(plugin_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, "--warn", "none", "--crit", "none") == (OK, f"EISCOPE FLEET OK - {DEMO_LINE}")


def test_the_thresholds_rank_over_above_at_above_near() -> None:
    def state(warn: str, crit: str, **counts: int) -> int:
        return state_for(Counter({Status(k): n for k, n in counts.items()}), warn=warn, crit=crit)

    assert state("near", "at", ok=3, unknown=2) == OK  # unreadable orgs alone change nothing
    assert state("near", "at", ok=3, near=1) == WARNING
    assert state("near", "at", near=1, at=1) == CRITICAL
    assert state("near", "over", at=1) == WARNING
    assert state("at", "over", near=4) == OK
    assert state("at", "over", over=1) == CRITICAL


def test_unknown_when_the_key_is_not_a_white_label_admin(
    plugin_env: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EI_API_KEY", sandbox.plain_key)
    monkeypatch.setenv("EI_ORG_ID", str(sandbox.plain_org_id))
    code, line = check(capsys)
    assert code == UNKNOWN and line.startswith("EISCOPE FLEET UNKNOWN - could not read the fleet: ")
    assert sandbox.plain_key not in line


def test_unknown_when_the_api_cannot_be_reached(
    plugin_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EI_API_ENDPOINT", "http://127.0.0.1:9/v1")  # nothing listens on the discard port
    code, line = check(capsys)
    assert code == UNKNOWN and line.startswith("EISCOPE FLEET UNKNOWN - could not read the fleet: ")


def test_unknown_when_no_inner_org_can_be_read(
    plugin_env: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.fail_next("/whitelabel/organizations/", [500] * 200)  # every info, every retry; the list answers
    code, line = check(capsys)
    assert code == UNKNOWN
    assert line.startswith(
        "EISCOPE FLEET UNKNOWN - could not read the fleet: no inner organization's info could be read"
    )


def test_unknown_on_a_usage_error(plugin_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--crit", "maybe"])
    out = capsys.readouterr().out
    assert exited.value.code == UNKNOWN
    assert out.startswith("EISCOPE FLEET UNKNOWN - usage: argument --crit: invalid choice: 'maybe'")


def test_unknown_on_a_broken_configuration(plugin_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (plugin_env / "config.toml").write_text('defualt_profile = "work"\n')
    code, line = check(capsys)
    assert code == UNKNOWN and line.startswith("EISCOPE FLEET UNKNOWN - configuration: config.toml line 1")
