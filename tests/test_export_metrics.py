"""`eiscope export fleet --format openmetrics`: parsed by prometheus_client, number for number the JSON export."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus

from tui.api.fleet import RESOURCES, Status
from tui.config import ResolvedSettings
from tui.export import ExportRequest, run_export
from tui.export_metrics import openmetrics_text
from tui.safe_text import clean
from tui.sandbox.server import Sandbox

GAUGE_FIELDS = {
    "eiscope_inner_org_used": "used",
    "eiscope_inner_org_limit": "limit",
    "eiscope_inner_org_usage_percent": "percent",
    "eiscope_inner_org_days_to_limit": "daysToLimit",
}


def export(settings: ResolvedSettings, fmt: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert run_export(ExportRequest(kind="fleet", format=fmt), settings, out, err) == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def both(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], str]:
    settings = ResolvedSettings(
        endpoint=sandbox.url,
        api_key=sandbox.admin_key,
        org_id=sandbox.owner_org_id,
        cache_dir=tmp_path_factory.mktemp("metrics") / "cache",
    )
    return json.loads(export(settings, "json")), export(settings, "openmetrics")


def samples(text: str, parse: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for f in parse(text) for s in f.samples}


def test_every_number_of_the_json_export_is_a_sample(sandbox: Sandbox, both: tuple[list[dict[str, Any]], str]) -> None:
    records, text = both
    found = samples(text, parse_prometheus)
    expected = {}
    for record in records:
        for resource in RESOURCES:
            for metric, field in GAUGE_FIELDS.items():
                value = record[resource.key][field]
                if value is not None:
                    labels = {
                        "org_id": str(sandbox.owner_org_id),
                        "inner_org_id": str(record["id"]),
                        "inner_org": clean(record["name"]),
                        "resource": resource.key,
                    }
                    expected[(metric, tuple(sorted(labels.items())))] = value
    gauges = {key: value for key, value in found.items() if key[0] in GAUGE_FIELDS}
    assert gauges.keys() == expected.keys()
    assert all(gauges[key] == pytest.approx(expected[key], rel=1e-12) for key in expected)


def test_the_fleet_counts_by_status(sandbox: Sandbox, both: tuple[list[dict[str, Any]], str]) -> None:
    records, text = both
    counts = {
        dict(labels)["status"]: value
        for (name, labels), value in samples(text, parse_prometheus).items()
        if name == "eiscope_fleet_orgs"
    }
    assert counts == {status.value: sum(r["status"] == status.value for r in records) for status in Status}
    assert counts["over"] == 3  # the demo world, as `eiscope check` and the Fleet tab say


def test_it_is_valid_openmetrics_with_types_and_an_end(both: tuple[list[dict[str, Any]], str]) -> None:
    _, text = both
    families = {family.name: family.type for family in parse_openmetrics(text)}  # raises on a malformed line
    assert families == {**dict.fromkeys(GAUGE_FIELDS, "gauge"), "eiscope_fleet_orgs": "gauge"}
    assert text.endswith("# EOF\n")


def test_hostile_names_are_escaped_labels_that_cannot_break_a_line() -> None:
    name = 'Quote " back\\slash\nnew line \x1b]52;c;aGk=\x07 end'
    record = {"id": 7, "name": name, "status": "ok", **{r.key: {"used": 1, "limit": 2} for r in RESOURCES}}
    text = openmetrics_text(1001, [record])
    labels = {s.labels["inner_org"] for f in parse_prometheus(text) for s in f.samples if "inner_org" in s.labels}
    assert labels == {clean(name)}
    assert "\x1b" not in text and "\x07" not in text
    assert len([line for line in text.splitlines() if line.startswith("eiscope_inner_org_used")]) == len(RESOURCES)


def test_openmetrics_is_for_the_fleet_only(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = ResolvedSettings(endpoint=sandbox.url, api_key=sandbox.admin_key, org_id=sandbox.owner_org_id)
    out, err = io.StringIO(), io.StringIO()
    assert run_export(ExportRequest(kind="users", format="openmetrics"), settings, out, err) == 2
    assert out.getvalue() == "" and "export fleet" in err.getvalue()
