"""Charts for managers: the weakness heatmap, the importance–performance matrix, the
emotion curve and the portfolio heatmap. Plotly only; every figure sets its template
explicitly so that an image exported from inside the app is not dark.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from journeys.charts.captions import escape, group_label, stage_names, wrap
from journeys.charts.style import GOOD_BAD_SCALE, WEAK_SCALE, unchecked_figure
from journeys.i18n import number, plotly_separators, t
from journeys.model.graph import touchpoints_in_order

__all__ = [
    "HEATMAP_LENSES",
    "heatmap_values",
    "weakness_heatmap",
    "importance_performance",
    "importance_performance_frame",
    "emotion_curve",
    "portfolio_heatmap",
]

HEATMAP_LENSES = ("desirable", "viable", "feasible", "emotion", "gap", "pain", "weakness")


def _goodness(lens: str, value, worst_weakness: float) -> float | None:
    """Map a lens value to −1 (weak) … +1 (strong) so that one colour scale fits every column."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if lens in ("desirable", "viable", "feasible"):
        return (value - 3) / 2
    if lens == "emotion":
        return value / 2
    if lens == "gap":
        return max(-1.0, min(1.0, value / 4))
    if lens == "pain":
        return -value / 5
    return -value / worst_weakness if worst_weakness > 0 else 0.0  # weakness: the worst is −1


def heatmap_values(table: pd.DataFrame, G: nx.DiGraph) -> pd.DataFrame:
    """Return the heatmap's raw values: touchpoints in journey order × :data:`HEATMAP_LENSES`."""
    order = [k for k in touchpoints_in_order(G) if k in table.index]
    return table.loc[order, list(HEATMAP_LENSES)].astype(float)


def _fmt(lens: str, value: float, lang: str = "en") -> str:
    """A heatmap cell: weakness with two decimals, gap and emotion signed, scores without a needless ",0".

    Examples
    --------
    >>> _fmt("weakness", 1.234, "de"), _fmt("gap", -1.0, "de"), _fmt("gap", 0.0, "de"), _fmt("desirable", 3.5, "de")
    ('1,23', '-1,0', '0', '3,5')
    """
    if math.isnan(value):
        return ""
    if lens == "weakness":
        return number(value, lang, 2)
    rounded = round(value, 1)
    if lens in ("gap", "emotion"):
        return "0" if rounded == 0 else number(value, lang, 1, sign=True)
    return number(rounded, lang)


def weakness_heatmap(G: nx.DiGraph, table: pd.DataFrame, *, lang: str = "en", title: str | None = None) -> go.Figure:
    """Touchpoints (rows, grouped by stage in journey order) × lenses, red where weak.

    Each cell shows the raw value (scores 1–5, emotion −2..+2, gap, worst pain severity,
    weakness); its colour is that value on one diverging scale from weak to strong.
    """
    values = heatmap_values(table, G)
    worst = float(values["weakness"].max()) if not values.empty else 0.0
    stages = stage_names(G, lang)
    rows = [f"{escape(stages.get(G.nodes[k]['stage'], ''))} · {escape(G.nodes[k]['name'])}" for k in values.index]
    cells = values.to_numpy().tolist()
    z = [[_goodness(lens, v, worst) for lens, v in zip(HEATMAP_LENSES, row, strict=True)] for row in cells]
    text = [[_fmt(lens, v, lang) for lens, v in zip(HEATMAP_LENSES, row, strict=True)] for row in cells]
    columns = [t(f"lens.{lens}", lang) for lens in HEATMAP_LENSES]
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": columns,
        "y": rows,
        "text": text,
        "texttemplate": "%{text}",
        "colorscale": GOOD_BAD_SCALE,
        "zmin": -1,
        "zmax": 1,
        "xgap": 2,
        "ygap": 2,
        "customdata": [[k] * len(columns) for k in values.index],
        "hovertemplate": "%{y}<br>%{x}: %{text}<extra></extra>",
        "colorbar": {
            "title": {"text": t("chart.strength", lang), "side": "right"},
            "tickvals": [-1, 0, 1],
            "ticktext": [t("chart.weak", lang), t("chart.neutral", lang), t("chart.strong", lang)],
        },
    }
    layout = {
        "title": {"text": title or t("chart.heatmap_title", lang, journey=escape(G.graph.get("name", "")))},
        "height": max(360, 140 + 28 * len(rows)),
        "yaxis": {"autorange": "reversed", "automargin": True},
        "xaxis": {"side": "top"},
        "margin": {"l": 20, "r": 20, "t": 110, "b": 20},
        "separators": plotly_separators(lang),
    }
    return unchecked_figure([heatmap], layout)


def importance_performance_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Return importance (flow × (1 + moment of truth)) and performance per touchpoint.

    Performance is the experience (1–5); where it is missing, the mean DVF consensus.
    """
    dvf = table[["desirable", "viable", "feasible"]].astype(float).mean(axis=1, skipna=True)
    experience = table["experience"]
    frame = pd.DataFrame(
        {
            "name": table["name"],
            "importance": table["flow"] * (1 + table["moment_of_truth"].astype(float)),
            "performance": experience.astype(float).fillna(dvf),
            "flow": table["flow"],
            "moment_of_truth": table["moment_of_truth"],
        }
    )
    return frame.dropna(subset=["performance"])


SIDES = ("top center", "bottom center", "middle right", "middle left")


def _label_sides(x, y, near: float = 0.09) -> list[str]:
    """A side for each point's label (x and y as shares of the axes): the first side that no point within
    ``near`` has taken, so that neighbours' labels go different ways.

    Examples
    --------
    >>> _label_sides([0.5, 0.52, 0.9], [0.5, 0.51, 0.5])
    ['top center', 'bottom center', 'top center']
    """
    taken: list[tuple[float, float, str]] = []
    for px, py in zip(x, y, strict=True):
        used = {side for qx, qy, side in taken if abs(px - qx) < near and abs(py - qy) < near}
        side = next((s for s in SIDES if s not in used), SIDES[0])
        taken.append((px, py, side))
    return [side for _, _, side in taken]


def importance_performance(G: nx.DiGraph, table: pd.DataFrame, *, lang: str = "en") -> go.Figure:
    """Importance–performance matrix (Martilla & James) with the "act here" quadrant labelled."""
    frame = importance_performance_frame(table)
    split_x = float(frame["importance"].median()) if not frame.empty else 0.5
    top = max(1.0, float(frame["importance"].max()) * 1.1) if not frame.empty else 1.0
    names = [wrap(escape(n), 18, 2) for n in frame["name"]]  # every point named, each label where it fits
    points = {
        "type": "scatter",
        "x": frame["importance"].to_numpy(),
        "y": frame["performance"].to_numpy(),
        "mode": "markers+text",
        "text": names,
        "hovertext": [escape(n) for n in frame["name"]],
        "textposition": _label_sides(frame["importance"].to_numpy() / top, frame["performance"].to_numpy() / 4.6),
        "customdata": list(frame.index),
        "marker": {
            "size": [14 + 10 * m for m in frame["moment_of_truth"]],
            "symbol": ["star" if m else "circle" for m in frame["moment_of_truth"]],
            "color": frame["performance"].to_numpy(),
            "colorscale": GOOD_BAD_SCALE,
            "cmin": 1,
            "cmax": 5,
            "line": {"width": 1, "color": "#37474f"},
        },
        "hovertemplate": "%{hovertext}<br>"
        + t("chart.importance", lang)
        + ": %{x:.2f}<br>"
        + t("chart.performance", lang)
        + ": %{y:.1f}<extra></extra>",
    }
    dotted = {"type": "line", "line": {"color": "#90a4ae", "dash": "dot"}}
    shapes = [
        {"type": "rect", "x0": split_x, "x1": top, "y0": 0.8, "y1": 3, "fillcolor": "#ffebee", "line": {"width": 0},
         "layer": "below"},
        {**dotted, "x0": split_x, "x1": split_x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"},
        {**dotted, "x0": 0, "x1": 1, "xref": "x domain", "y0": 3, "y1": 3, "yref": "y"},
    ]  # fmt: skip
    notes = [
        {"x": x, "y": y, "text": f"<b>{t(key, lang)}</b>", "showarrow": False, "font": {"color": color, "size": 14},
         "xanchor": "right" if x else "left", "yanchor": "bottom" if y < 3 else "top"}
        for x, y, key, color in (
            (top, 1.0, "chart.act_here", "#b71c1c"),
            (top, 5.0, "chart.keep_up", "#2e7d32"),
            (0, 1.0, "chart.low_priority", "#546e7a"),
            (0, 5.0, "chart.overkill", "#546e7a"),
        )
    ]  # fmt: skip
    layout = {
        "shapes": shapes,
        "annotations": notes,
        "title": {"text": t("chart.ipa_title", lang, journey=escape(G.graph.get("name", "")))},
        "xaxis": {"title": {"text": t("chart.importance_axis", lang)}, "range": [0, top], "zeroline": False},
        "yaxis": {"title": {"text": t("chart.performance_axis", lang)}, "range": [0.8, 5.4]},
        "height": 560,
        "showlegend": False,
        "separators": plotly_separators(lang),
    }
    return unchecked_figure([points], layout)


def emotion_curve(G: nx.DiGraph, *, lang: str = "en", persona: str | None = None) -> go.Figure:
    """The emotion of every persona (or of ``persona`` alone) along the journey's front-stage touchpoints."""
    order = [k for k in touchpoints_in_order(G) if not G.nodes[k].get("backstage")]
    labels = [wrap(escape(G.nodes[k]["name"]), 16, 2) for k in order]
    lines = []
    for persona in [p for p in G.graph.get("personas", []) if persona is None or p["id"] == persona]:
        ys = [G.nodes[k].get("emotions", {}).get(persona["id"]) for k in order]
        lines.append(
            {"type": "scatter", "x": labels, "y": ys, "name": escape(persona["name"]), "mode": "lines+markers",
             "connectgaps": True, "line": {"width": 3}, "marker": {"size": 9}}
        )  # fmt: skip
    shapes = [
        {"type": "rect", "x0": 0, "x1": 1, "xref": "x domain", "y0": -2.3, "y1": 0, "yref": "y",
         "fillcolor": "#ffebee", "line": {"width": 0}, "layer": "below"},
        {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": 0, "y1": 0, "yref": "y",
         "line": {"color": "#90a4ae"}},
    ]  # fmt: skip
    layout = {
        "shapes": shapes,
        "title": {"text": t("chart.emotion_title", lang, journey=escape(G.graph.get("name", "")))},
        "yaxis": {
            "range": [-2.3, 2.3],
            "tickvals": [-2, -1, 0, 1, 2],
            "ticktext": [t(f"emotion.{v}", lang) for v in (-2, -1, 0, 1, 2)],
        },
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
        "height": 460,
        "separators": plotly_separators(lang),
    }
    return unchecked_figure(lines, layout)


def portfolio_heatmap(cells: pd.DataFrame, *, rows: str, columns: str, lang: str = "en") -> go.Figure:
    """Weakness summed per (rows × columns) across journeys; darker red hurts more customers more.

    By journey, the rows are the journeys themselves (their ids): two journeys of the same
    name stay apart, told apart by the start of their ids, and a click on a cell reports the
    journey's id (``customdata`` of the markers laid over the cells, since plotly reports
    no clicks on a heatmap).
    """
    by_id = rows == "journey" and "journey_id" in cells
    index = "journey_id" if by_id else rows
    names = {}
    if by_id and not cells.empty:
        first = cells.drop_duplicates("journey_id").set_index("journey_id")["journey"]
        twice = set(first[first.duplicated(keep=False)])
        names = {jid: f"{name} ({jid[:6]})" if name in twice else name for jid, name in first.items()}
    if cells.empty:
        grid = pd.DataFrame()
    else:
        grid = cells.pivot_table(index=index, columns=columns, values="weakness", aggfunc="sum")
        grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False).index]
        if columns == "stage":
            # stages in journey order, grouped by the first (weakest) row that has them, so that
            # journeys with different stage sets do not interleave their columns
            first_row = {row: i for i, row in enumerate(grid.index)}
            rank = (
                cells.assign(row=cells[index].map(first_row))
                .groupby(columns)
                .agg(row=("row", "min"), order=("stage_order", "min"))
            )
            grid = grid[list(rank.sort_values(["row", "order"]).index)]
    x = [escape(group_label(columns, c, lang)) for c in grid.columns]
    y = [escape(names[r] if by_id else group_label(rows, r, lang)) for r in grid.index]
    text = [[number(v, lang, 2) if v == v else "" for v in row] for row in grid.to_numpy().tolist()]
    hover = "%{y} · %{x}<br>" + t("lens.weakness", lang) + ": %{text}<extra></extra>"
    heatmap = {
        "type": "heatmap",
        "z": grid.to_numpy(),
        "x": x,
        "y": y,
        "text": text,
        "texttemplate": "%{text}",
        "colorscale": WEAK_SCALE,
        "zmin": 0,
        "xgap": 2,
        "ygap": 2,
        "hovertemplate": hover,
        "colorbar": {"title": {"text": t("lens.weakness", lang)}},
    }
    traces = [heatmap]
    if by_id:
        heatmap["hoverinfo"] = "skip"  # the markers below answer hover and click
        filled = [(i, j) for i in range(len(y)) for j in range(len(x)) if text[i][j]]
        traces.append(
            {"type": "scatter", "mode": "markers", "uid": "cells", "showlegend": False,
             "x": [x[j] for _, j in filled], "y": [y[i] for i, _ in filled],
             "text": [text[i][j] for i, j in filled], "customdata": [grid.index[i] for i, _ in filled],
             "marker": {"size": 36, "symbol": "square", "opacity": 0}, "hovertemplate": hover,
             "selected": {"marker": {"opacity": 0}}, "unselected": {"marker": {"opacity": 0}}}
        )  # fmt: skip
    title = t("chart.portfolio_title", lang, rows=t(f"group.{rows}", lang), columns=t(f"group.{columns}", lang))
    layout = {
        "title": {"text": title},
        "height": max(360, 160 + 40 * len(grid.index)),
        "yaxis": {"autorange": "reversed", "automargin": True},
        "xaxis": {"side": "bottom", "automargin": True, "tickangle": -25},
        "margin": {"l": 20, "r": 20, "t": 80, "b": 20},
        "separators": plotly_separators(lang),
    }
    return unchecked_figure(traces, layout)


def rollup_bars(frame: pd.DataFrame, *, by: str, lang: str = "en") -> go.Figure:
    """The weakness of each group of a roll-up (:func:`journeys.analysis.scoring.rollup`) as horizontal bars, in
    the frame's order from the top, its index the groups' names as shown; one bar's height per group."""
    names = [escape(str(name)) for name in frame.index]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": frame["weakness"].tolist(),
        "y": names,
        "text": [number(v, lang, 2) for v in frame["weakness"]],
        "textposition": "auto",
        "marker": {"color": "#c62828"},
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    layout = {
        "height": 120 + 34 * max(len(names), 2),
        "xaxis": {"title": {"text": t("review.rollup_axis", lang)}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": t(f"group.{by}", lang)}, "autorange": "reversed", "automargin": True,
                  "categoryorder": "array", "categoryarray": names},
        "margin": {"l": 20, "r": 20, "t": 20, "b": 50},
        "bargap": 0.35,
        "separators": plotly_separators(lang),
    }  # fmt: skip
    return unchecked_figure([bars], layout)
