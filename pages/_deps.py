"""The one Streamlit-aware glue module: engine, session-state keys, language and author.

Pages import from here, never from ``app.py``. Session state holds only plain
values (ids, names, JSON text), never ORM rows or sessions.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
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


def journey_stamp(journey_id: str) -> analysis.JourneyStamp | None:
    """The journey's version and its ratings' stamp (one query), or None if it is not live."""
    with session() as s:
        return analysis.journey_stamp(session=s, journey_id=journey_id)


def journey_picker(title_key: str) -> str | None:
    """The journey this page is about: the deep link, or one the user picks here."""
    jid = selected_journey_id()
    if jid and _is_live(jid):
        _link(jid)
        return jid
    return _pick(title_key)


def stamped_journey(title_key: str) -> tuple[str, analysis.JourneyStamp] | None:
    """Like :func:`journey_picker`, with the journey's version and ratings' stamp read in the same query."""
    jid = selected_journey_id()
    if jid and (stamp := journey_stamp(jid)):
        _link(jid)
        return jid, stamp
    _pick(title_key)
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


def _pick(title_key: str) -> None:
    """No journey is open: ask for one (the choice reruns the page with it)."""
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


def portfolio_stamp() -> str:
    """What the portfolio figures depend on (see ``store.analysis.portfolio_stamp``)."""
    with session() as s:
        return analysis.portfolio_stamp(session=s)


class _Recent:
    """Results by key, at most ``size`` of them, each for ``ttl`` seconds; shared by the sessions' threads."""

    def __init__(self, size: int, ttl: float | None) -> None:
        self._size, self._ttl = size, ttl
        self._items: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], object]) -> object:
        now = time.monotonic()
        with self._lock:
            kept = self._items.get(key)
            if kept is not None and (self._ttl is None or now - kept[0] < self._ttl):
                self._items.move_to_end(key)
                return kept[1]
        value = make()  # outside the lock: two sessions may make it at once, one result is kept
        with self._lock:
            self._items[key] = (now, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


@st.cache_resource(show_spinner=False)
def _stores() -> dict[str, _Recent]:
    """Every :func:`recent` store, dropped with Streamlit's caches (``st.cache_resource.clear()``)."""
    return {}


def _store(name: str, size: int, ttl: float | None) -> _Recent:
    stores = _stores()
    return stores.get(name) or stores.setdefault(name, _Recent(size, ttl))


def recent(size: int, ttl: float | None = None):
    """Keep a function's results like ``st.cache_resource(max_entries=size, ttl=ttl)``, looked up faster.

    For what a page looks up on every rerun: Streamlit's caches hash the arguments with
    their own hasher and replay the function's context, ~0.3 ms a call; here a lookup is
    a dict access (~1 µs). The arguments must be hashable (plain values, tuples) and name
    everything the result depends on; the result is shared by all sessions, so it must
    not be changeable (tuples, read-only mappings, Arrow tables, a figure nothing edits).
    """

    def decorate(fn):
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def kept(*args):
            return _store(name, size, ttl).get(args, lambda: fn(*args))

        return kept

    return decorate


def chart(name: str, of: tuple, build: Callable[[], go.Figure], /, **options):
    """``st.plotly_chart(build(), **options)``, the figure built once per ``(name, of)`` and then reused.

    ``of`` must name everything the figure shows (journey and version or draft,
    language, options) in plain, hashable values. At most 16 figures are kept, each for
    an hour (see :func:`recent`). The figure is shared by all sessions and never handed
    out: ``st.plotly_chart`` only serialises it, and nothing may change it.
    """
    figure = _store("chart", 16, 3600).get((name, of), build)  # a map of 2,000 touchpoints holds ~5 MB
    return st.plotly_chart(figure, **options)


WEIGHTS = ("dvf", "gap", "pain", "emotion", "moment_of_truth")


def weights_panel(key: str) -> Weights:
    """Sliders for the weakness weights (docs/scoring.md), in an expander; returns the Weights.

    The sliders are drawn only while the expander is open (it reruns the page when opened
    or closed). The weights live in plain session keys ``f"{key}.{name}"``, so they stay
    while the expander is closed and when the user visits another page.
    """
    default, state = Weights(), st.session_state
    panel = st.expander(t("weights.title"), icon=":material/tune:", key=f"{key}.open", on_change="rerun")
    if panel.open:
        with panel:
            st.caption(t("weights.help"))
            for column, name in zip(st.columns(5), WEIGHTS, strict=True):
                kept = f"{key}.{name}"  # a slider starts from the kept weight each time the expander opens
                value = state.get(kept, getattr(default, name))
                state[kept] = column.slider(t(f"weights.{name}"), 0.0, 1.0, value, 0.05, key=f"{kept}.slider")
    try:
        return Weights(**{name: state.get(f"{key}.{name}", getattr(default, name)) for name in WEIGHTS})
    except ValueError as exc:
        st.warning(str(exc))
        return default
