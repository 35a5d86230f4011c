"""Reading everything a snapshot holds, from the API (or the cache when offline): the front ends' one reader.

`eiscope export changes` and the Changes view both call `collect_snapshot`: the organization's info (members,
datasets), its projects, and for a white-label owner its inner organizations with their fleet health and its
white-label users and projects. Each section says where it came from: only what the network answered now is
worth keeping as a snapshot (`Collected.fresh`); a cached answer (offline, or a fallback) is compared but not
kept. A section that fails is reported in `errors`, never fatal, except the organization's info: without it
there is nothing to compare.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError, ForbiddenError
from tui.api.fleet_walk import fleet_health, fleet_rows
from tui.api.paging import PAGE_SIZE
from tui.api.snapshots import (
    Key,
    Record,
    Section,
    Snapshot,
    as_utc,
    fleet_section,
    records_from_rows,
    section_from_rows,
)

if TYPE_CHECKING:
    from tui.api.client import StudioClient

__all__ = ["OPENABLE_SECTIONS", "WHITELABEL_SECTIONS", "Collected", "Progress", "collect_snapshot"]

WHITELABEL_SECTIONS = ("inner-orgs", "fleet", "wl-users", "wl-projects")
OPENABLE_SECTIONS = ("members", "projects", "datasets")
"""Lists whose screens show the row itself (no fetch by id): their raw rows are kept to open a change."""
Progress = Callable[[str, int, int | None], None]
"""(what is being read, how many done, of how many or None)."""


@dataclass
class Collected:
    """A snapshot as read now, and where each of its sections came from."""

    snapshot: Snapshot
    fresh: set[str] = field(default_factory=set)
    """Sections the network answered now: the ones to keep."""
    reused: set[str] = field(default_factory=set)
    """Sections taken from this session's recent reading (given as `reuse`)."""
    errors: dict[str, ApiError] = field(default_factory=dict)
    whitelabel: bool | None = None
    """A white-label owner (True), not one (False), or not known (the probe failed)."""
    rows: dict[str, dict[Key, dict[str, Any]]] = field(default_factory=dict)
    """The raw rows of members, projects and datasets, by key (to open an entity of the report)."""

    def keep(self, section: Section, *, from_cache: bool) -> None:
        self.snapshot.add(section)
        if not from_cache:
            self.fresh.add(section.name)


def _moment(clock: Callable[[], datetime], age_s: float) -> datetime:
    return clock() - timedelta(seconds=max(0.0, age_s))


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


async def _organization(client: StudioClient, org_id: int, found: Collected, clock: Callable[[], datetime]) -> None:
    info = await client.organization_info(org_id)
    assert info is not None  # a network read answers or raises
    at = _moment(clock, info.age_s)
    organization = info.raw.get("organization")
    members = _dicts(organization.get("users") if isinstance(organization, dict) else None)
    datasets = _dicts(info.raw.get("datasets"))
    found.keep(section_from_rows("members", members, at), from_cache=info.from_cache)
    found.keep(section_from_rows("datasets", datasets, at), from_cache=info.from_cache)
    found.rows["members"] = {row["id"]: row for row in members if isinstance(row.get("id"), int)}
    found.rows["datasets"] = {row["dataset"]: row for row in datasets if isinstance(row.get("dataset"), str)}
    try:
        projects = await client.organization_projects(org_id)
    except ApiError as error:
        found.errors["projects"] = error
        return
    assert projects is not None
    rows = _dicts(projects.raw.get("projects"))
    found.keep(section_from_rows("projects", rows, _moment(clock, projects.age_s)), from_cache=projects.from_cache)
    found.rows["projects"] = {row["id"]: row for row in rows if isinstance(row.get("id"), int)}


async def _fleet(
    client: StudioClient, org_id: int, found: Collected, clock: Callable[[], datetime], progress: Progress | None
) -> None:
    """The inner organizations' list and each one's health (the same requests as the Fleet tab)."""
    listed = await fleet_rows(client, org_id)
    found.keep(section_from_rows("inner-orgs", listed.rows, _moment(clock, listed.age_s)), from_cache=listed.from_cache)
    entries, done, from_cache, oldest = [], 0, False, 0.0
    if progress is not None:
        progress("the fleet", 0, len(listed.rows))
    async for entry in fleet_health(client, org_id, listed.rows):
        done += 1
        if entry is not None:
            entries.append((entry.inner_id, entry.name, entry.health))
            if entry.from_cache or entry.offline:
                from_cache, oldest = True, max(oldest, entry.age_s)
        if progress is not None and (done % 25 == 0 or done == len(listed.rows)):
            progress("the fleet", done, len(listed.rows))
    found.keep(fleet_section(entries, _moment(clock, oldest)), from_cache=from_cache)


async def _paged(
    client: StudioClient,
    org_id: int,
    name: str,
    kind: str,
    found: Collected,
    clock: Callable[[], datetime],
    progress: Progress | None,
) -> None:
    records: dict[Key, Record] = {}  # each page projected as it arrives: 100,000 raw rows are never all held
    from_cache, oldest = False, 0.0
    async for page in client.pages(kind, org_id, page_size=PAGE_SIZE):
        records.update(records_from_rows(name, page.raw_items))
        if page.from_cache or page.offline:
            from_cache, oldest = True, max(oldest, page.age_s)
        if progress is not None:
            progress(name, len(records), page.total)
    found.keep(Section(name, as_utc(_moment(clock, oldest)), records), from_cache=from_cache)


async def collect_snapshot(
    client: StudioClient,
    org_id: int,
    *,
    clock: Callable[[], datetime],
    reuse: Mapping[str, Section] | None = None,
    progress: Progress | None = None,
) -> Collected:
    """Read every section (raises the organization info's ApiError; other failures land in `errors`).

    `reuse`: sections this session read a moment ago (the Fleet tab's fleet): taken as they are, not read again.
    """
    reuse = reuse or {}
    found = Collected(Snapshot(org_id))
    await _organization(client, org_id, found, clock)
    try:
        await client.whitelabel_info(org_id)
        found.whitelabel = True
    except ForbiddenError:
        found.whitelabel = False
        return found
    except ApiError as error:
        for name in WHITELABEL_SECTIONS:
            found.errors[name] = error
        return found
    if "inner-orgs" in reuse and "fleet" in reuse:
        for name in ("inner-orgs", "fleet"):
            found.snapshot.add(reuse[name])
            found.reused.add(name)
    else:
        try:
            await _fleet(client, org_id, found, clock, progress)
        except ApiError as error:
            found.errors["inner-orgs"] = found.errors["fleet"] = error
    for name, kind in (("wl-users", "whitelabel_users"), ("wl-projects", "whitelabel_projects")):
        if name in reuse:
            found.snapshot.add(reuse[name])
            found.reused.add(name)
            continue
        try:
            await _paged(client, org_id, name, kind, found, clock, progress)
        except ApiError as error:
            found.errors[name] = error
    return found
