"""The Streamlit side of the workbench: what ``app.py`` and the page scripts in ``pages/`` share.

``frame``     sign-in, roles and navigation; every page script starts with :func:`ui.frame.page`
``deps``      the engine, short sessions, session-state keys, language and author
``browser``   what this browser remembers between visits (the user's name, its id)
``access``    who is signed in, their role, and what it may do
``text``      the one escape function for user text in anything Streamlit renders as Markdown
``journey``   which journey a page is about (deep link or picker), read through a cache
``widgets``   shared widgets: confirmation, weights, toasts after a rerun
``analysis``  what Review, Portfolio, Ideas and Surveys compute, cached
``ratings``   one rater's desirable / viable / feasible scores (Scoring and Ideas)
``library``   the Journeys page's table, views and writes
``editor``    the Editor's draft (kept per person until saved), tables, detail panel, saving and history
``idea_form`` the Ideas page's form: a new or changed idea, saved or deleted
``surveys``   the Surveys page's import (read, map, check a file) and its result tables
``live``      who else has the journey open and what others saved, refreshed on its own

Arrows point one way: ``ui`` uses ``store`` and ``journeys``; nothing below imports ``ui``.
Nothing here runs, reruns or stops anything at import time.

Importing ``ui`` loads every module a page needs, once. ``app.py`` and every page script
import it first: when many sessions open a freshly started app at once, their scripts run
in as many threads, and Python lets a thread that waits for another's half-done import go
on with the half-imported module where two imports wait for each other (``ImportError:
cannot import name … from partially initialized module``). One import of ``ui`` holds a
single lock while everything loads, so the other threads wait for it and then find every
module complete. SciPy, which only the analyses use, is left to its first use, where one
thread at a time imports it (``journeys.analysis.diagnostics``).
"""

from ui import (
    access,
    analysis,
    browser,
    deps,
    frame,
    idea_form,
    journey,
    library,
    library_views,
    live,
    ratings,
    surveys,
    text,
    widgets,
)
from ui.editor import canvas, detail, history, kept, save, state, tables, undo

__all__ = [
    "access",
    "analysis",
    "browser",
    "canvas",
    "deps",
    "detail",
    "frame",
    "history",
    "idea_form",
    "journey",
    "kept",
    "library",
    "library_views",
    "live",
    "ratings",
    "save",
    "state",
    "surveys",
    "tables",
    "text",
    "undo",
    "widgets",
]
