"""The detail panel of one touchpoint: scores, emotions, needs and pain points, and its comments."""

from __future__ import annotations

import networkx as nx
import streamlit as st

from journeys.model import tables
from journeys.model.graph import EMOTION_RANGE, EVIDENCE, NEED_KINDS, SCORE_RANGE, SEVERITY_RANGE
from ui.comments import open_badge, open_counts, thread_panel
from ui.deps import guarded, labels, t
from ui.editor import state
from ui.editor.tables import col, persona_names, score_column
from ui.journey import load

HEADINGS = {  # a touchpoint's tables: the heading of each, and its help
    "emotions": ("editor.emotions", "editor.help.emotions"),
    "needs": ("editor.needs", "editor.help.needs"),
    "pains": ("editor.pains", "editor.help.pains"),
}


def _score(jid: str, G: nx.DiGraph, key: str, field: str, label: str) -> None:
    low, high = SCORE_RANGE
    shown = G.nodes[key][field] if G.nodes[key][field] in range(low, high + 1) else None  # an invalid one: blank
    name = f"{field}.{key}"
    widget = state.showing(jid, name, shown)
    st.number_input(
        label, min_value=low, max_value=high, step=1, value=None, placeholder="–", key=widget,
        help=t("editor.help.scores"), on_change=_set_score, args=(jid, key, field, widget, shown),
    )  # fmt: skip


@guarded
def _set_score(jid: str, key: str, field: str, widget: str, shown: int | None) -> None:
    """The score typed into ``widget`` into the draft, before the page runs: the whole page's run, not only the
    detail panel's, so that all of it shows the change."""
    G = state.draft(jid)
    if key in G and state.entered(jid, f"{field}.{key}", widget, shown):
        state.change(jid, tables.update_touchpoint(G, key, **{field: st.session_state[widget]}))


def _pick(jid: str, shown: str, picker: str) -> None:
    """Show the touchpoint chosen in the choice of touchpoint."""
    if state.entered(jid, "pick", picker, shown):
        state.select(jid, st.session_state[picker])


def panel(jid: str, G: nx.DiGraph, key: str) -> None:
    """Show and edit everything about touchpoint ``key``; a choice of touchpoint above it."""
    _take_left_behind(jid, G, key)
    names = {k: d["name"] or k for k, d in G.nodes(data=True)}
    left, right = st.columns([1, 2.6], gap="medium")
    with left:
        picker = state.showing(jid, "pick", key)
        st.selectbox(
            t("editor.touchpoint"), options=list(names), format_func=state.labels(names), key=picker,
            help=t("editor.help.pick"), on_change=_pick, args=(jid, key, picker),
        )  # fmt: skip
        open_badge(open_counts(jid).get(key, 0))
        expectation, experience = st.columns(2)
        with expectation:
            _score(jid, G, key, "expectation", t("editor.col.expectation"))
        with experience:
            _score(jid, G, key, "experience", t("editor.col.experience"))
    for kind, table in _tables(key).items():
        heading, help = HEADINGS[kind]
        with left if kind == "emotions" else right.container():
            st.markdown(f"**{t(heading)}**", help=t(help))
            state.edit_table(jid, f"{kind}.{key}", **table)
    with right.container():
        saved, _ = load(jid)  # comments are on saved touchpoints: one added to the draft is not stored yet
        thread_panel(jid, touchpoint=key, stored=key in saved)


def _take_left_behind(jid: str, G: nx.DiGraph, key: str) -> None:
    """The tables of the touchpoint shown before, where the user chose another right after typing in one:
    drawn out of sight once, they hand their last edits to the draft."""
    shown = f"editor.panel.{jid}"
    left = st.session_state.get(shown)
    if left != key and left in G:
        for kind, table in _tables(left).items():
            if state.holds_untaken(jid, f"{kind}.{left}"):
                with state.out_of_sight():
                    state.edit_table(jid, f"{kind}.{left}", **table)
    st.session_state[shown] = key


def _tables(key: str) -> dict:
    """The tables of touchpoint ``key`` as :func:`ui.editor.state.edit_table` takes them: what each shows of a
    state of the draft, and how its edited frame goes into the journey."""
    return {
        "emotions": {
            "view": lambda draft: _emotions(draft.graph, key),
            "apply": lambda G, edited: tables.apply_emotions(G, key, edited),
        },
        "needs": {
            "view": lambda draft: _needs(draft.graph, key),
            "apply": lambda G, edited: tables.apply_needs(G, key, edited),
            "num_rows": "dynamic",
        },
        "pains": {
            "view": lambda draft: _pains(draft.graph, key),
            "apply": lambda G, edited: tables.apply_pains(G, key, edited),
            "num_rows": "dynamic",
        },
    }


def _persona_column(G: nx.DiGraph):
    personas = persona_names(G)
    return col.SelectboxColumn(
        t("editor.col.persona"), options=list(personas), format_func=state.labels(personas),
        help=t("editor.help.persona"),
    )  # fmt: skip


def _emotions(G: nx.DiGraph, key: str):
    """The emotions at touchpoint ``key`` of ``G`` as their table shows them: the frame and its columns."""
    return tables.emotions_frame(G, key), {
        "persona": None, "name": col.TextColumn(t("editor.col.persona"), disabled=True),
        "emotion": score_column(t("editor.col.emotion"), *EMOTION_RANGE, format="%+d", width=80),
    }  # fmt: skip


def _needs(G: nx.DiGraph, key: str):
    """The needs of touchpoint ``key`` of ``G`` as their table shows them: the frame and its columns."""
    return tables.needs_frame(G, key), {
        "text": col.TextColumn(t("editor.col.need"), required=True, width="medium"),
        "motivation": col.TextColumn(t("editor.col.motivation"), width="medium"),
        "kind": col.SelectboxColumn(t("editor.col.kind"), options=NEED_KINDS, default=NEED_KINDS[0],
                                    format_func=labels("kind", NEED_KINDS).get, required=True),
        "persona": _persona_column(G),
    }  # fmt: skip


def _pains(G: nx.DiGraph, key: str):
    """The pain points of touchpoint ``key`` of ``G`` as their table shows them: the frame and its columns."""
    return tables.pains_frame(G, key), {
        "text": col.TextColumn(t("editor.col.pain"), required=True, width="medium"),
        "severity": score_column(t("editor.col.severity"), *SEVERITY_RANGE, default=3, required=True,
                                 help=t("editor.help.severity")),
        "evidence": col.SelectboxColumn(t("editor.col.evidence"), options=EVIDENCE, default="assumption",
                                        format_func=labels("evidence", EVIDENCE).get, required=True),
        "persona": _persona_column(G),
    }  # fmt: skip
