"""What the Review and Portfolio pages compute, cached across reruns and sessions.

Defined here rather than in the page scripts: a page script runs again on every
rerun, and with it every ``@st.cache_data`` decorator in it (Streamlit then reads
the function's source again to name its cache). Results are keyed by what they
depend on: the journey's id and stamp (:class:`store.JourneyStamp`: its version, lifetime
and change count, which every write of the journey or its ratings moves on), weights and
weighting (Review), the portfolio's stamp (:func:`ui.journey.portfolio_stamp`) plus
grouping, weights and filters (Portfolio). The ratings themselves are read only when the
stamp is new. Everything is kept with ``st.cache_data``, which hands out a copy on every call.
"""

from __future__ import annotations

from dataclasses import astuple

import pandas as pd
import streamlit as st

import store
from journeys import i18n
from journeys.analysis.diagnostics import Diagnostics, diagnose
from journeys.analysis.flow import FlowError, flow
from journeys.analysis.scoring import Weights, consensus, persona_rollup, persona_view, weakness_table
from journeys.charts.captions import group_label
from store import analysis
from ui.deps import session
from ui.journey import stamped_graph

__all__ = [
    "analysed",
    "by_persona",
    "default_weakness",
    "summary",
    "filter_choices",
    "cells",
    "weakest",
    "weakest_shown",
]


@st.cache_data(max_entries=32, show_spinner=False)
def analysed(
    jid: str, stamp: store.JourneyStamp, weights: tuple, weighted: bool, persona: str | None = None
) -> tuple[dict, pd.DataFrame, Diagnostics]:
    """The customer flow, weakness table and diagnostics of the journey as ``stamp`` says it is, cached per stamp
    and weights (the three read the journey once: the flow hands its numbering on).

    The flow is summed up in plain values: trapped touchpoints (names) when customers can
    never leave a loop, else the transitions whose share was assumed (name pairs). With a
    ``persona``, the table is the journey as they live it (:func:`persona_view`: the
    touchpoints they pass, their emotions, the whole journey's flow); the diagnostics stay
    the whole journey's.
    """
    if persona is not None:
        found, table, diagnostics = analysed(jid, stamp, weights, weighted)
        with session() as s:
            ratings = analysis.list_ratings(session=s, journey_id=jid)
        view = persona_view(stamped_graph(jid, stamp), persona)
        visits = table["flow"].to_dict() if "flow" in table else {}
        shown = weakness_table(view, consensus(ratings, weighted=weighted), weights=Weights(*weights),
                               visits={n: visits.get(n, 0.0) for n in view})  # fmt: skip
        return found, shown, diagnostics
    G = stamped_graph(jid, stamp)
    name = lambda n: G.nodes[n]["name"]  # noqa: E731
    try:
        result = flow(G)
        visits, found = result.visits, {"assumed": [(name(u), name(v)) for u, v in result.assumed]}
    except FlowError as exc:
        result = None
        visits, found = dict.fromkeys(G, 1.0), {"trapped": [name(n) for n in exc.trapped]}
    with session() as s:  # the ratings are read only when the stamp is new
        ratings = analysis.list_ratings(session=s, journey_id=jid)
    scores = consensus(ratings, weighted=weighted)
    table = weakness_table(G, scores, weights=Weights(*weights), visits=visits, flow=result)
    return found, table, diagnose(G, table.get("weakness"), flow=result)


@st.cache_data(max_entries=16, show_spinner=False)
def by_persona(jid: str, stamp: store.JourneyStamp, weights: tuple, weighted: bool, _persona=None) -> pd.DataFrame:
    """The roll-up by persona (:func:`journeys.analysis.scoring.persona_rollup`): each persona with their own
    emotions, the same ratings, weights and customer flow as :func:`analysed`."""
    G = stamped_graph(jid, stamp)
    with session() as s:
        ratings = analysis.list_ratings(session=s, journey_id=jid)
    visits = analysed(jid, stamp, weights, weighted)[1]["flow"].to_dict()
    return persona_rollup(G, consensus(ratings, weighted=weighted), weights=Weights(*weights), visits=visits)


def default_weakness(jid: str, stamp: store.JourneyStamp) -> pd.DataFrame:
    """The weakness table with the default weights and the journey's ratings, as Review first shows it."""
    return analysed(jid, stamp, astuple(Weights()), False)[1]


@st.cache_data(max_entries=32, show_spinner=False)
def summary(jid: str, stamp: store.JourneyStamp, weights: tuple, weighted: bool, persona: str | None = None) -> dict:
    """What the page shows above the views, as plain values: a rerun needs neither the graph nor the table."""
    found, table, _ = analysed(jid, stamp, weights, weighted, persona)
    G = stamped_graph(jid, stamp)
    found = {**found, "journey": G.graph["name"], "personas": {p["id"]: p["name"] for p in G.graph["personas"]}}
    if table.empty:
        return {**found, "empty": True}
    worst = table["weakness"].idxmax()
    return {
        **found,
        "empty": False,
        "total": float(table["weakness"].sum()),
        "worst": table.loc[worst, "name"],
        "why": table.loc[worst, "why"],
        "unscored": int(table[["desirable", "viable", "feasible"]].isna().all(axis=1).sum()),
    }


@st.cache_data(max_entries=8, show_spinner=False)
def filter_choices(stamp: str) -> dict[str, list[str]]:
    """The filters' choices while the portfolio is as ``stamp`` says."""
    with session() as s:
        return analysis.filter_options(session=s)


@st.cache_data(max_entries=32, show_spinner=False)
def cells(stamp: str, rows: str, columns: str, weights: tuple, chosen: tuple) -> pd.DataFrame:
    """The heatmap's cells (weakness per group) while the portfolio is as ``stamp`` says."""
    with session() as s:
        return analysis.portfolio(session=s, rows=rows, columns=columns, weights=Weights(*weights), **dict(chosen))


@st.cache_data(max_entries=32, show_spinner=False)
def weakest(stamp: str, weights: tuple, chosen: tuple) -> pd.DataFrame:
    """The ten weakest touchpoints across journeys while the portfolio is as ``stamp`` says."""
    with session() as s:
        return analysis.weakest_across(session=s, top=10, weights=Weights(*weights), **dict(chosen))


@st.cache_data(max_entries=32, show_spinner=False)
def weakest_shown(stamp: str, weights: tuple, chosen: tuple, language: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The weakest touchpoints as the Portfolio shows them (``why`` in ``language``), and their journeys' ids."""
    worst = weakest(stamp, weights, chosen)
    if worst.empty:
        return pd.DataFrame(), ()
    why = [i18n.t(f"lens.{w}", language) if w else "" for w in worst["why"]]
    shown = worst.assign(
        why=why,
        stage=[group_label("stage", s, language) for s in worst["stage"]],
        channel=[group_label("channel", c, language) for c in worst["channel"]],
    )[["journey", "name", "stage", "channel", "owner", "flow", "weakness", "why"]]
    return shown.round(3), tuple(worst["journey_id"])
