"""The disk cache: entries, modes, isolation, crash safety, the size bound."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import time
from pathlib import Path

import pytest

from tui.api.cache import DiskCache, entry_key, namespace_id

ENDPOINT = "https://studio.edgeimpulse.com/v1"
KEY = "ei_0123456789abcdef_secret_key_for_tests"


@pytest.fixture
def cache(tmp_path: Path) -> DiskCache:
    return DiskCache(tmp_path / "cache")


def _entry_file(cache: DiskCache, ns: str, key: str) -> Path:
    return cache.directory / ns / f"{key}.json"


def test_put_then_get_returns_body_and_age(cache: DiskCache) -> None:
    ns, key = namespace_id(ENDPOINT, KEY), entry_key("/api/organizations")
    cache.put(ns, key, "/api/organizations", {"success": True, "organizations": []}, fetched_at=time.time() - 720)
    entry = cache.get(ns, key)
    assert entry is not None
    assert entry.body == {"success": True, "organizations": []}
    assert entry.path == "/api/organizations"
    assert 719 <= entry.age_s <= 730


def test_missing_entry_is_a_miss(cache: DiskCache) -> None:
    assert cache.get(namespace_id(ENDPOINT, KEY), entry_key("/nothing")) is None


def test_entry_key_ignores_query_order_and_none() -> None:
    a = entry_key("/x", {"limit": 10, "offset": 0, "search": None})
    b = entry_key("/x", {"offset": 0, "limit": 10})
    assert a == b
    assert a != entry_key("/x", {"offset": 10, "limit": 10})


def test_files_are_private_to_the_user(cache: DiskCache) -> None:
    old = os.umask(0o022)
    try:
        ns = namespace_id(ENDPOINT, KEY)
        cache.put(ns, entry_key("/a"), "/a", {"success": True})
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache.directory / ns).stat().st_mode) == 0o700
    assert stat.S_IMODE(_entry_file(cache, ns, entry_key("/a")).stat().st_mode) == 0o600


def test_cache_never_stores_the_key(cache: DiskCache) -> None:
    ns = namespace_id(ENDPOINT, KEY)
    cache.put(ns, entry_key("/api/organizations/1", {"limit": 5}), "/api/organizations/1?limit=5", {"success": True})
    for path in cache.directory.rglob("*"):
        assert KEY not in path.name
        if path.is_file():
            assert KEY not in path.read_text()
    stored = json.loads(next(cache.directory.rglob("*.json")).read_text())
    assert set(stored) == {"path", "fetched_at", "body"}


def test_two_credentials_never_see_each_other(cache: DiskCache) -> None:
    mine, theirs = namespace_id(ENDPOINT, KEY), namespace_id(ENDPOINT, "ei_other")
    key = entry_key("/api/organizations")
    cache.put(mine, key, "/api/organizations", {"who": "me"})
    assert mine != theirs
    assert cache.get(theirs, key) is None
    assert namespace_id("http://127.0.0.1:9/v1", KEY) != mine  # same key, other endpoint


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong-shape"])
def test_corrupt_entry_is_dropped_not_raised(cache: DiskCache, damage: str) -> None:
    ns, key = namespace_id(ENDPOINT, KEY), entry_key("/a")
    cache.put(ns, key, "/a", {"success": True, "rows": list(range(100))})
    path = _entry_file(cache, ns, key)
    text = path.read_text()
    path.write_text({"garbage": "\x00\xff not json", "truncated": text[: len(text) // 2], "wrong-shape": "[1]"}[damage])
    assert cache.get(ns, key) is None
    assert not path.exists()  # dropped, so the next fetch writes a fresh one
    cache.put(ns, key, "/a", {"success": True})
    entry = cache.get(ns, key)
    assert entry is not None and entry.body == {"success": True}


def test_size_bound_evicts_least_recently_used(tmp_path: Path) -> None:
    body = {"pad": "x" * 1000}
    entry_size = len(json.dumps({"path": "/e0", "fetched_at": time.time(), "body": body}, separators=(",", ":")))
    # room for ten entries (an entry may take a tenth of the bound)
    cache = DiskCache(tmp_path / "c", max_bytes=int(entry_size * 10.5))
    ns = namespace_id(ENDPOINT, KEY)
    for name in "abcdefghij":
        cache.put(ns, entry_key(f"/{name}"), f"/{name}", body)
        time.sleep(0.02)
    assert cache.get(ns, entry_key("/a")) is not None  # a is now the most recently used
    time.sleep(0.02)
    cache.put(ns, entry_key("/k"), "/k", body)
    assert cache.get(ns, entry_key("/b")) is None  # oldest use: evicted first
    assert cache.get(ns, entry_key("/a")) is not None
    assert cache.get(ns, entry_key("/k")) is not None
    assert cache.info().bytes <= cache.max_bytes


def test_bulky_bodies_go_before_small_ones_and_list_pages_last(tmp_path: Path) -> None:
    """A fleet's list page read first (so least recently used) outlives the bulky bodies read after it."""
    ns = namespace_id(ENDPOINT, KEY)
    cache = DiskCache(tmp_path / "c", max_bytes=1_500_000)  # entries up to a tenth of it, 150 KB, are stored
    page = "/api/organizations/1/whitelabel/organizations?limit=1000&offset=0"
    cache.put(ns, entry_key(page), page, {"organizations": [{"id": i} for i in range(3000)]})  # ~40 KB
    cache.put(ns, entry_key("/api/organizations/1"), "/api/organizations/1", {"pad": "x" * 5_000})
    for inner in range(16):  # sixteen bulky bodies of ~100 KB: past the bound
        time.sleep(0.01)
        path = f"/api/organizations/1/whitelabel/organizations/{inner}"
        cache.put(ns, entry_key(path), path, {"pad": "x" * 100_000})
    assert cache.get(ns, entry_key(page)) is not None
    assert cache.get(ns, entry_key("/api/organizations/1")) is not None
    assert cache.get(ns, entry_key("/api/organizations/1/whitelabel/organizations/0")) is None  # the oldest body
    assert cache.get(ns, entry_key("/api/organizations/1/whitelabel/organizations/15")) is not None
    assert cache.info().bytes <= cache.max_bytes


def test_info_and_clear(cache: DiskCache) -> None:
    (cache.directory).mkdir(parents=True)
    foreign = cache.directory / "notes.txt"
    foreign.write_text("not ours")
    for cred in ("k1", "k2"):
        ns = namespace_id(ENDPOINT, cred)
        for i in range(3):
            cache.put(ns, entry_key(f"/{i}"), f"/{i}", {"i": i})
    info = cache.info()
    assert (info.namespaces, info.entries) == (2, 6)
    assert info.bytes > 0 and info.directory == cache.directory
    assert cache.clear() == 6
    assert cache.info().entries == 0
    assert foreign.exists()  # clear() only deletes what it wrote


def test_cache_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EISCOPE_CACHE_DIR", str(tmp_path / "env-cache"))
    assert DiskCache().directory == tmp_path / "env-cache"
    assert DiskCache(tmp_path / "arg").directory == tmp_path / "arg"


def _writer(directory: str, ns: str, key: str, writer_id: int, count: int) -> None:
    cache = DiskCache(directory)
    for i in range(count):
        body = {"writer": writer_id, "i": i, "pad": "y" * (500 * (1 + i % 7))}
        cache.put(ns, key, "/contended", body)


def test_concurrent_writers_never_leave_a_torn_entry(tmp_path: Path) -> None:
    directory = str(tmp_path / "shared")
    ns, key = namespace_id(ENDPOINT, KEY), entry_key("/contended")
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(directory, ns, key, w, 300)) for w in (1, 2)]
    for p in procs:
        p.start()
    path = Path(directory) / ns / f"{key}.json"
    reads = 0
    while any(p.is_alive() for p in procs):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        doc = json.loads(data)  # raises on a torn write
        assert doc["body"]["writer"] in (1, 2)
        reads += 1
    for p in procs:
        p.join()
        assert p.exitcode == 0
    assert reads > 0
    assert json.loads(path.read_bytes())["body"]["i"] == 299
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_directory_planted_as_an_entry_is_a_miss(cache: DiskCache) -> None:
    cache.put("a" * 64, "k1", "/x", {"v": 1})
    fifo = _entry_file(cache, "a" * 64, "k1")
    fifo.unlink()
    os.mkfifo(fifo)  # opening it for reading would wait for a writer for ever
    assert cache.get("a" * 64, "k1") is None
    _entry_file(cache, "a" * 64, "k2").mkdir()
    assert cache.get("a" * 64, "k2") is None
    cache.put("a" * 64, "k1", "/x", {"v": 2})  # and a fresh answer replaces the planted file
    entry = cache.get("a" * 64, "k1")
    assert entry is not None and entry.body == {"v": 2}


def test_kept_files_outlive_the_size_bound_and_go_with_clear(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c", max_bytes=4_000)
    ns = namespace_id(ENDPOINT, KEY)
    kept = cache.kept(ns)
    kept.write("fleet/1234.json", b'{"orgs": 5000}')
    for i in range(20):  # far past the bound: eviction runs many times
        cache.put(ns, entry_key(f"/{i}"), f"/{i}", {"pad": "x" * 500})
    assert kept.read("fleet/1234.json", max_bytes=1_000) == b'{"orgs": 5000}'
    assert kept.names("fleet") == ["fleet/1234.json"]
    mode = stat.S_IMODE(os.stat(kept.path("fleet/1234.json")).st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(os.stat(kept.directory).st_mode) == 0o700
    info = cache.info()
    assert (info.kept_files, info.kept_bytes) == (1, len(b'{"orgs": 5000}'))
    assert info.bytes <= cache.max_bytes  # kept files are outside the bound
    cache.clear()
    assert kept.read("fleet/1234.json", max_bytes=1_000) is None
    assert cache.info().kept_files == 0


def test_kept_files_refuse_names_that_escape_and_files_too_large(cache: DiskCache) -> None:
    kept = cache.kept(namespace_id(ENDPOINT, KEY))
    for name in ("../x", "/etc/passwd", "a/../../b", ".hidden", "a//b", ""):
        with pytest.raises(ValueError):
            kept.path(name)
    kept.write("snapshots/1/a.json", b"x" * 100)
    assert kept.read("snapshots/1/a.json", max_bytes=99) is None
    assert kept.read("snapshots/1/a.json", max_bytes=100) == b"x" * 100
