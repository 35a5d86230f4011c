"""The `eiscope` command: arguments → the browser, the sandbox, a headless export, or the cache tools."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from tui import __version__
from tui import serve as serve_cli
from tui.arg_types import iso_date
from tui.export_spec import EXPORT_KINDS, FORMATS, KINDS_NEEDING_ID


def _connection_options(parser: argparse.ArgumentParser, *, repeated: bool = False) -> None:
    """The options that say which API, which credential and which organization (browser and export).

    `repeated`: a subcommand takes them again (`eiscope export --org 5 users`); its defaults are suppressed so
    that `eiscope --offline export users` keeps the value given before the subcommand.
    """
    group = parser.add_argument_group("connection (flags beat the environment, which beats the profile)")
    extra: dict[str, object] = {"default": argparse.SUPPRESS} if repeated else {}
    group.add_argument("--profile", help="profile from config.toml (or EI_PROFILE)", **extra)  # type: ignore[arg-type]
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
        help="date the demo world as of this day (default: today, UTC)",
        **default(None),
    )


def build_parser(*, with_sandbox: bool = True) -> argparse.ArgumentParser:
    """The whole command line. `with_sandbox=False` (a browse): the sandbox's own options are not loaded, since
    they import the sandbox, which a browse never needs (start-up); `eiscope sandbox …` and --help load them."""
    parser = argparse.ArgumentParser(
        prog="eiscope",
        description="A keyboard-driven terminal browser for Edge Impulse organizations and white labels.",
    )
    parser.add_argument("--version", action="version", version=f"eiscope {__version__}")
    _connection_options(parser)
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
    export.add_argument("id", nargs="?", type=int, help="inner organization id (inner-org, metrics)")
    export.add_argument("--format", choices=FORMATS, default="json")

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
    if args.command == "export" and args.kind in KINDS_NEEDING_ID and args.id is None:
        parser.exit(2, f"eiscope: export {args.kind} needs an inner organization id (eiscope export {args.kind} ID)\n")
    if args.command == "serve":
        return serve_cli.run(args, os.environ)
    from tui.run import run_command  # the browser, export, cache: --demo starts the sandbox for any of them

    return run_command(args)


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
