"""The map editor: the Editor's map, on which a workshop adds, moves, connects, renames and deletes.

The map is a component of our own (``canvas.js`` and ``canvas.css`` beside this file, served
with the app, no build step). It draws :func:`journeys.charts.canvas.map_model` of the draft
and sends every edit as operations (:mod:`journeys.model.operations`), numbered per browser
tab; it keeps sending an edit until the map it gets back says the edit is applied. Here each
edit is applied once, in order, through the one funnel of draft changes, so that undo and redo
cover it like any other change.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import streamlit as st

from journeys.charts.canvas import map_key, map_model
from journeys.model import operations
from ui.comments import open_counts
from ui.deps import guarded, lang, t
from ui.editor import state, undo
from ui.text import md
from ui.widgets import flash

HERE = Path(__file__).parent
COMPONENT = st.components.v2.component(
    "journey_map_editor",
    html="",
    css=(HERE / "canvas.css").read_text(encoding="utf-8"),
    js=(HERE / "canvas.js").read_text(encoding="utf-8"),
)


# The map of a draft, made once for what it draws (an edit of a touchpoint's owner leaves it as it was) and shared
# by every session showing it: the same data is not sent to the browser again. Nothing changes it in place.
@st.cache_resource(max_entries=16, show_spinner=False)
def _drawn_from(text: str, _graph: nx.DiGraph) -> str:
    return map_key(_graph)


@st.cache_resource(max_entries=16, show_spinner=False)
def _model(key: str, persona: str | None, language: str, _graph: nx.DiGraph) -> dict:
    return map_model(_graph, lang=language, persona=persona)


def map_editor(jid: str, G: nx.DiGraph, selected: str | None, persona: str | None) -> str | None:
    """Draw the map editor of the draft ``G``; apply what was done on it; return the touchpoint to show."""
    ws = state.workspace(jid)
    # the touchpoint shown seeds the map's selection on a first draw; a choice in the detail panel is sent with a
    # new number (``seeds``), which makes the map show it chosen. One chosen on the map the map shows already, so
    # the map gets the same data as before, which Streamlit does not send again.
    if ws.seed not in G:
        ws.seed = selected
    # the open comment threads per touchpoint, drawn as a badge on its marker (numbers only, no text of anyone's)
    comments = {key: n for key, n in open_counts(jid).items() if key in G}
    data = {"model": _model(_drawn_from(ws.text, G), persona, lang(), G), "selected": ws.seed, "seeded": ws.seeds,
            "acked": ws.applied, "journey": jid, "comments": comments}  # fmt: skip
    result = COMPONENT(
        key=f"editor.canvas.{jid}", data=data, default={"queue": [], "selection": None},
        on_queue_change=lambda: take_edits(jid, rerun=True), on_selection_change=lambda: None,
    )  # fmt: skip  # its edits are applied before the page draws anything (take_edits)
    picked = result.get("selection")
    if isinstance(picked, dict) and picked.get("pick") != ws.pick:
        keys = [k for k in picked.get("keys") or [] if isinstance(k, str) and k in G]
        ws.pick = picked.get("pick")
        if keys:
            ws.selected = keys[-1]
            return keys[-1]
    return selected


@guarded
def take_edits(jid: str, *, rerun: bool = False) -> None:
    """Apply what was done on the map since the last run before the page draws anything, so that the page shows
    the new draft in this run instead of drawing the old one and running again.

    ``rerun``: in the map's callback, where a change of the draft makes the run the whole page's instead of only
    the map's part (the status line and the tables show the draft too), without a run of that part first.
    """
    sent = st.session_state.get(f"editor.canvas.{jid}")
    queue = sent.get("queue") if hasattr(sent, "get") else None
    if queue:
        receive(jid, state.draft(jid), queue, rerun=rerun)


def receive(jid: str, G: nx.DiGraph, queue, *, rerun: bool = True) -> None:
    """Apply the edits in ``queue`` (from the map) that are not applied yet, each once and in order.

    An edit that does not fit the draft (a touchpoint someone deleted meanwhile, a share
    beyond 100 %) is not applied and the reason is shown; the edits after it still are.
    The edits, the steps to undo them and the note of which are applied change together
    (:func:`ui.editor.state.commit`): a run stopped before that loses none and applies none twice.
    """
    ws, language = state.workspace(jid), lang()
    graph, refused = G, []
    for entry in queue if isinstance(queue, list) else []:  # from here on only ``ws`` changes
        if not isinstance(entry, dict):
            continue
        client, seq = entry.get("client"), entry.get("seq")
        if not isinstance(client, str) or not isinstance(seq, int) or seq <= ws.applied.get(client, 0):
            continue
        ws.applied[client] = seq
        command = entry.get("command")
        if command in ("undo", "redo"):
            graph = (undo.undo if command == "undo" else undo.redo)(ws, graph) or graph
            continue
        try:
            after = operations.apply(graph, entry.get("ops"))
        except operations.OperationError as problem:
            refused.append(problem.text(language))
            continue
        if (made := undo.step(graph, after, entry.get("ops"))) is not None:
            undo.push(ws, made)
        graph = after
    changed = graph is not G and state.commit(ws, graph, recorded=True)  # a queue all applied before: no work
    for reason in refused:
        flash(t("canvas.refused", reason=md(reason)), ":material/block:")
    if changed and rerun:
        st.rerun()


def undo_buttons(jid: str, G: nx.DiGraph) -> None:
    """Undo and Redo, with what they would change in their help, and the page's shortcuts for them."""
    ws, language = state.workspace(jid), lang()
    back, again = undo.next_step(ws, "undo", language), undo.next_step(ws, "redo", language)
    with st.container(horizontal=True, gap="small"):
        if st.button(
            t("canvas.undo"), icon=":material/undo:", disabled=back is None, key="editor.undo", shortcut="Ctrl+Z",
            help=t("canvas.undo_help", what=md(back)) if back else None,
        ):  # fmt: skip
            _take(ws, undo.undo(ws, G))
        if st.button(
            t("canvas.redo"), icon=":material/redo:", disabled=again is None, key="editor.redo",
            shortcut="Ctrl+Shift+Z", help=t("canvas.redo_help", what=md(again)) if again else None,
        ):  # fmt: skip
            _take(ws, undo.redo(ws, G))


def _take(ws: state.Workspace, graph: nx.DiGraph | None) -> None:
    """The draft undone or redone to ``graph``, with the steps moved already (None: nothing to do)."""
    if graph is not None and state.commit(ws, graph, recorded=True):
        st.rerun()
