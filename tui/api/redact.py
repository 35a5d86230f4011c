"""The one place a secret is cut out of text that could be echoed (API error bodies, one-line errors, crashes).

A server that echoes a key need not echo it exactly: it may upper-case it, or cut it short ("invalid key
ei_3fa9…"). So a secret is matched in any ASCII letter case, and so is every piece of it of `MIN_CUT` characters
or more: what remains visible is at most 11 characters of the key, too few to use.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MIN_CUT", "REDACTED", "redact"]

REDACTED = "***"
MIN_CUT = 12  # the shortest piece of a secret that is cut out; shorter secrets are cut out whole

# Lower-casing ASCII only keeps every index in place (str.lower can change a length: "İ" becomes two characters).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _covered(folded: str, secret: str) -> list[tuple[int, int]]:
    """The [start, end) spans of `folded` that are a piece of `secret` (both already folded)."""
    spans: list[tuple[int, int]] = []
    if len(secret) < MIN_CUT:
        start = folded.find(secret)
        while start != -1:
            spans.append((start, start + len(secret)))
            start = folded.find(secret, start + len(secret))
        return spans
    pieces = {secret[i : i + MIN_CUT] for i in range(len(secret) - MIN_CUT + 1)}
    # Every window of MIN_CUT characters that is a piece of the secret is covered; a longer cut is the union of
    # its windows, and nothing outside a piece is ever covered.
    for start in range(len(folded) - MIN_CUT + 1):
        if folded[start : start + MIN_CUT] in pieces:
            end = start + MIN_CUT
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every non-empty secret, in any letter case, and every piece of 12+ characters of it, as `***`."""
    folded = text.translate(_ASCII_LOWER)
    spans: list[tuple[int, int]] = []
    for secret in {s.translate(_ASCII_LOWER) for s in secrets if s}:
        spans.extend(_covered(folded, secret))
    if not spans:
        return text
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    parts: list[str] = []
    position = 0
    for start, end in merged:
        parts.extend((text[position:start], REDACTED))
        position = end
    parts.append(text[position:])
    return "".join(parts)
