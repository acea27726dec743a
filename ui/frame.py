"""The frame of every page: sign-in, roles, the sidebar and the navigation.

``app.py`` calls :func:`navigation` and runs the page it returns inside :func:`framed`.
Every page script starts with :func:`page`, which holds the page to its role whether or
not ``app.py`` ran first: until some session of a freshly started server has called
``st.navigation``, Streamlit runs a requested file of ``pages/`` on its own (its older
pages-folder mode), and browsers that reconnect after a restart ask for their pages at
once. Such a run builds the same frame itself and shows the page inside it (see :func:`page`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

import store
from store import logs
from ui import access
from ui.deps import DATABASE_DOWN, language_switch, t, unreachable

__all__ = ["PAGES", "at_end", "framed", "navigation", "page"]


class Entry(NamedTuple):
    script: str
    title: str  # translation key
    icon: str
    action: str  # what the user's role must allow (ui.access.NEEDS)


PAGES: dict[str, list[Entry]] = {  # section (translation key) → its pages, in menu order
    "nav.workshop": [
        Entry("pages/library.py", "nav.library", ":material/route:", "review"),
        Entry("pages/editor.py", "nav.editor", ":material/edit_note:", "edit"),
        Entry("pages/scoring.py", "nav.scoring", ":material/how_to_vote:", "score"),
        Entry("pages/ideas.py", "nav.ideas", ":material/lightbulb:", "review"),
        Entry("pages/surveys.py", "nav.surveys", ":material/monitoring:", "review"),
    ],
    "nav.managers": [
        Entry("pages/review.py", "nav.review", ":material/troubleshoot:", "review"),
        Entry("pages/compare.py", "nav.compare", ":material/compare_arrows:", "review"),
        Entry("pages/portfolio.py", "nav.portfolio", ":material/grid_view:", "review"),
    ],
    "nav.presenters": [
        Entry("pages/export.py", "nav.export", ":material/ios_share:", "export"),
    ],
}

_FRAMED: ContextVar[bool] = ContextVar("framed", default=False)
_AT_END: ContextVar[list[Callable[[], None]] | None] = ContextVar("at_end", default=None)  # this run's, in order
RETRY_SECONDS = 3  # while the database cannot be reached, a page asks this often whether it is back


def navigation() -> st.Page:
    """The page this run shows: the one asked for, or the login screen when the user may not in.

    Also sets up the browser tab and draws the sidebar (language, who is working). A page
    the role may not use is not listed, but stays reachable by link, to say so.
    """
    logs.configure()  # once per process in effect; JOURNEYS_LOG_LEVEL and JOURNEYS_LOG_FORMAT choose
    st.set_page_config(page_title="Journey Workbench", page_icon=":material/route:", layout="wide")
    if access.role() is None:
        login = st.navigation([st.Page(access.login_page, title=t("access.login_title"), url_path="login")],
                              position="hidden")  # fmt: skip
        language_switch()
        return login
    sections = {
        t(section): [
            st.Page(e.script, title=t(e.title), icon=e.icon, default=e.script == "pages/library.py",
                    visibility="visible" if access.can(e.action) else "hidden")
            for e in entries
        ]
        for section, entries in PAGES.items()
    }  # fmt: skip
    chosen = st.navigation(sections)
    language_switch()
    access.sidebar()
    return chosen


@contextmanager
def framed() -> Iterator[None]:
    """Run a page inside the frame: :func:`page` then knows that :func:`navigation` chose it.

    A page that meets an unreachable database, or follows a callback that met one, says so and
    runs again by itself once the database answers (:func:`database_down`): no error, no URL.
    """
    token, waiting = _FRAMED.set(True), _AT_END.set([])
    try:
        yield
        for action in _AT_END.get():
            action()
    except SQLAlchemyError as exc:
        if not unreachable(exc):
            raise
        st.session_state.pop(DATABASE_DOWN, None)
        database_down()
    else:
        if st.session_state.pop(DATABASE_DOWN, False):
            database_down()
    finally:
        _AT_END.reset(waiting)
        _FRAMED.reset(token)


def at_end(action: Callable[[], None]) -> None:
    """Run ``action`` once the page has drawn everything else (at once outside a framed run, e.g. in a fragment's
    own run). What it draws goes wherever the cursor is inside ``action``: into a container kept for it."""
    waiting = _AT_END.get()
    if waiting is None:
        action()
    else:
        waiting.append(action)


def database_down() -> None:
    """Say that the database is not reachable, and run the page again as soon as it answers."""
    st.warning(t("app.database_down"), icon=":material/cloud_off:")
    _when_back()


@st.fragment(run_every=RETRY_SECONDS)
def _when_back() -> None:
    if store.db.answers():
        st.rerun()  # the whole page, which reads the database anew


def page(action: str = "review") -> None:
    """Start a page script: put it in the frame, and hold it to the role that ``action`` needs.

    A run that ``app.py`` did not frame builds the frame here and runs, inside it, the
    page that :func:`navigation` chose (the same page, or the login screen for a user
    who may not in), exactly as ``app.py`` would; then it stops. Calling
    ``st.navigation`` also ends Streamlit's pages-folder mode for the whole server.
    A user whose role does not allow ``action`` sees "No permission" and nothing of the page.
    """
    if not _FRAMED.get():
        chosen = navigation()
        with framed():
            chosen.run()
        st.stop()
    if not access.allowed(action):
        st.stop()
