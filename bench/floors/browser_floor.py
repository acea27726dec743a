"""Floor of the browser rows: a bare Streamlit app showing what the app shows, with the same widgets: the app's
menu of pages, of which two show something (the others a word).

Editor: the same map editor component drawing the same journey, the detail panel's widgets (the choice of
touchpoint, two scores, three tables) and the same touchpoint table in ``st.data_editor``. A map edit is
applied to a graph in session state, the map and the table drawn anew from it; a map selection shows that
touchpoint in the panel; Save writes one row through ``sqlite3``. Review: the widgets above the view, and the
same two figures (built once, cached) behind the same kind of switch. The journey comes as ``?journey=``
from the database in ``JOURNEYS_DB_URL``.
"""

import os
import sqlite3
from pathlib import Path

import streamlit as st
from sqlmodel import Session

import store
from journeys.analysis.flow import flow
from journeys.analysis.scoring import Weights, consensus, weakness_table
from journeys.charts.canvas import map_model
from journeys.charts.review import importance_performance, weakness_heatmap
from journeys.i18n import t
from journeys.model import operations, tables
from ui.editor.canvas import COMPONENT
from ui.frame import PAGES

URL = os.environ["JOURNEYS_DB_URL"]
st.set_page_config(layout="wide")  # as the app's pages


@st.cache_resource
def stored(jid: str):
    engine = store.make_engine(URL)
    with Session(engine) as session:
        return store.load_journey(session=session, journey_id=jid)[0]


@st.cache_resource
def figures(jid: str) -> dict:
    G = stored(jid)
    table = weakness_table(G, consensus([]), weights=Weights(), visits=flow(G).visits)
    return {"heatmap": weakness_heatmap(G, table, lang="en"), "matrix": importance_performance(G, table, lang="en")}


def editor() -> None:
    jid = st.query_params.get("journey") or st.session_state.journey  # the sidebar's link carries no query
    if st.session_state.get("journey") != jid:
        st.session_state.update(journey=jid, graph=stored(jid), applied={}, version=0, saves=0)
    applied = st.session_state.applied
    sent = st.session_state.get("map")
    for entry in (sent.get("queue") if hasattr(sent, "get") else None) or []:
        if entry["seq"] > applied.get(entry["client"], 0):
            applied[entry["client"]] = entry["seq"]
            st.session_state.graph = operations.apply(st.session_state.graph, entry["ops"])
            st.session_state.version += 1
    G = st.session_state.graph
    st.title(G.graph["name"])
    result = COMPONENT(
        key="map", data={"model": map_model(G), "selected": None, "acked": applied, "journey": "floor"},
        default={"queue": [], "selection": None}, on_queue_change=lambda: None, on_selection_change=lambda: None,
    )  # fmt: skip
    picked = [k for k in (result.get("selection") or {}).get("keys") or [] if k in G]
    key = picked[-1] if picked else next(iter(G))
    names = {k: G.nodes[k]["name"] for k in G}  # the detail panel: the same widgets with the same data
    st.selectbox("Touchpoint", list(names), index=list(names).index(key), format_func=names.get, key=f"pick.{key}")
    expectation, experience = st.columns(2)
    expectation.number_input("Expectation", 1, 5, G.nodes[key].get("expectation"), step=1, key=f"expectation.{key}")
    experience.number_input("Experience", 1, 5, G.nodes[key].get("experience"), step=1, key=f"experience.{key}")
    for kind in ("emotions", "needs", "pains"):
        st.data_editor(getattr(tables, f"{kind}_frame")(G, key), num_rows="dynamic", key=f"{kind}.{key}")
    st.data_editor(tables.touchpoints_frame(G), num_rows="dynamic", key=f"touchpoints.{st.session_state.version}")
    if st.button("Save"):
        with sqlite3.connect(URL.removeprefix("sqlite:///")) as db:
            db.execute("UPDATE touchpoint SET owner = owner WHERE journey_id = ? AND key = ?", (jid, next(iter(G))))
        st.session_state.saves += 1
        st.success(f"Saved · version {st.session_state.saves + 1}")


def review() -> None:
    jid = st.query_params.get("journey") or st.session_state.journey  # the sidebar's link carries no query
    G = stored(jid)
    st.title("Review")  # the widgets the Review page shows above its view
    st.caption(G.graph["name"])
    st.expander("Weights", icon=":material/tune:", key="weights", on_change="rerun")
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    left.toggle("Weighted", key="weighted")
    people = {p["id"]: p["name"] for p in G.graph["personas"]}
    right.selectbox("Persona", list(people), index=None, format_func=people.get, key="persona")
    shown = (("Total", "1.00"), ("Worst", "—"), ("Unscored", len(G)))
    for column, (name, value) in zip(st.columns(3), shown, strict=True):
        column.metric(name, value)
    view = st.segmented_control("View", ["heatmap", "matrix"], default="heatmap", key="view") or "heatmap"
    st.plotly_chart(figures(jid)[view], key=view)


def home() -> None:  # every other page of the app's menu; the rows open the Editor and Review by their paths
    st.write("Floor")


# the app's menu: its sections, pages and icons (what the browser gets on every page switch), two of them real
SHOWN = {"pages/editor.py": editor, "pages/review.py": review}
st.navigation(
    {
        t(section, "en"): [
            st.Page(SHOWN.get(e.script, home), title=t(e.title, "en"), icon=e.icon, url_path=Path(e.script).stem,
                    default=e.script == "pages/library.py")
            for e in entries
        ]
        for section, entries in PAGES.items()
    }
).run()  # fmt: skip
