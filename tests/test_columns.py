"""What lists and cards say about a value: counts agree with their nouns, categories and labels read the same."""

from __future__ import annotations

from screens.columns import INNER_ORGANIZATIONS, category_label, plural
from screens.detail import card_rows, humanize
from screens.usage import _metric_row


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
    assert _metric_row("computeTimeSecondsCurrentContract", 7200) == ("Compute time current contract", "2.0 h")
    label, value = _metric_row("totalStorageBytes", 328_512_206_851)
    assert label == "Total storage" and str(value).endswith("GB")
