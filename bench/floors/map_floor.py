"""Floor of a map edit in the browser: the same map editor component showing the same journey, each edit applied
to a graph in session state and the map drawn anew from it, and nothing else on the page."""

import os

import streamlit as st
from sqlmodel import Session

import store
from journeys.charts.canvas import map_model
from journeys.model import operations
from ui.editor.canvas import COMPONENT


@st.cache_resource
def stored(url: str, jid: str):
    engine = store.make_engine(url)
    with Session(engine) as session:
        return store.load_journey(session=session, journey_id=jid)[0]


if "graph" not in st.session_state:
    st.session_state.graph = stored(os.environ["JOURNEYS_DB_URL"], os.environ["BENCH_JOURNEY"])
    st.session_state.applied = {}
applied = st.session_state.applied
sent = st.session_state.get("map")  # the map's edits, applied before it is drawn: one run per edit
for entry in (sent.get("queue") if hasattr(sent, "get") else None) or []:
    if entry["seq"] > applied.get(entry["client"], 0):
        applied[entry["client"]] = entry["seq"]
        st.session_state.graph = operations.apply(st.session_state.graph, entry["ops"])
COMPONENT(
    key="map", data={"model": map_model(st.session_state.graph), "selected": None, "acked": applied},
    default={"queue": [], "selection": None}, on_queue_change=lambda: None, on_selection_change=lambda: None,
)  # fmt: skip
