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

from numbers import Real

import networkx as nx

from journeys.charts.arrows import transition_routes
from journeys.charts.captions import find_persona, stage_names
from journeys.charts.journey_map import marker_color
from journeys.charts.layout import line_of_visibility, map_layout, stage_spans
from journeys.i18n import t

__all__ = ["WORDS", "map_model"]

WORDS = (
    "add_here", "new_name", "rename", "share_edit", "connect", "touchpoint", "moment_of_truth", "exit", "drop_out",
    "backstage", "map", "front_stage", "back_stage", "line_of_visibility", "help", "selected", "transition",
)  # fmt: skip
"""The editor's words (``canvas.<word>`` in the translation files) that the browser needs."""


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
    touchpoints = []
    for n, data in G.nodes(data=True):
        x, y = pos[n]
        touchpoints.append(
            {
                "key": n,
                "name": str(data.get("name") or ""),
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
    for route, (_, _, data) in zip(transition_routes(G, pos), G.edges(data=True), strict=True):
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
    ys = [y for _, y in pos.values()] or [0.0]
    tops = [p[1] for e in transitions for p in e["curve"]]
    line = line_of_visibility(G, pos)
    if line is None:  # no back stage yet: a band for it all the same, to add the first one there
        line = min(ys) - 0.9
    return {
        "stages": stages,
        "touchpoints": touchpoints,
        "transitions": transitions,
        "visibility": line,
        "low": min(min(ys) - 0.9, line - 1.1),
        "high": max([*ys, *tops]) + 0.9,
        "words": {word: t(f"canvas.{word}", lang) for word in WORDS},
    }
