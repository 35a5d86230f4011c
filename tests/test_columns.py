"""What lists and cards say about a value: counts agree with their nouns, categories and labels read the same."""

from __future__ import annotations

from screens.columns import INNER_ORGANIZATIONS, category_label, plural
from screens.detail import card_rows, field_row, humanize


def test_counts_agree_with_their_nouns() -> None:
    assert plural(1, "user") == "1 user"
    assert plural(2, "project") == "2 projects"
    limits = next(c for c in INNER_ORGANIZATIONS if c.key == "entitlementLimits")
    assert limits.format is not None
    assert limits.format({"numberOfUsers": 1, "numberOfProjects": 1}) == "1 user · 1 project"


def test_limits_column_sorts_by_the_limits() -> None:
    limits = next(c for c in INNER_ORGANIZATIONS if c.key == "entitlementLimits")
    assert limits.sort_key is not None
    small, large = {"numberOfUsers": 3}, {"numberOfUsers": 50}
    assert limits.sort_key(small) < limits.sort_key(large)


def test_a_category_reads_the_same_in_lists_and_cards() -> None:
    assert category_label("object-detection") == "Object detection"
    rows = dict(card_rows({"category": "object-detection"}))
    assert rows["Category"] == "Object detection"


def test_labels_that_say_something() -> None:
    assert humanize("indPauseProcessingSamples") == "Sample processing paused"
    assert humanize("lastAccessToOrganization") == "Last access to organization"
    staff = dict(card_rows({"staffInfo": {"isStaff": True, "hasSudoRights": False, "companyName": "EI"}}))
    assert staff["Staff info"] == "staff · EI"


def test_white_label_metrics_carry_their_units() -> None:
    assert field_row("computeTimeSecondsCurrentContract", 7200) == ("Compute time current contract", "2.0 h")
    label, value = field_row("totalStorageBytes", 328_512_206_851)
    assert label == "Total storage" and str(value).endswith("GB")


def test_a_user_metric_in_seconds_reads_in_hours_over_its_period() -> None:
    """Issue 20: the user card said 'Compute time seconds 30d 13869'."""
    assert field_row("computeTimeSeconds30d", 13_869) == ("Compute time, last 30 days", "3.9 h")
    assert field_row("logins30d", 4) == ("Logins, last 30 days", 4)
    rows = dict(card_rows({"computeTimeSeconds30d": 90, "name": "Ada"}))
    assert rows == {"Compute time, last 30 days": "1.5 min", "Name": "Ada"}
