"""Transitions on the journey map: straight arrows, detours and loops.

A transition is one arrow annotation named ``"transition"``, so a map has as
many arrows as the journey has transitions. Forward transitions are straight; one
that would run through another touchpoint bows around it; a loop (leading back
to the left, or to itself) is a dotted curve above the lanes in :data:`LOOP_COLOR`.
Curves are SVG paths (quadratic Béziers) with the arrowhead drawn at their end.
"""

from __future__ import annotations

import html
from itertools import pairwise
from math import floor
from numbers import Real
from typing import NamedTuple

import networkx as nx

from journeys.charts.layout import loop_edges, main_path
from journeys.i18n import t

__all__ = [
    "ARROW_COLOR", "MAIN_COLOR", "LOOP_COLOR", "CLEARANCE", "Arrows", "Route", "transition_arrows", "transition_routes",
    "blocker", "bezier",
]  # fmt: skip

ARROW_COLOR = "#90a4ae"
MAIN_COLOR = "#37474f"
LOOP_COLOR = "#7e57c2"
AXES = {"xref": "x", "yref": "y", "axref": "x", "ayref": "y"}
"""The journey map's axes (the first subplot)."""
CLEARANCE = 0.3
"""A straight arrow closer than this to another touchpoint (in lane units) bows around it."""
LABEL_DROP = 0.38
"""How far under its touchpoint a label's middle sits; arrows keep clear of that spot too."""

Point = tuple[float, float]


def bezier(p: Point, c: Point, q: Point, s: float) -> Point:
    """Return the point at ``s`` (0..1) of the quadratic Bézier curve p → q with control c.

    Examples
    --------
    >>> bezier((0, 0), (1, 2), (2, 0), 0.5)
    (1.0, 1.0)
    """
    x, y = ((1 - s) ** 2 * a + 2 * (1 - s) * s * b + s**2 * e for a, b, e in zip(p, c, q, strict=True))
    return x, y


def blocker(p: Point, q: Point, others) -> Point | None:
    """Return the first of ``others`` a straight arrow p → q would run through, or None.

    Examples
    --------
    >>> blocker((0, 0), (4, 0), [(2, 1), (2, 0.1)])
    (2, 0.1)
    """
    (px, py), (qx, qy) = p, q
    dx, dy = qx - px, qy - py
    length2 = dx * dx + dy * dy or 1.0
    for ox, oy in others:
        s = ((ox - px) * dx + (oy - py) * dy) / length2
        if 0.05 < s < 0.95 and (px + s * dx - ox) ** 2 + (py + s * dy - oy) ** 2 < CLEARANCE**2:
            return ox, oy
    return None


class _Spots:
    """Every touchpoint and the middle of its label (:data:`LABEL_DROP` below it), filed in a grid of unit cells.

    An arrow can only be blocked by a spot within :data:`CLEARANCE` of its bounding
    box, so :meth:`near` hands :func:`blocker` just those, in the order of ``pos``:
    the same answer as checking all of them, in time that grows with the arrow, not with the map.
    """

    def __init__(self, pos: dict):
        self.spots = [(n, (x, y - dy)) for n, (x, y) in pos.items() for dy in (0.0, LABEL_DROP)]
        self.cells: dict[tuple[int, int], list[int]] = {}
        for i, (_, (x, y)) in enumerate(self.spots):
            self.cells.setdefault((floor(x), floor(y)), []).append(i)

    def near(self, p: Point, q: Point, *, skip) -> list[Point]:
        x0, x1 = floor(min(p[0], q[0]) - CLEARANCE), floor(max(p[0], q[0]) + CLEARANCE)
        y0, y1 = floor(min(p[1], q[1]) - CLEARANCE), floor(max(p[1], q[1]) + CLEARANCE)
        found = sorted(i for x in range(x0, x1 + 1) for y in range(y0, y1 + 1) for i in self.cells.get((x, y), ()))
        return [self.spots[i][1] for i in found if self.spots[i][0] not in skip]


def _loop_control(p: Point, q: Point, *, below: bool) -> Point:
    """Control point of a loop: the curve's apex clears both ends by a height growing with its length."""
    rise = min(0.55 + 0.12 * abs(q[0] - p[0]), 1.5)
    apex = min(p[1], q[1]) - rise if below else max(p[1], q[1]) + rise
    return (p[0] + q[0]) / 2, 2 * apex - (p[1] + q[1]) / 2


def _detour_control(p: Point, q: Point, block: Point) -> Point:
    """Control point of a detour: bow to the side away from the blocking touchpoint (up when on the line)."""
    mx, my = (p[0] + q[0]) / 2, (p[1] + q[1]) / 2
    nx_, ny_ = -(q[1] - p[1]), q[0] - p[0]
    norm = (nx_**2 + ny_**2) ** 0.5 or 1.0
    side = (block[0] - mx) * nx_ + (block[1] - my) * ny_
    sign = -1.0 if side > 1e-9 or (abs(side) <= 1e-9 and ny_ < 0) else 1.0
    return mx + sign * 1.1 * nx_ / norm, my + sign * 1.1 * ny_ / norm


def _share_text(share, lang: str) -> str:
    if not isinstance(share, Real) or isinstance(share, bool):
        return ""
    return t("map.share", lang, share=share)


class Route(NamedTuple):
    """The course of one transition on the map, in map units: ``curve`` is its points, two for a straight
    line, three for a quadratic Bézier (start, control, end), four for a cubic one (a touchpoint leading to
    itself); the arrowhead points from ``tail`` to the target; ``mid`` is where its share is written;
    ``points`` cut it into straight pieces; ``kind`` is ``"main"``, ``"loop"`` or ``"branch"``."""

    source: object
    target: object
    curve: tuple[Point, ...]
    tail: Point
    mid: Point
    points: list[Point]
    kind: str


def transition_routes(G: nx.DiGraph, pos: dict) -> list[Route]:
    """Return the course of every transition of ``G`` in edge order: the one geometry of the plotly map and
    the map editor in the browser.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from journeys.charts.layout import map_layout
    >>> G = broadband_demo()
    >>> routes = transition_routes(G, map_layout(G))
    >>> len(routes) == G.number_of_edges(), {r.kind for r in routes} == {"main", "loop", "branch"}
    (True, True)
    """
    loops = set(loop_edges(G, pos))
    on_main = set(pairwise(main_path(G)))
    spots = _Spots(pos)
    routes = []
    for u, v in G.edges():
        p, q = pos[u], pos[v]
        loop = (u, v) in loops
        block = None if loop else blocker(p, q, spots.near(p, q, skip=(u, v)))
        if u == v:
            x, y = p
            curve = ((x - 0.1, y + 0.15), (x - 0.55, y + 0.95), (x + 0.55, y + 0.95), (x + 0.1, y + 0.15))
            tail, mid = (x + 0.2, y + 0.45), (x, y + 0.75)
            points = [p, (x - 0.3, y + 0.6), mid, (x + 0.3, y + 0.6), p]
        elif loop or block:
            below = loop and G.nodes[u].get("backstage") is True and G.nodes[v].get("backstage") is True
            c = _loop_control(p, q, below=below) if loop else _detour_control(p, q, block)
            curve = (p, c, q)
            tail, mid = bezier(p, c, q, 0.9), bezier(p, c, q, 0.5)
            points = [bezier(p, c, q, i / 6) for i in range(7)]
        else:
            curve, tail, mid, points = (p, q), p, ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2), [p, q]
        kind = "loop" if loop else "main" if (u, v) in on_main else "branch"
        routes.append(Route(u, v, curve, tail, mid, points, kind))
    return routes


def _path(curve: tuple[Point, ...]) -> str:
    """An SVG path through ``curve`` (see :class:`Route`)."""
    start, *rest = curve
    command = "Q" if len(rest) == 2 else "C"
    return f"M {start[0]},{start[1]} {command} " + " ".join(f"{x},{y}" for x, y in rest)


class Arrows(NamedTuple):
    """What :func:`transition_arrows` draws: plotly layout shapes and annotations (as dicts), the
    arrows as straight pieces ``(p, q)`` (curves cut into a few) and the highest y a curve reaches."""

    shapes: list[dict]
    annotations: list[dict]
    segments: list[tuple[Point, Point]]
    top: float


def transition_arrows(G: nx.DiGraph, pos: dict, *, lang: str, radius: dict) -> Arrows:
    """Return the arrows of every transition of ``G``, for the map axes ``x`` / ``y``.

    ``radius`` is each touchpoint's marker radius in pixels, so arrowheads stop at
    its edge. Shapes and annotations are plain dicts, so a figure takes them all
    at once (adding hundreds one by one is slow in plotly).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from journeys.charts.layout import map_layout
    >>> G = broadband_demo()
    >>> drawn = transition_arrows(G, map_layout(G), lang="en", radius=dict.fromkeys(G, 10))
    >>> sum(a["showarrow"] for a in drawn.annotations) == G.number_of_edges()
    True
    """
    drawn = Arrows([], [], [], 0.0)
    top = max((y for _, y in pos.values()), default=0.0)
    for route, (u, v, data) in zip(transition_routes(G, pos), G.edges(data=True), strict=True):
        loop = route.kind == "loop"
        color, width = (LOOP_COLOR, 2.0) if loop else (MAIN_COLOR, 2.6) if route.kind == "main" else (ARROW_COLOR, 1.8)
        curved = len(route.curve) > 2
        drawn.segments.extend(pairwise(route.points))
        if curved:
            line = {"color": color, "width": width, "dash": "dot" if loop else "solid"}
            path = _path(route.curve)
            drawn.shapes.append(
                {"type": "path", "path": path, "line": line, "layer": "below", "xref": "x", "yref": "y"}
            )
            top = max(top, route.mid[1])
        tail, mid, q = route.tail, route.mid, pos[v]
        arrow = {"name": "transition", "x": q[0], "y": q[1], "ax": tail[0], "ay": tail[1], "text": "", **AXES}
        arrow.update(showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=width, arrowcolor=color)
        drawn.annotations.append({**arrow, "standoff": radius[v] + 2, "startstandoff": 0 if curved else radius[u] + 2})
        label = _share_text(data.get("share"), lang)
        if label:
            font = {"size": 12, "color": LOOP_COLOR if loop else MAIN_COLOR}
            hover = html.escape(str(data.get("label") or ""), quote=False) or None
            share = {"name": "share", "x": mid[0], "y": mid[1], "text": label, "showarrow": False, "font": font}
            share.update(bgcolor="rgba(255,255,255,0.92)", borderpad=1, **AXES)
            drawn.annotations.append({**share, "hovertext": hover} if hover else share)
    return drawn._replace(top=top)
