"""Undo and redo in the Editor, over the operations every change of the draft is made of.

Each change of the draft — on the map, in a table, in the detail panel — is recorded as a
step: the operations that made it and the operations that take it back
(:func:`journeys.model.operations.step`). Undo applies a step's inverse to the draft, redo
its operations again; a new change clears what could be redone. The steps are plain JSON
values in session state, per journey, at most :data:`LIMIT` of them.
"""

from __future__ import annotations

import networkx as nx
import streamlit as st

from journeys.i18n import LANGUAGES
from journeys.model import operations
from ui.deps import lang

LIMIT = 200


def _key(name: str, jid: str) -> str:
    return f"editor.{name}.{jid}"


def _stack(name: str, jid: str) -> list[dict]:
    return st.session_state.setdefault(_key(name, jid), [])


def record(jid: str, before: nx.DiGraph, after: nx.DiGraph, ops: list[dict] | None = None) -> None:
    """Remember the change ``before`` → ``after`` (made of ``ops``, when known) as one step to undo."""
    forward = ops if ops is not None else operations.diff(before, after)
    if not forward:
        return
    steps = _stack("undo", jid)
    steps.append({"ops": forward, "inverse": operations.diff(after, before), "what": _words(forward, before)})
    del steps[:-LIMIT]
    _stack("redo", jid).clear()


def _words(ops: list[dict], before: nx.DiGraph) -> dict[str, str]:
    """What the step changes, in every language of the app: the undo button says it in the user's."""
    words = {}
    for language in LANGUAGES:
        lines = operations.describe(ops, before, language)
        words[language] = "; ".join(lines[:3]) + (f" (+{len(lines) - 3})" if len(lines) > 3 else "")
    return words


def forget(jid: str) -> None:
    """Start over without steps: after a save, a discard or a new draft."""
    st.session_state.pop(_key("undo", jid), None)
    st.session_state.pop(_key("redo", jid), None)


def undo(jid: str, G: nx.DiGraph) -> nx.DiGraph | None:
    """The draft ``G`` with the last step taken back, or None when there is nothing to undo."""
    return _move(jid, G, "undo", "redo", "inverse")


def redo(jid: str, G: nx.DiGraph) -> nx.DiGraph | None:
    """The draft ``G`` with the last undone step made again, or None when there is nothing to redo."""
    return _move(jid, G, "redo", "undo", "ops")


def _move(jid: str, G: nx.DiGraph, source: str, target: str, apply: str) -> nx.DiGraph | None:
    steps = _stack(source, jid)
    if not steps:
        return None
    step = steps[-1]
    try:
        graph = operations.apply(G, step[apply], trusted=True)
    except operations.OperationError:  # the draft was replaced meanwhile: these steps no longer fit it
        forget(jid)
        return None
    steps.pop()
    _stack(target, jid).append(step)
    return graph


def next_step(jid: str, kind: str) -> str | None:
    """What undo (``kind="undo"``) or redo would change, in words, or None when there is nothing."""
    steps = st.session_state.get(_key(kind, jid)) or []
    return steps[-1]["what"].get(lang()) if steps else None
