"""What a `[keymap]` entry of config.toml may say, checked without Textual (the config layer never imports it).

`BINDING_IDS` are the ids of eiscope's bindings: `tests/test_keymap.py` collects the ids from every binding of
the app, its screens and widgets and fails, naming the difference, when this list is not the same; a new binding
is added here in the same change. `key_problem` checks a key list ("ctrl+r,f5") against Textual's key names: a
single character, or a name Textual gives a key (escape, pagedown, f5, question_mark, …) after modifiers
(ctrl+, shift+, alt+, meta+, super+, hyper+).
"""

from __future__ import annotations

import difflib
import unicodedata

__all__ = ["BINDING_IDS", "binding_id_problem", "key_problem"]

BINDING_IDS: frozenset[str] = frozenset(
    {
        # everywhere (the app and every screen)
        "quit",
        "palette",
        "back",
        "refresh",
        "raw-json",
        "help",
        *(f"tab-{number}" for number in range(1, 11)),
        "previous-tab",
        "next-tab",
        # moving, the same in lists, the Structure tree, raw JSON, help, charts and sparklines (widgets/reading.py)
        "cursor-down",
        "cursor-up",
        "first",
        "last",
        "page-down",
        "page-up",
        "half-page-down",
        "half-page-up",
        # lists
        "open",
        "filter",
        "clear-filter",
        "sort",
        "sort-reverse",
        "copy-row",
        "columns-left",
        "columns-right",
        # the command line and the pickers (screens/command_line.py, screens/pickers.py)
        "command-line",
        "command-line.close",
        "command-line.complete",
        "command-line.previous",
        "command-line.older",
        "command-line.newer",
        "pick-organization",
        "pick-profile",
        "picker.close",
        "picker.up",
        "picker.down",
        # screens
        "structure",
        "compute",
        "access",
        "changes",
        "changes-since",
        "watch",
        "range",
        "compute-range",
        "open-chart",
        "open-owner-org",
        "open-last-project",
        "demo",
        "structure-find",
        "structure-find-next",
        "structure-expand-all",
        "structure-collapse-all",
        "chart-total-daily",
        "chart-compare",
        "chart-uncompare",
        "chart-day-before",
        "chart-day-after",
        "chart-week-before",
        "chart-week-after",
        "raw_json.search",
        "raw_json.copy",
        "json.next_match",
        "json.previous_match",
        "help.close",
    }
)

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(
    {
        "escape",
        "enter",
        "return",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        *(f"f{number}" for number in range(1, 25)),
    }
)
CHARACTER_NAMES = frozenset(
    {"slash", "backslash", "at", "minus", "plus", "underscore", "hyphen_minus", "less_than_sign", "greater_than_sign"}
)
"""Names Textual gives printable characters that are not their Unicode names read with underscores."""
ALIASES = {"esc": "escape", "pgdn": "pagedown", "pgup": "pageup", "del": "delete", "ins": "insert", "bs": "backspace"}
"""What people write for a key, and Textual's name for it."""


def binding_id_problem(binding_id: str) -> str | None:
    """Why `binding_id` is not one of eiscope's bindings (with the nearest ids), or None when it is."""
    if binding_id in BINDING_IDS:
        return None
    close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"no key binding has the id {binding_id!r}{hint} (README, Keys, lists the ids)"


def key_problem(keys: str) -> str | None:
    """Why a comma-separated key list is not keys Textual knows, or None when every key is one."""
    for key in keys.split(","):
        problem = _one_key_problem(key.strip())
        if problem:
            return problem
    return None


def _one_key_problem(key: str) -> str | None:
    if not key:
        return "an empty key (two commas, or a comma at an end)"
    if len(key) == 1:
        return None if key.isprintable() else f"{key!r} is not a key"
    *modifiers, base = key.split("+")
    if not base and modifiers:  # "ctrl++": the plus key after a modifier
        modifiers, base = modifiers[:-1], "+"
    unknown = [modifier for modifier in modifiers if modifier not in MODIFIERS]
    if unknown:
        return f"{key!r}: {unknown[0]!r} is not a modifier (ctrl, shift, alt, meta, super, hyper)"
    if len(base) == 1 or base in NAMED_KEYS or base in CHARACTER_NAMES or _names_a_character(base):
        return None
    lowered = base.lower()
    close = difflib.get_close_matches(lowered, sorted(NAMED_KEYS), n=1)
    suggestion = ALIASES.get(lowered) or (lowered if lowered in NAMED_KEYS else next(iter(close), None))
    hint = f"; did you mean {'+'.join([*modifiers, suggestion])}?" if suggestion else ""
    return f"{key!r} is not a key name{hint}"


def _names_a_character(name: str) -> bool:
    """'question_mark', 'full_stop': Textual names a printable character by its Unicode name, lower case."""
    if name != name.lower():
        return False
    try:
        character = unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return character.isprintable()
