"""The sandbox's API keys and JWT: derived from the seed, so a test can know them without asking the server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, date, datetime, time


def fake_key(seed: int, label: str) -> str:
    return "ei_" + hashlib.sha256(f"eiscope-sandbox:{seed}:{label}".encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def fake_jwt(seed: int, user_id: int, issued: date) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    iat = int(datetime.combine(issued, time(), UTC).timestamp())
    claims = {"data": {"userId": user_id, "sandbox": True}, "iat": iat, "exp": iat + 30 * 86_400}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(f"sandbox-{seed}".encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"
