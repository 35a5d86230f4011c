"""The command line and the pickers at 120x40 and 80x24, on the seeded sandbox (review new SVGs by eye)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import EiscopeApp

from .test_app_browse import settle, walk

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]
PROFILES = """\
default_profile = "acme"
[profiles.acme]
endpoint = "https://studio.edgeimpulse.com/v1"
org = 1001
api_key_command = "pass show ei/acme"
[profiles.lab]
endpoint = "https://lab.example/v1"
org = 77
api_key_env = "LAB_EI_KEY"
"""


async def steady_cursor(pilot: Pilot[Any]) -> None:
    """A blinking cursor would make the picture depend on the moment it is taken."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_command_line_with_candidates(
    size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]
) -> None:
    """`:inner o` on a fresh start: the inner organizations the API's search finds, with their kind."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await walk(pilot, "colon")
        await pilot.press(*"inner o")
        await settle(pilot)
        await steady_cursor(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_organization_picker_over_a_missing_organization(
    size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp]
) -> None:
    """`--org 99999`: one error, its ways on, and the picker offering the key's organization."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await steady_cursor(pilot)

    assert snap_compare(make_app(org_id=99999), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_profile_picker(
    size: tuple[int, int], snap_compare: Any, make_app: Callable[..., EiscopeApp], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(PROFILES)
    app = make_app()
    app.env = {"EISCOPE_CONFIG": str(config)}
    app.profile = "acme"

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await walk(pilot, "P")
        await steady_cursor(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
