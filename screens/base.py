"""What every eiscope screen shares: breadcrumbs on top, the footer below, and the k9s keys in between."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from screens.loading import LoadFailed
from tui.api.errors import ApiError
from tui.hints import tui_hint
from widgets.breadcrumbs import Breadcrumbs
from widgets.notice import ErrorPanel, StatusLine

if TYPE_CHECKING:
    from tui.api.client import StudioClient
    from tui.app import EiscopeApp


class EiscopeScreen(Screen[None]):
    """A browsing screen: it names itself for the trail and can show its data as raw JSON."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("backspace", "back", "Back", show=False),
        Binding("r", "refresh", "Refresh"),
        Binding("y", "raw_json", "Raw JSON"),
        Binding("question_mark", "help", "Help"),
        *[Binding(str(n), f"tab({n})", f"Tab {n}", show=False) for n in range(1, 10)],
    ]

    crumb: str = ""

    @property
    def eiscope(self) -> EiscopeApp:
        from tui.app import EiscopeApp

        assert isinstance(self.app, EiscopeApp)
        return self.app

    @property
    def client(self) -> StudioClient:
        return self.eiscope.client

    def compose(self) -> ComposeResult:
        yield Breadcrumbs()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        self.update_trail()

    def update_trail(self) -> None:
        trail = [s.crumb for s in self.app.screen_stack if isinstance(s, EiscopeScreen) and s.crumb]
        self.query_one(Breadcrumbs).set_trail(trail)

    def set_crumb(self, crumb: str) -> None:
        self.crumb = crumb
        if self.is_mounted:
            self.update_trail()

    # -- shared actions -----------------------------------------------------------------------------------------

    def visible_tabs(self) -> list[str]:
        """The ids of the tabs the number keys reach, in the order shown."""
        tabs = self.query(TabbedContent)
        if not tabs:
            return []
        return [pane.id for pane in tabs.first().query(TabPane) if pane.id]

    def action_tab(self, number: int) -> None:
        visible = self.visible_tabs()
        if 1 <= number <= len(visible):
            self.switch_tab(visible[number - 1])

    def switch_tab(self, tab: str) -> None:
        """Show a tab and put the focus in it, on its list when it has one."""
        from widgets.list_pane import ListPane

        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        pane = tabs.get_pane(tab)
        lists = pane.query(ListPane)
        if lists:
            lists.first().focus_table()
        else:
            focusable = [widget for widget in pane.query("*") if widget.focusable]
            if focusable:
                focusable[0].focus()

    def number_tabs(self) -> None:
        """Put each visible tab's number key in its label: '1 Users', '2 Projects'…"""
        tabs = self.query_one(TabbedContent)
        for number, tab_id in enumerate(self.visible_tabs(), start=1):
            tab = tabs.get_tab(tab_id)
            title = str(tab.label).split(" ", 1)[-1] if str(tab.label)[:1].isdigit() else str(tab.label)
            tab.label = f"{number} {title}"

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        """Start the workers that (re)load this screen's data."""

    def raw_document(self) -> tuple[str, Any] | None:
        """The title and JSON of what is on screen, for `y`; None when nothing is loaded yet."""
        return None

    def action_raw_json(self) -> None:
        from screens.raw_json import RawJsonScreen

        document = self.raw_document()
        if document is None:
            self.notify("Nothing loaded yet to show as JSON", severity="warning")
            return
        title, data = document
        self.app.push_screen(RawJsonScreen(title, data))

    def action_help(self) -> None:
        from screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def report_failure(self, message: LoadFailed, what: str, *, note: str) -> None:
        """A load failed: over cached data, a toast; with nothing on screen, the error in place and a status note.

        The screen's own ErrorPanel comes first in its layout and its StatusLine is a direct child (lists
        inside it have status lines of their own).
        """
        if message.had_cache:
            self.flash_error(what, message.error)
            return
        error = message.error
        self.query_one(ErrorPanel).show_error(f"Could not load {what}", error.message, tui_hint(error))
        for status in self.query_children(StatusLine):
            status.show(note or error.message, stale=True)

    def flash_error(self, what: str, error: ApiError) -> None:
        """A failure that does not replace what is on screen: say it in a toast, k9s' flash line."""
        self.notify(
            f"{error.message}\n{tui_hint(error)}".strip(), title=f"Could not load {what}", severity="error"
        )
