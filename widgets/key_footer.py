"""A footer that fits the terminal at any width: the keys that fit, in order, and always `?` and `q`.

Textual's Footer lists every active binding in order and cuts what does not fit, so at 80 columns (and at 60)
`? Help` and `q Quit` fell off the end. Here the always-needed keys (back, help, quit) are kept, the focused
widget's keys and then the screen's fill the room left, and the rest are one `?` away (the help screen lists them
all). It is one line drawn at the width it has, so after a resize (80 → 60 → 80) it fits the new width.

Start-up: Textual's footer is a container of one widget per key, built again on every change of the bindings;
this is a single widget that draws the line (about a fifth of the widgets of the first screen fewer). A click on
a key presses it, as in Textual's footer.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

ESSENTIAL_ACTIONS = ("help", "quit", "app.quit", "back", "close")

Entry = tuple[Binding, bool]
"""A key to show and whether it is enabled (drawn dim when not)."""


class KeyFooter(Widget):
    """The keys of the screen and its focused widget on one line, `?` and `q` always among them."""

    NARROW_WIDTH: ClassVar[int] = 110
    """Below this, keys are drawn compact (no padding) and the palette key is left to `?`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description", "key-footer--palette"}

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--palette { color: $foreground 20%; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[tuple[int, int, str]] = []
        """(first column, column after the last, key) of each key drawn, for a click."""
        self._shown: list[Binding] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    @property
    def shown(self) -> list[Binding]:
        """The bindings drawn at the last paint, in order (the palette key last, when drawn)."""
        return list(self._shown)

    def plan(self, width: int) -> tuple[list[Entry], Entry | None]:
        """The keys to draw at this width, in order, and the palette key (None when narrow or absent)."""
        app = self.app
        screen = self.screen
        narrow = width < self.NARROW_WIDTH
        focused_keys: list[Entry] = []
        screen_keys: list[Entry] = []
        essential: list[Entry] = []
        seen_actions: set[str] = set()
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            entry = (binding, enabled)
            if binding.action in ESSENTIAL_ACTIONS:
                essential.append(entry)
            elif node is screen or node is app:
                screen_keys.append(entry)
            else:
                focused_keys.append(entry)
        palette = None if narrow else self._palette_entry()
        room = width - sum(self._width(binding, narrow) for binding, _ in essential)
        if palette is not None:
            room -= self._width(palette[0], narrow) + 1  # and its separator
        shown: list[Entry] = []
        for entry in focused_keys + screen_keys:
            needed = self._width(entry[0], narrow)
            if needed > room:
                break
            room -= needed
            shown.append(entry)
        return [*shown, *essential], palette

    def _palette_entry(self) -> Entry | None:
        app = self.app
        if not app.ENABLE_COMMAND_PALETTE:
            return None
        active = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        return (active.binding, active.enabled) if active is not None else None

    def _width(self, binding: Binding, narrow: bool) -> int:
        """Cells a key takes: compact 'k Description ', else ' k Description '."""
        return len(self.app.get_key_display(binding)) + len(binding.description) + (2 if narrow else 3)

    def render(self) -> Text:
        width = self.outer_size.width
        narrow = width < self.NARROW_WIDTH
        entries, palette = self.plan(width)
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for binding, enabled in entries:
            self._draw(line, binding, enabled, narrow, key_style, description_style)
        self._shown = [binding for binding, _ in entries]
        if palette is not None:
            binding, enabled = palette
            tail = Text(end="")
            tail.append("▏", self.get_component_rich_style("key-footer--palette"))
            start = width - self._width(binding, narrow) - 1
            line.append(" " * max(0, start - line.cell_len))
            offset = line.cell_len
            self._draw(tail, binding, enabled, narrow, key_style, description_style)
            line.append_text(tail)
            self._spans[-1] = (self._spans[-1][0] + offset, self._spans[-1][1] + offset, binding.key)
            self._shown.append(binding)
        return line

    def _draw(
        self, line: Text, binding: Binding, enabled: bool, narrow: bool, key_style: Style, description_style: Style
    ) -> None:
        dim = Style(dim=True) if not enabled else Style()
        display = self.app.get_key_display(binding)
        start = line.cell_len
        line.append(display if narrow else f" {display} ", key_style + dim)
        line.append(f" {binding.description} " if narrow else f"{binding.description} ", description_style + dim)
        self._spans.append((start, line.cell_len, binding.key))

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key.split(",")[0])
                return
