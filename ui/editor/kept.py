"""The draft outlives the session: kept in the database per person, and offered again after a reload or in a new tab.

The Editor's draft lives in session state (:mod:`ui.editor.state`), which a reload or a new
tab does not have. :func:`keep` writes the draft to the database (``store.drafts``) when it
changed since it was last written, at most once a run, and drops it once nothing is unsaved
(after Save, Discard, a restore). When a person opens a journey of which a draft of theirs
is kept that differs from the saved journey, :func:`offer` asks whether to continue it.

"Person" is :func:`ui.access.person`: the signed-in user, or this browser. Plain values only
in session state, per journey: for whom the database was looked at, the base version and
text last written (or found there), and the draft on offer (its base version and time).
"""

from __future__ import annotations

from datetime import datetime

import networkx as nx
import streamlit as st

from journeys.model import tables
from journeys.model.graph import journey_equal, normalize
from store import drafts
from ui.access import person
from ui.deps import clock, session, t
from ui.editor import state
from ui.journey import version_of
from ui.widgets import ask, confirm, flash


def _key(name: str, jid: str) -> str:
    return f"editor.kept.{name}.{jid}"


def keep(jid: str, G: nx.DiGraph) -> None:
    """Keep the draft ``G`` (:func:`ui.editor.state.draft` of ``jid``) for the person, and find a draft kept before.

    Called once a run, before the page is drawn. Writes only when the draft's text (or the
    version it is based on) changed since the last write; drops the kept draft once the draft
    holds nothing unsaved.
    """
    who = person()
    if st.session_state.get(_key("person", jid)) != who:
        _look(jid, G, who)
    if st.session_state.get(_key("written", jid)) == (written := _written(jid)):
        return
    st.session_state.pop(_key("offer", jid), None)  # edited without continuing: the new work is what is kept now
    with session() as s:
        if state.dirty(jid, G):
            drafts.keep_draft(session=s, journey_id=jid, person=who, text=written[1], base_version=written[0])
        else:
            drafts.drop_kept_draft(session=s, journey_id=jid, person=who)
    st.session_state[_key("written", jid)] = written


def _written(jid: str) -> tuple[int, str]:
    """What is written of the draft: the version it is based on and its text (a save changes the one, not the other)."""
    return state.base_version(jid), state.draft_text(jid)


def _look(jid: str, G: nx.DiGraph, who: str) -> None:
    """Look once per journey and person for a kept draft; offer it when it differs from the saved journey.

    A draft already changed in this session is not replaced by an offer (it is kept over the old one).
    """
    st.session_state[_key("person", jid)] = who
    if state.dirty(jid, G):
        return
    st.session_state[_key("written", jid)] = _written(jid)
    with session() as s:
        found = drafts.kept_draft(session=s, journey_id=jid, person=who)
    if found is None:
        return
    try:
        kept = tables.read_draft(found.text)
    except (ValueError, KeyError, TypeError, nx.NetworkXError):  # not a draft this version of the workbench reads
        kept = None
    if kept is None or journey_equal(normalize(kept), state.base(jid)):  # nothing unsaved in it: forget it
        with session() as s:
            drafts.drop_kept_draft(session=s, journey_id=jid, person=who)
        return
    st.session_state[_key("offer", jid)] = {"base": found.base_version, "at": found.updated_at.isoformat()}


def offer(jid: str) -> None:
    """If a draft is on offer: when it was left and what it is based on; continue it, or discard it (asked first)."""
    info = st.session_state.get(_key("offer", jid))
    if not info:
        return
    at, base = clock(datetime.fromisoformat(info["at"])), info["base"]
    with st.container(border=True, key="editor-kept"):
        lines = [t("editor.kept.found", at=at, version=base)]
        if (current := version_of(jid)) > base:
            lines.append(t("editor.kept.moved_on", current=current))
        st.info(" ".join(lines), icon=":material/history:")
        with st.container(horizontal=True):
            resume = st.button(t("editor.kept.continue", at=at, version=base), type="primary",
                               icon=":material/edit_note:", key="editor.kept.continue")  # fmt: skip
            if st.button(t("editor.kept.discard"), icon=":material/delete:", key="editor.kept.discard"):
                ask("editor.kept.discard", jid)
        st.caption(t("editor.kept.hint"))
    if resume:
        _continue(jid)
    if confirm("editor.kept.discard", jid, t("editor.kept.discard_confirm", at=at), yes=t("editor.discard_yes")):
        with session() as s:
            drafts.drop_kept_draft(session=s, journey_id=jid, person=person())
        st.session_state.pop(_key("offer", jid), None)
        flash(t("editor.kept.discarded"))
        st.rerun()


def _continue(jid: str) -> None:
    """Make the kept draft the draft, on the version it is based on: a save after others saved meets the conflict."""
    with session() as s:
        found = drafts.kept_draft(session=s, journey_id=jid, person=person())
    if found is None:  # saved or discarded in another tab meanwhile
        st.session_state.pop(_key("offer", jid), None)
        flash(t("editor.kept.gone"), icon=":material/info:")
        st.rerun()
    base = min(found.base_version, version_of(jid))
    state.rebase(jid, tables.read_draft(found.text), base)
    st.session_state.pop(_key("offer", jid), None)  # after the draft: a run stopped in between offers it again
    st.session_state[_key("written", jid)] = _written(jid)
    flash(t("editor.kept.continued"))
    st.rerun()
