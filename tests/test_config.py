"""Profiles and settings precedence: flags, environment, profile, defaults."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from tui.config import (
    DEFAULT_ENDPOINT,
    ConfigError,
    read_desktop_notifications,
    read_keymap,
    resolve_settings,
    run_key_command,
)

CONFIG = """\
default_profile = "work"

[profiles.work]
endpoint = "https://work.example.com/v1"
org = 111
api_key = "ei_work_inline"

[profiles.home]
endpoint = "https://home.example.com/v1"
org = "222"
api_key_env = "HOME_EI_KEY"

[profiles.vault]
api_key_command = "printf 'ei_from_vault\\n'"
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    path.chmod(0o600)
    return path


def env_for(path: Path, **extra: str) -> dict[str, str]:
    return {"EISCOPE_CONFIG": str(path), **extra}


def test_defaults_without_config() -> None:
    s = resolve_settings({}, env_for(Path(os.devnull)))
    assert s.endpoint == DEFAULT_ENDPOINT
    assert (s.api_key, s.org_id, s.profile, s.offline, s.no_cache) == (None, None, None, False, False)


def test_default_profile_applies(config_file: Path) -> None:
    s = resolve_settings({}, env_for(config_file))
    assert (s.profile, s.endpoint, s.org_id, s.api_key) == (
        "work",
        "https://work.example.com/v1",
        111,
        "ei_work_inline",
    )


def test_environment_beats_the_config_when_no_profile_is_chosen(config_file: Path) -> None:
    env = env_for(config_file, EI_API_KEY="ei_env", EI_API_ENDPOINT="https://env.example.com/v1/", EI_ORG_ID="5")
    s = resolve_settings({"no_profile": True}, env)
    assert (s.api_key, s.endpoint, s.org_id, s.key_source) == (
        "ei_env",
        "https://env.example.com/v1",
        5,
        "EI_API_KEY",
    )


def test_flags_beat_environment(config_file: Path) -> None:
    env = env_for(config_file, EI_API_KEY="ei_env", EI_ORG_ID="5", EI_JWT_TOKEN="jwt_env")
    flags = {"api_key": "ei_flag", "org": "9", "endpoint": "http://127.0.0.1:1/v1", "jwt_token": "jwt_flag"}
    flags["no_profile"] = True
    s = resolve_settings(flags, env)
    assert (s.api_key, s.org_id, s.endpoint, s.jwt_token) == (
        "ei_flag",
        9,
        "http://127.0.0.1:1/v1",
        "jwt_flag",
    )


def test_profile_chosen_by_flag_or_ei_profile(config_file: Path) -> None:
    s = resolve_settings({}, env_for(config_file, EI_PROFILE="home", HOME_EI_KEY="ei_home"))
    assert (s.profile, s.org_id, s.api_key) == ("home", 222, "ei_home")
    s = resolve_settings({"profile": "work"}, env_for(config_file, EI_PROFILE="home"))
    assert s.profile == "work"


def test_api_key_command_supplies_the_key(config_file: Path) -> None:
    s = resolve_settings({"profile": "vault"}, env_for(config_file))
    assert s.api_key == "ei_from_vault"
    assert s.endpoint == DEFAULT_ENDPOINT


def test_api_key_command_not_run_when_a_flag_gives_the_key(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "c.toml"
    path.write_text(f'[profiles.p]\napi_key_command = "touch {marker}; echo ei_x"\n')
    s = resolve_settings({"profile": "p", "api_key": "ei_flag"}, env_for(path))
    assert s.api_key == "ei_flag" and not marker.exists()
    assert any("--api-key replaces the key of profile 'p'" in warning for warning in s.warnings)


def test_failing_key_command_does_not_echo_its_output() -> None:
    with pytest.raises(ConfigError) as info:
        run_key_command("echo leaked-secret-output; echo more >&2; exit 3", "vault")
    assert "status 3" in info.value.message
    assert "leaked" not in info.value.message and "more" not in info.value.message


def test_key_command_timeout_is_reported() -> None:
    with pytest.raises(ConfigError, match="did not finish"):
        run_key_command(f"{sys.executable} -c 'import time; time.sleep(5)'", "vault", timeout_s=0.3)


def test_missing_api_key_env_variable(config_file: Path) -> None:
    with pytest.raises(ConfigError, match="HOME_EI_KEY, which is not set"):
        resolve_settings({"profile": "home"}, env_for(config_file))


def test_unknown_profile_lists_known_ones(config_file: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_settings({"profile": "nope"}, env_for(config_file))
    assert "unknown profile 'nope'" in info.value.message
    assert "home, vault, work" in info.value.message


def test_broken_config_is_one_line_with_line_number(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('default_profile = "work"\n\n[profiles.work]\nendpoint "https://x"\n')
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, env_for(path))
    message = info.value.message
    assert message.startswith("config.toml: ") and "line 4" in message and "\n" not in message


def test_unknown_profile_key_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.p]\napikey = "ei_typo"\n')
    with pytest.raises(ConfigError, match="unknown key 'apikey'"):
        resolve_settings({"profile": "p"}, env_for(path))


def test_warns_when_inline_key_is_readable_by_others(config_file: Path) -> None:
    assert resolve_settings({}, env_for(config_file)).warnings == []
    config_file.chmod(0o644)
    warnings = resolve_settings({}, env_for(config_file)).warnings
    assert len(warnings) == 1 and "chmod 600" in warnings[0] and "ei_work_inline" not in warnings[0]


def test_no_warning_without_inline_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.p]\napi_key_env = "X"\n')
    path.chmod(0o644)
    assert resolve_settings({"profile": "p"}, env_for(path, X="ei_x")).warnings == []


def test_bad_org_id_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="EI_ORG_ID: organization id must be a number"):
        resolve_settings({}, env_for(Path(os.devnull), EI_ORG_ID="abc"))


def test_secrets_stay_out_of_repr(config_file: Path) -> None:
    s = resolve_settings({"jwt_token": "jwt_secret_value"}, env_for(config_file))
    text = repr(s) + repr(s.client_settings())
    assert "ei_work_inline" not in text and "jwt_secret_value" not in text


def test_flags_offline_and_no_cache_reach_the_client(tmp_path: Path) -> None:
    s = resolve_settings({"offline": True, "no_cache": True}, env_for(Path(os.devnull)))
    cs = s.client_settings()
    assert cs.offline is True and cs.use_cache is False


def test_config_flag_overrides_environment_path(config_file: Path, tmp_path: Path) -> None:
    s = resolve_settings({"config": str(config_file)}, {"EISCOPE_CONFIG": str(tmp_path / "other.toml")})
    assert s.profile == "work"
    assert s.config_file is not None and os.fspath(s.config_file) == os.fspath(config_file)


# ---------------------------------------------------------------- every bad value is one line naming key and line


@pytest.mark.parametrize(
    "text, key, line",
    [
        ('default_profile = "p"\n\ncache_max_mb = inf\n[profiles.p]\n', "cache_max_mb", 3),
        ("cache_max_mb = nan\n", "cache_max_mb", 1),
        ("cache_max_mb = -5\n", "cache_max_mb", 1),
        ("request_deadline_s = 0\n", "request_deadline_s", 1),
        ('[profiles.p]\nendpoint = "https://x/v1"\napi_key = 12345\n', "api_key", 3),
        ('[profiles.p]\n\n[profiles.p.api_key]\nvalue = "ei_x"\n', "api_key", 3),
        ('[profiles.p]\napi_key = { value = "ei_x" }\n', "api_key", 2),
        ('[profiles.p]\napi_key_command = ["pass", "show"]\n', "api_key_command", 2),
        ('# mine\ndefualt_profile = "p"\n[profiles.p]\n', "defualt_profile", 2),
        ('[profiles.p]\norg = 1\n\n[profiles.q]\n  "apikey" = "ei_typo"\n', "apikey", 5),
        ("[keymaps]\nq = 'quit'\n", "keymaps", 1),
    ],
)
def test_bad_values_and_misspelt_keys_name_the_key_and_line(tmp_path: Path, text: str, key: str, line: int) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, env_for(path))
    message = info.value.message
    assert key in message and f"line {line}" in message and "\n" not in message
    assert "ei_x" not in message and "12345" not in message.replace("api_key", "")


def test_request_deadline_reaches_the_client(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("request_deadline_s = 2.5\ncache_max_mb = 10\n")
    s = resolve_settings({}, env_for(path))
    assert s.client_settings().deadline_s == 2.5 and s.cache_max_bytes == 10_000_000


def test_the_response_and_list_bounds_reach_the_client_and_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("max_response_mb = 2.5\nmax_list_rows = 5000\n")
    s = resolve_settings({}, env_for(path))
    client = s.client_settings()
    assert (client.max_body_bytes, client.max_list_rows, client.max_list_bytes) == (2_500_000, 5_000, 1_600_000)
    assert s.disk_cache().max_entry_bytes == 2_500_000 + 4_096  # no entry larger than the largest body read
    path.write_text("max_list_rows = 0\n")
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, env_for(path))
    assert "max_list_rows must be a positive number" in info.value.message


# ---------------------------------------------------------------- keys: flags warn, files and stdin, the command


def test_key_from_a_flag_warns_once(tmp_path: Path) -> None:
    s = resolve_settings({"api_key": "ei_flag", "jwt_token": "jwt_flag"}, env_for(Path(os.devnull)))
    assert s.api_key == "ei_flag" and len(s.warnings) == 1
    assert "ps" in s.warnings[0] and "ei_flag" not in s.warnings[0]
    assert resolve_settings({}, env_for(Path(os.devnull), EI_API_KEY="ei_env")).warnings == []


def test_key_from_a_file_or_standard_input(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("ei_from_file\n")
    key_file.chmod(0o600)
    none = env_for(Path(os.devnull))
    s = resolve_settings({"api_key_file": str(key_file)}, none)
    assert s.api_key == "ei_from_file" and s.warnings == [] and s.key_source == "--api-key-file"
    s = resolve_settings({"jwt_token_file": "-"}, none, stdin=io.StringIO("jwt_from_stdin\n"))
    assert s.jwt_token == "jwt_from_stdin"
    key_file.chmod(0o644)
    s = resolve_settings({"api_key_file": str(key_file)}, none)
    assert len(s.warnings) == 1 and "chmod 600" in s.warnings[0] and "ei_from_file" not in s.warnings[0]


@pytest.mark.parametrize(
    "flags, expected",
    [
        ({"api_key_file": "/nonexistent/key"}, "cannot read"),
        ({"api_key_file": "EMPTY"}, "empty"),
        ({"api_key": "ei_x", "api_key_file": "EMPTY"}, "both given"),
        ({"api_key_file": "-", "jwt_token_file": "-"}, "standard input"),
    ],
)
def test_key_file_problems_are_one_line(tmp_path: Path, flags: dict[str, str], expected: str) -> None:
    (tmp_path / "empty").write_text("")
    flags = {k: str(tmp_path / "empty") if v == "EMPTY" else v for k, v in flags.items()}
    with pytest.raises(ConfigError, match=expected):
        resolve_settings(flags, env_for(Path(os.devnull)), stdin=io.StringIO(""))


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_key_command_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    with pytest.raises(ConfigError, match="did not finish"):
        run_key_command(f"sleep 60 >/dev/null 2>&1 & echo $! > {pid_file}; wait", "vault", timeout_s=1.0)
    pid = int(pid_file.read_text())
    for _ in range(200):  # the kill is sent before run_key_command returns; reaping by init may lag a little
        if not _alive(pid):
            break
        os.sched_yield()
        Path("/proc/self/stat").read_text()
    assert not _alive(pid)


def test_key_command_is_not_run_when_no_key_is_needed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "config.toml"
    path.write_text(f'default_profile = "p"\n[profiles.p]\napi_key_command = "touch {marker}; echo ei_x"\n')
    path.chmod(0o600)
    s = resolve_settings({}, env_for(path), need_key=False)
    assert s.api_key is None and not marker.exists()
    t = resolve_settings({}, env_for(path))
    assert t.api_key == "ei_x" and marker.exists()
    assert s.client_settings().cache_identity == t.client_settings().cache_identity is not None


def test_warns_when_a_key_command_is_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.p]\napi_key_command = "pass show ei"\n')
    path.chmod(0o644)
    warnings = resolve_settings({}, env_for(path)).warnings
    assert len(warnings) == 1 and "api_key_command" in warnings[0] and "chmod 600" in warnings[0]


def test_keymap_table_is_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[keymap]\nrefresh = "ctrl+r"\n')
    assert read_keymap({"EISCOPE_CONFIG": str(good)}) == {"refresh": "ctrl+r"}
    bad = tmp_path / "bad.toml"
    bad.write_text("[keymap]\nrefresh = 5\n")
    with pytest.raises(ConfigError, match=r"line 2.*keymap.refresh"):
        read_keymap({"EISCOPE_CONFIG": str(bad)})


def test_desktop_notifications_are_off_unless_asked_for_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("cache_max_mb = 5\n")
    assert resolve_settings({}, env_for(path)).desktop_notifications == "off"
    path.write_text('desktop_notifications = "osc777"\n')
    assert resolve_settings({}, env_for(path)).desktop_notifications == "osc777"
    assert read_desktop_notifications(env_for(path)) == "osc777"  # the demo reads it too
    path.write_text('cache_max_mb = 5\ndesktop_notifications = "yes"\n')
    with pytest.raises(ConfigError, match=r"line 2: desktop_notifications must be one of 'off', 'osc9', 'osc777'"):
        resolve_settings({}, env_for(path))


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ('rawjson = "f5"', "no key binding has the id 'rawjson'; did you mean raw-json?"),
        ('raw-json = "F5"', "'F5' is not a key name; did you mean f5?"),
        ('refresh = "ctrl+r,,f5"', "an empty key"),
        ('help = "esc"', "'esc' is not a key name; did you mean escape?"),
        ('quit = "cmd+q"', "'cmd' is not a modifier"),
    ],
)
def test_a_wrong_keymap_entry_is_refused_with_its_line(tmp_path: Path, entry: str, named: str) -> None:
    """Issue 20: `rawjson = "f5"` was accepted without a word, though the README says a wrong entry is refused."""
    path = tmp_path / "config.toml"
    path.write_text(f'default_profile = "x"\n\n[keymap]\nback = "escape"\n{entry}\n')
    with pytest.raises(ConfigError) as refused:
        read_keymap({"EISCOPE_CONFIG": str(path)})
    assert refused.value.message.startswith("config.toml line 5: keymap.")
    assert named in refused.value.message


def test_keymap_entries_eiscope_has_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[keymap]\n"
        'raw-json = "f5"\n'
        'help = "question_mark,f1"\n'
        'cursor-down = "j,down,ctrl+n"\n'
        'tab-10 = "0"\n'
        'structure = "shift+x"\n'
        'filter = "/"\n'
        'sort = "ctrl++"\n'
    )
    keymap = read_keymap({"EISCOPE_CONFIG": str(path)})
    assert keymap["raw-json"] == "f5" and keymap["filter"] == "/"
