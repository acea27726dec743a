"""Surveys: import customers' ratings per touchpoint (CSV) and set them against the team's own view.

The file is read, mapped and checked in :mod:`journeys.io.survey_file`, stored by :mod:`store.surveys`
and drawn by :mod:`journeys.charts.surveys`; this page only asks and shows.
"""

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

import streamlit as st

from journeys.analysis import survey
from journeys.charts.surveys import TREND_VALUES, assumptions_vs_evidence, evidence_frame, trend
from store import JourneyStamp
from store import surveys as stored
from ui import frame
from ui.access import can
from ui.analysis import default_weakness
from ui.deps import labels, lang, session, t
from ui.journey import journey_picker, load
from ui.surveys import IMPORTED, SHOW_RESULTS, drivers_table, import_view, latest_table, surveys_table
from ui.text import md
from ui.widgets import plot

VIEW = "surveys.view"
RESULTS = ("matrix", "trend", "drivers", "latest")
VIEWS = ("results", "import")


def results_view(G, jid: str, stamp: JourneyStamp) -> None:
    with session() as s:
        surveys = stored.list_surveys(session=s, journey_id=jid)
        measurements = stored.list_measurements(session=s, journey_id=jid)
    if imported := st.session_state.pop(IMPORTED, None):
        name, n, skipped = imported
        st.success(
            t("surveys.imported_skipped", name=md(name), count=n, skipped=skipped), icon=":material/check_circle:"
        )
    if not surveys:
        st.info(t("surveys.none"), icon=":material/info:")
        return
    surveys_table(surveys)
    evidence = evidence_frame(G, default_weakness(jid, stamp), measurements)
    view = st.segmented_control(
        t("surveys.result_view"),
        RESULTS,
        format_func=labels("surveys.view", RESULTS).get,
        default="matrix",
        required=True,
        key="surveys.results",
    )
    if view == "trend":
        left, right = st.columns([3, 1])
        chosen = left.multiselect(
            t("surveys.trend_touchpoints"), list(evidence.index), format_func=lambda k: G.nodes[k]["name"],
            key="surveys.trend_pick", placeholder=t("surveys.trend_all"),
        )  # fmt: skip
        value = right.segmented_control(
            t("surveys.trend_value"), TREND_VALUES, format_func=labels("survey.trend_value", TREND_VALUES).get,
            default="measured", required=True, key="surveys.trend_value",
        )  # fmt: skip
        figure = trend(G, measurements, surveys, touchpoints=chosen or None, value=value, lang=lang())
        plot(figure, key="surveys.trend")
    elif view == "drivers":
        drivers_table(evidence)
    elif view == "latest":
        latest_table(evidence)
    else:
        plot(assumptions_vs_evidence(G, evidence, lang=lang()), key="surveys.matrix")
        st.caption(t("surveys.matrix_help", n=survey.MIN_PAIRS))


def main() -> None:
    frame.page("review")
    jid = journey_picker("surveys.title")
    if not jid:
        return
    G, stamp = load(jid)
    st.title(t("surveys.title"))
    st.caption(t("surveys.intro", journey=md(G.graph["name"])))
    views = list(VIEWS) if can("edit") else ["results"]
    if st.session_state.pop(SHOW_RESULTS, False) or st.session_state.get(VIEW) not in views:
        st.session_state[VIEW] = "results"
    if len(views) > 1:
        st.segmented_control(
            t("surveys.show"), views, format_func=labels("surveys.view", views).get, required=True, key=VIEW
        )
    if st.session_state[VIEW] == "import":
        import_view(G, jid, stamp)
    else:
        results_view(G, jid, stamp)


main()
