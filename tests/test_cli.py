"""The `eiscope` command as a script or a person runs it: real processes, real HTTP to the sandbox."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.hostile import HostileServer, lying_total, trickle
from tui.sandbox.server import Sandbox


def eiscope(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def script_env(sandbox: Sandbox, tmp_path: Path, **extra: str) -> dict[str, str]:
    (tmp_path / "config.toml").touch()  # EISCOPE_CONFIG naming a missing file is an error
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EI_", "EISCOPE_"))}
    env.update(
        EI_API_ENDPOINT=sandbox.url,
        EI_API_KEY=sandbox.admin_key,
        EI_ORG_ID=str(sandbox.owner_org_id),
        EISCOPE_CACHE_DIR=str(tmp_path / "cache"),
        EISCOPE_CONFIG=str(tmp_path / "config.toml"),
    )
    env.update(extra)
    return env


def first_inner_rows(sandbox: Sandbox) -> list[dict[str, object]]:
    response = httpx.get(
        f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}/whitelabel/organizations",
        params={"limit": 20, "offset": 0},
        headers={"x-api-key": sandbox.admin_key},
    )
    return list(response.json()["organizations"])


def test_sandbox_command_prints_how_to_connect_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "sandbox", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        url = next(line.split()[1] for line in lines if line.strip().startswith("endpoint"))
        key = next(line.split()[3] for line in lines if "admin API key" in line)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        response = httpx.get(f"{url}/api/organizations", headers={"x-api-key": key})
        assert response.status_code == 200 and response.json()["success"] is True
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_export_inner_orgs_as_csv_uses_the_api_names(sandbox: Sandbox, tmp_path: Path) -> None:
    done = eiscope("export", "inner-orgs", "--format", "csv", env=script_env(sandbox, tmp_path))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    live = [
        o for o in sandbox.world.inner_organizations if not sandbox.world.inner_organization_meta(o["id"])["deleted"]
    ]
    assert sorted(int(r["id"]) for r in rows) == sorted(o["id"] for o in live)
    assert "entitlementLimits.numberOfUsers" in rows[0]
    assert "\x1b" not in done.stdout


def test_export_metrics_as_jsonl(sandbox: Sandbox, tmp_path: Path) -> None:
    inner = sandbox.world.inner_organizations[0]["id"]
    done = eiscope("export", "metrics", str(inner), "--format", "jsonl", env=script_env(sandbox, tmp_path))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 365 and "totalUsers" in records[-1]


def test_export_exit_codes_and_one_line_errors(sandbox: Sandbox, tmp_path: Path) -> None:
    bad_key = "ei_" + "e" * 64
    cases = {
        3: ("export", "users"),
        4: ("export", "inner-org", "999999"),
        2: ("export", "metrics"),
    }
    for code, args in cases.items():
        env = script_env(sandbox, tmp_path, **({"EI_API_KEY": bad_key} if code == 3 else {}))
        done = eiscope(*args, env=env)
        assert done.returncode == code, (args, done.stderr)
        assert done.stderr.count("\n") <= 2 and "Traceback" not in done.stderr
        assert bad_key not in done.stderr


def test_export_with_a_dead_endpoint_is_exit_5(tmp_path: Path, sandbox: Sandbox) -> None:
    env = script_env(sandbox, tmp_path, EI_API_ENDPOINT="http://127.0.0.1:9/v1")
    done = eiscope("export", "orgs", env=env)
    assert done.returncode == 5 and done.stderr.startswith("eiscope:")


def test_cache_info_and_clear(sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(sandbox, tmp_path)
    assert eiscope("export", "orgs", env=env).returncode == 0
    info = eiscope("cache", "info", env=env)
    assert info.returncode == 0 and str(tmp_path / "cache") in info.stdout
    assert sandbox.admin_key not in info.stdout
    assert eiscope("cache", "clear", env=env).returncode == 0
    offline = eiscope("--offline", "export", "orgs", env=env)
    assert offline.returncode != 0


def test_a_wrong_keymap_entry_stops_the_browser_with_its_line(sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(sandbox, tmp_path)
    Path(env["EISCOPE_CONFIG"]).write_text('[keymap]\nrawjson = "f5"\n')
    for args in ((), ("--demo",)):
        done = eiscope(*args, env=env)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("eiscope: config.toml line 2: keymap.rawjson") and "raw-json" in done.stderr


def test_demo_works_for_every_command_that_reads_the_api(tmp_path: Path) -> None:
    """Issue 20: `eiscope --demo export fleet` failed for want of a key; the demo's sandbox serves every command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EI_", "EISCOPE_"))}
    env.update(
        EISCOPE_CACHE_DIR=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "no-config"), HOME=str(tmp_path)
    )
    fleet = eiscope("--demo", "export", "fleet", "--format", "csv", env=env)
    assert fleet.returncode == 0, fleet.stderr
    assert fleet.stdout.startswith("id,name,status") and len(fleet.stdout.splitlines()) > 5
    inner = eiscope("export", "--demo", "inner-org", "2009", env=env)
    assert inner.returncode == 0, inner.stderr
    assert '"dailyMetrics"' in inner.stdout
    info = eiscope("--demo", "cache", "info", env=env)
    assert info.returncode == 0 and str(tmp_path / "cache") in info.stdout


def test_broken_config_is_one_clear_line(sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(sandbox, tmp_path)
    Path(env["EISCOPE_CONFIG"]).write_text('[profiles.work]\nendpoint = "https://x"\napi_key = \n')
    done = eiscope("export", "orgs", "--profile", "work", env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("eiscope:") and "line 3" in done.stderr and "Traceback" not in done.stderr


def test_export_into_a_closed_pipe_ends_quietly(large_sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(large_sandbox, tmp_path)  # 1,000 inner orgs: far more than a pipe buffer holds
    done = subprocess.run(
        f"{sys.executable} -m tui.cli export inner-orgs --format jsonl | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["id"]
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


SECRET_KEY = "ei_SECRET" + "9" * 55


def assert_one_quiet_line(done: subprocess.CompletedProcess[str], *secrets: str) -> None:
    assert done.stderr.startswith("eiscope:") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    for secret in secrets:
        assert secret not in done.stderr and secret not in done.stdout


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:99999/v1", "http://[::1/v1"])
def test_export_with_an_unusable_endpoint_is_one_line_and_exit_5(
    endpoint: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    env = script_env(sandbox, tmp_path, EI_API_ENDPOINT=endpoint, EI_API_KEY=SECRET_KEY)
    done = eiscope("export", "orgs", env=env)
    assert done.returncode == 5
    assert_one_quiet_line(done, SECRET_KEY)
    assert "Press r" not in done.stderr and "--endpoint" in done.stderr  # a hint true for the command line


def test_export_of_a_list_whose_total_lies_ends(sandbox: Sandbox, tmp_path: Path) -> None:
    rows = first_inner_rows(sandbox)
    with HostileServer({"/whitelabel/organizations": lying_total(rows, "organizations")}) as server:
        env = script_env(sandbox, tmp_path, EI_API_ENDPOINT=server.url)
        done = eiscope("export", "inner-orgs", "--format", "jsonl", env=env)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(rows)
    assert server.requests < 50


def test_export_from_a_trickling_server_meets_its_deadline(sandbox: Sandbox, tmp_path: Path) -> None:
    with HostileServer({"/api/organizations": trickle(every_s=0.3)}) as server:
        env = script_env(sandbox, tmp_path, EI_API_ENDPOINT=server.url)
        Path(env["EISCOPE_CONFIG"]).write_text("request_deadline_s = 1\n")
        done = eiscope("export", "orgs", env=env, timeout=120)
    assert done.returncode == 5
    assert_one_quiet_line(done, sandbox.admin_key)
    assert "within 1 s" in done.stderr


def test_export_to_a_full_disk_is_one_line_and_exit_1(sandbox: Sandbox, tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli", "export", "inner-orgs"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=script_env(sandbox, tmp_path),
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr.startswith("eiscope: could not write the export") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_api_key_flag_works_but_warns_once(sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(sandbox, tmp_path)
    key = env.pop("EI_API_KEY")
    done = eiscope("export", "orgs", "--api-key", key, "--jwt-token", sandbox.jwt_token, env=env)
    assert done.returncode == 0
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "ps" in warnings[0] and key not in done.stderr


def test_api_key_from_standard_input_or_a_file(sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(sandbox, tmp_path)
    key = env.pop("EI_API_KEY")
    piped = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "orgs", "--api-key-file", "-"],
        input=key + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert piped.returncode == 0 and piped.stderr == ""
    assert json.loads(piped.stdout)[0]["id"] == sandbox.owner_org_id
    key_file = tmp_path / "key"
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    done = eiscope("export", "orgs", "--api-key-file", str(key_file), env=env)
    assert done.returncode == 0 and done.stderr == ""


def test_commands_needing_no_key_do_not_run_the_key_command(sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(sandbox, tmp_path)
    env.pop("EI_API_KEY")
    env.pop("EI_API_ENDPOINT")  # the profile pins its endpoint: a variable may not replace it
    marker = tmp_path / "ran"
    config = Path(env["EISCOPE_CONFIG"])
    config.write_text(
        f'default_profile = "p"\n[profiles.p]\nendpoint = "{sandbox.url}"\n'
        f'api_key_command = "echo run >> {marker}; echo {sandbox.admin_key}"\n'
    )
    config.chmod(0o600)
    assert eiscope("export", "orgs", env=env).returncode == 0  # runs the command once, fills the cache
    assert marker.read_text().count("run") == 1
    offline = eiscope("--offline", "export", "orgs", env=env)
    assert offline.returncode == 0, offline.stderr
    assert json.loads(offline.stdout)[0]["id"] == sandbox.owner_org_id  # the cache of the same profile
    assert eiscope("cache", "info", env=env).returncode == 0
    assert eiscope("cache", "clear", env=env).returncode == 0
    assert marker.read_text().count("run") == 1


def test_check_answers_as_a_monitoring_plugin_and_snapshots_hold_no_key(sandbox: Sandbox, tmp_path: Path) -> None:
    env = script_env(sandbox, tmp_path)
    done = eiscope("check", env=env)
    line = "EISCOPE FLEET CRITICAL - 3 over, 4 at limit, 1 near, 3 ok | over=3 at=4 near=1 ok=3 unknown=0\n"
    assert (done.returncode, done.stdout, done.stderr) == (2, line, "")
    done = eiscope("export", "changes", env=env)
    assert done.returncode == 0 and json.loads(done.stdout) == [] and "no earlier snapshot" in done.stderr
    snapshots = list((tmp_path / "cache").rglob("snapshots/*/*/*.json.gz"))
    assert len(snapshots) == 7  # members, projects, datasets, inner orgs, fleet, white-label users and projects
    for path in snapshots:
        text = gzip.decompress(path.read_bytes())
        assert sandbox.admin_key.encode() not in text and b"x-api-key" not in text
    assert eiscope("--watch", "10s", env=env).returncode == 2  # 30 s at least
