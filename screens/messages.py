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

from tui.api.errors import ApiError

if TYPE_CHECKING:  # the models cost ~0.2 s to import: the first paint (from the cache) does without them
    from screens.chart_metrics import ChartSubject
    from tui.api.fleet_walk import FleetEntry
    from tui.api.models import (  # noqa: F401 - named as strings in the Loaded["…"] bases below
        ComputeTimeUsage,
        InnerOrganizationInfo,
        MetricsResponse,
        OrganizationInfo,
        OrganizationsResponse,
        ProjectsResponse,
        WhitelabelInfo,
        WhitelabelProjectResponse,
        WhitelabelUserResponse,
    )
    from tui.api.transport import Fetched

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
        total: int,
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
    """Every page of a white-label list arrived; `stale` when some came from the cache (the network failed)."""

    def __init__(
        self,
        tab: str,
        count: int,
        *,
        pass_id: int,
        stale: bool = False,
        offline: bool = False,
        age_s: float | None = None,
    ) -> None:
        super().__init__()
        self.tab = tab
        self.count = count
        self.pass_id = pass_id
        self.stale = stale
        self.offline = offline
        self.age_s = age_s


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
