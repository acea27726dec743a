"""What is structurally wrong or remarkable in a journey graph.

Unreachable touchpoints, dead ends that are not exits, bottlenecks every customer
passes, cut vertices, the most likely path and the path that hurts the most.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from journeys.flow import entries, transition_shares

__all__ = [
    "Diagnostics",
    "unreachable",
    "dead_ends",
    "bottlenecks",
    "cut_vertices",
    "most_likely_path",
    "worst_path",
    "diagnose",
]

_START, _END = ("__start__",), ("__end__",)  # tuples cannot clash with touchpoint ids


@dataclass(frozen=True)
class Diagnostics:
    unreachable: list[str]
    dead_ends: list[str]
    bottlenecks: list[str]
    cut_vertices: list[str]
    most_likely_path: list[str]
    most_likely_probability: float
    worst_path: list[str]
    worst_path_weakness: float


def unreachable(G: nx.DiGraph) -> list[str]:
    """Return touchpoints that no customer can reach from an entry.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("c", "b")]); G.nodes["a"]["entry"] = True
    >>> unreachable(G)
    ['c']
    """
    reached = set()
    for start in entries(G):
        reached |= {start} | nx.descendants(G, start)
    return [n for n in G if n not in reached]


def dead_ends(G: nx.DiGraph) -> list[str]:
    """Return touchpoints without a way on that are not marked as exits.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("a", "c")]); G.nodes["c"]["exit"] = True
    >>> dead_ends(G)
    ['b']
    """
    return [n for n in G if G.out_degree(n) == 0 and not G.nodes[n].get("exit")]


def _with_terminals(G: nx.DiGraph) -> nx.DiGraph:
    """The bare structure of ``G`` (same order, no attributes), a start before its entries, an end after its exits."""
    # not G.copy(): copying every touchpoint's attributes cost more than the diagnostics (docs/performance.md)
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from(G.edges)
    H.add_edges_from((_START, e) for e in entries(G))
    H.add_edges_from((n, _END) for n in G if G.out_degree(n) == 0 or G.nodes[n].get("exit"))
    return H


def bottlenecks(G: nx.DiGraph) -> list[str]:
    """Return touchpoints every customer passes through on the way in (dominators of all exits).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("b", "d"), ("c", "e"), ("d", "e")])
    >>> bottlenecks(G)
    ['a', 'b', 'e']
    """
    if not G:
        return []
    H = _with_terminals(G)
    if _END not in H or not nx.has_path(H, _START, _END):
        return []
    dominators = nx.immediate_dominators(H, _START)
    chain, node = [], _END
    while node != _START:
        node = dominators[node]
        chain.append(node)
    passed = set(chain) - {_START}
    return [n for n in G if n in passed]


def cut_vertices(G: nx.DiGraph) -> list[str]:
    """Return touchpoints whose removal splits the journey in two (articulation points)."""
    points = set(nx.articulation_points(G.to_undirected(as_view=True)))
    return [n for n in G if n in points]


def most_likely_path(G: nx.DiGraph) -> tuple[list[str], float]:
    """Return the path from an entry to an exit with the highest probability, and that probability.

    Examples
    --------
    >>> from journeys.templates import broadband_demo
    >>> path, p = most_likely_path(broadband_demo())
    >>> path[0], path[-1], round(p, 4)
    ('comparison-portal', 'recommend', 0.0882)
    """
    if not G:
        return [], 0.0
    shares, _ = transition_shares(G)
    H = _with_terminals(G)
    for u, v in H.edges:
        p = 1.0 if _START in (u,) or v == _END else shares.get((u, v), 0.0)
        H.edges[u, v]["cost"] = -math.log(p) if p > 0 else math.inf
    try:
        path = nx.dijkstra_path(H, _START, _END, weight="cost")
    except nx.NetworkXNoPath:
        return [], 0.0
    cost = nx.path_weight(H, path, "cost")
    return path[1:-1], math.exp(-cost)


def worst_path(G: nx.DiGraph, weakness: dict[str, float]) -> tuple[list[str], float]:
    """Return the entry-to-exit path that accumulates the most weakness, without repeating a loop.

    Loops are cut where they go back (depth-first from the entries), and the heaviest
    path of the remaining acyclic journey is taken.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "b"), ("d", "e")])
    >>> worst_path(G, {"a": 0.1, "b": 0.5, "c": 0.2, "d": 0.1})
    (['a', 'b', 'd', 'e'], 0.7)
    """
    if not G:
        return [], 0.0
    H = _with_terminals(G)
    D = H.copy()
    D.remove_edges_from(_back_edges(H, _START))
    reachable = nx.descendants(D, _START) | {_START}
    D.remove_nodes_from([n for n in list(D) if n not in reachable])
    if _END not in D:
        return [], 0.0
    for u, v in D.edges:
        D.edges[u, v]["w"] = weakness.get(v, 0.0) if v != _END else 0.0
    best = {_START: (0.0, None)}
    for node in nx.topological_sort(D):
        if node not in best:
            continue
        for succ in D.successors(node):
            candidate = best[node][0] + D.edges[node, succ]["w"]
            if succ not in best or candidate > best[succ][0]:
                best[succ] = (candidate, node)
    path, node = [], best[_END][1]
    while node not in (None, _START):
        path.append(node)
        node = best[node][1]
    return path[::-1], round(best[_END][0], 12)


def _back_edges(H: nx.DiGraph, source) -> list[tuple]:
    """Edges that lead back to a touchpoint still on the depth-first stack: they close loops."""
    on_stack, back = {source}, []
    for u, v, kind in nx.dfs_labeled_edges(H, source):
        if kind == "forward" and u != v:
            on_stack.add(v)
        elif kind == "reverse" and u != v:
            on_stack.discard(v)
        elif kind == "nontree" and v in on_stack:
            back.append((u, v))
    return back


def diagnose(G: nx.DiGraph, weakness: dict[str, float] | None = None) -> Diagnostics:
    """Return every diagnostic of ``G`` at once."""
    likely, probability = most_likely_path(G)
    worst, total = worst_path(G, weakness or {})
    return Diagnostics(
        unreachable=unreachable(G),
        dead_ends=dead_ends(G),
        bottlenecks=bottlenecks(G),
        cut_vertices=cut_vertices(G),
        most_likely_path=likely,
        most_likely_probability=probability,
        worst_path=worst,
        worst_path_weakness=total,
    )
