"""A footer that fits the terminal at any width: the keys that fit, in order, and always `?` and `q`.

Textual's Footer lists every active binding in order and cuts what does not fit, so at 80 columns (and at 60)
`? Help` and `q Quit` fell off the end. Here the always-needed keys (back, help, quit) are kept, the focused
widget's keys and then the screen's fill the room left, and the rest are one `?` away (the help screen lists them
all). The footer is laid out again whenever its width changes (80 → 60 → 80 gives the 80-column keys back).

Start-up: Textual's footer recomposes on every change of the bindings (each focus change) and each key restyles
itself twice (its `compact` flag, data-bound); here a key is built in its final style, and the footer is built
again only when what it shows changes.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ESSENTIAL_ACTIONS = ("help", "quit", "app.quit", "back", "close")

Entry = tuple[Binding, bool, str]


class KeyFooter(Footer):
    """Footer that keeps `?` and `q` visible at every width, and fits again after a resize."""

    NARROW_WIDTH: ClassVar[int] = 110
    """Below this, keys are drawn compact (no padding) and the palette key is left to `?`."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[object, ...] | None = None
        """What the footer was last built to show (width and keys): the same again is not rebuilt."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and self._plan() != self._shown:
            self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._shown = plan = self._plan()
        _width_then, narrow, entries, palette = plan
        self.compact = narrow
        app = self.app
        for binding, enabled, tooltip in entries:
            key = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            )
            key.set_reactive(FooterKey.compact, narrow)
            yield key.set_class(narrow, "-compact", update=False)
        if palette is not None:
            binding, enabled, tooltip = palette
            key = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )
            key.set_reactive(FooterKey.compact, False)
            yield key

    def _plan(self) -> tuple[int, bool, tuple[Entry, ...], Entry | None]:
        """(width, narrow, the keys to show in order, the palette key or None) for the terminal's width now."""
        app = self.app
        width = app.size.width
        narrow = width < self.NARROW_WIDTH
        screen = self.screen
        focused_keys: list[Entry] = []
        screen_keys: list[Entry] = []
        essential: list[Entry] = []
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
        palette = self._palette_entry() if not narrow else None
        room = width - sum(_width(entry[0], app, narrow) for entry in essential)
        if palette is not None:
            room -= _width(palette[0], app, narrow) + 2  # its left border and padding
        shown: list[Entry] = []
        for entry in focused_keys + screen_keys:
            needed = _width(entry[0], app, narrow)
            if needed > room:
                break
            room -= needed
            shown.append(entry)
        return width, narrow, (*shown, *essential), palette

    def _palette_entry(self) -> Entry | None:
        app = self.app
        if not (self.show_command_palette and app.ENABLE_COMMAND_PALETTE):
            return None
        try:
            _node, binding, enabled, tooltip = self.screen.active_bindings[app.COMMAND_PALETTE_BINDING]
        except KeyError:
            return None
        return binding, enabled, tooltip

    def on_resize(self) -> None:
        if self._shown is not None and self.app.size.width != self._shown[0]:
            self.call_after_refresh(self.recompose)


def _width(binding: Binding, app: App[object], compact: bool) -> int:
    """Cells a footer key takes: compact 'key description' and a margin; else padded 'key' and 'description '."""
    display = app.get_key_display(binding)
    return len(display) + len(binding.description) + (2 if compact else 3)
