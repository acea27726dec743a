"""What the Review and Portfolio pages compute, cached across reruns and sessions.

Defined here rather than in the page scripts: a page script runs again on every
rerun, and with it every ``@st.cache_data`` decorator in it (Streamlit then reads
the function's source again to name its cache). Results are keyed by what they
depend on: the journey's id and version plus the ratings and weights (Review), the
portfolio's stamp (:func:`pages._deps.portfolio_stamp`) plus grouping, weights and
filters (Portfolio). ``st.cache_data`` hands out a copy on every call.
"""

from __future__ import annotations

from dataclasses import astuple

import pandas as pd
import streamlit as st

from journeys.flow import FlowError, flow
from journeys.scoring import Weights, consensus, weakness_table
from pages._deps import cached_graph, session
from store import analysis

__all__ = ["analysed", "default_weakness", "summary", "filter_choices", "cells", "weakest"]


@st.cache_data(max_entries=32, show_spinner=False)
def analysed(jid: str, version: int, ratings: list[dict], weights: tuple, weighted: bool) -> tuple[dict, pd.DataFrame]:
    """The customer flow and the weakness table of the journey at ``version``, cached per ratings and weights.

    The flow is summed up in plain values: trapped touchpoints (names) when customers can
    never leave a loop, else the transitions whose share was assumed (name pairs).
    """
    G = cached_graph(jid, version)
    name = lambda n: G.nodes[n]["name"]  # noqa: E731
    try:
        result = flow(G)
        visits, found = result.visits, {"assumed": [(name(u), name(v)) for u, v in result.assumed]}
    except FlowError as exc:
        visits, found = dict.fromkeys(G, 1.0), {"trapped": [name(n) for n in exc.trapped]}
    scores = consensus(ratings, weighted=weighted)
    return found, weakness_table(G, scores, weights=Weights(*weights), visits=visits)


def default_weakness(jid: str, version: int, ratings: list[dict]) -> pd.DataFrame:
    """The weakness table with the default weights, as the Review page first shows it (cached)."""
    return analysed(jid, version, ratings, astuple(Weights()), False)[1]


@st.cache_data(max_entries=32, show_spinner=False)
def summary(jid: str, version: int, ratings: list[dict], weights: tuple, weighted: bool) -> dict:
    """What the page shows above the views, as plain values: a rerun needs neither the graph nor the table."""
    found, table = analysed(jid, version, ratings, weights, weighted)
    found["journey"] = cached_graph(jid, version).graph["name"]
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
def filter_choices(stamp: tuple) -> dict[str, list[str]]:
    """The filters' choices while the portfolio is as ``stamp`` says."""
    with session() as s:
        return analysis.filter_options(session=s)


@st.cache_data(max_entries=32, show_spinner=False)
def cells(stamp: tuple, rows: str, columns: str, weights: tuple, chosen: tuple) -> pd.DataFrame:
    """The heatmap's cells (weakness per group) while the portfolio is as ``stamp`` says."""
    with session() as s:
        return analysis.portfolio(session=s, rows=rows, columns=columns, weights=Weights(*weights), **dict(chosen))


@st.cache_data(max_entries=32, show_spinner=False)
def weakest(stamp: tuple, weights: tuple, chosen: tuple) -> pd.DataFrame:
    """The ten weakest touchpoints across journeys while the portfolio is as ``stamp`` says."""
    with session() as s:
        return analysis.weakest_across(session=s, top=10, weights=Weights(*weights), **dict(chosen))
