"""What each `eiscope` command does once its arguments are parsed: settings → browser, export or cache tools."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Mapping
from typing import Any

from tui.config import ConfigError, ResolvedSettings, config_path, resolve_settings


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "profile": args.profile,
        "endpoint": args.endpoint,
        "api_key": args.api_key,
        "jwt_token": args.jwt_token,
        "org": args.org,
        "offline": args.offline,
        "no_cache": args.no_cache,
    }


def _resolve(args: argparse.Namespace, env: Mapping[str, str]) -> ResolvedSettings | None:
    """Settings after precedence, or None after saying in one line what is wrong with the config."""
    try:
        settings = resolve_settings(_flags(args), env)
    except ConfigError as error:
        print(f"eiscope: {error.message}", file=sys.stderr)
        return None
    for warning in settings.warnings:
        print(f"eiscope: warning: {warning}", file=sys.stderr)
    return settings


def run_browser(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from tui.app import EiscopeApp
    from tui.export import make_cache

    sandbox = None
    if args.demo:
        from tui.sandbox.server import Sandbox

        sandbox = Sandbox(scale=args.scale, seed=args.seed, today=getattr(args, "today", None)).start()
        demo_env = {k: v for k, v in env.items() if not k.startswith("EI_")}
        demo_env.update({"EI_API_ENDPOINT": sandbox.url, "EI_API_KEY": sandbox.admin_key})
        demo_env["EI_ORG_ID"] = str(sandbox.owner_org_id)
        args.profile, args.endpoint, args.api_key, args.jwt_token, args.org = None, None, None, None, None
        settings = _resolve(args, {**demo_env, "EISCOPE_CONFIG": os.devnull})
    else:
        settings = _resolve(args, env)
    if settings is None:
        return 2
    cache = None if settings.no_cache else make_cache(settings)
    client_settings = settings.client_settings()
    if sandbox is not None:
        # The demo's port changes each run; its cache namespace must not, or a second visit is never instant.
        client_settings.cache_scope = sandbox.cache_scope
    welcome = not settings.api_key and not settings.jwt_token
    app = EiscopeApp(
        client_settings,
        org_id=settings.org_id,
        cache=cache,
        sandbox=sandbox,
        welcome=welcome,
        config_path=str(config_path(env)),
        demo_scale=args.scale,
    )
    try:
        app.run()
    finally:
        if sandbox is not None:
            sandbox.stop()
    return app.return_code or 0


def run_export_command(args: argparse.Namespace) -> int:
    from tui.export import ExportRequest, run_export

    # A filter like `eiscope export users | head` ends quietly when its reader does, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    settings = _resolve(args, os.environ)
    if settings is None:
        return 2
    request = ExportRequest(kind=args.kind, format=args.format, org_id=args.org, target_id=args.id)
    return run_export(request, settings, sys.stdout, sys.stderr)


def run_cache_command(args: argparse.Namespace) -> int:
    from tui.export import cache_clear, cache_info

    try:
        settings = resolve_settings({}, os.environ)
    except ConfigError as error:
        print(f"eiscope: {error.message}", file=sys.stderr)
        return 2
    if args.action == "info":
        return cache_info(settings, sys.stdout, sys.stderr)
    return cache_clear(settings, sys.stdout, sys.stderr)
