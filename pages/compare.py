"""Compare (managers, read-only): what a to-be journey changes against its as-is, and what that does to the weakness."""

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

from dataclasses import astuple

import streamlit as st

import store
from journeys.analysis.comparison import compare
from journeys.analysis.scoring import Weights, consensus
from journeys.charts.comparison import (
    change_table,
    emotion_curves,
    stage_table,
    stage_weakness,
    touchpoint_list,
    touchpoint_table,
    transition_table,
    weakness_change,
)
from journeys.model.graph import STATES
from store import analysis
from ui import access, frame
from ui.deps import labels, lang, number, percent, session, t
from ui.journey import cached_graph, journey_picker, open_journey
from ui.text import md
from ui.widgets import numbers, plot, weights_panel

VIEWS = ("touchpoints", "stages", "emotions", "changes")


@st.cache_data(max_entries=16, show_spinner=False)
def comparison(before: tuple[str, int, str], after: tuple[str, int, str], weights: tuple, scores: tuple[dict, dict]):
    """The comparison of two journeys (id, version, lifetime); ratings change without a new version, so they are a
    key too."""
    return compare(
        cached_graph(*before),
        cached_graph(*after),
        before_scores=scores[0],
        after_scores=scores[1],
        weights=Weights(*weights),
    )


def pick_journeys(jid: str, journeys: dict) -> tuple[str | None, str | None]:
    """The as-is and the to-be side by side, each to open in the editor.

    Opened with a to-be, it is set against the journey it was duplicated from; opened with
    an as-is, the as-is stays on its side and is set against its newest to-be.
    """
    states = labels("state", STATES)  # translated now: AppTest formats options outside a run too
    label = {k: f"{j.name} ({states[j.state]})" for k, j in journeys.items()}.get
    ids = list(journeys)
    if journeys[jid].state == "as-is":
        to_be = [k for k in ids if journeys[k].source_id == jid]
        first_before, first_after = jid, (to_be[-1] if to_be else None)
    else:
        source = journeys[jid].source_id
        first_before, first_after = (source if source in journeys else None), jid
    left, right = st.columns(2)
    after = right.selectbox(
        t("compare.pick_after"), ids, index=ids.index(first_after) if first_after else None, format_func=label,
        placeholder=t("compare.pick_after_placeholder"), key=f"compare.after.{jid}",
    )  # fmt: skip
    others = [k for k in ids if k != after]
    before = left.selectbox(
        t("compare.pick_before"), others, index=others.index(first_before) if first_before in others else None,
        format_func=label, placeholder=t("compare.pick_placeholder"), key=f"compare.before.{jid}.{after}",
    )  # fmt: skip
    if after is None:
        st.info(t("compare.no_to_be", journey=md(journeys[jid].name)), icon=":material/info:")
    elif before is None:
        st.info(t("compare.no_source", journey=md(journeys[after].name)), icon=":material/info:")
    elif access.can("edit"):
        for column, journey, key in ((left, before, "compare.open_before"), (right, after, "compare.open_after")):
            if column.button(t(key), icon=":material/edit_note:", key=key):
                open_journey(journey)
    return before, after


def changes(cmp) -> None:
    if not (cmp.added or cmp.removed or cmp.changed or len(transition_table(cmp))):
        st.info(t("compare.no_changes"), icon=":material/info:")
    for title, keys, side in (
        ("compare.added_title", cmp.added, "after"),
        ("compare.removed_title", cmp.removed, "before"),
    ):
        if keys:
            st.subheader(t(title))
            st.dataframe(numbers(touchpoint_list(cmp, keys, side=side, lang=lang())), hide_index=True, width="stretch")
    for title, table in (
        ("compare.changed_title", change_table(cmp, lang=lang())),
        ("compare.transitions_title", transition_table(cmp, lang=lang())),
    ):
        if len(table):
            st.subheader(t(title))
            wide = {column: st.column_config.TextColumn(width="large") for column in table.columns[2:]}
            st.dataframe(table, hide_index=True, width="stretch", column_config=wide)


def main() -> None:
    frame.page("review")
    jid = journey_picker("compare.title")
    if not jid:
        return
    st.title(t("compare.title"))
    with session() as s:
        journeys = {j.id: j for j in store.list_journeys(session=s)}
    before_id, after_id = pick_journeys(jid, journeys)
    if not before_id or not after_id:
        return
    st.caption(t("compare.intro", before=md(journeys[before_id].name), after=md(journeys[after_id].name)))
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        weights = weights_panel("compare.weights")
    weighted = right.toggle(t("scoring.weighted"), key="compare.weighted", help=t("scoring.weighted_help"))
    with session() as s:
        stamps = [store.journey_stamp(session=s, journey_id=j) for j in (before_id, after_id)]
        if None in stamps:  # moved to the trash meanwhile
            raise store.JourneyNotFound(f"no journey with id {before_id!r} or {after_id!r}")
        keys = [(j, stamp.version, stamp.lifetime) for j, stamp in zip((before_id, after_id), stamps, strict=True)]
        scores = [
            consensus(analysis.list_ratings(session=s, journey_id=j), weighted=weighted) for j in (before_id, after_id)
        ]
    cmp = comparison(*keys, astuple(weights), tuple(scores))
    for note in cmp.notes:
        G = cmp.before if note.side == "before" else cmp.after
        names = ", ".join(md(G.nodes[k]["name"]) for k in note.touchpoints)
        st.warning(t("compare.trapped", journey=md(G.graph["name"]), names=names), icon=":material/loop:")
    if cmp.touchpoints.empty:
        st.info(t("compare.empty"), icon=":material/info:")
        return
    total, added, removed, changed = st.columns(4)
    relative = f" ({percent(cmp.relative, sign=True)})" if cmp.relative is not None else ""
    total.metric(
        t("compare.total"),
        f"{number(cmp.total_before, 2)} → {number(cmp.total_after, 2)}",
        f"{number(cmp.delta, 2, sign=True)}{relative}",
        delta_color="inverse",
    )
    added.metric(t("compare.added"), len(cmp.added))
    removed.metric(t("compare.removed"), len(cmp.removed))
    moved = len(cmp.transitions_added) + len(cmp.transitions_removed) + len(cmp.transitions_changed)
    changed.metric(
        t("compare.changed"),
        len(cmp.changed),
        t("compare.transitions", n=moved) if moved else None,
        "off",
        delta_arrow="off",
    )
    if cmp.unrated:
        names = ", ".join(md(cmp.after.nodes[k]["name"]) for k in cmp.unrated)
        hint, go = st.columns([5, 1], vertical_alignment="center")
        hint.info(t("compare.unrated", count=len(cmp.unrated), names=names), icon=":material/how_to_vote:")
        if access.can("score") and go.button(t("compare.to_scoring"), icon=":material/how_to_vote:"):
            open_journey(after_id, "pages/scoring.py")
    view = st.segmented_control(
        t("compare.view"),
        VIEWS,
        format_func=labels("compare.view", VIEWS).get,
        default="touchpoints",
        key="compare.view",
        required=True,
    )
    if view == "stages":
        plot(stage_weakness(cmp, lang=lang()), key="compare.stages")
        st.dataframe(numbers(stage_table(cmp, lang=lang())), hide_index=True, width="stretch")
    elif view == "emotions":
        plot(emotion_curves(cmp, lang=lang()), key="compare.emotions")
    elif view == "changes":
        changes(cmp)
    else:
        plot(weakness_change(cmp, lang=lang()), key="compare.change")
        st.dataframe(numbers(touchpoint_table(cmp, lang=lang())), hide_index=True, width="stretch")
    st.caption(t("compare.help"))


main()
