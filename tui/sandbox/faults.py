"""Fault injection for the sandbox: the ways a real API misbehaves, on demand and reproducibly.

Faults are off by default. Random faults draw from one seeded generator so that a run with the same seed and the
same request order misbehaves the same way; scripted faults (`FaultScript`) answer the next matching requests with
given statuses, for tests that need an exact sequence.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from enum import Enum


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

    def clear(self) -> None:
        """Back to a well-behaved server: no faults, no script."""
        self.config = FaultConfig()
        with self._lock:
            self._script.clear()

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
