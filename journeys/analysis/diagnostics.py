"""What is structurally wrong or remarkable in a journey graph.

Unreachable touchpoints, dead ends that are not exits, bottlenecks every customer
passes, cut vertices, the most likely path and the path that hurts the most.

The journey is numbered once (:class:`journeys.analysis.flow.Chain`), with a start before its
entries and an end after its exits; searches over every touchpoint run in scipy,
and the two path searches walk lists of numbers, not the graph (docs/performance.md).
The paths are the ones networkx finds (``dijkstra_path``, depth-first search and
``topological_sort``), ties included.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from heapq import heappop, heappush
from itertools import count, pairwise, repeat
from typing import TYPE_CHECKING, NamedTuple

import networkx as nx
import numpy as np

from journeys.analysis.flow import Chain, Flow

if TYPE_CHECKING:
    import pandas as pd
    from scipy.sparse import csr_array

_SCIPY = threading.Lock()


def _load_scipy() -> None:
    """Import SciPy's sparse arrays and graph routines, one thread at a time.

    Loaded on first use, not with the app: they are a quarter of a second of its start. Sessions that run their first
    analyses at the same moment after a start find them whole: two threads importing two of SciPy's modules at once
    can each wait for the other, and Python then hands one of them a module half imported.
    """
    with _SCIPY:
        import scipy.sparse.csgraph  # noqa: F401  (and with it scipy.sparse)


__all__ = [
    "Diagnostics",
    "Endings",
    "endings",
    "unreachable",
    "dead_ends",
    "bottlenecks",
    "cut_vertices",
    "most_likely_path",
    "worst_path",
    "diagnose",
]


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


class _Journey(Chain):
    """The journey numbered 0 … n-1, with a start (number n) before its entries and an end (n + 1) after its exits.

    The end is there only when some touchpoint has no way on or is an exit. Every
    touchpoint's successors come in the graph's order, the end last, as in a graph
    built with the start and end added after the touchpoints.
    """

    def __init__(self, chain: Chain):
        vars(self).update(vars(chain))  # the numbering as it is, read from the graph once
        n = self.n
        self.start, self.end = n, n + 1
        self.first = self.entries()
        self.exits = np.flatnonzero((self.out_degree == 0) | self.flags("exit"))
        self.has_end = len(self.exits) > 0
        ends = np.zeros(n, dtype=np.intp)
        ends[self.exits] = 1
        indptr = np.concatenate(([0], np.cumsum(np.concatenate((self.out_degree + ends, [len(self.first), 0])))))
        indices = np.empty(indptr[-1], dtype=np.intp)
        # a touchpoint's own successors first (in the graph's order), then the end
        first_own = np.concatenate(([0], np.cumsum(self.out_degree)[:-1]))
        rank = np.arange(len(self.dst)) - np.repeat(first_own, self.out_degree)
        self.own = np.repeat(indptr[:n], self.out_degree) + rank  # where each transition of G sits
        indices[self.own] = self.dst
        indices[indptr[self.exits + 1] - 1] = self.end
        indices[indptr[n] : indptr[n + 1]] = self.first
        self.indptr, self.indices = indptr, indices
        self.size = n + 2
        self.sources = np.repeat(np.arange(self.size), np.diff(indptr))  # of each entry of ``indices``
        self._plain = self._reached = None

    def csgraph(self, weights: np.ndarray | None = None) -> csr_array:
        _load_scipy()
        from scipy.sparse import csr_array

        if weights is None:
            if self._plain is None:
                self._plain = self.csgraph(np.ones(len(self.indices)))
            return self._plain
        return csr_array((weights, self.indices, self.indptr), shape=(self.size, self.size))

    def reached(self) -> tuple[np.ndarray, np.ndarray]:
        """Breadth-first from the start: the order nodes are reached in and each one's predecessor."""
        _load_scipy()
        from scipy.sparse.csgraph import breadth_first_order

        if self._reached is None:
            self._reached = breadth_first_order(self.csgraph(), self.start, return_predecessors=True)
        return self._reached

    def keys(self, numbers) -> list[str]:
        return [self.nodes[i] for i in numbers]


class Endings(NamedTuple):
    """Of every customer who enters: the share that reaches a successful exit, the share that drops out at a
    drop-out exit, and the share lost on the way (at a dead end, or a share of customers nobody takes on)."""

    success: float
    drop_out: float
    lost: float


def endings(G: nx.DiGraph, visits: dict[str, float]) -> Endings:
    """Return how the customers end, from the flow's ``visits`` (an exit is visited once by each who ends there).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("a", "c")])
    >>> G.nodes["b"].update(exit=True); G.nodes["c"].update(exit=True, drop_out=True)
    >>> endings(G, {"a": 1.0, "b": 0.7, "c": 0.2})
    Endings(success=0.7, drop_out=0.2, lost=0.1...)
    """
    success = drop_out = 0.0
    for key, data in G.nodes(data=True):
        if data.get("exit") is True:
            share = min(max(visits.get(key, 0.0), 0.0), 1.0)
            if data.get("drop_out") is True:
                drop_out += share
            else:
                success += share
    return Endings(success, drop_out, max(0.0, 1.0 - success - drop_out))


def unreachable(G: nx.DiGraph) -> list[str]:
    """Return touchpoints that no customer can reach from an entry.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("c", "b")]); G.nodes["a"]["entry"] = True
    >>> unreachable(G)
    ['c']
    """
    return _unreachable(_Journey(Chain(G))) if G else []


def _unreachable(J: _Journey) -> list[str]:
    reached = np.zeros(J.size, dtype=bool)
    reached[J.reached()[0]] = True
    return J.keys(np.flatnonzero(~reached[: J.n]))


def dead_ends(G: nx.DiGraph) -> list[str]:
    """Return touchpoints without a way on that are not marked as exits.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("a", "c")]); G.nodes["c"]["exit"] = True
    >>> dead_ends(G)
    ['b']
    """
    return _dead_ends(Chain(G)) if G else []


def _dead_ends(J: Chain) -> list[str]:
    return [J.nodes[i] for i in np.flatnonzero((J.out_degree == 0) & ~J.flags("exit"))]


def bottlenecks(G: nx.DiGraph) -> list[str]:
    """Return touchpoints every customer passes through on the way in (dominators of all exits).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("b", "d"), ("c", "e"), ("d", "e")])
    >>> bottlenecks(G)
    ['a', 'b', 'e']
    """
    return _bottlenecks(_Journey(Chain(G))) if G else []


def _bottlenecks(J: _Journey) -> list[str]:
    """The touchpoints on every path from the start to the end (the end's dominators).

    They all lie on one path P from the start to the end. The touchpoint at place i of P
    is on every path unless some path leaves P before i and comes back after it without
    passing i; ``reach[j]`` is the furthest place of P a path from place j gets to
    through touchpoints off P, so a touchpoint is passed by all when no place before
    it reaches beyond it.
    """
    if not J.has_end:
        return []
    before = J.reached()[1]
    if before[J.end] < 0:
        return []
    path, before = [J.end], before.tolist()
    while path[-1] != J.start:
        path.append(before[path[-1]])
    path.reverse()
    place = np.full(J.size, -1)
    place[path] = np.arange(len(path))
    src, dst = J.sources, J.indices
    reach = np.arange(1, len(path) + 1)  # along P itself
    on_path = (place[src] >= 0) & (place[dst] >= 0)
    np.maximum.at(reach, place[src[on_path]], place[dst[on_path]])
    leaving = np.unique(place[src[(place[src] >= 0) & (place[dst] < 0)]])
    if len(leaving):  # paths through touchpoints off P, searched from the earliest place first
        indptr, indices, seen = J.indptr.tolist(), J.indices.tolist(), set()
        where = place.tolist()
        for j in leaving.tolist():
            furthest, stack = reach[j], [path[j]]
            while stack:
                u = stack.pop()
                for v in indices[indptr[u] : indptr[u + 1]]:
                    if where[v] >= 0:
                        furthest = max(furthest, where[v])
                    elif v not in seen:
                        seen.add(v)
                        stack.append(v)
            reach[j] = furthest
    beyond = np.maximum.accumulate(reach)  # beyond[i]: the furthest place reached from places 0 … i
    inner = np.arange(1, len(path) - 1)
    return J.keys(np.sort(np.array(path)[inner[beyond[inner - 1] <= inner]]).tolist())


def cut_vertices(G: nx.DiGraph) -> list[str]:
    """Return touchpoints whose removal splits the journey in two (articulation points)."""
    return _cut_vertices(Chain(G)) if G else []


def _cut_vertices(J: Chain) -> list[str]:
    """Articulation points of the journey taken undirected: depth-first in scipy, low points in numpy."""
    _load_scipy()
    from scipy.sparse.csgraph import connected_components, depth_first_order

    A = J.matrix(np.ones(len(J.src)))
    _, label = connected_components(A, directed=False)
    a = np.concatenate((J.src, J.dst))  # every transition both ways
    b = np.concatenate((J.dst, J.src))
    points = np.zeros(J.n, dtype=bool)
    sizes = np.bincount(label)
    for component in np.flatnonzero(sizes >= 3):
        root = int(np.flatnonzero(label == component)[0])
        order, parent = depth_first_order(A, root, directed=False, return_predecessors=True)
        found = np.full(J.n, J.n)
        found[order] = np.arange(len(order))
        low = found.copy()
        other = (label[a] == component) & (b != parent[a])  # a's neighbours but its parent
        np.minimum.at(low, a[other], found[b[other]])
        low_list, parent_list = low.tolist(), parent.tolist()
        for v in order[:0:-1].tolist():  # children before parents: low point of the subtree
            p = parent_list[v]
            if low_list[v] < low_list[p]:
                low_list[p] = low_list[v]
        low = np.array(low_list)
        children = order[1:]
        up = parent[children]
        points[up[(up != root) & (low[children] >= found[up])]] = True
        points[root] = np.count_nonzero(up == root) >= 2
    return [J.nodes[i] for i in np.flatnonzero(points)]


def most_likely_path(G: nx.DiGraph) -> tuple[list[str], float]:
    """Return the path from an entry to an exit with the highest probability, and that probability.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> path, p = most_likely_path(broadband_demo())
    >>> path[0], path[-1], round(p, 4)
    ('comparison-portal', 'recommend', 0.0882)
    """
    return _most_likely_path(_Journey(Chain(G))) if G else ([], 0.0)


def _most_likely_path(J: _Journey) -> tuple[list[str], float]:
    """``nx.dijkstra_path`` from the start to the end, cost −log(share).

    scipy searches; where the path it finds is the only shortest one (every touchpoint on it
    is reached best over one transition only), networkx finds the same path and it is taken.
    Otherwise the tie is broken as networkx breaks it, by :func:`_dijkstra_path`.
    """
    _load_scipy()
    from scipy.sparse.csgraph import dijkstra

    if not J.has_end:
        return [], 0.0
    shares, _, leaving = J.shares()
    certain = ~leaving & (shares > 0)
    own = np.full(len(shares), math.inf)
    own[certain] = -np.fromiter(map(math.log, shares[certain].tolist()), dtype=float, count=int(certain.sum()))
    costs = np.full(len(J.indices), -math.log(1.0))  # from the start and into the end: certain
    costs[J.own] = own
    if not (costs >= 0).all():  # shares above 1: networkx's own complaint about negative weights
        return _dijkstra_path(J, costs)
    dist, before = dijkstra(J.csgraph(costs), indices=J.start, return_predecessors=True)
    if not math.isfinite(dist[J.end]):  # out of reach, or reached only over shares of 0
        return _dijkstra_path(J, costs)
    path, before = [J.end], before.tolist()
    while path[-1] != J.start:
        path.append(before[path[-1]])
    tight = J.indices[dist[J.sources] + costs == dist[J.indices]]
    if (np.bincount(tight, minlength=J.size)[path[:-1]] != 1).any():
        return _dijkstra_path(J, costs)
    # dist[end] is the sum from the start along the path, as nx.path_weight adds it up
    return J.keys(path[-2:0:-1]), math.exp(-float(dist[J.end]))


def _dijkstra_path(J: _Journey, costs: np.ndarray) -> tuple[list[str], float]:
    """``nx.dijkstra_path`` from the start to the end, step by step as networkx takes it."""
    costs, indptr, indices = costs.tolist(), J.indptr.tolist(), J.indices.tolist()
    start, end = J.start, J.end
    dist, seen, step = [None] * J.size, [None] * J.size, [None] * J.size
    seen[start] = 0
    fringe, c = [(0, 0, start)], count(1)
    while fringe:
        dist_v, _, v = heappop(fringe)
        if dist[v] is not None:
            continue
        dist[v] = dist_v
        if v == end:
            break
        for k in range(indptr[v], indptr[v + 1]):
            u = indices[k]
            vu_dist = dist_v + costs[k]
            if dist[u] is not None:
                if vu_dist < dist[u]:
                    raise ValueError("Contradictory paths found:", "negative weights?")
            elif seen[u] is None or vu_dist < seen[u]:
                seen[u] = vu_dist
                heappush(fringe, (vu_dist, next(c), u))
                step[u] = (v, k)
    if dist[end] is None:
        return [], 0.0
    path, taken, node = [], [], end
    while node != start:
        node, k = step[node]
        path.append(node)
        taken.append(k)
    total = 0
    for k in reversed(taken):  # added up from the start, as nx.path_weight does
        total += costs[k]
    return J.keys(path[-2::-1]), math.exp(-total)


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
    return _worst_path(_Journey(Chain(G)), weakness) if G else ([], 0.0)


def _worst_path(J: _Journey, weakness: dict[str, float]) -> tuple[list[str], float]:
    """Depth-first from the start (scipy takes the order networkx takes), without the edges back up the
    tree; then the heaviest path in networkx's topological order, a tie going to the first found."""
    _load_scipy()
    from scipy.sparse.csgraph import depth_first_order

    order, parent = depth_first_order(J.csgraph(), J.start, directed=True, return_predecessors=True)
    found = np.full(J.size, -1)
    found[order] = np.arange(len(order))
    if found[J.end] < 0:
        return [], 0.0
    size = [1] * J.size  # of each node's subtree in the depth-first tree
    up = parent.tolist()
    for v in order[:0:-1].tolist():
        size[up[v]] += size[v]
    size = np.array(size)
    src, dst = J.sources, J.indices
    # an edge to a node on the depth-first stack (an ancestor, or itself) closes a loop
    back = (found[dst] <= found[src]) & (found[src] < found[dst] + size[dst])
    keep = (found[src] >= 0) & ~back
    src, dst = src[keep], dst[keep]
    w = [*_by_touchpoint(J, weakness), 0.0, 0.0]  # nothing for the start and the end
    heaviest = _heaviest(J, src, dst, w) or _heaviest_in_order(J, src, dst, w, found)
    path, node = [], heaviest[1][J.end]
    while node is not None and node != J.start:
        path.append(node)
        node = heaviest[1][node]
    return J.keys(path[::-1]), round(heaviest[0][J.end], 12)


def _heaviest(J: _Journey, src: np.ndarray, dst: np.ndarray, w: list) -> tuple[list, list] | None:
    """The heaviest path's weight and predecessor of every node, the transitions taken in any topological
    order; None unless every node on the path to the end has one best predecessor only (then the order
    networkx takes them in makes no difference) and the weights are plain finite numbers."""
    if not set(map(type, w)) <= {float}:
        return None
    weight = np.array(w)
    if not np.isfinite(weight).all():
        return None
    rank = np.arange(J.size)
    rank[J.start] = -1  # the end is last already
    if not (rank[src] < rank[dst]).all():
        _load_scipy()
        from scipy.sparse import csr_array
        from scipy.sparse.csgraph import connected_components

        # without its loops the journey is acyclic: scipy labels its strong components (each one
        # touchpoint) sinks first; checked, not relied on
        edges = csr_array((np.ones(len(src)), (src, dst)), shape=(J.size, J.size))
        rank = (J.size - 1) - connected_components(edges, directed=True, connection="strong")[1]
        if not (rank[src] < rank[dst]).all():
            return None
    taken = np.argsort(rank[src], kind="stable")
    src, dst = src[taken], dst[taken]
    value, via = [-math.inf] * J.size, [None] * J.size
    value[J.start] = 0.0
    for u, v in zip(src.tolist(), dst.tolist(), strict=True):
        candidate = value[u] + w[v]
        if candidate > value[v]:
            value[v], via[v] = candidate, u
    path, node = [], J.end
    while node != J.start:
        path.append(node)
        node = via[node]
    values = np.array(value)
    best = values[src] + weight[dst] == values[dst]
    if (np.bincount(dst[best], minlength=J.size)[path] != 1).any():
        return None
    return value, via


def _heaviest_in_order(J: _Journey, src: np.ndarray, dst: np.ndarray, w: list, found: np.ndarray) -> tuple[list, list]:
    """The heaviest path's weight and predecessor of every node, as networkx's topological order takes them."""
    indptr = np.concatenate(([0], np.cumsum(np.bincount(src, minlength=J.size)))).tolist()
    targets = dst.tolist()
    successors = [targets[a:b] for a, b in pairwise(indptr)]
    indegree = np.bincount(dst, minlength=J.size)
    value, via = [None] * J.size, [None] * J.size
    value[J.start] = 0.0
    # nx.topological_sort: generation after generation, each in the order it is completed; every
    # touchpoint's predecessors come in earlier generations, so it is weighed as its own comes up
    generation = np.flatnonzero((indegree == 0) & (found >= 0)).tolist()
    indegree = indegree.tolist()
    while generation:
        following = []
        for u in generation:
            here = value[u]
            for v in successors[u]:
                if here is not None:
                    candidate = here + w[v]
                    if value[v] is None or candidate > value[v]:
                        value[v], via[v] = candidate, u
                indegree[v] -= 1
                if not indegree[v]:
                    following.append(v)
        generation = following
    return value, via


def _by_touchpoint(J: _Journey, weakness) -> list:
    """``weakness.get(touchpoint, 0.0)`` for every touchpoint in order.

    ``weakness`` may also be the ``weakness`` column of the weakness table (a pandas Series):
    read by position, it gives what its ``to_dict()`` would, without a dict of every touchpoint.
    """
    index, dtype = getattr(weakness, "index", None), getattr(weakness, "dtype", None)
    if index is None or isinstance(weakness, dict):
        return list(map(weakness.get, J.nodes, repeat(0.0)))
    if dtype != np.float64 or not index.is_unique:
        return list(map(weakness.to_dict().get, J.nodes, repeat(0.0)))
    at = index.get_indexer(J.nodes)
    return np.where(at >= 0, weakness.to_numpy()[at], 0.0).tolist()


def diagnose(
    G: nx.DiGraph, weakness: dict[str, float] | pd.Series | None = None, *, flow: Flow | None = None
) -> Diagnostics:
    """Return every diagnostic of ``G`` at once.

    ``weakness`` maps touchpoints to their weakness, a dict or the table's ``weakness`` column.
    ``flow`` may hand in :func:`journeys.analysis.flow.flow` of this very ``G``, so that the journey is not
    read again.
    """
    if not G:
        return Diagnostics([], [], [], [], [], 0.0, [], 0.0)
    J = _Journey(Chain.of(G, flow))
    likely, probability = _most_likely_path(J)
    worst, total = _worst_path(J, {} if weakness is None else weakness)
    return Diagnostics(
        unreachable=_unreachable(J),
        dead_ends=_dead_ends(J),
        bottlenecks=_bottlenecks(J),
        cut_vertices=_cut_vertices(J),
        most_likely_path=likely,
        most_likely_probability=probability,
        worst_path=worst,
        worst_path_weakness=total,
    )
