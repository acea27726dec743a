"""Floor of the app-start row: a bare Streamlit app showing what the app's first page shows, with the same widgets
and the same data: the menu of nine pages, the language switch and the name field in the sidebar, the page's
title, caption and views, the search and the state filter, and the journeys of the database in
``JOURNEYS_DB_URL`` (read through ``sqlite3``: names, personas, state, stages, touchpoints, last change) in
``st.dataframe`` with a row to select, as the app's library shows them.

Only Streamlit, pandas and ``sqlite3``: nothing of the app is imported, so its start costs what the libraries cost.
"""

import os
import sqlite3

import pandas as pd
import streamlit as st

PAGES = {
    "Workshop": ["Journeys", "Editor", "Scoring", "Ideas", "Surveys"],
    "Managers": ["Review", "Compare", "Portfolio"],
    "Presenters": ["Export"],
}
QUERY = """
SELECT j.name,
       (SELECT group_concat(p.name, '|') FROM persona p WHERE p.journey_id = j.id ORDER BY p.position),
       j.state,
       (SELECT count(*) FROM stage s WHERE s.journey_id = j.id),
       (SELECT count(*) FROM touchpoint t WHERE t.journey_id = j.id),
       j.updated_at, j.updated_by
FROM journey j WHERE j.deleted_at IS NULL ORDER BY j.updated_at DESC
"""
COLUMNS = ["name", "personas", "state", "stages", "touchpoints", "updated", "updated_by"]


def library() -> None:
    st.title("Customer journeys")
    st.caption("Every journey of the team: open one to work on it, or start a new one.")
    with sqlite3.connect(os.environ["JOURNEYS_DB_URL"].removeprefix("sqlite:///")) as db:
        rows = db.execute(QUERY).fetchall()
    views = ["Journeys", "New journey", "Import", "Trash", "Mentions of me"]
    st.segmented_control("View", views, default=views[0], required=True, label_visibility="collapsed")
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("Search", type="search", width=420)
        st.segmented_control("State", ["all", "as-is", "to-be"], default="all", required=True)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["personas"] = frame["personas"].str.split("|")
    frame["updated"] = pd.to_datetime(frame["updated"])
    event = st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row")
    if not event.selection.rows:
        st.caption("Select a journey to open, copy, rename or delete it.")


def other() -> None:
    st.write("A page")


st.set_page_config(page_title="Journey Workbench", layout="wide")
page = st.navigation(
    {
        section: [st.Page(library if title == "Journeys" else other, title=title, url_path=title.lower(),
                          default=title == "Journeys") for title in titles]
        for section, titles in PAGES.items()
    }
)  # fmt: skip
with st.sidebar:
    st.segmented_control("Language", ["English", "Deutsch"], default="English", required=True)
    st.text_input("Your name")
page.run()
