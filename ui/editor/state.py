"""The editor's working copy of a journey (its draft), kept in session state.

Per journey, session state holds only plain values: the draft as JSON text, the
version it is based on, transition rows not complete yet, a conflict if the
last save met one, the selected touchpoint, and a nonce. Every editing widget
has the nonce in its key; a change to the draft bumps it, so each widget is
created anew from the new draft instead of replaying its old edits.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pandas as pd
import streamlit as st

from journeys.model import tables
from journeys.model.graph import journey_equal, normalize
from journeys.model.validation import Problem, validate
from ui.deps import t
from ui.editor import undo
from ui.journey import cached_graph, load
from ui.text import md


def _key(name: str, jid: str) -> str:
    return f"editor.{name}.{jid}"


def start(jid: str, *, force: bool = False) -> None:
    """Open a draft of the journey's latest version, unless one is open (or ``force``)."""
    if not force and _key("draft", jid) in st.session_state:
        return
    graph, version = load(jid)
    rebase(jid, graph, version)


def rebase(jid: str, graph: nx.DiGraph, version: int) -> None:
    """Make ``graph`` the draft and ``version`` the version it is based on."""
    st.session_state[_key("draft", jid)] = tables.write_draft(graph)
    st.session_state[_key("base", jid)] = version
    st.session_state[_key("pending", jid)] = []
    st.session_state.pop(_key("conflict", jid), None)
    undo.forget(jid)
    bump(jid)


def draft(jid: str) -> nx.DiGraph:
    """The draft as a graph (a fresh copy each call)."""
    return _read(draft_text(jid))


def draft_text(jid: str) -> str:
    """The draft as the JSON text it is kept as: what caches of things drawn from the draft are keyed by."""
    return st.session_state[_key("draft", jid)]


# What the editor shows of a draft, cached by the draft's text: a rerun without an edit reads and
# checks nothing again. ``_graph`` (not part of the key) is that draft already read, for a miss.
# st.cache_data hands out a copy on every call, so callers may change what they get.
@st.cache_data(max_entries=16, show_spinner=False)
def _read(text: str) -> nx.DiGraph:
    return tables.read_draft(text)


@st.cache_data(max_entries=16, show_spinner=False)
def _problems(text: str, _graph: nx.DiGraph) -> list[Problem]:
    return validate(_graph)


@st.cache_data(max_entries=16, show_spinner=False)
def _frame(text: str, name: str, _graph: nx.DiGraph) -> pd.DataFrame:
    return FRAMES[name](_graph)


@st.cache_data(max_entries=32, show_spinner=False)
def _differs(jid: str, version: int, text: str, _graph: nx.DiGraph) -> bool:
    return not journey_equal(_graph, normalize(cached_graph(jid, version)))


FRAMES = {"touchpoints": tables.touchpoints_frame, "stages": tables.stages_frame, "personas": tables.personas_frame}
"""The tables of the whole draft; a touchpoint's own small tables are quicker built than unpickled."""


def frame(jid: str, G: nx.DiGraph, name: str) -> pd.DataFrame:
    """The table ``name`` (one of :data:`FRAMES`) of the draft ``G`` (:func:`draft` of ``jid``), as its editor shows it."""
    return _frame(draft_text(jid), name, G)


def draft_problems(jid: str, G: nx.DiGraph) -> list[Problem]:
    """What is wrong with the draft ``G`` (:func:`draft` of ``jid``; :func:`journeys.model.validation.validate`)."""
    return _problems(draft_text(jid), G)


def base_version(jid: str) -> int:
    return st.session_state[_key("base", jid)]


def base(jid: str) -> nx.DiGraph:
    """The journey as it was at the draft's base version."""
    return normalize(cached_graph(jid, base_version(jid)))


def dirty(jid: str, graph: nx.DiGraph) -> bool:
    """True when the draft ``graph`` (:func:`draft` of ``jid``) differs from its base or has rows still to complete."""
    return bool(pending(jid)) or _differs(jid, base_version(jid), draft_text(jid), graph)


def pending(jid: str) -> list[dict]:
    return st.session_state.get(_key("pending", jid), [])


def conflict(jid: str) -> dict | None:
    return st.session_state.get(_key("conflict", jid))


def set_conflict(jid: str, info: dict | None) -> None:
    st.session_state[_key("conflict", jid)] = info


def selected(jid: str, graph: nx.DiGraph) -> str | None:
    """The touchpoint the detail panel shows: the one last chosen, else the first."""
    key = st.session_state.get(_key("selected", jid))
    return key if key in graph else next(iter(graph), None)


def select(jid: str, key: str) -> None:
    st.session_state[_key("selected", jid)] = key


def bump(jid: str) -> None:
    st.session_state[_key("nonce", jid)] = st.session_state.get(_key("nonce", jid), 0) + 1


def widget_key(jid: str, name: str) -> str:
    """The key of an editing widget: new whenever the draft changed."""
    return f"editor.w.{name}.{jid}.{st.session_state.get(_key('nonce', jid), 0)}"


def change(jid: str, graph: nx.DiGraph, *, pending_rows: list[dict] | None = None, recorded: bool = False) -> None:
    """Make ``graph`` the draft, re-create the editing widgets from it and rerun.

    Every change of the draft comes through here and becomes a step to undo, unless the caller
    ``recorded`` it already (the map, with the operations it sent) or is undoing or redoing one.
    """
    if not recorded:
        undo.record(jid, draft(jid), graph)
    st.session_state[_key("draft", jid)] = tables.write_draft(graph)
    if pending_rows is not None:
        st.session_state[_key("pending", jid)] = pending_rows
    bump(jid)
    st.rerun()


def edit_table(jid: str, name: str, frame: pd.DataFrame, apply, **options) -> None:
    """Show ``frame`` in a table editor; apply an edit to the draft as ``apply(edited)``.

    The editor is always fed the frame built from the draft and never its own
    output: after an edit the draft changes and the editor starts over from it.
    """
    options = {"hide_index": True, "width": "stretch", "height": "content", "placeholder": "–", **options}
    key = widget_key(jid, name)
    edited = st.data_editor(frame, key=key, **{**options, "column_config": unbounded(options.get("column_config", {}))})
    edits = st.session_state.get(key)
    if not (isinstance(edits, dict) and any(edits.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))):
        return  # not edited: the editor shows the draft as it is
    if refuse_cells(key, options.get("column_config", {}), rows=len(frame)):
        return  # the draft keeps its value; the table shows the user's cell and why it is not taken
    if tables.frames_differ(frame, edited):
        apply(edited)


def unbounded(column_config: dict) -> dict:
    """``column_config`` for the table editor, without the bounds of its number columns.

    Given a column's bounds, the editor in the browser quietly turns a number typed past
    them into the bound (a 7 on a 1–5 scale into 5). Without them the number arrives as
    typed, and :func:`refuse_cells`, which reads the bounds from the full configuration,
    says why it is not taken.
    """
    shown = {}
    for name, config in column_config.items():
        kind = config.get("type_config", {}) if isinstance(config, dict) else {}
        if kind.get("type") == "number":
            config = {**config, "type_config": {k: v for k, v in kind.items() if k not in ("min_value", "max_value")}}
        shown[name] = config
    return shown


def refuse_cells(key: str, column_config: dict, *, rows: int) -> bool:
    """Under table editor ``key``: why cells that are no number within their column's bounds are not taken.

    Returns True when there are such cells, and then nothing of the edit may be taken.
    """
    refused = tables.refused_cells(st.session_state.get(key), column_config, rows=rows)
    if not refused:
        return False
    lines = []
    for cell in refused:
        config = column_config.get(cell["column"]) or {}
        label = config.get("label") or cell["column"]
        value = md(repr(cell["value"]) if isinstance(cell["value"], str) else cell["value"])
        key_ = "table.refused" if cell["whole"] else "table.refused.real"
        lines.append("- " + t(key_, row=cell["row"], column=md(label), value=value, lo=cell["lo"], hi=cell["hi"]))
    st.error("\n".join([*lines, "", t("table.refused.hint")]), icon=":material/block:")
    return True


def labels(names: dict) -> Callable[[str], str]:
    """A ``format_func`` showing ``names[key]``, or the key itself when it has no name."""
    return lambda key: str(names.get(key, key))
