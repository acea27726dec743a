"""The Streamlit side of the workbench: what ``app.py`` and the page scripts in ``pages/`` share.

``frame``     sign-in, roles and navigation; every page script starts with :func:`ui.frame.page`
``deps``      the engine, short sessions, session-state keys, language and author
``access``    who is signed in, their role, and what it may do
``text``      the one escape function for user text in anything Streamlit renders as Markdown
``journey``   which journey a page is about (deep link or picker), read through a cache
``widgets``   shared widgets: confirmation, weights, toasts after a rerun
``analysis``  what Review, Portfolio, Ideas and Surveys compute, cached
``ratings``   one rater's desirable / viable / feasible scores (Scoring and Ideas)
``library``   the Journeys page's table, views and writes
``editor``    the Editor's draft, tables, detail panel, saving and history

Arrows point one way: ``ui`` uses ``store`` and ``journeys``; nothing below imports ``ui``.
Nothing here runs, reruns or stops anything at import time.
"""
