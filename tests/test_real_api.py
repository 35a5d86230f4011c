"""When the real API differs from the sandbox's manners: a bad row, a refused page size, an owner filter the
server ignores or refuses. eiscope keeps showing what it can, correctly, and says what it could not read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from screens.inner_org import InnerOrganizationScreen
from tui.api.row_marks import UNREADABLE_KEY
from tui.app import EiscopeApp
from tui.sandbox.server import Sandbox

from .test_app_browse import pane, settle, walk

MakeApp = Callable[..., EiscopeApp]


@contextmanager
def broken(row: dict[str, Any], field: str) -> Iterator[None]:
    """A row of the sandbox's world without a required field, put back as it was afterwards."""
    original = dict(row)
    del row[field]
    try:
        yield
    finally:
        row.clear()
        row.update(original)  # same keys in the same order: the sandbox keeps serving the same bytes


async def test_a_bad_row_shows_marked_among_the_others_and_the_status_counts_it(
    make_app: MakeApp, sandbox: Sandbox
) -> None:
    row = sandbox.world.inner_organizations[2]
    app = make_app()
    with broken(row, "created"):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await walk(pilot, "4")
            inner = pane(app, "inner-orgs-list")
            rows = inner.table.store.rows
            marked = [r for r in rows if UNREADABLE_KEY in r]
            assert [(r["id"], r["name"]) for r in marked] == [(row["id"], f"⚠ {row['name']}")]
            assert len(rows) > 1 and all(r.get("created") for r in rows if UNREADABLE_KEY not in r)
            assert "1 unreadable row" in str(inner.query_one(".list-status").render())
            index = next(i for i in range(inner.table.row_count) if UNREADABLE_KEY in inner.table.store.row(i))
            inner.table.move_cursor(index)
            await walk(pilot, "enter")  # it has an id: it opens, and its own record reads fine
            assert isinstance(app.screen, InnerOrganizationScreen) and app.screen.inner_id == row["id"]
