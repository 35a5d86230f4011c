"""Untrusted text from the API made safe to show in a terminal.

Every string that comes from Edge Impulse Studio (organization names, emails, tags, bucket paths, readmes) is
data. Textual renders a `Label(markup=False)` literally but still passes ESC through, so an
`ESC ] 52 ; c ; <base64> ESC \\` in an organization name would reach the terminal as a real clipboard write
and `ESC [ 2 J` would clear the screen. Every API string that reaches the screen goes through `clean` (one
line) or `clean_multiline` (keeps newlines). Neither escapes Rich markup: render with markup off (`Text(...)`,
`Label(..., markup=False)`), which is what keeps `[@click=app.quit]` literal.

This module imports nothing of ours and nothing of Textual; it is a leaf.
"""

from __future__ import annotations

import re

__all__ = ["clean", "clean_multiline"]

# Characters that mean "there is work to do". Most strings contain none of them: one search and we are done.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

# Whole escape sequences, longest forms first.
#  - String sequences (OSC `ESC ]`, DCS `ESC P`, SOS `ESC X`, PM `ESC ^`, APC `ESC _`) and their 8-bit forms
#    (0x9d, 0x90, 0x98, 0x9e, 0x9f) run to BEL, ST (`ESC \\` or 0x9c), the next ESC (which cancels the string
#    in a real terminal), or the end of the text: an unterminated payload is attacker data, dropped whole.
#  - CSI (`ESC [` or 0x9b): parameter bytes, intermediate bytes, one final byte.
#  - Other ESC sequences: intermediate bytes then one final byte (`ESC 7`, `ESC ( B`, `ESC c`, ...).
_SEQUENCE = re.compile(
    "(?:\x1b[P\\]X^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)?"
    "|(?:\x1b\\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    "|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)

# Line breaks and tabs, which `clean` turns into one space each (a CRLF counts once).
_LINE_BREAKS = re.compile("\r\n|[\n\r\t\x0b\x0c\u2028\u2029]")
_MULTILINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\u2028\u2029]")

# Whatever single control or bidi character is left after the sequences have gone.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_CONTROL_KEEP_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)

_TAB_SIZE = 4


def _as_str(value: object) -> str:
    """`str()` of the value, with None as the empty string (callers show their own placeholder)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def clean(value: object) -> str:
    """One line of text with every terminal control, escape sequence and bidi control removed.

    Newlines, carriage returns and tabs become a single space each so a name can never break a row.
    """
    text = _as_str(value)
    if _SUSPECT.search(text) is None:
        return text
    text = _SEQUENCE.sub("", text)
    text = _LINE_BREAKS.sub(" ", text)
    return _CONTROL.sub("", text)


def clean_multiline(value: object) -> str:
    """Like `clean` but keeps line breaks (as `\\n`) and expands tabs, for readmes and descriptions."""
    text = _as_str(value)
    if _SUSPECT.search(text) is None:
        return text
    text = _SEQUENCE.sub("", text)
    text = _MULTILINE_BREAKS.sub("\n", text)
    if "\t" in text:
        text = text.expandtabs(_TAB_SIZE)
    return _CONTROL_KEEP_NEWLINE.sub("", text)
