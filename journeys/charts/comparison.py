"""Figures and tables of an as-is → to-be comparison (:func:`journeys.analysis.comparison.compare`).

Plotly only, with the template of :mod:`journeys.charts.review` set explicitly; every text a
user typed is escaped, every label goes through :func:`journeys.i18n.t`.
"""

from __future__ import annotations

import math
import textwrap
from numbers import Real

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from journeys.analysis.comparison import Comparison
from journeys.charts.captions import escape, persona_name, signed, stage_names, wrap
from journeys.charts.style import TEMPLATE
from journeys.i18n import label, number, percent, plotly_separators, t

__all__ = [
    "BETTER",
    "WORSE",
    "describe",
    "weakness_change",
    "stage_weakness",
    "emotion_curves",
    "touchpoint_table",
    "touchpoint_list",
    "stage_table",
    "change_table",
    "transition_table",
]

BETTER, WORSE, SAME = "#2e7d32", "#c62828", "#90a4ae"
BEFORE_COLOR, AFTER_COLOR = "#b0bec5", "#1565c0"
PATTERNS = {"added": "/", "removed": "x"}
EPSILON = 1e-9  # below this a change in weakness is rounding, not a change
COLUMNS = {  # a table's column → the key of its heading
    "touchpoint": "compare.col.touchpoint",
    "stage": "compare.col.stage",
    "status": "compare.col.status",
    "channel": "compare.col.channel",
    "owner": "compare.col.owner",
    "weakness_before": "compare.col.weakness_before",
    "weakness_after": "compare.col.weakness_after",
    "delta": "compare.col.delta",
    "severity_before": "compare.col.severity_before",
    "severity_after": "compare.col.severity_after",
    "flow_before": "compare.col.flow_before",
    "flow_after": "compare.col.flow_after",
    "field": "compare.col.field",
    "before": "compare.col.before",
    "after": "compare.col.after",
    "transition": "compare.col.transition",
}


def _side_names(cmp: Comparison, lang: str) -> tuple[str, str]:
    """Legend names: "As-is: <journey>" and "To-be: <journey>", shortened, escaped."""
    return tuple(
        f"{t(f'compare.{side}', lang)}: {escape(textwrap.shorten(G.graph.get('name', ''), 40, placeholder='…'))}"
        for side, G in (("before", cmp.before), ("after", cmp.after))
    )


def _stages(cmp: Comparison, lang: str) -> dict[str, str]:
    return stage_names(cmp.before, lang) | stage_names(cmp.after, lang)


def _number(value, lang: str) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else number(value, lang, 2)


def describe(field: str, value, G: nx.DiGraph, lang: str = "en") -> str:
    """Return a field's value as a reader sees it, with names for ids, in ``lang`` (plain text).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> describe("stage", "onboarding", G, "de"), describe("moment_of_truth", True, G, "de")
    ('Einrichtung', 'ja')
    >>> describe("emotions", {"petra": -2, "jonas": 1}, G)
    'Petra, busy parent −2; Jonas, home-office worker +1'
    >>> describe("pains", [{"text": "25 minutes in the queue", "severity": 4}], G)
    '25 minutes in the queue (4/5)'
    >>> describe("share", 0.25, G, "de"), describe("channel", "phone", G, "de"), describe("emotions", {"petra": -1.5}, G, "de")
    ('25\xa0%', 'Telefon', 'Petra, busy parent −1,5')
    """
    if value is None or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return t("compare.yes" if value else "compare.no", lang)
    if field == "stage":
        return stage_names(G, lang).get(value, str(value))
    if field == "channel":
        return label("channel", value, lang)
    if field == "share" and isinstance(value, Real):
        return percent(value, lang)
    if field == "personas":
        return ", ".join(persona_name(G, p) or str(p) for p in value)
    if field == "emotions":
        return "; ".join(f"{persona_name(G, p) or p} {signed(v, lang)}" for p, v in value.items())
    if field == "needs":
        return "; ".join(
            f"{n.get('text', '')} ({n['motivation']})" if n.get("motivation") else n.get("text", "") for n in value
        )
    if field == "pains":
        return "; ".join(f"{p.get('text', '')} ({p.get('severity')}/5)" for p in value)
    if isinstance(value, Real):
        return number(value, lang)
    return str(value)


def _difference(before, after):
    """Of two lists (or dicts), the items only on each side; all of them where only the order differs."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        return {k: before[k] for k in keys if k in before}, {k: after[k] for k in keys if k in after}
    if isinstance(before, list) and isinstance(after, list):
        only_before, only_after = [x for x in before if x not in after], [x for x in after if x not in before]
        return (only_before, only_after) if only_before or only_after else (before, after)
    return before, after


def weakness_change(cmp: Comparison, *, lang: str = "en") -> go.Figure:
    """Diverging bars: how much weaker (red) or stronger (green) each touchpoint gets; new ones hatched,
    removed ones crossed. Touchpoints that did not change at all are left out."""
    frame = cmp.touchpoints
    frame = frame[(frame["status"] != "unchanged") | (frame["delta"].abs() > EPSILON)]
    stages = _stages(cmp, lang)
    labels = [
        f"{stages.get(row.stage, row.stage)} · {row.name}"
        + (f" ({t(f'compare.status.{row.status}', lang)})" if row.status in PATTERNS else "")
        for row in frame.itertuples()
    ]
    colors = [BETTER if d < -EPSILON else WORSE if d > EPSILON else SAME for d in frame["delta"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=frame["delta"],
            y=list(range(len(frame))),
            orientation="h",
            marker={
                "color": colors,
                "pattern": {"shape": [PATTERNS.get(s, "") for s in frame["status"]], "fillmode": "overlay"},
            },
            text=[
                f"{_number(b, lang)} → {_number(a, lang)}"
                for b, a in zip(frame["weakness_before"], frame["weakness_after"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=list(frame.index),
            hovertext=[escape(label) for label in labels],
            hovertemplate="%{hovertext}<br>" + t("lens.weakness", lang) + ": %{text} (%{x:+.2f})<extra></extra>",
            showlegend=False,
        )
    )
    for name, color, shape in (
        (t("compare.chart.better", lang), BETTER, ""),
        (t("compare.chart.worse", lang), WORSE, ""),
        (t("compare.status.added", lang), SAME, "/"),
        (t("compare.status.removed", lang), SAME, "x"),
    ):  # legend entries only
        fig.add_trace(go.Bar(x=[None], y=[None], name=name, marker={"color": color, "pattern": {"shape": shape}}))
    low, high = min([*frame["delta"], 0.0]), max([*frame["delta"], 0.0])
    room = 0.4 * max(high - low, 0.05)  # for the "before → after" text beside the bars
    fig.add_vline(x=0, line_color="#37474f", line_width=1)
    if frame.empty:
        fig.add_annotation(text=t("compare.chart.no_change", lang), showarrow=False, x=0, y=0, font={"size": 16})
    fig.update_layout(
        template=TEMPLATE,
        title=t("compare.chart.change_title", lang, journey=escape(cmp.after.graph.get("name", ""))),
        xaxis={"title": t("compare.chart.change_axis", lang), "range": [low - room, high + room], "zeroline": False},
        yaxis={
            "tickvals": list(range(len(frame))),
            "ticktext": [wrap(label, 60, 1) for label in labels],
            "autorange": "reversed",
            "automargin": True,
        },
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        barmode="overlay",
        height=max(320, 170 + 30 * len(frame)),
        margin={"l": 20, "r": 30, "t": 100, "b": 60},
        separators=plotly_separators(lang),
    )
    return fig


def stage_weakness(cmp: Comparison, *, lang: str = "en") -> go.Figure:
    """Grouped bars: the weakness of every stage in the as-is and in the to-be, in the to-be's stage order."""
    frame = cmp.stages
    stages = _stages(cmp, lang)
    ticks = [wrap(stages.get(s, frame.at[s, "name"]), 16, 2) for s in frame.index]
    fig = go.Figure()
    for (column, color), name in zip(
        (("weakness_before", BEFORE_COLOR), ("weakness_after", AFTER_COLOR)), _side_names(cmp, lang), strict=True
    ):
        fig.add_trace(
            go.Bar(
                x=list(range(len(frame))),
                y=frame[column],
                name=name,
                marker_color=color,
                text=[number(v, lang, 2) for v in frame[column]],
                textposition="outside",
                cliponaxis=False,
                hovertext=ticks,
                hovertemplate="%{hovertext}: %{y:.2f}<extra>" + name + "</extra>",
            )
        )
    top = max([*frame["weakness_before"], *frame["weakness_after"], 0.05]) * 1.2
    fig.update_layout(
        template=TEMPLATE,
        title=t("compare.chart.stage_title", lang),
        barmode="group",
        xaxis={"tickvals": list(range(len(frame))), "ticktext": ticks},
        yaxis={"title": t("lens.weakness", lang), "range": [0, top]},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        height=480,
        margin={"t": 110},
        separators=plotly_separators(lang),
    )
    return fig


def emotion_curves(cmp: Comparison, *, lang: str = "en") -> go.Figure:
    """The emotion curves of both journeys side by side, on the same scale, a persona in the same colour."""
    emotions = cmp.emotions
    personas = list(dict.fromkeys(emotions["persona"]))  # the as-is's order first, as on the Review page
    colors = {p: qualitative.Plotly[i % len(qualitative.Plotly)] for i, p in enumerate(personas)}
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04, subplot_titles=_side_names(cmp, lang)
    )
    shown = set()
    for col, side in enumerate(("before", "after"), start=1):
        rows = emotions[emotions["side"] == side]
        for persona, points in rows.dropna(subset=["emotion"]).groupby("persona", sort=False):
            fig.add_trace(
                go.Scatter(
                    x=points["position"],
                    y=points["emotion"],
                    name=escape(points["persona_name"].iloc[0]),
                    legendgroup=str(persona),
                    showlegend=persona not in shown,
                    mode="lines+markers",
                    line={"width": 3, "color": colors[persona]},
                    marker={"size": 9},
                    hovertext=[escape(n) for n in points["name"]],
                    hovertemplate="%{hovertext}: %{y:+d}<extra>%{fullData.name}</extra>",
                ),
                row=1,
                col=col,
            )
            shown.add(persona)
        ticks = rows.drop_duplicates("position")
        fig.update_xaxes(
            tickvals=list(ticks["position"]),
            ticktext=[escape(textwrap.shorten(n, 26, placeholder="…")) for n in ticks["name"]],
            tickangle=-40,
            automargin=True,
            range=[-0.5, max(len(ticks), 1) - 0.5],
            row=1,
            col=col,
        )
    fig.add_hrect(y0=-2.3, y1=0, fillcolor="#ffebee", line_width=0, layer="below", row="all", col="all")
    fig.add_hline(y=0, line_color="#90a4ae", row="all", col="all")
    fig.update_yaxes(
        range=[-2.3, 2.3], tickvals=[-2, -1, 0, 1, 2], ticktext=[t(f"emotion.{v}", lang) for v in (-2, -1, 0, 1, 2)]
    )
    fig.update_layout(
        template=TEMPLATE,
        title=t("compare.chart.emotion_title", lang),
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.08, "yanchor": "bottom"},
        height=520,
        margin={"t": 130, "b": 40},
        separators=plotly_separators(lang),
    )
    return fig


def touchpoint_table(cmp: Comparison, *, lang: str = "en") -> pd.DataFrame:
    """Every touchpoint with its status and weakness, severity and flow before and after, labelled in ``lang``."""
    frame = cmp.touchpoints
    stages = _stages(cmp, lang)
    c = lambda key: t(COLUMNS[key], lang)  # noqa: E731
    return pd.DataFrame(
        {
            c("touchpoint"): frame["name"],
            c("stage"): [stages.get(s, s) for s in frame["stage"]],
            c("status"): [t(f"compare.status.{s}", lang) for s in frame["status"]],
            c("weakness_before"): frame["weakness_before"].round(3),
            c("weakness_after"): frame["weakness_after"].round(3),
            c("delta"): frame["delta"].round(3),
            c("severity_before"): frame["severity_before"].round(2),
            c("severity_after"): frame["severity_after"].round(2),
            c("flow_before"): frame["flow_before"].round(2),
            c("flow_after"): frame["flow_after"].round(2),
        }
    ).reset_index(drop=True)


def stage_table(cmp: Comparison, *, lang: str = "en") -> pd.DataFrame:
    """Weakness per stage before and after, labelled in ``lang``."""
    frame = cmp.stages
    stages = _stages(cmp, lang)
    c = lambda key: t(COLUMNS[key], lang)  # noqa: E731
    return pd.DataFrame(
        {
            c("stage"): [stages.get(s, frame.at[s, "name"]) for s in frame.index],
            c("weakness_before"): frame["weakness_before"].round(3),
            c("weakness_after"): frame["weakness_after"].round(3),
            c("delta"): frame["delta"].round(3),
        }
    ).reset_index(drop=True)


def touchpoint_list(cmp: Comparison, keys, *, side: str, lang: str = "en") -> pd.DataFrame:
    """The touchpoints ``keys`` of one side (``"before"`` or ``"after"``): name, stage, channel, owner, weakness."""
    G = cmp.before if side == "before" else cmp.after
    stages = stage_names(G, lang)
    c = lambda key: t(COLUMNS[key], lang)  # noqa: E731
    rows = [
        [
            G.nodes[k].get("name") or k,
            stages.get(G.nodes[k].get("stage"), G.nodes[k].get("stage")),
            describe("channel", G.nodes[k].get("channel") or None, G, lang),
            G.nodes[k].get("owner") or "–",
            round(float(cmp.touchpoints.at[k, f"weakness_{side}"]), 3),
        ]
        for k in keys
    ]
    return pd.DataFrame(rows, columns=[c("touchpoint"), c("stage"), c("channel"), c("owner"), c(f"weakness_{side}")])


def change_table(cmp: Comparison, *, lang: str = "en") -> pd.DataFrame:
    """One row per changed field of a touchpoint: touchpoint, what, before and after, as plain text.

    Of a list (needs, pain points, personas) only the items that differ are shown; of the
    emotions only the personas whose emotion changed.
    """
    rows = []
    for key, changes in cmp.changed.items():
        for change in changes:
            before, after = _difference(change.before, change.after)
            rows.append(
                [
                    cmp.after.nodes[key].get("name") or key,
                    t(f"compare.field.{change.field}", lang),
                    describe(change.field, before, cmp.before, lang),
                    describe(change.field, after, cmp.after, lang),
                ]
            )
    columns = [t(COLUMNS[c], lang) for c in ("touchpoint", "field", "before", "after")]
    return pd.DataFrame(rows, columns=columns)


def transition_table(cmp: Comparison, *, lang: str = "en") -> pd.DataFrame:
    """Added, removed and changed transitions (from → to, what, before, after) as plain text."""

    def name(u):
        return (cmp.after.nodes[u] if u in cmp.after else cmp.before.nodes[u]).get("name") or u

    def shown(G, u, v):
        share, label = G.edges[u, v].get("share"), G.edges[u, v].get("label")
        return (
            " · ".join(x for x in (describe("share", share, G, lang) if share is not None else "", label) if x) or "–"
        )

    added, removed = t("compare.status.added", lang), t("compare.status.removed", lang)
    rows = [[f"{name(u)} → {name(v)}", added, "–", shown(cmp.after, u, v)] for u, v in cmp.transitions_added]
    rows += [[f"{name(u)} → {name(v)}", removed, shown(cmp.before, u, v), "–"] for u, v in cmp.transitions_removed]
    rows += [
        [
            f"{name(u)} → {name(v)}",
            t(f"compare.field.{c.field}", lang),
            describe(c.field, c.before, cmp.before, lang),
            describe(c.field, c.after, cmp.after, lang),
        ]
        for (u, v), changes in cmp.transitions_changed.items()
        for c in changes
    ]
    columns = [t(COLUMNS[c], lang) for c in ("transition", "field", "before", "after")]
    return pd.DataFrame(rows, columns=columns)
