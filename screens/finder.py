"""Find anything, loaded or not: the loaded rows first (`EntityIndex`), then the API's `search` for the lists the
loaded rows cannot answer for (never opened, or still paging). Shared by the palette and the `:` command line.

The remote part goes through `tui.api.lookup` (debounced, one request in flight per list, answers remembered);
its hits are `Open` messages like the index's, so the app alone decides which screen shows them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from screens.entity_index import SEARCHED_FIELDS, EntityIndex
from screens.messages import Kind, Open
from tui.api.errors import ApiError, ForbiddenError
from tui.safe_text import clean

if TYPE_CHECKING:
    from textual.app import App

    from tui.api.lookup import Lookup

__all__ = ["REMOTE_LISTS", "Search", "best_match", "context_org", "describe", "exact_match", "kind_of", "name_of"]

REMOTE_LISTS: dict[Kind, str] = {
    Kind.INNER_ORGANIZATION: "inner_organizations",
    Kind.WHITELABEL_USER: "whitelabel_users",
    Kind.WHITELABEL_PROJECT: "whitelabel_projects",
}
"""The kinds the API can search, and the client's list method for each."""
REMOTE_LIMIT = 10


def context_org(app: App[Any]) -> int | None:
    """The organization the person is in: that of the top-most screen that belongs to one, else the app's own.

    An inner organization's or a white-label user's screen belongs to the white label (its `org_id`).
    """
    for screen in reversed(app.screen_stack):
        org_id = getattr(screen, "org_id", None)
        if isinstance(org_id, int):
            return org_id
    org_id = getattr(app, "org_id", None)
    return org_id if isinstance(org_id, int) else None


def name_of(found: Open) -> str:
    """What a person calls the entity: its name (a user's, else the username), cleaned."""
    row = found.row
    return clean(row.get("name") or row.get("username") or row.get("dataset") or row.get("id"))


def kind_of(found: Open) -> str:
    """'inner organization 1042', 'white-label user 7 · nadia@…': what it is, its id, a user's email."""
    email = clean(found.row.get("email") or "")
    return f"{found.kind.value} {clean(found.row.get('id'))}" + (f"  ·  {email}" if email else "")


def describe(found: Open) -> str:
    """'Northwind Sensors  ·  inner organization 1042', with the email of a user."""
    return f"{name_of(found)}  ·  {kind_of(found)}"


def exact_match(found: Sequence[Open], text: str) -> Open | None:
    """The one entity `text` names exactly: by its id, else by a whole name, email or username (case aside)."""
    needle = " ".join(text.split()).casefold()
    by_id = _distinct([hit for hit in found if str(hit.row.get("id")) == needle])
    if len(by_id) == 1:
        return by_id[0]
    whole = _distinct(
        [hit for hit in found if any(_spoken(hit.row.get(name)) == needle for name in SEARCHED_FIELDS[hit.kind])]
    )
    return whole[0] if len(whole) == 1 else None


def _spoken(value: Any) -> str:
    """A field as a person types it back: cleaned, spaces collapsed, case aside."""
    return " ".join(clean(value or "").split()).casefold()


def best_match(found: Sequence[Open], text: str) -> Open | None:
    """The entity `text` names: exactly (id, whole name), else the only one found; None when several are."""
    exact = exact_match(found, text)
    if exact is not None:
        return exact
    distinct = _distinct(found)
    return distinct[0] if len(distinct) == 1 else None


def _distinct(found: Sequence[Open]) -> list[Open]:
    """One hit per entity: a member who is also a white-label user is the same person."""
    seen: set[tuple[str, Any]] = set()
    kept = []
    for hit in found:
        family = hit.kind.value.removeprefix("white-label ")  # a member and a white-label user: both 'user'
        key = (family, hit.row.get("id"))
        if key not in seen:
            seen.add(key)
            kept.append(hit)
    return kept


@dataclass
class Search:
    """One search of the palette or the command line, over `kinds` (None: every kind)."""

    index: EntityIndex
    lookup: Lookup
    org_id: int | None
    kinds: Collection[Kind] | None = None
    errors: list[ApiError] = field(default_factory=list)
    """What the API answered instead of rows (the command line says it; the palette shows it as its last hit)."""

    def loaded(self, text: str, limit: int = 40) -> list[Open]:
        return list(self.index.search(text, limit, kinds=self.kinds))

    def lists_to_ask(self) -> list[Kind]:
        """The lists of this organization the loaded rows cannot answer for."""
        org_id = self.org_id
        if org_id is None or org_id in self.index.plain_orgs:
            return []
        return [
            kind
            for kind in REMOTE_LISTS
            if (self.kinds is None or kind in self.kinds) and (kind, org_id) not in self.index.complete
        ]

    async def remote(self, text: str, *, skip: Collection[Open] = (), debounce: bool = True) -> AsyncIterator[Open]:
        """Hits of the API's search, list by list as each answers; rows already in `skip` are left out."""
        org_id = self.org_id
        kinds = self.lists_to_ask()
        if org_id is None or not kinds or not text.strip():
            return
        known = {(hit.kind, hit.row.get("id")) for hit in skip}
        tasks = [asyncio.ensure_future(self._ask(org_id, kind, text, debounce)) for kind in kinds]
        try:
            for next_done in asyncio.as_completed(tasks):
                kind, rows = await next_done
                for row in rows:
                    if (kind, row.get("id")) not in known:
                        yield Open(kind, org_id, row, whitelabel=True)
        finally:
            for task in tasks:
                task.cancel()  # the text changed (the caller was cancelled): the lists' waits end too

    async def _ask(self, org_id: int, kind: Kind, text: str, debounce: bool) -> tuple[Kind, list[dict[str, Any]]]:
        try:
            return kind, await self.lookup.search(org_id, REMOTE_LISTS[kind], text, REMOTE_LIMIT, debounce=debounce)
        except ForbiddenError as error:
            self.index.set_whitelabel(org_id, False)  # not a white-label admin: nothing to search there
            self.errors.append(error)
        except ApiError as error:
            self.errors.append(error)
        return kind, []

    async def everything(self, text: str) -> list[Open]:
        """The loaded hits and then the API's, whole, without a debounce (a command entered resolves a name)."""
        found = self.loaded(text)
        async for hit in self.remote(text, skip=list(found), debounce=False):
            found.append(hit)
        return found
