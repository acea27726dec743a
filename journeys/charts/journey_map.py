"""The journey map as a plotly figure, for the browser and for slides.

Stages are light column bands with their names on top; touchpoints sit where
:func:`journeys.charts.layout.map_layout` puts them, coloured on a diverging red → grey →
green scale by experience (or by the chosen persona's emotion), stars for moments
of truth, squares for exits (crossed where customers drop out). Transitions are arrows labelled with their share
(see :mod:`journeys.charts.arrows`). A dashed line of visibility separates the back
stage, and the persona's emotion curve runs along the main path in a band below.
"""

from __future__ import annotations

from functools import cache

import networkx as nx
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from journeys.charts.arrows import ARROW_COLOR, LOOP_COLOR, MAIN_COLOR, transition_arrows
from journeys.charts.captions import (
    details,
    escape,
    find_persona,
    is_number,
    persona_name,
    signed,
    stage_names,
    touchpoint_label,
    wrap,
)
from journeys.charts.labels import ABOVE, BELOW, LEFT, RIGHT, label_sides
from journeys.charts.layout import line_of_visibility, loop_edges, main_path, map_layout, stage_spans
from journeys.charts.style import unchecked_figure
from journeys.i18n import plotly_separators, t
from journeys.model.graph import touchpoints_in_order

__all__ = ["SCORE_SCALE", "emotion_path", "journey_map", "marker_color"]

SCORE_SCALE = [[0.0, "#c62828"], [0.25, "#e57373"], [0.5, "#bdbdbd"], [0.75, "#66bb6a"], [1.0, "#2e7d32"]]
"""Diverging scale for experience and emotion: red is bad, grey neutral, green good."""
SELECT_COLOR = "#1565c0"
BAND_COLORS = ("#eceff4", "#f7f9fb")
HEADER_COLOR = "#cfd8e3"
TEXT_COLOR = "#263238"
MUTED_COLOR = "#546e7a"
LANE_PX = 95  # height of one lane on screen
DROP_OUT_COLOR = "#b71c1c"  # the cross over an exit where customers give up
CURVE_PX = 240  # height of the emotion band
SLIDE_PX = 1600  # the width the map is laid out for: a wide screen or a slide
CHAR_PX = 4.4  # pixels per unit of the x axis that each character of a label line needs (a label spans 1.5 units)
FRAME_PX = 200  # the margins and the colour bar beside the map


def _score(G: nx.DiGraph, n, persona: str | None) -> float | None:
    data = G.nodes[n]
    value = data.get("emotions", {}).get(persona) if persona else data.get("experience")
    return float(value) if is_number(value) else None


def _radius(G: nx.DiGraph, n, size: float) -> float:
    """Marker radius in pixels: stars are drawn larger so they read as large as circles."""
    data = G.nodes[n]
    return size * (0.75 if data.get("moment_of_truth") is True else 0.45 if data.get("exit") is True else 0.5)


def marker_color(G: nx.DiGraph, n, persona: str | None = None) -> str:
    """The colour of touchpoint ``n``'s marker: its experience on the red → green scale, or the emotion of
    ``persona`` (an id) when given; white when not scored."""
    low, high = (-2, 2) if persona else (1, 5)
    return _color(_score(G, n, persona), low, high)


@cache
def _color(value: float | None, low: int, high: int) -> str:
    if value is None:
        return "#ffffff"  # not scored: an empty marker
    return sample_colorscale(SCORE_SCALE, [(min(max(value, low), high) - low) / (high - low)])[0]


LABEL_ANCHOR = {  # plotly text position -> annotation anchors and the direction to shift away from the marker
    BELOW: ("center", "top", 0, -1),
    ABOVE: ("center", "bottom", 0, 1),
    RIGHT: ("left", "middle", 1, 0),
    LEFT: ("right", "middle", -1, 0),
}


MAP_AXES = {"xaxis": "x", "yaxis": "y"}
CURVE_AXES = {"xaxis": "x2", "yaxis": "y2"}


def _touchpoints(G, pos, *, persona, stages, lang, selected, size) -> list[dict]:
    """One marker per touchpoint, its key in ``customdata`` and its details in the hover text (trace dicts)."""
    low, high = (-2, 2) if persona else (1, 5)
    nodes = list(G)
    radius = {n: _radius(G, n, size) for n in nodes}
    symbols = []
    for n in nodes:
        mot, leaves = G.nodes[n].get("moment_of_truth") is True, G.nodes[n].get("exit") is True
        symbols.append("star-square" if mot and leaves else "star" if mot else "square" if leaves else "circle")
    marker_line = {
        "color": [SELECT_COLOR if n == selected else MAIN_COLOR for n in nodes],
        "width": [4 if n == selected else 1.5 for n in nodes],
    }
    traces = []
    if selected in pos:  # a ring behind the selected touchpoint
        ring = {"size": 2 * radius[selected] + 22, "color": "rgba(21,101,192,0.15)", "line": {"color": SELECT_COLOR}}
        x, y = pos[selected]
        traces.append(
            {"type": "scatter", "x": [x], "y": [y], "mode": "markers", "marker": ring, "hoverinfo": "skip",
             "showlegend": False, **MAP_AXES}
        )  # fmt: skip
    traces.append(
        {
            "type": "scatter",
            "x": [pos[n][0] for n in nodes],
            "y": [pos[n][1] for n in nodes],
            "customdata": nodes,
            "uid": "touchpoints",
            "name": t("map.touchpoint", lang),
            "mode": "markers",
            "hovertext": [details(G, n, stages, lang) for n in nodes],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "cliponaxis": False,
            "showlegend": False,
            "marker": {
                "symbol": symbols,
                "size": [2 * radius[n] for n in nodes],
                "color": [_color(_score(G, n, persona), low, high) for n in nodes],
                "line": marker_line,
            },
            **MAP_AXES,
        }
    )
    gives_up = [n for n in nodes if G.nodes[n].get("exit") is True and G.nodes[n].get("drop_out") is True]
    if gives_up:  # a cross over the exits where customers give up, whatever their shape
        traces.append(
            {"type": "scatter", "uid": "drop-outs", "x": [pos[n][0] for n in gives_up],
             "y": [pos[n][1] for n in gives_up], "mode": "markers", "hoverinfo": "skip", "showlegend": False,
             "marker": {"symbol": "x-thin", "size": [1.3 * radius[n] for n in gives_up],
                        "line": {"color": DROP_OUT_COLOR, "width": 3}},
             **MAP_AXES}
        )  # fmt: skip
    return traces


def _labels(G, pos, segments, *, width: int, size: int, unit, bounds) -> list[dict]:
    """Every touchpoint's name beside its marker, on the side :func:`journeys.charts.labels.label_sides` picks."""
    radius = {n: _radius(G, n, size) for n in G}
    texts = {n: touchpoint_label(G, n, width) for n in G}
    font = {"size": 13 if size >= 24 else 11, "color": TEXT_COLOR}
    room = (unit[0] * 0.9, unit[1] * 0.8)  # exports and narrow screens squeeze the map: leave slack
    sides = label_sides(pos, texts, segments, radius=radius, font=font["size"], unit=room, bounds=bounds)
    notes = []
    for n, side in sides.items():
        xanchor, yanchor, dx, dy = LABEL_ANCHOR[side]
        note = {"name": "label", "x": pos[n][0], "y": pos[n][1], "text": texts[n], "showarrow": False, "font": font}
        note.update(xanchor=xanchor, yanchor=yanchor, xshift=dx * (radius[n] + 3), yshift=dy * (radius[n] + 2))
        notes.append({**note, "bgcolor": "rgba(255,255,255,0.8)", "borderpad": 1, "xref": "x", "yref": "y"})
    return notes


def _colorbar(G, persona: str | None, lang: str) -> dict:
    """The colour scale of the markers: experience 1..5, or the persona's emotion −2..+2 (a trace dict)."""
    low, high = (-2, 2) if persona else (1, 5)
    title = t("map.emotion_of", lang, persona=wrap(persona_name(G, persona), 14)) if persona else None
    colorbar = {
        "title": {"text": title or t("map.experience_scale", lang), "side": "top"},
        "tickvals": list(range(low, high + 1)),
        "ticktext": [signed(v, lang) if persona else str(v) for v in range(low, high + 1)],
        **{"len": 0.4, "y": 1, "yanchor": "top", "thickness": 14},
    }
    marker = {"colorscale": SCORE_SCALE, "cmin": low, "cmax": high, "color": [low], "colorbar": colorbar}
    return {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "showlegend": False, "hoverinfo": "skip",
            "marker": marker, **MAP_AXES}  # fmt: skip


def _stages(spans: dict, names: dict, *, top: float, unit_px: float) -> tuple[list[dict], list[dict]]:
    """Alternating column bands through the whole figure with a header strip on top of the map."""
    shapes, notes = [], []
    for i, (sid, (x0, x1)) in enumerate(spans.items()):
        band = {"type": "rect", "x0": x0, "x1": x1, "layer": "below", "line": {"width": 0}, "xref": "x"}
        shapes.append({**band, "y0": 0, "y1": 1, "yref": "paper", "fillcolor": BAND_COLORS[i % 2]})
        shapes.append({**band, "y0": top - 0.62, "y1": top, "yref": "y", "fillcolor": HEADER_COLOR})
        name = names.get(sid, sid or "?")
        font = 15 if len(name) * 9 < (x1 - x0) * unit_px else 13
        text = wrap(name, max(int((x1 - x0) * unit_px / (font * 0.62)), 6), 2)
        header = {"x": (x0 + x1) / 2, "y": top - 0.31, "xref": "x", "yref": "y", "font": {"size": font}}
        notes.append({"name": "stage", **header, "text": f"<b>{text}</b>", "showarrow": False})
    return shapes, notes


def _bands(G, pos, *, lang: str, left: float, right: float, low: float, high: float) -> tuple[list, list]:
    """The dashed line of visibility and the names of the front- and back-stage bands in the margin."""
    line = line_of_visibility(G, pos)
    side = {"x": 0, "xref": "paper", "xanchor": "right", "xshift": -6, "yref": "y", "textangle": -90}
    side["showarrow"] = False
    if line is None:
        return [], [{**side, "y": (low + high) / 2, "text": t("map.front_stage", lang)}]
    dashed = {"type": "line", "x0": left, "x1": right, "y0": line, "y1": line, "xref": "x", "yref": "y"}
    text = f"<i>{t('map.line_of_visibility', lang)}</i>"
    label = {"x": left + 0.08, "y": line, "xref": "x", "yref": "y", "xanchor": "left", "yanchor": "bottom"}
    return [{**dashed, "line": {"dash": "dash", "color": MUTED_COLOR}}], [
        {"name": "visibility", **label, "text": text, "showarrow": False, "font": {"size": 12, "color": MUTED_COLOR}},
        {**side, "y": (line + high) / 2, "text": t("map.front_stage", lang)},
        {**side, "y": (low + line) / 2, "text": t("map.back_stage", lang)},
    ]


def emotion_path(G: nx.DiGraph, pos: dict, persona: str) -> list:
    """The touchpoints where ``persona`` (an id) has an emotion, from left to right on the map: every one they
    pass, so that a branch's worst moment shows as well as the main path's."""
    passed = [n for n in touchpoints_in_order(G) if _score(G, n, persona) is not None]
    return sorted(passed, key=lambda n: pos[n][0])  # stable: touchpoints above each other keep journey order


def _emotion_curve(G, pos, persona: dict, lang: str) -> tuple[dict, dict, dict]:
    """The persona's emotion at every touchpoint they pass (those with an emotion of theirs), from left to right,
    in a band of its own: a branch's worst moment shows as well as the main path's.

    Returns the trace, its y axis and its title (an annotation), as dicts.
    """
    path = emotion_path(G, pos, persona["id"])
    values = [_score(G, n, persona["id"]) for n in path]
    trace = {
        "type": "scatter",
        "x": [pos[n][0] for n in path],
        "y": values,
        "customdata": path,
        "uid": "emotion-curve",
        "name": t("map.emotion_curve", lang, persona=escape(persona.get("name"))),
        "mode": "lines+markers+text",
        "connectgaps": True,
        "text": [signed(v, lang) if v is not None else "" for v in values],
        "textposition": "top center",
        "textfont": {"size": 13},
        "hovertext": [escape(G.nodes[n].get("name") or n) for n in path],
        "hovertemplate": "%{hovertext}: %{y:+g}<extra></extra>",
        "line": {"color": MAIN_COLOR, "width": 3},
        "marker": {
            "size": 14,
            "color": [_color(v, -2, 2) for v in values],
            "line": {"color": MAIN_COLOR, "width": 1.5},
        },
        "showlegend": False,
        **CURVE_AXES,
    }
    axis = {"range": [-2.6, 2.9], "tickvals": list(range(-2, 3)), "ticktext": [signed(v, lang) for v in range(-2, 3)]}
    axis.update(zeroline=True, zerolinecolor="#78909c", zerolinewidth=2)
    title = t("map.emotion_curve", lang, persona=escape(persona.get("name")))
    side = {"x": 0, "xref": "paper", "xanchor": "right", "xshift": -30, "y": 0, "yref": "y2", "textangle": -90}
    return trace, axis, {**side, "text": title, "showarrow": False}


def _legend(G, pos, lang: str) -> list[dict]:
    """Legend entries for the marker shapes and arrow kinds that occur in this journey (trace dicts)."""
    has = {key: any(d.get(key) is True for _, d in G.nodes(data=True)) for key in ("moment_of_truth", "exit")}
    gives_up = {n for n, d in G.nodes(data=True) if d.get("exit") is True and d.get("drop_out") is True}
    markers = [("map.touchpoint", "circle", True), ("map.moment_of_truth", "star", has["moment_of_truth"])]
    markers.append(
        ("map.exit", "square", any(d.get("exit") is True for n, d in G.nodes(data=True) if n not in gives_up))
    )
    markers.append(("map.drop_out", "square-x", bool(gives_up)))
    lines = [
        ("map.main_path", MAIN_COLOR, "solid", len(main_path(G)) > 1),
        ("map.transition", ARROW_COLOR, "solid", G.number_of_edges() > 0),
        ("map.loop", LOOP_COLOR, "dot", bool(loop_edges(G, pos))),
    ]
    traces = []
    for key, symbol, shown in markers:
        marker = {"symbol": symbol, "size": 15, "color": "#bdbdbd", "line": {"color": MAIN_COLOR, "width": 1.5}}
        if shown:
            traces.append({"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": t(key, lang),
                           "marker": marker})  # fmt: skip
    for key, color, dash, shown in lines:
        if shown:
            line = {"color": color, "width": 2.6, "dash": dash}
            traces.append({"type": "scatter", "x": [None], "y": [None], "mode": "lines", "name": t(key, lang),
                           "line": line})  # fmt: skip
    return traces


def journey_map(
    G: nx.DiGraph,
    *,
    persona: str | None = None,
    lang: str = "en",
    selected: str | None = None,
    template: str = "plotly_white",
) -> go.Figure:
    """Return the journey map of ``G`` as a figure.

    ``persona`` (an id or a name) colours the touchpoints by that persona's
    emotion and adds the emotion curve along the main path; otherwise the colour
    is the experience score. ``selected`` highlights one touchpoint. Each
    touchpoint marker (trace ``uid="touchpoints"``) carries its key in
    ``customdata``, so a click leads back to the touchpoint. ``template`` (a name)
    is set explicitly, so an exported image looks the same inside and outside
    Streamlit. The figure is built from plain dicts without plotly's property
    checks (:func:`journeys.charts.style.unchecked_figure`): time and work grow linearly
    with the journey, not with hundreds of checked annotations. The map is laid out for a
    slide; ``layout.meta["readable_width"]`` is the narrowest (pixels) it can be shown with
    its labels and stage names beside each other, not over each other.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> fig = journey_map(broadband_demo(), persona="petra", lang="de")
    >>> [trace.uid for trace in fig.data if trace.customdata is not None]
    ['touchpoints', 'emotion-curve']
    >>> 900 < fig.layout.meta["readable_width"] < 1140
    True
    """
    pos = map_layout(G)
    spans = stage_spans(G, pos) or {"": (-0.5, 0.5)}
    who = find_persona(G, persona)
    left, right = min(a for a, _ in spans.values()), max(b for _, b in spans.values())
    unit_px = SLIDE_PX / (right - left)
    size = 26 if unit_px >= 85 else 22 if unit_px >= 60 else 18
    arrows = transition_arrows(G, pos, lang=lang, radius={n: _radius(G, n, size) for n in G})
    ys = [y for _, y in pos.values()] or [0.0]
    low, high = min(ys) - 0.85, max(arrows.top + 0.25, max(ys) + 0.6) + 0.7
    stages = stage_names(G, lang)
    data = _touchpoints(G, pos, persona=who and who["id"], stages=stages, lang=lang, selected=selected, size=size)
    data.append(_colorbar(G, who and who["id"], lang))
    width = int(min(max(unit_px / 7.5, 9), 18))  # characters per label line
    bounds = (left, right, low, high - 0.65)
    labels = _labels(G, pos, arrows.segments, width=width, size=size, unit=(unit_px, LANE_PX), bounds=bounds)
    stage_shapes, headers = _stages(spans, stages, top=high, unit_px=unit_px)
    band_shapes, band_notes = _bands(G, pos, lang=lang, left=left, right=right, low=low, high=high - 0.62)
    notes = [*arrows.annotations, *labels, *headers, *band_notes]
    map_px, curve_px = LANE_PX * (high - low), CURVE_PX if who else 0
    xrange = {"range": [left - 0.05, right + 0.05], "visible": False}
    axes = {
        "xaxis": {"anchor": "y", "domain": [0.0, 1.0], **xrange},
        "yaxis": {"anchor": "x", "domain": [0.0, 1.0], "range": [low, high], "visible": False},
    }
    if who:
        trace, curve_axis, title = _emotion_curve(G, pos, who, lang)
        data.append(trace)
        notes.append(title)
        split = curve_px / (map_px + curve_px)
        axes["xaxis"].update(matches="x2", showticklabels=False)
        axes["yaxis"]["domain"] = [split + 0.02, 1]
        axes["xaxis2"] = {"anchor": "y2", "domain": [0.0, 1.0], **xrange}
        axes["yaxis2"] = {"anchor": "x2", "domain": [0, split - 0.01], **curve_axis}
    if not G:
        empty = {"x": (left + right) / 2, "y": 0, "xref": "x", "yref": "y", "showarrow": False}
        notes.append({**empty, "text": t("map.empty", lang)})
    data += _legend(G, pos, lang)
    state = t(f"state.{G.graph.get('state')}", lang)
    layout = {
        **axes,
        "shapes": [*stage_shapes, *arrows.shapes, *band_shapes],
        "annotations": notes,
        "height": int(map_px + curve_px + 150),
        "margin": {"l": 70 if who else 40, "r": 40, "t": 60, "b": 50},
        "title": {"text": f"<b>{escape(G.graph.get('name'))}</b>  ·  {escape(state)}", "x": 0.01, "font": {"size": 20}},
        "legend": {"orientation": "h", "y": 0, "yanchor": "top", "x": 0.5, "xanchor": "center", "font": {"size": 13}},
        "hoverlabel": {"align": "left"},
        "font": {"color": TEXT_COLOR},
        "separators": plotly_separators(lang),
        "meta": {"readable_width": int((right - left) * width * CHAR_PX + FRAME_PX)},
    }
    return unchecked_figure(data, layout, template=template)
