"""The projects an inner organization owns: the white label's project list, filtered by owner.

The list route takes `filters=ownerOrganizationId:<id>`, which no published document describes. So the filter
is asked for, and checked: a row owned by another organization means the server ignored it, a 400 means it
refused it. Either way the projects are read from the white label's whole project list and filtered here (the
same cached pages as the WL projects tab), and the client remembers, for the session, not to ask again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from tui.api.errors import ApiError
from tui.api.paging import Page
from tui.api.row_marks import UnreadableRow
from tui.api.source import Source

if TYPE_CHECKING:
    from tui.api.client import StudioClient

__all__ = ["OWNER_FILTER", "FilterUse", "OwnedPage", "owned_projects"]

OWNER_FILTER = "ownerOrganizationId"

FilterUse = Literal["honoured", "ignored", "refused"]
"""What the server did with the owner filter: honoured it, ignored it (rows of others came back), refused it
(a 400), in which case the whole list was read and filtered here."""


@dataclass
class OwnedPage:
    """A page of an inner organization's projects (only its own rows), and what became of the filter."""

    page: Page[Any]
    filter_use: FilterUse


def _owner(row: dict[str, Any]) -> Any:
    return row.get(OWNER_FILTER)


def _only_owned(page: Page[Any], inner_id: int, *, trust_unreadable: bool) -> tuple[Page[Any], bool]:
    """The page's rows owned by `inner_id`, and whether it held rows of another owner (the filter ignored).

    An unreadable row cannot say whose it is: it is kept when the server filtered the list, dropped otherwise.
    """
    items, raw_items, others = [], [], False
    for item, row in zip(page.items, page.raw_items, strict=False):
        if isinstance(item, UnreadableRow):
            if trust_unreadable:
                items.append(item)
                raw_items.append(row)
            continue
        if _owner(row) == inner_id:
            items.append(item)
            raw_items.append(row)
        else:
            others = True
    unreadable = sum(1 for item in items if isinstance(item, UnreadableRow))
    return replace(page, items=items, raw_items=raw_items, unreadable=unreadable), others


async def owned_projects(
    client: StudioClient, org_id: int, inner_id: int, *, source: Source = Source.NETWORK
) -> AsyncIterator[OwnedPage]:
    """Pages of the white label's projects that `inner_id` owns, filtered by the server when it can."""
    known = client.filter_uses.get(OWNER_FILTER)
    if known in (None, "honoured"):
        use: FilterUse = "honoured"
        try:
            owner = f"{OWNER_FILTER}:{int(inner_id)}"
            async for page in client.pages("whitelabel_projects", org_id, source=source, filters=owner):
                owned, others = _only_owned(page, inner_id, trust_unreadable=use == "honoured")
                if others:
                    use = "ignored"
                client.filter_uses[OWNER_FILTER] = use
                yield OwnedPage(owned, use)
            return
        except ApiError as error:
            if error.status != 400:
                raise
            client.filter_uses[OWNER_FILTER] = known = "refused"
    async for page in client.pages("whitelabel_projects", org_id, source=source):
        owned, _ = _only_owned(page, inner_id, trust_unreadable=False)
        yield OwnedPage(owned, "refused" if known == "refused" else "ignored")
