"""Hand-made history for the change tests: the demo sandbox as read now, and an edited copy kept as an earlier look.

`week_earlier` makes the differences a report must find, on fixed entities (chosen by id, never by arrival
order), so the tests can name them: two inner orgs were ok, one had half its storage limit, one inner org and
one member existed that are gone now, the newest member, project, dataset, white-label user and project were
not there yet, the first member was a plain member, and every storage and compute figure was 80% of today's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui.api.cache import DiskCache
from tui.api.change_tracker import utc_now
from tui.api.client import ClientSettings, StudioClient
from tui.api.fleet import Status
from tui.api.snapshot_collect import collect_snapshot
from tui.api.snapshot_store import SnapshotStore
from tui.api.snapshots import LIMIT_PREFIX, USED_PREFIX, Record, Section, Snapshot
from tui.sandbox.server import Sandbox

GONE_INNER_ORG = (2999, "Gone Robotics")
GONE_MEMBER = (99999, "Former Colleague")


async def read_now(sandbox: Sandbox, *, api_key: str | None = None, at: datetime | None = None) -> Snapshot:
    """Every section of the owner organization as the API answers now (no cache touched)."""
    settings = ClientSettings(endpoint=sandbox.url, api_key=api_key or sandbox.admin_key)
    async with StudioClient(settings, None) as client:
        found = await collect_snapshot(client, sandbox.owner_org_id, clock=lambda: at or utc_now())
    return found.snapshot


def store_for(sandbox: Sandbox, cache_dir: Path, *, api_key: str | None = None) -> SnapshotStore:
    """The snapshot files of the namespace an app or an export with this key and cache directory uses."""
    client = StudioClient(
        ClientSettings(endpoint=sandbox.url, api_key=api_key or sandbox.admin_key), DiskCache(cache_dir)
    )
    kept = client.kept_files()
    assert kept is not None
    return SnapshotStore(kept)


@dataclass
class Edits:
    """What `week_earlier` changed, to assert on."""

    now_ok: list[int]  # inner orgs whose status was ok then
    limit_halved: int  # inner org whose storage limit was half
    new_member: int
    role_changed: int
    new_project: int
    new_dataset: str
    new_wl_user: int
    new_wl_project: int


def _replace(section: Section, key: object, **fields: object) -> Record:
    record = list(section.records[key])  # type: ignore[index]
    for name, value in fields.items():
        record[section.spec.index(name.replace("__", "."))] = value
    return tuple(record)


def _earlier_use(field: str, value: object) -> object:
    """A used figure a week ago: 80% of today's storage and compute (the counts of users and projects as now)."""
    if not field.startswith(USED_PREFIX) or not isinstance(value, int | float):
        return value
    return value if field in (f"{USED_PREFIX}users", f"{USED_PREFIX}projects") else value * 0.8


def week_earlier(current: Snapshot, at: datetime) -> tuple[Snapshot, Edits]:
    """The edited copy of `current`, every section dated `at`, and what was edited."""
    earlier = Snapshot(current.org_id)
    fleet, inner, members = current.sections["fleet"], current.sections["inner-orgs"], current.sections["members"]
    alarming = sorted(k for k, r in fleet.records.items() if fleet.field(r, "status") in ("over", "at", "near"))
    now_ok = [int(k) for k in alarming[:2]]
    records = {}
    for key, record in fleet.records.items():
        scaled = [_earlier_use(n, v) for n, v in zip(fleet.spec.fields, record, strict=True)]
        if key in now_ok:
            scaled[fleet.spec.index("status")] = Status.OK.value
        records[key] = tuple(scaled)
    earlier.add(Section("fleet", at, records))
    halved = min(inner.records)
    storage = inner.field(inner.records[halved], f"{LIMIT_PREFIX}storage")
    assert isinstance(storage, int | float)
    inner_records = {**inner.records, halved: _replace(inner, halved, limit__storage=storage // 2)}
    inner_records[GONE_INNER_ORG[0]] = (GONE_INNER_ORG[1], "2024-01-01", 10, 10, 10**9, 3600, 3600)
    earlier.add(Section("inner-orgs", at, inner_records))
    new_member, role_changed = max(members.records), min(members.records)
    member_records = {k: r for k, r in members.records.items() if k != new_member}
    member_records[role_changed] = _replace(members, role_changed, role="member")
    member_records[GONE_MEMBER[0]] = (GONE_MEMBER[1], "member", "2020-01-01")
    earlier.add(Section("members", at, member_records))
    newest = {}
    for name in ("projects", "datasets", "wl-users", "wl-projects"):
        section = current.sections[name]
        newest[name] = max(section.records, key=str) if name == "datasets" else max(section.records)
        earlier.add(Section(name, at, {k: r for k, r in section.records.items() if k != newest[name]}))
    edits = Edits(
        now_ok,
        int(halved),
        int(new_member),
        int(role_changed),
        int(newest["projects"]),
        str(newest["datasets"]),
        int(newest["wl-users"]),
        int(newest["wl-projects"]),
    )
    return earlier, edits


def keep(store: SnapshotStore, snapshot: Snapshot) -> None:
    for section in snapshot.sections.values():
        store.save(snapshot.org_id, section)
