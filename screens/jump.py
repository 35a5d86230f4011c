"""The command palette's 'jump to': any organization, user or project by name, email or id, loaded or not.

The loaded rows answer first; the lists they cannot answer for are asked through the API's search
(`screens/finder.py`), debounced: Textual cancels a provider's search when the text changes, which cancels the
wait before a request is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from screens.base import EiscopeScreen
from screens.chart_metrics import ChartSource, ChartSubject, chartable_metrics
from screens.entity_index import EntityIndex
from screens.finder import Search, context_org, describe
from screens.messages import Open, ShowChanges, ShowChart
from screens.usage import UsagePanel
from tui.api.errors import ApiError, ForbiddenError
from tui.hints import one_line
from tui.periods import parse_since
from tui.safe_text import clean

CHANGE_PERIODS = (("a day", "1d"), ("a week", "7d"), ("30 days", "30d"))
"""The Changes view's periods the palette offers (any other: `p` in the view)."""


class JumpProvider(Provider):
    """Jump to an entity (loaded, or found by the API's search), a tab or a chart of the current screen."""

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
        search = self._entity_search()
        if search is None:
            return
        loaded = search.loaded(query)
        for found in loaded:
            yield self._entity_hit(matcher, found)
        async for found in search.remote(query, skip=loaded):
            yield self._entity_hit(matcher, found)
        failed = [error for error in search.errors if not isinstance(error, ForbiddenError)]
        if failed:
            yield self._failed_search_hit(failed[0])

    def _entity_search(self) -> Search | None:
        screen = self.screen
        if not isinstance(screen, EiscopeScreen):
            return None
        return Search(screen.index, screen.lookup, context_org(self.app))

    def _entity_hit(self, matcher: Matcher, found: Open) -> Hit:
        text = describe(found)
        score = max(matcher.match(text), 0.1)
        return Hit(score, matcher.highlight(text), partial(self.app.post_message, found), text=text)

    def _failed_search_hit(self, error: ApiError) -> Hit:
        """The API's search did not answer: said as the last hit (enter shows the whole message and hint), so
        that "no match" is never mistaken for "nobody by that name". A 403 is not a failure: a plain
        organization has no white-label lists to search."""
        text = clean(f"The API's search failed: {error.message}")
        detail = clean(one_line(error, "tui"))
        notify = partial(self.app.notify, detail, title="Search failed", severity="error", markup=False)
        return Hit(0.01, Content(text), notify, text=text)

    async def discover(self) -> Hits:
        for text, action in self._views():
            yield DiscoveryHit(text, action)
        for tab_id, title in self._tabs():
            yield DiscoveryHit(f"Switch tab: {title}", partial(self._switch_tab, tab_id))
        for text, message in self._charts():
            yield DiscoveryHit(text, partial(self.app.post_message, message))

    def _charts(self) -> list[tuple[str, ShowChart]]:
        """'Chart: Storage' for every metric the current screen shows (an organization's before its Usage tab
        is opened: the screen itself is the source)."""
        screen = self.screen
        sources = [screen, *screen.query(UsagePanel)]
        subjects: list[ChartSubject] = []
        for source in sources:
            subject = source.chart_subject() if isinstance(source, ChartSource) else None
            if subject is not None and all(_whose(subject) != _whose(other) for other in subjects):
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
        """Views the current screen opens by a key, offered by name: 'Structure' and 'Changes' on an
        organization (and the Changes view's other periods), 'Watch' everywhere."""
        screen = self.screen
        views: list[tuple[str, Callable[[], object]]] = []
        if isinstance(screen, EiscopeScreen) and callable(getattr(screen, "action_structure", None)):
            key = screen.key_of("structure", "x")
            views.append((f"Structure: the organization as a tree ({key})", partial(screen.run_action, "structure")))
        org_id = getattr(screen, "org_id", None)
        if isinstance(screen, EiscopeScreen) and isinstance(org_id, int) and hasattr(screen, "action_changes"):
            key = screen.key_of("changes", "D")
            views.append((f"Changes: what moved since the last look ({key})", partial(screen.run_action, "changes")))
        if isinstance(org_id, int) and (hasattr(screen, "action_changes") or hasattr(screen, "action_since")):
            for text, period in CHANGE_PERIODS:
                message = ShowChanges(org_id, since=parse_since(period))
                views.append((f"Changes since {text}", partial(self.app.post_message, message)))
        watch = screen.key_of("watch", "w") if isinstance(screen, EiscopeScreen) else "w"
        views.append((f"Watch: refresh the screen and the fleet in the background ({watch})", self._toggle_watch))
        return views

    def _toggle_watch(self) -> None:
        self.app.call_later(self.app.run_action, "toggle_watch")

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


def _whose(subject: ChartSubject) -> tuple[str, int | None, int | None]:
    """A subject's identity: the organization screen and its Usage tab offer the same one."""
    return (subject.name, subject.org_id, subject.inner_id)
