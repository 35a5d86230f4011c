"""`eiscope export changes`: take a snapshot, compare it with an earlier one, one record per change.

It reads what the Changes view reads (tui/api/snapshot_collect.py), keeps it as this run's snapshot (unless it
came from the cache: `--offline` compares what the cache holds, and keeps nothing), and compares with the
newest earlier snapshot, or the one nearest `--since`. Records: kind (status, limit, added, removed, changed),
entity (inner-org, user, project, dataset, wl-user, wl-project), id, name, field, from, to, at. What could
not be compared, and a first run with nothing earlier, are said on stderr, never mixed into the records.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from tui.api.change_tracker import ChangeTracker, utc_now
from tui.api.snapshot_collect import collect_snapshot
from tui.api.snapshot_store import SnapshotStore
from tui.formatting import format_datetime
from tui.hints import one_line
from tui.periods import Since

if TYPE_CHECKING:
    from tui.api.client import StudioClient

__all__ = ["CHANGE_FIELDS", "NO_CACHE_MESSAGE", "change_records"]

CHANGE_FIELDS = ("kind", "entity", "id", "name", "field", "from", "to", "at")
"""A change record's fields, in order (the CSV header, even with no change)."""

NO_CACHE_MESSAGE = "export changes compares with the snapshots kept in the cache directory: run it without --no-cache"


def _progress(notes: TextIO | None) -> Callable[[str, int, int | None], None] | None:
    if notes is None:
        return None

    def show(what: str, done: int, total: int | None) -> None:
        notes.write(f"\r{what}: read {done:,}" + (f" of {total:,}" if total is not None else ""))
        notes.flush()

    return show


async def change_records(
    client: StudioClient,
    org_id: int,
    *,
    since: Since | None,
    notes: TextIO,
    progress: TextIO | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The change records of `org_id` (raises the organization info's ApiError); notes go to `notes`."""
    kept = client.kept_files()
    if kept is None:
        raise ValueError(NO_CACHE_MESSAGE)
    clock = (lambda: now) if now is not None else utc_now
    tracker = ChangeTracker(SnapshotStore(kept), clock=clock)
    collected = await collect_snapshot(client, org_id, clock=clock, progress=_progress(progress))
    if progress is not None:
        progress.write("\n")
    for name, error in sorted(collected.errors.items()):
        notes.write(f"eiscope: warning: {name} not compared: {one_line(error, 'cli')}\n")
    snapshot = collected.snapshot
    cached = set(snapshot.sections) - collected.fresh
    moment = since.start(clock()) if since is not None else None
    report = await asyncio.to_thread(tracker.report, org_id, snapshot, since=moment, from_cache=cached)
    for name in sorted(collected.fresh):
        await asyncio.to_thread(tracker.record, org_id, snapshot.sections[name])
    if not report.compared:
        first = tracker.first_taken(org_id)
        kept_note = "" if not collected.fresh else " (kept now)"
        when = f"; the first was taken {format_datetime(first)}{kept_note}" if first is not None else ""
        notes.write(f"eiscope: no earlier snapshot of organization {org_id} to compare with{when}\n")
    elif report.unmatched:
        notes.write(f"eiscope: not compared (no earlier snapshot): {', '.join(report.unmatched)}\n")
    return report.records()
