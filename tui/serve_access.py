"""Who may use `eiscope serve`: the holder of its token, reaching it under its own name. Pure: no aiohttp here.

Jupyter's model, a little stricter: a random token (256 bits from `secrets`) printed once in the URL, compared in
constant time, then carried by an HttpOnly, SameSite=Strict cookie; a `Host` that is not the served address
(DNS rebinding: a page of evil.example whose name now points at 127.0.0.1) and a websocket `Origin` that is not
the served origin are refused on every route, token or not.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = [
    "MIN_TOKEN_LENGTH",
    "AccessPolicy",
    "TokenError",
    "checked_token",
    "choose_token",
    "exposure_warnings",
    "format_host",
    "is_loopback",
    "is_wildcard",
    "new_token",
]

MIN_TOKEN_LENGTH = 16
TOKEN_VARIABLE = "EISCOPE_SERVE_TOKEN"
_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9._~-]+")
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class TokenError(ValueError):
    """A token (or --no-token, or --public-url) that cannot serve; its message is one line."""


def new_token() -> str:
    """256 random bits, URL- and cookie-safe."""
    return secrets.token_urlsafe(32)


def checked_token(token: str, where: str) -> str:
    """A chosen token: long enough to resist guessing, and made of characters a URL and a cookie carry as they are."""
    if len(token) < MIN_TOKEN_LENGTH:
        raise TokenError(f"{where} must be at least {MIN_TOKEN_LENGTH} characters (a guessable token guards nothing)")
    if not _TOKEN_CHARACTERS.fullmatch(token):
        raise TokenError(f"{where} may hold only letters, digits and . _ ~ -")
    return token


def choose_token(
    no_token: bool, flag: str | None, variable: str | None, host: str, public_url: str | None
) -> tuple[str | None, list[str]]:
    """The token to require (None: --no-token) and what to warn about; TokenError (one line) when none can serve.

    `flag` is --token, `variable` EISCOPE_SERVE_TOKEN; with neither, a new random token each start.
    """
    _check_public_url(public_url)
    if no_token:
        if flag or variable:
            raise TokenError(f"--no-token and a token (--token or {TOKEN_VARIABLE}) both given; use one")
        if not is_loopback(host):
            raise TokenError(f"--no-token is allowed on a loopback address only (--host 127.0.0.1), not {host}")
        return None, ["--no-token: every local user can open the page and browse with this key"]
    if flag:
        warning = f"--token is visible to every local user (in `ps`); prefer {TOKEN_VARIABLE}"
        return checked_token(flag, "--token"), [warning]
    if variable:
        return checked_token(variable, TOKEN_VARIABLE), []
    return new_token(), []


def _check_public_url(url: str | None) -> None:
    if url is None:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise TokenError(f"--public-url must be http:// or https:// and a host, with no query: got {url[:80]!r}")


def exposure_warnings(host: str, public_url: str | None) -> list[str]:
    """What to tell whoever listens beyond loopback."""
    if is_loopback(host):
        return []
    warning = f"--host {host} is reachable from other machines: whoever has the URL browses with this key"
    if not (public_url or "").startswith("https://"):
        warning += (
            "; over plain HTTP anyone on the way can read the token (prefer an SSH tunnel to 127.0.0.1, "
            "or TLS in front with --public-url https://…)"
        )
    return [warning]


def is_wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::", "[::]")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: reachable from this machine only."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def format_host(host: str) -> str:
    """A host as it stands in a URL: an IPv6 address in brackets."""
    name = host.strip("[]")
    return f"[{name}]" if ":" in name else name


def _netloc(host: str, port: int, scheme: str = "http") -> str:
    default = {"http": 80, "https": 443}.get(scheme)
    return format_host(host).lower() + ("" if port == default else f":{port}")


@dataclass
class AccessPolicy:
    """What a request must show: a Host (and, for the websocket, an Origin) of the served address, and the token.

    Built once the server listens (the port may have been 0). `token` None means --no-token (loopback only).
    """

    token: str | None
    base_url: str  # what the printed URL starts with: http://127.0.0.1:8000, or the --public-url
    hosts: frozenset[str]  # accepted Host headers, lower case, with the port unless it is the scheme's default
    origins: frozenset[str]  # accepted Origin headers
    port: int
    secure: bool = False  # the public URL is https: the cookie is Secure and the websocket is wss
    path_prefix: str = "/"  # the public URL's path, for a reverse proxy that serves eiscope under /eiscope/
    notes: list[str] = field(default_factory=list)  # what to tell the person who started it

    @classmethod
    def build(cls, token: str | None, host: str, port: int, public_url: str | None) -> AccessPolicy:
        """The policy for a server listening on `host:port`, maybe reached through `public_url`."""
        names: set[tuple[str, str, int]] = set()  # (scheme, host, port)
        notes: list[str] = []
        if is_loopback(host) or is_wildcard(host):
            names.update(("http", name, port) for name in _LOOPBACK_NAMES)
        if is_wildcard(host):
            machine = socket.gethostname()
            names.update(("http", name, port) for name in {machine, machine.lower()})
            shown = f"http://{format_host(machine)}:{port}"
        elif is_loopback(host):
            shown = f"http://{format_host(host)}:{port}"
        else:
            names.add(("http", host, port))
            shown = f"http://{format_host(host)}:{port}"
        secure, prefix = False, "/"
        if public_url:
            parts = urlsplit(public_url)
            scheme = parts.scheme.lower()
            public_port = parts.port or (443 if scheme == "https" else 80)
            names.add((scheme, parts.hostname or "", public_port))
            shown = public_url.rstrip("/")
            secure = scheme == "https"
            prefix = (parts.path.rstrip("/") or "") + "/"
        hosts = frozenset(_netloc(name, number, scheme) for scheme, name, number in names)
        origins = frozenset(f"{scheme}://{_netloc(name, number, scheme)}" for scheme, name, number in names)
        if is_wildcard(host) and not public_url:
            notes.append(
                f"others reach this page as {shown}; if they know this machine by another name or address, "
                f"pass --public-url http://NAME:{port} (only the names eiscope knows are let in)"
            )
        return cls(token, shown, hosts, origins, port, secure, prefix, notes)

    @property
    def cookie_name(self) -> str:
        """Per port: cookies ignore ports, and two servers on one machine must not share (or clobber) one."""
        return f"eiscope-serve-{self.port}"

    def url_with_token(self) -> str:
        """The URL to print once: the page, and the token that opens it."""
        return f"{self.base_url}/" + (f"?token={self.token}" if self.token else "")

    def host_allowed(self, host: str | None) -> bool:
        return bool(host) and (host or "").lower() in self.hosts

    def origin_allowed(self, origin: str | None) -> bool:
        return bool(origin) and (origin or "").rstrip("/").lower() in self.origins

    def token_matches(self, candidate: str | None) -> bool:
        """Constant time: how much of a guess was right must not show in how long the answer took."""
        if self.token is None:
            return True
        if not candidate:
            return False
        return hmac.compare_digest(candidate.encode("utf-8", "replace"), self.token.encode("utf-8"))
