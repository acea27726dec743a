"""The one Streamlit-aware glue module: engine, session-state keys, language and author.

Pages import from here, never from ``app.py``. Session state holds only plain
values (ids, names, JSON text), never ORM rows or sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import networkx as nx
import streamlit as st
from sqlmodel import Session

import store
from journeys import i18n
from journeys.scoring import Weights
from store import analysis

if TYPE_CHECKING:
    import plotly.graph_objects as go

# Session-state keys, one place for all of them.
LANG = "lang"  # bound to ?lang=
AUTHOR = "author"
JOURNEY = "journey"  # bound to ?journey= by open_journey()


def _leave_pages_directory_mode() -> None:
    """Make a deep link work as the first request after the server starts.

    Until some session has called ``st.navigation``, Streamlit treats ``pages/`` as an
    old-style pages directory and runs a requested page file on its own, without
    ``app.py`` (no sidebar, no language switch, internal modules listed as pages).
    Rerunning once through ``app.py`` gives the page its frame.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_directory_mode()


@st.cache_resource
def engine():
    """The app's engine: migrated on first use, with the demo journeys on an empty database."""
    engine = store.make_engine()
    store.migrate(engine)
    with Session(engine) as session:
        store.seed_demo_journeys(session=session)
    return engine


def session() -> Session:
    """A short session for one user action: ``with session() as s: ...``."""
    return Session(engine())


_CODES = {label: code for code, label in i18n.LANGUAGES.items()}  # the switch puts its label in the URL (?lang=Deutsch)


def lang() -> str:
    """The language the user chose (``en`` or ``de``)."""
    value = st.session_state.get(LANG) or st.query_params.get(LANG) or "en"
    value = _CODES.get(value, value)
    return value if value in i18n.LANGUAGES else "en"


def t(key: str, **values) -> str:
    """Translate ``key`` into the user's language."""
    return i18n.t(key, lang(), **values)


def language_switch() -> None:
    """Language switch in the sidebar, remembered in the URL (``?lang=de``)."""
    # the bound switch writes its label (?lang=Deutsch) and would drop a code as invalid: take ?lang=de over first
    if LANG not in st.session_state and (code := st.query_params.get(LANG)) in i18n.LANGUAGES:
        st.session_state[LANG] = code
    st.sidebar.segmented_control(
        t("app.language"),
        options=list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        default="en",
        required=True,
        key=LANG,
        bind="query-params",
    )


def author_box() -> str:
    """The author name, asked once per browser session and kept across pages."""
    st.sidebar.text_input(t("app.author"), key=AUTHOR, placeholder=t("app.author_placeholder"), persist_state="session")
    return author()


def author() -> str:
    return (st.session_state.get(AUTHOR) or "").strip()


def require_author() -> str | None:
    """Return the author, or ask for it where the user is and return None."""
    if author():
        return author()
    st.warning(t("app.author_needed"), icon=":material/badge:")
    return None


def selected_journey_id() -> str | None:
    """The journey the user opened (deep link ``?journey=<id>``), if any."""
    return st.query_params.get("journey") or st.session_state.get(JOURNEY)


def open_journey(journey_id: str, page: str = "pages/editor.py") -> None:
    """Open ``journey_id`` on ``page`` and put it in the URL."""
    st.session_state[JOURNEY] = journey_id
    st.query_params["journey"] = journey_id
    st.switch_page(page, query_params={"journey": journey_id})


@st.cache_data(max_entries=32, show_spinner=False)
def cached_graph(journey_id: str, version: int) -> nx.DiGraph:
    """The journey at ``version``; a copy per call, cached by (id, version)."""
    with session() as s:
        graph, loaded = store.load_journey(session=s, journey_id=journey_id)
        if loaded != version:  # someone saved in between: take the exact revision asked for
            graph = store.load_revision(session=s, journey_id=journey_id, version=version)
    return graph


def version_of(journey_id: str) -> int:
    """The journey's current version (raises ``store.JourneyNotFound``)."""
    with session() as s:
        return store.current_version(session=s, journey_id=journey_id)


def load(journey_id: str) -> tuple[nx.DiGraph, int]:
    """The journey's current version, read through the cache."""
    version = version_of(journey_id)
    return cached_graph(journey_id, version), version


def _is_live(journey_id: str) -> bool:
    with session() as s:
        return store.journey_is_live(session=s, journey_id=journey_id)


def journey_picker(title_key: str) -> str | None:
    """The journey this page is about: the deep link, or one the user picks here."""
    jid = selected_journey_id()
    if jid and _is_live(jid):
        st.query_params["journey"] = jid
        return jid
    with session() as s:
        journeys = {j.id: j.name for j in store.list_journeys(session=s)}
    st.title(t(title_key))
    if not journeys:
        st.info(t("pick.none"), icon=":material/info:")
        return None
    chosen = st.selectbox(
        t("pick.journey"),
        options=list(journeys),
        index=None,
        format_func=journeys.get,
        placeholder=t("pick.placeholder"),
    )
    if chosen:
        st.session_state[JOURNEY] = chosen
        st.query_params["journey"] = chosen
        st.rerun()
    return None


def portfolio_stamp() -> tuple:
    """What the portfolio figures depend on (see ``store.analysis.portfolio_stamp``)."""
    with session() as s:
        return analysis.portfolio_stamp(session=s)


@st.cache_resource(max_entries=16, ttl="1h", show_spinner=False)  # a map of 2,000 touchpoints holds ~5 MB
def _figure(name: str, of: tuple, _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def chart(name: str, of: tuple, build: Callable[[], go.Figure], /, **options):
    """``st.plotly_chart(build(), **options)``, the figure built once per ``(name, of)`` and then reused.

    ``of`` must name everything the figure shows (journey and version or draft,
    language, options). The figure is shared by all sessions and never handed out:
    ``st.plotly_chart`` only serialises it, and nothing may change it.
    """
    return st.plotly_chart(_figure(name, of, build), **options)


def weights_panel(key: str) -> Weights:
    """Sliders for the weakness weights (docs/scoring.md), in an expander; returns the Weights."""
    default = Weights()
    with st.expander(t("weights.title"), icon=":material/tune:"):
        st.caption(t("weights.help"))
        columns = st.columns(5)
        values = {
            name: columns[i].slider(t(f"weights.{name}"), 0.0, 1.0, getattr(default, name), 0.05, key=f"{key}.{name}")
            for i, name in enumerate(("dvf", "gap", "pain", "emotion", "moment_of_truth"))
        }
    try:
        return Weights(**values)
    except ValueError as exc:
        st.warning(str(exc))
        return default
