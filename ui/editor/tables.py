"""The editor's tables: touchpoints, transitions, stages and personas of the draft."""

from __future__ import annotations

import networkx as nx
import streamlit as st

from journeys.charts.journey_map import stage_names
from journeys.i18n import label
from journeys.model import tables
from journeys.model.fields import TOUCHPOINT_FIELDS, TRANSITION_FIELDS, Field
from journeys.model.graph import CHANNELS
from ui.deps import lang, t
from ui.editor import state
from ui.text import md

col = st.column_config


def channel_label(channel: str) -> str:
    return label("channel", channel, lang())


def persona_names(G: nx.DiGraph) -> dict[str, str]:
    return {p["id"]: p["name"] or p["id"] for p in G.graph["personas"]}


def score_column(label: str, low: int, high: int, **options):
    return col.NumberColumn(label, min_value=low, max_value=high, step=1, **{"format": "%d", **options})


def field_columns(fields: tuple[Field, ...], **special) -> dict:
    """The column configuration of the editor's table of ``fields`` (journeys.model.fields): a column for
    each field shown in the editor, made from its kind, or taken from ``special`` (stage, channel …)."""
    return {f.name: special[f.name] if f.name in special else _column(f) for f in fields if f.editor}


def _column(field: Field):
    label, help = t(f"editor.col.{field.name}"), t(field.help) if field.help else None
    if field.kind == "flag":
        return col.CheckboxColumn(label, help=help, default=field.default)
    if field.kind == "score":
        return score_column(label, *field.range, help=help)
    if field.kind == "number":
        low, high = field.range
        return col.NumberColumn(label, min_value=low, max_value=high, step=field.step, format="localized", help=help)
    if field.kind == "long_text":
        return col.TextColumn(label, width="large", help=help)
    if field.kind == "text":
        return col.TextColumn(label, required=field.required, width="medium" if field.required else None, help=help)
    raise ValueError(f"the editor has no column for a field of kind {field.kind!r} ({field.name}): pass one")


def touchpoints(jid: str, G: nx.DiGraph) -> None:
    """The touchpoint table: one row per touchpoint; add, rename, move and delete here."""

    def view(draft: state.Draft):
        G = draft.graph
        stages, personas = stage_names(G, lang()), persona_names(G)
        channels = list(dict.fromkeys([*CHANNELS, *(d["channel"] for _, d in G.nodes(data=True) if d["channel"])]))
        last_stage = next(reversed([d["stage"] for _, d in G.nodes(data=True)]), None) or next(iter(stages), None)
        return state.frame(draft, "touchpoints"), {"key": None} | field_columns(
            TOUCHPOINT_FIELDS,
            stage=col.SelectboxColumn(t("editor.col.stage"), options=list(stages), format_func=state.labels(stages),
                                      required=True, default=last_stage),
            channel=col.SelectboxColumn(t("editor.col.channel"), options=channels, format_func=channel_label),
            personas=col.MultiselectColumn(t("editor.col.personas"), options=list(personas),
                                           format_func=state.labels(personas), default=list(personas)),
        )  # fmt: skip

    state.edit_table(jid, "touchpoints", view, tables.apply_touchpoints, num_rows="dynamic")


def transitions(jid: str, G: nx.DiGraph) -> None:
    """The transition table: where customers go from each touchpoint, and how many of them."""

    def view(draft: state.Draft):
        G = draft.graph
        names = {k: d["name"] or k for k, d in G.nodes(data=True)}
        ends = {"options": list(names), "format_func": state.labels(names), "required": True, "width": "medium"}
        return tables.transitions_frame(G, draft.pending), {
            "from": col.SelectboxColumn(t("editor.col.from"), **ends),
            "to": col.SelectboxColumn(t("editor.col.to"), **ends),
        } | field_columns(TRANSITION_FIELDS, label=col.TextColumn(t("editor.col.label"), width="large"))

    state.edit_table(jid, "transitions", view, tables.apply_transitions, num_rows="dynamic")


def stages(jid: str, G: nx.DiGraph) -> None:
    """The stage table: rename, add, delete, and reorder by changing a stage's position."""
    st.caption(t("editor.stages_hint"))

    def view(draft: state.Draft):
        return state.frame(draft, "stages"), {
            "id": None,
            "name": col.TextColumn(t("editor.col.stage_name"), required=True, width="large"),
            "position": col.NumberColumn(t("editor.col.position"), min_value=0, step=1, format="%g", width="small"),
        }

    def apply(G: nx.DiGraph, edited) -> nx.DiGraph:
        try:
            return tables.apply_stages(G, edited)
        except tables.StageInUse as exc:  # the table starts over from the draft, which keeps the stage
            names = stage_names(G, lang())
            raise state.Refused(t("editor.stage_in_use", stages=", ".join(md(names[s]) for s in exc.stages))) from exc

    state.edit_table(jid, "stages", view, apply, num_rows="dynamic")


def personas(jid: str, G: nx.DiGraph) -> None:
    """The persona table: who travels this journey and what they are worth to the company."""
    st.caption(t("editor.personas_hint"))

    def view(draft: state.Draft):
        return state.frame(draft, "personas"), {
            "id": None,
            "name": col.TextColumn(t("editor.col.persona_name"), required=True, width="medium"),
            "segment": col.TextColumn(t("editor.col.segment")),
            "goals": col.TextColumn(t("editor.col.goals"), width="medium"),
            "quote": col.TextColumn(t("editor.col.quote"), width="large"),
            "value": col.NumberColumn(t("editor.col.value"), min_value=0.0, format="localized",
                                      help=t("editor.help.value")),
        }  # fmt: skip

    state.edit_table(jid, "personas", view, tables.apply_personas, num_rows="dynamic")
