"""What this browser remembers between visits: the user's name, and a random id of the browser.

Session state ends with a reload or a new tab; the browser's ``localStorage`` does not. A
tiny custom component (``ui/components/browser_memory.js``, drawn as nothing) reads and
writes it, and reports what it holds once per session: that report is one rerun, after
which the page knows the name and the id. Where no browser runs the component (AppTest),
nothing is reported and the session's own values are used: a name typed in it, and a
random id kept for the session.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from importlib.resources import files

import streamlit as st

__all__ = ["BROWSER", "MEMORY", "browser_id", "remember", "remembered"]

MEMORY = "browser.memory"  # the component's key
BROWSER = "browser"  # session key: this browser's id
NAMES = ("author", "browser")  # what the browser is asked to remember
LONGEST = 1000  # longer values in the storage are not the workbench's: ignored

_memory = st.components.v2.component(
    "journey_workbench.browser_memory",
    js=(files("ui") / "components" / "browser_memory.js").read_text(encoding="utf-8"),
)


def remembered() -> dict[str, str | None]:
    """What the browser reported it holds (``{}`` until it did): ``author`` and ``browser``, each text or None."""
    state = st.session_state.get(MEMORY)
    held = state.get("held") if isinstance(state, Mapping) else None
    if not isinstance(held, Mapping):
        return {}
    values = {name: held.get(name) for name in NAMES}
    return {name: value if isinstance(value, str) and len(value) <= LONGEST else None for name, value in values.items()}


def remember(**values: str) -> dict[str, str | None]:
    """Keep ``values`` in the browser and return what it held when the page last heard from it.

    Mounts the invisible component, once per run (in the sidebar). Until the browser has
    reported, only values given are written: the empty name of a fresh session would
    overwrite the one kept, while a name typed before the report is the newest one.
    """
    held = remembered()
    write = {name: value for name, value in values.items() if name in NAMES and (value or held)}
    data = {"read": list(NAMES), "known": {**held, **write}, "write": write}
    with st.sidebar:
        _memory(key=MEMORY, data=data, on_held_change=_heard)
    if held.get("browser"):
        st.session_state[BROWSER] = held["browser"]
    return held


def _heard() -> None:
    """The browser reported what it holds: the rerun that follows reads it (:func:`remembered`)."""


def browser_id() -> str:
    """This browser's id: the one it keeps, once reported (:func:`remember`); until then one for this session."""
    return st.session_state.setdefault(BROWSER, uuid.uuid4().hex)
