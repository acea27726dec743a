"""Editor: the working copy of one journey, its map, its tables and its history.

Every widget edits the draft in session state; the map and everything else show
the draft. Nothing is saved until Save; until then the draft is kept for its
person, to be offered again after a reload (ui/editor/kept.py).
"""

from __future__ import annotations

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

import networkx as nx
import streamlit as st

import store
from journeys.charts.journey_map import journey_map
from ui import frame
from ui.deps import labels, lang, t
from ui.editor import kept, state
from ui.editor.detail import panel
from ui.editor.history import history
from ui.editor.save import conflict_panel, problems, show_problems, status
from ui.editor.tables import persona_names, personas, stages, touchpoints, transitions
from ui.journey import forget, journey_picker
from ui.text import md
from ui.widgets import chart, show_flash

SECTIONS = {
    "touchpoints": touchpoints,
    "transitions": transitions,
    "stages": stages,
    "personas": personas,
    "history": history,
}


def journey_map_panel(jid: str, G: nx.DiGraph, selected: str | None) -> None:
    """The map of the draft; a click on a touchpoint opens it in the detail panel."""
    personas = persona_names(G)
    persona = st.segmented_control(
        t("editor.color_by"), options=list(personas), format_func=lambda p: md(personas[p]), key=f"editor.persona.{jid}",
        help=t("editor.help.color_by"),
    )  # fmt: skip
    if persona not in personas:
        persona = None
    language = lang()

    def draw():
        figure = journey_map(G, persona=persona, lang=language, selected=selected)
        return figure.update_layout(title_text="", margin_t=10)  # the page title already names the journey

    event = chart(
        "editor.map", (state.draft_text(jid), persona, selected, language), draw, on_select="rerun",
        selection_mode="points", key=f"editor.map.{jid}.{selected}", config={"displaylogo": False},
    )  # fmt: skip
    clicked = [p.get("customdata") for p in event["selection"]["points"] if p.get("customdata") in G]
    if clicked and clicked[0] != selected:
        state.select(jid, clicked[0])
        st.rerun()


def edit(jid: str) -> None:
    """The page for one journey: title and status, problems, map, details, and the chosen section."""
    show_flash()
    G = state.draft(jid)
    kept.keep(jid, G)
    st.title(md(G.graph["name"]) or t("editor.title"), anchor=False)
    kept.offer(jid)
    found = problems(jid, G)
    status(jid, G, found)
    conflict_panel(jid, G)
    show_problems(G, found)
    selected = state.selected(jid, G)
    if G:
        journey_map_panel(jid, G, selected)
    else:  # a blank journey: say how to begin instead of drawing an empty map
        st.info(t("editor.start_here"), icon=":material/add_circle:")
    if selected is not None:
        with st.container(border=True):
            panel(jid, G, selected)
    section = st.segmented_control(
        t("editor.section"), options=list(SECTIONS), format_func=labels("editor.section", SECTIONS).get,
        default="touchpoints", required=True, key="editor.section", label_visibility="collapsed",
        persist_state="session",
    )  # fmt: skip
    SECTIONS[section or "touchpoints"](jid, G)


def main() -> None:
    frame.page("edit")
    jid = journey_picker("editor.title")
    if not jid:
        return
    try:
        state.start(jid)
        edit(jid)
    except store.JourneyNotFound:  # moved to the trash meanwhile
        forget()
        st.rerun()


main()
