"""The client against servers that misbehave on purpose: bad endpoints, a lying `total`, a trickle, a FIFO cache.

Every failure of a request is one typed error with a sentence and no key; a server cannot make eiscope ask for
millions of pages or wait for ever; a file planted in the cache cannot hang a read.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest

from tests.hostile import HostileServer, lying_total, trickle
from tui.api.cache import DiskCache, entry_key
from tui.api.client import ClientSettings, RetryPolicy, Source, StudioClient
from tui.api.errors import NetworkError, RequestTimeoutError
from tui.sandbox.server import Sandbox

SECRET = "ei_SECRET" + "5" * 55
NO_RETRIES = RetryPolicy(max_attempts=1)


def first_rows(sandbox: Sandbox, count: int) -> list[dict[str, object]]:
    """Real inner-organization rows, as the sandbox serves them, for the hostile server to repeat."""
    response = httpx.get(
        f"{sandbox.url}/api/organizations/{sandbox.owner_org_id}/whitelabel/organizations",
        params={"limit": count, "offset": 0},
        headers={"x-api-key": sandbox.admin_key},
    )
    return list(response.json()["organizations"])


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:99999/v1", "http://[::1/v1", "http://127.0.0.1:-5/v1", "http://exa mple.com/v1"]
)
async def test_any_request_failure_is_one_typed_error_without_the_key(endpoint: str, tmp_path: Path) -> None:
    settings = ClientSettings(endpoint=endpoint, api_key=SECRET, retries=NO_RETRIES)
    async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
        with pytest.raises(NetworkError) as info:
            await client.organization_info(1)
    error = info.value
    assert error.message.endswith(".") and "\n" not in error.message
    for text in (str(error), repr(error), error.message, error.hint, *map(str, error.args)):
        assert SECRET not in text


async def test_the_key_is_not_a_local_of_any_frame_of_ours(sandbox: Sandbox, tmp_path: Path) -> None:
    """A crash report that lists locals (rich's show_locals) must find no key in eiscope's frames."""
    settings = ClientSettings(endpoint="http://127.0.0.1:99999/v1", api_key=SECRET, retries=NO_RETRIES)
    async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
        with pytest.raises(NetworkError) as info:
            await client.organization_info(1)
    for frame_summary in info.traceback:
        if "/tui/" not in str(frame_summary.path):
            continue
        for name, value in frame_summary.locals.items():
            if name == "self":
                continue
            assert SECRET not in repr(value), (frame_summary.name, name)


async def test_a_lying_total_costs_a_few_requests_not_millions(sandbox: Sandbox, tmp_path: Path) -> None:
    rows = first_rows(sandbox, 20)
    with HostileServer({"/whitelabel/organizations": lying_total(rows, "organizations")}) as server:
        settings = ClientSettings(endpoint=server.url, api_key=SECRET, retries=NO_RETRIES, max_in_flight=4)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            pages = [page async for page in client.pages("inner_organizations", 1, page_size=20)]
    assert sum(len(page.raw_items) for page in pages) == len(rows)
    assert server.requests <= 1 + 2 * 4  # the first page, then at most one window ahead of what arrived


async def test_a_capping_server_that_lies_is_still_bounded(sandbox: Sandbox, tmp_path: Path) -> None:
    """The server holds a dozen rows whatever the limit, and says there are 100,000,000."""
    rows = first_rows(sandbox, 20)
    capped = lying_total(rows, "organizations")
    with HostileServer({"/whitelabel/organizations": capped}) as server:
        settings = ClientSettings(endpoint=server.url, api_key=SECRET, retries=NO_RETRIES, max_in_flight=8)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            pages = [page async for page in client.pages("inner_organizations", 1, page_size=1000)]
            from_cache = client.pages("inner_organizations", 1, page_size=1000, source=Source.CACHE)
            cached = [page async for page in from_cache]
    assert sum(len(page.raw_items) for page in pages) == len(rows)
    assert server.requests <= 1 + 2 * 8
    assert sum(len(page.raw_items) for page in cached) == len(rows)  # the cache source ends too


async def test_a_trickling_server_meets_the_deadline(tmp_path: Path) -> None:
    with HostileServer({"/api/organizations": trickle(every_s=0.2)}) as server:
        settings = ClientSettings(endpoint=server.url, api_key=SECRET, retries=NO_RETRIES, deadline_s=1.0)
        async with StudioClient(settings, DiskCache(tmp_path / "c")) as client:
            with pytest.raises(RequestTimeoutError) as info:
                await client.organizations()
    assert "1 s" in info.value.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
async def test_a_fifo_in_the_cache_is_a_miss_not_a_hang(sandbox: Sandbox, tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer for ever; the cache must not even try to read one."""
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    cache = DiskCache(tmp_path / "c")
    async with StudioClient(settings, cache) as client:
        await client.organizations()
        key = entry_key("/api/organizations", {})
        entry = cache.directory / client._namespace("x-api-key") / f"{key}.json"
        entry.unlink()
        os.mkfifo(entry)
        fetched = await asyncio.wait_for(client.organizations(source=Source.CACHE), timeout=30)
    assert fetched is None
