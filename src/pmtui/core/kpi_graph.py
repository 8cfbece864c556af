"""The dependency graph of calculated KPIs: cycle detection and evaluation order.

A graph maps each formula KPI to the KPI codes its formula refers to. Plain KPIs (no
formula) are leaves. Pure: the services build the graph from ``kpis.formula``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A dependency cycle as a path that returns to its start (``["A", "B", "A"]``), or None.

    Args:
        graph: Formula KPI code -> the codes its formula refers to.
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if state.get(dep) is None and dep in graph:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if state.get(start) is None:
            found = visit(start)
            if found:
                return found
    return None


def check_acyclic(graph: Mapping[str, Iterable[str]]) -> None:
    """Raise ``ValueError("dependency cycle: A -> B -> A")`` when the graph has a cycle."""
    cycle = find_cycle(graph)
    if cycle:
        raise ValueError("dependency cycle: " + " -> ".join(cycle))


def order(graph: Mapping[str, Iterable[str]], only: Iterable[str] | None = None) -> list[str]:
    """Formula KPIs in evaluation order (every input before the KPIs that use it).

    Args:
        graph: Formula KPI code -> referenced codes (must be acyclic).
        only: Restrict the result to these formula KPIs (order still respects dependencies).

    Raises:
        ValueError: the graph has a cycle.
    """
    check_acyclic(graph)
    done: list[str] = []
    seen: set[str] = set()

    def visit(node: str) -> None:
        if node in seen:
            return
        seen.add(node)
        for dep in sorted(graph.get(node, ())):
            if dep in graph:
                visit(dep)
        done.append(node)

    for node in sorted(graph):
        visit(node)
    wanted = set(graph if only is None else only)
    return [n for n in done if n in wanted]


def dependents(graph: Mapping[str, Iterable[str]], changed: Iterable[str]) -> list[str]:
    """Formula KPIs that depend, directly or transitively, on any of ``changed``, in evaluation order."""
    users: dict[str, set[str]] = {}
    for node, deps in graph.items():
        for dep in deps:
            users.setdefault(dep, set()).add(node)
    found: set[str] = set()
    stack = list(changed)
    while stack:
        for user in users.get(stack.pop(), ()):
            if user not in found:
                found.add(user)
                stack.append(user)
    return order(graph, found)
