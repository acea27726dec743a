"""Live awareness: who else has the journey open, and what others saved, kept fresh while a page is open.

A part of the page reruns on its own every :data:`POLL_S` seconds (``st.fragment(run_every=…)``)
and asks the database once (:func:`store.presence.look`): the journey's version and change
count, and who has it open. This browser tab renews its own presence every
:data:`store.presence.BEAT_EVERY_S` seconds.

When someone else saves:
- the Editor with nothing unsaved shows the new version at once; with unsaved changes it says who
  saved what and offers to bring their changes into the draft, keeping the draft's own;
- Review redraws (it only shows);
- Scoring and Ideas say so and offer to show the latest (someone may be typing a score).
Portfolio redraws when any journey or rating changes (:func:`portfolio_watch`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import streamlit as st

import store
from store import presence
from store.summaries import render
from ui import frame
from ui.deps import author, lang, session, t
from ui.text import md
from ui.widgets import flash

__all__ = ["POLL_S", "live", "portfolio_watch", "tab"]

POLL_S = presence.POLL_EVERY_S  # how often an open journey page asks whether someone saved, and who is here
TAB = "live.tab"  # this browser tab's id (one Streamlit session)
BEAT = "live.beat"  # (journey, page, name) → when this tab last renewed its presence (time.monotonic())
PAGES = {"edit": "nav.editor", "score": "nav.scoring", "review": "nav.review", "ideas": "nav.ideas"}  # their names


def tab() -> str:
    """This browser tab's id: one per Streamlit session."""
    return st.session_state.setdefault(TAB, uuid.uuid4().hex)


def _beat(jid: str, page: str) -> None:
    """Renew this tab's presence on the journey, at most every ``BEAT_EVERY_S`` seconds."""
    beats = st.session_state.setdefault(BEAT, {})
    who = (jid, page, author() or "")
    last = beats.get(who)
    if last is not None and time.monotonic() - last < presence.BEAT_EVERY_S:
        return
    try:
        with session() as s:
            presence.beat(session=s, journey_id=jid, tab=tab(), name=who[2], page=page)
    except store.JourneyNotFound:
        return
    beats.clear()  # one journey, page and name at a time: the one before is renewed or left to expire
    beats[who] = time.monotonic()


def _saved_since(jid: str, version: int) -> list[str]:
    """What was saved after ``version``, one line each, oldest first (Markdown, user text escaped)."""
    with session() as s:
        revisions = store.list_revisions(session=s, journey_id=jid)
    return [
        t("live.saved", who=md(r.author or t("live.someone")), version=r.version,
          changes=md(render(r.changes, lang()) or r.summary))
        for r in sorted(revisions, key=lambda r: r.version) if r.version > version
    ]  # fmt: skip


def live(jid: str, page: str, drawn: tuple[int, int], *, on_new: Callable[[list[str]], None] | None = None) -> None:
    """Who else is here, and what others saved since the page drew the journey at ``drawn`` (version, change count).

    ``on_new`` decides what a page does with a newer version (the Editor's own way); without it, Review redraws
    and the other pages offer to. Refreshes on its own every :data:`POLL_S` seconds, counted from the end of the
    page's run: the part is drawn here, but last, so that no poll waits on (or delays) a page still being drawn.
    """
    slot = st.container()
    frame.at_end(lambda: _drawn_in(slot, _live, jid, page, drawn, on_new))


@st.fragment(run_every=POLL_S)
def _live(jid: str, page: str, drawn: tuple[int, int], on_new) -> None:
    _beat(jid, page)
    try:
        with session() as s:
            found = presence.look(session=s, journey_id=jid)
    except store.JourneyNotFound:
        st.rerun(scope="app")  # the page says it is gone
    me = tab()
    others = {}
    for here in found.here:
        if here.tab != me:
            others.setdefault(here.name or t("live.someone"), here.page)
    if others:
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.caption(t("live.here"), width="content")
            for name, where in sorted(others.items()):
                st.badge(md(f"{name} · {t(PAGES[where]) if where in PAGES else where}"), icon=":material/person:",
                         color="gray")  # fmt: skip
    version, changes = drawn
    if on_new is not None:
        if found.version > version:
            on_new(_saved_since(jid, version))
        return
    if (found.version, found.changes) == (version, changes):
        return
    lines = _saved_since(jid, version) if found.version > version else [t("live.scored")]
    if page == "review":
        flash("  \n".join(lines), icon=":material/sync:")
        st.rerun(scope="app")
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info("  \n".join(lines), icon=":material/sync:", width="stretch")
        if st.button(t("live.show_latest"), icon=":material/refresh:", key=f"live.refresh.{page}"):
            st.rerun(scope="app")


def portfolio_watch(stamp: str) -> None:
    """Redraw the Portfolio when any journey or rating changed since it was drawn with ``stamp`` (asked from the
    end of the page's run on)."""
    slot = st.container()
    frame.at_end(lambda: _drawn_in(slot, _portfolio_watch, stamp))


def _drawn_in(slot, part: Callable[..., None], *args) -> None:
    with slot:
        part(*args)


@st.fragment(run_every=POLL_S * 2)
def _portfolio_watch(stamp: str) -> None:
    from ui.journey import portfolio_stamp

    if portfolio_stamp() != stamp:
        st.rerun(scope="app")
