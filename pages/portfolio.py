"""Portfolio (managers): weakness across all journeys, from one SQL aggregation."""

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

from dataclasses import astuple

import streamlit as st

from journeys.charts.captions import group_label
from journeys.charts.review import portfolio_heatmap
from journeys.model.graph import STATES
from store.analysis import GROUPINGS
from ui import frame
from ui.analysis import cells, filter_choices, weakest_shown
from ui.deps import labels, lang, t, translated
from ui.journey import open_journey, portfolio_stamp
from ui.live import portfolio_watch
from ui.widgets import chart, numbers, weights_panel


def filters(stamp: str) -> dict:
    options = filter_choices(stamp)
    columns = st.columns(4)
    channels = {c: group_label("channel", c, lang()) for c in options["channel"]}  # in the user's words
    chosen = {}
    for column, name, key, shown in (
        (columns[0], "persona", "portfolio.persona", str),
        (columns[1], "channel", "portfolio.channel", channels.get),
        (columns[2], "owner", "portfolio.owner", str),
    ):
        chosen[name] = column.selectbox(
            t(key), options[name], index=None, format_func=shown, placeholder=t("portfolio.all"),
            key=translated(f"portfolio.{name}"),
        )  # fmt: skip
    chosen["state"] = columns[3].selectbox(
        t("portfolio.state"),
        STATES,
        index=None,
        format_func=labels("state", STATES).get,
        placeholder=t("portfolio.all"),
        key=translated("portfolio.state"),
    )
    return {k: v for k, v in chosen.items() if v}


def main() -> None:
    frame.page("review")
    st.title(t("portfolio.title"))
    st.caption(t("portfolio.intro"))
    left, right = st.columns(2)
    rows = left.selectbox(
        t("portfolio.rows"),
        ("journey", "channel", "owner"),
        format_func=labels("group", GROUPINGS).get,
        key=translated("portfolio.rows"),
    )
    columns = right.selectbox(
        t("portfolio.columns"),
        ("stage", "channel", "owner"),
        format_func=labels("group", GROUPINGS).get,
        key=translated("portfolio.columns"),
    )
    stamp = portfolio_stamp()
    portfolio_watch(stamp)
    chosen = filters(stamp)
    weights = astuple(weights_panel("portfolio.weights"))
    if rows == columns:
        st.warning(t("portfolio.same"))
        return
    query = (stamp, rows, columns, weights, tuple(sorted(chosen.items())))
    language = lang()
    worst, journeys = weakest_shown(stamp, weights, query[-1], language)
    if worst.empty:  # no touchpoint passes the filters: no cells either
        st.info(t("portfolio.empty"), icon=":material/info:")
        return
    event = chart(
        "portfolio.heatmap",
        (*query, language),
        lambda: portfolio_heatmap(cells(*query), rows=rows, columns=columns, lang=language),
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
    pick = st.dataframe(
        numbers(worst),
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
        open_journey(journeys[pick.selection.rows[0]], "pages/review.py")


main()
