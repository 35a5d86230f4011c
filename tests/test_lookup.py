"""The API's search for rows not loaded: debounced, cancelled when the text changes, one request in flight per list."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui.api.cache import DiskCache
from tui.api.client import ClientSettings, StudioClient
from tui.api.lookup import Lookup
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox

INNER_ORGS = "inner_organizations"


def inner_orgs_path(sandbox: Sandbox) -> str:
    return f"/v1/api/organizations/{sandbox.owner_org_id}/whitelabel/organizations"


async def test_typing_sends_one_request_for_the_last_text(sandbox: Sandbox, tmp_path: Path) -> None:
    async with StudioClient(ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key), DiskCache(tmp_path)) as c:
        lookup = Lookup(lambda: c, debounce_s=0.2)
        typed = []
        for text in ("n", "no", "nor", "nort", "north"):  # each keystroke replaces the one before
            if typed:
                typed[-1].cancel()
            typed.append(asyncio.ensure_future(lookup.search(sandbox.owner_org_id, INNER_ORGS, text)))
            await asyncio.sleep(0.02)
        rows = await typed[-1]
        assert [row["name"] for row in rows] == ["Northwind Sensors"]
        assert all(task.cancelled() for task in typed[:-1])
        assert sandbox.request_counts().get(inner_orgs_path(sandbox)) == 1
        again = await lookup.search(sandbox.owner_org_id, INNER_ORGS, " north ")  # remembered: nothing sent
        assert again == rows and sandbox.request_counts().get(inner_orgs_path(sandbox)) == 1


async def test_at_most_one_request_in_flight_per_list(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults = FaultConfig(latency_ms=300)
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    async with StudioClient(settings, DiskCache(tmp_path)) as client:
        lookup = Lookup(lambda: client)
        first = asyncio.ensure_future(lookup.search(sandbox.owner_org_id, INNER_ORGS, "kestrel", debounce=False))
        await asyncio.sleep(0.1)  # sent, not answered
        first.cancel()  # the text changed; the request already sent cannot be taken back
        second = await lookup.search(sandbox.owner_org_id, INNER_ORGS, "bluefin", debounce=False)
        assert [row["name"] for row in second] == ["Bluefin Maritime"]
        assert client.stats.peak_in_flight == 1  # the second waited for the first to end
        assert lookup.list_search(sandbox.owner_org_id, INNER_ORGS).sent == 2
        # the first answer was kept though its caller went: typing it again asks nothing
        assert [r["name"] for r in await lookup.search(sandbox.owner_org_id, INNER_ORGS, "kestrel")] == [
            "Kestrel Agritech"
        ]
        assert lookup.list_search(sandbox.owner_org_id, INNER_ORGS).sent == 2


async def test_each_list_has_its_own_request(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    async with StudioClient(settings, DiskCache(tmp_path)) as client:
        lookup = Lookup(lambda: client)
        user = sandbox.world.whitelabel_users[0]
        orgs, users = await asyncio.gather(
            lookup.search(sandbox.owner_org_id, INNER_ORGS, "orchard"),
            lookup.search(sandbox.owner_org_id, "whitelabel_users", user["email"]),
        )
        assert [row["name"] for row in orgs] == ["Orchard Vision"]
        assert [row["id"] for row in users] == [user["id"]]
