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
from ui import frame
from ui.deps import labels, t
from ui.editor import canvas, kept, state
from ui.editor.detail import panel
from ui.editor.history import history
from ui.editor.save import conflict_panel, problems, save_when_asked, show_problems, status
from ui.editor.tables import persona_names, personas, stages, touchpoints, transitions
from ui.journey import forget, journey_picker
from ui.text import md
from ui.widgets import show_flash

SECTIONS = {
    "touchpoints": touchpoints,
    "transitions": transitions,
    "stages": stages,
    "personas": personas,
    "history": history,
}


def journey_map_panel(jid: str, G: nx.DiGraph, selected: str | None) -> str | None:
    """The map of the draft, to build the journey on; returns the touchpoint the detail panel shows."""
    personas = persona_names(G)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        persona = st.segmented_control(
            t("editor.color_by"), options=list(personas), format_func=lambda p: md(personas[p]),
            key=f"editor.persona.{jid}", help=t("editor.help.color_by"),
        )  # fmt: skip
        st.space("stretch")
        canvas.undo_buttons(jid, G)
    return canvas.map_editor(jid, G, selected, persona if persona in personas else None)


def edit(jid: str) -> None:
    """The page for one journey: title and status, problems, map, details, and the chosen section."""
    canvas.take_edits(jid)
    show_flash()
    G = state.draft(jid)
    kept.keep(jid, G)
    st.title(md(G.graph["name"]) or t("editor.title"), anchor=False)
    kept.offer(jid)
    found = problems(jid, G)
    notes = status(jid, G, found)
    conflict_panel(jid, G)
    show_problems(G, found)
    selected = state.selected(jid, G)
    if not G:  # a blank journey: say how to begin
        st.info(t("editor.start_here"), icon=":material/add_circle:")
    selected = journey_map_panel(jid, G, selected)
    if selected is not None:
        with st.container(border=True):
            panel(jid, G, selected)
    section = st.segmented_control(
        t("editor.section"), options=list(SECTIONS), format_func=labels("editor.section", SECTIONS).get,
        default="touchpoints", required=True, key="editor.section", label_visibility="collapsed",
        persist_state="session",
    )  # fmt: skip
    section = section or "touchpoints"
    left = st.session_state.get(f"editor.section.shown.{jid}")
    if left != section and state.holds_untaken(jid, left):  # typed into and left at once: its last edit
        with state.out_of_sight():
            SECTIONS[left](jid, G)
    st.session_state[f"editor.section.shown.{jid}"] = section
    SECTIONS[section](jid, G)
    save_when_asked(jid, notes)


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
