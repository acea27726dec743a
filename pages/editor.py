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
from ui.editor.save import bring_in_latest, conflict_panel, problems, save_when_asked, show_problems, status
from ui.editor.tables import persona_names, personas, stages, touchpoints, transitions
from ui.journey import forget, stamped_journey
from ui.live import live
from ui.text import md
from ui.widgets import flash, show_flash

DRAWN = "editor.drawn"  # the draft as the page was last drawn with it (its text)

SECTIONS = {
    "touchpoints": touchpoints,
    "transitions": transitions,
    "stages": stages,
    "personas": personas,
    "history": history,
}


def map_header(jid: str, G: nx.DiGraph) -> None:
    """Above the map: the persona whose emotions colour it, and Undo and Redo."""
    personas = persona_names(G)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.segmented_control(
            t("editor.color_by"), options=list(personas), format_func=lambda p: md(personas[p]),
            key=persona_key(jid), help=t("editor.help.color_by"),
        )  # fmt: skip
        st.space("stretch")
        canvas.undo_buttons(jid, G)


def persona_key(jid: str) -> str:
    return f"editor.persona.{jid}"


@st.fragment
def touchpoint_view(jid: str) -> None:
    """The map of the draft and the detail panel of the touchpoint chosen: choosing another one (on the map, in the
    panel) reruns only this part. A change of the draft made here reruns the whole page, for all it shows of the
    draft (title, status, tables)."""
    canvas.take_edits(jid)
    if state.draft_text(jid) != st.session_state.get(DRAWN):  # changed since the page was drawn
        st.rerun(scope="app")
    G = state.draft(jid)
    persona = st.session_state.get(persona_key(jid))
    persona = persona if persona in persona_names(G) else None
    selected = canvas.map_editor(jid, G, state.selected(jid, G), persona)
    if selected is not None:
        with st.container(border=True):
            panel(jid, G, selected)


def others_saved(jid: str):
    """What the Editor does when others saved a newer version: say who saved what, and offer to bring it into the
    draft, the draft's own changes kept (never on its own: someone may be typing into a table)."""

    def told(lines: list[str]) -> None:
        if state.conflict(jid):  # the conflict panel says it already
            return
        dirty = state.dirty(jid, state.draft(jid))
        with st.container(horizontal=True, vertical_alignment="center"):
            st.info("  \n".join([*lines, *([t("live.yours_kept")] if dirty else [])]), icon=":material/sync:",
                    width="stretch")  # fmt: skip
            if st.button(t("live.bring_in") if dirty else t("live.take"), icon=":material/merge:", key="live.bring_in"):
                if bring_in_latest(jid):
                    flash(t("editor.brought_in") if dirty else t("editor.reloaded"))
                st.rerun(scope="app")

    return told


def edit(jid: str) -> None:
    """The page for one journey: title and status, problems, map, details, and the chosen section."""
    canvas.take_edits(jid)
    G = state.draft(jid)
    kept.keep(jid, G)
    with st.container():  # what comes and goes above the map, in one place: the map stays where it is on the page
        show_flash()
        st.title(md(G.graph["name"]) or t("editor.title"), anchor=False)
        live(jid, "edit", (state.base_version(jid), 0), on_new=others_saved(jid))
        kept.offer(jid)
        found = problems(jid, G)
        notes = status(jid, G, found)
        conflict_panel(jid, G)
        show_problems(G, found)
        if not G:  # a blank journey: say how to begin
            st.info(t("editor.start_here"), icon=":material/add_circle:")
    map_header(jid, G)
    st.session_state[DRAWN] = state.draft_text(jid)
    touchpoint_view(jid)
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
    picked = stamped_journey("editor.title")
    if not picked:
        return
    jid, stamp = picked
    try:
        state.start(jid, lifetime=stamp.lifetime)
        edit(jid)
    except store.JourneyNotFound:  # moved to the trash meanwhile
        forget()
        st.rerun()


main()
