"""How big and how fast a white label's snapshot is, at the huge scale (5,000 inner orgs, 100,000 users and projects).

    python bench/bench_snapshots.py [--scale huge]

The lists come from the sandbox's world directly (what the screens read page by page); the fleet's records are
made from the inner organizations' limits with made-up used figures of the same size (reading 5,000 health
bodies is the fleet benchmark's business). Times one look: the sections made from the rows, written
(compressed, atomically), read back, compared with an earlier look where a tenth of the users changed tier
and the marks of the users' list. Prints numbers only.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.api.cache import DiskCache
from tui.api.changes import compare, section_marks
from tui.api.fleet import RESOURCES, Status
from tui.api.snapshot_store import SnapshotStore
from tui.api.snapshots import Section, Snapshot, section_from_rows
from tui.sandbox.world import DEFAULT_TODAY, build_world

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def fleet_from(inner: Section, rng: random.Random) -> Section:
    records = {}
    for key, record in inner.records.items():
        limits = record[2:]
        used = [round((limit or 100) * rng.uniform(0.1, 1.2)) for limit in limits]
        status = rng.choice([s.value for s in Status])
        records[key] = (record[0], status, False, *used, *limits)
    return Section("fleet", inner.at, records)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="huge", choices=("demo", "large", "huge"))
    args = parser.parse_args()
    start = time.perf_counter()
    world = build_world(args.scale, 7, DEFAULT_TODAY)
    print(f"world built in {time.perf_counter() - start:.1f} s")
    rng = random.Random(7)
    lists = {
        "inner-orgs": list(world.inner_organizations),
        "wl-users": list(world.whitelabel_users),
        "wl-projects": list(world.whitelabel_projects),
    }
    start = time.perf_counter()
    now = Snapshot(world.owner_org_id)
    for name, rows in lists.items():
        now.add(section_from_rows(name, rows, NOW))
    now.add(fleet_from(now.sections["inner-orgs"], rng))
    print(f"sections from {sum(len(r) for r in lists.values()):,} rows: {time.perf_counter() - start:.2f} s")

    earlier = Snapshot(world.owner_org_id)
    for name, section in now.sections.items():
        records = dict(section.records)
        if name == "wl-users":
            for key in list(records)[::10]:
                record = records[key]
                records[key] = (record[0], "free" if record[1] != "free" else "enterprise", *record[2:])
        earlier.add(Section(name, NOW - timedelta(days=7), records))

    with tempfile.TemporaryDirectory() as folder:
        store = SnapshotStore(DiskCache(Path(folder)).kept("bench"))
        total = 0
        for name, section in now.sections.items():
            start = time.perf_counter()
            file = store.save(world.owner_org_id, section)
            written = time.perf_counter() - start
            size = store.kept.path(file).stat().st_size
            total += size
            start = time.perf_counter()
            loaded = store.load(world.owner_org_id, name, file)
            read = time.perf_counter() - start
            assert loaded is not None and loaded.records == section.records
            print(
                f"{name:12} {len(section.records):>8,} records  {size / 1e6:6.2f} MB  "
                f"write {written * 1000:6.0f} ms  read {read * 1000:6.0f} ms"
            )
        print(f"one look of the white label: {total / 1e6:.2f} MB compressed; 30 looks: {30 * total / 1e6:.0f} MB")
    start = time.perf_counter()
    report = compare(earlier, now)
    print(f"compare: {time.perf_counter() - start:.2f} s, {len(report.changes):,} changes, growth {len(report.growth)}")
    start = time.perf_counter()
    marks = section_marks(earlier.sections["wl-users"], now.sections["wl-users"])
    print(f"marks of the users' list: {time.perf_counter() - start:.2f} s, {len(marks):,} marked")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB (the world included); resources per inner org: {len(RESOURCES)}")


if __name__ == "__main__":
    main()
