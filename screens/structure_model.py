"""What the Structure view shows, as plain data: the branches of an organization, its inner organizations grouped
by health, their projects, and the words on each node. No widgets here, so it is fast to test and to benchmark.

The tree widget (screens/structure.py) asks this model for the children of a node only when the node is
expanded; the one costly step, indexing the white label's projects by `ownerOrganizationId`, runs once, the
first time an inner organization's projects are needed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from screens.columns import plural
from screens.messages import Kind, StructureData
from tui.formatting import format_bytes, format_duration
from tui.safe_text import clean

Row = dict[str, Any]

HEALTH_GROUPS: tuple[tuple[str, str], ...] = (
    ("over", "Over limit"),
    ("at", "At limit"),
    ("near", "Near limit"),
    ("ok", "OK"),
    ("unknown", "Unknown"),
)


class Branch(enum.Enum):
    """What a node of the tree is; a branch's children are built from the model when it is expanded."""

    ROOT = "root"
    MEMBERS = "members"
    PROJECTS = "projects"
    DATASETS = "datasets"
    INNER_ORGS = "inner-orgs"
    GROUP = "group"
    INNER_ORG = "inner-org"
    LIMITS = "limits"
    LEAF = "leaf"
    MORE = "more"


@dataclass
class NodeData:
    """The data behind one tree node: what it is, the row it shows, the kind that enter opens."""

    branch: Branch
    key: tuple[Any, ...]
    row: Row | None = None
    kind: Kind | None = None
    built: bool = False


class OrgStructure:
    """The organization's structure: the branches, the inner organizations' groups and projects, the labels."""

    def __init__(self, data: StructureData) -> None:
        self.data = data
        self.inner_orgs: list[Row] | None = None
        self.whitelabel_projects: list[Row] | None = None
        self._by_owner: dict[int, list[Row]] | None = None
        self._groups: list[tuple[str, str, list[Row]]] | None = None

    # -- rows ------------------------------------------------------------------------------------------------

    def take_given_rows(self) -> None:
        """Read the rows the organization screen holds (once, when the view mounts)."""
        if self.data.inner_orgs is not None:
            self.set_inner_orgs(self.data.inner_orgs())
        if self.data.whitelabel_projects is not None:
            self.set_whitelabel_projects(self.data.whitelabel_projects())

    def set_inner_orgs(self, rows: list[Row]) -> None:
        self.inner_orgs = rows
        self._groups = None

    def set_whitelabel_projects(self, rows: list[Row]) -> None:
        self.whitelabel_projects = rows
        self._by_owner = None

    def projects_by_owner(self) -> dict[int, list[Row]]:
        """White-label projects by owner organization: built once, on first need (one pass, ~100 ms at 100,000)."""
        if self._by_owner is None:
            index: dict[int, list[Row]] = {}
            for project in self.whitelabel_projects or ():
                owner = project.get("ownerOrganizationId")
                if isinstance(owner, int):
                    index.setdefault(owner, []).append(project)
            self._by_owner = index
        return self._by_owner

    def projects_of(self, inner_id: int) -> list[Row] | None:
        """The projects an inner organization owns; None while the white label's projects are not loaded."""
        if self.whitelabel_projects is None:
            return None
        return self.projects_by_owner().get(inner_id, [])

    def health_of(self, inner_id: int) -> tuple[str, float | None]:
        return self.data.health.get(inner_id, ("unknown", None))

    def groups(self) -> list[tuple[str, str, list[Row]]]:
        """(status, title, inner orgs) per health group that has any, worst first inside a group; empty when no
        health is known (the inner organizations are then listed flat)."""
        if not self.data.health or not self.inner_orgs:
            return []
        if self._groups is None:
            self._groups = self._grouped(self.inner_orgs)
        return self._groups

    def _grouped(self, inner_orgs: list[Row]) -> list[tuple[str, str, list[Row]]]:
        grouped: dict[str, list[Row]] = {status: [] for status, _ in HEALTH_GROUPS}
        for row in inner_orgs:
            status = self.health_of(_id(row))[0]
            grouped.get(status, grouped["unknown"]).append(row)

        def worst_first(row: Row) -> float:
            percent = self.health_of(_id(row))[1]
            return -(percent if percent is not None else -1.0)

        return [(s, title, sorted(grouped[s], key=worst_first)) for s, title in HEALTH_GROUPS if grouped[s]]

    # -- children of each branch (what the tree adds when a node expands) ----------------------------------------

    def top_branches(self) -> list[tuple[str, NodeData, bool]]:
        """(label, data, expandable) of the root's children."""
        data = self.data
        branches = [
            (f"Members ({len(data.members):,})", NodeData(Branch.MEMBERS, ("members",)), bool(data.members)),
            (f"Projects ({len(data.projects):,})", NodeData(Branch.PROJECTS, ("projects",)), bool(data.projects)),
            (f"Datasets ({len(data.datasets):,})", NodeData(Branch.DATASETS, ("datasets",)), bool(data.datasets)),
        ]
        if data.whitelabel:
            branches.append((self.inner_orgs_title(), NodeData(Branch.INNER_ORGS, ("inner-orgs",)), True))
        return branches

    def inner_orgs_title(self) -> str:
        if self.inner_orgs is None:
            return "Inner organizations (loading…)"
        return f"Inner organizations ({len(self.inner_orgs):,})"

    def children(self, node: NodeData) -> Iterator[tuple[str, NodeData, bool]]:
        """(label, data, expandable) of a node's children, built now."""
        match node.branch:
            case Branch.MEMBERS:
                for row in self.data.members:
                    yield member_label(row), NodeData(Branch.LEAF, ("member", row.get("id")), row, Kind.MEMBER), False
            case Branch.PROJECTS:
                for row in self.data.projects:
                    data = NodeData(Branch.LEAF, ("project", row.get("id")), row, Kind.PROJECT)
                    yield project_label(row), data, False
            case Branch.DATASETS:
                for row in self.data.datasets:
                    data = NodeData(Branch.LEAF, ("dataset", row.get("dataset")), row, Kind.DATASET)
                    yield clean(row.get("dataset") or "(unnamed)"), data, False
            case Branch.INNER_ORGS:
                groups = self.groups()
                if groups:
                    for status, title, rows in groups:
                        yield f"{title} ({len(rows):,})", NodeData(Branch.GROUP, ("group", status)), True
                else:
                    yield from self._inner_nodes(self.inner_orgs or [])
            case Branch.GROUP:
                status = node.key[1]
                rows = next((rows for s, _, rows in self.groups() if s == status), [])
                yield from self._inner_nodes(rows)
            case Branch.INNER_ORG:
                yield from self._inner_children(node.row or {})
            case _:
                return

    def count(self, node: NodeData) -> int | None:
        """How many children a node has, without building them (None when it is not known cheaply)."""
        data = self.data
        match node.branch:
            case Branch.MEMBERS:
                return len(data.members)
            case Branch.PROJECTS:
                return len(data.projects)
            case Branch.DATASETS:
                return len(data.datasets)
            case Branch.INNER_ORGS:
                return len(self.groups()) or len(self.inner_orgs or [])
            case Branch.GROUP:
                return next((len(rows) for s, _, rows in self.groups() if s == node.key[1]), 0)
            case Branch.INNER_ORG:
                projects = self.projects_of(_id(node.row or {}))
                return 1 + max(1, len(projects or []))
            case _:
                return None

    def _inner_nodes(self, rows: Sequence[Row]) -> Iterator[tuple[str, NodeData, bool]]:
        for row in rows:
            data = NodeData(Branch.INNER_ORG, ("inner", _id(row)), row, Kind.INNER_ORGANIZATION)
            yield self.inner_label(row), data, True

    def _inner_children(self, row: Row) -> Iterator[tuple[str, NodeData, bool]]:
        inner_id = _id(row)
        yield (
            "Limits  " + (limits_text(row.get("entitlementLimits")) or "none known"),
            NodeData(Branch.LIMITS, ("limits", inner_id), row),
            False,
        )
        projects = self.projects_of(inner_id)
        if projects is None:
            yield "Projects loading…", NodeData(Branch.LEAF, ("projects-loading", inner_id)), False
            return
        if not projects:
            yield "No projects", NodeData(Branch.LEAF, ("no-projects", inner_id)), False
        for project in projects:
            key = ("inner-project", project.get("id"))
            yield project_label(project), NodeData(Branch.LEAF, key, project, Kind.WHITELABEL_PROJECT), False

    # -- labels ----------------------------------------------------------------------------------------------

    def root_label(self) -> str:
        data = self.data
        parts = [
            plural(len(data.members), "member"),
            plural(len(data.projects), "project"),
            plural(len(data.datasets), "dataset"),
        ]
        if data.whitelabel and self.inner_orgs is not None:
            parts.append(plural(len(self.inner_orgs), "inner org"))
        return f"{clean(data.name)}  ·  " + " · ".join(parts)

    def inner_label(self, row: Row) -> str:
        """'Name · users 13/26 · projects 8/10 · worst 97%': usage where it is known (the projects listed here,
        else the Fleet's figures), the limit always; '–/12' only while nobody has measured it."""
        inner_id = _id(row)
        given = row.get("entitlementLimits")
        limits: dict[str, Any] = given if isinstance(given, dict) else {}
        measured = self.data.used.get(inner_id, {})
        projects = self.projects_of(inner_id)
        used = measured.get("projects")
        if projects is not None:
            used = sum(1 for p in projects if not p.get("deletedDate"))
        parts = [clean(row.get("name") or f"Organization {inner_id}")]
        parts.append(f"users {_used_of(measured.get('users'), limits.get('numberOfUsers'))}")
        parts.append(f"projects {_used_of(used, limits.get('numberOfProjects'))}")
        percent = self.health_of(inner_id)[1]
        if percent is not None:
            parts.append(f"worst {percent:.0f}%")
        return "  ·  ".join(parts)

    # -- finding ---------------------------------------------------------------------------------------------

    def find(self, needle: str) -> Iterator[list[tuple[Any, ...]]]:
        """The path (node keys under the root) of each node whose name contains the needle, in tree order."""
        needle = needle.strip().lower()
        if not needle:
            return
        data = self.data
        for row in data.members:
            if _matches(row, needle, ("name", "username", "email")):
                yield [("members",), ("member", row.get("id"))]
        for row in data.projects:
            if _matches(row, needle, ("name",)):
                yield [("projects",), ("project", row.get("id"))]
        for row in data.datasets:
            if _matches(row, needle, ("dataset",)):
                yield [("datasets",), ("dataset", row.get("dataset"))]
        if not data.whitelabel or not self.inner_orgs:
            return
        groups = self.groups()
        placed = [(("group", s), rows) for s, _, rows in groups] if groups else [(None, self.inner_orgs)]
        for group_key, rows in placed:
            head = [("inner-orgs",)] + ([group_key] if group_key else [])
            for row in rows:
                inner = ("inner", _id(row))
                if _matches(row, needle, ("name",)):
                    yield [*head, inner]
                for project in self.projects_of(_id(row)) or ():
                    if _matches(project, needle, ("name",)):
                        yield [*head, inner, ("inner-project", project.get("id"))]


def member_label(row: Row) -> str:
    name = clean(row.get("name") or row.get("username") or f"User {row.get('id')}")
    role = clean(row.get("role") or "")
    email = clean(row.get("email") or "")
    return name + (f"  ({role})" if role else "") + (f"  ·  {email}" if email else "")


def project_label(row: Row) -> str:
    name = clean(row.get("name") or f"Project {row.get('id')}")
    return f"{name}  ·  #{row.get('id')}" + ("  (deleted)" if row.get("deletedDate") else "")


def limits_text(limits: Any) -> str:
    """'12 users · 10 projects · 1.0 TB · 500 h/yr compute · 20 h/yr GPU'."""
    if not isinstance(limits, dict):
        return ""
    parts = []
    if isinstance(limits.get("numberOfUsers"), int | float):
        parts.append(plural(limits["numberOfUsers"], "user"))
    if isinstance(limits.get("numberOfProjects"), int | float):
        parts.append(plural(limits["numberOfProjects"], "project"))
    if isinstance(limits.get("totalStorage"), int | float):
        parts.append(format_bytes(limits["totalStorage"]))
    if isinstance(limits.get("computeTimePerYear"), int | float):
        parts.append(f"{format_duration(limits['computeTimePerYear'])}/yr compute")
    if isinstance(limits.get("gpuComputeTimePerYear"), int | float):
        parts.append(f"{format_duration(limits['gpuComputeTimePerYear'])}/yr GPU")
    return " · ".join(parts)


def _used_of(used: float | None, limit: Any) -> str:
    """'8/10', '–/12' (usage not known), '8' (no limit)."""
    shown = "–" if used is None else f"{used:,.0f}"
    return f"{shown}/{limit:,}" if isinstance(limit, int) else shown


def _id(row: Row) -> int:
    value = row.get("id")
    return value if isinstance(value, int) else -1


def _matches(row: Row, needle: str, fields: tuple[str, ...]) -> bool:
    return str(row.get("id")) == needle or any(needle in str(row.get(name) or "").lower() for name in fields)
