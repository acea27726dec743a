"""The journey's history: every saved version, a preview of one, and restoring it."""

from __future__ import annotations

import networkx as nx
import streamlit as st

import store
from journeys.charts.journey_map import journey_map
from store.summaries import render
from ui.access import allowed
from ui.deps import lang, require_author, session, t, when
from ui.editor import state
from ui.editor.save import remember_conflict
from ui.widgets import ask, chart, confirm, flash


def history(jid: str, G: nx.DiGraph) -> None:
    """List the revisions, preview the one chosen and offer to make it the current version."""
    with session() as s:
        revisions = store.list_revisions(session=s, journey_id=jid)
    st.dataframe(
        [
            {t("editor.col.version"): r.version, t("editor.col.author"): r.author, t("editor.col.time"): when(r.created_at),
             t("editor.col.summary"): render(r.changes, lang())}
            for r in revisions
        ],
        hide_index=True, width="stretch", key="editor.revisions",
    )  # fmt: skip
    labels = {
        r.version: t("editor.revision", version=r.version, author=r.author or "?", at=when(r.created_at))
        for r in revisions
    }
    version = st.selectbox(
        t("editor.preview"), options=list(labels), format_func=state.labels(labels), key=f"editor.preview.{jid}"
    )
    if version is None:
        return
    current = revisions[0].version
    language = lang()
    chart(
        "editor.preview", (jid, version, state.lifetime(jid), language),
        lambda: journey_map(state.saved(jid, version), lang=language), key="editor.preview_map",
    )  # fmt: skip
    if version == current:
        st.caption(t("editor.is_current"))
        return
    if state.dirty(jid, G):
        st.info(t("editor.restore_needs_clean"), icon=":material/info:")
    if st.button(t("editor.restore", version=version), icon=":material/history:", disabled=state.dirty(jid, G),
                 key="editor.restore"):  # fmt: skip
        ask("editor.restore", (jid, version))
    question = t("editor.restore_confirm", version=version, new=current + 1)
    if confirm("editor.restore", (jid, version), question, yes=t("editor.restore", version=version)):
        restore(jid, version)


def restore(jid: str, version: int) -> None:
    if not allowed("edit"):  # access: checked where the write happens, not only by hiding the page
        return
    who = require_author()
    if who is None:
        return
    try:
        with session() as s:
            new = store.restore_revision(
                session=s, journey_id=jid, version=version, expected_version=state.base_version(jid), author=who,
                lifetime=state.lifetime(jid),
            )  # fmt: skip
    except store.ConflictError as exc:
        remember_conflict(jid, exc)
        st.rerun()
    state.rebase(jid, state.saved(jid, new), new)
    flash(t("editor.restored", version=version, new=new))
    st.rerun()
