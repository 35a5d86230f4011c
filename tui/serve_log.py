"""The log of `eiscope serve`: one plain line per event, never local variables, never an environment.

textual-serve logs through Rich with `tracebacks_show_locals=True`: when a session failed to start, the traceback
listed the child's environment, key included. Here every record (ours, aiohttp's, asyncio's) is one line; an
exception is named by its type and errno text only, and every line passes through the redaction of the secrets
this server holds, as a last guard.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

from tui.api.redact import redact
from tui.safe_text import clean

__all__ = ["LOG", "describe", "setup_logging"]

LOG = logging.getLogger("eiscope.serve")
_OURS = ("eiscope", "aiohttp", "asyncio", "textual-serve")


def describe(error: BaseException) -> str:
    """An exception as a log may show it: its type, and an OS error's own words (no message we did not write)."""
    words = getattr(error, "strerror", None)
    return f"{type(error).__name__}" + (f" ({words})" if isinstance(words, str) and words else "")


class _OneLine(logging.Formatter):
    """`eiscope serve: message [ErrorType (words)]`, printable, redacted; a traceback is never formatted."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            message = f"{message} [{describe(error)}]"
        return " ".join(clean(redact(f"eiscope serve: {message}", self._secrets)).split())


def setup_logging(secrets: Iterable[str | None], stream: TextIO | None = None) -> None:
    """Route ours, aiohttp's, asyncio's and textual-serve's loggers to one plain handler (replacing any other)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_OneLine(secrets))
    for name in _OURS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO)
    logging.getLogger("aiohttp.access").disabled = True  # request lines hold ?token=…; we log our own
