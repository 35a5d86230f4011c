"""The Structure view: an organization as a tree to demo how it is built, down to its customers' projects.

Children are built when a node expands (screens/structure_model.py says what they are), so a white label of
5,000 inner organizations and 100,000 projects opens at once. Rows come from what the organization screen
already loaded; a white-label list it has not paged completely is paged here, cache first, then the network.
Every label is cleaned text in a `Text` (markup off): a name is never markup nor terminal control.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from screens.base import EiscopeScreen
from screens.loading import UnexpectedError
from screens.messages import Kind, PageArrived, PagesFailed, StructureData
from screens.paged_lists import PAGED_KINDS
from screens.structure_model import Branch, NodeData, OrgStructure
from tui.api.errors import ApiError
from tui.api.paging import PAGE_SIZE
from tui.api.source import Source
from widgets.notice import StatusLine
from widgets.reading import reading_bindings

CHUNK = 300
"""Children added per expansion: a branch of 5,000 inner organizations shows 300 and a 'more' node, so each
expansion stays instant (Textual's Tree lays out every open line again on each change)."""
EXPAND_LIMIT = 2_000
"""`e` expands at most this many nodes under the cursor (a white label can hold 100,000), then says how many."""
GROUP_STYLES = {"over": "bold red", "at": "bold dark_orange", "near": "bold yellow", "ok": "bold green"}

StructureNode = TreeNode[NodeData]


class StructureTree(Tree[NodeData]):
    """Textual's Tree with the reading keys of every list (j/k, g/G, ctrl+d/ctrl+u), measuring a label by its
    length (the default renders every open line on each change)."""

    BINDINGS: ClassVar[list[BindingType]] = reading_bindings(down="cursor_down", up="cursor_up")

    def action_half_page(self, direction: int) -> None:
        """ctrl+d / ctrl+u: the cursor half a screen down or up."""
        if self.cursor_line == -1:
            self.cursor_line = 0
        half = max(1, self.scrollable_content_region.height // 2)
        self.cursor_line = max(0, min(self.last_line, self.cursor_line + direction * half))
        self.scroll_to_line(self.cursor_line, animate=False)

    def get_label_width(self, node: TreeNode[NodeData]) -> int:
        label = node.label
        width = label.cell_len if isinstance(label, Text) else len(str(label))
        return width + (len(self.ICON_NODE) if node.allow_expand else 0)


class StructureScreen(EiscopeScreen):
    """An organization, its members, projects and datasets, and a white label's inner organizations."""

    BINDINGS = [
        Binding("slash", "find", "Find", id="structure-find"),
        Binding("n", "find_next", "Next match", id="structure-find-next"),
        Binding("e", "expand_all", "Expand all", id="structure-expand-all"),
        Binding("E", "collapse_all", "Collapse all", id="structure-collapse-all"),
    ]

    def __init__(self, data: StructureData) -> None:
        super().__init__()
        self.org_id = data.org_id
        self.model = OrgStructure(data)
        self.crumb = "Structure"
        self._inner_nodes: dict[int, StructureNode] = {}
        self._matches: Iterator[list[tuple[Any, ...]]] | None = None
        self._rest: dict[int, tuple[Iterator[tuple[str, NodeData, bool]], int | None]] = {}
        """'more' node id → the children still to add after it, and how many those are (when known)."""
        self._pass = 0
        self._expand_pending: StructureNode | None = None

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="find a name…  (enter finds, n the next, esc closes)", id="structure-find-input")
        tree = StructureTree(Text(""), NodeData(Branch.ROOT, ("root",)), id="structure-tree")
        tree.auto_expand = False
        yield tree
        yield StatusLine(id="structure-status")

    @property
    def view_tree(self) -> Tree[NodeData]:
        return self.query_one("#structure-tree", Tree)

    def on_mount(self) -> None:
        self.query_one("#structure-find-input").display = False
        self.model.take_given_rows()
        self._build_root()
        self.view_tree.focus()
        self.load()

    def load(self) -> None:
        """Page what the organization screen did not give: inner organizations and the white label's projects."""
        if not self.model.data.whitelabel:
            self._status()
            return
        self._pass += 1
        for tab, given in (("inner-orgs", self.model.inner_orgs), ("wl-projects", self.model.whitelabel_projects)):
            if given is None or self._pass > 1:
                self.run_worker(
                    self._page(tab, self._pass), group=f"structure-{tab}", exclusive=True, exit_on_error=False
                )
        self._status()

    # -- the tree ---------------------------------------------------------------------------------------------

    def _build_root(self) -> None:
        tree = self.view_tree
        tree.clear()
        self._inner_nodes.clear()
        root = tree.root
        root.set_label(Text(self.model.root_label(), style="bold"))
        root.data = NodeData(Branch.ROOT, ("root",), built=True)
        for label, data, expandable in self.model.top_branches():
            root.add(Text(label, style="bold"), data, allow_expand=expandable)
        root.expand()

    def _populate(self, node: StructureNode) -> int:
        """Add a node's first children from the model, once; returns how many were added."""
        data = node.data
        if data is None or data.built:
            return 0
        data.built = True
        return self._add_chunk(node, self.model.children(data), self.model.count(data))

    def _add_chunk(self, node: StructureNode, children: Iterator[tuple[str, NodeData, bool]], left: int | None) -> int:
        """Up to CHUNK children, then a 'more' node that adds the next ones when selected."""
        added = 0
        for label, child, expandable in children:
            style = GROUP_STYLES.get(child.key[1], "bold") if child.branch is Branch.GROUP else ""
            added_node = node.add(Text(label, style=style), child, allow_expand=expandable)
            if child.branch is Branch.INNER_ORG:
                self._inner_nodes[child.key[1]] = added_node
            added += 1
            if added == CHUNK:
                break
        remaining = None if left is None else left - added
        if added == CHUNK and remaining != 0:
            text = f"… {remaining:,} more: enter shows {min(CHUNK, remaining):,}" if remaining else "… more"
            more = node.add(Text(text, style="italic"), NodeData(Branch.MORE, ("more",)), allow_expand=False)
            self._rest[more.id] = (children, remaining)
        return added

    def _show_more(self, more: StructureNode) -> StructureNode | None:
        """Replace a 'more' node by the next children; returns the parent (None when there was nothing)."""
        rest = self._rest.pop(more.id, None)
        parent = more.parent
        if rest is None or parent is None:
            return None
        more.remove()
        self._add_chunk(parent, *rest)
        return parent

    def _rebuild(self, node: StructureNode) -> None:
        """Build a node's children again (new rows arrived), keeping it open if it was."""
        if node.data is None or not node.data.built:
            return
        for child in node.children:
            self._forget(child)
        node.remove_children()
        node.data.built = False
        if node.is_expanded:
            self._populate(node)

    def _forget(self, node: StructureNode) -> None:
        self._rest.pop(node.id, None)
        if node.data is not None and node.data.branch is Branch.INNER_ORG:
            self._inner_nodes.pop(node.data.key[1], None)
        for child in node.children:
            self._forget(child)

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        self._populate(event.node)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        """Enter opens the node's screen; on a branch (nothing to open) it opens or closes the branch."""
        node = event.node
        data = node.data
        if data is not None and data.branch is Branch.MORE:
            self._show_more(node)
            return
        if data is None or data.kind is None or data.row is None:
            if node.allow_expand:
                node.toggle()
            return
        self._open(data.kind, data.row)

    def _open(self, kind: Kind, row: dict[str, Any]) -> None:
        model = self.model.data
        if kind is Kind.MEMBER:
            self.open(kind, self.org_id, row, whitelabel=model.whitelabel, context={"org_projects": model.projects})
        elif kind in (Kind.INNER_ORGANIZATION, Kind.WHITELABEL_PROJECT):
            self.open(kind, self.org_id, row, whitelabel=True)
        else:
            self.open(kind, self.org_id, row, whitelabel=model.whitelabel)

    # -- keys ----------------------------------------------------------------------------------------------------

    def action_expand_all(self) -> None:
        """Open everything under the cursor, breadth first, up to EXPAND_LIMIT nodes; while the white label's
        lists are still loading, once more when they arrive (so `e` pressed early is not lost)."""
        start = self.view_tree.cursor_node or self.view_tree.root
        self._expand_pending = start if self._still_loading() else None
        self._expand_from(start)

    def _still_loading(self) -> bool:
        model = self.model
        return model.data.whitelabel and (model.inner_orgs is None or model.whitelabel_projects is None)

    def _expand_again(self) -> None:
        """The lists a pending `e` was waiting for arrived: open what they brought."""
        start = self._expand_pending
        if start is None:
            return
        if not self._still_loading():
            self._expand_pending = None
        self._expand_from(start)

    def _expand_from(self, start: StructureNode) -> None:
        queue: deque[StructureNode] = deque([start])
        shown = 0
        while queue and shown < EXPAND_LIMIT:
            node = queue.popleft()
            if not node.allow_expand:
                continue
            self._populate(node)
            node.expand()
            shown += len(node.children)
            queue.extend(child for child in node.children if child.allow_expand)
        if queue:
            self.notify(f"Opened {shown:,} nodes; stopped there (more below: open a branch with space)", timeout=4)

    def action_collapse_all(self) -> None:
        node = self.view_tree.cursor_node or self.view_tree.root
        node.collapse_all()
        if node.is_root:
            node.expand()

    def action_find(self) -> None:
        field = self.query_one("#structure-find-input", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#structure-find-input")
    def _find_submitted(self, event: Input.Submitted) -> None:
        self._matches = self.model.find(event.value)
        event.input.display = False  # the needle stays for `n`; the tree gets the room back
        self.view_tree.focus()
        self.action_find_next()

    def action_find_next(self) -> None:
        needle = self.query_one("#structure-find-input", Input).value.strip()
        if self._matches is None or not needle:
            self.notify("Press / to find a name first", timeout=2)
            return
        path = next(self._matches, None)
        if path is None:
            self.notify(f"No more matches for '{needle}'", timeout=2)
            self._matches = self.model.find(needle)
            return
        self.reveal(path)

    def reveal(self, path: list[tuple[Any, ...]]) -> StructureNode | None:
        """Open the branches down a path of node keys and put the cursor on its last node."""
        node = self.view_tree.root
        for key in path:
            self._populate(node)
            if not node.is_expanded:
                node.expand()
            found = self._child(node, key)
            while found is None and node.children and node.children[-1].id in self._rest:
                self._show_more(node.children[-1])
                found = self._child(node, key)
            if found is None:
                return None
            node = found
        tree = self.view_tree
        _ = tree.last_line  # lay the lines out now, so the node knows its line
        tree.move_cursor(node)
        tree.scroll_to_node(node, animate=False)
        return node

    @staticmethod
    def _child(node: StructureNode, key: tuple[Any, ...]) -> StructureNode | None:
        return next((child for child in node.children if child.data is not None and child.data.key == key), None)

    def leave_field(self, field: Input) -> bool:
        """Escape in the find field closes it, not the screen."""
        field.display = False
        self.view_tree.focus()
        return True

    def raw_document(self) -> tuple[str, Any] | None:
        node = self.view_tree.cursor_node
        if node is not None and node.data is not None and node.data.row is not None:
            return ("structure › node", node.data.row)
        return None

    # -- paging what was not given ------------------------------------------------------------------------------

    async def _page(self, tab: str, pass_id: int) -> None:
        """All pages of a list, from the cache (at once) and then the network; one message per complete pass."""
        kind = PAGED_KINDS[tab]
        cached: list[dict[str, Any]] = []
        try:
            async for page in self.client.pages(kind, self.org_id, page_size=PAGE_SIZE, source=Source.CACHE):
                cached.extend(page.raw_items)
            if cached:
                self.post_message(PageArrived(tab, cached, len(cached), cached=True, pass_id=pass_id, replace=True))
            fresh: list[dict[str, Any]] = []
            stale = False
            async for page in self.client.pages(kind, self.org_id, page_size=PAGE_SIZE):
                fresh.extend(page.raw_items)
                stale = stale or page.from_cache or page.offline
            self.post_message(PageArrived(tab, fresh, len(fresh), cached=stale, pass_id=pass_id, replace=True))
        except ApiError as error:
            self.post_message(PagesFailed(tab, error, had_cache=bool(cached), pass_id=pass_id))
        except Exception as error:
            self.log.error(f"structure paging {tab} failed: {error!r}")
            wrapped = UnexpectedError.wrapping(error)
            self.post_message(PagesFailed(tab, wrapped, had_cache=bool(cached), pass_id=pass_id))

    @on(PageArrived)
    def _rows_arrived(self, message: PageArrived) -> None:
        if message.pass_id != self._pass:
            return
        if message.tab == "inner-orgs":
            self._inner_orgs_arrived(sorted(message.rows, key=_by_id))
        else:
            self._projects_arrived(message.rows)
        self._expand_again()
        self._status()

    def _inner_orgs_arrived(self, rows: list[dict[str, Any]]) -> None:
        before = self.model.inner_orgs
        same = before is not None and [r.get("id") for r in before] == [r.get("id") for r in rows]
        self.model.set_inner_orgs(rows)
        self.view_tree.root.set_label(Text(self.model.root_label(), style="bold"))
        branch = self._branch(Branch.INNER_ORGS)
        if branch is None:
            return
        branch.set_label(Text(self.model.inner_orgs_title(), style="bold"))
        if not same:
            self._rebuild(branch)

    def _projects_arrived(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_whitelabel_projects(rows)
        for inner_id, node in list(self._inner_nodes.items()):
            if node.data is not None and node.data.row is not None:
                node.set_label(Text(self.model.inner_label(node.data.row)))
                self._rebuild(node)
            else:
                self._inner_nodes.pop(inner_id, None)

    @on(PagesFailed)
    def _rows_failed(self, message: PagesFailed) -> None:
        if message.pass_id != self._pass:
            return
        what = "inner organizations" if message.tab == "inner-orgs" else "white-label projects"
        self.flash_error(f"the {what}", message.error)
        self._status(f"{what}: {message.error.message}")

    def _branch(self, branch: Branch) -> StructureNode | None:
        return next((n for n in self.view_tree.root.children if n.data is not None and n.data.branch is branch), None)

    def _status(self, note: str = "") -> None:
        model = self.model
        parts = ["enter opens · space folds · / finds · e/E expand/collapse all"]
        if model.data.whitelabel and (model.inner_orgs is None or model.whitelabel_projects is None):
            parts.append("loading the white label's lists…")
        if note:
            parts.append(note)
        self.query_one("#structure-status", StatusLine).show(" · ".join(parts), stale=bool(note))


def _by_id(row: dict[str, Any]) -> int:
    """Pages arrive in any order; inner organizations are listed by id, as the API lists them."""
    value = row.get("id")
    return value if isinstance(value, int) else -1
