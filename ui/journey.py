"""Which journey a page is about: the deep link ``?journey=<id>``, the one open in this session, or a pick.

The journey a user opened stays open across the pages (it is kept in session state and
in the URL); a page without one asks for one with the same picker everywhere. Graphs
are read through a cache keyed by the journey's id, version and lifetime, and what a page
computes from a journey is cached by its stamp (:class:`store.JourneyStamp`): read from the
database alone, so that every process sees every other's writes on its next rerun.
"""

from __future__ import annotations

import networkx as nx
import streamlit as st

import store
from store import analysis
from ui.deps import JOURNEY, session, t


def selected_journey_id() -> str | None:
    """The journey the user opened (deep link ``?journey=<id>``), if any."""
    return st.query_params.get("journey") or st.session_state.get(JOURNEY)


def open_journey(journey_id: str, page: str = "pages/editor.py") -> None:
    """Open ``journey_id`` on ``page`` and put it in the URL."""
    st.session_state[JOURNEY] = journey_id
    st.query_params["journey"] = journey_id
    st.switch_page(page, query_params={"journey": journey_id})


@st.cache_data(max_entries=32, show_spinner=False)
def cached_graph(journey_id: str, version: int, lifetime: str) -> nx.DiGraph:
    """The journey at ``version`` in its ``lifetime``; a copy per call, cached by all three.

    The id and version alone may name another journey: one imported under the id of a journey
    deleted for good starts at version 1 again. Raises ``store.JourneyNotFound`` when the journey
    of ``lifetime`` is gone.
    """
    with session() as s:
        graph, loaded = store.load_journey(session=s, journey_id=journey_id, lifetime=lifetime)
        if loaded != version:  # someone saved in between: take the exact revision asked for
            graph = store.load_revision(session=s, journey_id=journey_id, version=version, lifetime=lifetime)
    return graph


def stamped_graph(journey_id: str, stamp: store.JourneyStamp) -> nx.DiGraph:
    """The journey as ``stamp`` names it (its version in its lifetime), through :func:`cached_graph`."""
    return cached_graph(journey_id, stamp.version, stamp.lifetime)


def version_of(journey_id: str) -> int:
    """The journey's current version (raises ``store.JourneyNotFound``)."""
    with session() as s:
        return store.current_version(session=s, journey_id=journey_id)


def load(journey_id: str) -> tuple[nx.DiGraph, store.JourneyStamp]:
    """The live journey's current version, read through the cache, and its stamp (raises ``store.JourneyNotFound``)."""
    stamp = journey_stamp(journey_id)
    if stamp is None:
        raise store.JourneyNotFound(f"no journey with id {journey_id!r}")
    return stamped_graph(journey_id, stamp), stamp


def _is_live(journey_id: str) -> bool:
    with session() as s:
        return store.journey_is_live(session=s, journey_id=journey_id)


def journey_stamp(journey_id: str) -> store.JourneyStamp | None:
    """What the journey's views depend on (one query), or None if it is not live."""
    with session() as s:
        return store.journey_stamp(session=s, journey_id=journey_id)


def journey_picker(title_key: str) -> str | None:
    """The journey this page is about: the deep link or the one open in this session, else one picked here."""
    jid = selected_journey_id()
    if jid and _is_live(jid):
        _link(jid)
        return jid
    _pick(title_key, gone=jid)
    return None


def stamped_journey(title_key: str) -> tuple[str, store.JourneyStamp] | None:
    """Like :func:`journey_picker`, with the journey's stamp read in the same query."""
    jid = selected_journey_id()
    if jid and (stamp := journey_stamp(jid)):
        _link(jid)
        return jid, stamp
    _pick(title_key, gone=jid)
    return None


def _link(journey_id: str) -> None:
    """Keep the journey open for the other pages, and in the URL (``?journey=``) unless it is there.

    A page reached through a link then goes on with the same journey when the user moves
    to another page in the sidebar (which drops the URL's query). Every change of the URL
    is a message to the browser, so an unchanged one is left alone.
    """
    st.session_state[JOURNEY] = journey_id
    if st.query_params.get("journey") != journey_id:
        st.query_params["journey"] = journey_id


def forget() -> None:
    """Close the open journey (it is gone): the pages ask for another one."""
    st.session_state.pop(JOURNEY, None)
    st.query_params.pop("journey", None)


def _pick(title_key: str, *, gone: str | None = None) -> None:
    """No journey is open: ask for one (the choice reruns the page with it).

    ``gone`` is the id of a journey that was asked for but is not there (a wrong link,
    or deleted meanwhile): the page says so.
    """
    with session() as s:
        journeys = {j.id: j.name for j in store.list_journeys(session=s)}
    st.title(t(title_key))
    if gone:
        forget()
        st.warning(t("pick.gone"), icon=":material/search_off:")
    if not journeys:
        st.info(t("pick.none"), icon=":material/info:")
        return None
    chosen = st.selectbox(
        t("pick.journey"),
        options=list(journeys),
        index=None,
        format_func=journeys.get,
        placeholder=t("pick.placeholder"),
        key=f"pick.{title_key}",
    )
    if chosen:
        st.session_state[JOURNEY] = chosen
        st.query_params["journey"] = chosen
        st.rerun()
    return None


def portfolio_stamp() -> str:
    """What the portfolio figures depend on (see ``store.analysis.portfolio_stamp``)."""
    with session() as s:
        return analysis.portfolio_stamp(session=s)
