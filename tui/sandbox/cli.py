"""`eiscope sandbox`: run the sandbox in the foreground and say how to reach it."""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from typing import Any, NoReturn, TextIO

from tui.arg_types import iso_date
from tui.sandbox.faults import OWNER_FILTER_MODES, FaultConfig
from tui.sandbox.server import Sandbox
from tui.sandbox.world import SCALES


def port_number(text: str) -> int:
    value = _number(text, int, "a port number")
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port between 0 and 65535, not {text}")
    return value


def duration(text: str) -> float:
    """A finite, non-negative duration (inf would sleep forever; nan compares false to everything)."""
    value = _number(text, float, "a number")
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of at least 0, not {text}")
    return value


def rate(text: str) -> float:
    """A share of requests, from 0 to 1."""
    value = _number(text, float, "a share between 0 and 1")
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


def requests_per_second(text: str) -> float:
    value = _number(text, float, "a number of requests per second")
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, not {text} (leave it out for no limit)")
    return value


def page_size(text: str) -> int:
    value = _number(text, int, "a number of rows")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return value


def _number(text: str, kind: type[int] | type[float], what: str) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {what}, not {text!r}") from None


def _one_line_error(parser: argparse.ArgumentParser) -> Callable[[str], NoReturn]:
    """argparse prints the whole usage before an error; a wrong option deserves one line."""

    def error(message: str) -> NoReturn:
        parser.exit(2, f"{parser.prog}: error: {message}\n")

    return error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.error = _one_line_error(parser)  # type: ignore[method-assign,assignment]
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=port_number, default=8080, help="port to bind (0: any free port; default 8080)")
    parser.add_argument("--scale", choices=sorted(SCALES), default="demo", help="size of the world (default demo)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the world: same seed, same data (default 7)")
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="date the world as of this day (default: today, UTC; 2026-11-25 or later); metrics end the day before",
    )
    parser.add_argument("--api-key", help="use this admin API key instead of the seeded one")
    parser.add_argument(
        "--prebuild",
        action="store_true",
        help="build every inner organization's answer in the background at start (a fast first fleet walk)",
    )
    faults = parser.add_argument_group("faults (all off by default)")
    faults.add_argument("--latency-ms", type=duration, default=0.0, help="delay every answer by this much")
    faults.add_argument("--jitter-ms", type=duration, default=0.0, help="vary the latency by up to ± this much")
    faults.add_argument("--error-rate", type=rate, default=0.0, help="share of answers that are 500/502/503")
    faults.add_argument("--throttle-rate", type=rate, default=0.0, help="share of answers that are 429")
    faults.add_argument("--retry-after", type=duration, default=1.0, help="Retry-After seconds sent with a 429")
    faults.add_argument(
        "--rate-limit", type=requests_per_second, default=None, help="requests per second before answering 429"
    )
    faults.add_argument("--slow-body-ms", type=duration, default=0.0, help="trickle each body over this long")
    faults.add_argument("--drop-rate", type=rate, default=0.0, help="share of connections closed unanswered")
    faults.add_argument(
        "--false-success-rate", type=rate, default=0.0, help="share of HTTP 200 answers with success: false"
    )
    faults.add_argument(
        "--malformed-row-rate", type=rate, default=0.0, help="share of list rows that fail the SDK's validation"
    )
    faults.add_argument(
        "--max-page-size", type=page_size, default=None, metavar="N", help="answer 400 to a `limit` above N"
    )
    faults.add_argument(
        "--owner-filter",
        choices=OWNER_FILTER_MODES,
        default="honour",
        help="the white-label projects' ownerOrganizationId filter: honour it (default), ignore it, or reject it",
    )


def faults_from(args: argparse.Namespace) -> FaultConfig:
    return FaultConfig(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=args.error_rate,
        throttle_rate=args.throttle_rate,
        retry_after_s=args.retry_after,
        rate_limit_rps=args.rate_limit,
        slow_body_ms=args.slow_body_ms,
        drop_rate=args.drop_rate,
        false_success_rate=args.false_success_rate,
        malformed_row_rate=args.malformed_row_rate,
        max_page_size=args.max_page_size,
        owner_filter=args.owner_filter,
    )


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    started = time.perf_counter()
    sandbox = Sandbox(
        scale=args.scale,
        seed=args.seed,
        host=args.host,
        port=args.port,
        faults=faults_from(args),
        api_key=args.api_key,
        today=args.today,
        prebuild=args.prebuild,
    )
    try:
        sandbox.bind()
    except OSError as error:
        print(f"eiscope sandbox: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    world = sandbox.world
    lines = [
        f"eiscope sandbox ({args.scale} world, seed {args.seed}, dated {world.today.isoformat()})"
        f" ready in {time.perf_counter() - started:.2f} s",
        f"  endpoint        {sandbox.url}",
        f"  admin API key   {sandbox.admin_key}   (white-label owner organization {world.owner_org_id})",
        f"  plain API key   {sandbox.plain_key}   (organization {world.plain_org_id}, not a white label)",
        f"  JWT             {sandbox.jwt_token}",
        "                  (for /api/user and --jwt-token; sent as x-jwt-token)",
        "",
        f"  try: EI_API_ENDPOINT={sandbox.url} EI_API_KEY={sandbox.admin_key} eiscope",
    ]
    if sandbox.faults.any:
        lines.append(f"  faults: {sandbox.faults}")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        lines.append(f"  warning: listening on {args.host}, not loopback only")
    lines.append("Ctrl+C stops it.")
    print("\n".join(lines), file=out, flush=True)
    try:
        sandbox.serve_bound()
    except KeyboardInterrupt:
        print("\nsandbox stopped", file=out)
    return 0
