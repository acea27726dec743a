"""What this browser remembers between visits: the user's name, and a random id of the browser.

Session state ends with a reload or a new tab; the browser's ``localStorage`` does not. A
tiny custom component (``ui/components/browser_memory.js``, drawn as nothing) reads and
writes it, and copies each value into a cookie: the next session (a reload, a new tab)
knows them at its first run, from ``st.context.cookies``, without a rerun. Only when the
storage holds what the page does not know (its cookies were cleared) does the component
report it with ``setStateValue``, which costs one rerun. A rerun the browser starts by
itself can take the user back from a page they just clicked on, so it is kept rare.

Where no browser runs the component (AppTest), the session's own values are used: a name
typed in it, and a random id kept for the session.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from importlib.resources import files
from urllib.parse import unquote

import streamlit as st

__all__ = ["BROWSER", "MEMORY", "browser_id", "remember", "remembered"]

MEMORY = "browser.memory"  # the component's key
BROWSER = "browser"  # session key: this browser's id
COOKIE = "journey-workbench."  # the cookies that carry the values to the server, named after them
NAMES = ("author", "browser")  # what the browser is asked to remember
LONGEST = 1000  # longer values in the storage are not the workbench's: ignored
ID = re.compile(r"[0-9a-f]{32}")  # a browser's id, as the component makes it (and uuid4().hex)

_memory = st.components.v2.component(
    "journey_workbench.browser_memory",
    js=(files("ui") / "components" / "browser_memory.js").read_text(encoding="utf-8"),
)


def remembered() -> dict[str, str | None]:
    """What the browser holds, as far as the page knows: its report, else the cookies the session came with.

    ``author`` and ``browser``, each text or None; ``{}`` while the page knows nothing of the
    browser (its first visit, or under AppTest).
    """
    state = st.session_state.get(MEMORY)
    held = state.get("held") if isinstance(state, Mapping) else None
    if not isinstance(held, Mapping):
        cookies = st.context.cookies
        if COOKIE + "browser" not in cookies:
            return {}
        held = {name: unquote(cookies[COOKIE + name]) for name in NAMES if COOKIE + name in cookies}
    values = {name: value if isinstance(value := held.get(name), str) and len(value) <= LONGEST else None
              for name in NAMES}  # fmt: skip
    if not ID.fullmatch(values["browser"] or ""):  # not an id the component made (a cookie can say anything)
        values["browser"] = None
    return values


def remember(**values: str) -> None:
    """Keep ``values`` in the browser: mount the invisible component (in the sidebar, last in it).

    While the page knows nothing of what the browser holds, only values given are written:
    the empty name of a fresh session would overwrite the one kept, while a name typed is
    the newest one.
    """
    held = remembered()
    if held.get("browser"):
        st.session_state[BROWSER] = held["browser"]
    write = {name: value for name, value in values.items() if name in NAMES and (value or held)}
    data = {"read": list(NAMES), "known": {**values, "browser": browser_id()}, "write": write}
    with st.sidebar:
        _memory(key=MEMORY, data=data, on_held_change=_heard)


def _heard() -> None:
    """The browser reported what it holds: the rerun that follows reads it (:func:`remembered`)."""


def browser_id() -> str:
    """This browser's id: the one it keeps, once known (:func:`remember`); until then a new one, which a browser
    without an id takes over."""
    return st.session_state.setdefault(BROWSER, uuid.uuid4().hex)
