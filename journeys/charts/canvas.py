"""The journey map as plain data for the map editor in the browser.

The Editor draws the map itself (an SVG in a component of its own) so that people can
add, move, connect and rename touchpoints on it. It draws what :func:`map_model`
returns: the same stage columns, touchpoint positions, arrows and line of visibility
as the plotly map (:mod:`journeys.charts.journey_map`), from the same layout code
(:func:`journeys.charts.layout.map_layout`, :func:`journeys.charts.arrows.transition_routes`),
in map units with y upwards. Names are plain text: the browser sets them as text, never
as markup. The words of the editor (hints and accessible names) come along in the
user's language.
"""

from __future__ import annotations

import json
from itertools import pairwise
from numbers import Real

import networkx as nx

from journeys.charts.arrows import transition_routes
from journeys.charts.captions import find_persona, stage_names, wrap_lines
from journeys.charts.journey_map import emotion_path, marker_color
from journeys.charts.labels import ABOVE, BELOW, LEFT, RIGHT, label_sides
from journeys.charts.layout import line_of_visibility, map_layout, stage_spans
from journeys.i18n import t

__all__ = ["LANE_PX", "OFF_MAP", "UNIT_PX", "WORDS", "map_key", "map_model"]

UNIT_PX = 76
"""Pixels per unit of the x axis at least: the map editor is never narrower; a long journey scrolls sideways."""
LANE_PX = 88
"""Pixels per unit of the y axis (a lane)."""
RADIUS_PX = 16
FONT_PX = 12
LINE_CHARS = 12  # characters per line of a touchpoint's name: a name is about one unit wide
SIDES = {BELOW: "below", ABOVE: "above", RIGHT: "right", LEFT: "left"}

WORDS = (
    "add_here", "new_name", "rename", "share_edit", "connect", "touchpoint", "moment_of_truth", "exit", "drop_out",
    "backstage", "map", "front_stage", "back_stage", "line_of_visibility", "help", "selected", "transition",
    "comments",
)  # fmt: skip
"""The editor's words (``canvas.<word>`` in the translation files) that the browser needs."""


OFF_MAP = frozenset({"owner", "description", "channel", "personas", "needs", "pains", "expectation"})
"""The touchpoint fields the map does not show: a change of one of them leaves :func:`map_model` as it was."""


def map_key(G: nx.DiGraph) -> str:
    """Return what :func:`map_model` draws ``G`` from, as text: journeys with the same key have the same map.

    A table edit of a touchpoint's owner, description or needs changes the journey, not its map: keyed by this,
    the map the browser holds stays, and is neither made nor sent again.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from journeys.model.tables import update_touchpoint
    >>> G = broadband_demo()
    >>> map_key(update_touchpoint(G, "hotline", owner="Service")) == map_key(G)
    True
    >>> map_key(update_touchpoint(G, "hotline", name="Phone")) == map_key(G)
    False
    """
    nodes = [[n, {k: v for k, v in d.items() if k not in OFF_MAP}] for n, d in G.nodes(data=True)]
    return json.dumps([G.graph, nodes, list(G.edges(data=True))], ensure_ascii=False, default=repr)


def _share(value) -> float | None:
    return float(value) if isinstance(value, Real) and not isinstance(value, bool) else None


def map_model(G: nx.DiGraph, *, lang: str = "en", persona: str | None = None) -> dict:
    """Return what the map editor draws of ``G``: stages, touchpoints, transitions and words (JSON-able).

    Every stage of the journey has a column, empty ones too, so that a touchpoint can be
    added there. ``persona`` (an id or a name) colours the touchpoints by that persona's
    emotion, as on the plotly map.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> model = map_model(broadband_demo())
    >>> [s["name"] for s in model["stages"]][:3]
    ['Awareness', 'Consideration', 'Purchase']
    >>> hotline = next(n for n in model["touchpoints"] if n["key"] == "hotline")
    >>> hotline["name"], hotline["moment_of_truth"], hotline["stage"]
    ('Call the hotline', True, 'support')
    >>> sorted({e["kind"] for e in model["transitions"]})
    ['branch', 'loop', 'main']
    """
    pos = map_layout(G)
    spans = stage_spans(G, pos)
    names = stage_names(G, lang)
    who = find_persona(G, persona)
    stages = [{"id": sid, "name": names.get(sid, sid), "x0": x0, "x1": x1} for sid, (x0, x1) in spans.items()]
    routes = transition_routes(G, pos)
    lines = {n: wrap_lines(("★ " if d.get("moment_of_truth") is True else "") + str(d.get("name") or n), LINE_CHARS)
             for n, d in G.nodes(data=True)}  # fmt: skip
    ys = [y for _, y in pos.values()] or [0.0]
    line = line_of_visibility(G, pos)
    if line is None:  # no back stage yet: a band for it all the same, to add the first one there
        line = min(ys) - 0.9
    low = min(min(ys) - 0.9, line - 1.1)
    high = max([*ys, *(r.mid[1] for r in routes)]) + 0.9
    left, right = min((a for a, _ in spans.values()), default=-0.5), max((b for _, b in spans.values()), default=0.5)
    sides = label_sides(
        pos, {n: "<br>".join(lines[n]) for n in G}, [s for r in routes for s in pairwise(r.points)],
        radius=dict.fromkeys(G, RADIUS_PX), font=FONT_PX, unit=(UNIT_PX, LANE_PX), bounds=(left, right, low, high),
    )  # fmt: skip
    touchpoints = []
    for n, data in G.nodes(data=True):
        x, y = pos[n]
        touchpoints.append(
            {
                "key": n,
                "name": str(data.get("name") or ""),
                "lines": lines[n],
                "side": SIDES[sides[n]],
                "x": x,
                "y": y,
                "stage": data.get("stage"),
                "backstage": data.get("backstage") is True,
                "moment_of_truth": data.get("moment_of_truth") is True,
                "exit": data.get("exit") is True,
                "drop_out": data.get("exit") is True and data.get("drop_out") is True,
                "color": marker_color(G, n, who and who["id"]),
            }
        )
    transitions = []
    for route, (_, _, data) in zip(routes, G.edges(data=True), strict=True):
        share = _share(data.get("share"))
        transitions.append(
            {
                "source": route.source,
                "target": route.target,
                "curve": [list(p) for p in route.curve],
                "tail": list(route.tail),
                "mid": list(route.mid),
                "kind": route.kind,
                "share": share,
                "text": t("map.share", lang, share=share) if share is not None else "",
                "label": str(data.get("label") or ""),
            }
        )
    emotion = None
    if who:  # the persona's emotion curve in a band below the map, as on the plotly map
        path = emotion_path(G, pos, who["id"])
        points = [[pos[n][0], float(G.nodes[n]["emotions"][who["id"]]), n] for n in path]
        emotion = {"title": t("map.emotion_curve", lang, persona=str(who.get("name") or who["id"])), "points": points}
    return {
        "emotion": emotion,
        "stages": stages,
        "touchpoints": touchpoints,
        "transitions": transitions,
        "visibility": line,
        "low": low,
        "high": high,
        "unit_px": UNIT_PX,
        "lane_px": LANE_PX,
        "radius_px": RADIUS_PX,
        "words": {word: t(f"canvas.{word}", lang) for word in WORDS},
    }
