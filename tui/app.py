"""The eiscope App: the screen stack, the keys that work everywhere, the command palette and the client."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from screens.dataset import DatasetScreen
from screens.help import HelpScreen
from screens.inner_org import InnerOrganizationScreen
from screens.jump import EntityIndex, JumpProvider
from screens.messages import (
    ChangesFailed,
    FleetCrossed,
    FleetFailed,
    Kind,
    Loaded,
    LoadFailed,
    Open,
    PagesFailed,
    ShowChanges,
    ShowChart,
    ShowHelp,
    ShowRaw,
    ShowStructure,
)
from screens.organization import OrganizationScreen
from screens.organizations import OrganizationsScreen
from screens.project import ProjectScreen
from screens.raw_json import RawJsonScreen
from screens.structure import StructureScreen
from screens.user import UserScreen
from screens.welcome import WelcomeScreen
from tui.api.cache import DiskCache
from tui.api.settings import ClientSettings
from tui.watcher import Watcher

if TYPE_CHECKING:
    from tui.api.change_tracker import ChangeTracker
    from tui.api.client import StudioClient
    from tui.sandbox.server import Sandbox

# tui/styles.tcss links to the repository's styles.tcss; a wheel carries it as a file.
STYLES = Path(__file__).parent / "styles.tcss"


class EiscopeApp(App[None]):
    """Opens an organization (or the list of them), or the welcome screen when there is no credential."""

    TITLE = "eiscope"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {JumpProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, id="palette"),
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
        self.index = EntityIndex()
        self._client: StudioClient | None = None
        self.startup_ms: float | None = None
        self._changes: ChangeTracker | None = None
        self.clock = clock
        """What "now" is for the snapshots (None: the system clock; tests pin it)."""
        self.watcher = Watcher(self, watch, desktop=desktop_notifications)
        self.watch_at_start = watch is not None

    @property
    def client(self) -> StudioClient:
        """The Studio client, built on first use: the first paint comes from the cache (tui/api/peek.py) and
        must not wait for httpx and the models to import (issue: start-up within 2x of a bare Textual app)."""
        if self._client is None:
            from tui.api.client import StudioClient  # deferred: see above (measured ~0.3 s of start-up)

            self._client = StudioClient(self.settings, self.cache)
        return self._client

    @property
    def changes(self) -> ChangeTracker:
        """This session's snapshots (tui/api/change_tracker.py), kept beside the client's cache namespace."""
        if self._changes is None:
            # Imported on the first list read from the network, after the first paint (start-up budget).
            from tui.api.change_tracker import ChangeTracker
            from tui.api.snapshot_store import SnapshotStore

            kept = self.client.kept_files()
            store = SnapshotStore(kept) if kept is not None else None
            self._changes = ChangeTracker(store, clock=self.clock) if self.clock else ChangeTracker(store)
        return self._changes

    def on_mount(self) -> None:
        self.open_home()
        if self.watch_at_start:
            self.watcher.start()
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

    def open_home(self) -> None:
        """The first screen: welcome without a key, the organization with one, else the organizations list."""
        if self.welcome:
            self.push_screen(WelcomeScreen(self.config_path))
        elif self.org_id is not None:
            self.push_screen(OrganizationScreen(self.org_id))
        else:
            self.push_screen(OrganizationsScreen())

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
        self._changes = None  # the demo's snapshots live in its own namespace
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
        self.push_screen(RawJsonScreen(message.title, message.document))

    @on(ShowStructure)
    def show_structure(self, message: ShowStructure) -> None:
        self.push_screen(StructureScreen(message.data))

    @on(ShowHelp)
    def show_help(self, message: ShowHelp) -> None:
        self.push_screen(HelpScreen(message.screen))

    @on(ShowChart)
    def show_chart(self, message: ShowChart) -> None:
        # Imported on the first chart, not at start-up: plotext and the chart screen cost ~65 ms of it.
        from screens.chart import ChartScreen

        self.push_screen(ChartScreen(message.subject, message.metric_key, days=message.days))

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
        self.watcher.failed(message.error)

    @on(Loaded)
    def refresh_fell_back(self, message: Loaded[Any]) -> None:
        """Cached data shown because the network failed is a failed refresh too (for the watch's back-off)."""
        if message.fetched.error is not None:
            self.watcher.failed(message.fetched.error)
