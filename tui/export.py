"""`eiscope export`: the same data as the screens, as JSON, JSON lines or CSV, for scripts.

Output keeps the API's own field names (the raw bodies, not our models). Export never falls back to cached
data silently: it reads the network (and refreshes the cache) unless `--offline` asks for the cache.
Errors are one line on stderr and an exit code a script can branch on (tui/export_spec.py): 0 ok · 1 other
API error, or the output could not be written · 2 usage · 3 auth or forbidden · 4 not found · 5 network,
timeout, server or rate limit after retries (and offline with nothing cached). What the rows look like on
the way out (formula and control-character safety) is tui/export_format.py.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from tui.api.access import marked_keys
from tui.api.cache import DiskCache
from tui.api.client import StudioClient
from tui.api.compute import JobBook, Period
from tui.api.compute_read import load_book
from tui.api.errors import (
    ApiError,
    AuthError,
    ForbiddenError,
    ListCutShortError,
    NetworkError,
    NotFoundError,
    OfflineCacheMissError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)
from tui.api.fleet import fleet_record
from tui.api.fleet_walk import fleet_health, fleet_rows, open_store
from tui.api.redact import redact
from tui.api.row_marks import UNREADABLE_KEY, is_unreadable, shown_rows
from tui.config import ResolvedSettings
from tui.export_changes import CHANGE_FIELDS, change_records
from tui.export_format import dump_json, write_rows
from tui.export_metrics import openmetrics_text
from tui.export_spec import (
    DEFAULT_SINCE,
    EXIT_API,
    EXIT_AUTH,
    EXIT_NETWORK,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    EXPORT_KINDS,
    FORMATS,
    KINDS_NEEDING_ID,
    METRICS_FORMAT,
)
from tui.formatting import format_bytes
from tui.hints import one_line
from tui.periods import Since, parse_since
from tui.safe_text import clean

__all__ = [
    "EXPORT_KINDS",
    "FORMATS",
    "ExportRequest",
    "cache_clear",
    "cache_info",
    "exit_code_for",
    "run_export",
    "write_rows",
]


class UsageError(Exception):
    """A request that cannot be run as given (exit 2)."""


@dataclass
class ExportRequest:
    """What to export. `org_id` overrides the settings' org (and is the org exported once resolved);
    `target_id`: the inner organization's ID (inner-org, metrics; jobs and compute of one inner organization).
    `since`: for jobs and compute (default 30 days) the start of the period that ends now, for changes how far
    back to compare (None: the last snapshot); `by` splits compute; `project_id`/`user_id` read one white-label
    project's or user's jobs; `now`: the moment a `changes` snapshot is dated (None: the clock)."""

    kind: str
    format: str = "json"
    org_id: int | None = None
    target_id: int | None = None
    since: Since | None = None
    by: str = "project"
    project_id: int | None = None
    user_id: int | None = None
    now: datetime | None = None


def exit_code_for(error: ApiError) -> int:
    """The exit code a script sees for an API error."""
    if isinstance(error, AuthError | ForbiddenError):
        return EXIT_AUTH
    if isinstance(error, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(error, NetworkError | RequestTimeoutError | ServerError | RateLimitedError | OfflineCacheMissError):
        return EXIT_NETWORK
    return EXIT_API


def _one_line(text: str, settings: ResolvedSettings) -> str:
    """Single line, no control characters, no secrets (the errors never hold one; this is the last guard)."""
    return " ".join(clean(redact(text, (settings.api_key, settings.jwt_token))).split())


# ---------------------------------------------------------------- fetching


async def _resolve_org(client: StudioClient, request: ExportRequest, settings: ResolvedSettings) -> int:
    org = request.org_id or settings.org_id
    if org:
        return org
    fetched = await client.organizations()
    assert fetched is not None
    orgs = fetched.value.organizations
    if len(orgs) == 1:
        return orgs[0].id
    raise UsageError("no organization given: pass --org ID or set EI_ORG_ID (or the profile's org)")


async def _fleet(client: StudioClient, org: int, progress: TextIO | None) -> list[dict[str, Any]]:
    """One record per inner organization, worst first (tui/api/fleet.py); a failed one is marked, not fatal,
    and so is one with nothing kept (`--offline`): status unknown, and the reason in `error`.

    Progress goes to `progress` (stderr, only when it is a terminal): "fleet: read 312 of 935".
    """
    store = await open_store(client, org)
    listed = await fleet_rows(client, org, store=store)
    rows = listed.rows
    entries = []
    async for entry in fleet_health(client, org, rows, store=store, complete=listed.complete):
        entries.append(entry)
        if progress is not None and (len(entries) % 25 == 0 or len(entries) == len(rows)):
            progress.write(f"\rfleet: read {len(entries):,} of {len(rows):,}")
            progress.flush()
    if progress is not None and rows:
        progress.write("\n")
    entries.sort(key=lambda entry: (entry.health.rank_key, entry.inner_id))
    return [fleet_record(entry.inner_id, entry.name, entry.health) for entry in entries]


async def _inner_org_rows(client: StudioClient, org: int, cuts: list[ListCutShortError]) -> list[dict[str, Any]]:
    """The inner organizations' rows in list order, each once; a list cut short by a bound gives its first rows
    up to the stop (pages arrive out of order: none past the first missing one) and adds the stop to `cuts`.
    Only the raw rows are held (not the pages' models)."""
    by_offset: dict[int, list[dict[str, Any]]] = {}
    try:
        async for page in client.pages("inner_organizations", org):
            by_offset[page.offset] = page.raw_items
    except ListCutShortError as cut:
        cuts.append(cut)
        next_offset = 0
        for offset in sorted(by_offset):
            if offset != next_offset:
                del by_offset[offset]  # past a page that never came: not "the first rows" any more
            else:
                next_offset = offset + len(by_offset[offset])
    rows: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for offset in sorted(by_offset):
        for row in by_offset.pop(offset):
            if row.get("id") not in seen:  # rows shifting between pages must not appear twice
                seen.add(row.get("id"))
                rows.append(row)
    return rows


async def _collect(
    request: ExportRequest,
    settings: ResolvedSettings,
    cache: DiskCache | None,
    progress: TextIO | None,
    cuts: list[ListCutShortError],
    notes: TextIO | None = None,
) -> Any:
    """The rows (a list of dicts) or, for inner-org, one dict, exactly as the API named them.

    `progress`: where a long read says how far it is (a terminal's stderr); `notes`: where `changes` says what
    it could not compare (stderr). A list cut short by a bound is written as far as it goes, its stop added to
    `cuts` (export then says so and exits 1)."""
    client_settings = settings.client_settings(cache_fallback=False)
    async with StudioClient(client_settings, cache) as client:
        kind = request.kind
        if kind == "orgs":
            fetched = await client.organizations()
            assert fetched is not None
            return fetched.raw.get("organizations", [])
        if kind in KINDS_NEEDING_ID and request.target_id is None:
            raise UsageError(f"export {kind} needs an inner organization ID")
        org = request.org_id = await _resolve_org(client, request, settings)
        if kind == "changes":
            try:
                return await change_records(
                    client, org, since=request.since, notes=notes or io.StringIO(), progress=progress, now=request.now
                )
            except ValueError as error:  # no cache to keep snapshots in
                raise UsageError(str(error)) from None
        if kind in ("users", "datasets"):
            info = await client.organization_info(org)
            assert info is not None
            if kind == "users":
                return (info.raw.get("organization") or {}).get("users", [])
            return info.raw.get("datasets", [])
        if kind == "fleet":
            return await _fleet(client, org, progress)
        if kind == "projects":
            projects = await client.organization_projects(org)
            assert projects is not None
            return projects.raw.get("projects", [])
        if kind == "apikeys":
            keys = await client.organization_api_keys(org)
            assert keys is not None
            return marked_keys(shown_rows(keys.value.api_keys, keys.raw.get("apiKeys")), datetime.now(UTC))
        if kind in ("jobs", "compute"):
            return await _jobs_or_compute(client, org, request, progress)
        if kind == "inner-orgs":
            return await _inner_org_rows(client, org, cuts)
        assert request.target_id is not None
        inner = await client.inner_organization(org, request.target_id)
        assert inner is not None
        if kind == "inner-org":
            return {k: v for k, v in inner.raw.items() if k not in ("success", "error")}
        return inner.raw.get("dailyMetrics") or []


async def _jobs_or_compute(
    client: StudioClient, org: int, request: ExportRequest, progress: TextIO | None
) -> list[dict[str, Any]]:
    """The jobs of the period (what the Compute view lists), or their compute by project, user or category."""
    now = datetime.now(UTC)
    since = request.since or parse_since(DEFAULT_SINCE)
    period = Period(None, min(since.start(now), now), now)

    def say(text: str) -> None:
        if progress is not None:
            progress.write(f"\r{text}   ")
            progress.flush()

    if request.project_id is not None or request.user_id is not None:
        book = JobBook(now)
        kind, query = (
            ("whitelabel_project_jobs", {"project_id": request.project_id})
            if request.project_id is not None
            else ("whitelabel_user_jobs", {"user_id": request.user_id})
        )
        async for page in client.pages(kind, org, **query):
            rows = page.raw_items
            if request.project_id is not None:
                rows = [row if is_unreadable(row) else {**row, "projectId": request.project_id} for row in rows]
            book.add(rows)
            say(f"jobs: read {book.count + len(book.unreadable):,}")
    else:
        book = await load_book(client, org, request.target_id, now=now, period=period, progress=say)
    if progress is not None:
        progress.write("\n")
    if request.kind == "jobs":
        rows = sorted(book.job_rows(period), key=lambda row: str(row.get("created")), reverse=True)
        return rows + book.unreadable
    tally = book.tally_of(period)
    return [share.row() for share in book.shares(tally, request.by)] + book.unreadable


def run_export(args: ExportRequest, settings: ResolvedSettings, out: TextIO, err: TextIO) -> int:
    """Run one export; return the exit code. Errors go to `err` as one line, never a traceback or a key."""
    if args.kind not in EXPORT_KINDS:
        err.write(f"eiscope: unknown export {args.kind!r}; expected one of {', '.join(EXPORT_KINDS)}\n")
        return EXIT_USAGE
    if args.format not in (*FORMATS, METRICS_FORMAT):
        err.write(f"eiscope: unknown format {args.format!r}; expected one of {', '.join(FORMATS)}\n")
        return EXIT_USAGE
    if args.format == METRICS_FORMAT and args.kind != "fleet":
        err.write(f"eiscope: --format {METRICS_FORMAT} is for `export fleet` only\n")
        return EXIT_USAGE
    cuts: list[ListCutShortError] = []
    cache = settings.cache()
    try:
        try:
            data = asyncio.run(_collect(args, settings, cache, err if _is_terminal(err) else None, cuts, err))
        finally:
            _say_cache_warnings(settings, err, cache)
    except UsageError as exc:
        err.write(f"eiscope: {_one_line(str(exc), settings)}\n")
        return EXIT_USAGE
    except ApiError as exc:
        err.write(f"eiscope: {_one_line(one_line(exc, 'cli'), settings)}\n")
        return exit_code_for(exc)
    skipped = [row for row in data if is_unreadable(row)] if isinstance(data, list) else []
    if skipped:
        data = [row for row in data if not is_unreadable(row)]
        first = skipped[0]
        where = f"id {first['id']}: " if "id" in first else ""
        err.write(
            f"eiscope: skipped {len(skipped):,} unreadable row{'s' if len(skipped) != 1 else ''} of {args.kind} "
            f"(the first: {_one_line(where + str(first[UNREADABLE_KEY]), settings)})\n"
        )
    try:
        if args.format == METRICS_FORMAT:
            out.write(openmetrics_text(args.org_id or 0, data))
        elif args.format == "json" and isinstance(data, dict):
            dump_json(data, out)
        elif args.kind == "changes" and args.format == "csv" and not data:
            out.write(",".join(CHANGE_FIELDS) + "\n")  # no change: still the header a script reads
        else:
            write_rows([data] if isinstance(data, dict) else data, args.format, out)
        out.flush()
    except OSError as exc:  # a full disk (`> /dev/full`), a closed pipe when SIGPIPE is ignored, a quota
        reason = exc.strerror or type(exc).__name__
        err.write(f"eiscope: could not write the export: {_one_line(reason, settings)}\n")
        return EXIT_API
    for cut in cuts:  # after the rows: a script sees what it got, then why it is not all
        written = f"wrote the first {len(data):,} rows; " if isinstance(data, list) else ""
        err.write(f"eiscope: incomplete: {written}{_one_line(one_line(cut, 'cli'), settings)}\n")
    if cuts:
        return exit_code_for(cuts[0])
    if args.kind == "fleet" and data and all(record.get("error") for record in data):
        err.write(f"eiscope: no inner organization's info could be read ({_one_line(data[0]['error'], settings)})\n")
        return EXIT_API
    return EXIT_OK


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# ---------------------------------------------------------------- cache management


def _say_cache_warnings(settings: ResolvedSettings, err: TextIO, cache: DiskCache | None) -> None:
    """What the cache skipped (a folder it cannot read, a full disk), one line each on stderr."""
    for warning in cache.warnings if cache is not None else []:
        err.write(f"eiscope: warning: {_one_line(warning, settings)}\n")


def cache_info(settings: ResolvedSettings, out: TextIO, err: TextIO) -> int:
    """`eiscope cache info`: where the cache is and how big; returns the exit code."""
    cache = settings.disk_cache()
    info = cache.info()
    temp = f" (of which {format_bytes(info.temp_bytes)} in unfinished writes)" if info.temp_bytes else ""
    out.write(
        f"directory:  {info.directory}\n"
        f"namespaces: {info.namespaces} (one per endpoint and credential)\n"
        f"entries:    {info.entries}\n"
        f"size:       {format_bytes(info.bytes)} of {format_bytes(info.max_bytes)}{temp}\n"
        f"kept:       {info.kept_files} files, {format_bytes(info.kept_bytes)} (fleet summaries and snapshots;"
        " outside the bound, never evicted)\n"
    )
    _say_cache_warnings(settings, err, cache)
    return EXIT_OK


def cache_clear(settings: ResolvedSettings, out: TextIO, err: TextIO) -> int:
    """`eiscope cache clear`: delete every cached response (all profiles); returns the exit code.

    What it cannot remove (another user's folder, after `sudo`) is skipped and named on stderr, and the exit
    code is 1: the cache is not empty."""
    cache = settings.disk_cache()
    removed = cache.clear()
    out.write(f"removed {removed} cached files from {cache.directory}\n")
    _say_cache_warnings(settings, err, cache)
    return EXIT_API if cache.warnings else EXIT_OK
