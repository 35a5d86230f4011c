"""`eiscope check`: the fleet as a monitoring plugin, in the Nagios / Icinga convention.

One line on stdout, the state, a summary, then performance data after `|`:

    EISCOPE FLEET CRITICAL - 2 over, 5 at limit, 1 near, 3 ok | over=2 at=5 near=1 ok=3 unknown=0

and the exit status the plugin API defines: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. WARNING when any inner
organization is at `--warn` or worse (default near), CRITICAL at `--crit` or worse (default at: at or over);
`none` turns a threshold off. UNKNOWN when the fleet could not be read (an API error, no organization
readable, a bad configuration) or the command was misused. Organizations whose numbers could not be read are
counted as unknown; they alone do not change the state. The fleet is `eiscope export fleet`'s, read through
`run_export` (one definition, one reading, one set of error lines).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from tui.api.fleet import Status
from tui.config import ResolvedSettings
from tui.export import ExportRequest, run_export
from tui.export_spec import CHECK_LEVELS, EXIT_OK, EXIT_USAGE

__all__ = ["OK", "STATE_NAMES", "UNKNOWN", "CheckRequest", "check_line", "run_check", "state_for", "unknown_line"]

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
STATE_NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}
PREFIX = "EISCOPE FLEET"


@dataclass
class CheckRequest:
    org_id: int | None = None
    warn: str = "near"
    crit: str = "at"


def _reached(counts: Mapping[Status, int], level: str) -> bool:
    """Whether any organization is at this level or worse (over is worse than at, which is worse than near)."""
    if level == "none":
        return False
    threshold = Status(level).rank
    return any(n for status, n in counts.items() if status is not Status.UNKNOWN and status.rank <= threshold)


def state_for(counts: Mapping[Status, int], *, warn: str = "near", crit: str = "at") -> int:
    if _reached(counts, crit):
        return CRITICAL
    if _reached(counts, warn):
        return WARNING
    return OK


def check_line(state: int, counts: Mapping[Status, int]) -> str:
    """'EISCOPE FLEET WARNING - 1 near, 3 ok | over=0 at=0 near=1 ok=3 unknown=0'."""
    shown = (Status.OVER, Status.AT, Status.NEAR, Status.OK)
    parts = [f"{counts.get(status, 0):,} {status.label}" for status in shown]
    if counts.get(Status.UNKNOWN, 0):
        parts.append(f"{counts[Status.UNKNOWN]:,} unknown")
    perfdata = " ".join(f"{status.value}={counts.get(status, 0)}" for status in Status)
    return f"{PREFIX} {STATE_NAMES[state]} - {', '.join(parts)} | {perfdata}"


def unknown_line(reason: str) -> str:
    return f"{PREFIX} UNKNOWN - {' '.join(reason.split())}"


def _counts(records: list[dict[str, Any]]) -> Counter[Status]:
    counts: Counter[Status] = Counter()
    for record in records:
        try:
            counts[Status(str(record.get("status")))] += 1
        except ValueError:
            counts[Status.UNKNOWN] += 1
    return counts


def run_check(request: CheckRequest, settings: ResolvedSettings, out: TextIO) -> int:
    """Read the fleet, print the one line, return the plugin's exit status (never raises for an API error)."""
    for level in (request.warn, request.crit):
        if level not in CHECK_LEVELS:
            out.write(
                unknown_line(f"usage: --warn and --crit take one of {', '.join(CHECK_LEVELS)}, not {level!r}") + "\n"
            )
            return UNKNOWN
    fleet, problem = io.StringIO(), io.StringIO()
    code = run_export(ExportRequest(kind="fleet", org_id=request.org_id), settings, fleet, problem)
    if code != EXIT_OK:  # export's one line, already clean and without a secret
        reason = problem.getvalue().strip().removeprefix("eiscope: ")
        out.write(unknown_line(f"usage: {reason}" if code == EXIT_USAGE else f"could not read the fleet: {reason}"))
        out.write("\n")
        return UNKNOWN
    counts = _counts(json.loads(fleet.getvalue()))
    state = state_for(counts, warn=request.warn, crit=request.crit)
    out.write(check_line(state, counts) + "\n")
    return state
