"""Scoring: each participant scores touchpoints on desirable / viable / feasible, a stage at a time."""

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

import streamlit as st

from journeys.model.graph import touchpoints_in_order
from store import analysis
from ui import frame
from ui.deps import session, t
from ui.journey import journey_picker, load
from ui.live import live
from ui.ratings import consensus_table, progress, rater_controls, score_editor
from ui.text import md
from ui.widgets import show_flash


def stage_of(G, names: dict) -> dict[str, str]:
    """Touchpoint → the name of its stage, where the page says which stages hold unsaved scores."""
    named = {s["id"]: s["name"] for s in G.graph["stages"]}
    return {k: named.get(G.nodes[k]["stage"]) or G.nodes[k]["stage"] for k in names}


def main() -> None:
    frame.page("score")
    jid = journey_picker("scoring.title")
    if not jid:
        return
    G, stamp = load(jid)
    show_flash()
    st.title(t("scoring.title"))
    live(jid, "score", (stamp.version, stamp.changes))
    st.caption(t("scoring.intro", journey=md(G.graph["name"])))
    if not G:
        st.info(t("scoring.no_touchpoints"), icon=":material/info:")
        st.page_link("pages/editor.py", label=t("review.to_editor"), icon=":material/edit_note:",
                     query_params={"journey": jid})  # fmt: skip
        return
    rater, discipline = rater_controls()
    with session() as s:
        ratings = analysis.list_ratings(session=s, journey_id=jid)
    names = {k: G.nodes[k]["name"] for k in touchpoints_in_order(G)}
    progress(names, ratings, rater or "")
    stages = {s["id"]: md(s["name"]) for s in G.graph["stages"]}  # options of a segmented control are Markdown
    stage = st.segmented_control(t("scoring.stage"), list(stages), format_func=stages.get, key=f"scoring.stage.{jid}")
    stage = stage or next(iter(stages), None)
    in_stage = {k: name for k, name in names.items() if G.nodes[k]["stage"] == stage}
    if rater and in_stage:
        score_editor(
            journey_id=jid, names=in_stage, ratings=ratings, rater=rater, discipline=discipline, by="touchpoint",
            key=f"scoring.table.{jid}", part=stage, where=stage_of(G, names),
        )  # fmt: skip
    st.subheader(t("scoring.consensus"))
    weighted = st.toggle(t("scoring.weighted"), help=t("scoring.weighted_help"), key="scoring.weighted")
    consensus_table(names, ratings, weighted)


main()
