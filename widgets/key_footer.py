"""A footer that fits an 80-column SSH terminal: on a narrow screen, the focused widget's keys, then `?` and `q`.

Textual's Footer lists every active binding in order and cuts what does not fit, so at 80 columns `? Help` and
`q Quit` fell off the end. Here the always-needed keys are kept and the rest are one `?` away (the help screen
lists them all). On a wide screen every shown binding is listed, as Textual does.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ESSENTIAL_ACTIONS = ("help", "quit", "app.quit", "back", "close")


class KeyFooter(Footer):
    """Footer that keeps `?` and `q` visible on narrow terminals."""

    NARROW_WIDTH: ClassVar[int] = 110

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        narrow = self.app.size.width < self.NARROW_WIDTH
        self.compact = narrow
        screen = self.screen
        app = self.app
        focused_keys: list[tuple[Binding, bool, str]] = []
        screen_keys: list[tuple[Binding, bool, str]] = []
        essential: list[tuple[Binding, bool, str]] = []
        seen_actions: set[str] = set()
        for node, binding, enabled, tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            entry = (binding, enabled, tooltip)
            if binding.action in ESSENTIAL_ACTIONS:
                essential.append(entry)
            elif node is screen or node is app:
                screen_keys.append(entry)
            else:
                focused_keys.append(entry)
        if narrow:
            room = self.app.size.width - sum(_width(entry[0], app) for entry in focused_keys + essential)
            fitting = []
            for entry in screen_keys:
                room -= _width(entry[0], app)
                if room < 0:
                    break
                fitting.append(entry)
            screen_keys = fitting
        shown = focused_keys + screen_keys + essential
        for binding, enabled, tooltip in shown:
            yield FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE and not narrow:
            try:
                _node, binding, enabled, tooltip = screen.active_bindings[app.COMMAND_PALETTE_BINDING]
            except KeyError:
                return
            yield FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def on_resize(self) -> None:
        narrow = self.app.size.width < self.NARROW_WIDTH
        if narrow != self.compact:
            self.call_after_refresh(self.recompose)


def _width(binding: Binding, app: object) -> int:
    """Cells a compact footer key takes: 'key description' and a space after it."""
    display = app.get_key_display(binding)  # type: ignore[attr-defined]
    return len(display) + len(binding.description) + 2
