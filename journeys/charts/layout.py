"""Where each touchpoint sits on the journey map: stages are columns, lanes are rows.

The map reads like the wall of a journey workshop. Stages are columns in journey
order. Inside a stage, touchpoints that follow one another get sub-columns of
their own, in the order customers pass them; touchpoints reached in parallel share
a sub-column on different lanes. The main path (the most common route from the
entry) runs along lane 0. A branch takes the nearest free lane next to the
touchpoint it branches from, below first, and keeps that lane while it runs on, so
a straight arrow never crosses another touchpoint on its own lane. Back-stage
touchpoints sit in a band of their own below every front-stage lane, the way a
service blueprint draws them under the line of visibility.

Coordinates are abstract units: a sub-column is 1 wide, a lane 1 high, y grows
upward, the main lane is y = 0 and stage columns are :data:`STAGE_GAP` apart.
The flow order comes from a depth-first search from the entries that follows the
most common transition first; an edge pointing back in that order closes a loop.
Everything is deterministic and linear in the size of the journey, apart from
sorting each touchpoint's transitions and searching for a free lane.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from itertools import chain
from numbers import Real

import networkx as nx

__all__ = [
    "STAGE_GAP",
    "BAND_GAP",
    "flow_order",
    "main_path",
    "map_layout",
    "stage_spans",
    "loop_edges",
    "line_of_visibility",
]

STAGE_GAP = 0.5
"""Empty space between two stage columns, in sub-column widths."""
BAND_GAP = 1.5
"""Distance between the lowest front-stage lane and the highest back-stage lane."""

Position = tuple[float, float]


def _share(G: nx.DiGraph, u, v) -> float:
    share = G.edges[u, v].get("share")
    return float(share) if isinstance(share, Real) and not isinstance(share, bool) else 0.0


def _ranked_successors(G: nx.DiGraph, u) -> list:
    """Successors with the most common transition first; ties keep insertion order."""
    return sorted(G.successors(u), key=lambda v: -_share(G, u, v))


def _entries(G: nx.DiGraph) -> list:
    marked = [n for n, entry in G.nodes(data="entry") if entry is True]
    if marked:
        return marked
    return [n for n in G if G.in_degree(n) == 0] or list(G)[:1]


def _stage(G: nx.DiGraph, n) -> str:
    stage = G.nodes[n].get("stage")
    return stage if isinstance(stage, str) else ""


def _stage_order(G: nx.DiGraph, nodes: Iterable) -> list[str]:
    """Stage ids in journey order, then unknown stages in order of appearance."""
    order = [s.get("id") for s in G.graph.get("stages", []) if isinstance(s, dict)]
    known = set(order)
    for n in nodes:
        stage = _stage(G, n)
        if stage not in known:
            known.add(stage)
            order.append(stage)
    return order


def flow_order(G: nx.DiGraph) -> list:
    """Return the touchpoints in the order customers pass them.

    A reverse post-order of a depth-first search that starts at the entries (the
    main path's entry first) and follows the most common transition first.
    Every transition that does not close a loop points forward in this order.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> order = flow_order(broadband_demo())
    >>> order.index("comparison-portal") < order.index("install-router") < order.index("hotline")
    True
    """
    done: list = []
    seen: set = set()
    for root in chain(_entries(G), G):
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(_ranked_successors(G, root)))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(_ranked_successors(G, child))))
                    break
            else:
                stack.pop()
                done.append(node)
    return done[::-1]


def main_path(G: nx.DiGraph) -> list:
    """Return the most common route: from the entry along the highest-share transitions.

    The route starts at the first touchpoint marked as entry (else the first one
    nothing leads to, else the first touchpoint) and stops at an exit, at a dead
    end, or before it would visit a touchpoint a second time.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> main_path(broadband_demo())  # doctest: +NORMALIZE_WHITESPACE
    ['comparison-portal', 'tariff-page', 'online-order', 'line-activation', 'router-delivery',
     'install-router', 'daily-use', 'recommend']
    """
    if not G:
        return []
    node = _entries(G)[0]
    path, seen = [node], {node}
    while G.nodes[node].get("exit") is not True:
        successors = _ranked_successors(G, node)
        if not successors or successors[0] in seen:
            break
        node = successors[0]
        path.append(node)
        seen.add(node)
    return path


def _columns(G: nx.DiGraph, order: list, rank: Mapping) -> dict:
    """x of every touchpoint: its stage column plus its sub-column inside the stage."""
    sub: dict = {}
    for n in order:
        stage = _stage(G, n)
        sub[n] = max((sub[u] + 1 for u in G.predecessors(n) if _stage(G, u) == stage and rank[u] < rank[n]), default=0)
    width: dict[str, int] = {}
    for n, s in sub.items():
        width[_stage(G, n)] = max(width.get(_stage(G, n), 1), s + 1)
    offset, start = 0.0, {}
    for stage in _stage_order(G, order):
        start[stage] = offset
        offset += width.get(stage, 1) + STAGE_GAP
    return {n: start[_stage(G, n)] + sub[n] for n in order}


def _nearest(wanted: int, is_free) -> int:
    """The free lane closest to ``wanted``: wanted, one below, one above, two below ..."""
    step = 0
    while not is_free(candidate := wanted + (-1) ** step * ((step + 1) // 2)):
        step += 1
    return candidate


def _lanes(G: nx.DiGraph, order: list, rank: Mapping, x: Mapping) -> dict:
    """Lane of every touchpoint in its band (front or back stage), see the module docs."""
    back = {n: G.nodes[n].get("backstage") is True for n in G}
    on_main = set(main_path(G))
    main_end = {band: max((x[n] for n in on_main if back[n] == band), default=float("-inf")) for band in (0, 1)}
    primary: dict = {}  # the predecessor a touchpoint is drawn as branching from
    for v in order:
        parents = [u for u in G.predecessors(v) if x[u] < x[v]]
        if parents:
            primary[v] = min(parents, key=lambda u: (-_share(G, u, v), rank[u]))
    follower: dict = {}  # the one branch touchpoint that continues its parent's lane
    for v in order:
        u = primary.get(v)
        if u is not None and u not in on_main and v not in on_main and back[u] == back[v] and u not in follower:
            follower[u] = v
    occupied: dict[tuple[int, int], tuple[float, object]] = {}  # (band, lane) -> (rightmost x, held for)
    lane: dict = {}
    hint: dict = {}  # per touchpoint: the lane a successor in each band would like to start from

    def free(n, band: int, candidate: int) -> bool:
        right, held_for = occupied.get((band, candidate), (float("-inf"), None))
        if held_for is not None:
            return held_for == n
        reserved = candidate == 0 and n not in on_main and x[n] <= main_end[band]
        return right < x[n] and not reserved

    for n in sorted(order, key=lambda n: (x[n], rank[n])):
        band, parent = int(back[n]), primary.get(n)
        wanted = 0 if n in on_main or parent is None else hint[parent][band]
        candidate = _nearest(wanted, lambda c, n=n, band=band: free(n, band, c))
        lane[n] = candidate
        occupied[band, candidate] = (x[n], follower.get(n))
        inherited = hint[parent] if parent is not None else (0, 0)
        hint[n] = (candidate, inherited[1]) if band == 0 else (inherited[0], candidate)
    return lane


def map_layout(G: nx.DiGraph) -> dict[Hashable, Position]:
    """Return the ``(x, y)`` of every touchpoint on the journey map.

    Stages are columns left to right, sequential touchpoints of a stage get
    sub-columns, the main path runs on y = 0, branches on the lanes around it and
    back-stage touchpoints in a band below every front-stage one. No two
    touchpoints share a position.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> pos = map_layout(broadband_demo())
    >>> pos["comparison-portal"], pos["install-router"][1]
    ((0.0, 0.0), 0.0)
    >>> pos["line-check"][1] < min(y for n, (_, y) in pos.items() if n not in {"line-check", "line-activation"})
    True
    """
    order = flow_order(G)
    rank = {n: i for i, n in enumerate(order)}
    x = _columns(G, order, rank)
    lane = _lanes(G, order, rank, x)
    back = {n for n in G if G.nodes[n].get("backstage") is True}
    front_low = min((lane[n] for n in G if n not in back), default=0)
    back_high = max((lane[n] for n in back), default=0)
    return {
        n: (float(x[n]), float(lane[n] if n not in back else front_low - BAND_GAP - (back_high - lane[n]))) for n in G
    }


def stage_spans(G: nx.DiGraph, positions: Mapping[Hashable, Position]) -> dict[str, tuple[float, float]]:
    """Return the x-range of every stage column, in journey order, for backgrounds and headers.

    A column reaches half a unit beyond its outermost touchpoints; an empty stage
    gets a column one unit wide after the previous one.

    Examples
    --------
    >>> from journeys.demo import ebike_demo
    >>> G = ebike_demo()
    >>> stage_spans(G, map_layout(G))
    {'communication': (-0.5, 1.5), 'purchase-experience': (2.0, 6.0), 'use-experience': (6.5, 8.5)}
    """
    xs: dict[str, list[float]] = {}
    for n, (x, _) in positions.items():
        if n in G:
            xs.setdefault(_stage(G, n), []).append(x)
    spans, end = {}, -0.5 - STAGE_GAP
    for stage in _stage_order(G, (n for n in positions if n in G)):
        if stage in xs:
            spans[stage] = (min(xs[stage]) - 0.5, max(xs[stage]) + 0.5)
        else:
            spans[stage] = (end + STAGE_GAP, end + STAGE_GAP + 1)
        end = spans[stage][1]
    return spans


def loop_edges(G: nx.DiGraph, positions: Mapping[Hashable, Position]) -> list[tuple]:
    """Return the transitions that lead back (leftward or to themselves): loops to draw curved.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> loop_edges(G, map_layout(G))
    [('remote-fix', 'daily-use')]
    """
    return [(u, v) for u, v in G.edges if positions[v][0] <= positions[u][0]]


def line_of_visibility(G: nx.DiGraph, positions: Mapping[Hashable, Position]) -> float | None:
    """Return the y of the line between front and back stage, or None without back stage.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> line_of_visibility(G, map_layout(G))
    -1.75
    """
    front = [y for n, (_, y) in positions.items() if G.nodes[n].get("backstage") is not True]
    back = [y for n, (_, y) in positions.items() if G.nodes[n].get("backstage") is True]
    if not back:
        return None
    return (min(front, default=max(back) + BAND_GAP) + max(back)) / 2
