"""The manager's charts show the documented numbers in the documented places."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from journeys.analysis.scoring import consensus, weakness_table
from journeys.charts.review import (
    HEATMAP_LENSES,
    emotion_curve,
    importance_performance,
    importance_performance_frame,
    portfolio_heatmap,
    weakness_heatmap,
)
from journeys.demo import broadband_demo
from tests.journeys.test_scoring import HOTLINE_RATINGS


@pytest.fixture
def demo():
    G = broadband_demo()
    return G, weakness_table(G, consensus(HOTLINE_RATINGS))


def test_heatmap_rows_follow_the_journey_and_cells_show_the_formula(demo):
    """Rows are touchpoints by stage in journey order; the hotline's cells are the worked example's numbers."""
    G, table = demo
    heat = weakness_heatmap(G, table).data[0]
    assert heat.y[0] == "Awareness · Tariff comparison portal"
    assert list(heat.x) == ["Desirable", "Viable", "Feasible", "Emotion", "Expectation gap", "Pain", "Weakness"]
    row = heat.y.index("Support · Call the hotline")
    assert list(heat.text[row]) == ["2", "3", "4", "-2.0", "-3.0", "5", "0.41"]


def test_heatmap_weak_end_is_the_worst_touchpoint(demo):
    """The touchpoint with the highest weakness sits at the red end of the scale (−1)."""
    G, table = demo
    heat = weakness_heatmap(G, table).data[0]
    column = list(HEATMAP_LENSES).index("weakness")
    worst = min(range(len(heat.y)), key=lambda i: heat.z[i][column])
    assert heat.y[worst] == "Onboarding · Set up the router" and heat.z[worst][column] == -1
    assert heat.colorscale[0][1] == "#b71c1c"


def test_heatmap_shows_user_text_as_text():
    """A touchpoint name with HTML is escaped, not rendered."""
    G = broadband_demo()
    G.nodes["hotline"]["name"] = "<img src=x onerror=alert(1)>"
    heat = weakness_heatmap(G, weakness_table(G)).data[0]
    assert any("&lt;img" in y for y in heat.y) and not any("<img" in y for y in heat.y)


def test_importance_performance_puts_the_hotline_in_act_here(demo):
    """The hotline and the router set-up are important and poor: the act-here quadrant."""
    G, table = demo
    frame = importance_performance_frame(table)
    split = frame["importance"].median()
    for key in ("hotline", "install-router"):
        assert frame.loc[key, "importance"] >= split and frame.loc[key, "performance"] < 3
    fig = importance_performance(G, table)
    assert "Act here" in [a.text.replace("<b>", "").replace("</b>", "") for a in fig.layout.annotations]


def test_importance_performance_names_every_point(demo):
    """Every touchpoint on the matrix carries its name, and close neighbours put theirs on different sides."""
    G, table = demo
    (points,) = importance_performance(G, table).data
    assert len(points.x) == len(G)  # every touchpoint of the demo has an experience
    assert all(points.text) and "%{hovertext}" in points.hovertemplate
    assert {"Call the hotline", "Order online"} <= {text.replace("<br>", " ") for text in points.text}
    spots = list(zip(points.x, points.y, points.textposition, strict=True))
    for i, (x, y, side) in enumerate(spots):
        for x2, y2, side2 in spots[i + 1 :]:
            if (x, y) == (x2, y2):
                assert side != side2


def test_emotion_curve_has_one_line_per_persona(demo):
    """Each persona gets a line with their emotions along the front-stage touchpoints."""
    G, _ = demo
    fig = emotion_curve(G, lang="de")
    assert [tr.name for tr in fig.data] == ["Petra, busy parent", "Jonas, home-office worker"]
    assert list(fig.data[0].y[:2]) == [0, 0] and min(fig.data[0].y) == -2
    assert fig.layout.yaxis.ticktext[-1] == "begeistert"


def test_portfolio_heatmap_pivots_cells_and_links_journeys():
    """The portfolio grid sums weakness per cell and carries each journey's id for the click-through."""
    cells = pd.DataFrame(
        {
            "journey": ["A", "A", "B"],
            "journey_id": ["a1", "a1", "b1"],
            "stage": ["Buy", "Use", "Buy"],
            "weakness": [0.2, 0.5, 0.1],
            "flow": [1, 1, 1],
            "touchpoints": [1, 2, 1],
            "stage_order": [0, 1, 0],
        }
    )
    heat, clickable = portfolio_heatmap(cells, rows="journey", columns="stage").data
    assert list(heat.y) == ["A", "B"] and list(heat.x) == ["Buy", "Use"]
    assert heat.z[0][1] == 0.5
    # a marker over every filled cell reports its journey when clicked (plotly reports no clicks on heatmaps)
    assert list(zip(clickable.x, clickable.y, clickable.customdata, strict=True)) == [
        ("Buy", "A", "a1"), ("Use", "A", "a1"), ("Buy", "B", "b1")
    ]  # fmt: skip


def test_journeys_of_the_same_name_stay_apart_in_the_portfolio():
    """Two journeys called "Onboarding" are two rows, told apart, with their own weakness: not one row of the sum."""
    cells = pd.DataFrame(
        {
            "journey": ["Onboarding", "Onboarding"],
            "journey_id": ["1a2b3c4d", "9f8e7d6c"],
            "stage": ["Buy", "Buy"],
            "weakness": [0.78, 0.52],
            "flow": [1, 1],
            "touchpoints": [1, 1],
            "stage_order": [0, 0],
        }
    )
    heat, clickable = portfolio_heatmap(cells, rows="journey", columns="stage").data
    assert list(heat.y) == ["Onboarding (1a2b3c)", "Onboarding (9f8e7d)"]
    assert [row[0] for row in heat.z] == [0.78, 0.52]
    assert list(clickable.customdata) == ["1a2b3c4d", "9f8e7d6c"]


def test_portfolio_keeps_each_stage_set_together():
    """Journeys with different stage sets get their stages side by side, in journey order, not interleaved."""
    cells = pd.DataFrame(
        {
            "journey": ["A", "A", "B", "B"],
            "journey_id": ["a", "a", "b", "b"],
            "stage": ["Buy", "Use", "Before", "After"],
            "weakness": [0.5, 0.4, 0.1, 0.1],
            "flow": [1] * 4,
            "touchpoints": [1] * 4,
            "stage_order": [0, 1, 0, 1],
        }
    )
    heat = portfolio_heatmap(cells, rows="journey", columns="stage").data[0]
    assert list(heat.x) == ["Buy", "Use", "Before", "After"]


def test_charts_are_figures_plotly_takes_as_they_are(demo):
    """The charts are built without plotly's checks; checked, each is the very same figure."""
    G, table = demo
    cells = pd.DataFrame(
        {"journey": ["A", "A", "B"], "stage": ["Use", "Buy", "Use"], "weakness": [0.2, 0.5, 0.1]}
        | {"stage_order": [2, 1, 2], "journey_id": ["a", "a", "b"]}
    )
    for fig in (
        weakness_heatmap(G, table, lang="de"),
        importance_performance(G, table),
        emotion_curve(G),
        portfolio_heatmap(cells, rows="journey", columns="stage"),
    ):
        assert fig.layout.template.layout.paper_bgcolor == "white"
        assert go.Figure(fig.to_dict()).to_dict() == fig.to_dict()


def unchecked_figures() -> dict[str, go.Figure]:
    """Every figure built without plotly's property checks (journeys.charts.style.unchecked_figure), on the demos."""
    from journeys.charts.journey_map import journey_map
    from journeys.demo import ebike_demo

    figures = {}
    for name, G in (("broadband", broadband_demo()), ("ebike", ebike_demo())):
        table = weakness_table(G, consensus(HOTLINE_RATINGS) if name == "broadband" else None)
        persona = G.graph["personas"][0]["id"]
        for lang in ("en", "de"):
            figures[f"{name} map {lang}"] = journey_map(G, lang=lang)
            figures[f"{name} map by persona, selected {lang}"] = journey_map(
                G, persona=persona, lang=lang, selected=next(iter(G))
            )
            figures[f"{name} heatmap {lang}"] = weakness_heatmap(G, table, lang=lang)
            figures[f"{name} importance-performance {lang}"] = importance_performance(G, table, lang=lang)
            figures[f"{name} emotions {lang}"] = emotion_curve(G, lang=lang)
    cells = pd.DataFrame(
        {"journey": ["A", "B"], "journey_id": ["a1", "b1"], "stage": ["Buy", "Use"], "weakness": [0.2, 0.5],
         "flow": [1, 1], "touchpoints": [1, 2], "stage_order": [0, 1]}
    )  # fmt: skip
    figures["portfolio"] = portfolio_heatmap(cells, rows="journey", columns="stage")
    from journeys.analysis.scoring import rollup
    from journeys.charts.review import rollup_bars

    G = broadband_demo()
    figures["roll-up"] = rollup_bars(rollup(weakness_table(G), "owner"), by="owner", lang="de")
    return figures


@pytest.mark.parametrize(("name", "fig"), unchecked_figures().items(), ids=lambda v: v if isinstance(v, str) else "")
def test_figures_built_without_checks_pass_them(name, fig):
    """What skipping plotly's checks saves is only time: checked, each figure is accepted and comes out the same."""
    built = fig.to_dict()
    checked = go.Figure(built)  # raises ValueError on any property plotly does not know or any value out of range
    assert checked.to_dict() == built, name
