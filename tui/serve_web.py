"""The web server of `eiscope serve` (aiohttp): the page, its static files and the websocket, behind one gate.

textual-serve's `Server` is not used (its page, script and wire format are): it has no authentication, no session
cap, logs with local variables, and serves `ws://0.0.0.0`. Here every request passes `gate` first: a `Host` of
the served address, no foreign `Origin`, and the token (in the URL once, then in a cookie). The websocket must
also show the served `Origin`, and a session is started only while fewer than the cap are live.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import jinja2
import textual_serve
from aiohttp import WSMsgType, web

from tui.serve_access import AccessPolicy
from tui.serve_log import LOG
from tui.serve_sessions import AppSession, Sessions

__all__ = ["ServeOptions", "serve_forever"]

_TEXTUAL_SERVE = Path(textual_serve.__file__).parent
_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    token: str | None
    public_url: str | None
    max_sessions: int
    idle_timeout_s: float
    command: Sequence[str]  # each session's app
    env: Mapping[str, str]  # its environment (the credential is in it)
    secrets: Sequence[str | None]  # what no log line may show
    title: str = "eiscope"


def _page(status: int, title: str, text: str) -> web.Response:
    """A small page that says what happened and what to do; nothing of the request is echoed."""
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>eiscope</title></head>"
        "<body style='background:#0c181f;color:#eee;font-family:monospace;padding:3em;max-width:48em'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return web.Response(status=status, text=body, content_type="text/html", headers={"Cache-Control": "no-store"})


class ServeApp:
    """The routes, the gate and the sessions of one server."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.policy: AccessPolicy | None = None  # set once the server listens (the port may have been 0)
        self.sessions = Sessions(options.max_sessions, options.idle_timeout_s)
        loader = jinja2.FileSystemLoader(_TEXTUAL_SERVE / "templates")
        self._templates = jinja2.Environment(loader=loader, autoescape=True)

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self.gate], client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get("/", self.index),
                web.get("/ws", self.websocket),
                web.static("/static", _TEXTUAL_SERVE / "static", show_index=False, follow_symlinks=False),
            ]
        )
        app.on_response_prepare.append(self._security_headers)
        return app

    async def _security_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)

    # -- the gate ----------------------------------------------------------------------------------------------------

    @web.middleware
    async def gate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        policy = self.policy
        if policy is None:
            return _page(503, "Starting", "eiscope serve is starting; reload in a moment.")
        if not policy.host_allowed(request.headers.get("Host")):
            LOG.warning("refused a request for another host name (DNS rebinding?)")
            return _page(403, "Wrong address", "This eiscope answers only at the address it printed; open that URL.")
        origin = request.headers.get("Origin")
        if origin is not None and not policy.origin_allowed(origin):
            LOG.warning("refused a request from a page of another origin")
            return _page(403, "Wrong origin", "A page of another site may not use this eiscope.")
        if policy.token is None:
            return await handler(request)
        given = request.query.get("token")
        if given is not None:
            if not policy.token_matches(given):
                LOG.warning("refused a request with a wrong token")
                return _page(403, "Wrong token", "This token does not open this eiscope; use the URL it printed.")
            if request.path == "/" and request.method in ("GET", "HEAD"):
                return self._into_cookie(request, policy)
            return await handler(request)
        cookie = request.cookies.get(policy.cookie_name)
        if not policy.token_matches(cookie):
            LOG.info("refused a request without the token")
            if cookie is None:
                return _page(
                    401,
                    "Token needed",
                    "This eiscope is only for whoever has its token: open the URL that `eiscope serve` printed "
                    "(it ends in ?token=…).",
                )
            return _page(403, "Token changed", "eiscope serve was restarted with another token: open the new URL.")
        return await handler(request)

    def _into_cookie(self, request: web.Request, policy: AccessPolicy) -> web.Response:
        """The token leaves the address bar (and history) for a cookie only this site sends: as Jupyter does."""
        rest = [(name, value) for name, value in request.query.items() if name != "token"]
        location = policy.path_prefix + (f"?{urlencode(rest)}" if rest else "")
        response = web.HTTPFound(location, headers={"Cache-Control": "no-store"})
        response.set_cookie(
            policy.cookie_name,
            policy.token or "",
            httponly=True,
            samesite="Strict",
            secure=policy.secure,
            path=policy.path_prefix,
        )
        return response

    # -- the routes --------------------------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        if self.sessions.full:
            return self._full_page()
        policy = self.policy
        assert policy is not None
        # the public URL (its path too, behind a proxy), else the Host the gate accepted: never 0.0.0.0
        public = self.options.public_url
        address = policy.base_url.split("://", 1)[1] if public else request.headers["Host"]
        websocket_url = f"{'wss' if policy.secure else 'ws'}://{address}/ws"
        try:
            font_size = min(max(int(request.query.get("fontsize", "16")), 6), 64)
        except ValueError:
            font_size = 16
        page = self._templates.get_template("app_index.html").render(
            font_size=font_size,
            app_websocket_url=websocket_url,
            config={"static": {"url": f"{policy.path_prefix}static/"}},
            application={"name": self.options.title},
            ping_url="",
        )
        return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})

    def _full_page(self) -> web.Response:
        limit = self.sessions.limit
        return _page(
            503,
            "All sessions are in use",
            f"This eiscope serves at most {limit} browser session{'s' if limit != 1 else ''} at once, and all are "
            "open. Close a tab that shows eiscope (or wait for an idle one to time out), then reload; whoever "
            "runs the server can raise --max-sessions.",
        )

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        policy = self.policy
        assert policy is not None
        if not policy.origin_allowed(request.headers.get("Origin")):  # a browser always sends one
            LOG.warning("refused a websocket without the served origin")
            return _page(403, "Wrong origin", "A page of another site may not use this eiscope.")
        if self.sessions.full:
            LOG.warning("refused a session: all %d are in use", self.sessions.limit)
            return self._full_page()
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
        await websocket.prepare(request)
        options = self.options
        session = AppSession(
            self.sessions.next_number(),
            options.command,
            options.env,
            send_bytes=websocket.send_bytes,
            send_text=websocket.send_str,
            close=websocket.close,
            secrets=options.secrets,
        )
        self.sessions.add(session)
        try:
            width = int(request.query.get("width", "80"))
            height = int(request.query.get("height", "24"))
        except ValueError:
            width, height = 80, 24
        try:
            try:
                await session.start(min(max(width, 1), 1000), min(max(height, 1), 1000))
            except Exception as error:  # a session that cannot start ends alone, in one line
                LOG.error("session %d could not start", session.number, exc_info=error)
                await websocket.close(code=1011, message=b"could not start the app")
                return websocket
            LOG.info("session %d started (%d of at most %d)", session.number, len(self.sessions), self.sessions.limit)
            async for message in websocket:
                if message.type == WSMsgType.TEXT:
                    await session.handle(message.data)
        finally:
            self.sessions.discard(session)
            await session.stop()
            LOG.info("session %d ended", session.number)
        return websocket


async def serve_forever(options: ServeOptions, on_listening: Callable[[AccessPolicy], None]) -> int:
    """Listen, call `on_listening` with the policy (the port is known then), and serve until SIGINT or SIGTERM."""
    served = ServeApp(options)
    runner = web.AppRunner(served.application(), handle_signals=False, access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port, shutdown_timeout=5)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        LOG.error("cannot listen on %s port %d", options.host, options.port, exc_info=error)
        return 1
    port = int(runner.addresses[0][1])
    served.policy = AccessPolicy.build(options.token, options.host, port, options.public_url)
    on_listening(served.policy)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    idle = asyncio.create_task(served.sessions.close_idle())
    try:
        await stop.wait()
    finally:
        idle.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await idle
        await served.sessions.stop_all()
        await runner.cleanup()
        LOG.info("stopped")
    return 0
