"""A key goes only where its profile says (issue 21): profile pinning, config files others could write, files that
are no config, keys with control characters, a key command's whole tree killed, redaction of echoed keys.

Each check runs eiscope as a person would (a real process, a real server that records what it was sent) where the
point is what reaches the network; the rest calls `resolve_settings`, which every command goes through.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from tests.hostile import HostileServer
from tests.serve_helpers import alive
from tui.api.redact import redact
from tui.app import EiscopeApp
from tui.config import ConfigError, resolve_settings, run_key_command
from tui.config_file import MAX_CONFIG_BYTES, trust_problem
from tui.sandbox.server import Sandbox


def eiscope(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EI_", "EISCOPE_"))}
    env["EISCOPE_CACHE_DIR"] = str(tmp_path / "cache")
    env.update(extra)
    return env


class KeyRecorder:
    """A server that records the API key of every request and refuses it: 401, or with `echo` a 403 whose error
    text repeats the key upper-cased or cut."""

    def __init__(self, echo: str = "") -> None:
        self.keys: list[str] = []
        self.echo = echo

        def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
            key = request.headers.get("x-api-key", "")
            self.keys.append(key)
            shown = {"upper": key.upper(), "cut": key[5:22], "": ""}[self.echo]
            body = f'{{"success": false, "error": "invalid API key {shown}"}}'.encode()
            request.send_response(403 if self.echo else 401)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        self.server = HostileServer({"": handle})


@pytest.fixture
def recorder() -> Iterator[KeyRecorder]:
    recording = KeyRecorder()
    with recording.server:
        yield recording


def write_config(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


# ---------------------------------------------------------------- a profile pins endpoint, key and org together


def test_a_leftover_endpoint_variable_never_gets_the_profiles_key(
    sandbox: Sandbox, recorder: KeyRecorder, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    config = write_config(
        tmp_path / "config.toml",
        f'[profiles.work]\nendpoint = "{sandbox.url}"\norg = {sandbox.owner_org_id}\n'
        f'api_key_command = "echo ran >> {marker}; echo {sandbox.admin_key}"\n',
    )
    env = clean_env(tmp_path, EISCOPE_CONFIG=str(config), EI_API_ENDPOINT=recorder.server.url)
    done = eiscope("export", "orgs", "--profile", "work", env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("eiscope: EI_API_ENDPOINT=") and done.stderr.count("\n") == 1
    assert "profile 'work'" in done.stderr and "--endpoint" in done.stderr
    assert recorder.keys == [] and not marker.exists()  # refused before the password manager was asked
    assert sandbox.admin_key not in done.stderr


def test_a_default_profile_pins_too_and_a_flag_may_override_saying_so(sandbox: Sandbox, tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config.toml",
        f'default_profile = "work"\n[profiles.work]\norg = {sandbox.owner_org_id}\napi_key = "{sandbox.admin_key}"\n',
    )
    env = clean_env(tmp_path, EISCOPE_CONFIG=str(config), EI_API_ENDPOINT=sandbox.url)
    refused = eiscope("export", "orgs", env=env)
    assert refused.returncode == 2 and "(default_profile)" in refused.stderr and "EI_API_ENDPOINT" in refused.stderr
    assert sandbox.request_counts() == {}
    chosen = eiscope("export", "orgs", "--endpoint", sandbox.url, env=env)
    assert chosen.returncode == 0, chosen.stderr
    assert "--endpoint replaces the endpoint of profile 'work'" in chosen.stderr


def test_another_key_never_goes_to_the_profiles_endpoint(
    sandbox: Sandbox, recorder: KeyRecorder, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        f'[profiles.work]\nendpoint = "{recorder.server.url}"\napi_key_env = "WORK_KEY"\n',
    )
    for variable in ("EI_API_KEY", "EI_JWT_TOKEN"):
        env = clean_env(tmp_path, EISCOPE_CONFIG=str(config), WORK_KEY="ei_work_key", **{variable: "ei_other_org"})
        done = eiscope("export", "orgs", "--profile", "work", env=env)
        assert done.returncode == 2 and done.stderr.startswith(f"eiscope: {variable} is set, but profile 'work'")
        assert "ei_other_org" not in done.stderr and "ei_work_key" not in done.stderr
    assert recorder.keys == []
    env = clean_env(tmp_path, EISCOPE_CONFIG=str(config), WORK_KEY="ei_work_key")
    assert eiscope("export", "orgs", "--profile", "work", env=env).returncode == 3  # the recorder answers 401
    assert recorder.keys == ["ei_work_key"]


def test_environment_fills_what_the_profile_leaves_unset(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", '[profiles.p]\nendpoint = "https://p.example/v1"\norg = 4\n')
    env = {"EISCOPE_CONFIG": str(config), "EI_API_KEY": "ei_env", "EI_PROFILE": "p"}
    s = resolve_settings({}, env)
    assert (s.endpoint, s.api_key, s.org_id) == ("https://p.example/v1", "ei_env", 4)
    with pytest.raises(ConfigError, match=r"^EI_ORG_ID=5 differs from the organization of profile 'p' \(EI_PROFILE\)"):
        resolve_settings({}, {**env, "EI_ORG_ID": "5"})
    assert resolve_settings({"org": 5}, {**env, "EI_ORG_ID": "5"}).org_id == 5


def test_no_profile_uses_the_environment_alone(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", 'default_profile = "p"\n[profiles.p]\napi_key = "ei_p"\n')
    s = resolve_settings({"no_profile": True}, {"EISCOPE_CONFIG": str(config), "EI_API_KEY": "ei_env"})
    assert (s.profile, s.api_key) == (None, "ei_env")


# ---------------------------------------------------------------- a config others could write is not read


def test_a_world_writable_config_runs_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    config = write_config(
        tmp_path / "config.toml",
        f'default_profile = "p"\n[profiles.p]\nendpoint = "{sandbox.url}"\n'
        f'api_key_command = "echo ran > {marker}; echo {sandbox.admin_key}"\n',
        mode=0o666,
    )
    for command in (("export", "orgs"), ("cache", "info")):
        done = eiscope(*command, env=clean_env(tmp_path, EISCOPE_CONFIG=str(config)))
        assert done.returncode == 2 and done.stderr.count("\n") == 1
        assert "writable by others (mode 666)" in done.stderr and "chmod go-w" in done.stderr
    assert not marker.exists() and sandbox.request_counts() == {}
    config.chmod(0o620)  # group-writable is refused as well
    with pytest.raises(ConfigError, match="writable by others"):
        resolve_settings({}, {"EISCOPE_CONFIG": str(config)})


def test_a_config_owned_by_another_user_or_in_a_folder_others_write_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", '[profiles.p]\napi_key = "ei_inline"\n')
    assert trust_problem(config, config.stat()) is None
    if os.geteuid() == 0:
        os.chown(config, 4242, -1)  # root (CI) can give the file away; root's own files are trusted, as ssh does
        with pytest.raises(ConfigError, match="owned by uid 4242, not by you"):
            resolve_settings({}, {"EISCOPE_CONFIG": str(config)})
    else:
        problem = trust_problem(config, config.stat(), uid=os.geteuid() + 4242)
        assert problem is not None and "not by you" in problem
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    inside = write_config(shared / "config.toml", '[profiles.p]\napi_key = "ei_inline"\n')
    with pytest.raises(ConfigError, match="which others can write"):
        resolve_settings({}, {"EISCOPE_CONFIG": str(inside)})
    shared.chmod(0o1777)  # sticky, like /tmp: others cannot replace our file
    assert resolve_settings({}, {"EISCOPE_CONFIG": str(inside)}).profile is None


# ---------------------------------------------------------------- a config that is no file, too big, or missing


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "directory", "huge"])
def test_a_config_that_is_no_small_file_is_one_line(tmp_path: Path, kind: str) -> None:
    target = {"dev-zero": Path("/dev/zero"), "fifo": tmp_path / "fifo", "directory": tmp_path}.get(kind)
    if kind == "fifo":
        os.mkfifo(tmp_path / "fifo", 0o600)
    if kind == "huge":
        target = write_config(tmp_path / "config.toml", "# " + "x" * MAX_CONFIG_BYTES + "\n")
    assert target is not None
    for command in (("export", "orgs"), ("cache", "info")):
        done = eiscope(*command, env=clean_env(tmp_path, EISCOPE_CONFIG=str(target)), timeout=30)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("eiscope: ") and done.stderr.count("\n") == 1
        assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
        expected = "bytes; a config file may hold" if kind == "huge" else "not a regular file"
        assert expected in done.stderr


def test_a_missing_config_named_by_eiscope_config_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "typo.toml"
    done = eiscope("cache", "info", env=clean_env(tmp_path, EISCOPE_CONFIG=str(missing)))
    assert done.returncode == 2
    assert done.stderr == f"eiscope: EISCOPE_CONFIG names {missing}, which does not exist\n"
    assert resolve_settings({}, {"EISCOPE_CONFIG": os.devnull}).profile is None  # /dev/null: no config, on purpose


# ---------------------------------------------------------------- a key with control characters is refused as such


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"\0\0\0\0", "a NUL byte"),
        (b"ei_first\nei_second\n", "a line break"),
        (b"ei_abc\x1b[2Jdef\n", "an ESC"),
        (b"ei_abc\xc2\x9bdef", "U+009B"),
        (b"ei_caf\xc3\xa9", "outside ASCII"),
    ],
)
def test_a_key_file_with_control_characters_is_refused_as_such(
    recorder: KeyRecorder, tmp_path: Path, content: bytes, expected: str
) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(content)
    key_file.chmod(0o600)
    env = clean_env(tmp_path, EISCOPE_CONFIG=os.devnull, EI_API_ENDPOINT=recorder.server.url)
    done = eiscope("export", "orgs", "--api-key-file", str(key_file), env=env)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"eiscope: --api-key-file {key_file}: the key holds ") and expected in done.stderr
    assert "network" not in done.stderr and recorder.keys == []


def test_a_key_with_control_characters_is_refused_from_every_source(tmp_path: Path) -> None:
    none = {"EISCOPE_CONFIG": os.devnull}
    with pytest.raises(ConfigError, match=r"^EI_API_KEY: the key holds a line break"):
        resolve_settings({}, {**none, "EI_API_KEY": "ei_a\nb"})
    with pytest.raises(ConfigError, match=r"^--api-key-file -: the key holds a NUL byte"):
        resolve_settings({"api_key_file": "-"}, none, stdin=io.StringIO("ei_a\0b\n"))
    with pytest.raises(ConfigError, match=r"^--jwt-token: the key holds a tab"):
        resolve_settings({"jwt_token": "a\tb"}, none)
    with pytest.raises(ConfigError, match="api_key_command: the key holds an ESC"):
        run_key_command(r"printf 'ei_a\033]52;c;x\007\n'", "vault")
    config = write_config(tmp_path / "c.toml", '[profiles.p]\napi_key = "ei_a\\u0000b"\n')
    with pytest.raises(ConfigError, match=r"^profile 'p': api_key: the key holds a NUL byte"):
        resolve_settings({"profile": "p"}, {"EISCOPE_CONFIG": str(config)})
    # one trailing line break (CRLF too) is how files end: it goes
    s = resolve_settings({"api_key_file": "-"}, none, stdin=io.StringIO("ei_clean\r\n"))
    assert s.api_key == "ei_clean"


# ---------------------------------------------------------------- the key command's whole tree dies on timeout


def test_a_key_command_that_hangs_is_killed_with_what_it_started_even_after_setsid(tmp_path: Path) -> None:
    escaped, orphan = tmp_path / "escaped", tmp_path / "orphan"
    command = (
        f"setsid sleep 1000 >/dev/null 2>&1 & echo $! > {escaped}; "
        f"(setsid sleep 1001 >/dev/null 2>&1 & echo $! > {orphan}); "
        "wait"
    )
    pids: list[int] = []
    try:
        started = time.monotonic()
        with pytest.raises(ConfigError, match="did not finish within 1 s"):
            run_key_command(command, "vault", timeout_s=1.0)
        assert time.monotonic() - started < 10
        pids = [int(escaped.read_text()), int(orphan.read_text())]
        assert [pid for pid in pids if alive(pid)] == []
    finally:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- redaction: any case, any cut of 12+ characters


def test_redaction_covers_any_case_and_any_cut_of_twelve_characters() -> None:
    key = "ei_0123456789abcdefABCDEF0123456789"
    assert redact(f"bad key {key}", [key]) == "bad key ***"
    assert redact(f"bad key {key.upper()}!", [key]) == "bad key ***!"
    assert redact(f"starts {key[:12]}… ends {key[-14:]}", [key]) == "starts ***… ends ***"
    assert redact(f"short {key[4:15]} stays", [key]) == f"short {key[4:15]} stays"  # 11 characters: no key
    assert redact("nothing here", [key, None, ""]) == "nothing here"
    assert redact("token: AbC", ["abc"]) == "token: ***"  # a short secret is cut out whole


@pytest.mark.parametrize("echo", ["upper", "cut"])
def test_a_server_that_echoes_the_key_changed_gets_it_redacted(tmp_path: Path, echo: str) -> None:
    key = "ei_" + "7f3a9c" * 8
    recording = KeyRecorder(echo)
    with recording.server:
        env = clean_env(tmp_path, EISCOPE_CONFIG=os.devnull, EI_API_ENDPOINT=recording.server.url, EI_API_KEY=key)
        done = eiscope("export", "orgs", env=env)
    assert recording.keys and recording.keys[0] == key
    assert done.returncode != 0 and "(the API said: invalid API key ***)" in done.stderr
    folded = done.stderr.lower()
    assert all(key[i : i + 12].lower() not in folded for i in range(len(key) - 11))


# ---------------------------------------------------------------- warnings are seen inside the TUI too


async def test_start_up_warnings_are_shown_inside_the_tui(sandbox: Sandbox, tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config.toml",
        f'[profiles.p]\nendpoint = "{sandbox.url}"\norg = {sandbox.owner_org_id}\napi_key = "{sandbox.admin_key}"\n',
        mode=0o644,
    )
    settings = resolve_settings({"profile": "p", "endpoint": sandbox.url + "/"}, {"EISCOPE_CONFIG": str(config)})
    assert len(settings.warnings) == 1 and "readable by others" in settings.warnings[0]
    app = EiscopeApp(
        settings.client_settings(), org_id=settings.org_id, cache=None, notices=[*settings.warnings, "[b]x[/b]"]
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.app.workers.wait_for_complete()
        for _ in range(20):  # the toasts are mounted a few frames after the first paint
            if len(app.screen.query(Toast)) == 2:
                break
            await pilot.pause()
        shown = [str(toast.render()) for toast in app.screen.query(Toast)]
    assert any("readable by others" in text and "chmod 600" in text for text in shown)
    assert any("[b]x[/b]" in text for text in shown)  # markup off: a path is text, never style
    assert all(sandbox.admin_key not in text for text in shown)
