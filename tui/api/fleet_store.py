"""The fleet's kept summaries: what a fleet needs of each inner organization, apart from the body cache.

A fleet is built from every inner organization's info body (~200 KB each, ~1 GB for 5,000 organizations), more
than the body cache holds, and the cache's size bound evicts bodies: a fleet built from bodies alone would be
silently partial. What the fleet needs of a body is small: its `Figures` (tui/api/fleet.py: per resource the used
figure, the limit, the daily change, and the 30-day trend), its status, its name and when it was read: about
500 bytes. One kept file per white label holds them (`fleet/<org id>.json` in tui/api/kept.py's `KeptFiles`:
never evicted, counted by `eiscope cache info`, removed by `eiscope cache clear`), so a warm or `--offline`
fleet is whole whatever `cache_max_mb` is, and reading it is one file (4,708 organizations: ~2.5 MB).

`FleetStore` is what a fleet walk holds (tui/api/fleet_walk.py): `load` once, `get`/`put` per organization,
`save` now and then. A save reads the file again and merges (the newer summary of an organization wins), then
replaces it atomically: two eiscope processes walking the same fleet lose nothing but older figures.
No Textual; the file I/O (`load`, `save`) is meant to run in a thread.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from tui.api.fleet import RESOURCES, Figures, OrgHealth, Status, judge
from tui.api.kept import KeptFiles

if TYPE_CHECKING:
    from pydantic_core import SchemaValidator
    from pydantic_core import core_schema as cs

__all__ = ["MAX_FILE_BYTES", "NOT_READ", "SUMMARY_KIND", "FleetStore", "FleetSummary", "read_summaries"]

SUMMARY_KIND = "eiscope-fleet-summaries-1"
"""Names the file's layout; a file of another kind is not read (its organizations read as not read yet)."""
MAX_FILE_BYTES = 128 * 1_000_000
"""A bound on the file read (~250,000 organizations); a bigger file reads as missing, never as a crash."""
NOT_READ = "not read yet: no summary of it is kept"
"""The reason of an organization a cache-only or offline fleet has nothing of."""
_lock = threading.Lock()  # one save at a time in this process (the fleet tab and the Structure view may both walk)


def _compact(value: float | None) -> float | int | None:
    """A number as JSON writes it shortest: 12 rather than 12.0 (read back as the same float)."""
    if value is not None and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _numbers(length: int | None = None) -> cs.ListSchema:
    from pydantic_core import core_schema as cs

    number = cs.float_schema(allow_inf_nan=False)
    if length is None:
        return cs.list_schema(number)
    return cs.list_schema(cs.nullable_schema(number), min_length=length, max_length=length)


@cache
def _validators() -> tuple[SchemaValidator, SchemaValidator]:
    """(one summary, the whole file) as the file holds them. pydantic-core's validators (Rust) read 5,000 in a
    few tens of ms; built on first use, so nothing of pydantic is imported before the first paint (~17 ms)."""
    from pydantic_core import SchemaValidator
    from pydantic_core import core_schema as cs

    summary = cs.typed_dict_schema(
        {
            "id": cs.typed_dict_field(cs.int_schema(strict=True)),
            "name": cs.typed_dict_field(cs.nullable_schema(cs.str_schema())),
            "at": cs.typed_dict_field(cs.float_schema(allow_inf_nan=False)),
            "used": cs.typed_dict_field(_numbers(len(RESOURCES))),
            "limit": cs.typed_dict_field(_numbers(len(RESOURCES))),
            "change": cs.typed_dict_field(_numbers(len(RESOURCES))),
            "trend": cs.typed_dict_field(_numbers()),
        }
    )
    whole = cs.typed_dict_schema(
        {
            "kind": cs.typed_dict_field(cs.str_schema()),
            "summaries": cs.typed_dict_field(cs.list_schema(summary)),
        }
    )
    return SchemaValidator(summary), SchemaValidator(whole)


@dataclass(frozen=True)
class FleetSummary:
    """What the fleet keeps of one inner organization: its figures, its name, and when its info was read.

    `health` is judged from the figures when asked (the definitions may change; the figures do not), and
    `status` is that health's. The kept JSON holds the status too, as it was judged when saved, for a reader
    of the file.
    """

    inner_id: int
    name: str | None
    fetched_at: float
    """When the info body was read (seconds since the epoch)."""
    figures: Figures

    @cached_property
    def health(self) -> OrgHealth:
        return judge(self.figures)

    @property
    def status(self) -> Status:
        return self.health.status

    def age_s(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.fetched_at)

    def to_json(self) -> dict[str, Any]:
        figures = self.figures
        return {
            "id": self.inner_id,
            "name": self.name,
            "at": self.fetched_at,
            "status": self.status.value,
            "used": [_compact(v) for v in figures.used],
            "limit": [_compact(v) for v in figures.limit],
            "change": [_compact(v) for v in figures.change],
            "trend": [_compact(v) for v in figures.trend],
        }

    @classmethod
    def from_json(cls, data: Any) -> FleetSummary | None:
        """A summary from its JSON; None for anything malformed (a bad entry costs that organization only)."""
        from pydantic_core import ValidationError

        try:
            return cls._from_kept(_validators()[0].validate_python(data))
        except ValidationError:
            return None

    @classmethod
    def _from_kept(cls, kept: dict[str, Any]) -> FleetSummary:
        figures = Figures(tuple(kept["used"]), tuple(kept["limit"]), tuple(kept["change"]), tuple(kept["trend"]))
        return cls(kept["id"], kept["name"], kept["at"], figures)


def read_summaries(kept: KeptFiles | None, org_id: int) -> dict[int, FleetSummary]:
    """A white label's kept summaries by inner organization id ({} when none are kept or the file is bad)."""
    if kept is None:
        return {}
    data = kept.read(_file_name(org_id), max_bytes=MAX_FILE_BYTES)
    if data is None:
        return {}
    import pydantic_core  # on the first fleet read, after the first paint (see _validators)

    try:
        doc_read = _validators()[1].validate_json(data)
        if doc_read["kind"] != SUMMARY_KIND:
            return {}
        items = doc_read["summaries"]
    except pydantic_core.ValidationError:  # a bad entry somewhere (or another layout): each entry on its own
        try:
            doc = pydantic_core.from_json(data)
        except ValueError:
            return {}
        if not isinstance(doc, dict) or doc.get("kind") != SUMMARY_KIND or not isinstance(doc.get("summaries"), list):
            return {}
        found = (FleetSummary.from_json(item) for item in doc["summaries"])
        return {summary.inner_id: summary for summary in found if summary is not None}
    return {item["id"]: FleetSummary._from_kept(item) for item in items}


def _file_name(org_id: int) -> str:
    return f"fleet/{int(org_id)}.json"


class FleetStore:
    """One white label's kept summaries, in memory while a fleet is walked, saved to its kept file.

    `kept` None (`--no-cache`) keeps them in memory only. A save costs little after the first: the file is read
    again only when another process changed it since, and each summary is encoded to JSON once.
    """

    def __init__(self, kept: KeptFiles | None, org_id: int) -> None:
        self.kept = kept
        self.org_id = int(org_id)
        self._summaries: dict[int, FleetSummary] = {}
        self._unsaved: dict[int, FleetSummary] = {}
        self._guard = threading.Lock()  # put (the event loop) against save (a thread)
        self._on_disk: dict[int, FleetSummary] = {}  # what the file held when this store last read or wrote it
        self._stamp: tuple[int, int] | None = None  # the file's (mtime, size) then
        self._texts: dict[int, tuple[FleetSummary, str]] = {}  # each summary's JSON, made once

    def load(self) -> None:
        """Read the kept file (blocking: run it in a thread)."""
        stamp = self._file_stamp()  # before reading: a change made after it is seen by the next save
        found = read_summaries(self.kept, self.org_id)
        with self._guard:
            self._summaries = {**found, **self._unsaved}
            self._on_disk, self._stamp = found, stamp

    def get(self, inner_id: int) -> FleetSummary | None:
        return self._summaries.get(inner_id)

    def put(self, summary: FleetSummary) -> None:
        with self._guard:
            self._summaries[summary.inner_id] = summary
            self._unsaved[summary.inner_id] = summary

    def summaries(self) -> dict[int, FleetSummary]:
        """Every summary held, by inner organization id (a new dict)."""
        return dict(self._summaries)

    @property
    def unsaved(self) -> int:
        return len(self._unsaved)

    def save(self, *, keep_only: Collection[int] | None = None) -> bool:
        """Merge what was put since the last save into the kept file (blocking: run it in a thread).

        `keep_only` (the ids of a whole list just read): summaries of other organizations are dropped, so the
        file holds one summary per organization of the white label, no more. False when the file could not be
        written (a full disk): the summaries stay unsaved, for the next save to try again.
        """
        if self.kept is None:
            return True
        with self._guard:
            unsaved, self._unsaved = self._unsaved, {}
        if not unsaved and keep_only is None:
            return True
        with _lock:
            stamp = self._file_stamp()
            unchanged = stamp is not None and stamp == self._stamp
            merged = dict(self._on_disk) if unchanged else read_summaries(self.kept, self.org_id)
            for inner_id, summary in unsaved.items():
                known = merged.get(inner_id)
                if known is None or known.fetched_at <= summary.fetched_at:
                    merged[inner_id] = summary
            if keep_only is not None:
                wanted = set(keep_only)
                merged = {inner_id: s for inner_id, s in merged.items() if inner_id in wanted}
            head = json.dumps({"kind": SUMMARY_KIND, "org": self.org_id}, separators=(",", ":"))[:-1]
            text = f'{head},"summaries":[{",".join(map(self._text, merged.values()))}]}}'
            try:
                self.kept.write(_file_name(self.org_id), text.encode())
            except OSError:
                with self._guard:
                    self._unsaved = {**unsaved, **self._unsaved}
                return False
            # (Another process replacing the file between the write and this stat would go unseen until it
            # writes again: its summaries are then merged by its own next save.)
            self._on_disk, self._stamp = merged, self._file_stamp()
            self._texts = {inner_id: self._texts[inner_id] for inner_id in merged if inner_id in self._texts}
        return True

    def _text(self, summary: FleetSummary) -> str:
        known = self._texts.get(summary.inner_id)
        if known is not None and known[0] is summary:
            return known[1]
        text = json.dumps(summary.to_json(), separators=(",", ":"))
        self._texts[summary.inner_id] = (summary, text)
        return text

    def _file_stamp(self) -> tuple[int, int] | None:
        if self.kept is None:
            return None
        try:
            st = self.kept.path(_file_name(self.org_id)).stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size
