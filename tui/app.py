"""The eiscope App: the screen stack, the keys that work everywhere, the command palette and the client."""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import App, ScreenStackError
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from screens.base import EiscopeScreen
from screens.messages import Kind, Open, ShowChart, ShowHelp, ShowRaw, ShowStructure
from screens.organization import OrganizationScreen
from tui.api.cache import DiskCache
from tui.api.peek import CachedBody, organization_info_path, peek_in_thread
from tui.api.settings import ClientSettings

if TYPE_CHECKING:
    from textual.command import Provider

    from screens.jump import EntityIndex
    from tui.api.client import StudioClient
    from tui.sandbox.server import Sandbox

# tui/styles.tcss links to the repository's styles.tcss; a wheel carries it as a file.
STYLES = Path(__file__).parent / "styles.tcss"
HOLD_LIMIT_S = 3.0
"""Keys typed before a screen is ready wait at most this long: a screen that never gets ready loses no key."""
UNHELD_KEYS = frozenset({"ctrl+c", "ctrl+q"})
"""Keys that act at once, ready or not (and the quit binding's keys, `q` unless remapped)."""
WAIT_NOTICE_S = 3.0
"""An answer awaited longer than this is announced, with the seconds counting and the keys that still work."""


def _jump_provider() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (Textual takes a callable in COMMANDS)."""
    from screens.jump import JumpProvider

    return JumpProvider


class EiscopeApp(App[None]):
    """Opens an organization (or the list of them), or the welcome screen when there is no credential."""

    TITLE = "eiscope"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {_jump_provider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, id="palette"),
    ]

    def __init__(
        self,
        settings: ClientSettings,
        *,
        org_id: int | None = None,
        cache: DiskCache | None = None,
        sandbox: Sandbox | None = None,
        welcome: bool = False,
        config_path: str = "config.toml",
        demo_scale: str = "demo",
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        if keymap:
            self.set_keymap(keymap)  # `[keymap]` in config.toml: binding id → keys, as posting does
        self.started = time.perf_counter()
        self.settings = settings
        self.org_id = org_id
        self.cache = cache
        self.sandbox = sandbox
        self.welcome = welcome
        self.config_path = config_path
        self.demo_scale = demo_scale
        self._index: EntityIndex | None = None
        self._client: StudioClient | None = None
        self.startup_ms: float | None = None
        self.first_peek: Future[CachedBody | None] | None = None
        """The first organization's cached body, read in a thread from here on: its rows are in the first paint."""
        if org_id is not None and not welcome:
            self.first_peek = peek_in_thread(settings, cache, organization_info_path(org_id))
        self._held_keys: list[events.Key] = []
        self._hold_timer: Timer | None = None
        self._releasing = False

    @property
    def index(self) -> EntityIndex:
        """What the palette searches: the rows this session has loaded (built on first use, after the first paint)."""
        if self._index is None:
            from screens.jump import EntityIndex  # with the palette: start-up need not import it

            self._index = EntityIndex()
        return self._index

    @property
    def keymap(self) -> Mapping[str, str]:
        """binding id → keys, the user's `[keymap]` as Textual applies it (help shows the keys in force)."""
        return dict(self._keymap)

    @property
    def client(self) -> StudioClient:
        """The Studio client, built on first use: the first paint comes from the cache (tui/api/peek.py) and
        must not wait for httpx and the models to import (issue: start-up within 2x of a bare Textual app)."""
        if self._client is None:
            from tui.api.client import StudioClient  # deferred: see above (measured ~0.3 s of start-up)

            self._client = StudioClient(self.settings, self.cache)
        return self._client

    def _say_waiting(self) -> None:
        """Once a second: tell the screen how long the oldest request in flight has waited, past a few seconds."""
        waited = self._client.waiting_s() if self._client is not None else None
        screen = self.screen
        if isinstance(screen, EiscopeScreen) and screen.is_mounted:
            screen.show_waiting(waited if waited is not None and waited >= WAIT_NOTICE_S else None)

    # -- keys typed before a screen is ready ------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """A key typed while the screen is not ready (starting, or composing a tab) waits for it (issue 20:
        `0` pressed as the first rows appeared was lost)."""
        if isinstance(event, events.Key) and not event.is_forwarded and self._hold(event):
            return
        await super().on_event(event)

    def _hold(self, event: events.Key) -> bool:
        if self._releasing or event.key in UNHELD_KEYS or event.key in self.keymap.get("quit", "q").split(","):
            return False
        if not self._held_keys and self._screen_ready():
            return False
        if not self._held_keys:
            if self._hold_timer is not None:
                self._hold_timer.stop()
            self._hold_timer = self.set_timer(HOLD_LIMIT_S, self.release_keys_now, name="hold-limit")
        self._held_keys.append(event)
        return True

    def _screen_ready(self) -> bool:
        try:
            screen = self.screen
        except ScreenStackError:  # a key before the first screen exists
            return False
        if isinstance(screen, EiscopeScreen):
            return screen.ready
        return len(self.screen_stack) > 1  # a modal or the palette: ready; Textual's empty screen: not yet

    def release_keys(self) -> None:
        """The screen is ready: apply the keys typed meanwhile, in order (`EiscopeScreen.now_ready` calls this)."""
        if self._held_keys and not self._releasing:
            self.call_later(self._replay, False)

    def release_keys_now(self) -> None:
        """Held too long (HOLD_LIMIT_S): apply them to the screen as it is."""
        if self._held_keys and not self._releasing:
            self.call_later(self._replay, True)

    async def _replay(self, force: bool) -> None:
        """Apply held keys one by one; a key that opens another screen holds the rest until that one is ready."""
        while self._held_keys and (force or self._screen_ready()):
            key = self._held_keys.pop(0)
            self._releasing = True
            try:
                await super().on_event(key)
            finally:
                self._releasing = False

    def on_mount(self) -> None:
        if not isinstance(self.screen, EiscopeScreen):
            self.push_screen(self.home_screen())  # the welcome or the organizations list
        self.set_interval(1.0, self._say_waiting, name="wait-notice")
        self.startup_ms = (time.perf_counter() - self.started) * 1000
        self.log.info(f"eiscope started in {self.startup_ms:.0f} ms")

    def _fatal_error(self) -> None:
        """Textual's crash report, without local variables: a frame's locals could hold a key or a header.

        Textual 8.2 prints `Traceback(show_locals=True)` on an unhandled error; this is its method with
        show_locals=False, the last line of defence should a future bug let a key reach a local.
        """
        # Imported here: only a crash needs them, and start-up should not pay for them.
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    def get_default_screen(self) -> Screen[Any]:
        """An organization to open is the bottom of the stack, not pushed over Textual's empty screen (start-up);
        the welcome (which the demo replaces) and the organizations list are pushed on mount."""
        if self.org_id is not None and not self.welcome:
            return self.home_screen()
        return super().get_default_screen()

    def home_screen(self) -> EiscopeScreen:
        """The first screen: welcome without a key, the organization with one, else the organizations list (each
        imported only when it is the one: start-up pays for one first screen)."""
        if self.welcome:
            from screens.welcome import WelcomeScreen

            return WelcomeScreen(self.config_path)
        if self.org_id is not None:
            return OrganizationScreen(self.org_id, peeked=self.first_peek)
        from screens.organizations import OrganizationsScreen

        return OrganizationsScreen()

    async def on_unmount(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self.sandbox is not None:
            self.sandbox.stop()

    def start_demo(self) -> None:
        """From the welcome screen: start the sandbox in-process and browse it."""
        # Imported here, not at the top: a browse that is not the demo never pays for the sandbox (start-up).
        from tui.sandbox.server import Sandbox

        if self.sandbox is None:
            self.sandbox = Sandbox(scale=self.demo_scale).start()
        old = self._client
        self.settings = ClientSettings(
            endpoint=self.sandbox.url, api_key=self.sandbox.admin_key, cache_scope=self.sandbox.cache_scope
        )
        self._client = None
        if old is not None:
            self.run_worker(old.aclose(), exit_on_error=False)
        self.welcome = False
        self.org_id = self.sandbox.owner_org_id
        self.switch_screen(OrganizationScreen(self.org_id))

    # -- the one place that decides which screen shows what --------------------------------------------------------

    @on(Open)
    def open_entity(self, message: Open) -> None:
        """Push the screen that shows this kind of entity; screens and the palette post `Open`."""
        self.push_screen(self.screen_for(message))

    def screen_for(self, message: Open) -> Screen[Any]:
        # The screens past the first are imported when first opened: start-up pays for the one it shows.
        from screens.dataset import DatasetScreen
        from screens.inner_org import InnerOrganizationScreen
        from screens.project import ProjectScreen
        from screens.user import UserScreen

        org_id, row, whitelabel = message.org_id, message.row, message.whitelabel
        match message.kind:
            case Kind.ORGANIZATION:
                return OrganizationScreen(int(row["id"]), row.get("name"))
            case Kind.INNER_ORGANIZATION:
                return InnerOrganizationScreen(org_id, row)
            case Kind.MEMBER:
                projects = message.context.get("org_projects")
                return UserScreen(org_id, row, whitelabel=whitelabel, org_projects=projects)
            case Kind.WHITELABEL_USER:
                return UserScreen(org_id, row, whitelabel=True, org_projects=message.context.get("org_projects"))
            case Kind.PROJECT:
                return ProjectScreen(org_id, row, whitelabel=whitelabel)
            case Kind.WHITELABEL_PROJECT:
                return ProjectScreen(org_id, row, whitelabel=True, fetch=True)
            case Kind.DATASET:
                return DatasetScreen(org_id, row)

    @on(ShowRaw)
    def show_raw(self, message: ShowRaw) -> None:
        from screens.raw_json import RawJsonScreen  # on first use, as screen_for's

        self.push_screen(RawJsonScreen(message.title, message.document))

    @on(ShowStructure)
    def show_structure(self, message: ShowStructure) -> None:
        from screens.structure import StructureScreen  # on first use, as screen_for's

        self.push_screen(StructureScreen(message.data))

    @on(ShowHelp)
    def show_help(self, message: ShowHelp) -> None:
        from screens.help import HelpScreen  # on first use, as screen_for's

        self.push_screen(HelpScreen(message.screen, self.keymap))

    @on(ShowChart)
    def show_chart(self, message: ShowChart) -> None:
        # Imported on the first chart, not at start-up: plotext and the chart screen cost ~65 ms of it.
        from screens.chart import ChartScreen

        self.push_screen(ChartScreen(message.subject, message.metric_key, days=message.days))
