"""Find rows of the white-label lists that are not loaded, through the API's `search` parameter.

The palette and the command line ask as the person types. Each list (organization × list kind) has one
`ListSearch`: a query first waits a short debounce (typing 'northwind' sends one request, not nine), and a caller
whose text changed is cancelled during that wait, so nothing is sent for it. A request already sent cannot be
taken back (the transport shares it with any identical request, shielded), so the next query waits for it to end:
at most one request is in flight per list. Answers are remembered for the session (the last few texts), so going
back to an earlier text asks nothing. Pure asyncio: no Textual.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tui.api.paging import PAGED_KINDS

if TYPE_CHECKING:
    from tui.api.client import StudioClient

__all__ = ["DEBOUNCE_S", "SEARCHABLE_LISTS", "ListSearch", "Lookup"]

DEBOUNCE_S = 0.3
"""How long a query waits for the next keystroke before it is sent."""
REMEMBERED = 32
SEARCHABLE_LISTS = ("inner_organizations", "whitelabel_users", "whitelabel_projects")
"""The client's list methods that take `search`: inner_organizations, whitelabel_users, whitelabel_projects."""

Fetch = Callable[[str, int], Awaitable[list[dict[str, Any]]]]
"""(text, limit) → the rows of the list the API finds for that text."""


class ListSearch:
    """One list searched through the API: debounced, one request in flight, answers remembered."""

    def __init__(self, fetch: Fetch, *, debounce_s: float = DEBOUNCE_S, remembered: int = REMEMBERED) -> None:
        self._fetch = fetch
        self.debounce_s = debounce_s
        self._remembered = remembered
        self._answers: OrderedDict[tuple[str, int], list[dict[str, Any]]] = OrderedDict()
        self._request: asyncio.Task[list[dict[str, Any]]] | None = None
        self._starting = asyncio.Lock()
        self.sent = 0
        """Requests sent so far (the tests and the benchmark read it)."""

    def remembered(self, text: str, limit: int) -> list[dict[str, Any]] | None:
        """The answer already known for this text, without asking."""
        key = (_normal(text), limit)
        if key in self._answers:
            self._answers.move_to_end(key)
            return self._answers[key]
        return None

    async def search(self, text: str, limit: int, *, debounce: bool = True) -> list[dict[str, Any]]:
        """The rows the API finds for `text` (at most `limit`). Raises the client's ApiError.

        Cancel the caller when the text changes: during the debounce nothing has been sent yet. `debounce=False`
        for a text that is final (a command entered).
        """
        key = (_normal(text), limit)
        known = self.remembered(*key)
        if known is not None:
            return known
        if debounce:
            await asyncio.sleep(self.debounce_s)
        async with self._starting:
            running = self._request
            if running is not None and not running.done():
                await asyncio.wait({running})  # the request of an older text ends first: one in flight
            known = self.remembered(*key)
            if known is not None:
                return known
            request = asyncio.ensure_future(self._fetch(key[0], limit))
            self._request = request
            self.sent += 1
            request.add_done_callback(lambda done: self._keep(key, done))
        return await asyncio.shield(request)

    def _keep(self, key: tuple[str, int], request: asyncio.Task[list[dict[str, Any]]]) -> None:
        """Remember an answer even when its caller has gone (the person may type the same text again)."""
        if request.cancelled() or request.exception() is not None:
            return
        self._answers[key] = request.result()
        while len(self._answers) > self._remembered:
            self._answers.popitem(last=False)


def _normal(text: str) -> str:
    return " ".join(text.split())


class Lookup:
    """Every list's `ListSearch` for one client (a new client, a new profile: a new Lookup)."""

    def __init__(self, client: Callable[[], StudioClient], *, debounce_s: float = DEBOUNCE_S) -> None:
        self._client = client
        self.debounce_s = debounce_s
        self._lists: dict[tuple[int, str], ListSearch] = {}

    def list_search(self, org_id: int, kind: str) -> ListSearch:
        """The search of one list: kind is one of SEARCHABLE_LISTS."""
        if kind not in SEARCHABLE_LISTS:
            raise ValueError(f"unknown list kind {kind!r}; expected one of {', '.join(SEARCHABLE_LISTS)}")
        key = (org_id, kind)
        if key not in self._lists:
            self._lists[key] = ListSearch(self._fetcher(org_id, kind), debounce_s=self.debounce_s)
        return self._lists[key]

    def _fetcher(self, org_id: int, kind: str) -> Fetch:
        field = PAGED_KINDS[kind].rows

        async def fetch(text: str, limit: int) -> list[dict[str, Any]]:
            method = getattr(self._client(), kind)
            fetched = await method(org_id, limit=limit, offset=0, search=text)
            rows = fetched.raw.get(field) if fetched is not None else None
            return [row for row in rows or [] if isinstance(row, dict)]

        return fetch

    async def search(
        self, org_id: int, kind: str, text: str, limit: int = 10, *, debounce: bool = True
    ) -> list[dict[str, Any]]:
        return await self.list_search(org_id, kind).search(text, limit, debounce=debounce)
