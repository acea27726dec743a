"""Measured customer experience next to the team's own view: the trend of each touchpoint's
survey results, and the importance–performance matrix where assumptions meet evidence.

Both read the measurements as :func:`store.surveys.list_measurements` returns them (one row
per survey × touchpoint). Plotly only, with an explicit template; user text is escaped.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from journeys.analysis.survey import OVERALL, rescaled
from journeys.charts.captions import escape, wrap
from journeys.charts.review import importance_performance_frame
from journeys.charts.style import GOOD_BAD_SCALE, TEMPLATE
from journeys.i18n import date, percent, plotly_separators, t
from journeys.model.graph import touchpoints_in_order

__all__ = ["TREND_VALUES", "evidence_frame", "trend_frame", "trend", "assumptions_vs_evidence"]

TREND_VALUES = ("measured", "top2")  # the mean on 1–5, or the share of the two best answers
COLORS = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173",
]  # fmt: skip


def _measured(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [rescaled(m, s) for m, s in zip(frame["mean"], frame["scale"], strict=True)], index=frame.index, dtype=float
    )


def evidence_frame(G: nx.DiGraph, table: pd.DataFrame, measurements: pd.DataFrame) -> pd.DataFrame:
    """One row per measured touchpoint (journey order): the team's view next to the latest measurement.

    ``team_importance`` is flow × (1 + moment of truth) divided by the journey's largest
    (0..1), ``team_performance`` the experience, else the DVF consensus (1–5), as on the
    Review page. ``measured`` is the latest survey's mean moved onto 1–5, ``importance`` its
    driver strength, ``change`` the step in ``measured`` from the survey before.

    Examples
    --------
    >>> from journeys.analysis.scoring import weakness_table
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> rows = [("Spring", "2025-03-01", 2.0, None), ("Autumn", "2025-10-01", 4.0, 0.7)]
    >>> m = pd.DataFrame([{"survey_id": i, "survey": s, "surveyed_on": pd.Timestamp(d).date(), "touchpoint": "hotline",
    ...     "scale": "csat", "mean": x, "top2": 0.5, "n": 300, "nps": None, "importance": r, "importance_n": 300}
    ...     for i, (s, d, x, r) in enumerate(rows)])
    >>> e = evidence_frame(G, weakness_table(G), m)
    >>> [float(e.loc["hotline", c]) for c in ("team_performance", "measured", "change", "importance")]
    [1.0, 4.0, 2.0, 0.7]
    >>> e.loc["hotline", "survey"]
    'Autumn'
    """
    columns = ["name", "expectation", "experience", "team_importance", "team_performance", "survey", "surveyed_on",
               "scale", "mean", "measured", "change", "top2", "nps", "n", "importance", "importance_n"]  # fmt: skip
    if measurements.empty or table.empty:
        return pd.DataFrame(columns=columns)
    ordered = measurements.sort_values(["surveyed_on", "survey_id"]).assign(measured=_measured)
    ordered = ordered.assign(change=ordered.groupby("touchpoint")["measured"].diff())
    latest = ordered.drop_duplicates("touchpoint", keep="last").set_index("touchpoint")
    team = importance_performance_frame(table)
    top = float(team["importance"].max()) if not team.empty else 0.0
    keys = [k for k in touchpoints_in_order(G) if k in latest.index]
    frame = latest.loc[keys].assign(
        name=[G.nodes[k].get("name", k) for k in keys],
        expectation=[G.nodes[k].get("expectation") for k in keys],
        experience=[G.nodes[k].get("experience") for k in keys],
        team_importance=team["importance"].reindex(keys) / top if top > 0 else None,
        team_performance=team["performance"].reindex(keys),
    )
    return frame[columns]


def trend_frame(measurements: pd.DataFrame, surveys: list[dict] = ()) -> pd.DataFrame:
    """The measurements with ``measured`` (mean on 1–5), plus the overall rating of each survey
    as touchpoint :data:`~journeys.analysis.survey.OVERALL`."""
    overall = [
        {
            "survey_id": s["id"],
            "survey": s["name"],
            "surveyed_on": s["surveyed_on"],
            "touchpoint": OVERALL,
            **s["overall"],
        }
        for s in surveys
        if s.get("overall")
    ]
    frame = pd.concat([measurements, pd.DataFrame(overall)], ignore_index=True) if overall else measurements
    if frame.empty:
        return frame.assign(measured=pd.Series(dtype=float))
    return frame.assign(measured=_measured).sort_values(["surveyed_on", "survey_id"])


def trend(
    G: nx.DiGraph,
    measurements: pd.DataFrame,
    surveys: list[dict] = (),
    *,
    touchpoints: list[str] | None = None,
    value: str = "measured",
    lang: str = "en",
) -> go.Figure:
    """A line per touchpoint (all, or ``touchpoints``) through its survey results over time:
    the mean moved onto 1–5 (``value="measured"``) or the top-2-box share (``"top2"``).
    The overall rating of each survey, where there is one, is the dashed black line."""
    frame = trend_frame(measurements, surveys)
    measured = [k for k in touchpoints_in_order(G) if not frame.empty and k in set(frame["touchpoint"])]
    chosen = [k for k in measured if touchpoints is None or k in touchpoints]
    fig = go.Figure()
    for key in [*chosen, OVERALL]:
        rows = frame[frame["touchpoint"] == key] if not frame.empty else frame
        if rows.empty:
            continue
        i = measured.index(key) if key in measured else 0  # a touchpoint keeps its colour when others are left out
        name = t("survey.overall", lang) if key == OVERALL else G.nodes[key].get("name", key)
        scale = [t(f"survey.scale.{s}", lang) for s in rows["scale"]]
        fig.add_trace(
            go.Scatter(
                x=rows["surveyed_on"],
                y=rows[value],
                name=escape(name),
                mode="lines+markers",
                line={
                    "width": 4 if key == OVERALL else 2.5,
                    "dash": "dash" if key == OVERALL else "solid",
                    "color": "#212121" if key == OVERALL else COLORS[i % len(COLORS)],
                },
                marker={"size": 9},
                customdata=list(
                    zip(
                        [escape(s) for s in rows["survey"]],
                        rows["mean"],
                        scale,
                        rows["n"],
                        [date(d, lang) for d in rows["surveyed_on"]],
                        [percent(v, lang) if pd.notna(v) else "–" for v in rows["top2"]],
                        strict=True,
                    )
                ),
                hovertemplate=f"<b>{escape(name)}</b><br>%{{customdata[0]}} · %{{customdata[4]}}<br>"
                + t("survey.mean", lang)
                + ": %{customdata[1]:.2f} (%{customdata[2]}) · n = %{customdata[3]}<br>"
                + (
                    t("survey.top2", lang) + ": %{customdata[5]}"
                    if value == "top2"
                    else t("survey.measured", lang) + ": %{y:.2f}"
                )
                + "<extra></extra>",
            )
        )
    top2 = value == "top2"
    shares = [i / 5 for i in range(6)]
    days = sorted(set(frame["surveyed_on"])) if not frame.empty else []  # one tick a survey, as the language writes it
    fig.update_layout(
        template=TEMPLATE,
        title=t(f"survey.trend_title.{value}", lang, journey=escape(G.graph.get("name", ""))),
        yaxis={"title": t(f"survey.trend_axis.{value}", lang), "range": [0, 1.05] if top2 else [0.8, 5.2],
               **({"tickvals": shares, "ticktext": [percent(v, lang) for v in shares]} if top2 else {})},
        xaxis={"title": t("survey.surveyed_on", lang), "type": "date", "tickvals": days,
               "ticktext": [date(d, lang) for d in days]},
        legend={"title": {"text": t("survey.touchpoint", lang)}},
        height=480,
        separators=plotly_separators(lang),
    )  # fmt: skip
    if not fig.data:
        fig.add_annotation(text=t("survey.no_data", lang), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def assumptions_vs_evidence(G: nx.DiGraph, evidence: pd.DataFrame, *, lang: str = "en") -> go.Figure:
    """The importance–performance matrix twice per touchpoint: the team's estimate (hollow)
    and the latest survey (filled), joined by an arrow from the one to the other, so that
    assumptions meet evidence.

    ``evidence`` is :func:`evidence_frame`. A touchpoint without a driver importance (too few
    responses with an overall rating) shows its team estimate only.
    """
    both = evidence.dropna(subset=["team_importance", "team_performance", "importance"])
    team = evidence.dropna(subset=["team_importance", "team_performance"])
    measured = evidence.dropna(subset=["importance"])
    fig = go.Figure()
    fig.add_hrect(y0=0.8, y1=3, fillcolor="#ffebee", line_width=0, layer="below")
    for _, row in both.iterrows():  # an arrow from what the team assumed to what the customers said
        fig.add_annotation(
            x=row["importance"], y=row["measured"], ax=row["team_importance"], ay=row["team_performance"],
            xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True, arrowhead=2, arrowsize=1.2,
            arrowwidth=1.5, arrowcolor="#78909c", standoff=9, startstandoff=7,
        )  # fmt: skip
    hover = (
        "<b>%{customdata}</b><br>"
        + t("chart.importance", lang)
        + ": %{x:.2f}<br>"
        + t("chart.performance", lang)
        + ": %{y:.1f}<extra>%{fullData.name}</extra>"
    )
    fig.add_trace(
        go.Scatter(
            x=team["team_importance"], y=team["team_performance"], mode="markers", name=t("survey.legend_team", lang),
            customdata=[escape(n) for n in team["name"]], hovertemplate=hover,
            marker={"size": 13, "symbol": "circle-open", "color": "#455a64", "line": {"width": 2}},
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=measured["importance"], y=measured["measured"], mode="markers+text", name=t("survey.legend_measured", lang),
            text=[wrap(n, 18, 2) for n in measured["name"]], textposition="top center",
            customdata=[escape(n) for n in measured["name"]], hovertemplate=hover,
            marker={"size": 15, "color": measured["measured"], "colorscale": GOOD_BAD_SCALE, "cmin": 1, "cmax": 5,
                    "line": {"width": 1, "color": "#37474f"}},
        )
    )  # fmt: skip
    fig.add_hline(y=3, line_dash="dot", line_color="#90a4ae")
    fig.add_annotation(
        x=1.02, y=1.0, text=f"<b>{t('chart.act_here', lang)}</b>", showarrow=False,
        font={"color": "#b71c1c", "size": 14}, xanchor="right", yanchor="bottom",
    )  # fmt: skip
    low = min([0.0, *measured["importance"].tolist()]) - 0.05
    fig.update_layout(
        template=TEMPLATE,
        title=t("survey.matrix_title", lang, journey=escape(G.graph.get("name", ""))),
        xaxis={"title": t("survey.matrix_x", lang), "range": [low, 1.05], "zeroline": True},
        yaxis={"title": t("survey.matrix_y", lang), "range": [0.8, 5.4]},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        height=600,
        separators=plotly_separators(lang),
    )
    if both.empty and measured.empty:
        fig.add_annotation(text=t("survey.no_drivers", lang), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig
