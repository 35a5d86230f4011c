"""`eiscope serve`: the same app in a browser, with textual-serve, for demos where a terminal would put people off.

textual-serve runs a command line per browser session, in a child process that inherits the server's
environment. The credential therefore travels in that environment (EI_API_KEY, EI_JWT_TOKEN), resolved once
here, and never on the command line (`ps` shows it), in the page (its only data are the title and the
websocket URL) or in a log (textual-serve logs the command line, which holds no secret).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING

from tui.config import ConfigError, resolve_settings

if TYPE_CHECKING:
    from tui.sandbox.server import Sandbox

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
CREDENTIAL_VARIABLES = ("EI_API_KEY", "EI_JWT_TOKEN", "EI_API_ENDPOINT", "EI_ORG_ID", "EI_PROFILE")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`serve`'s own options; the connection options are the browser's (flags, environment, profile)."""
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    # The demo options repeat the top level's; suppressed defaults keep `eiscope --demo serve` working too.
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help="serve the seeded sandbox")
    parser.add_argument("--scale", choices=("demo", "large", "huge"), default=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=argparse.SUPPRESS)


def child_environment(env: Mapping[str, str], credentials: Mapping[str, str | None]) -> dict[str, str]:
    """The server's environment, which each session's app inherits: our variables replaced by the resolved ones."""
    child = {name: value for name, value in env.items() if name not in CREDENTIAL_VARIABLES}
    child.update({name: value for name, value in credentials.items() if value})
    child["EISCOPE_SERVED"] = "1"  # a served page carries this one credential: no switching to a profile (`:ctx`)
    return child


def child_command(args: argparse.Namespace) -> str:
    """The command line of each session: flags that are not secrets only."""
    flags = [flag for flag, on in (("--offline", args.offline), ("--no-cache", args.no_cache)) if on]
    return shlex.join([sys.executable, "-m", "tui.cli", *flags])


def run(args: argparse.Namespace, env: MutableMapping[str, str]) -> int:
    """Resolve the credential (or start the sandbox), put it in the environment, and serve until Ctrl+C."""
    # Imported here: `eiscope` builds this command's parser at every start, and textual-serve (aiohttp) alone
    # takes ~400 ms to import (measured); only `eiscope serve` pays for it.
    from textual_serve.server import Server

    from tui.sandbox.server import Sandbox

    sandbox: Sandbox | None = None
    if getattr(args, "demo", False):
        sandbox = Sandbox(scale=getattr(args, "scale", "demo"), seed=getattr(args, "seed", 7)).start()
        credentials: dict[str, str | None] = {
            "EI_API_ENDPOINT": sandbox.url,
            "EI_API_KEY": sandbox.admin_key,
            "EI_ORG_ID": str(sandbox.owner_org_id),
            "EISCOPE_CONFIG": os.devnull,
        }
    else:
        flags = {
            "profile": args.profile,
            "endpoint": args.endpoint,
            "api_key": args.api_key,
            "jwt_token": args.jwt_token,
            "org": args.org,
        }
        try:
            settings = resolve_settings(flags, env)
        except ConfigError as error:
            print(f"eiscope: {error.message}", file=sys.stderr)
            return 2
        for warning in settings.warnings:
            print(f"eiscope: warning: {warning}", file=sys.stderr)
        credentials = {
            "EI_API_ENDPOINT": settings.endpoint,
            "EI_API_KEY": settings.api_key,
            "EI_JWT_TOKEN": settings.jwt_token,
            "EI_ORG_ID": str(settings.org_id) if settings.org_id is not None else None,
        }
    child = child_environment(env, credentials)
    env.clear()
    env.update(child)
    url = f"http://{args.host}:{args.port}"
    print(f"eiscope: serving in the browser on {url}  (Ctrl+C stops)", flush=True)
    try:
        Server(child_command(args), host=args.host, port=args.port, title="eiscope", public_url=url).serve()
    finally:
        if sandbox is not None:
            sandbox.stop()
    return 0
