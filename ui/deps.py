"""The engine, short sessions, session-state keys, the user's language and the author.

Pages import from ``ui``, never from ``app.py``. Session state holds only plain
values (ids, names, JSON text), never ORM rows or sessions.
"""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

import store
from journeys import i18n
from journeys.model.text import MAX_SHORT, bad_character

# Session-state keys, one place for all of them.
LANG = "lang"  # bound to ?lang=
AUTHOR = "author"
JOURNEY = "journey"  # bound to ?journey= by open_journey()


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
    """Return the author, or ask for it where the user is and return None.

    A name the store would not take (control characters, longer than a short text) is refused where the user is.
    """
    name = author()
    if name and len(name) <= MAX_SHORT and not bad_character(name):
        return name
    if name:
        st.warning(t("app.author_invalid", max=MAX_SHORT), icon=":material/badge:")
        return None
    st.warning(t("app.author_needed"), icon=":material/badge:")
    return None
