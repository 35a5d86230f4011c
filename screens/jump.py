"""The command palette's 'jump to': any organization, user or project already loaded, by name, email or id."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from screens.base import EiscopeScreen
from screens.chart_metrics import ChartSource, ChartSubject, chartable_metrics
from screens.messages import Kind, Open, ShowChart
from screens.usage import UsagePanel
from tui.safe_text import clean

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
    """Where the rows the screens have loaded live, by kind and organization; the palette searches them in place.

    It holds finders, not copies: a white-label list of 100,000 users stays in its table only.
    """

    finders: dict[tuple[Kind, int], Finder] = field(default_factory=dict)
    whitelabel_orgs: set[int] = field(default_factory=set)
    """Organizations known to be white-label admins: their members open with the full white-label record."""

    def register(self, kind: Kind, org_id: int, finder: Finder) -> None:
        self.finders[(kind, org_id)] = finder

    def register_rows(self, kind: Kind, org_id: int, rows: list[dict[str, Any]]) -> None:
        self.register(kind, org_id, list_finder(rows))

    def set_whitelabel(self, org_id: int, is_admin: bool) -> None:
        if is_admin:
            self.whitelabel_orgs.add(org_id)
        else:
            self.whitelabel_orgs.discard(org_id)

    def search(self, query: str, limit: int = MAX_HITS) -> Iterator[Open]:
        """An `Open` for each row whose id equals the query or whose fields contain it."""
        needle = query.strip().lower()
        if not needle:
            return
        left = limit
        for (kind, org_id), finder in list(self.finders.items()):
            for row in finder(needle, SEARCHED_FIELDS[kind], left):
                yield Open(kind, org_id, row, whitelabel=org_id in self.whitelabel_orgs)
                left -= 1
                if left <= 0:
                    return


def _describe(kind: Kind, row: dict[str, Any]) -> str:
    name = clean(row.get("name") or row.get("username") or row.get("dataset") or row.get("id"))
    extra = clean(row.get("email") or "")
    return f"{name}  ·  {kind.value} {row.get('id')}" + (f"  ·  {extra}" if extra else "")


class JumpProvider(Provider):
    """Jump to an entity (from what is loaded) or to a tab of the current screen."""

    @property
    def index(self) -> EntityIndex | None:
        screen = self.screen
        return screen.index if isinstance(screen, EiscopeScreen) else None

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, action in self._views():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), action, text=text)
        for tab_id, title in self._tabs():
            text = f"Switch tab: {title}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._switch_tab, tab_id), text=text)
        for text, message in self._charts():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self.app.post_message, message), text=text)
        index = self.index
        if index is None:
            return
        for found in index.search(query):
            text = _describe(found.kind, found.row)
            score = max(matcher.match(text), 0.1)
            yield Hit(score, matcher.highlight(text), partial(self.app.post_message, found), text=text)

    async def discover(self) -> Hits:
        for text, action in self._views():
            yield DiscoveryHit(text, action)
        for tab_id, title in self._tabs():
            yield DiscoveryHit(f"Switch tab: {title}", partial(self._switch_tab, tab_id))
        for text, message in self._charts():
            yield DiscoveryHit(text, partial(self.app.post_message, message))

    def _charts(self) -> list[tuple[str, ShowChart]]:
        """'Chart: Storage' for every metric the current screen shows (and its Usage tab, once loaded)."""
        screen = self.screen
        sources = [screen, *screen.query(UsagePanel)]
        subjects: list[ChartSubject] = []
        for source in sources:
            subject = source.chart_subject() if isinstance(source, ChartSource) else None
            if subject is not None:
                subjects.append(subject)
        many = len(subjects) > 1
        return [
            (
                f"Chart: {chart_metric.label}" + (f" · {subject.name}" if many else ""),
                ShowChart(subject, chart_metric.key),
            )
            for subject in subjects
            for chart_metric in chartable_metrics(subject)
        ]

    def _views(self) -> list[tuple[str, Callable[[], object]]]:
        """Views the current screen opens by a key, offered by name: 'Structure' on an organization."""
        screen = self.screen
        if isinstance(screen, EiscopeScreen) and callable(getattr(screen, "action_structure", None)):
            key = screen.key_of("structure", "x")
            return [(f"Structure: the organization as a tree ({key})", partial(screen.run_action, "structure"))]
        return []

    def _tabs(self) -> list[tuple[str, str]]:
        """(tab id, 'Users (1)', 'Fleet (0)') for each tab the number keys reach on the current screen."""
        screen = self.screen
        if not isinstance(screen, EiscopeScreen) or screen.tabbed_view is None:
            return []
        titles = enumerate(screen.tab_titles(), 1)
        return [(tab_id, f"{title} ({screen.tab_key(number)})") for number, (tab_id, title) in titles]

    def _switch_tab(self, tab_id: str) -> None:
        screen = self.screen
        if isinstance(screen, EiscopeScreen):
            screen.switch_tab(tab_id)
