"""Portfolio (managers): weakness across all journeys, from one SQL aggregation."""

import streamlit as st

from journeys.charts import portfolio_heatmap
from pages._deps import lang, open_journey, session, t, weights_panel
from store import analysis


def filters() -> dict:
    with session() as s:
        options = analysis.filter_options(session=s)
    columns = st.columns(4)
    chosen = {
        name: columns[i].selectbox(
            t(f"portfolio.{name}"), options[name], index=None, placeholder=t("portfolio.all"), key=f"portfolio.{name}"
        )
        for i, name in enumerate(("persona", "channel", "owner"))
    }
    chosen["state"] = columns[3].selectbox(
        t("portfolio.state"),
        ("as-is", "to-be"),
        index=None,
        format_func=lambda s: t(f"state.{s}"),
        placeholder=t("portfolio.all"),
        key="portfolio.state",
    )
    return {k: v for k, v in chosen.items() if v}


def main() -> None:
    st.title(t("portfolio.title"))
    st.caption(t("portfolio.intro"))
    left, right = st.columns(2)
    rows = left.selectbox(
        t("portfolio.rows"),
        ("journey", "channel", "owner"),
        format_func=lambda g: t(f"group.{g}"),
        key="portfolio.rows",
    )
    columns = right.selectbox(
        t("portfolio.columns"),
        ("stage", "channel", "owner"),
        format_func=lambda g: t(f"group.{g}"),
        key="portfolio.columns",
    )
    chosen = filters()
    weights = weights_panel("portfolio.weights")
    if rows == columns:
        st.warning(t("portfolio.same"))
        return
    with session() as s:
        cells = analysis.portfolio(session=s, rows=rows, columns=columns, weights=weights, **chosen)
        worst = analysis.weakest_across(session=s, top=10, weights=weights, **chosen)
    if cells.empty:
        st.info(t("portfolio.empty"), icon=":material/info:")
        return
    event = st.plotly_chart(
        portfolio_heatmap(cells, rows=rows, columns=columns, lang=lang()),
        on_select="rerun",
        selection_mode="points",
        key=f"portfolio.heatmap.{rows}.{columns}",
    )
    clicked = [p.get("customdata") for p in event.selection.points if p.get("customdata")]
    if clicked:
        open_journey(clicked[0], "pages/review.py")
    if rows == "journey":
        st.caption(t("portfolio.click"))
    st.subheader(t("portfolio.weakest"))
    shown = worst.assign(why=[t(f"lens.{w}") if w else "" for w in worst["why"]])
    pick = st.dataframe(
        shown[["journey", "name", "stage", "channel", "owner", "flow", "weakness", "why"]].round(3),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="portfolio.worst",
        column_config={
            "journey": t("group.journey"),
            "name": t("scoring.touchpoint"),
            "stage": t("group.stage"),
            "channel": t("group.channel"),
            "owner": t("group.owner"),
            "flow": t("review.flow"),
            "weakness": t("lens.weakness"),
            "why": t("review.why"),
        },
    )
    if pick.selection.rows:
        open_journey(worst.iloc[pick.selection.rows[0]]["journey_id"], "pages/review.py")


main()
