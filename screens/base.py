"""What every eiscope screen shares: breadcrumbs on top, the footer below, and the k9s keys in between."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from screens.keys import key_label, keys_in_force
from screens.loading import load_cached_then_fresh
from screens.messages import (
    Kind,
    LoadFailed,
    Open,
    OrganizationLoaded,
    OrganizationProjectsLoaded,
    ShowHelp,
    ShowRaw,
)
from tui.api.errors import ApiError
from tui.api.row_marks import UNREADABLE_KEY
from tui.hints import tui_hint
from widgets.breadcrumbs import Breadcrumbs
from widgets.key_footer import KeyFooter
from widgets.list_pane import ListPane
from widgets.notice import ErrorPanel, StatusLine, WaitLine
from widgets.tabbed_view import TabbedView

if TYPE_CHECKING:
    from screens.entity_index import EntityIndex
    from tui.api.client import StudioClient
    from tui.api.lookup import Lookup
    from tui.app import EiscopeApp


class EiscopeScreen(Screen[None]):
    """A browsing screen: it names itself for the trail and can show its data as raw JSON."""

    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="back"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("y", "raw_json", "Raw JSON", id="raw-json"),
        Binding("question_mark", "help", "Help", id="help"),
        *[Binding(str(n), f"tab({n})", f"Tab {n}", show=False, id=f"tab-{n}") for n in range(1, 10)],
        Binding("0", "tab(10)", "Tab 10", show=False, id="tab-10"),
    ]

    crumb: str = ""
    ready: bool = False
    """False until the screen has composed and painted once (and while a tab composes): keys typed before then
    wait in the app and are applied when the screen is ready (`EiscopeApp.release_keys`)."""
    pending_tab: str | None = None
    _resumed_before = False
    _tabbed_view: TabbedView | None = None
    """A tab asked for by its key while it was still loading: shown as soon as it is ready."""

    @property
    def eiscope(self) -> EiscopeApp:
        return cast("EiscopeApp", self.app)

    @property
    def client(self) -> StudioClient:
        return self.eiscope.client

    @property
    def index(self) -> EntityIndex:
        """What the palette searches: the rows this session has loaded."""
        return self.eiscope.index

    @property
    def lookup(self) -> Lookup:
        """The API's search of the lists not loaded (the palette and `:` ask it)."""
        return self.eiscope.lookup

    async def load_organization_info(self, org_id: int) -> None:
        """An organization's info (members, datasets, limits): `OrganizationLoaded` from the cache, then fresh."""
        await load_cached_then_fresh(self, OrganizationLoaded, lambda **kw: self.client.organization_info(org_id, **kw))

    async def load_organization_projects(self, org_id: int) -> None:
        """An organization's own projects: `OrganizationProjectsLoaded` from the cache, then fresh."""
        await load_cached_then_fresh(
            self, OrganizationProjectsLoaded, lambda **kw: self.client.organization_projects(org_id, **kw)
        )

    def open(self, kind: Kind, org_id: int, row: dict[str, Any], **options: Any) -> None:
        """Ask the app to show an entity; which screen shows it is decided there, once. An unreadable row
        without an id (tui/api/rows.py) has nothing to open: say why instead."""
        if UNREADABLE_KEY in row and not isinstance(row.get("id"), int):
            self.notify(f"This row could not be read: {row[UNREADABLE_KEY]}", severity="warning")
            return
        self.post_message(Open(kind, org_id, row, **options))

    def compose(self) -> ComposeResult:
        yield Breadcrumbs()
        yield from self.compose_body()
        yield WaitLine(id="wait-line")
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        """Runs after the subclass's own `on_mount` (Textual calls each class's handler): ready after the paint."""
        self.call_after_refresh(self.now_ready)

    def now_ready(self) -> None:
        """The screen (or the tab it was composing) can take keys: apply those typed meanwhile."""
        if not self.has_what_keys_need():
            return
        self.ready = True
        self.eiscope.release_keys()

    def has_what_keys_need(self) -> bool:
        """Whether keys typed now act on what they mean to: the start-up screen waits for its first rows (`G`
        typed before the rows would go nowhere); held keys go through after HOLD_LIMIT_S whatever this says."""
        return True

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Runs before Textual's own handler (the subclass first): a screen resumed for the first time was styled
        as it mounted, a moment ago, so it is not styled all over again (start-up: ~10% of the first paint)."""
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False
        self.update_trail()

    def update_trail(self) -> None:
        trail = [s.crumb for s in self.app.screen_stack if isinstance(s, EiscopeScreen) and s.crumb]
        self.query_one(Breadcrumbs).set_trail(trail)

    def set_crumb(self, crumb: str) -> None:
        self.crumb = crumb
        if self.is_mounted:
            self.update_trail()

    # -- shared actions -----------------------------------------------------------------------------------------

    TAB_TITLES: ClassVar[dict[str, str]] = {}
    """Tab id → its name in the tab bar; SHORT_TAB_TITLES → the name on a narrow terminal (80 columns)."""
    SHORT_TAB_TITLES: ClassVar[dict[str, str]] = {}
    NARROW_WIDTH: ClassVar[int] = 110
    loading_tabs: frozenset[str] = frozenset()
    """Tabs shown with their number but not ready yet (drawn dim and italic: their titles keep their width, so
    the bar does not reflow when they are ready)."""

    @property
    def tabbed_view(self) -> TabbedView | None:
        """The screen's tabs, if it has any (found once: a query walks the whole screen)."""
        if self._tabbed_view is None:
            views = self.query(TabbedView)
            self._tabbed_view = views.first() if views else None
        return self._tabbed_view

    @property
    def tab_view(self) -> TabbedView:
        """The tabs of a screen that has them."""
        view = self.tabbed_view
        if view is None:
            raise LookupError(f"{type(self).__name__} has no tabs")
        return view

    def visible_tabs(self) -> list[str]:
        """The ids of the tabs the number keys reach, in the order shown."""
        view = self.tabbed_view
        return view.bar.shown_tabs if view is not None else []

    def key_of(self, binding_id: str, default: str) -> str:
        """The key that runs a binding now (the user's keymap, else the default), as a person reads it."""
        return keys_in_force(self.eiscope.keymap, binding_id, default)

    def tab_key(self, number: int) -> str:
        """The key of the tab at this place: '1'…'9', and '0' for the tenth (or what the keymap says)."""
        return self.key_of(f"tab-{number}", str(number % 10))

    def tab_title(self, tab_id: str) -> str:
        """A tab's full name: TAB_TITLES, else the title its page was given."""
        if tab_id in self.TAB_TITLES:
            return self.TAB_TITLES[tab_id]
        view = self.tabbed_view
        return view.get_pane(tab_id).title if view is not None else tab_id

    def tab_titles(self) -> list[tuple[str, str]]:
        """(tab id, full name) of the tabs the number keys reach, in their order."""
        return [(tab_id, self.tab_title(tab_id)) for tab_id in self.visible_tabs()]

    def action_tab(self, number: int) -> None:
        visible = self.visible_tabs()
        if 1 <= number <= len(visible):
            tab = visible[number - 1]
            if tab in self.loading_tabs:
                self.pending_tab = tab  # not lost: shown when it is ready (set_loading_tabs)
                self.notify(f"{self.tab_title(tab)} opens as soon as it has loaded", timeout=2)
                return
            self.pending_tab = None
            self.switch_tab(tab)

    def set_loading_tabs(self, tabs: frozenset[str]) -> None:
        """Tabs shown as loading ('Fleet…'); a tab asked for while it loaded opens once it has, or, if it went
        (the organization is not a white label), the user is told."""
        self.loading_tabs = tabs
        self.number_tabs()
        pending = self.pending_tab
        if pending is None or pending in tabs:
            return
        self.pending_tab = None
        if pending in self.visible_tabs():
            self.switch_tab(pending)
        else:
            self.notify(f"This organization has no {self.TAB_TITLES.get(pending, pending)} tab", timeout=3)

    def switch_tab(self, tab: str) -> None:
        """Show a tab and put the focus in it, on its list when it has one."""
        tabs = self.tab_view
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
        """Put each visible tab's number key in its label ('1 Users'), short names when the terminal is narrow."""
        view = self.tabbed_view
        if view is None:
            return
        bar = view.bar
        narrow = self.size.width < self.NARROW_WIDTH
        bar.set_narrow(narrow)
        for number, tab_id in enumerate(self.visible_tabs(), start=1):
            title = (self.SHORT_TAB_TITLES if narrow else {}).get(tab_id) or self.tab_title(tab_id)
            bar.set_tab_label(tab_id, f"{self.tab_key(number)} {title}")  # the tenth tab is on key 0
            bar.set_tab_loading(tab_id, tab_id in self.loading_tabs)

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:  # the size of its last layout (`size` is the terminal's already)
            # Already laid out at this size: Textual would lay the whole screen out again for nothing (at start-up
            # it does twice: once for the screen's own first layout, once for the terminal's size seen at idle).
            event.prevent_default()
        self.set_class(self.size.width < self.NARROW_WIDTH, "-narrow")
        self.number_tabs()

    def show_waiting(self, seconds: float | None) -> None:
        """An answer has been awaited this long (None: nothing is slow): say so, and that the keys still work."""
        lines = self.query_children(WaitLine)
        if not lines:  # not composed yet, or being taken down
            return
        if seconds is None:
            lines.first().show_wait(None)
            return
        ways = "esc goes back, q quits" if self._has_screen_below() else "q quits"
        lines.first().show_wait(f"Waiting {seconds:.0f} s for the Studio API…  {ways}")

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and self.leave_field(focused):
            return  # escape in a text field leaves the field, not the screen
        if self._has_screen_below():
            self.app.pop_screen()

    def leave_field(self, field: Input) -> bool:
        """Escape was pressed in `field`: move the focus out of it and return True, or False to go back."""
        return False

    def _has_screen_below(self) -> bool:
        """The first of eiscope's screens (the bottom of the stack, or over Textual's empty one) has nowhere to go
        back to; a prompt or picker over a screen changes nothing for it."""
        stack = self.app.screen_stack
        return self in stack and any(isinstance(screen, EiscopeScreen) for screen in stack[: stack.index(self)])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """'esc Back' shows only where there is a screen to go back to."""
        if action == "back":
            return self._has_screen_below()
        return True

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        """Start the workers that (re)load this screen's data."""

    def raw_document(self) -> tuple[str, Any] | None:
        """The title and JSON of what is on screen, for `y`; None when nothing is loaded yet."""
        return None

    def active_list_row(self) -> tuple[str, Any] | None:
        """The cursor row of the list in the active tab, titled by its noun, for `y`; None without one."""
        tabs = self.tabbed_view
        active = tabs.active if tabs is not None else ""
        pane = tabs.get_pane(active) if tabs is not None and active else None
        lists = pane.query(ListPane) if pane is not None else None
        row = lists.first().table.cursor_row if lists else None
        return None if row is None or not lists else (f"{lists.first().noun} › row", row)

    def action_raw_json(self) -> None:
        document = self.raw_document()
        if document is None:
            self.notify("Nothing loaded yet to show as JSON", severity="warning")
            return
        title, data = document
        self.post_message(ShowRaw(title, data))

    def key_for(self, binding_id: str) -> str | None:
        """The key in force for a binding (a remapped one as remapped), as help writes it; None when none is."""
        for key, active in self.active_bindings.items():
            if active.binding.id == binding_id:
                return key_label(key)
        return None

    def action_help(self) -> None:
        self.post_message(ShowHelp(self))

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
        self.notify(f"{error.message}\n{tui_hint(error)}".strip(), title=f"Could not load {what}", severity="error")
