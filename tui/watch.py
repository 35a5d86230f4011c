"""Watch: how often the screens refresh in the background, and how a rate limit or a failing server slows it.

Pure Python, no Textual (the app's `tui/watcher.py` runs the timers). The rule: every `interval` (30 s at
least); after a refresh that hit a 429 or a 5xx the next waits twice as long, after a second such refresh in a
row four times, up to 8 times the interval (and never less than the server's Retry-After); after a refresh
without such a failure, the interval again. The transport already retries each request with its own back-off:
this is the slower loop above it, so a watch left running overnight does not keep a struggling API busy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tui.api.errors import ApiError, RateLimitedError, ServerError

__all__ = ["DEFAULT_INTERVAL", "MAX_BACKOFF_FACTOR", "WatchSchedule", "desktop_notification", "every"]

DEFAULT_INTERVAL = timedelta(minutes=5)
"""What `w` watches at when no `--watch` was given."""
MAX_BACKOFF_FACTOR = 8


@dataclass
class WatchSchedule:
    """The delay before the next refresh, given how the last ones went."""

    interval: timedelta = DEFAULT_INTERVAL
    failures: int = 0
    retry_after_s: float | None = None
    reason: str | None = None
    """What slowed it down ('429', '503'), for the status line."""

    def backs_off(self, error: ApiError) -> bool:
        """Whether this error slows the watch (a rate limit or a server failure)."""
        return isinstance(error, RateLimitedError | ServerError)

    def failed(self, error: ApiError) -> None:
        """A refresh of this cycle hit `error` (call once per cycle: several failures of one refresh are one)."""
        self.failures += 1
        retry_after = error.retry_after_s if isinstance(error, RateLimitedError) else None
        self.retry_after_s = retry_after
        self.reason = "429" if isinstance(error, RateLimitedError) else "server error"

    def succeeded(self) -> None:
        self.failures, self.retry_after_s, self.reason = 0, None, None

    def delay(self) -> timedelta:
        factor = min(2**self.failures, MAX_BACKOFF_FACTOR)
        delay = self.interval * factor
        if self.retry_after_s is not None:
            delay = max(delay, timedelta(seconds=self.retry_after_s))
        return delay

    def describe(self) -> str:
        """'every 5 min', or 'every 5 min, slowed to 20 min (429)'."""
        text = f"every {every(self.interval)}"
        if not self.failures:
            return text
        return f"{text}, slowed to {every(self.delay())} ({self.reason})"


def every(interval: timedelta) -> str:
    """An interval as a person says it: '30 s', '5 min', '1 h', '90 s'."""
    seconds = round(interval.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


_OSC_FIELD_LIMIT = 200


def _field(text: str) -> str:
    """Text safe inside an OSC string: no controls (already cleaned by the caller), no `;` separators."""
    return " ".join(text.replace(";", ",").split())[:_OSC_FIELD_LIMIT]


def desktop_notification(kind: str, title: str, body: str, *, tmux: bool = False) -> str:
    """The escape sequence that asks the terminal for a desktop notification ('' for `off`).

    `osc9`: `ESC ] 9 ; text BEL` (iTerm2, WezTerm, Windows Terminal, kitty); `osc777`: `ESC ] 777 ; notify ;
    title ; body BEL` (foot, Ghostty, rxvt-unicode, VTE). Inside tmux the sequence is wrapped for passthrough
    (tmux needs `set -g allow-passthrough on`). Title and body must already be cleaned of terminal controls.
    """
    if kind == "osc9":
        sequence = f"\x1b]9;{_field(f'eiscope: {title}: {body}')}\x07"
    elif kind == "osc777":
        sequence = f"\x1b]777;notify;{_field(title)};{_field(body)}\x07"
    else:
        return ""
    if tmux:
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence
