"""Ideas: value from the DVF consensus, quadrants, expected relief, ranking and the value × effort matrix."""

import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeys.analysis.ideas import expected_relief, idea_value, quadrant, ranked_ideas, targets_from
from journeys.analysis.scoring import consensus, weakness_table
from journeys.charts.ideas import matrix_points, value_effort_matrix
from journeys.demo import broadband_demo
from tests.journeys.test_scoring import HOTLINE_RATINGS

QUEUE = "25 minutes in the queue"
# The worked example of docs/scoring.md, section "Ideas"
IDEAS = [
    {"id": 1, "title": "Call-back slot instead of the queue", "status": "open", "effort": 2,
     "targets": {"hotline": [QUEUE]}},
    {"id": 2, "title": "Wi-Fi band preset in the router firmware", "status": "in-progress", "effort": 4,
     "targets": {"install-router": [], "hotline": []}},
    {"id": 3, "title": "Cancel online", "status": "open", "effort": 1, "targets": {"cancel": []}},
]  # fmt: skip
IDEA_RATINGS = [
    {"idea": 1, "rater": "Ana", "discipline": "customer-service", "desirable": 5, "viable": 3, "feasible": 4},
    {"idea": 1, "rater": "Ben", "discipline": "it", "desirable": 4, "viable": 3, "feasible": 3},
    {"idea": 1, "rater": "Cem", "discipline": "finance", "desirable": 4, "viable": 2, "feasible": 4},
    {"idea": 2, "rater": "Ana", "discipline": "customer-service", "desirable": 5, "viable": 4, "feasible": None},
    {"idea": 2, "rater": "Ben", "discipline": "it", "desirable": 5, "viable": 4, "feasible": 3},
]


def demo_weakness() -> dict[str, float]:
    return weakness_table(broadband_demo(), consensus(HOTLINE_RATINGS))["weakness"].to_dict()


def test_worked_example_in_the_docs():
    """The three ideas of docs/scoring.md get the documented value, relief, quadrant and rank."""
    weakness = demo_weakness()
    assert weakness["install-router"] == pytest.approx(0.5198, abs=1e-4)
    table = ranked_ideas(IDEAS, IDEA_RATINGS, weakness)
    assert list(table.index) == [2, 1, 3]
    callback, preset, cancel = table.loc[1], table.loc[2], table.loc[3]
    assert (callback.desirable, callback.viable, callback.feasible) == (4, 3, 4)
    assert callback.value == pytest.approx(11 / 3)
    assert callback.relief == pytest.approx(0.2751, abs=1e-4)
    assert callback.quadrant == "quick-win"
    assert (preset.desirable, preset.viable, preset.feasible, preset.value) == (5, 4, 3, 4)
    assert preset.relief == pytest.approx(0.6993, abs=1e-4)
    assert preset.quadrant == "big-bet"
    assert (preset.raters, callback.raters, cancel.raters) == (2, 3, 0)
    assert pd.isna(cancel.value) and pd.isna(cancel.relief) and pd.isna(cancel.quadrant)


@pytest.mark.parametrize(
    ("value", "effort", "expected"),
    [
        (3.0, 3, "quick-win"),  # on both split lines: high value, low effort
        (3.0, 4, "big-bet"),
        (2.99, 3, "maybe-later"),
        (2.99, 4, "time-sink"),
        (5.0, 1, "quick-win"),
        (1.0, 5, "time-sink"),
        (None, 2, None),
        (4.0, None, None),
    ],
)
def test_quadrants_at_the_split_lines(value, effort, expected):
    """Value 3 is high and effort 3 is low; without value or effort there is no quadrant."""
    assert quadrant(value, effort) == expected


def test_value_is_the_mean_consensus_of_the_scored_lenses():
    """A lens nobody scored is left out; a rater who left a lens out does not count for it."""
    ratings = [
        {"idea": 7, "rater": "a", "desirable": 5, "viable": 2},
        {"idea": 7, "rater": "b", "desirable": 3, "viable": None},
    ]
    lenses = consensus(ratings, by="idea")[7]
    assert set(lenses) == {"desirable", "viable"}
    assert idea_value(lenses) == (4 + 2) / 2
    assert idea_value({}) is None and idea_value(None) is None


def test_weighted_consensus_changes_the_value():
    """With discipline weighting, the expert's score of a lens counts twice, as for touchpoints."""
    ratings = [
        {"idea": 1, "rater": "f", "discipline": "finance", "viable": 1},
        {"idea": 1, "rater": "s", "discipline": "sales", "viable": 5},
        {"idea": 1, "rater": "m", "discipline": "marketing", "viable": 5},
    ]
    ideas = [{"id": 1, "title": "x", "effort": 2, "targets": {}}]
    assert ranked_ideas(ideas, ratings, {}).loc[1, "value"] == 5
    assert ranked_ideas(ideas, ratings, {}, weighted=True).loc[1, "value"] == 3  # weighted median of 1, 1, 5, 5


def test_relief_ranks_the_idea_that_relieves_more_weakness_first():
    """Same scores: the idea addressing the weaker touchpoints ranks higher; a deleted touchpoint counts 0."""
    ideas = [
        {"id": 1, "title": "b", "effort": 2, "targets": {"tariff-page": []}},
        {"id": 2, "title": "a", "effort": 2, "targets": {"install-router": [], "gone": []}},
    ]
    ratings = [{"idea": i, "rater": "x", "desirable": 4, "viable": 4, "feasible": 4} for i in (1, 2)]
    table = ranked_ideas(ideas, ratings, demo_weakness())
    assert list(table.index) == [2, 1]
    assert table.loc[2, "relief"] == pytest.approx(0.5198 * 0.75, abs=1e-4)


@given(
    weaknesses=st.lists(st.floats(0, 5), max_size=6),
    extra=st.floats(0, 5),
    value=st.floats(1, 5),
    more=st.floats(0, 4),
)
def test_relief_grows_with_the_weakness_addressed_and_with_the_consensus(weaknesses, extra, value, more):
    """Adding or worsening an addressed touchpoint, or scoring the idea higher, never lowers its relief."""
    relief = expected_relief(weaknesses, value)
    assert relief >= 0
    assert expected_relief([*weaknesses, extra], value) >= relief - 1e-12
    if weaknesses:
        worse = [weaknesses[0] + extra, *weaknesses[1:]]
        assert expected_relief(worse, value) >= relief - 1e-12
    assert expected_relief(weaknesses, min(5.0, value + more)) >= relief - 1e-12
    assert expected_relief(weaknesses, None) is None


def test_targets_keep_only_pains_of_chosen_touchpoints_in_journey_order():
    G = broadband_demo()
    pains = [("hotline", QUEUE), ("install-router", "Quick-start guide skips the Wi-Fi band setting")]
    assert targets_from(G, ["hotline", "cancel", "nowhere"], pains) == {"hotline": [QUEUE], "cancel": []}


def test_matrix_shows_quadrants_sizes_by_relief_and_status():
    """Four labelled quadrants, one trace per status, a bigger marker for more relief, an explicit template."""
    table = ranked_ideas(IDEAS, IDEA_RATINGS, demo_weakness())
    fig = value_effort_matrix(table, journey="<b>Broadband</b>", lang="en")
    labels = {a.text for a in fig.layout.annotations}
    assert {"<b>Quick wins</b>", "<b>Big bets</b>", "<b>Maybe later</b>", "<b>Time sinks</b>"} <= labels
    assert fig.layout.template.layout.paper_bgcolor == "white"
    assert "&lt;b&gt;Broadband&lt;/b&gt;" in fig.layout.title.text
    traces = {trace.name: trace for trace in fig.data}
    assert set(traces) == {"Open", "In progress"}  # the unscored idea is not placed
    assert list(traces["Open"].y) == [pytest.approx(11 / 3)] and list(traces["Open"].x) == [2]
    assert traces["In progress"].marker.size[0] > traces["Open"].marker.size[0]
    assert traces["In progress"].marker.symbol != traces["Open"].marker.symbol


def test_matrix_speaks_german_and_escapes_titles():
    ideas = [{**IDEAS[0], "title": "<script>x</script> Rückruf"}]
    fig = value_effort_matrix(ranked_ideas(ideas, IDEA_RATINGS, demo_weakness()), lang="de")
    assert "Zeitfresser" in json.dumps(fig.to_plotly_json(), ensure_ascii=False)
    assert "<script>" not in fig.data[0].text[0] and "Rückruf" in fig.data[0].text[0]
    assert fig.layout.xaxis.title.text.startswith("Aufwand")


def test_ideas_on_the_same_spot_are_nudged_apart():
    table = ranked_ideas(
        [{**IDEAS[0], "id": i, "title": str(i)} for i in (1, 2, 3)],
        [{**r, "idea": i} for r in IDEA_RATINGS[:3] for i in (1, 2, 3)],
        {},
    )
    assert sorted(matrix_points(table)["x"]) == pytest.approx([1.7, 2.0, 2.3])


def test_labels_of_ideas_close_together_cover_neither_each_other_nor_markers():
    """Ideas half a point apart in value (one effort) get their titles on different sides: all stay readable."""
    from journeys.charts.ideas import PLOT_HEIGHT, PLOT_WIDTH, X_RANGE, Y_RANGE, _box, _clash

    titles = ["Call-back slot instead of the queue", "Chat bot", "Wi-Fi preset", "Router pick-up in the shop"]
    table = pd.DataFrame(
        {"title": titles, "value": [4.4, 3.8, 3.2, 4.2], "effort": [2, 2, 2, 3], "relief": [0.4, 0.1, 0.2, 0.3]},
        index=[1, 2, 3, 4],
    ).assign(status="open")
    fig = value_effort_matrix(table, lang="en")
    (trace,) = fig.data
    assert len(set(trace.textposition)) > 1  # one side for all would stack the titles on the markers

    def pixels(x, y):
        return (x - X_RANGE[0]) / (X_RANGE[1] - X_RANGE[0]) * PLOT_WIDTH, (y - Y_RANGE[0]) / (
            Y_RANGE[1] - Y_RANGE[0]
        ) * PLOT_HEIGHT

    spots = [pixels(x, y) for x, y in zip(trace.x, trace.y, strict=True)]
    boxes = [
        _box(side, x, y, size / 2, max(map(len, text.split("<br>"))) * 6.6, len(text.split("<br>")) * 15.0)
        for side, (x, y), size, text in zip(trace.textposition, spots, trace.marker.size, trace.text, strict=True)
    ]
    markers = [(x - s / 2, y - s / 2, x + s / 2, y + s / 2) for (x, y), s in zip(spots, trace.marker.size, strict=True)]
    for i, box in enumerate(boxes):
        assert all(_clash(box, other) == 0 for other in boxes[i + 1 :]), trace.text[i]
        assert all(_clash(box, marker) == 0 for marker in markers), trace.text[i]
