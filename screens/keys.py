"""Keys as a person reads them ('?' not 'question_mark'), and the keys a binding answers to now (the keymap's).

Help, the palette and the tab bar say which key does what; with a `[keymap]` in config.toml that is the user's
key, not the default, so each asks `keys_in_force`.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["KEY_NAMES", "key_label", "keys_in_force"]

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "escape": "esc",
    "backspace": "⌫",
    "enter": "enter",
    "plus": "+",
    "minus": "-",
    "pagedown": "pgdn",
    "pageup": "pgup",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "ctrl+left": "ctrl+←",
    "ctrl+right": "ctrl+→",
}


def key_label(key: str) -> str:
    """'question_mark' → '?'; 'ctrl+p' stays; several keys of one binding are joined with ' / '."""
    return " / ".join(KEY_NAMES.get(part.strip(), part.strip()) for part in key.split(","))


def keys_in_force(keymap: Mapping[str, str], binding_id: str, default: str) -> str:
    """The keys of a binding as a person reads them: the user's keymap entry, else the default keys."""
    return key_label(keymap.get(binding_id, default))
