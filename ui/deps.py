"""The engine, short sessions, session-state keys, the user's language (words, numbers, times) and the author;
what a page does when the database cannot be reached.

Pages import from ``ui``, never from ``app.py``. Session state holds only plain
values (ids, names, JSON text), never ORM rows or sessions.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

import store
from journeys import i18n
from journeys.model.text import MAX_SHORT, bad_character
from ui import browser

# Session-state keys, one place for all of them.
LANG = "lang"  # bound to ?lang=
AUTHOR = "author"
JOURNEY = "journey"  # bound to ?journey= by open_journey()
REMEMBERED = "author.remembered"  # the name the browser kept was taken over (ui/browser.py)
DATABASE_DOWN = "database.down"  # a callback met an unreachable database: the run after it says so (ui/frame.py)

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def engine():
    """The app's engine: migrated on first use, with the demo journeys on an empty database (once, however many
    app processes start at the same time). Not kept when that fails: the next run tries again."""
    engine = store.make_engine()
    try:
        store.prepare_database(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a database that cannot be reached now, rather than from one statement that failed:
    a database error, and a connection of its own fails too. Logged, without the database's URL."""
    if not isinstance(exc, SQLAlchemyError) or store.db.answers():
        return False
    log.warning("the database is not reachable: %s", store.db.failure(exc))
    return True


def guarded(callback: Callable) -> Callable:
    """A widget callback that meets an unreachable database ends quietly and leaves :data:`DATABASE_DOWN`, so
    that the page's run after it says so instead of showing an error (Streamlit runs callbacks before the page)."""

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except SQLAlchemyError as exc:
            if not unreachable(exc):
                raise
            st.session_state[DATABASE_DOWN] = True

    return run


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


def labels(prefix: str, keys) -> dict[str, str]:
    """Translated labels of ``keys`` (``prefix.key``), for a widget's ``format_func=labels(...).get``.

    Translated now rather than inside the format function, which AppTest also calls outside a run
    (where the user's language is not known).
    """
    return {key: t(f"{prefix}.{key}") for key in keys}


def number(value, digits: int | None = None, *, sign: bool = False) -> str:
    """A number as the user's language writes it (see :func:`journeys.i18n.number`)."""
    return i18n.number(value, lang(), digits, sign=sign)


def percent(value, digits: int = 0, *, sign: bool = False) -> str:
    """A share (0.45) as a percentage in the user's language."""
    return i18n.percent(value, lang(), digits, sign=sign)


def local_time(moment: datetime | None) -> datetime | None:
    """A stored time (UTC) in the browser's time zone."""
    if moment is None:
        return None
    try:
        zone = ZoneInfo(st.context.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def when(moment: datetime) -> str:
    """A stored time in the browser's time zone, as the user's language writes date and time."""
    return i18n.datetime(local_time(moment), lang())


def clock(moment: datetime) -> str:
    """A stored time as :func:`when` writes it, or only the time of day when that is today (in the browser's zone)."""
    local = local_time(moment)
    if local.date() == datetime.now(local.tzinfo).date():
        return i18n.time_of_day(local, lang())
    return i18n.datetime(local, lang())


def day(value: date) -> str:
    """A date as the user's language writes it."""
    return i18n.date(value, lang())


TRANSLATED = "app.translated_choices"  # keys of the select boxes whose options show in the user's language


def translated(key: str) -> str:
    """The key of a select box whose option labels are translated, noted so that a language switch keeps what it
    holds: Streamlit keeps such a box's value as its label, which the other language does not know, so the box
    would go on showing the old label and hand it out instead of the option."""
    st.session_state.setdefault(TRANSLATED, set()).add(key)
    return key


def _keep_choices() -> None:
    """Before the first run in the new language: every noted select box set anew to the option it holds (read
    with the labels of the language it was shown in), so that it shows and returns that option in the new one."""
    for key in st.session_state.get(TRANSLATED, ()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


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
        on_change=_keep_choices,
    )


def author_box() -> str:
    """The author name, asked once per browser and kept across pages, reloads and tabs (in the browser's storage)."""
    held = browser.remembered()  # what the browser kept (ui.access.sidebar mounts what keeps the name)
    if held and not st.session_state.get(REMEMBERED):  # the browser has told what it holds: once per session
        st.session_state[REMEMBERED] = True
        if held.get("author") and not author():
            st.session_state[AUTHOR] = held["author"]
    st.sidebar.text_input(t("app.author"), key=AUTHOR, placeholder=t("app.author_placeholder"), persist_state="session")
    return author()


def author() -> str:
    return (st.session_state.get(AUTHOR) or "").strip()


def valid_author() -> bool:
    """Whether an author name is given that the store takes (no control characters, not longer than a short text)."""
    name = author()
    return bool(name) and len(name) <= MAX_SHORT and not bad_character(name)


def require_author() -> str | None:
    """Return the author, or ask for it where the user is and return None.

    A name the store would not take (control characters, longer than a short text) is refused where the user is.
    """
    name = author()
    if valid_author():
        return name
    if name:
        st.warning(t("app.author_invalid", max=MAX_SHORT), icon=":material/badge:")
        return None
    st.warning(t("app.author_needed"), icon=":material/badge:")
    return None
