"""A footer that fits the terminal at any width: the keys that fit, in order, and always `?` and `q`.

Textual's Footer lists every active binding in order and cuts what does not fit, so at 80 columns (and at 60)
`? Help` and `q Quit` fell off the end. Here the always-needed keys (back, help, quit) are kept, the focused
widget's keys and then the screen's fill the room left, and the rest are one `?` away (the help screen lists them
all). It is one line drawn at the width it has, so after a resize (80 → 60 → 80) it fits the new width.
Bindings of one group (`Binding.Group`, as a list's `< >` Columns) share one entry, as in Textual's own footer.

Start-up: Textual's footer is a container of one widget per key, built again on every change of the bindings;
this is a single widget that draws the line (about a fifth of the widgets of the first screen fewer). A click on
a key presses it, as in Textual's footer.
"""

from __future__ import annotations

from itertools import groupby
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
Item = list[Entry]
"""One entry of the line: a key, or the neighbouring keys of one binding group ('< > Columns')."""


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

    def plan(self, width: int) -> tuple[list[Item], Entry | None]:
        """The keys to draw at this width, in order (a group's keys as one item), and the palette key (None when
        narrow or absent)."""
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
        essentials = [[entry] for entry in essential]
        room = width - sum(self._width(item, narrow) for item in essentials)
        if palette is not None:
            room -= self._width([palette], narrow) + 1  # and its separator
        shown: list[Item] = []
        for item in _grouped(focused_keys + screen_keys):
            needed = self._width(item, narrow)
            if needed > room:
                break
            room -= needed
            shown.append(item)
        return [*shown, *essentials], palette

    def _palette_entry(self) -> Entry | None:
        app = self.app
        if not app.ENABLE_COMMAND_PALETTE:
            return None
        active = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        return (active.binding, active.enabled) if active is not None else None

    def _width(self, item: Item, narrow: bool) -> int:
        """Cells an item takes: compact 'k Description ', else ' k Description '; a group's keys are spaced."""
        keys = " ".join(self.app.get_key_display(binding) for binding, _ in item)
        return len(keys) + len(_description(item)) + (2 if narrow else 3)

    def render(self) -> Text:
        width = self.outer_size.width
        narrow = width < self.NARROW_WIDTH
        entries, palette = self.plan(width)
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for item in entries:
            self._draw(line, item, narrow, key_style, description_style)
        self._shown = [binding for item in entries for binding, _ in item]
        if palette is not None:
            binding = palette[0]
            tail = Text(end="")
            tail.append("▏", self.get_component_rich_style("key-footer--palette"))
            start = width - self._width([palette], narrow) - 1
            line.append(" " * max(0, start - line.cell_len))
            offset = line.cell_len
            self._draw(tail, [palette], narrow, key_style, description_style)
            line.append_text(tail)
            self._spans[-1] = (self._spans[-1][0] + offset, self._spans[-1][1] + offset, binding.key)
            self._shown.append(binding)
        return line

    def _draw(self, line: Text, item: Item, narrow: bool, key_style: Style, description_style: Style) -> None:
        """An item's keys (each its own click target) and then its description."""
        dim = Style(dim=True) if not all(enabled for _, enabled in item) else Style()
        if not narrow:
            line.append(" ", key_style + dim)
        for index, (binding, _) in enumerate(item):
            start = line.cell_len
            line.append(self.app.get_key_display(binding), key_style + dim)
            if index < len(item) - 1:
                line.append(" ", key_style + dim)
            self._spans.append((start, line.cell_len, binding.key))
        description = _description(item)
        if narrow:
            line.append(f" {description} ", description_style + dim)
        else:
            line.append(" ", key_style + dim)
            line.append(f"{description} ", description_style + dim)
        start, _, key = self._spans[-1]
        self._spans[-1] = (start, line.cell_len, key)

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key.split(",")[0])
                return


def _grouped(entries: list[Entry]) -> list[Item]:
    """Neighbouring entries of one binding group together; every other entry alone."""
    items: list[Item] = []
    for group, run in groupby(entries, key=lambda entry: entry[0].group):
        if group is None:
            items.extend([entry] for entry in run)
        else:
            items.append(list(run))
    return items


def _description(item: Item) -> str:
    """A key's description, or its group's when the item holds several keys ('Columns')."""
    first = item[0][0]
    return first.group.description if len(item) > 1 and first.group is not None else first.description
