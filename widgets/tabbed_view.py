"""Tabs as eiscope's views use them: a bar of numbered titles over the pages, one page shown at a time.

Textual's TabbedContent draws its bar with a widget per tab (a Tab each, in scrolling containers, an underline):
measured, ten of them cost the first paint about 65 ms of CPU, a quarter of what eiscope spent over a bare Textual
app (issue 20: start-up within 1.5x of one). Here the bar is one widget drawing two lines, and the pages sit in a
ContentSwitcher. The API is the part of TabbedContent the screens use: `active`, `TabActivated`, `get_pane`,
`show_tab`/`hide_tab`, and a label per tab (`set_tab_label`, `set_tab_loading`).

    with TabbedView(id="org-tabs"):
        with Page("Users", id="users"):
            yield ListPane(...)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import ContentSwitcher

__all__ = ["Page", "TabBar", "TabbedView"]


class Page(Vertical):
    """One tab's page: a container with the title its tab shows first."""

    DEFAULT_CSS = """
    Page { height: 1fr; }
    """

    def __init__(self, title: str, *children: Widget, id: str, classes: str | None = None) -> None:
        super().__init__(*children, id=id, classes=classes)
        self.title = title


class TabBar(Widget, can_focus=True):
    """The titles on one line, the active one bright and underlined; a click or ←/→ (when focused) picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous tab", show=False, id="previous-tab"),
        Binding("right", "step(1)", "Next tab", show=False, id="next-tab"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tab-bar--tab",
        "tab-bar--active",
        "tab-bar--loading",
        "tab-bar--underline",
        "tab-bar--underline-active",
    }

    DEFAULT_CSS = """
    TabBar {
        height: 2;
        width: 1fr;
        & > .tab-bar--tab { color: $foreground 50%; }
        & > .tab-bar--active { color: $foreground; }
        & > .tab-bar--loading { color: $text-disabled; text-style: italic; }
        & > .tab-bar--underline { color: $foreground 10%; }
        & > .tab-bar--underline-active { color: $block-cursor-background; }
        &:focus > .tab-bar--active {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        &:focus > .tab-bar--underline { color: $foreground 30%; }
    }
    """

    class Selected(Message):
        """A tab was clicked or stepped to."""

        def __init__(self, bar: TabBar, tab_id: str) -> None:
            super().__init__()
            self.bar = bar
            self.tab_id = tab_id

        @property
        def control(self) -> TabBar:
            return self.bar

    def __init__(self, tabs: Iterable[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._labels: dict[str, str] = dict(tabs)
        self._hidden: set[str] = set()
        self._loading: set[str] = set()
        self._active = next(iter(self._labels), "")
        self._spans: list[tuple[int, int, str]] = []
        """(first column, column after the last, tab id) of each title drawn, for a click."""
        self.narrow = False
        """Titles closer together (80 columns: every tab's number and name fit)."""

    # -- what it shows ------------------------------------------------------------------------------------------

    @property
    def shown_tabs(self) -> list[str]:
        """The ids of the tabs shown, in order."""
        return [tab for tab in self._labels if tab not in self._hidden]

    def tab_label(self, tab_id: str) -> str:
        return self._labels[tab_id]

    def set_tab_label(self, tab_id: str, label: str) -> None:
        if self._labels.get(tab_id) != label:
            self._labels[tab_id] = label
            self.refresh()

    def tab_is_loading(self, tab_id: str) -> bool:
        return tab_id in self._loading

    def set_tab_loading(self, tab_id: str, loading: bool) -> None:
        if (tab_id in self._loading) != loading:
            (self._loading.add if loading else self._loading.discard)(tab_id)
            self.refresh()

    def set_tab_hidden(self, tab_id: str, hidden: bool) -> None:
        if (tab_id in self._hidden) != hidden:
            (self._hidden.add if hidden else self._hidden.discard)(tab_id)
            self.refresh()

    def set_active_tab(self, tab_id: str) -> None:
        if self._active != tab_id:
            self._active = tab_id
            self.refresh()

    def set_narrow(self, narrow: bool) -> None:
        if self.narrow != narrow:
            self.narrow = narrow
            self.refresh()

    # -- drawing ------------------------------------------------------------------------------------------------

    def render(self) -> Text:
        width = self.outer_size.width
        tab_style = self.get_component_rich_style("tab-bar--tab")
        styles = {
            "active": self.get_component_rich_style("tab-bar--active"),
            "loading": self.get_component_rich_style("tab-bar--loading"),
        }
        titles = Text(no_wrap=True, end="")
        spans: list[tuple[int, int, str]] = []
        for tab in self.shown_tabs:
            start = titles.cell_len
            kind = "active" if tab == self._active else "loading" if tab in self._loading else None
            style = tab_style + styles[kind] if kind else tab_style
            titles.append(f" {self._labels[tab]}" + ("" if self.narrow else " "), style)
            spans.append((start, titles.cell_len, tab))
        shift = self._shift(spans, width)
        self._spans = [(start - shift, end - shift, tab) for start, end, tab in spans]
        line = titles[shift : shift + width] if width > 0 else titles
        underline = Text(no_wrap=True, end="")
        bar = self.get_component_rich_style("tab-bar--underline")
        lit = self.get_component_rich_style("tab-bar--underline-active")
        active = next(((start, end) for start, end, tab in self._spans if tab == self._active), None)
        for column in range(max(0, width)):
            on = active is not None and active[0] <= column < active[1]
            underline.append("━", lit if on else bar)
        return Text("\n", end="").join([line, underline])

    def _shift(self, spans: list[tuple[int, int, str]], width: int) -> int:
        """Columns to scroll the titles left so the active one is whole when they do not all fit (0: none)."""
        active = next(((start, end) for start, end, tab in spans if tab == self._active), None)
        if active is None or width <= 0 or active[1] <= width:
            return 0
        return min(active[0], active[1] - width)

    # -- picking ------------------------------------------------------------------------------------------------

    def span_of(self, tab_id: str) -> tuple[int, int] | None:
        """The columns a tab's title took at the last paint (None when not drawn)."""
        return next(((start, end) for start, end, tab in self._spans if tab == tab_id), None)

    def on_click(self, event: events.Click) -> None:
        for start, end, tab in self._spans:
            if start <= event.x < end:
                self.post_message(self.Selected(self, tab))
                return

    def action_step(self, step: int) -> None:
        visible = self.shown_tabs
        if self._active in visible:
            self.post_message(self.Selected(self, visible[(visible.index(self._active) + step) % len(visible)]))


class TabbedView(Widget):
    """A TabBar over the pages (`Page`s given as children); `active` is the id of the page shown. With `lazy`,
    a page is mounted when first shown (or asked for, `get_pane`): the first paint builds one page, not ten (for
    a screen that composes a tab's content when it is first shown anyway)."""

    DEFAULT_CSS = """
    TabbedView { height: 1fr; }
    TabbedView > ContentSwitcher { height: 1fr; }
    """

    active: reactive[str] = reactive("", init=False)

    class TabActivated(Message):
        """Another page is shown (by a key, a click, or `active`)."""

        def __init__(self, view: TabbedView, pane: Page) -> None:
            super().__init__()
            self.view = view
            self.pane = pane

        @property
        def control(self) -> TabbedView:
            return self.view

    def __init__(self, *pages: Page, lazy: bool = False, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._pages: list[Page] = list(pages)
        self._lazy = lazy
        self._bar: TabBar | None = None
        self._waiting: dict[str, Page] = {}
        """The pages not shown yet, by id: mounted on first use."""

    def compose_add_child(self, widget: Widget) -> None:
        """`with Page(...)` inside `with TabbedView()`: the pages are collected, then composed in the switcher."""
        if isinstance(widget, Page):
            self._pages.append(widget)
        else:
            super().compose_add_child(widget)

    def compose(self) -> ComposeResult:
        first = self._pages[0].id if self._pages else None
        self.set_reactive(TabbedView.active, first or "")
        mounted = self._pages[:1] if self._lazy else self._pages
        self._waiting = {page.id: page for page in self._pages if page.id and page not in mounted}
        yield TabBar([(page.id or "", page.title) for page in self._pages])
        yield ContentSwitcher(*mounted, initial=first)

    @property
    def bar(self) -> TabBar:
        if self._bar is None:
            self._bar = self.query_one(TabBar)
        return self._bar

    def watch_active(self, tab_id: str) -> None:
        page = self.get_pane(tab_id)  # mounted first: the switcher shows a child it has
        self.query_one(ContentSwitcher).current = tab_id
        self.bar.set_active_tab(tab_id)
        self.post_message(self.TabActivated(self, page))

    def on_tab_bar_selected(self, event: TabBar.Selected) -> None:
        event.stop()
        self.active = event.tab_id

    def get_pane(self, tab_id: str) -> Page:
        """The page of a tab, mounted now if it was not yet."""
        waiting = self._waiting.pop(tab_id, None)
        if waiting is not None:
            self.query_one(ContentSwitcher).mount(waiting)
            return waiting
        return self.query_one(ContentSwitcher).get_child_by_id(tab_id, Page)

    def show_tab(self, tab_id: str) -> None:
        self.bar.set_tab_hidden(tab_id, False)

    def hide_tab(self, tab_id: str) -> None:
        self.bar.set_tab_hidden(tab_id, True)
