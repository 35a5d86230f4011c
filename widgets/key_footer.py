"""A footer that fits an 80-column SSH terminal: on a narrow screen, the focused widget's keys, then `?` and `q`.

Textual's Footer lists every active binding in order and cuts what does not fit, so at 80 columns `? Help` and
`q Quit` fell off the end. Here the always-needed keys are kept and the rest are one `?` away (the help screen
lists them all). On a wide screen every shown binding is listed, as Textual does. Bindings of one group
(`Binding.Group`, as a list's `< >` Columns) share one entry, as in Textual's own footer.
"""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

Entry = tuple[Binding, bool, str]

ESSENTIAL_ACTIONS = ("help", "quit", "app.quit", "back", "close")


class KeyFooter(Footer):
    """Footer that keeps `?` and `q` visible on narrow terminals."""

    DEFAULT_CSS = """
    KeyFooter.-compact FooterLabel { margin: 0 1 0 0; }
    """

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
            room = self.app.size.width - sum(_width(group, app) for group in _grouped(focused_keys + essential))
            fitting = []
            for entry in screen_keys:
                room -= _width([entry], app)
                if room < 0:
                    break
                fitting.append(entry)
            screen_keys = fitting
        for entries in _grouped(focused_keys + screen_keys + essential):
            group = entries[0][0].group
            if group is not None and len(entries) > 1:
                with KeyGroup(classes="-compact" if group.compact else ""):
                    for binding, enabled, tooltip in entries:
                        yield FooterKey(
                            binding.key,
                            app.get_key_display(binding),
                            "",
                            binding.action,
                            disabled=not enabled,
                            tooltip=tooltip or binding.description,
                            classes="-grouped",
                        ).data_bind(compact=Footer.compact)
                yield FooterLabel(group.description)
                continue
            for binding, enabled, tooltip in entries:
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


def _grouped(entries: list[Entry]) -> list[list[Entry]]:
    """Neighbouring entries of one binding group together; every other entry alone."""
    runs: list[list[Entry]] = []
    for group, run in groupby(entries, key=lambda entry: entry[0].group):
        if group is None:
            runs.extend([entry] for entry in run)
        else:
            runs.append(list(run))
    return runs


def _width(entries: list[Entry], app: App[object]) -> int:
    """Cells a compact footer entry takes: 'key description' and a space after it; a group's keys share
    its description ('< > Columns')."""
    keys = sum(len(app.get_key_display(binding)) + 1 for binding, _, _ in entries)
    first = entries[0][0]
    description = first.group.description if len(entries) > 1 and first.group is not None else first.description
    return keys + len(description) + 1
