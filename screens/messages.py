"""Every message a screen's workers post, and the one navigation message: small, typed, one class per thing.

Workers never touch widgets: they post one of these, and the screen's `@on(...)` handler owns the state. A
`Loaded` subclass carries a `Fetched` (model, raw body, provenance); `LoadFailed` says which part failed with the
`Loaded` class it would have posted. `Open` asks the app to show an entity: the app alone decides which screen.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual.message import Message
from textual.screen import Screen

from tui.api.errors import ApiError, ListCutShortError

if TYPE_CHECKING:  # the models cost ~0.2 s to import: the first paint (from the cache) does without them
    from screens.chart_metrics import ChartSubject
    from tui.api.changes import Change, ChangeReport
    from tui.api.fleet_walk import FleetEntry
    from tui.api.models import (  # noqa: F401 - named as strings in the Loaded["…"] bases below
        ApiKeysResponse,
        ComputeTimeUsage,
        InnerOrganizationInfo,
        MetricsResponse,
        OrganizationInfo,
        OrganizationMetricsResponse,
        OrganizationsResponse,
        ProjectsResponse,
        WhitelabelInfo,
        WhitelabelProjectResponse,
        WhitelabelUserResponse,
    )
    from tui.api.snapshot_collect import Collected
    from tui.api.transport import Fetched
    from tui.periods import Since

T = TypeVar("T")


class Loaded(Message, Generic[T]):
    """A body arrived for one part of a screen: from the cache (with its age) or the network."""

    part: ClassVar[str] = "data"
    """What a person calls this part, for an error: 'Could not load the projects'."""

    def __init__(self, fetched: Fetched[T]) -> None:
        super().__init__()
        self.fetched = fetched

    @property
    def value(self) -> T:
        return self.fetched.value


class OrganizationsLoaded(Loaded["OrganizationsResponse"]):
    part = "the organizations"


class OrganizationLoaded(Loaded["OrganizationInfo"]):
    part = "the organization"


class OrganizationProjectsLoaded(Loaded["ProjectsResponse"]):
    part = "the projects"


class OrganizationMetricsLoaded(Loaded["OrganizationMetricsResponse"]):
    part = "the organization's metrics"


class ApiKeysLoaded(Loaded["ApiKeysResponse"]):
    part = "the API keys"


class WhitelabelLoaded(Loaded["WhitelabelInfo"]):
    part = "the white label"


class WhitelabelMetricsLoaded(Loaded["MetricsResponse"]):
    part = "the white label's metrics"


class InnerOrganizationLoaded(Loaded["InnerOrganizationInfo"]):
    part = "the organization"


class WhitelabelUserLoaded(Loaded["WhitelabelUserResponse"]):
    part = "the user"


class WhitelabelUserMetricsLoaded(Loaded["MetricsResponse"]):
    part = "the user's metrics"


class WhitelabelProjectLoaded(Loaded["WhitelabelProjectResponse"]):
    part = "the project"


class ComputeTimeLoaded(Message):
    """The compute time of an inner organization for a date range arrived (`usage`), or failed to (`error`)."""

    def __init__(self, start: datetime, end: datetime, usage: ComputeTimeUsage | None, error: ApiError | None) -> None:
        super().__init__()
        self.start = start
        self.end = end
        self.usage = usage
        self.error = error


class OrganizationPeeked(Message):
    """What the cache holds of an organization's info, raw, read before the network stack is even imported:
    the first paint shows its rows (`raw` is None when nothing is cached)."""

    def __init__(self, raw: dict[str, Any] | None, age_s: float | None) -> None:
        super().__init__()
        self.raw = raw
        self.age_s = age_s


class LoadFailed(Message):
    """Loading one part failed; `had_cache` says whether cached data of that part is already on screen."""

    def __init__(self, what: type[Loaded[Any]], error: ApiError, had_cache: bool) -> None:
        super().__init__()
        self.what = what
        self.error = error
        self.had_cache = had_cache


class PageArrived(Message):
    """A page of a white-label list arrived, from the cache or the network; `replace` starts a new pass.

    `pass_id` names the paging pass: a pass that a refresh replaced may still have pages in the queue.
    """

    def __init__(
        self,
        tab: str,
        rows: list[dict[str, Any]],
        total: int | None,
        *,
        cached: bool,
        pass_id: int,
        offline: bool = False,
        age_s: float | None = None,
        replace: bool = False,
    ) -> None:
        super().__init__()
        self.tab = tab
        self.rows = rows
        self.total = total
        self.cached = cached
        self.pass_id = pass_id
        self.offline = offline
        self.age_s = age_s
        self.replace = replace


class PagesDone(Message):
    """Every page of a white-label list arrived; `stale` when some came from the cache (the network failed);
    `cut` when a bound stopped the list before its end (the rows before the stop arrived)."""

    def __init__(
        self,
        tab: str,
        count: int,
        *,
        pass_id: int,
        stale: bool = False,
        offline: bool = False,
        age_s: float | None = None,
        cut: ListCutShortError | None = None,
    ) -> None:
        super().__init__()
        self.tab = tab
        self.count = count
        self.pass_id = pass_id
        self.stale = stale
        self.offline = offline
        self.age_s = age_s
        self.cut = cut


class PagesFailed(Message):
    """A white-label list could not be paged; `had_cache` when cached rows are on screen."""

    def __init__(self, tab: str, error: ApiError, *, had_cache: bool, pass_id: int) -> None:
        super().__init__()
        self.tab = tab
        self.error = error
        self.had_cache = had_cache
        self.pass_id = pass_id


class Kind(enum.Enum):
    """What an entity is, which decides the screen that shows it. White-label-ness is part of the kind."""

    ORGANIZATION = "organization"
    INNER_ORGANIZATION = "inner organization"
    MEMBER = "user"
    WHITELABEL_USER = "white-label user"
    PROJECT = "project"
    WHITELABEL_PROJECT = "white-label project"
    DATASET = "dataset"


class Open(Message):
    """Show this entity. Posted by screens and the palette; the app decides which screen to push.

    `whitelabel` says the entity was reached through a white-label admin organization, so its full record can be
    fetched from the white-label routes; `context` carries what the opener already knows (an org's projects).
    """

    def __init__(
        self,
        kind: Kind,
        org_id: int,
        row: dict[str, Any],
        *,
        whitelabel: bool = False,
        context: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.org_id = org_id
        self.row = row
        self.whitelabel = whitelabel
        self.context = context or {}


class ShowRaw(Message):
    """Show this document as raw JSON (the API's own field names)."""

    def __init__(self, title: str, document: Any) -> None:
        super().__init__()
        self.title = title
        self.document = document


class ShowHelp(Message):
    """Show the keys of this screen."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.screen = screen


class ShowChanges(Message):
    """Show what changed in an organization since the last look (or since `since`): the Changes view."""

    def __init__(self, org_id: int, *, since: Since | None = None) -> None:
        super().__init__()
        self.org_id = org_id
        self.since = since


class ChangeMarks(Message):
    """What differs in a list (a snapshot section) from the last look: row key → changed fields, or {"+"};
    `records` are the marked entities' records as read now (what opening one "looks at"). `merge`: a page's
    marks, added to the list's; otherwise the list's whole marks, replacing them."""

    def __init__(
        self,
        section: str,
        marks: dict[Any, frozenset[str]],
        records: dict[Any, tuple[Any, ...]],
        *,
        merge: bool = False,
    ) -> None:
        super().__init__()
        self.section = section
        self.marks = marks
        self.records = records
        self.merge = merge


class FleetCrossed(Message):
    """Inner organizations whose status became near, at or over since the previous fleet read (watch alerts)."""

    def __init__(self, org_id: int, crossings: list[Change]) -> None:
        super().__init__()
        self.org_id = org_id
        self.crossings = crossings


class ChangesProgress(Message):
    """The Changes view is reading `what`: `done` of `total` (None: not known yet)."""

    def __init__(self, what: str, done: int, total: int | None) -> None:
        super().__init__()
        self.what = what
        self.done = done
        self.total = total


class ChangesCompared(Message):
    """The Changes view's snapshot is read and compared; `first` is when the first snapshot was taken."""

    def __init__(self, collected: Collected, report: ChangeReport, first: datetime | None) -> None:
        super().__init__()
        self.collected = collected
        self.report = report
        self.first = first


class ChangesFailed(Message):
    """The Changes view could not read the organization (without its info there is nothing to compare)."""

    def __init__(self, error: ApiError) -> None:
        super().__init__()
        self.error = error


class ShowCompute(Message):
    """Show who and what used compute: an organization's (`inner_id` None) or an inner organization's jobs.

    `days` is the range (30, 90, 365); None: the current contract period. `name` names the organization in the
    view (the opener knows it; the job lists do not say).
    """

    def __init__(
        self, org_id: int, *, inner_id: int | None = None, days: int | None = 30, name: str | None = None
    ) -> None:
        super().__init__()
        self.org_id = org_id
        self.inner_id = inner_id
        self.days = days
        self.name = name


class JobsArrived(Message):
    """A page of an organization's jobs arrived for the Compute view; `network` names the pass (cache first)."""

    def __init__(
        self,
        rows: list[dict[str, Any]],
        total: int | None,
        *,
        pass_id: int,
        network: bool,
        facts: list[Any] | None = None,
        from_cache: bool = False,
        offline: bool = False,
        age_s: float | None = None,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.facts = facts  # tui.api.compute.many_job_facts(rows), worked out by the worker
        self.total = total
        self.pass_id = pass_id
        self.network = network
        self.from_cache = from_cache
        self.offline = offline
        self.age_s = age_s


class JobsAttributed(Message):
    """A project's own job list arrived (`done` of `of` projects): its jobs ran in that project."""

    def __init__(
        self, project_id: int, rows: list[dict[str, Any]], done: int, of: int, *, pass_id: int, network: bool
    ) -> None:
        super().__init__()
        self.project_id = project_id
        self.rows = rows
        self.done = done
        self.of = of
        self.pass_id = pass_id
        self.network = network


class JobsDone(Message):
    """A pass over the jobs is complete (and their projects attributed)."""

    def __init__(self, *, pass_id: int, network: bool) -> None:
        super().__init__()
        self.pass_id = pass_id
        self.network = network


class JobsFailed(Message):
    """A pass over the jobs failed; what it read so far stays."""

    def __init__(self, error: ApiError, *, pass_id: int, network: bool) -> None:
        super().__init__()
        self.error = error
        self.pass_id = pass_id
        self.network = network


class OwnedProjectsArrived(Message):
    """An inner organization's projects arrived (every page); `filter_use` says what the server did with the
    owner filter (tui/api/owned.py)."""

    def __init__(self, rows: list[dict[str, Any]], filter_use: str, *, cached: bool) -> None:
        super().__init__()
        self.rows = rows
        self.filter_use = filter_use
        self.cached = cached


class ShowAccess(Message):
    """Show an organization's API keys and members with their last activity: the Access view."""

    def __init__(self, org_id: int) -> None:
        super().__init__()
        self.org_id = org_id


class FleetListed(Message):
    """A fleet pass knows its inner organizations: `total` rows to read (`network`: not a cache-only pass)."""

    def __init__(self, total: int, *, pass_id: int, network: bool) -> None:
        super().__init__()
        self.total = total
        self.pass_id = pass_id
        self.network = network


class FleetArrived(Message):
    """The health of some inner organizations arrived; `done` of the pass's rows are read so far."""

    def __init__(self, entries: list[FleetEntry], done: int, *, pass_id: int, network: bool) -> None:
        super().__init__()
        self.entries = entries
        self.done = done
        self.pass_id = pass_id
        self.network = network


class FleetDone(Message):
    """A fleet pass read every inner organization it listed (failures are entries with their error)."""

    def __init__(self, *, pass_id: int, network: bool) -> None:
        super().__init__()
        self.pass_id = pass_id
        self.network = network


class FleetFailed(Message):
    """A fleet pass could not list the inner organizations (a failed organization is not a failed fleet)."""

    def __init__(self, error: ApiError, *, pass_id: int, network: bool) -> None:
        super().__init__()
        self.error = error
        self.pass_id = pass_id
        self.network = network


Health = Mapping[int, tuple[str, float | None]]
Used = Mapping[int, Mapping[str, float | None]]
"""inner id → resource key (users, projects, …) → what the fleet measured as used."""
"""inner organization id → (status, worst percent), status one of over, at, near, ok, unknown (Fleet health)."""

RowSource = Callable[[], list[dict[str, Any]]]
"""Rows another screen already holds, read when the Structure view mounts: no copy at the key press."""


@dataclass
class StructureData:
    """What the organization screen hands the Structure view: the rows it already loaded.

    `inner_orgs` and `whitelabel_projects` are None when the organization screen has not paged them completely:
    the view pages them itself, cache first, then the network. `health` groups the inner organizations; `used`
    gives their labels the figures the Fleet measured (users 13/26 where the list rows hold only the limit).
    """

    org_id: int
    name: str
    members: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    whitelabel: bool = False
    inner_orgs: RowSource | None = None
    whitelabel_projects: RowSource | None = None
    health: Health = field(default_factory=dict)
    used: Used = field(default_factory=dict)


class ShowStructure(Message):
    """Show an organization as a tree (members, projects, datasets, inner organizations and their projects)."""

    def __init__(self, data: StructureData) -> None:
        super().__init__()
        self.data = data


class ShowChart(Message):
    """Chart this metric of this subject over time; posted by a screen (enter on a sparkline) or the palette."""

    def __init__(self, subject: ChartSubject, metric_key: str, *, days: int = 30) -> None:
        super().__init__()
        self.subject = subject
        self.metric_key = metric_key
        self.days = days


class ComparisonLoaded(Message):
    """Another inner organization's metrics arrived, to draw beside the chart's own (`+`)."""

    def __init__(self, subject: ChartSubject) -> None:
        super().__init__()
        self.subject = subject


class ComparisonFailed(Message):
    """Another inner organization's metrics could not be loaded for a comparison."""

    def __init__(self, name: str, error: ApiError) -> None:
        super().__init__()
        self.name = name
        self.error = error


class ShowOrganization(Message):
    """Show an organization's page (the one already open, else a new one) at one of its places.

    `place`: 'users', 'projects', 'inner-orgs', 'fleet' (the white label's list for its admin, else the
    organization's own) or 'structure'; `filter_text` filters that list as `/` would.
    """

    def __init__(self, org_id: int, *, place: str | None = None, filter_text: str | None = None) -> None:
        super().__init__()
        self.org_id = org_id
        self.place = place
        self.filter_text = filter_text


class SwitchOrganization(Message):
    """Browse this organization from now on: the previous one's screens close (the picker, `:org ID`)."""

    def __init__(self, org_id: int, name: str | None = None) -> None:
        super().__init__()
        self.org_id = org_id
        self.name = name


class SwitchProfile(Message):
    """Browse with another profile of config.toml: its endpoint, key and organization, taken whole."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class PickOrganization(Message):
    """Show the organization picker."""


class PickProfile(Message):
    """Show the profile picker."""


class OrganizationUnavailable(Message):
    """An organization could not be opened at all (404, 403, 401, or nothing cached offline): said once, in place;
    the app offers the organization picker for a 404 or 403."""

    def __init__(self, org_id: int, error: ApiError) -> None:
        super().__init__()
        self.org_id = org_id
        self.error = error
