"""JsonView: pretty-printed JSON on Textual's Line API, with search; fast at 10,000 lines.

A `Static` holding the whole document took 1.0-1.4 s to show an inner organization's ~8,300 lines: Rich lays
out every line before the first paint. This view pretty-prints once (`json.dumps`, in C), splits the text into
lines and colours only the lines on screen (`render_line`), keeping the drawn lines in a small LRU cache as
Textual's Log does.

Safety: `json.dumps` escapes C0 controls (ESC becomes `\\u001b`); C1 and bidi controls, which it leaves raw,
are escaped here too, and the text then passes through `tui.safe_text.clean_multiline` (the line-keeping form of
`clean`). Lines are drawn as plain Segments, never parsed as markup.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.safe_text import clean_multiline
from widgets.reading import reading_bindings, scroll_half_page

__all__ = ["JsonView", "to_json_text"]

# json.dumps(ensure_ascii=False) escapes C0 but leaves C1 and bidi controls raw: show those escaped too.
_UNSAFE = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# The tokens of one line of pretty JSON: a key (a string followed by ": "), a string, a number, a literal.
_TOKEN = re.compile(
    r'(?P<key>"(?:[^"\\]|\\.)*")(?=: )'
    r'|(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<number>-?(?:Infinity|NaN|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))"
    r"|(?P<literal>true|false|null)"
)

LINE_CACHE_SIZE = 512
"""Coloured lines kept: a few screens' worth, so scrolling back repaints from the cache."""
MATCH_CONTEXT = 3
"""Lines shown above a match the view jumps to."""


def to_json_text(data: Any) -> str:
    """Pretty JSON in the API's own field names, with every control character visible as an escape."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    return clean_multiline(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


class JsonView(ScrollView, can_focus=True):
    """A read-only JSON document: scroll it, and search it (`search`, then `n`/`N` between matches)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *reading_bindings(),
        Binding("left,h", "scroll_left", "Left", show=False),
        Binding("right,l", "scroll_right", "Right", show=False),
        Binding("space", "page_down", "Page down", show=False),
        Binding("n", "next_match", "Next", id="json.next_match"),
        Binding("N", "previous_match", "Previous", id="json.previous_match"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "json-view--key",
        "json-view--string",
        "json-view--number",
        "json-view--literal",
        "json-view--match",
        "json-view--current-match",
    }

    DEFAULT_CSS = """
    JsonView {
        height: 1fr;
        background: $surface;
        & > .json-view--key { color: $text-primary; text-style: bold; }
        & > .json-view--string { color: $text-success; }
        & > .json-view--number { color: $text-warning; }
        & > .json-view--literal { color: $text-secondary; text-style: italic; }
        & > .json-view--match { background: $warning 30%; text-style: underline; }
        & > .json-view--current-match { background: $accent; color: $text; text-style: bold reverse; }
    }
    """

    class MatchMoved(Message):
        """The search found matches or moved between them: `current` (1-based, 0 for none) of `count`."""

        def __init__(self, view: JsonView, current: int, count: int) -> None:
            super().__init__()
            self.view = view
            self.current = current
            self.count = count

        @property
        def control(self) -> JsonView:
            return self.view

    def __init__(
        self, data: Any, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines = to_json_text(data).split("\n")
        self._lowered: list[str] | None = None  # built on the first search
        self._needle = ""
        self._matches: list[tuple[int, int, int]] = []  # (line, start, end), in document order
        self._current = -1
        self._by_line: dict[int, list[int]] = {}  # line → indexes into `_matches`
        self._cache: LRUCache[int, Strip] = LRUCache(LINE_CACHE_SIZE)
        width = max((len(line) if line.isascii() else cell_len(line) for line in self._lines), default=0)
        self.virtual_size = Size(width, len(self._lines))

    # -- reading ------------------------------------------------------------------------------------------

    @property
    def lines(self) -> list[str]:
        """The document's lines as shown (already cleaned)."""
        return self._lines

    @property
    def needle(self) -> str:
        """What is searched for ("" for nothing)."""
        return self._needle

    @property
    def match_count(self) -> int:
        """How many places match the search."""
        return len(self._matches)

    @property
    def current_match(self) -> int:
        """The position (1-based) of the match the view is on, 0 when there is none."""
        return self._current + 1

    @property
    def match_lines(self) -> list[int]:
        """The line of every match, in order (a line with two matches appears twice)."""
        return [line for line, _, _ in self._matches]

    # -- searching ----------------------------------------------------------------------------------------

    def search(self, needle: str) -> int:
        """Find every occurrence of `needle` (any case) and go to the first one; returns how many."""
        self._needle = needle
        self._matches = []
        if needle:
            if self._lowered is None:
                self._lowered = [line.lower() for line in self._lines]
            lowered = needle.lower()
            size = len(lowered)
            for number, line in enumerate(self._lowered):
                start = line.find(lowered)
                while start != -1:
                    self._matches.append((number, start, start + size))
                    start = line.find(lowered, start + size)
        self._by_line = {}
        for index, (line_number, _, _) in enumerate(self._matches):
            self._by_line.setdefault(line_number, []).append(index)
        self._current = -1
        if self._matches:
            self._go_to(0)
        else:
            self._changed()
        return len(self._matches)

    def action_half_page(self, direction: int) -> None:
        """ctrl+d / ctrl+u: half a screen down or up."""
        scroll_half_page(self, direction)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`n` and `N` are offered (and shown in the footer) only while the search has matches."""
        if action in ("next_match", "previous_match"):
            return bool(self._matches)
        return True

    def action_next_match(self) -> None:
        """Go to the next match (after the last, the first)."""
        if self._matches:
            self._go_to((self._current + 1) % len(self._matches))

    def action_previous_match(self) -> None:
        """Go to the previous match (before the first, the last)."""
        if self._matches:
            self._go_to((self._current - 1) % len(self._matches))

    def _go_to(self, index: int) -> None:
        """Make a match the current one and scroll it into view (a few lines of context above it)."""
        self._current = index
        line, start, end = self._matches[index]
        if self.is_mounted:
            width = self.scrollable_content_region.width
            x = self.scroll_offset.x
            if start < x or end > x + width:
                x = max(0, start - width // 4)
            top = self.scroll_offset.y
            height = self.scrollable_content_region.height
            y = top if top <= line < top + height - 1 else max(0, line - MATCH_CONTEXT)
            self.scroll_to(x=x, y=y, animate=False, force=True)
        self._changed()

    def _changed(self) -> None:
        """The highlighted matches changed: draw again and say where the search stands."""
        self._cache.clear()
        self.refresh()
        self.refresh_bindings()
        self.post_message(self.MatchMoved(self, self.current_match, len(self._matches)))

    # -- drawing ------------------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Theme changed: colour the lines again."""
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        """One screen line of the document, coloured, cropped to the sideways scroll."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        number = scroll_y + y
        if number >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._cache.get(number)
        if strip is None:
            strip = self._cache[number] = self._draw(number, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _draw(self, number: int, base: Style) -> Strip:
        """A whole line with its tokens coloured and the search matches marked."""
        line = self._lines[number]
        text = Text(line, style=base, no_wrap=True, end="")
        styles = {
            kind: self.get_component_rich_style(f"json-view--{kind}", partial=True)
            for kind in ("key", "string", "number", "literal")
        }
        for token in _TOKEN.finditer(line):
            kind = token.lastgroup
            if kind is not None:
                text.stylize(styles[kind], token.start(), token.end())
        for index in self._by_line.get(number, ()):
            _, start, end = self._matches[index]
            kind = "current-match" if index == self._current else "match"
            style = self.get_component_rich_style(f"json-view--{kind}", partial=True)
            if kind == "current-match" and self.app.no_color:
                style += Style(reverse=True, bold=True)
            text.stylize(style, start, end)
        return Strip(text.render(self.app.console), cell_len(line))
