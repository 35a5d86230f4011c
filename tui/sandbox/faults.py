"""Fault injection for the sandbox: the ways a real API misbehaves, on demand and reproducibly.

Faults are off by default. Random faults draw from one seeded generator so that a run with the same seed and the
same request order misbehaves the same way; scripted faults answer the next matching requests with given statuses
(`fail_next`) or break given rows of the next matching list page (`malform_next`), for tests that need an exact
sequence. Besides transport faults (latency, errors, throttling, drops, slow bodies, false success), the ways the
real API may differ from the documents: rows that fail the SDK's validation, a cap on `limit`, and the
`ownerOrganizationId` filter of the white-label projects list ignored or refused.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

OWNER_FILTER_MODES = ("honour", "ignore", "reject")
OWNER_FILTER = "ownerOrganizationId"
BREAKS = ("missing", "wrong-type")
# The field a broken row loses (or gets wrong) by default: required by the SDK's model of that list's rows, and
# neither the id nor the name, so a client can still say which row it was.
DEFAULT_BAD_FIELD = {"organizations": "created", "users": "created", "projects": "owner", "jobs": "created"}


@dataclass(frozen=True)
class FaultConfig:
    """What the sandbox does wrong. Rates are shares of requests between 0 and 1."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after_s: float = 1.0
    rate_limit_rps: float | None = None
    slow_body_ms: float = 0.0
    drop_rate: float = 0.0
    false_success_rate: float = 0.0
    malformed_row_rate: float = 0.0  # share of the rows of list answers that fail the SDK's validation
    max_page_size: int | None = None  # a `limit` above this answers 400, as a server with a page cap would
    owner_filter: str = "honour"  # the white-label projects' `ownerOrganizationId` filter: honour, ignore, reject

    def __post_init__(self) -> None:
        if self.owner_filter not in OWNER_FILTER_MODES:
            raise ValueError(f"owner_filter must be one of {', '.join(OWNER_FILTER_MODES)}, not {self.owner_filter!r}")

    def with_changes(self, **changes: object) -> FaultConfig:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def any(self) -> bool:
        """True when any fault is switched on."""
        return self != FaultConfig()


class FaultKind(Enum):
    """What to do to one request instead of (or on top of) answering it normally."""

    NONE = "none"
    DROP = "drop"
    STATUS = "status"
    FALSE_SUCCESS = "false-success"


@dataclass(frozen=True)
class FaultDecision:
    """The verdict for one request: delay, then either answer normally or misbehave."""

    kind: FaultKind = FaultKind.NONE
    status: int = 200
    retry_after_s: float | None = None
    delay_s: float = 0.0
    slow_body_s: float = 0.0


class RequestRefused(Exception):
    """A request a misbehaving server refuses (400): the status and the API's error text."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


@dataclass(frozen=True)
class MalformedRows:
    """Which rows of a list answer to break (0-based positions in the page), which field, and how."""

    rows: tuple[int, ...]
    field: str | None = None  # None: the list's DEFAULT_BAD_FIELD
    how: str = "missing"  # "missing": the field is left out; "wrong-type": it holds a value of the wrong type


@dataclass
class _ScriptedRows:
    path_substring: str
    spec: MalformedRows


@dataclass
class _ScriptedFault:
    path_substring: str
    status: int
    retry_after_s: float | None


@dataclass
class _TokenBucket:
    """A request-rate limit: `rate` requests a second, with a burst of one second's worth."""

    rate: float
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = max(1.0, self.rate)

    def take(self) -> float | None:
        """Take a token; None when allowed, else the seconds until one is available."""
        now = time.monotonic()
        self.tokens = min(max(1.0, self.rate), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        return (1.0 - self.tokens) / self.rate


class FaultInjector:
    """Decides, per request, which fault (if any) applies. Thread-safe: the server is threaded."""

    def __init__(self, config: FaultConfig | None = None, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._script: deque[_ScriptedFault] = deque()
        self._row_script: deque[_ScriptedRows] = deque()
        self._bucket: _TokenBucket | None = None
        self._config = FaultConfig()
        self.config = config or FaultConfig()

    @property
    def config(self) -> FaultConfig:
        return self._config

    @config.setter
    def config(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config
            self._bucket = _TokenBucket(config.rate_limit_rps) if config.rate_limit_rps else None

    def fail_next(self, path_substring: str, statuses: list[int], retry_after: float | None = None) -> None:
        """The next requests whose path contains `path_substring` answer `statuses`, one each, in order.

        Status 0 drops the connection without an answer.
        """
        with self._lock:
            for status in statuses:
                self._script.append(_ScriptedFault(path_substring, status, retry_after))

    def malform_next(
        self, path_substring: str, rows: Sequence[int], *, field: str | None = None, how: str = "missing"
    ) -> None:
        """The next list answer whose path contains `path_substring` has `rows` (0-based positions in that page)
        broken: `field` left out (`how="missing"`) or of the wrong type (`how="wrong-type"`)."""
        if how not in BREAKS:
            raise ValueError(f"how must be one of {', '.join(BREAKS)}, not {how!r}")
        with self._lock:
            self._row_script.append(_ScriptedRows(path_substring, MalformedRows(tuple(rows), field, how)))

    def clear(self) -> None:
        """Back to a well-behaved server: no faults, no script."""
        self.config = FaultConfig()
        with self._lock:
            self._script.clear()
            self._row_script.clear()

    def check_request(self, params: Mapping[str, str], *, paged: bool, owner_filtered: bool) -> dict[str, str]:
        """The query as a misbehaving server would take it; raises `RequestRefused` where it would refuse it.

        `paged`: the route takes `limit`; `owner_filtered`: the route is the white-label projects list."""
        config = self._config
        if paged and config.max_page_size is not None:
            limit = params.get("limit", "")
            if limit.strip().isdigit() and int(limit) > config.max_page_size:
                raise RequestRefused(400, f"Invalid value for 'limit': must be at most {config.max_page_size}")
        filters = params.get("filters", "")
        if not owner_filtered or config.owner_filter == "honour" or OWNER_FILTER not in filters:
            return dict(params)
        if config.owner_filter == "reject":
            raise RequestRefused(400, f"Invalid filter '{OWNER_FILTER}': unknown field")
        kept = [part for part in filters.split(",") if part.partition(":")[0].strip() != OWNER_FILTER]
        return {**params, "filters": ",".join(kept)}

    def malform(self, path: str, body: dict[str, Any], list_field: str) -> dict[str, Any] | None:
        """`body` with rows broken as scripted or at the configured rate; None when no row is broken."""
        rows = body.get(list_field)
        if not isinstance(rows, list) or not rows:
            return None
        with self._lock:
            scripted = next((s for s in self._row_script if s.path_substring in path), None)
            if scripted is not None:
                self._row_script.remove(scripted)
                spec = scripted.spec
            elif self._config.malformed_row_rate:
                rate = self._config.malformed_row_rate
                spec = MalformedRows(tuple(i for i in range(len(rows)) if self._random.random() < rate))
            else:
                return None
        if not spec.rows:
            return None
        field_name = spec.field or DEFAULT_BAD_FIELD.get(list_field, "created")
        broken = list(rows)
        for index in spec.rows:
            if 0 <= index < len(broken) and isinstance(broken[index], dict):
                broken[index] = break_row(broken[index], field_name, spec.how)
        return {**body, list_field: broken}

    def decide(self, path: str) -> FaultDecision:
        with self._lock:
            scripted = self._take_scripted(path)
            config = self._config
            delay = self._delay(config)
            slow = config.slow_body_ms / 1000.0
            if scripted is not None:
                if scripted.status == 0:
                    return FaultDecision(FaultKind.DROP, delay_s=delay)
                return FaultDecision(
                    FaultKind.STATUS, scripted.status, retry_after_s=scripted.retry_after_s, delay_s=delay
                )
            if self._bucket is not None:
                wait = self._bucket.take()
                if wait is not None:
                    return FaultDecision(FaultKind.STATUS, 429, retry_after_s=max(1.0, wait), delay_s=delay)
            draw = self._random.random
            if config.drop_rate and draw() < config.drop_rate:
                return FaultDecision(FaultKind.DROP, delay_s=delay)
            if config.throttle_rate and draw() < config.throttle_rate:
                return FaultDecision(FaultKind.STATUS, 429, retry_after_s=config.retry_after_s, delay_s=delay)
            if config.error_rate and draw() < config.error_rate:
                status = self._random.choice((500, 502, 503))
                return FaultDecision(FaultKind.STATUS, status, delay_s=delay)
            if config.false_success_rate and draw() < config.false_success_rate:
                return FaultDecision(FaultKind.FALSE_SUCCESS, 200, delay_s=delay, slow_body_s=slow)
            return FaultDecision(FaultKind.NONE, 200, delay_s=delay, slow_body_s=slow)

    def _take_scripted(self, path: str) -> _ScriptedFault | None:
        for index, scripted in enumerate(self._script):
            if scripted.path_substring in path:
                del self._script[index]
                return scripted
        return None

    def _delay(self, config: FaultConfig) -> float:
        if not config.latency_ms and not config.jitter_ms:
            return 0.0
        jitter = self._random.uniform(-config.jitter_ms, config.jitter_ms) if config.jitter_ms else 0.0
        return max(0.0, config.latency_ms + jitter) / 1000.0


def break_row(row: dict[str, Any], field_name: str, how: str) -> dict[str, Any]:
    """A copy of `row` whose `field_name` is missing, or holds a value its model refuses (strictly or not)."""
    broken = dict(row)
    if how == "missing":
        broken.pop(field_name, None)
        return broken
    value = row.get(field_name)
    if isinstance(value, int | float):  # bool is an int too
        broken[field_name] = "not a number"
    elif isinstance(value, str) and value[:4].isdigit():
        broken[field_name] = "yesterday"  # a date-time that is not one
    elif isinstance(value, str):
        broken[field_name] = 404  # a number where text belongs
    else:
        broken[field_name] = "not a list or an object"
    return broken
