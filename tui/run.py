"""What each `eiscope` command does once its arguments are parsed: settings → browser, export or cache tools.

(Named `run`, not `commands`, so it is not taken for Textual's command-palette providers.)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Mapping
from typing import Any

from tui.config import (
    ConfigError,
    ResolvedSettings,
    config_path,
    read_desktop_notifications,
    read_keymap,
    resolve_settings,
)


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    names = ("profile", "endpoint", "api_key", "api_key_file", "jwt_token", "jwt_token_file", "org")
    return {name: getattr(args, name, None) for name in (*names, "no_profile", "offline", "no_cache")}


def _resolve(args: argparse.Namespace, env: Mapping[str, str], *, need_key: bool = True) -> ResolvedSettings | None:
    """Settings after precedence, or None after saying in one line what is wrong with the config."""
    try:
        settings = resolve_settings(_flags(args), env, need_key=need_key)
    except ConfigError as error:
        print(f"eiscope: {error.message}", file=sys.stderr)
        return None
    for warning in settings.warnings:
        print(f"eiscope: warning: {warning}", file=sys.stderr)
    return settings


def _stdin_back_to_the_terminal(args: argparse.Namespace) -> None:
    """After `--api-key-file -` has read a piped key, the browser still needs keys from the terminal."""
    if "-" not in (getattr(args, "api_key_file", None), getattr(args, "jwt_token_file", None)):
        return
    if sys.stdin.isatty():
        return
    with contextlib.suppress(OSError):
        tty = os.open("/dev/tty", os.O_RDONLY)
        os.dup2(tty, sys.stdin.fileno())
        os.close(tty)


def run_browser(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from tui.app import EiscopeApp

    sandbox = None
    if args.demo:
        from tui.sandbox.server import Sandbox

        sandbox = Sandbox(scale=args.scale, seed=args.seed, today=getattr(args, "today", None)).start()
        demo_env = {k: v for k, v in env.items() if not k.startswith("EI_")}
        demo_env.update({"EI_API_ENDPOINT": sandbox.url, "EI_API_KEY": sandbox.admin_key})
        demo_env["EI_ORG_ID"] = str(sandbox.owner_org_id)
        args.profile, args.endpoint, args.api_key, args.jwt_token, args.org = None, None, None, None, None
        args.api_key_file = args.jwt_token_file = None
        settings = _resolve(args, {**demo_env, "EISCOPE_CONFIG": os.devnull})
        if settings is not None:
            try:
                settings.keymap = read_keymap(env)  # the demo reads no profile, but keys are the user's own
                settings.desktop_notifications = read_desktop_notifications(env)
            except ConfigError as error:
                print(f"eiscope: {error}", file=sys.stderr)
                return 2
    else:
        settings = _resolve(args, env)
    if settings is None:
        return 2
    _stdin_back_to_the_terminal(args)
    client_settings = settings.client_settings()
    if sandbox is not None:
        # The demo's port changes each run; its cache namespace must not, or a second visit is never instant.
        client_settings.cache_scope = sandbox.cache_scope
    welcome = not settings.api_key and not settings.jwt_token
    app = EiscopeApp(
        client_settings,
        org_id=settings.org_id,
        cache=settings.cache(),
        sandbox=sandbox,
        welcome=welcome,
        config_path=str(config_path(env)),
        demo_scale=args.scale,
        keymap=settings.keymap,
        notices=settings.warnings,
        env=env,
        profile=settings.profile,
        remember_commands=True,
        today=sandbox.world.today if sandbox is not None else None,
        watch=getattr(args, "watch", None),
        desktop_notifications=settings.desktop_notifications,
    )
    try:
        app.run()
    finally:
        if sandbox is not None:
            sandbox.stop()
    return app.return_code or 0


def _quiet_stdout_on_exit() -> None:
    """A stdout that cannot take the last bytes (a full disk) must not print a traceback as Python exits."""
    try:
        sys.stdout.flush()
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _run_headless(
    args: argparse.Namespace,
    command: Callable[[ResolvedSettings], int],
    *,
    config_exit: int = 2,
    config_line: Callable[[str], str] | None = None,
) -> int:
    """What the headless commands (export, check) share: settings, a quiet pipe, a quiet exit.

    `config_exit` / `config_line`: what a configuration problem exits with, and the stdout line that says so
    (a monitoring plugin answers UNKNOWN on stdout; export only on stderr).
    """
    # A filter like `eiscope export users | head` ends quietly when its reader does, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # an offline run reads the cache only: a profile's api_key_command need not run
    try:
        settings = resolve_settings(_flags(args), os.environ, need_key=not args.offline)
    except ConfigError as error:
        if config_line is not None:
            print(config_line(f"configuration: {error.message}"))
        print(f"eiscope: {error.message}", file=sys.stderr)
        return config_exit
    for warning in settings.warnings:
        print(f"eiscope: warning: {warning}", file=sys.stderr)
    try:
        return command(settings)
    finally:
        _quiet_stdout_on_exit()


def run_export_command(args: argparse.Namespace) -> int:
    from tui.export import ExportRequest, run_export

    request = ExportRequest(
        kind=args.kind,
        format=args.format,
        org_id=args.org,
        target_id=args.id,
        since=getattr(args, "since", None),
        by=getattr(args, "by", "project"),
        project_id=getattr(args, "project", None),
        user_id=getattr(args, "user", None),
    )
    return _run_headless(args, lambda settings: run_export(request, settings, sys.stdout, sys.stderr))


def run_check_command(args: argparse.Namespace) -> int:
    """`eiscope check`: the monitoring plugin (tui/check.py); every failure is UNKNOWN (3), on stdout."""
    from tui.check import UNKNOWN, CheckRequest, run_check, unknown_line

    request = CheckRequest(org_id=args.org, warn=args.warn, crit=args.crit)
    return _run_headless(
        args,
        lambda settings: run_check(request, settings, sys.stdout),
        config_exit=UNKNOWN,
        config_line=unknown_line,
    )


def run_cache_command(args: argparse.Namespace) -> int:
    from tui.export import cache_clear, cache_info

    try:
        settings = resolve_settings({}, os.environ, need_key=False)
    except ConfigError as error:
        print(f"eiscope: {error.message}", file=sys.stderr)
        return 2
    if args.action == "info":
        return cache_info(settings, sys.stdout, sys.stderr)
    return cache_clear(settings, sys.stdout, sys.stderr)
