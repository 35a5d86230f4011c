"""Where the rows the screens have loaded live, by kind and organization: what the palette and `:` search first.

It holds finders, not copies: a white-label list of 100,000 users stays in its table only. A list registered
whole (`complete`) answers for itself; one still paging (or never opened) leaves the rest to the API's search
(`screens/finder.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from screens.messages import Kind, Open

__all__ = ["MAX_HITS", "SEARCHED_FIELDS", "EntityIndex", "Finder", "list_finder"]

MAX_HITS = 40

# which fields a query looks in, per kind (the palette's label is the kind's own value)
SEARCHED_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.ORGANIZATION: ("name",),
    Kind.INNER_ORGANIZATION: ("name",),
    Kind.MEMBER: ("name", "email", "username"),
    Kind.WHITELABEL_USER: ("name", "email", "username"),
    Kind.PROJECT: ("name", "owner"),
    Kind.WHITELABEL_PROJECT: ("name", "owner"),
    Kind.DATASET: ("dataset",),
}


Finder = Callable[[str, tuple[str, ...], int], Iterable[dict[str, Any]]]
"""(needle, fields, limit) → rows whose id is the needle or whose fields contain it."""


def list_finder(rows: list[dict[str, Any]]) -> Finder:
    """A finder over a plain list of rows (the small lists: members, projects, organizations)."""

    def find(needle: str, fields: tuple[str, ...], limit: int) -> Iterator[dict[str, Any]]:
        found = 0
        for row in rows:
            if str(row.get("id")) == needle or any(needle in str(row.get(name) or "").lower() for name in fields):
                yield row
                found += 1
                if found >= limit:
                    return

    return find


@dataclass
class EntityIndex:
    """The loaded rows of this session, searched in place, and what is known of each organization."""

    finders: dict[tuple[Kind, int], Finder] = field(default_factory=dict)
    complete: set[tuple[Kind, int]] = field(default_factory=set)
    """Lists registered with every row: a search of them needs no API."""
    whitelabel_orgs: set[int] = field(default_factory=set)
    """Organizations known to be white-label admins: their members open with the full white-label record."""
    plain_orgs: set[int] = field(default_factory=set)
    """Organizations known not to be (their /whitelabel answered 403): there is no white-label list to search."""

    def register(self, kind: Kind, org_id: int, finder: Finder, *, complete: bool = False) -> None:
        self.finders[(kind, org_id)] = finder
        if complete:
            self.complete.add((kind, org_id))
        else:
            self.complete.discard((kind, org_id))

    def register_rows(self, kind: Kind, org_id: int, rows: list[dict[str, Any]]) -> None:
        self.register(kind, org_id, list_finder(rows), complete=True)

    def mark_complete(self, kind: Kind, org_id: int) -> None:
        """Every row of a paged list has arrived."""
        if (kind, org_id) in self.finders:
            self.complete.add((kind, org_id))

    def set_whitelabel(self, org_id: int, is_admin: bool) -> None:
        if is_admin:
            self.whitelabel_orgs.add(org_id)
            self.plain_orgs.discard(org_id)
        else:
            self.whitelabel_orgs.discard(org_id)
            self.plain_orgs.add(org_id)

    def search(self, query: str, limit: int = MAX_HITS, *, kinds: Collection[Kind] | None = None) -> Iterator[Open]:
        """An `Open` for each row whose id equals the query or whose fields contain it (of `kinds`, or all)."""
        needle = query.strip().lower()
        if not needle:
            return
        left = limit
        for (kind, org_id), finder in list(self.finders.items()):
            if kinds is not None and kind not in kinds:
                continue
            for row in finder(needle, SEARCHED_FIELDS[kind], left):
                yield Open(kind, org_id, row, whitelabel=org_id in self.whitelabel_orgs)
                left -= 1
                if left <= 0:
                    return
