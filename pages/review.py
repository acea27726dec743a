"""Review (managers, read-only): where one journey is weak, for how many customers, and why."""

import pandas as pd
import streamlit as st

from journeys.charts import emotion_curve, importance_performance, weakness_heatmap
from journeys.diagnostics import diagnose
from journeys.flow import FlowError, flow
from journeys.scoring import consensus, rollup, weakness_table
from pages._deps import journey_picker, lang, load, session, t, weights_panel
from store import analysis

VIEWS = ("heatmap", "weakest", "matrix", "emotions", "diagnostics", "rollups")


def customer_flow(G) -> dict[str, float]:
    """Visits per customer; tells the user which shares were assumed or why the flow is unbounded."""
    try:
        result = flow(G)
    except FlowError as exc:
        st.error(t("review.trapped", names=", ".join(G.nodes[n]["name"] for n in exc.trapped)), icon=":material/loop:")
        return dict.fromkeys(G, 1.0)
    if result.assumed:
        pairs = ", ".join(f"{G.nodes[u]['name']} → {G.nodes[v]['name']}" for u, v in result.assumed[:8])
        st.info(t("review.assumed", n=len(result.assumed), pairs=pairs), icon=":material/info:")
    return result.visits


def weakest(table: pd.DataFrame) -> None:
    ranked = table.sort_values("weakness", ascending=False).head(10)
    frame = pd.DataFrame(
        {
            t("scoring.touchpoint"): ranked["name"],
            t("lens.weakness"): ranked["weakness"].round(3),
            t("review.severity"): ranked["severity"].round(2),
            t("review.flow"): ranked["flow"].round(2),
            t("review.why"): [t(f"lens.{w}") if w else "" for w in ranked["why"]],
            t("review.mot"): ranked["moment_of_truth"].map({True: "★", False: ""}),
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption(t("review.weakest_help"))


def diagnostics(G, table: pd.DataFrame) -> None:
    found = diagnose(G, table["weakness"].to_dict())
    names = lambda keys: " → ".join(G.nodes[k]["name"] for k in keys) or "—"  # noqa: E731
    listed = lambda keys: ", ".join(G.nodes[k]["name"] for k in keys) or "—"  # noqa: E731
    st.markdown(f"**{t('review.unreachable')}**")
    st.text(listed(found.unreachable))
    st.markdown(f"**{t('review.dead_ends')}**")
    st.text(listed(found.dead_ends))
    st.markdown(f"**{t('review.bottlenecks')}**")
    st.text(listed(found.bottlenecks))
    st.markdown(f"**{t('review.likely', p=f'{found.most_likely_probability:.0%}')}**")
    st.text(names(found.most_likely_path))
    st.markdown(f"**{t('review.worst', w=f'{found.worst_path_weakness:.2f}')}**")
    st.text(names(found.worst_path))


def rollups(G, table: pd.DataFrame) -> None:
    by = st.segmented_control(
        t("review.rollup_by"),
        ("stage", "channel", "owner", "persona"),
        format_func=lambda g: t(f"group.{g}"),
        default="stage",
        key="review.rollup",
    )
    frame = rollup(table, by or "stage")
    labels = {s["id"]: s["name"] for s in G.graph["stages"]} | {p["id"]: p["name"] for p in G.graph["personas"]}
    frame.index = [labels.get(i, i) for i in frame.index]
    st.bar_chart(frame["weakness"], horizontal=True, y_label="", x_label=t("lens.weakness"))
    st.dataframe(frame.round(3), width="stretch")


def main() -> None:
    jid = journey_picker("review.title")
    if not jid:
        return
    G, _ = load(jid)
    st.title(t("review.title"))
    st.caption(t("review.intro", journey=G.graph["name"]))
    weights = weights_panel("review.weights")
    weighted = st.toggle(t("scoring.weighted"), key="review.weighted", help=t("scoring.weighted_help"))
    with session() as s:
        scores = consensus(analysis.list_ratings(session=s, journey_id=jid), weighted=weighted)
    table = weakness_table(G, scores, weights=weights, visits=customer_flow(G))
    if table.empty:
        st.info(t("review.empty"), icon=":material/info:")
        return
    worst = table["weakness"].idxmax()
    a, b, c = st.columns(3)
    a.metric(t("review.total"), f"{table['weakness'].sum():.2f}")
    b.metric(
        t("review.worst_touchpoint"),
        G.nodes[worst]["name"],
        t(f"lens.{table.loc[worst, 'why']}") if table.loc[worst, "why"] else None,
        delta_color="off",
    )
    c.metric(t("review.unscored"), int(table[["desirable", "viable", "feasible"]].isna().all(axis=1).sum()))
    view = (
        st.segmented_control(
            t("review.view"), VIEWS, format_func=lambda v: t(f"review.view.{v}"), default="heatmap", key="review.view"
        )
        or "heatmap"
    )
    if view == "heatmap":
        st.plotly_chart(weakness_heatmap(G, table, lang=lang()), key="review.heatmap")
    elif view == "weakest":
        weakest(table)
    elif view == "matrix":
        st.plotly_chart(importance_performance(G, table, lang=lang()), key="review.matrix")
    elif view == "emotions":
        st.plotly_chart(emotion_curve(G, lang=lang()), key="review.emotions")
    elif view == "diagnostics":
        diagnostics(G, table)
    else:
        rollups(G, table)


main()
