"""How fast the Structure view opens and expands at the huge scale (5,000 inner orgs, 100,000 projects).

    python bench/bench_structure.py [--scale huge] [--health]

The rows come from the sandbox's world directly (what the organization screen would hand over once it paged
them), so the numbers are the view's own: no network. Each time runs from the call until the next frame has
been drawn (`pilot.pause()` after the action). Prints numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App

from screens.messages import StructureData
from screens.structure import StructureScreen
from screens.structure_model import Branch
from tui.sandbox.world import World

STATUSES = ("over", "at", "near", "ok", "unknown")


class BenchApp(App[None]):
    """Only the Structure view: its data is given, so it never asks a client for anything."""


async def measure(world: World, health: bool) -> dict[str, float]:
    inner = list(world.inner_organizations)
    projects = list(world.whitelabel_projects)
    fleet = {row["id"]: (STATUSES[i % 5], float(130 - i % 130)) for i, row in enumerate(inner)} if health else {}
    data = StructureData(
        world.owner_org_id,
        "Acme Edge AI",
        whitelabel=True,
        inner_orgs=lambda: inner,
        whitelabel_projects=lambda: projects,
        health=fleet,
    )
    times: dict[str, float] = {}
    app = BenchApp()
    async with app.run_test(size=(120, 40)) as pilot:
        start = time.perf_counter()
        screen = StructureScreen(data)
        await app.push_screen(screen)
        await pilot.pause()
        times["open (mount + first frame)"] = time.perf_counter() - start

        branch = next(n for n in screen.view_tree.root.children if n.data and n.data.branch is Branch.INNER_ORGS)
        start = time.perf_counter()
        branch.expand()
        await pilot.pause()
        times[f"expand inner organizations ({len(branch.children):,} children)"] = time.perf_counter() - start

        group = branch.children[0]
        if group.data and group.data.branch is Branch.GROUP:
            start = time.perf_counter()
            group.expand()
            await pilot.pause()
            times[f"expand a health group ({len(group.children):,} children)"] = time.perf_counter() - start
            parent: Any = group
        else:
            parent = branch
        first = parent.children[0]
        start = time.perf_counter()
        first.expand()
        await pilot.pause()
        times[f"expand an inner org ({len(first.children):,} children)"] = time.perf_counter() - start
        second = parent.children[1]
        start = time.perf_counter()
        second.expand()
        await pilot.pause()
        times[f"expand another inner org ({len(second.children):,} children)"] = time.perf_counter() - start

        last = (screen.model.inner_orgs or [])[-1]
        start = time.perf_counter()
        project = (screen.model.projects_of(last["id"]) or [{}])[0]
        path = next(screen.model.find(str(project.get("id") or last["id"])), None)
        if path:
            screen.reveal(path)
        await pilot.pause()
        times["find the last inner org's project by id and reveal it"] = time.perf_counter() - start

        screen.view_tree.move_cursor(screen.view_tree.root)
        start = time.perf_counter()
        screen.action_expand_all()
        await pilot.pause()
        times["e on the root (bounded at 2,000 nodes)"] = time.perf_counter() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="huge", choices=("demo", "large", "huge"))
    parser.add_argument("--health", action="store_true", help="group the inner organizations by a fleet health")
    args = parser.parse_args()
    start = time.perf_counter()
    world = World(scale=args.scale)
    print(
        f"world {args.scale}: {len(world.inner_organizations):,} inner orgs, "
        f"{len(world.whitelabel_projects):,} projects (built in {time.perf_counter() - start:.1f} s)"
    )
    for health in (False, True) if args.health else (False,):
        print(f"-- {'grouped by health' if health else 'flat'}")
        for name, seconds in asyncio.run(measure(world, health)).items():
            print(f"{name:<72} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
