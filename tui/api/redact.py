"""The one place a secret is cut out of text that could be echoed (API error bodies, one-line errors, crashes)."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["REDACTED", "redact"]

REDACTED = "***"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every non-empty secret replaced by `***` (longest first, so a key inside a token goes too)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
