"""What the Studio client is told: endpoint, credentials, limits and retry policy.

Kept apart from the client so config and the CLI can build settings without reading the request machinery.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tui.api.limits import (
    DEFAULT_LIST_DEADLINE_S,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_LIST_BYTES,
    DEFAULT_MAX_LIST_ROWS,
    ListBounds,
)

__all__ = ["DEFAULT_ENDPOINT", "ClientSettings", "RetryPolicy", "user_agent"]

DEFAULT_ENDPOINT = "https://studio.edgeimpulse.com/v1"


def user_agent() -> str:
    """`eiscope/<version>`, so Edge Impulse can tell our traffic apart."""
    try:
        from importlib.metadata import version

        return f"eiscope/{version('eiscope')}"
    except Exception:
        return "eiscope/0.1.0"


@dataclass(frozen=True)
class RetryPolicy:
    """Retries for idempotent GETs: connect errors, timeouts, 429, 502, 503, 504 (never 500)."""

    max_attempts: int = 4
    total_budget_s: float = 20.0
    base_delay_s: float = 0.25
    max_delay_s: float = 4.0
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (AWS architecture blog): uniform(0, min(cap, base * 2^n))."""
        return random.uniform(0.0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))


@dataclass
class ClientSettings:
    """Everything the client needs; secrets are kept out of repr."""

    endpoint: str = DEFAULT_ENDPOINT
    api_key: str | None = field(default=None, repr=False)
    jwt_token: str | None = field(default=None, repr=False)
    max_in_flight: int = 8
    timeout_s: float = 30.0  # httpx's, per connect and per read
    deadline_s: float = 60.0  # the whole request, retries included: a trickling server cannot hold it for ever
    retries: RetryPolicy = field(default_factory=RetryPolicy)
    offline: bool = False
    use_cache: bool = True
    cache_fallback: bool = True  # export turns this off: a script should not get stale data silently
    cache_scope: str | None = None  # names the cache namespace instead of the endpoint (the demo's port varies)
    # names the credential in the cache namespace instead of the key itself, when the key is not at hand:
    # a profile's api_key_command, so `export --offline` finds its cache without running the command
    cache_identity: str | None = field(default=None, repr=False)
    # the bounds on what a server can make eiscope read (tui/api/limits.py): one body, counted decompressed,
    # and one paged list's rows, bytes and time
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_list_rows: int = DEFAULT_MAX_LIST_ROWS
    max_list_bytes: int = DEFAULT_MAX_LIST_BYTES
    list_deadline_s: float = DEFAULT_LIST_DEADLINE_S

    @property
    def list_bounds(self) -> ListBounds:
        return ListBounds(max_rows=self.max_list_rows, max_bytes=self.max_list_bytes, deadline_s=self.list_deadline_s)
