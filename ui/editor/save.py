"""Saving the draft: its status, its problems, Save and Discard, and what to do after a conflict."""

from __future__ import annotations

from datetime import datetime

import networkx as nx
import streamlit as st

import store
from journeys.io import interchange
from journeys.model import tables
from journeys.model.graph import slugify
from journeys.model.validation import Problem
from store.rows import describe_diff
from store.summaries import render
from ui.access import allowed, can
from ui.deps import author, guarded, lang, require_author, session, t, valid_author, when
from ui.editor import state
from ui.text import md
from ui.widgets import ask, confirm, conflict_screen, flash

SAVING = "editor.saving"  # the journey whose Save was clicked, saved at the end of the page's run


def problems(jid: str, G: nx.DiGraph) -> list[Problem]:
    """Everything that blocks saving: the draft's problems and transition rows not complete yet."""
    return state.draft_problems(jid, G) + tables.incomplete_problems(G, state.pending(jid))


def status(jid: str, G: nx.DiGraph, found: list[Problem]):
    """One line under the title: the journey's state, saved or unsaved (and what changed), Save and Discard.

    Returns the place under it for what Save has to say (:func:`save_when_asked`).
    """
    dirty = state.dirty(jid, G)
    changes = md(render(describe_diff(state.base(jid), G), lang())) if dirty else ""
    blocked = t("editor.save_blocked", count=len(found)) if found else t("app.author_needed") if not author() else None
    with st.container(horizontal=True, vertical_alignment="center"):
        st.badge(t(f"state.{G.graph['state']}"), color="blue" if G.graph["state"] == "as-is" else "violet")
        if dirty:
            st.badge(t("editor.unsaved"), icon=":material/edit:", color="orange")
            st.caption(changes, width="stretch")
        else:
            st.badge(t("editor.saved_version", version=state.base_version(jid)), icon=":material/check:", color="green")
            st.space("stretch")
        label = t("editor.save_as", name=md(author())) if author() else t("editor.save")
        st.button(
            label, type="primary", icon=":material/save:", disabled=not dirty or bool(blocked),
            key="editor.save", help=blocked if dirty else None, shortcut="Ctrl+S", on_click=save_now, args=(jid,),
        )  # fmt: skip
        discard_clicked = st.button(
            t("editor.discard"), icon=":material/undo:", disabled=not dirty, key="editor.discard"
        )
    notes = st.container()
    if discard_clicked:
        ask("editor.discard", jid)
    if confirm("editor.discard", jid, t("editor.discard_confirm", changes=changes), yes=t("editor.discard_yes")):
        state.start(jid, force=True)
        flash(t("editor.discarded"))
        st.rerun()
    if dirty and not author():
        require_author()
    return notes


@guarded
def save_now(jid: str) -> None:
    """Save's ``on_click``, before the page runs: the tables' edits sent with the click into the draft, then the
    draft saved, so that the page draws the saved journey in the same run.

    Where that cannot be done quietly (a table's edit the page must take or refuse, a problem, no author, a
    conflict), the page saves at the end of its run instead (:func:`save_when_asked`) and says what it must.
    """
    state.take_all_sent(jid)
    G = state.draft(jid)
    if state.holds_any_untaken(jid) or problems(jid, G) or not can("edit") or not valid_author():
        st.session_state[SAVING] = jid
        return
    write(jid, G, author())


def save_when_asked(jid: str, notes) -> None:
    """Save the draft where Save was clicked and :func:`save_now` left it to the page, at the end of the page's
    run: an edit typed into a table just before the click reaches the draft in the same run (the table is further
    down), and is saved too."""
    if st.session_state.get(SAVING) != jid:
        return
    del st.session_state[SAVING]
    G = state.draft(jid)
    with notes:
        save(jid, G, problems(jid, G))


def save(jid: str, G: nx.DiGraph, found: list[Problem]) -> None:
    if not allowed("edit"):  # access: checked where the write happens, not only by hiding the page
        return
    who = require_author()
    if who is None:
        return
    if found:
        st.error(t("editor.save_blocked", count=len(found)), icon=":material/block:")
        return
    write(jid, G, who)
    st.rerun()


def write(jid: str, G: nx.DiGraph, who: str) -> None:
    """Save the draft ``G`` as ``who``: the saved version becomes the draft's base, or the conflict is kept."""
    try:
        with session() as s:
            version = store.save_journey(
                session=s, graph=G, expected_version=state.base_version(jid), author=who, base=state.base(jid),
                lifetime=state.lifetime(jid),
            )  # fmt: skip
    except store.ConflictError as exc:
        remember_conflict(jid, exc)
        return
    except store.JourneyNotFound:  # deleted for good meanwhile: the page's next run says so (ui.editor.state.start)
        return
    state.rebase(jid, state.saved(jid, version), version)
    flash(t("editor.saved", version=version))


def remember_conflict(jid: str, exc: store.ConflictError) -> None:
    """Keep what the conflict was about, as plain values, until the user resolves it."""
    newer = [
        {"version": r.version, "author": r.author, "at": r.created_at.isoformat(), "changes": r.changes}
        for r in exc.newer
    ]
    state.set_conflict(jid, {"current": exc.current_version, "newer": newer})


def show_problems(G: nx.DiGraph, found: list[Problem]) -> None:
    """The problems of the draft as a list of where and what; saving waits until it is empty."""
    if not found:
        return
    with st.container(border=True):
        st.markdown(f":material/error: **{t('editor.problems', count=len(found))}**")
        rows = [
            {t("editor.col.where"): tables.with_names(G, p.where_in(lang())), t("editor.col.what"): p.what_in(lang())}
            for p in found
        ]
        st.dataframe(rows, hide_index=True, width="stretch", key="editor.problems")


def conflict_panel(jid: str, G: nx.DiGraph) -> None:
    """After a conflict: who saved what meanwhile; keep the draft as a file, or take the latest version."""
    info = state.conflict(jid)
    if not info:
        return
    lines = [
        t("editor.conflict_line", author=md(r["author"] or "?"), version=r["version"],
          at=when(datetime.fromisoformat(r["at"])), summary=md(render(r["changes"], lang())))
        for r in info["newer"]
    ] or [t("editor.conflict_gone")]  # fmt: skip
    row = conflict_screen(t("editor.conflict", version=state.base_version(jid), current=info["current"]), lines)
    row.download_button(
        t("editor.download_draft"), data=interchange.dumps(G, exported_by=author()), mime="application/json",
        file_name=f"{slugify(G.graph['name']) or 'journey'}-draft.json", icon=":material/download:",
        key="editor.download_draft", on_click="ignore",
    )  # fmt: skip
    if row.button(t("editor.reload_latest"), icon=":material/refresh:", key="editor.reload"):
        state.start(jid, force=True)
        flash(t("editor.reloaded"))
        st.rerun()
