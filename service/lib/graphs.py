"""Cycles in a dependency graph, for every check that refuses circular dependencies (SI
components that depend on one another, injects that require one another)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence


def dependency_cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """One cycle ``[a, b, …, a]`` per group of nodes that depend on one another in a circle
    (strongly connected, two nodes or more), starting at the group's first node in ``graph``'s
    order, shortest from there. Self-loops and edges to unknown nodes are ignored (reported
    separately)."""
    order = {node: rank for rank, node in enumerate(graph)}

    def successors(node: str) -> list[str]:
        return [child for child in dict.fromkeys(graph[node]) if child in order and child != node]

    # Tarjan's algorithm, iterative: descriptions may be long chains.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, children = work[-1]
            descended = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    descended = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    cycles = [_shortest_cycle(min(group, key=order.__getitem__), set(group), successors) for group in groups]
    return sorted(cycles, key=lambda cycle: order[cycle[0]])


def _shortest_cycle(start: str, members: set[str], successors: Callable[[str], list[str]]) -> list[str]:
    """Breadth-first from ``start`` within its strongly connected group, back to ``start``."""
    parents: dict[str, str] = {}
    queue: deque[str] = deque([start])
    while queue:
        node = queue.popleft()
        for child in successors(node):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if child in members and child not in parents:
                parents[child] = node
                queue.append(child)
    raise AssertionError("a strongly connected group always has a cycle")  # pragma: no cover
