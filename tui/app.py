"""The eiscope App: the screen stack, the keys that work everywhere, the command palette and the client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import App, ScreenStackError
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from screens.base import EiscopeScreen
from screens.messages import (
    ChangesFailed,
    FleetCrossed,
    FleetFailed,
    Kind,
    Loaded,
    LoadFailed,
    Open,
    OrganizationUnavailable,
    PagesFailed,
    PickOrganization,
    PickProfile,
    ShowAccess,
    ShowChanges,
    ShowChart,
    ShowCompute,
    ShowHelp,
    ShowOrganization,
    ShowRaw,
    ShowStructure,
    SwitchOrganization,
    SwitchProfile,
)
from screens.organization import OrganizationScreen
from tui.api.cache import DiskCache
from tui.api.errors import ForbiddenError, NotFoundError
from tui.api.peek import CachedBody, organization_info_path, peek_in_thread
from tui.api.settings import ClientSettings

if TYPE_CHECKING:
    from textual.command import Provider

    from screens.entity_index import EntityIndex
    from screens.pickers import PickerScreen
    from tui.api.change_tracker import ChangeTracker
    from tui.api.client import StudioClient
    from tui.api.lookup import Lookup
    from tui.command_history import CommandHistory
    from tui.sandbox.server import Sandbox
    from tui.watcher import Watcher

# tui/styles.tcss links to the repository's styles.tcss; a wheel carries it as a file.
STYLES = Path(__file__).parent / "styles.tcss"
HOLD_LIMIT_S = 3.0
"""Keys typed before a screen is ready wait at most this long: a screen that never gets ready loses no key."""
UNHELD_KEYS = frozenset({"ctrl+c", "ctrl+q"})
"""Keys that act at once, ready or not (and the quit binding's keys, `q` unless remapped)."""
WAIT_NOTICE_S = 3.0
"""An answer awaited longer than this is announced, with the seconds counting and the keys that still work."""


def _jump_provider() -> type[Provider]:
    """The palette's providers are imported when the palette first opens, not at start-up."""
    from screens.jump import JumpProvider

    return JumpProvider


def _command_provider() -> type[Provider]:
    from screens.command_line import CommandProvider

    return CommandProvider


class EiscopeApp(App[None]):
    """Opens an organization (or the list of them), or the welcome screen when there is no credential."""

    TITLE = "eiscope"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {_jump_provider, _command_provider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, id="palette"),
        Binding("colon", "command_line", "Command", show=False, id="command-line"),
        Binding("O", "pick_organization", "Switch organization", show=False, id="pick-organization"),
        Binding("P", "pick_profile", "Switch profile", show=False, id="pick-profile"),
        Binding("w", "toggle_watch", "Watch (refresh in the background)", show=False, id="watch"),
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
        notices: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        profile: str | None = None,
        remember_commands: bool = False,
        today: date | None = None,
        watch: timedelta | None = None,
        desktop_notifications: str = "off",
        clock: Callable[[], datetime] | None = None,
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
        self._lookup: Lookup | None = None
        self.env: Mapping[str, str] = env if env is not None else {}
        """The environment the profiles resolve in (`:ctx`): config path, key variables, cache directory."""
        self.profile = profile
        self.remember_commands = remember_commands
        """Keep the command line's history in the user's state directory (`eiscope`; tests keep it in memory)."""
        self._history: CommandHistory | None = None
        self.startup_ms: float | None = None
        # Warnings printed before the TUI took the screen (a config others can read, a key on the command line, a
        # flag replacing a profile's setting): the alternate screen hides them, so they are shown again inside.
        self.notices = tuple(notices)
        self.today = today
        self._changes: ChangeTracker | None = None
        self.clock = clock
        """What "now" is for the snapshots (None: the system clock, or `today`'s date with the time of day
        running on; tests pin it)."""
        self._watcher: Watcher | None = None
        self._watch_interval = watch
        self._desktop_notifications = desktop_notifications
        self.watch_at_start = watch is not None
        self.first_peek: Future[CachedBody | None] | None = None
        """The first organization's cached body, read in a thread from here on: its rows are in the first paint."""
        if org_id is not None and not welcome:
            self.first_peek = peek_in_thread(settings, cache, organization_info_path(org_id))
        self._held_keys: list[events.Key] = []
        self._hold_timer: Timer | None = None
        self._releasing = False

    def now(self) -> datetime:
        """What 'now' is for periods and ages: the wall clock, or the start of `today` when a world is dated
        (the demo's `--today`, and tests): nothing in a dated world happens on or after its today."""
        if self.today is not None:
            return datetime.combine(self.today, clock_time(0), tzinfo=UTC)
        return datetime.now(UTC)

    @property
    def watcher(self) -> Watcher:
        """The background refresh (`--watch`, `w`), built when first asked for: start-up does not pay for it."""
        if self._watcher is None:
            from tui.watcher import Watcher

            self._watcher = Watcher(self, self._watch_interval, desktop=self._desktop_notifications)
        return self._watcher

    @property
    def index(self) -> EntityIndex:
        """What the palette searches: the rows this session has loaded (built on first use, after the first paint)."""
        if self._index is None:
            from screens.entity_index import EntityIndex  # with the palette: start-up need not import it

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

    @property
    def lookup(self) -> Lookup:
        """The API's search of the lists not loaded, for this client (built on first use, like the client)."""
        if self._lookup is None:
            from tui.api.lookup import Lookup  # deferred: nothing searches before the first rows

            self._lookup = Lookup(lambda: self.client)
        return self._lookup

    @property
    def history(self) -> CommandHistory:
        """The command line's history: read from the state directory the first time `:` opens."""
        if self._history is None:
            from tui.command_history import CommandHistory, default_history_path

            self._history = CommandHistory(default_history_path(self.env) if self.remember_commands else None)
        return self._history

    @history.setter
    def history(self, history: CommandHistory) -> None:
        self._history = history

    @property
    def changes(self) -> ChangeTracker:
        """This session's snapshots (tui/api/change_tracker.py), kept beside the client's cache namespace."""
        if self._changes is None:
            # Imported on the first list read from the network, after the first paint (start-up budget).
            from tui.api.change_tracker import ChangeTracker
            from tui.api.snapshot_store import SnapshotStore

            kept = self.client.kept_files()
            store = SnapshotStore(kept) if kept is not None else None
            clock = self.clock
            if clock is None and self.today is not None:
                from tui.api.change_tracker import clock_on

                clock = clock_on(self.today)
            self._changes = ChangeTracker(store, clock=clock) if clock else ChangeTracker(store)
        return self._changes

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
        if self.cache is not None:
            self._hear_cache_warnings(self.cache)
        if not isinstance(self.screen, EiscopeScreen):
            self.push_screen(self.home_screen())  # the welcome or the organizations list
        if self.watch_at_start:
            self.watcher.start()
        self.set_interval(1.0, self._say_waiting, name="wait-notice")
        self.startup_ms = (time.perf_counter() - self.started) * 1000
        self.log.info(f"eiscope started in {self.startup_ms:.0f} ms")
        if self.notices:
            self.call_after_refresh(self.show_notices)

    def show_notices(self) -> None:
        """The start-up warnings as notifications, after the first paint (markup off: they hold paths)."""
        for notice in self.notices:
            self.notify(notice, title="warning", severity="warning", timeout=30, markup=False)

    def _hear_cache_warnings(self, cache: DiskCache) -> None:
        """What the cache skipped (a folder another user owns, a full disk) is said in a toast, once each.

        The cache warns from worker threads and from the event loop alike, so the toast is scheduled on the
        loop thread-safely; warnings from before the app started are said too.
        """
        loop = asyncio.get_running_loop()

        def show(text: str) -> None:
            self.notify(text, title="Cache", severity="warning", timeout=12)

        def heard(text: str) -> None:
            loop.call_soon_threadsafe(show, text)

        cache.on_warning = heard
        for text in list(cache.warnings):
            show(text)

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
        self.today = self.sandbox.world.today
        settings = ClientSettings(
            endpoint=self.sandbox.url, api_key=self.sandbox.admin_key, cache_scope=self.sandbox.cache_scope
        )
        self.use_connection(settings, self.cache, self.sandbox.owner_org_id, profile=None)

    def use_connection(
        self, settings: ClientSettings, cache: DiskCache | None, org_id: int | None, *, profile: str | None
    ) -> None:
        """Browse with other settings (the demo, another profile): a new client, and that connection's home
        screen in place of every screen of the old one (their rows belong to the old credential)."""
        old = self._client
        self.settings, self.cache, self.org_id, self.profile = settings, cache, org_id, profile
        self._client = None
        self._lookup = None
        self._index = None
        self.first_peek = None  # the first organization's read: not this connection's
        self._changes = None  # another connection's snapshots live in its own namespace
        if old is not None:
            self.run_worker(old.aclose(), exit_on_error=False)
        self.welcome = False
        self.run_worker(self._replace_stack(self.home_screen()), group="switch", exclusive=True)

    async def _replace_stack(self, screen: Screen[Any]) -> None:
        """Every eiscope screen closes, and `screen` is the only one left: at the bottom of the stack where an
        organization was (see `get_default_screen`), else over Textual's default one."""
        stack = self.screen_stack
        keep = 1 if isinstance(stack[0], EiscopeScreen) else 2
        while len(self.screen_stack) > keep:
            await self.pop_screen()
        if len(self.screen_stack) == keep:
            bottom = self.screen_stack[-1]
            if keep == 1 and not bottom._result_callbacks:
                # The default screen was never pushed: it has no result callback for switch_screen to drop.
                bottom._push_result_callback(self, None)
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

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

    @on(ShowCompute)
    def show_compute(self, message: ShowCompute) -> None:
        # Imported on first use, as the chart is: start-up pays only for the screens of the first paint.
        from screens.compute import ComputeScreen

        self.push_screen(ComputeScreen(message.org_id, inner_id=message.inner_id, days=message.days, name=message.name))

    @on(ShowAccess)
    def show_access(self, message: ShowAccess) -> None:
        from screens.access import AccessScreen  # on first use, as above

        self.push_screen(AccessScreen(message.org_id))

    @on(ShowHelp)
    def show_help(self, message: ShowHelp) -> None:
        from screens.help import HelpScreen  # on first use, as screen_for's

        self.push_screen(HelpScreen(message.screen, self.keymap))

    @on(ShowChart)
    def show_chart(self, message: ShowChart) -> None:
        # Imported on the first chart, not at start-up: plotext and the chart screen cost ~65 ms of it.
        from screens.chart import ChartScreen

        self.push_screen(ChartScreen(message.subject, message.metric_key, days=message.days))

    # -- the command line, the pickers, switching ---------------------------------------------------------------

    # The command line and the pickers are imported when first opened: start-up does not pay for them.

    def _prompt_on_top(self) -> bool:
        """A command line or a picker is the current screen."""
        from screens.command_line import CommandLineScreen
        from screens.pickers import PickerScreen

        return isinstance(self.screen, CommandLineScreen | PickerScreen)

    def action_command_line(self, text: str = "") -> None:
        """`:` opens the command line over the current screen (not over another prompt or picker)."""
        from screens.command_line import CommandLineScreen

        if not self._prompt_on_top():
            self.push_screen(CommandLineScreen(self.screen, text))

    def action_pick_organization(self) -> None:
        from screens.pickers import OrganizationPicker

        self._open_picker(OrganizationPicker())

    def action_pick_profile(self) -> None:
        from screens.pickers import ProfilePicker

        self._open_picker(ProfilePicker())

    def _open_picker(self, picker: PickerScreen) -> None:
        """One picker at a time: another replaces it, and the command line gives way to it."""
        if self._prompt_on_top():
            self.switch_screen(picker)
        else:
            self.push_screen(picker)

    @on(PickOrganization)
    def _pick_organization(self) -> None:
        self.action_pick_organization()

    @on(PickProfile)
    def _pick_profile(self) -> None:
        self.action_pick_profile()

    @on(OrganizationUnavailable)
    def _organization_unavailable(self, message: OrganizationUnavailable) -> None:
        """A wrong or forbidden organization: its screen says why, once; the picker offers the others."""
        if isinstance(message.error, NotFoundError | ForbiddenError) and not self._prompt_on_top():
            self.action_pick_organization()

    @on(ShowOrganization)
    def show_organization(self, message: ShowOrganization) -> None:
        """A place of an organization's page: the page already open for it (screens over it close), else a new
        one; `:fleet`, `:users TEXT`, `:structure`…"""
        screen = next(
            (
                s
                for s in reversed(self.screen_stack)
                if isinstance(s, OrganizationScreen) and s.org_id == message.org_id
            ),
            None,
        )
        if screen is None:
            screen = OrganizationScreen(message.org_id)
            self.push_screen(screen)
        elif screen is not self.screen:
            screen.pop_until_active()
        if message.place is not None:
            screen.show_place(message.place, message.filter_text)

    @on(SwitchOrganization)
    def switch_organization(self, message: SwitchOrganization) -> None:
        """Browse another organization with the same credential: its page becomes the only screen."""
        self.org_id = message.org_id
        self.run_worker(
            self._replace_stack(OrganizationScreen(message.org_id, message.name)), group="switch", exclusive=True
        )

    @on(SwitchProfile)
    def switch_profile(self, message: SwitchProfile) -> None:
        self.notify(f"Switching to profile {message.name}…", timeout=3)
        self._switch_profile(message.name)

    def _switch_profile(self, name: str) -> None:
        self.run_worker(self._resolve_profile(name), group="switch-profile", exclusive=True, exit_on_error=False)

    async def _resolve_profile(self, name: str) -> None:
        """Resolve the profile off the event loop (its api_key_command may take seconds), then use it."""
        from tui.config import ConfigError
        from tui.profiles import resolve_profile

        offline, no_cache = self.settings.offline, self.cache is None
        try:
            resolved = await asyncio.to_thread(resolve_profile, name, self.env, offline=offline, no_cache=no_cache)
        except ConfigError as error:
            self.notify(error.message, title=f"Could not switch to profile {name}", severity="error")
            return
        settings = resolved.client_settings()
        if not settings.api_key and not settings.jwt_token:
            self.notify(
                f"Profile {name} gives no key: add api_key_command, api_key_env or api_key to it",
                title=f"Could not switch to profile {name}",
                severity="error",
            )
            return
        self.use_connection(settings, resolved.cache(), resolved.org_id, profile=name)

    @on(ShowChanges)
    def show_changes(self, message: ShowChanges) -> None:
        """The Changes view; asked again from it (the palette's 'since 7 days'), it changes its period."""
        from screens.changes import ChangesScreen  # on the first look at changes, not at start-up

        current = self.screen
        if isinstance(current, ChangesScreen) and current.org_id == message.org_id:
            current.set_since(message.since)
            return
        self.push_screen(ChangesScreen(message.org_id, since=message.since))

    # -- watch -----------------------------------------------------------------------------------------------------

    def action_toggle_watch(self) -> None:
        self.watcher.toggle()

    @on(FleetCrossed)
    def fleet_crossed(self, message: FleetCrossed) -> None:
        self.watcher.alert(message.crossings)

    @on(LoadFailed)
    @on(PagesFailed)
    @on(FleetFailed)
    @on(ChangesFailed)
    def refresh_failed(self, message: LoadFailed | PagesFailed | FleetFailed | ChangesFailed) -> None:
        """A failure bubbled up from a screen: a watch backs off on 429 and 5xx."""
        if self._watcher is not None:
            self._watcher.failed(message.error)

    @on(Loaded)
    def refresh_fell_back(self, message: Loaded[Any]) -> None:
        """Cached data shown because the network failed is a failed refresh too (for the watch's back-off)."""
        if message.fetched.error is not None and self._watcher is not None:
            self._watcher.failed(message.fetched.error)
