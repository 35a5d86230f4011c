"""The models: aliases, tolerance (unknown fields, new enum values), time zones, required fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tui.api import models as m
from tui.api.row_marks import UnreadableRow
from tui.sandbox.server import Sandbox


def inner_org(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": 1,
        "name": "Acme",
        "created": "2024-05-01T10:00:00Z",
        "privateProjectCount": 2,
    }
    row.update(changes)
    return row


def test_camel_case_aliases_and_snake_case_names() -> None:
    org = m.InnerOrganization.model_validate(inner_org(whitelabelId=3))
    assert (org.private_project_count, org.whitelabel_id) == (2, 3)
    by_name = m.InnerOrganization(id=1, name="x", created=datetime(2024, 1, 1), private_project_count=0)
    assert by_name.private_project_count == 0 and by_name.created.tzinfo is UTC


def test_explicit_aliases_where_the_api_differs() -> None:
    user = m.WhitelabelUser.model_validate(
        {
            "id": 1,
            "username": "u",
            "email": "e",
            "name": "n",
            "created": "2024-01-01T00:00:00Z",
            "from_evaluation": True,
        }
    )
    assert user.from_evaluation is True
    assert "totalItemCountChecklistOK" in {f.alias for f in m.OrganizationDataset.model_fields.values()}


def test_unknown_fields_survive() -> None:
    org = m.InnerOrganization.model_validate(inner_org(brandNewField={"a": 1}))
    assert org.model_extra == {"brandNewField": {"a": 1}}
    assert org.model_dump(by_alias=True)["brandNewField"] == {"a": 1}


def test_naive_datetimes_become_utc() -> None:
    org = m.InnerOrganization.model_validate(inner_org(created="2024-05-01T10:00:00"))
    assert org.created.tzinfo is UTC
    offset = m.InnerOrganization.model_validate(inner_org(created="2024-05-01T10:00:00+02:00"))
    assert offset.created.utcoffset() is not None and offset.created.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]


def test_new_enum_values_do_not_break_parsing() -> None:
    user = m.WhitelabelUser.model_validate(
        {
            "id": 1,
            "username": "u",
            "email": "e",
            "name": "n",
            "created": "2024-01-01T00:00:00Z",
            "tier": "galactic",
        }
    )
    assert user.tier == "galactic" and user.tier not in m.USER_TIERS


def test_optional_fields_default_to_none() -> None:
    info = m.InnerOrganizationInfo.model_validate({"success": True})
    assert info.daily_metrics is None and info.entitlement_limits is None and info.total_compute_time is None


def test_a_row_missing_a_required_field_is_kept_unreadable_with_its_field_named() -> None:
    body = {
        "success": True,
        "total": 4,
        "organizations": [inner_org(), inner_org(id=2, created=None), {"name": 7}, "not a row"],
    }
    page = m.InnerOrganizationsPage.model_validate(body)
    good, bad, nameless, stray = page.organizations
    assert isinstance(good, m.InnerOrganization)
    assert bad == UnreadableRow(problem="created: Input should be a valid datetime", id=2, name=inner_org()["name"])
    assert isinstance(nameless, UnreadableRow) and nameless.id is None and nameless.name is None
    assert "id: Field required" in nameless.problem and "(and " in nameless.problem
    assert stray == UnreadableRow(problem="not an object (str)")


def test_a_list_that_is_not_a_list_still_fails_the_body() -> None:
    with pytest.raises(ValidationError) as info:
        m.InnerOrganizationsPage.model_validate({"success": True, "total": 0, "organizations": {"id": 1}})
    assert info.value.errors()[0]["loc"] == ("organizations",)


def test_required_but_nullable_must_be_present() -> None:
    """`whitelabelId` on Project is required and nullable (spec): null is fine, absence is not."""
    with pytest.raises(ValidationError) as info:
        m.Project.model_validate({"id": 1})
    assert any(e["loc"] == ("whitelabelId",) for e in info.value.errors())


def test_sandbox_world_rows_parse(sandbox: Sandbox) -> None:
    """Every row of the seeded world parses as its list model (the client tests cover the responses)."""
    world = sandbox.world
    for row in world.inner_organizations:
        m.InnerOrganization.model_validate(row)
    for row in world.whitelabel_users:
        m.WhitelabelUser.model_validate(row)
    for row in world.whitelabel_projects:
        m.AdminProject.model_validate(row)
