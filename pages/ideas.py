"""Ideas: what would relieve the weak touchpoints, scored like touchpoints and ranked by expected relief.

Deep link ``?journey=<id>&touchpoint=<key>`` opens a new idea for that touchpoint.
"""

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

import pandas as pd
import streamlit as st

from journeys.analysis.ideas import STATUSES, ranked_ideas
from journeys.charts.ideas import value_effort_matrix
from store import JourneyStamp, analysis
from store import ideas as store_ideas
from ui import frame
from ui.access import allowed, can
from ui.analysis import default_weakness
from ui.comments import thread_panel
from ui.deps import labels, lang, session, t
from ui.idea_form import VIEW, form, open_form, state
from ui.journey import journey_picker, load
from ui.live import live
from ui.ratings import consensus_table, progress, rater_controls, score_editor
from ui.text import md
from ui.widgets import numbers, plot, show_flash

VIEWS = ("matrix", "rate")
WEIGHTED = "ideas.weighted"


def weaknesses(jid: str, stamp: JourneyStamp) -> dict[str, float]:
    """Weakness per touchpoint, as on the Review page (default weights)."""
    table = default_weakness(jid, stamp)
    return table["weakness"].to_dict() if not table.empty else {}


def ranked_list(jid: str, G, table: pd.DataFrame, ideas: dict) -> None:
    """The ideas, best relief first; selecting a row opens it."""
    names = {k: G.nodes[k]["name"] for k in G}
    frame = pd.DataFrame(
        {
            "#": range(1, len(table) + 1),
            t("ideas.field.title"): table["title"],
            t("ideas.status"): [t(f"ideas.status.{s}") for s in table["status"]],
            t("ideas.owner"): table["owner"],
            t("ideas.touchpoints"): [", ".join(names.get(k, k) for k in keys) for keys in table["touchpoints"]],
            t("ideas.value"): table["value"].astype(float),
            t("ideas.effort"): table["effort"],
            t("ideas.relief"): table["relief"].astype(float),
            t("ideas.quadrant"): [t(f"ideas.quadrant.{q}") if isinstance(q, str) else "" for q in table["quadrant"]],
        }
    )
    key = f"ideas.list.{jid}.{st.session_state.get(state(jid, 'list'), 0)}"
    widths = [36, 250, 90, 135, 200, 60, 75, 130, 120]  # fits a laptop screen without scrolling sideways
    event = st.dataframe(
        numbers(frame, {t("ideas.value"): 1, t("ideas.relief"): 2}), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key=key,
        column_config={name: st.column_config.Column(width=w) for name, w in zip(frame.columns, widths, strict=True)},
    )  # fmt: skip
    st.caption(t("ideas.relief_help"))
    rows = event.selection.rows if event else []
    chosen = int(table.index[rows[0]]) if rows else None
    if chosen is not None and chosen != st.session_state.get(state(jid, "selected")):
        open_form(jid, ideas[chosen])
    st.session_state[state(jid, "selected")] = chosen


def rate(jid: str, ideas: dict) -> None:
    """Each rater scores the ideas on D/V/F, like touchpoints; the consensus and spread below."""
    names = {i: idea["title"] for i, idea in ideas.items()}
    with session() as s:
        ratings = analysis.list_ratings(session=s, journey_id=jid, subject="idea")
    if can("score"):
        rater, discipline = rater_controls()
        progress(names, ratings, rater or "", by="idea")
        if rater and names:
            score_editor(
                journey_id=jid, names=names, ratings=ratings, rater=rater, discipline=discipline, by="idea",
                key=f"ideas.table.{jid}",
            )  # fmt: skip
    st.subheader(t("scoring.consensus"), anchor=False)
    consensus_table(names, ratings, st.session_state.get(WEIGHTED, False), by="idea")


def main() -> None:
    frame.page("review")
    jid = journey_picker("ideas.title")
    if not jid:
        return
    G, stamp = load(jid)
    show_flash()
    st.title(t("ideas.title"))
    live(jid, "ideas", (stamp.version, stamp.changes))
    st.caption(t("ideas.intro", journey=md(G.graph["name"])))
    if (linked := st.query_params.get("touchpoint")) is not None:  # "idea for this touchpoint" from the Review
        del st.query_params["touchpoint"]
        if linked in G and allowed("edit"):
            open_form(jid, None, touchpoints=[linked])
    with session() as s:
        ideas = {i["id"]: i for i in store_ideas.list_ideas(session=s, journey_id=jid)}
        ratings = analysis.list_ratings(session=s, journey_id=jid, subject="idea")
    weakness = weaknesses(jid, stamp)
    left, middle, right = st.columns([5, 3, 1], vertical_alignment="bottom")
    shown = left.pills(
        t("ideas.status"), STATUSES, selection_mode="multi", default=list(STATUSES),
        format_func=labels("ideas.status", STATUSES).get, key=f"ideas.filter.{jid}",
    )  # fmt: skip
    weighted = middle.toggle(t("scoring.weighted"), help=t("scoring.weighted_help"), key=WEIGHTED)
    if can("edit") and right.button(t("ideas.new"), icon=":material/add:", key=f"ideas.new.{jid}", width="stretch"):
        open_form(jid, None)
    table = ranked_ideas(list(ideas.values()), ratings, weakness, weighted=weighted)
    table = table[table["status"].isin(shown)]
    if ideas:
        ranked_list(jid, G, table, ideas)
    else:
        st.info(t("ideas.empty"), icon=":material/lightbulb:")
    form(jid, G, ideas, weakness)
    if (opened := st.session_state.get(state(jid, "open"))) in ideas:  # the comments on the idea open in the form
        with st.container(border=True):
            thread_panel(jid, idea=opened)
    st.session_state.setdefault(VIEW, "matrix")
    view = st.segmented_control(t("review.view"), VIEWS, format_func=labels("ideas.view", VIEWS).get, key=VIEW)
    if view == "rate":
        rate(jid, ideas)
    elif ideas:
        plot(value_effort_matrix(table, journey=G.graph["name"], lang=lang()), width="stretch")
        unplaced = table[table["value"].isna() | table["effort"].isna()]
        if not unplaced.empty:
            st.caption(t("ideas.unplaced", n=len(unplaced), names=", ".join(md(x) for x in unplaced["title"])))


main()
