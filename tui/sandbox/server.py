"""The sandbox: a real HTTP server on loopback that speaks the Studio organization API over a seeded world.

It is the API behind `eiscope --demo`, every test and the benchmarks. HTTP is the standard library's threaded
server (no hand-written parsing); `api` authenticates, routes and builds bodies, `http_handler` answers every
request (faults included), and this module runs the server and keeps the request counts.
"""

from __future__ import annotations

import threading
import traceback
from collections import Counter, deque
from collections.abc import Sequence
from datetime import date
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tui.sandbox.api import API_PREFIX, Api
from tui.sandbox.body_cache import DEFAULT_BUDGET_BYTES, BodyCache
from tui.sandbox.faults import FaultConfig, FaultInjector
from tui.sandbox.http_handler import SandboxHandler
from tui.sandbox.world import World, build_world

UNKNOWN_ROUTE = "(unknown route)"
OTHER_PATHS = "(other paths)"
MAX_COUNTED_PATHS = 10_000  # distinct paths counted one by one; more land under OTHER_PATHS
DEFAULT_IDLE_TIMEOUT_S = 5.0
DEFAULT_REQUEST_TIMEOUT_S = 10.0


class _SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        bound = {"sandbox": sandbox, "timeout": sandbox.idle_timeout_s}
        handler = type("BoundSandboxHandler", (SandboxHandler,), bound)
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Keep the traceback for tests (`Sandbox.errors`) instead of printing over the TUI."""
        self.sandbox.errors.append(traceback.format_exc())


class Sandbox:
    """A running sandbox: start it (or use it as a context manager), point a client at `url`, stop it."""

    def __init__(
        self,
        *,
        scale: str = "demo",
        seed: int = 7,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultConfig | None = None,
        api_key: str | None = None,
        world: World | None = None,
        today: date | None = None,
        idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S,
        request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S,
        body_cache_bytes: int = DEFAULT_BUDGET_BYTES,
        prebuild: bool = False,
    ) -> None:
        """`today` dates the world (default: today in UTC; tests pin `DEFAULT_TODAY`); idle connections close
        after `idle_timeout_s`; a request not whole `request_timeout_s` after its first byte gets a 408; encoded
        bodies are kept within `body_cache_bytes` (gzip-compressed); `prebuild` builds every inner organization's
        answer in a background thread once serving starts."""
        self.world = world or build_world(scale, seed, today)
        if api_key:
            self.world.admin_key = api_key
        self.api = Api(self.world, BodyCache(body_cache_bytes))
        self.injector = FaultInjector(faults, seed=seed)
        self.idle_timeout_s = idle_timeout_s
        self.request_timeout_s = request_timeout_s
        self.prebuild = prebuild
        self._stopping = threading.Event()
        self._host = host
        self._port = port
        self._counts: Counter[str] = Counter()
        self.errors: deque[str] = deque(maxlen=100)  # tracebacks of unexpected exceptions, newest last
        self._counts_lock = threading.Lock()
        self._server: _SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def bind(self) -> Sandbox:
        """Bind the socket now, so that `url` is known before serving."""
        if self._server is None:
            self._server = _SandboxHTTPServer((self._host, self._port), self)
        return self

    def start(self) -> Sandbox:
        """Serve in a background thread (tests, `--demo`)."""
        server = self.bind()._server
        assert server is not None
        self._thread = threading.Thread(target=server.serve_forever, name="eiscope-sandbox", daemon=True)
        self._thread.start()
        self._start_prebuild()
        return self

    def serve_bound(self) -> None:
        """Serve in the calling thread until interrupted (the `eiscope sandbox` command)."""
        server = self.bind()._server
        assert server is not None
        self._start_prebuild()
        try:
            server.serve_forever()
        finally:
            server.server_close()
            self._server = None

    def _start_prebuild(self) -> None:
        if self.prebuild:
            self._stopping.clear()
            worker = threading.Thread(
                target=self.api.prebuild_inner_organizations,
                args=(self._stopping.is_set,),
                name="eiscope-sandbox-prebuild",
                daemon=True,
            )
            worker.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    # -- what tests and the CLI read ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("The sandbox is not running")
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{API_PREFIX}"

    @property
    def cache_scope(self) -> str:
        """Names a client's cache namespace for this world: the port changes each run, the world does not."""
        return f"eiscope-sandbox:{self.world.scale}:{self.world.seed}"

    @property
    def admin_key(self) -> str:
        return self.world.admin_key

    @property
    def plain_key(self) -> str:
        return self.world.plain_key

    @property
    def jwt_token(self) -> str:
        return self.world.jwt_token

    @property
    def owner_org_id(self) -> int:
        return self.world.owner_org_id

    @property
    def plain_org_id(self) -> int:
        return self.world.plain_org_id

    @property
    def biggest_inner_org_id(self) -> int:
        """The live inner organization that used the most compute over the last 365 days: the most jobs."""
        return self.world.biggest_inner_org_id

    @property
    def busiest_user_id(self) -> int:
        """The member of `biggest_inner_org_id` who started the most of its jobs (a user with jobs)."""
        return self.world.busiest_user_id

    @property
    def faults(self) -> FaultConfig:
        return self.injector.config

    @faults.setter
    def faults(self, config: FaultConfig) -> None:
        self.injector.config = config

    def fail_next(self, path_substring: str, statuses: list[int], retry_after: float | None = None) -> None:
        self.injector.fail_next(path_substring, statuses, retry_after)

    def malform_next(
        self, path_substring: str, rows: Sequence[int], *, field: str | None = None, how: str = "missing"
    ) -> None:
        """The next list answer whose path contains `path_substring` has `rows` (0-based positions in that page)
        fail the SDK's validation: `field` (default: a required field other than id and name) left out
        (`how="missing"`) or of the wrong type (`how="wrong-type"`)."""
        self.injector.malform_next(path_substring, rows, field=field, how=how)

    def clear_faults(self) -> None:
        self.injector.clear()

    def count(self, path: str) -> None:
        """Count a request under its path when it is a route of the API (a bounded number of them)."""
        key = path if self.api.knows(path) else UNKNOWN_ROUTE
        with self._counts_lock:
            if key not in self._counts and len(self._counts) >= MAX_COUNTED_PATHS:
                key = OTHER_PATHS
            self._counts[key] += 1

    def request_counts(self) -> dict[str, int]:
        with self._counts_lock:
            return dict(self._counts)

    def total_requests(self) -> int:
        with self._counts_lock:
            return sum(self._counts.values())

    def reset_counts(self) -> None:
        with self._counts_lock:
            self._counts.clear()
