"""`eiscope serve`: the same app in a browser, for demos where a terminal would put people off, for the token
holder only.

Each browser session runs eiscope in a child process that gets the credential in its environment (EI_API_KEY,
EI_JWT_TOKEN), resolved once here, and never on the command line (`ps` shows it), in the page (its only data are
the title and the websocket URL) or in a log. Who may open the page is tui/serve_access.py (a token, Host and
Origin checks); the server is tui/serve_web.py, its sessions tui/serve_sessions.py, its log tui/serve_log.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tui.arg_types import positive_int
from tui.config import ConfigError, resolve_settings

if TYPE_CHECKING:
    from tui.sandbox.server import Sandbox
    from tui.serve_access import AccessPolicy

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 4  # each session is an eiscope process (~60 MB)
DEFAULT_IDLE_TIMEOUT_S = 30 * 60
CREDENTIAL_VARIABLES = ("EI_API_KEY", "EI_JWT_TOKEN", "EI_API_ENDPOINT", "EI_ORG_ID", "EI_PROFILE")
TOKEN_VARIABLE = "EISCOPE_SERVE_TOKEN"  # the name is tui/serve_access.py's too


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`serve`'s own options; the connection options are the browser's (flags, environment, profile)."""
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT}; 0: any free one)"
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address others open (a name of this machine, or a TLS proxy in front: https://…); "
        "the only other name the page answers to",
    )
    parser.add_argument(
        "--token",
        help=f"the token the URL carries (default: a new random one each start; or {TOKEN_VARIABLE}, "
        "which `ps` does not show)",
    )
    parser.add_argument(
        "--no-token", action="store_true", help="no token (loopback only): every local user can open the page"
    )
    parser.add_argument(
        "--max-sessions",
        type=positive_int,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"browser sessions at once, each its own eiscope process (default {DEFAULT_MAX_SESSIONS})",
    )
    parser.add_argument(
        "--idle-timeout",
        type=positive_int,
        default=DEFAULT_IDLE_TIMEOUT_S,
        metavar="SECONDS",
        help=f"close a session after this long without a key or a resize (default {DEFAULT_IDLE_TIMEOUT_S})",
    )
    # The demo options repeat the top level's; suppressed defaults keep `eiscope --demo serve` working too.
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help="serve the seeded sandbox")
    parser.add_argument("--scale", choices=("demo", "large", "huge"), default=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=argparse.SUPPRESS)


def child_environment(env: Mapping[str, str], credentials: Mapping[str, str | None]) -> dict[str, str]:
    """The server's environment, which each session's app inherits: our variables replaced by the resolved ones."""
    dropped = (*CREDENTIAL_VARIABLES, TOKEN_VARIABLE)
    child = {name: value for name, value in env.items() if name not in dropped}
    child.update({name: value for name, value in credentials.items() if value})
    child["EISCOPE_SERVED"] = "1"  # a served page carries this one credential: no switching to a profile (`:ctx`)
    return child


def child_command(args: argparse.Namespace) -> list[str]:
    """The command line of each session: flags that are not secrets only. `--no-profile`: the credential resolved
    here comes in the environment, and the profile that gave it must not be read again to refuse it."""
    flags = [flag for flag, on in (("--offline", args.offline), ("--no-cache", args.no_cache)) if on]
    return [sys.executable, "-m", "tui.cli", "--no-profile", *flags]


def _warn(text: str) -> None:
    print(f"eiscope: warning: {text}", file=sys.stderr)


def _resolve(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, str | None] | None:
    """The credential every session gets, resolved once (a password manager is asked once), or None after saying
    in one line what is wrong."""
    flags = {
        name: getattr(args, name, None)
        for name in ("profile", "no_profile", "endpoint", "api_key", "api_key_file", "jwt_token", "jwt_token_file")
    }
    flags["org"] = args.org
    try:
        settings = resolve_settings(flags, env)
    except ConfigError as error:
        print(f"eiscope: {error.message}", file=sys.stderr)
        return None
    for warning in settings.warnings:
        _warn(warning)
    return {
        "EI_API_ENDPOINT": settings.endpoint,
        "EI_API_KEY": settings.api_key,
        "EI_JWT_TOKEN": settings.jwt_token,
        "EI_ORG_ID": str(settings.org_id) if settings.org_id is not None else None,
    }


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Resolve the credential (or start the sandbox) and the token, then serve until Ctrl+C."""
    # Imported here: `eiscope` builds this command's parser at every start, and aiohttp alone takes ~400 ms to
    # import (measured); only `eiscope serve` pays for it.
    # The access rules too (ipaddress alone is ~10 ms of every start).
    from tui.serve_access import TokenError, choose_token, exposure_warnings
    from tui.serve_log import setup_logging
    from tui.serve_web import ServeOptions, serve_forever

    try:
        token, warnings = choose_token(args.no_token, args.token, env.get(TOKEN_VARIABLE), args.host, args.public_url)
    except TokenError as error:
        print(f"eiscope: {error}", file=sys.stderr)
        return 2
    for warning in (*warnings, *exposure_warnings(args.host, args.public_url)):
        _warn(warning)

    sandbox: Sandbox | None = None
    if getattr(args, "demo", False):
        from tui.sandbox.server import Sandbox

        sandbox = Sandbox(scale=getattr(args, "scale", "demo"), seed=getattr(args, "seed", 7)).start()
        credentials: dict[str, str | None] = {
            "EI_API_ENDPOINT": sandbox.url,
            "EI_API_KEY": sandbox.admin_key,
            "EI_ORG_ID": str(sandbox.owner_org_id),
            "EISCOPE_CONFIG": os.devnull,
        }
    else:
        resolved = _resolve(args, env)
        if resolved is None:
            return 2
        credentials = resolved
    secrets = (credentials.get("EI_API_KEY"), credentials.get("EI_JWT_TOKEN"), token)
    setup_logging(secrets)
    options = ServeOptions(
        host=args.host,
        port=args.port,
        token=token,
        public_url=args.public_url,
        max_sessions=args.max_sessions,
        idle_timeout_s=float(args.idle_timeout),
        command=child_command(args),
        env=child_environment(env, credentials),
        secrets=secrets,
    )

    def listening(policy: AccessPolicy) -> None:
        for note in policy.notes:
            _warn(note)
        print(f"eiscope: serving in the browser on {policy.url_with_token()}  (Ctrl+C stops)", flush=True)

    try:
        return asyncio.run(serve_forever(options, listening))
    finally:
        if sandbox is not None:
            sandbox.stop()
