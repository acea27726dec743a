"""Review (managers, read-only): where one journey is weak, for how many customers, and why."""

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

from dataclasses import astuple

import pandas as pd
import streamlit as st

from journeys.analysis.diagnostics import Diagnostics, endings
from journeys.analysis.scoring import rollup
from journeys.charts.review import emotion_curve, importance_performance, rollup_bars, weakness_heatmap
from journeys.i18n import label
from store import JourneyStamp
from ui import frame
from ui.access import can
from ui.analysis import analysed, by_persona, summary
from ui.deps import labels, lang, number, percent, t
from ui.journey import stamped_graph, stamped_journey
from ui.live import live
from ui.text import md
from ui.widgets import chart, numbers, plot, show_flash, weights_panel

VIEWS = ("heatmap", "weakest", "matrix", "emotions", "diagnostics", "rollups")
ROLLUPS = ("stage", "channel", "owner", "persona")


def customer_flow(found: dict) -> None:
    """Which shares were assumed, or why the flow is unbounded."""
    if trapped := found.get("trapped"):
        st.error(t("review.trapped", names=", ".join(map(md, trapped))), icon=":material/loop:")
    elif assumed := found.get("assumed"):
        pairs = ", ".join(f"{md(u)} → {md(v)}" for u, v in assumed[:8])
        st.info(t("review.assumed", count=len(assumed), pairs=pairs), icon=":material/info:")


def weakest(jid: str, table: pd.DataFrame) -> None:
    ranked = table.sort_values("weakness", ascending=False).head(10)
    frame = pd.DataFrame(
        {
            t("scoring.touchpoint"): ranked["name"],
            t("lens.weakness"): ranked["weakness"],
            t("review.severity"): ranked["severity"],
            t("review.flow"): ranked["flow"],
            t("review.why"): [t(f"lens.{w}") if w else "" for w in ranked["why"]],
            t("review.mot"): ranked["moment_of_truth"].map({True: "★", False: ""}),
        }
    )
    st.dataframe(numbers(frame), hide_index=True, width="stretch")
    st.caption(t("review.weakest_help"))
    if can("edit"):  # from "this touchpoint hurts" to an idea: the Ideas page with it preselected
        st.markdown(f"**{t('review.ideas_for')}**")
        worst = ranked[ranked["weakness"] > 0].head(5)
        for column, (key, name) in zip(st.columns(max(len(worst), 1)), worst["name"].items(), strict=False):
            column.page_link(
                "pages/ideas.py",
                label=md(name),
                icon=":material/lightbulb:",
                query_params={"journey": jid, "touchpoint": key},
                help=t("review.idea_for", name=md(name)),
            )


def diagnostics(G, found: Diagnostics, table: pd.DataFrame) -> None:
    names = lambda keys: " → ".join(G.nodes[k]["name"] for k in keys) or "—"  # noqa: E731
    listed = lambda keys: ", ".join(G.nodes[k]["name"] for k in keys) or "—"  # noqa: E731
    flow = table["flow"].to_dict() if "flow" in table else {}
    passing = lambda k: f" ({t('review.passing', share=percent(min(flow[k], 1.0)))})" if k in flow else ""  # noqa: E731
    st.markdown(f"**{t('review.unreachable')}**")
    st.text(listed(found.unreachable))
    st.markdown(f"**{t('review.dead_ends')}**")
    st.text(listed(found.dead_ends))
    st.markdown(f"**{t('review.bottlenecks')}**")
    st.text(", ".join(G.nodes[k]["name"] + passing(k) for k in found.bottlenecks) or "—")
    if flow:
        ends = endings(G, flow)
        st.markdown(f"**{t('review.endings')}**")
        st.text(t("review.endings_line", success=percent(ends.success), drop_out=percent(ends.drop_out),
                  lost=percent(ends.lost)))  # fmt: skip
    st.markdown(f"**{t('review.likely', p=found.most_likely_probability)}**")
    st.text(names(found.most_likely_path))
    st.markdown(f"**{t('review.worst', w=found.worst_path_weakness)}**")
    st.text(names(found.worst_path))


def rollups(G, table: pd.DataFrame, about: tuple) -> None:
    """Weakness per stage (in journey order), channel, owner or persona (each with their own emotions)."""
    by = st.segmented_control(
        t("review.rollup_by"),
        ROLLUPS,
        format_func=labels("group", ROLLUPS).get,
        default="stage",
        key="review.rollup",
    )
    by = by or "stage"
    frame = by_persona(*about) if by == "persona" else rollup(table, by)
    if by == "stage":  # the stages as the journey runs, not by weakness
        order = [s["id"] for s in G.graph["stages"]]
        frame = frame.loc[[s for s in order if s in frame.index] + [s for s in frame.index if s not in order]]
    if by == "channel":  # the channels the workbench knows in the user's words, others as the team named them
        names = {c: label("channel", c, lang()) for c in frame.index}
    else:
        names = {s["id"]: s["name"] for s in G.graph["stages"]} | {p["id"]: p["name"] for p in G.graph["personas"]}
    frame.index = pd.Index([names.get(i, i) or t("review.no_owner") for i in frame.index], name=t(f"group.{by}"))
    if frame.empty:
        st.info(t("review.rollup_empty"), icon=":material/info:")
        return
    plot(rollup_bars(frame, by=by, lang=lang()), key=f"review.rollup.{by}")
    columns = {"weakness": "lens.weakness", "flow": "review.flow", "touchpoints": "review.touchpoints",
               "severity": "review.severity"}  # fmt: skip
    st.dataframe(numbers(frame), width="stretch", column_config={c: t(key) for c, key in columns.items()})


def main() -> None:
    frame.page("review")
    picked = stamped_journey("review.title")
    if not picked:
        return
    jid, stamp = picked  # the journey and its ratings are read only when its stamp is new
    show_flash()
    st.title(t("review.title"))
    live(jid, "review", (stamp.version, stamp.changes))
    caption = st.empty()  # the journey's name, once the summary is known
    weights = astuple(weights_panel("review.weights"))
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    weighted = left.toggle(t("scoring.weighted"), key="review.weighted", help=t("scoring.weighted_help"))
    personas = summary(jid, stamp, weights, weighted)["personas"]
    persona = right.selectbox(
        t("portfolio.persona"), list(personas), index=None, format_func=lambda p: md(personas[p]),
        placeholder=t("review.all_personas"), key=f"review.persona.{jid}", help=t("review.persona_help"),
    )  # fmt: skip
    about = (jid, stamp, weights, weighted, persona)
    shown = summary(*about)
    caption.caption(t("review.intro", journey=md(shown["journey"])))
    customer_flow(shown)
    if shown["empty"]:
        st.info(t("review.empty"), icon=":material/info:")
        return
    if not shown["total"]:  # nothing known that makes a touchpoint weak: no ranking, no empty charts
        st.info(t("review.nothing_known"), icon=":material/info:")
        left, right = st.columns(2)
        left.page_link("pages/scoring.py", label=t("review.to_scoring"), icon=":material/how_to_vote:",
                       query_params={"journey": jid})  # fmt: skip
        right.page_link("pages/editor.py", label=t("review.to_editor"), icon=":material/edit_note:",
                        query_params={"journey": jid})  # fmt: skip
        return
    a, b, c = st.columns(3)
    a.metric(t("review.total"), number(shown["total"], 2))
    why = t(f"lens.{shown['why']}") if shown["why"] else None
    b.metric(t("review.worst_touchpoint"), md(shown["worst"]), why, delta_color="off")
    c.metric(t("review.unscored"), shown["unscored"])
    views(jid, stamp, about)


@st.fragment
def views(jid: str, stamp: JourneyStamp, about: tuple) -> None:
    """The chosen view of the journey (``about`` as :func:`ui.analysis.summary` takes it): a switch of view runs
    and sends only this part of the page again."""
    persona = about[-1]
    view = (
        st.segmented_control(
            t("review.view"), VIEWS, format_func=labels("review.view", VIEWS).get, default="heatmap", key="review.view"
        )
        or "heatmap"
    )
    # the graph and the table only where a view needs them: a figure already drawn needs neither
    G = lambda: stamped_graph(jid, stamp)  # noqa: E731
    table, language = (lambda: analysed(*about)[1]), lang()
    if view == "heatmap":
        chart("review.heatmap", (*about, language), lambda: weakness_heatmap(G(), table(), lang=language),
              key="review.heatmap")  # fmt: skip
    elif view == "weakest":
        weakest(jid, table())
    elif view == "matrix":
        chart("review.matrix", (*about, language), lambda: importance_performance(G(), table(), lang=language),
              key="review.matrix")  # fmt: skip
    elif view == "emotions":
        chart("review.emotions", (jid, stamp.version, stamp.lifetime, language, persona),
              lambda: emotion_curve(G(), lang=language, persona=persona), key="review.emotions")  # fmt: skip
    elif view == "diagnostics":
        diagnostics(G(), analysed(*about)[2], table())
    else:
        rollups(G(), table(), about)


main()
