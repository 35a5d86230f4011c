"""Profiles for switching inside the browser: listed without keys, resolved whole, refused in a served page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import ConfigError
from tui.profiles import list_profiles, resolve_profile
from tui.serve import child_environment


@pytest.fixture
def config(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(
        'default_profile = "work"\n'
        '[profiles.lab]\nendpoint = "http://127.0.0.1:9/v1"\norg = 7\napi_key_env = "LAB_KEY"\n'
        '[profiles.work]\nendpoint = "https://studio.example/v1"\norg = 5\napi_key = "ei_work"\n'
    )
    path.chmod(0o600)
    return {"EISCOPE_CONFIG": str(path), "EISCOPE_CACHE_DIR": str(tmp_path / "cache")}


def test_profiles_are_listed_default_first_and_without_their_keys(config: dict[str, str]) -> None:
    profiles = list_profiles(config)
    assert [(p.name, p.org_id, p.key_source, p.is_default) for p in profiles] == [
        ("work", 5, "api_key", True),
        ("lab", 7, "api_key_env", False),
    ]
    assert "ei_work" not in repr(profiles)


def test_a_profile_is_taken_whole_whatever_the_environment_says(config: dict[str, str]) -> None:
    env = {**config, "EI_API_KEY": "ei_from_the_shell", "EI_API_ENDPOINT": "https://other/v1", "EI_ORG_ID": "9"}
    work = resolve_profile("work", env)
    assert (work.endpoint, work.api_key, work.org_id) == ("https://studio.example/v1", "ei_work", 5)
    assert work.profile == "work"
    lab = resolve_profile("lab", {**env, "LAB_KEY": "ei_lab"})  # a variable the profile names is still read
    assert (lab.api_key, lab.org_id) == ("ei_lab", 7)


def test_an_unknown_profile_names_the_known_ones(config: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="no profile 'staging'; known profiles: lab, work"):
        resolve_profile("staging", config)


def test_a_served_page_cannot_switch_profile(config: dict[str, str]) -> None:
    """`eiscope serve` hands each session one credential; a visitor must not reach the others of the config."""
    served = child_environment(config, {"EI_API_KEY": "ei_served"})
    with pytest.raises(ConfigError, match="off in a page served"):
        list_profiles(served)
    with pytest.raises(ConfigError, match="off in a page served"):
        resolve_profile("work", served)
