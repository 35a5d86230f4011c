"""Snapshots on disk: whole or absent (a kill mid-write leaves the previous one readable), bounded, private."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.api.cache import DiskCache
from tui.api.files import TMP_PREFIX
from tui.api.fingerprints import Fingerprint
from tui.api.snapshot_files import SectionWriter, decode_section, encode_section
from tui.api.snapshot_store import KEEP, KEEP_NEWEST, SnapshotStore, retained
from tui.api.snapshots import Section

from .unprivileged import run_python

ROOT = Path(__file__).resolve().parent.parent
THEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def store_in(tmp_path: Path) -> SnapshotStore:
    return SnapshotStore(DiskCache(tmp_path / "cache").kept("namespace"))


def users(at: datetime, count: int, tier: str = "free") -> Section:
    return Section("wl-users", at, {i: (f"user {i}", tier, "2026-01-01", None) for i in range(count)})


def test_a_section_reads_back_as_it_was_written() -> None:
    section = Section("members", THEN, {1: ("Kai 🐝", "admin", "2020-04-30"), 2: (None, None, None)})
    assert decode_section(encode_section(1001, section), org_id=1001, name="members") == section


def test_a_damaged_or_foreign_file_reads_as_absent() -> None:
    data = encode_section(1001, users(THEN, 50))
    assert decode_section(data[: len(data) // 2], org_id=1001, name="wl-users") is None  # truncated
    assert decode_section(data, org_id=1002, name="wl-users") is None  # another organization's
    assert decode_section(data, org_id=1001, name="wl-projects") is None  # another list's
    assert decode_section(b"not gzip at all", org_id=1001, name="wl-users") is None
    assert decode_section(gzip(b" " * 5_000_000), org_id=1001, name="wl-users", max_expanded=1_000_000) is None
    header = b'{"format":"eiscope-snapshot-3","org":1001,"section":"wl-users","at":"2026-11-01T09:00:00+00:00"}\n'
    assert decode_section(gzip(header + b"[" * 2_000_000), org_id=1001, name="wl-users") is None  # a line bomb


def gzip(data: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, 31)
    return deflater.compress(data) + deflater.flush()


def test_rows_of_the_wrong_shape_are_left_out_not_trusted() -> None:
    text = (
        '{"format":"eiscope-snapshot-3","org":1,"section":"members","at":"2026-11-01T09:00:00+00:00",'
        '"fields":["name","role"]}\n[[1,"Kai","admin"],[2,"Short"]]\n[[true,"Bool id","x"],[3,{"a":1},"x"]]\n'
    )
    section = decode_section(gzip(text.encode()), org_id=1, name="members")
    assert section is not None
    assert section.records == {1: ("Kai", "admin", None)}  # `added` was not written: None
    assert decode_section(gzip(text.replace('"admin"', "NaN").encode()), org_id=1, name="members") is None


def test_a_long_list_is_written_page_by_page_and_fingerprinted_as_a_stream() -> None:
    writer = SectionWriter(1001, "wl-users", THEN)
    for page in range(3):
        writer.add(users(THEN, 1_000 * (page + 1)).records.items())  # pages overlap: a row written twice reads once
    data = writer.finish()
    section = decode_section(data, org_id=1001, name="wl-users")
    assert section == users(THEN, 3_000) and writer.count == 6_000
    earlier = Fingerprint.of("wl-users", users(THEN, 2_000, tier="free").records.items())
    now = {**users(THEN, 2_001, tier="free").records, 5: ("user 5", "enterprise", "2026-01-01", None)}
    assert earlier.marks(now.items()) == {2_000: frozenset({"+"}), 5: frozenset({"tier"})}
    assert earlier.marks(now.items(), looked_at={5: now[5]}) == {2_000: frozenset({"+"})}


WRITER = """
import os, sys, time
from datetime import UTC, datetime
from pathlib import Path
from tui.api.cache import DiskCache
from tui.api.snapshot_store import SnapshotStore
from tui.api.snapshots import Section

real_fdopen = os.fdopen


class HalfThenWait:
    # A file whose write stops halfway (on disk) and waits: the parent kills the process there.
    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        print("half written", flush=True)
        time.sleep(60)

    def __getattr__(self, name):
        return getattr(self.fh, name)


os.fdopen = lambda fd, mode: HalfThenWait(real_fdopen(fd, mode))
store = SnapshotStore(DiskCache(Path(sys.argv[1])).kept("namespace"))
at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
records = {i: (f"user {i}", "free", "2026-01-01", None) for i in range(20_000)}
store.save(1001, Section("wl-users", at, records), replacing=sys.argv[2])  # the session's next reading
"""


def test_a_kill_in_the_middle_of_a_write_leaves_the_previous_snapshot_whole(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    first = store.save(1001, users(THEN, 1_000, tier="enterprise"))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "cache"), first], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "half written"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    folder = store.kept.path(store.folder(1001, "wl-users"))
    assert any(name.startswith(TMP_PREFIX) for name in os.listdir(folder))  # half a file is on disk, unnamed
    assert [name for _moment, name in store.files(1001, "wl-users")] == [first]
    previous = store.load(1001, "wl-users", first)
    assert previous is not None and len(previous.records) == 1_000
    assert store.save(1001, users(THEN + timedelta(days=1), 5), replacing=first)  # the next write works


def test_history_thins_with_age_and_stays_bounded() -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    times = [now - timedelta(hours=3 * i) for i in range(200)]  # 25 days of looks every 3 hours
    kept = retained(times)
    assert len(kept) == KEEP
    assert set(range(KEEP_NEWEST)) <= kept  # the newest always
    days = [times[i].date() for i in kept if i >= KEEP_NEWEST]
    assert len(days) == len(set(days))  # older ones: one a day


def test_the_store_keeps_at_most_thirty_files_per_list(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    for day in range(45):
        store.save(1001, users(THEN + timedelta(days=day), 3))
        store.prune(1001, "wl-users")
    files = store.files(1001, "wl-users")
    assert len(files) == KEEP
    assert files[-1][0] == THEN + timedelta(days=44)
    assert store.first_taken(1001) == files[0][0]


def test_snapshot_files_are_private(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    name = store.save(1001, users(THEN, 3))
    path = store.kept.path(name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    folder = path.parent
    while folder != tmp_path:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        folder = folder.parent


def test_an_unreadable_file_reads_as_absent(tmp_path: Path) -> None:
    """A snapshot another user left (mode 000): read as absent, without a traceback, even for root's tests."""
    store = store_in(tmp_path)
    name = store.save(1001, users(THEN, 3))
    store.kept.path(name).chmod(0)
    script = (
        "import sys; from tests.test_snapshot_store import store_in; from pathlib import Path\n"
        f"loaded = store_in(Path({str(tmp_path)!r})).load(1001, 'wl-users', {name!r})\n"
        "print('absent' if loaded is None else 'read')"
    )
    ran = run_python(["-c", script], {})
    assert ran.stdout.strip() == "absent", ran.stderr
