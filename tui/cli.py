"""The `eiscope` command: arguments → the browser, the sandbox, a headless export, or the cache tools."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, cast

from tui import __version__
from tui import serve as serve_cli
from tui.arg_types import iso_date, since, watch_interval
from tui.export_spec import (
    CHECK_LEVELS,
    COMPUTE_DIMENSIONS,
    DEFAULT_SINCE,
    EXPORT_KINDS,
    FORMATS,
    KINDS_NEEDING_ID,
    METRICS_FORMAT,
)

MONITORING_UNKNOWN = 3
"""`eiscope check` follows the monitoring plugin API: a usage error is UNKNOWN (3), not argparse's 2."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser; a subcommand marked `monitoring` reports a usage error as a plugin's UNKNOWN line."""

    monitoring = False

    def error(self, message: str) -> NoReturn:
        if self.monitoring:
            print(f"EISCOPE FLEET UNKNOWN - usage: {' '.join(message.split())}")
            self.print_usage(sys.stderr)
            self.exit(MONITORING_UNKNOWN)
        super().error(message)


def _connection_options(parser: argparse.ArgumentParser, *, repeated: bool = False) -> None:
    """The options that say which API, which credential and which organization (browser and export).

    `repeated`: a subcommand takes them again (`eiscope export --org 5 users`); its defaults are suppressed so
    that `eiscope --offline export users` keeps the value given before the subcommand.
    """
    group = parser.add_argument_group("connection (flags beat the environment, which beats the profile)")
    extra: dict[str, object] = {"default": argparse.SUPPRESS} if repeated else {}
    group.add_argument("--profile", help="profile from config.toml (or EI_PROFILE)", **extra)  # type: ignore[arg-type]
    group.add_argument(
        "--no-profile",
        action="store_true",
        help="choose no profile, not even default_profile: flags and the environment alone say where and as whom",
        **extra,  # type: ignore[arg-type]
    )
    group.add_argument(
        "--endpoint",
        help="API endpoint (or EI_API_ENDPOINT; default https://studio.edgeimpulse.com/v1)",
        **extra,  # type: ignore[arg-type]
    )
    group.add_argument(
        "--api-key-file",
        metavar="PATH",
        help="read the organization API key from a file (`-`: standard input); better: EI_API_KEY or a profile",
        **extra,  # type: ignore[arg-type]
    )
    group.add_argument(
        "--jwt-token-file",
        metavar="PATH",
        help="read a Studio user JWT from a file (`-`: standard input), instead of EI_JWT_TOKEN; "
        "a JWT reaches every organization of the user",
        **extra,  # type: ignore[arg-type]
    )
    group.add_argument(
        "--api-key",
        help="the API key itself (visible to other users in `ps`: prefer the above)",
        **extra,  # type: ignore[arg-type]
    )
    group.add_argument(
        "--jwt-token",
        help="the JWT itself (visible to other users in `ps`: prefer the above)",
        **extra,  # type: ignore[arg-type]
    )
    group.add_argument(
        "--org",
        type=int,
        help="organization id to open (or EI_ORG_ID, or the profile)",
        **extra,  # type: ignore[arg-type]
    )
    group.add_argument(
        "--offline",
        action="store_true",
        help="use the disk cache only, never the network",
        **extra,  # type: ignore[arg-type]
    )
    group.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the disk cache",
        **extra,  # type: ignore[arg-type]
    )


def _demo_options(parser: argparse.ArgumentParser, *, repeated: bool = False) -> None:
    """--demo and the demo world's options: the browser's, and every command's that reads the API (tui/run.py
    starts the sandbox for any of them). `repeated`: as in _connection_options, `eiscope --demo export fleet` and
    `eiscope export --demo fleet` both work."""
    demo = parser.add_argument_group("demo")

    def default(value: object) -> dict[str, Any]:
        return {"default": argparse.SUPPRESS if repeated else value}

    demo.add_argument("--demo", action="store_true", help="use a sandbox started in-process: no key", **default(False))
    demo.add_argument("--scale", choices=("demo", "large", "huge"), help="size of the demo world", **default("demo"))
    demo.add_argument("--seed", type=int, help="seed of the demo world", **default(7))
    demo.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="date the demo world as of this day (default: today, UTC; 2026-11-25 or later)",
        **default(None),
    )


def build_parser(*, with_sandbox: bool = True) -> argparse.ArgumentParser:
    """The whole command line. `with_sandbox=False` (a browse): the sandbox's own options are not loaded, since
    they import the sandbox, which a browse never needs (start-up); `eiscope sandbox …` and --help load them."""
    parser = _Parser(
        prog="eiscope",
        description="A keyboard-driven terminal browser for Edge Impulse organizations and white labels.",
    )
    parser.add_argument("--version", action="version", version=f"eiscope {__version__}")
    _connection_options(parser)
    parser.add_argument(
        "--watch",
        type=watch_interval,
        metavar="DURATION",
        help="refresh the current screen and the fleet every DURATION (30s at least; w toggles it)",
    )
    _demo_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    sandbox = commands.add_parser("sandbox", help="run the local Studio API sandbox in the foreground")
    if with_sandbox:
        from tui.sandbox import cli as sandbox_cli  # only for `eiscope sandbox` and --help: see the docstring

        sandbox_cli.add_arguments(sandbox)

    export = commands.add_parser("export", help="print data for scripts: json, jsonl or csv")
    _connection_options(export, repeated=True)
    _demo_options(export, repeated=True)
    export.add_argument("kind", choices=EXPORT_KINDS, help="what to export")
    export.add_argument(
        "id", nargs="?", type=int, help="inner organization id (inner-org, metrics; optional for jobs, compute)"
    )
    export.add_argument(
        "--format",
        choices=(*FORMATS, METRICS_FORMAT),
        default="json",
        help=f"json, jsonl or csv; {METRICS_FORMAT}: `export fleet` for Prometheus' node_exporter textfile collector",
    )
    export.add_argument(
        "--since",
        type=since,
        metavar="7d|YYYY-MM-DD",
        help=(
            f"jobs, compute: the period starts then and ends now (default {DEFAULT_SINCE}); changes: compare with "
            "the snapshot nearest this moment (default: the newest earlier one)"
        ),
    )
    export.add_argument(
        "--by", choices=COMPUTE_DIMENSIONS, default="project", help="compute: split by project, user or category"
    )
    export.add_argument("--project", type=int, metavar="ID", help="jobs: one white-label project's jobs")
    export.add_argument("--user", type=int, metavar="ID", help="jobs: one white-label user's jobs")

    check = commands.add_parser(
        "check",
        help="the fleet as a Nagios/Icinga plugin: one line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
    )
    cast(_Parser, check).monitoring = True
    _connection_options(check, repeated=True)
    _demo_options(check, repeated=True)
    check.add_argument(
        "--warn", choices=CHECK_LEVELS, default="near", help="WARNING when an inner org is at this status or worse"
    )
    check.add_argument(
        "--crit", choices=CHECK_LEVELS, default="at", help="CRITICAL when an inner org is at this or worse"
    )

    serve = commands.add_parser("serve", help="the same app in a web browser (textual-serve), on 127.0.0.1")
    _connection_options(serve, repeated=True)
    serve_cli.add_arguments(serve)

    cache = commands.add_parser("cache", help="show or clear the disk cache")
    _demo_options(cache, repeated=True)
    cache.add_argument("action", choices=("info", "clear"))
    return parser


def parser_for(words: Sequence[str]) -> argparse.ArgumentParser:
    """The parser these words need: the sandbox's options only for `eiscope sandbox` or a help request."""
    return build_parser(with_sandbox="sandbox" in words or "-h" in words or "--help" in words)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = parser_for(words)
    args = parser.parse_args(words)
    if args.command == "sandbox":
        from tui.sandbox import cli as sandbox_cli  # the sandbox only when asked for

        return sandbox_cli.run(args)
    if args.command == "export":
        if args.kind in KINDS_NEEDING_ID and args.id is None:
            parser.exit(
                2, f"eiscope: export {args.kind} needs an inner organization id (eiscope export {args.kind} ID)\n"
            )
        if (args.project is not None or args.user is not None) and (args.kind != "jobs" or args.id is not None):
            parser.exit(2, "eiscope: --project and --user read one project's or user's jobs: export jobs, no ID\n")
        if args.project is not None and args.user is not None:
            parser.exit(2, "eiscope: --project and --user: one or the other\n")
    if args.command == "serve":
        return serve_cli.run(args, os.environ)
    from tui.run import run_command  # the browser, export, check, cache: --demo starts the sandbox for any of them

    return run_command(args)


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
