"""A cache that never loses everything, and never fails a command that could work without it (issue 21).

An oversized body is served, not stored, and evicts nothing; a folder it cannot read is skipped with a warning
in `export`, `cache info`, `cache clear` and the app; temp files of killed writers count toward the bound and
go at the next write; an entry larger than any body is never read; writing stops on a nearly full disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unprivileged import run_python, unreadable
from tui.api.cache import DiskCache, entry_key
from tui.api.client import ClientSettings, Source, StudioClient
from tui.sandbox.server import Sandbox

OTHER_PROFILE = "f" * 64  # another profile's namespace folder, as `sudo -E eiscope` would leave it


def entries(cache: DiskCache, namespace: str) -> set[str]:
    return {path.name for path in (cache.directory / namespace).glob("*.json")}


async def test_one_oversized_body_is_served_not_stored_and_evicts_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    """Issue 21: a body larger than the whole bound was cached, then eviction emptied every profile's entries."""
    cache = DiskCache(tmp_path / "cache", max_bytes=150_000)  # an inner org's info (~200 KB) is larger
    plain = ClientSettings(endpoint=sandbox.url, api_key=sandbox.plain_key)
    admin = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    async with StudioClient(plain, cache) as other, StudioClient(admin, cache) as mine:
        await other.organizations()
        await other.organization_info(sandbox.plain_org_id)
        await other.organization_projects(sandbox.plain_org_id)
        await mine.organizations()
        others_before = entries(cache, other._namespace("x-api-key"))
        mine_before = entries(cache, mine._namespace("x-api-key"))
        inner_id = int(sandbox.world.inner_organizations[0]["id"])
        fetched = await mine.inner_organization(sandbox.owner_org_id, inner_id)
        cached = await mine.inner_organization(sandbox.owner_org_id, inner_id, source=Source.CACHE)
        others_after = entries(cache, other._namespace("x-api-key"))
        mine_after = entries(cache, mine._namespace("x-api-key"))
    assert fetched is not None and fetched.value.daily_metrics  # served
    assert cached is None  # not stored
    assert len(others_before) == 3 and others_after == others_before  # nothing evicted for it
    assert mine_after == mine_before
    assert cache.info().bytes <= cache.max_bytes


def write_entry(cache: DiskCache, namespace: str, path: str, body_pad: int) -> Path:
    file = cache.directory / namespace / f"{entry_key(path)}.json"
    file.parent.mkdir(parents=True, exist_ok=True)
    body = {"success": True, "organizations": [], "pad": "x" * body_pad}
    file.write_text(json.dumps({"path": path, "fetched_at": time.time(), "body": body}))
    return file


async def test_an_entry_larger_than_any_body_is_never_read(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = ClientSettings(endpoint=sandbox.url, api_key=sandbox.admin_key)
    cache = DiskCache(tmp_path / "cache")
    async with StudioClient(settings, cache) as client:
        namespace = client._namespace("x-api-key")
        planted = write_entry(cache, namespace, "/api/organizations", 25_000_000)  # valid, and 25 MB
        assert await client.organizations(source=Source.CACHE) is None
        assert not planted.exists()  # removed unread: it could never have been written by eiscope
        sparse = write_entry(cache, namespace, "/api/organizations", 10)
        with sparse.open("r+b") as handle:
            handle.truncate(2_000_000_000)  # 2 GB, nearly all a hole: costs nothing to make, 2 GB to read
        assert await client.organizations(source=Source.CACHE) is None
        assert not sparse.exists()
        fetched = await client.organizations()  # and the network answer is cached as usual
        assert fetched is not None and await client.organizations(source=Source.CACHE) is not None


def test_temp_files_of_killed_writers_count_toward_the_bound_and_go_at_the_next_write(tmp_path: Path) -> None:
    """Issue 21: with cache_max_mb = 5, temp files of killed writers made the directory 18.2 MB."""
    cache = DiskCache(tmp_path / "cache", max_bytes=5_000_000)
    folder = cache.directory / ("a" * 64)
    folder.mkdir(parents=True)
    long_ago = time.time() - 600
    for i in range(4):
        killed = folder / f".tmp-killed{i}"
        killed.write_bytes(b"x" * 4_000_000)
        os.utime(killed, (long_ago, long_ago))
    writing = folder / ".tmp-writing-now"  # another process's write in progress: counted, left alone
    writing.write_bytes(b"y" * 1_000_000)
    assert cache.info().bytes == 17_000_000  # the temp files are seen, not just the entries
    cache.put("a" * 64, entry_key("/x"), "/x", {"success": True})
    left = {path.name for path in folder.iterdir()}
    assert left == {".tmp-writing-now", f"{entry_key('/x')}.json"}
    assert sum(path.stat().st_size for path in folder.iterdir()) <= cache.max_bytes


@contextlib.contextmanager
def small_disk(path: Path, size: str) -> Iterator[bool]:
    """A tmpfs of `size` at `path` when this process may mount one (root here), else nothing (yields False)."""
    path.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    try:
        yield mounted.returncode == 0
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", str(path)], check=True)


def test_writing_stops_with_a_notice_when_the_disk_is_nearly_full(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as is_small:
        if is_small:  # a real 4 MB file system: the cache keeps its default reserve (a tenth of it) free
            cache = DiskCache(tmp_path / "disk" / "cache")
        else:  # no mount allowed: a reserve as large as the disk makes any disk "nearly full"
            cache = DiskCache(tmp_path / "disk" / "cache", min_free_bytes=10**18)
        heard: list[str] = []
        cache.on_warning = heard.append
        body = {"pad": "x" * 200_000}
        for i in range(40):  # 8 MB: twice what the small disk holds
            cache.put("a" * 64, entry_key(f"/{i}"), f"/{i}", body)
        fs = os.statvfs(tmp_path / "disk")
        free = fs.f_bavail * fs.f_frsize
        if is_small:
            assert 0 < cache.info().entries < 40
            assert free >= fs.f_blocks * fs.f_frsize // 10  # never filled to 100 %
        else:
            assert cache.info().entries == 0
    assert len(heard) == 1 and heard == cache.warnings  # said once, not 40 times
    assert "nearly full" in heard[0] and "stopped writing" in heard[0]


# ---------------------------------------------------------------- an unreadable folder, in every command


@pytest.fixture
def cache_with_a_folder_it_cannot_read(tmp_path: Path) -> Iterator[Path]:
    cache_dir = tmp_path / "cache"
    (cache_dir / OTHER_PROFILE).mkdir(mode=0o700, parents=True)
    (cache_dir / OTHER_PROFILE / f"{entry_key('/api/organizations')}.json").write_text("{}")
    with unreadable(cache_dir / OTHER_PROFILE):
        yield cache_dir


def eiscope(args: list[str], sandbox: Sandbox, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "EISCOPE_CACHE_DIR": str(cache_dir),
        "EISCOPE_CONFIG": os.devnull,  # no config file: the environment alone
        "EI_API_ENDPOINT": sandbox.url,
        "EI_API_KEY": sandbox.admin_key,
        "EI_ORG_ID": str(sandbox.owner_org_id),
    }
    return run_python(["-m", "tui.cli", *args], env)


def said_skipped(stderr: str, cache_dir: Path) -> bool:
    return f"warning: cache: skipped {cache_dir / OTHER_PROFILE}" in stderr and "Traceback" not in stderr


def test_export_cache_info_and_cache_clear_skip_an_unreadable_folder_with_a_warning(
    sandbox: Sandbox, cache_with_a_folder_it_cannot_read: Path
) -> None:
    """Issue 21: each died with a PermissionError traceback."""
    cache_dir = cache_with_a_folder_it_cannot_read
    exported = eiscope(["export", "orgs"], sandbox, cache_dir)
    assert exported.returncode == 0, exported.stderr
    assert [org["id"] for org in json.loads(exported.stdout)] == [sandbox.owner_org_id]
    assert said_skipped(exported.stderr, cache_dir), exported.stderr

    info = eiscope(["cache", "info"], sandbox, cache_dir)
    assert info.returncode == 0, info.stderr
    assert "entries:    1" in info.stdout  # what export cached beside the folder it could not read
    assert said_skipped(info.stderr, cache_dir), info.stderr

    cleared = eiscope(["cache", "clear"], sandbox, cache_dir)
    assert cleared.returncode == 1  # the cache is not empty, and a script should know
    assert cleared.stdout.startswith("removed 1 cached files")
    assert said_skipped(cleared.stderr, cache_dir), cleared.stderr


def test_the_app_shows_its_data_and_says_the_cache_skipped_a_folder(
    sandbox: Sandbox, cache_with_a_folder_it_cannot_read: Path
) -> None:
    """Issue 21: the app discarded what it fetched and showed "Something unexpected went wrong (PermissionError)"."""
    args = [sandbox.url, sandbox.admin_key, str(sandbox.owner_org_id), str(cache_with_a_folder_it_cannot_read)]
    done = run_python(["tests/cache_probe.py", *args], {})
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout)
    assert shown["rows"] > 0 and shown["status"].endswith("live")
    assert shown["errors"] == []
    assert not any("unexpected" in toast for toast in shown["toasts"]), shown["toasts"]
    assert any(toast.startswith("Cache: cache: skipped") for toast in shown["toasts"]), shown["toasts"]
