"""An organization's API keys (`GET /api/organizations/{id}/apikeys`): every state an admin should notice.

The SDK documents that the list shows "only a portion" of each key and that it is empty unless the caller
authenticates with a JWT; the server enforces the second, this module the first (``ei_`` and four characters,
an ellipsis, the last four: never 12 characters of a key in a row). Each organization has a key in every state:
recently used, used but not for 90 days or more, never used, without an expiry date, expired, expiring soon,
admin and member roles, and a transformation-job key. The key the sandbox hands out (``Sandbox.admin_key`` /
``plain_key``) is one of them, used yesterday.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.sandbox.credentials import fake_key
from tui.sandbox.landmarks import OWNER_ORG_ID, Body
from tui.sandbox.metrics import iso_day
from tui.sandbox.people import user_base
from tui.sandbox.state import WorldState


@dataclass(frozen=True)
class KeyPlan:
    """One key: created and expiring in days from the epoch, last used in days from the epoch, or from ``today``
    when it is in use (within `IN_USE_DAYS`); None: never used / no expiry."""

    name: str
    role: str
    created: int
    last_used: int | None
    expires: int | None
    transformation: bool = False
    creator: int = 0  # which of the organization's admins created it


OWNER_KEYS = (
    KeyPlan("Fleet monitoring (eiscope)", "admin", -400, -1, None),
    KeyPlan("GitHub Actions – firmware builds", "member", -120, -2, 60, creator=1),
    KeyPlan("Grafana exporter (old)", "admin", -700, -210, None),
    KeyPlan("Data ingestion – field gateways", "member", -45, None, 320, creator=1),
    KeyPlan("Contractor access – Q2 audit", "admin", -300, -200, -100),
    KeyPlan("Transformation jobs", "member", -600, -3, None, transformation=True),
    KeyPlan("Backup script", "member", -1_000, None, None),
    KeyPlan("Partner portal sync", "admin", -80, -1, 6, creator=1),
)
PLAIN_KEYS = (
    KeyPlan("Harbor monitoring", "admin", -500, -1, None),
    KeyPlan("Hydrophone uploader", "member", -200, -95, 165, creator=1),
    KeyPlan("Student project (expired)", "member", -400, -370, -35, creator=1),
    KeyPlan("Notebook experiments", "member", -20, None, None),
)
COUNTRIES = ("NL", "US", "DE", "GB")
IN_USE_DAYS = 10


def masked(key: str) -> str:
    """The portion of a key the list shows."""
    return f"{key[:7]}…{key[-4:]}"


def organization_api_keys(st: WorldState, org_id: int, own_key: str) -> list[Body]:
    """The keys of the owner or Harbor, newest first; ``own_key`` is the one the sandbox hands out for it."""
    plans = OWNER_KEYS if org_id == OWNER_ORG_ID else PLAIN_KEYS
    admins = [0, 1] if org_id == OWNER_ORG_ID else [0, -2]  # staff 0 and 1; the JWT user and Harbor's admin
    d = st.dates
    keys = []
    for number, plan in enumerate(plans):
        full = own_key if number == 0 else fake_key(st.seed, f"org-key:{org_id}:{number}")
        creator = user_base(st, admins[plan.creator])
        by: Body = {"id": creator["id"], "name": creator["name"], "username": creator["username"]}
        if "photo" in creator:
            by["photo"] = creator["photo"]
        key: Body = {
            "id": org_id * 100 + number + 1,
            "apiKey": masked(full),
            "name": plan.name,
            "created": d.stamp(st.anchor + plan.created, 0.3 + number / 40),
            "role": plan.role,
            "isTransformationJobKey": plan.transformation,
            "createdByUser": by,
        }
        if plan.last_used is not None:
            used = (d.today if plan.last_used > -IN_USE_DAYS else st.anchor) + plan.last_used
            if plan.expires is not None:
                used = min(used, st.anchor + plan.expires - 1)  # an expired key is used no more
            key["lastUsed"] = {
                "date": d.stamp(used, 0.55 + number / 50),
                "country": COUNTRIES[number % len(COUNTRIES)],
                "ipAddress": f"203.0.113.{17 + number * 11}",
            }
        if plan.expires is not None:
            key["expires"] = iso_day(st.anchor + plan.expires)
        keys.append(key)
    keys.sort(key=lambda k: k["created"], reverse=True)
    return keys
