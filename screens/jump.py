"""The command palette's 'jump to': any organization, user or project already loaded, by name, email or id."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.safe_text import clean

if TYPE_CHECKING:
    from textual.screen import Screen

MAX_HITS = 40

# kind → (label for the palette, which fields a query looks in)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": ("organization", ("name",)),
    "inner-orgs": ("inner organization", ("name",)),
    "users": ("user", ("name", "email", "username")),
    "wl-users": ("white-label user", ("name", "email", "username")),
    "projects": ("project", ("name", "owner")),
    "wl-projects": ("white-label project", ("name", "owner")),
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
    """Where the rows the screens have loaded live, by kind and organization; the palette searches them in place.

    It holds finders, not copies: a white-label list of 100,000 users stays in its table only.
    """

    finders: dict[tuple[str, int], Finder] = field(default_factory=dict)

    def register(self, kind: str, org_id: int, finder: Finder) -> None:
        self.finders[(kind, org_id)] = finder

    def register_rows(self, kind: str, org_id: int, rows: list[dict[str, Any]]) -> None:
        self.register(kind, org_id, list_finder(rows))

    def search(self, query: str, limit: int = MAX_HITS) -> Iterator[tuple[str, int, dict[str, Any]]]:
        """(kind, org id, row) of rows whose id equals the query or whose fields contain it."""
        needle = query.strip().lower()
        if not needle:
            return
        left = limit
        for (kind, org_id), finder in list(self.finders.items()):
            fields = KINDS.get(kind, ("", ("name",)))[1]
            for row in finder(needle, fields, left):
                yield kind, org_id, row
                left -= 1
                if left <= 0:
                    return


def _describe(kind: str, row: dict[str, Any]) -> str:
    label = KINDS.get(kind, (kind, ()))[0]
    name = clean(row.get("name") or row.get("username") or row.get("id"))
    extra = clean(row.get("email") or "")
    return f"{name}  ·  {label} {row.get('id')}" + (f"  ·  {extra}" if extra else "")


class JumpProvider(Provider):
    """Jump to an entity (from what is loaded) or to a tab of the current screen."""

    async def search(self, query: str) -> Hits:
        from tui.app import EiscopeApp

        app = self.app
        if not isinstance(app, EiscopeApp):
            return
        matcher = self.matcher(query)
        for tab_id, title in self._tabs():
            text = f"Switch tab: {title}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._switch_tab, tab_id), text=text)
        for kind, org_id, row in app.index.search(query):
            text = _describe(kind, row)
            score = max(matcher.match(text), 0.1)
            yield Hit(score, matcher.highlight(text), partial(app.open_entity, kind, org_id, row), text=text)

    async def discover(self) -> Hits:
        for tab_id, title in self._tabs():
            yield DiscoveryHit(f"Switch tab: {title}", partial(self._switch_tab, tab_id))

    def _tabs(self) -> list[tuple[str, str]]:
        from textual.widgets import TabbedContent

        from screens.base import EiscopeScreen

        screen: Screen[Any] = self.screen
        if not isinstance(screen, EiscopeScreen) or not screen.query(TabbedContent):
            return []
        tabs = screen.query_one(TabbedContent)
        visible = screen.visible_tabs()
        titles = []
        for number, tab_id in enumerate(visible, start=1):
            title = str(tabs.get_tab(tab_id).label)
            titles.append((tab_id, f"{number} {title}"))
        return titles

    def _switch_tab(self, tab_id: str) -> None:
        from screens.base import EiscopeScreen

        screen = self.screen
        if isinstance(screen, EiscopeScreen):
            screen.switch_tab(tab_id)
