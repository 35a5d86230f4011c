"""The eager list of white-label users, and who belongs to which organization."""

from __future__ import annotations

import random

from tui.sandbox import names
from tui.sandbox.landmarks import TIERS, Body
from tui.sandbox.org_list import org_picker
from tui.sandbox.state import WorldState


def build_users(st: WorldState, rng: random.Random) -> None:
    """The white-label users: the owner's staff first, then one founder per inner org, then everyone else.

    The loop is the hot path of ``build_world("huge")``: it keeps to local names and list lookups.
    """
    size = st.size
    d = st.dates
    r = rng.random
    orgs = st.orgs
    picker = org_picker(st, rng)
    st.picker = picker
    n_pick = len(picker)
    st.org_member_list = [[] for _ in orgs]  # user indices, founder first
    st.owner_member_list = []
    st.org_alive_members = [0] * len(orgs)
    st.user_org = []  # primary org index; -1 is the owner organization
    st.user_second = {}  # user index -> (second org index, day added)
    st.user_created = []
    st.user_deleted = {}
    seen_emails: dict[int, int] = {}
    native = names.NATIVE_SCRIPT_NAMES
    n_native = len(native)
    full_names = [f"{first} {last}" for first in names.FIRST_NAMES for last in names.LAST_NAMES]
    handles = [
        f"{names.ascii_slug(first)}.{names.ascii_slug(last)}"
        for first in names.FIRST_NAMES
        for last in names.LAST_NAMES
    ]
    short_handles = [handle.replace(".", "") for handle in handles]
    n_names = len(full_names)
    n_orgs = len(orgs)
    total = size.users
    n_staff = size.staff
    hostile_index = total - 3
    forced_deleted, forced_pending = total - 5, total - 7  # every scale shows both states
    hostile_org = next(o.index for o in orgs if o.name == names.HOSTILE_ORG_NAME)
    today = st.anchor  # history is written as of the epoch
    owner_created = today - 2400
    photo_prefix = f"https://usercdn.{names.WHITELABEL_DOMAIN}/photos/"
    staff_domain = names.WHITELABEL_DOMAIN.replace("edge.", "")
    org_created = [o.created for o in orgs]
    org_facts = [(o.created, o.last_active, o.profile, o.domain, o.wave_day, o.billable) for o in orgs]
    staff_facts = (owner_created, today - 1, "steady", staff_domain, 0, True)
    members = st.org_member_list
    alive = st.org_alive_members
    days_t, times_z, base = d.days_t, d.times_z, d.base
    users = st.whitelabel_users
    user_org, user_created, user_deleted = st.user_org, st.user_created, st.user_deleted
    st.user_seen = user_seen = []
    uid = 10001
    for ui in range(total):
        staff = ui < n_staff
        founder = False
        if staff:
            org = -1
            o_created, o_active, profile, domain, wave, billable = staff_facts
        else:
            if ui == hostile_index:
                org = hostile_org
            elif ui - n_staff < n_orgs:
                org = ui - n_staff
                founder = True
            else:
                org = picker[int(r() * n_pick)]
            o_created, o_active, profile, domain, wave, billable = org_facts[org]
        if staff or founder:
            created = o_created - int(r() * 90)
        elif profile == "wave" and r() < 0.45:
            created = wave + int(r() * 14)
        elif profile == "growth":
            created = o_created + int((o_active - o_created) * r() ** 0.5)
        else:
            created = o_created + int((o_active - o_created) * r())
        if created >= today:
            created = today - 1
        added = created if created > o_created else o_created
        if ui == hostile_index:
            name, email, username = names.HOSTILE_USER_NAME, names.HOSTILE_USER_EMAIL, names.HOSTILE_USER_USERNAME
        else:
            pick = int(r() * n_names)
            if pick < 90:  # about 3% write their name in their own script
                pick %= n_native
                name, handle = native[pick]
                short = handle.replace(".", "")
            else:
                name, handle, short = full_names[pick], handles[pick], short_handles[pick]
            email = handle + "@" + domain
            key = org * 4096 + pick  # same name in the same org: same e-mail address
            count = seen_emails.get(key, 0) + 1
            seen_emails[key] = count
            if count > 1:
                handle = f"{handle}{count}"
                email = handle + "@" + domain
                username = handle
            elif uid & 1:
                username = handle
            else:
                username = f"{short}{uid % 1000}"
        deleted = 0
        if not (staff or founder) and (r() < 0.04 or ui == forced_deleted) and ui != hostile_index:
            deleted = created + 1 + int(r() * (today - created - 1))
            if deleted >= today:
                deleted = today - 1
            user_deleted[ui] = deleted
        activated = staff or founder or (r() > 0.08 and ui != forced_pending)
        if staff:
            tier = "enterprise"
        elif r() < 0.55:
            tier = TIERS[int(r() * 4)]
        else:
            tier = "enterprise" if billable else "free"
        user: Body = {
            "id": uid,
            "username": username,
            "email": email,
            "name": name,
            "created": days_t[created - base] + times_z[int(r() * 1440)],
            "activated": activated,
            "from_evaluation": r() < 0.03,
            "tier": tier,
        }
        if r() < 0.35:
            user["photo"] = f"{photo_prefix}{uid}.jpg"
        seen_high = deleted or o_active
        seen = 0
        if activated and (staff or r() > 0.06) and seen_high >= added:
            span = seen_high - added  # most people were around lately, some drifted away long ago
            seen = seen_high - (int(r() * (span if span < 21 else 21)) if r() < 0.7 else int(span * r() ** 2))
            user["lastSeen"] = days_t[seen - base] + times_z[int(r() * 1440)]
        if deleted:
            user["deletedDate"] = days_t[deleted - base] + times_z[int(r() * 1440)]
        if staff:
            st.owner_member_list.append(ui)
        else:
            members[org].append(ui)
            if not deleted:
                alive[org] += 1
            if r() < 0.08:
                second = picker[int(r() * n_pick)]
                if second != org:
                    later = added + int(r() * (today - 1 - added))
                    st.user_second[ui] = (second, later if later > org_created[second] else org_created[second])
                    members[second].append(ui)
                    if not deleted:
                        alive[second] += 1
        users.append(user)
        user_org.append(org)
        user_created.append(created)
        user_seen.append(seen)
        uid += 1 if r() < 0.8 else 1 + int(r() * 3)
