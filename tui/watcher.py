"""The watch in the running app: a timer that refreshes the current screen and the fleet, the status at the
right of the breadcrumbs, and the notifications when an inner organization crosses into near, at or over.

The schedule (interval, back-off on 429/5xx) is tui/watch.py's; which organizations crossed is the
organization screen's (screens/change_host.py posts `FleetCrossed` after each fleet it reads). Each refresh is
the screen's own `load()`, as `r` does, plus a background fleet pass on every organization screen in the stack.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel
from textual.timer import Timer

from screens.base import EiscopeScreen
from screens.change_host import ChangesHost
from tui.api.errors import ApiError
from tui.api.fleet import Status
from tui.safe_text import clean
from tui.watch import DEFAULT_INTERVAL, WatchSchedule, desktop_notification
from widgets.breadcrumbs import Breadcrumbs

if TYPE_CHECKING:
    from textual.app import App

    from tui.api.changes import Change

__all__ = ["ALERT_LINES", "Watcher", "crossing_text"]

ALERT_LINES = 5
"""Organizations named in one notification; more are counted."""


def crossing_text(change: Change) -> str:
    """'Northwind Sensors: ok → near'."""
    before = Status(str(change.before)).label if change.before in set(Status) else str(change.before)
    after = Status(str(change.after)).label if change.after in set(Status) else str(change.after)
    return f"{clean(change.name or change.id)}: {before} → {after}"


class Watcher:
    """Refreshes in the background while active (`--watch`, or `w`)."""

    def __init__(self, app: App[None], interval: timedelta | None = None, *, desktop: str = "off") -> None:
        self.app = app
        self.schedule = WatchSchedule(interval or DEFAULT_INTERVAL)
        self.desktop = desktop
        self.active = False
        self.refreshes = 0
        self.due: float | None = None  # time.monotonic() of the next refresh
        self.planned = self.schedule.interval
        """The wait before the next refresh as last planned (longer after a failed refresh)."""
        self._timer: Timer | None = None
        self._clock: Timer | None = None
        self._failed_this_cycle = False

    # -- on and off ------------------------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.active:
            self.stop()
            self.app.notify("Watch stopped", timeout=3)
        else:
            self.start()
            self.app.notify(f"Watching: the screen and the fleet refresh {self.schedule.describe()}", timeout=3)

    def start(self) -> None:
        self.active = True
        self.schedule.succeeded()
        self._plan(self.schedule.interval)
        if self._clock is None:
            self._clock = self.app.set_interval(1.0, self.show_status)
        self.show_status()

    def stop(self) -> None:
        self.active = False
        self.due = None
        for timer in (self._timer, self._clock):
            if timer is not None:
                timer.stop()
        self._timer = self._clock = None
        for screen in self.app.screen_stack:
            for crumbs in screen.query(Breadcrumbs):
                crumbs.set_note("")

    def _plan(self, delay: timedelta) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.planned = delay
        self.due = time.monotonic() + delay.total_seconds()
        self._timer = self.app.set_timer(delay.total_seconds(), self.refresh_now)

    # -- each refresh ----------------------------------------------------------------------------------------

    def refresh_now(self) -> None:
        """Refresh every organization screen's fleet and the current screen; plan the next refresh at the
        interval (a failure in this refresh pushes it back: `failed`)."""
        if not self.active:
            return
        if not self._failed_this_cycle:
            self.schedule.succeeded()  # the refresh before this one went well: the back-off ends
        self._failed_this_cycle = False
        self.refreshes += 1
        for stacked in self.app.screen_stack:
            if isinstance(stacked, ChangesHost):
                stacked.watch_fleet()
        screen = self.app.screen
        if isinstance(screen, EiscopeScreen):
            screen.load()
        self._plan(self.schedule.interval)
        self.show_status()

    def failed(self, error: ApiError) -> None:
        """A refresh failed: a 429 or 5xx pushes the next one back (once per cycle)."""
        if not self.active or self._failed_this_cycle or not self.schedule.backs_off(error):
            return
        self._failed_this_cycle = True
        self.schedule.failed(error)
        self._plan(self.schedule.delay())
        self.show_status()

    # -- what the admin sees ---------------------------------------------------------------------------------

    def status_text(self) -> str:
        """'watch 5 min · next in 4:12' (the reason when slowed down)."""
        if not self.active or self.due is None:
            return ""
        left = max(0, round(self.due - time.monotonic()))
        slowed = f" ({self.schedule.reason})" if self.planned > self.schedule.interval else ""
        return f"⟳ watch{slowed} · next in {left // 60}:{left % 60:02d}"

    def show_status(self) -> None:
        text = self.status_text()
        for crumbs in self.app.screen.query(Breadcrumbs):
            crumbs.set_note(text)

    def alert(self, crossings: list[Change]) -> None:
        """Inner organizations crossed into near, at or over while watching: notify, ring, and (if enabled)
        ask the terminal for a desktop notification."""
        if not self.active or not crossings:
            return
        lines = [crossing_text(change) for change in crossings[:ALERT_LINES]]
        if len(crossings) > ALERT_LINES:
            lines.append(f"and {len(crossings) - ALERT_LINES} more")
        severe = any(change.after in (Status.AT.value, Status.OVER.value) for change in crossings)
        title = f"Fleet: {len(crossings)} inner organization{'s' if len(crossings) != 1 else ''} crossed a limit"
        severity: SeverityLevel = "error" if severe else "warning"
        self.app.notify("\n".join(lines), title=title, severity=severity, timeout=30, markup=False)
        self.app.bell()
        sequence = desktop_notification(self.desktop, title, "; ".join(lines), tmux=bool(os.environ.get("TMUX")))
        driver = self.app._driver  # Textual's own bell and clipboard write to the terminal the same way
        if sequence and driver is not None and not self.app.is_headless:
            driver.write(sequence)
