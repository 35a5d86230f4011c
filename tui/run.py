"""What each `eiscope` command does once its arguments are parsed: settings → browser, export, check or cache tools.

Every command that reads the API runs through `run_command`, inside `api_environment`: with `--demo` it starts
the sandbox as the browser does and points the command at it, so `eiscope --demo export fleet` works without a
key. A new command is one function `(args, api) -> exit code` added to `COMMANDS`; `--demo` comes with it.

(Named `run`, not `commands`, so it is not taken for Textual's command-palette providers.)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.config import (
    ConfigError,
    ResolvedSettings,
    config_path,
    read_preferences,
    resolve_settings,
)

if TYPE_CHECKING:
    from tui.sandbox.server import Sandbox

CONNECTION_FLAGS = ("profile", "endpoint", "api_key", "api_key_file", "jwt_token", "jwt_token_file", "org")


@dataclass
class ApiEnvironment:
    """Where a command's settings come from: the user's environment, or the demo's sandbox."""

    env: Mapping[str, str]
    """The variables settings are resolved from (the demo's point at its sandbox, with no config file)."""
    user_env: Mapping[str, str]
    """The user's own environment (the demo still takes the user's keymap and notifications from it)."""
    sandbox: Sandbox | None = None

    def settings(self, args: argparse.Namespace, *, need_key: bool = True) -> ResolvedSettings:
        """Settings after precedence; raises ConfigError (one line) when the config is wrong."""
        settings = resolve_settings(_flags(args), self.env, need_key=need_key)
        if self.sandbox is not None:
            # The demo's port changes each run; its cache namespace must not, or a second visit is never instant.
            settings.cache_scope = self.sandbox.cache_scope
            # the demo reads no profile, but the keys and notifications are the user's own
            settings.keymap, settings.desktop_notifications = read_preferences(self.user_env)
        return settings

    def resolve(
        self,
        args: argparse.Namespace,
        *,
        need_key: bool = True,
        config_line: Callable[[str], str] | None = None,
    ) -> ResolvedSettings | None:
        """Settings after precedence (its warnings said on stderr), or None after saying in one line what is
        wrong with the config; `config_line` also says it on stdout, as a monitoring plugin must."""
        try:
            settings = self.settings(args, need_key=need_key)
        except ConfigError as error:
            if config_line is not None:
                print(config_line(f"configuration: {error.message}"))
            print(f"eiscope: {error.message}", file=sys.stderr)
            return None
        for warning in settings.warnings:
            print(f"eiscope: warning: {warning}", file=sys.stderr)
        return settings


@contextlib.contextmanager
def api_environment(args: argparse.Namespace, env: Mapping[str, str]) -> Iterator[ApiEnvironment]:
    """The environment a command reads the API in. With `--demo`: a sandbox started here (stopped when the command
    ends) and variables naming its URL, admin key and owner organization; connection flags and profiles are set
    aside, as the browser's demo does."""
    if not getattr(args, "demo", False):
        yield ApiEnvironment(env, env)
        return
    from tui.sandbox.server import Sandbox  # only a demo pays for the sandbox

    sandbox = Sandbox(
        scale=getattr(args, "scale", "demo"), seed=getattr(args, "seed", 7), today=getattr(args, "today", None)
    ).start()
    try:
        demo_env = {name: value for name, value in env.items() if not name.startswith("EI_")}
        demo_env.update(
            {
                "EI_API_ENDPOINT": sandbox.url,
                "EI_API_KEY": sandbox.admin_key,
                "EI_ORG_ID": str(sandbox.owner_org_id),
                "EISCOPE_CONFIG": os.devnull,
            }
        )
        for name in CONNECTION_FLAGS:
            setattr(args, name, None)
        yield ApiEnvironment(demo_env, env, sandbox)
    finally:
        sandbox.stop()


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name, None) for name in (*CONNECTION_FLAGS, "no_profile", "offline", "no_cache")}


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


def run_browser(args: argparse.Namespace, api: ApiEnvironment) -> int:
    from tui.app import EiscopeApp

    settings = api.resolve(args)
    if settings is None:
        return 2
    _stdin_back_to_the_terminal(args)
    welcome = not settings.api_key and not settings.jwt_token
    sandbox = api.sandbox
    app = EiscopeApp(
        settings.client_settings(),
        org_id=settings.org_id,
        cache=settings.cache(),
        sandbox=sandbox,
        welcome=welcome,
        config_path=str(config_path(api.user_env)),
        demo_scale=getattr(args, "scale", "demo"),
        keymap=settings.keymap,
        notices=settings.warnings,
        env=api.user_env,
        profile=settings.profile,
        remember_commands=True,
        today=sandbox.world.today if sandbox is not None else None,
        watch=getattr(args, "watch", None),
        desktop_notifications=settings.desktop_notifications,
    )
    app.run()
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
    api: ApiEnvironment,
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
    settings = api.resolve(args, need_key=not args.offline, config_line=config_line)
    if settings is None:
        return config_exit
    try:
        return command(settings)
    finally:
        _quiet_stdout_on_exit()


def run_export_command(args: argparse.Namespace, api: ApiEnvironment) -> int:
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
    return _run_headless(args, api, lambda settings: run_export(request, settings, sys.stdout, sys.stderr))


def run_check_command(args: argparse.Namespace, api: ApiEnvironment) -> int:
    """`eiscope check`: the monitoring plugin (tui/check.py); every failure is UNKNOWN (3), on stdout."""
    from tui.check import UNKNOWN, CheckRequest, run_check, unknown_line

    request = CheckRequest(org_id=args.org, warn=args.warn, crit=args.crit)
    return _run_headless(
        args,
        api,
        lambda settings: run_check(request, settings, sys.stdout),
        config_exit=UNKNOWN,
        config_line=unknown_line,
    )


def run_cache_command(args: argparse.Namespace, api: ApiEnvironment) -> int:
    from tui.export import cache_clear, cache_info

    try:
        settings = resolve_settings({}, api.env, need_key=False)
    except ConfigError as error:
        print(f"eiscope: {error.message}", file=sys.stderr)
        return 2
    if args.action == "info":
        return cache_info(settings, sys.stdout, sys.stderr)
    return cache_clear(settings, sys.stdout, sys.stderr)


Command = Callable[[argparse.Namespace, ApiEnvironment], int]
COMMANDS: dict[str | None, Command] = {
    None: run_browser,  # `eiscope` with no command browses
    "export": run_export_command,
    "check": run_check_command,
    "cache": run_cache_command,
}
"""Each command that reads the API (or its cache), by the name on the command line."""


def run_command(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> int:
    """Run the command named by `args.command` (the browser when none), with `--demo` against a sandbox."""
    command = COMMANDS[args.command]
    with api_environment(args, dict(os.environ) if env is None else env) as api:
        return command(args, api)
