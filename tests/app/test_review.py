"""The manager pages: Review of one journey and the Portfolio across all journeys."""

import pytest
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo
from store import analysis
from tests.app.conftest import APP
from ui.text import md


def open_page(app, page, jid=None, **state):
    if jid:
        app.query_params["journey"] = jid
    for key, value in state.items():
        app.session_state[key] = value
    app.switch_page(page)
    return app.run()


def test_review_heatmap_shows_the_documented_numbers(app, broadband):
    """The hotline row of the heatmap carries the worked example of docs/scoring.md."""
    open_page(app, "pages/review.py", broadband)
    assert not app.exception
    heat = app.get("plotly_chart")[0].proto.spec
    assert "Call the hotline" in heat and '"0.41"' in heat
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Weakest touchpoint"] == "Set up the router"
    assert metrics["Touchpoints without DVF scores"] == "12"


def test_review_ranks_the_weakest_touchpoints_with_why(app, broadband):
    """The ranked list starts with the router set-up and the hotline, both pulled down by pain."""
    open_page(app, "pages/review.py", broadband, **{"review.view": "weakest"})
    ranked = app.dataframe[0].value
    assert list(ranked["Touchpoint"][:2]) == ["Set up the router", "Call the hotline"]
    assert list(ranked["Why"][:2]) == ["Pain", "Pain"]
    assert ranked["Weakness"].iloc[1] == pytest.approx(0.413, abs=1e-3)


def test_review_links_the_weakest_touchpoints_to_a_new_idea(app, broadband):
    """From "this touchpoint hurts" to an idea: each of the weakest touchpoints links to the Ideas page, preselected."""
    open_page(app, "pages/review.py", broadband, **{"review.view": "weakest"})
    links = app.get("page_link")
    assert [link.proto.label for link in links][:2] == ["Set up the router", "Call the hotline"]
    assert links[1].proto.page.endswith("ideas") and f"journey={broadband}" in links[1].proto.query_string
    assert "touchpoint=hotline" in links[1].proto.query_string


def test_review_weights_change_the_ranking(app, broadband):
    """A manager who weights only DVF scores sees the only scored touchpoint, the hotline, first."""
    weights = {f"review.weights.{k}": 0.0 for k in ("gap", "pain", "emotion")}
    open_page(app, "pages/review.py", broadband, **{"review.view": "weakest", "review.weights.dvf": 1.0, **weights})
    assert app.dataframe[0].value["Touchpoint"].iloc[0] == "Call the hotline"


def test_review_shows_new_scores_at_once(app, db, broadband):
    """Scores given after the page was opened count on the next rerun: the figures are not kept too long."""
    open_page(app, "pages/review.py", broadband)
    assert {m.label: m.value for m in app.metric}["Touchpoints without DVF scores"] == "12"
    scores = {"recommend": {"desirable": 1, "viable": 1, "feasible": 1}}
    analysis.save_ratings(session=db, journey_id=broadband, rater="Nina", discipline="sales", scores=scores)
    app.run()
    assert {m.label: m.value for m in app.metric}["Touchpoints without DVF scores"] == "11"
    heat = app.get("plotly_chart")[0].proto.spec
    assert "Recommends to neighbours" in heat and '"0.41"' in heat


def test_review_diagnostics_and_emotions_render(app, broadband):
    """Diagnostics name the bottleneck and the worst path; the emotion curve has a line per persona."""
    open_page(app, "pages/review.py", broadband, **{"review.view": "diagnostics"})
    texts = [t.value for t in app.text]
    assert any("Set up the router" in t for t in texts)
    assert any(t.endswith("Cancels the contract") for t in texts)
    app.session_state["review.view"] = "emotions"
    app.run()
    spec = app.get("plotly_chart")[0].proto.spec
    assert "Petra, busy parent" in spec and "Jonas, home-office worker" in spec


def test_bottlenecks_say_how_many_customers_pass(app, broadband):
    """A third of the customers drop out before ordering: the page does not say every customer passes the order,
    it gives the share that does."""
    open_page(app, "pages/review.py", broadband, **{"review.view": "diagnostics"})
    headings = [m.value for m in app.markdown]
    assert not [h for h in headings if "every customer" in h]
    assert "**Bottlenecks (every way to an end leads through them)**" in headings
    [line] = [t.value for t in app.text if "of customers pass" in t.value]
    assert "Tariff comparison portal (100% of customers pass)" in line
    assert "Order online (66% of customers pass)" in line


def test_review_warns_about_assumed_shares(app, db):
    """Transitions without a share are split evenly, and the page says which ones."""
    G = broadband_demo()
    G.edges["hotline", "line-check"]["share"] = None
    jid = store.create_journey(session=db, graph=G, author="t")
    open_page(app, "pages/review.py", jid)
    assert any("Call the hotline → Remote line measurement" in i.value for i in app.info)


def test_portfolio_shows_every_journey_and_the_weakest_touchpoints(app, broadband):
    """Across journeys the heatmap has a row per journey and the list starts with the router set-up."""
    open_page(app, "pages/portfolio.py")
    assert not app.exception
    spec = app.get("plotly_chart")[0].proto.spec
    assert "Broadband: router set-up and the hotline" in spec and "E-bike: from the first ad" in spec
    worst = app.dataframe[0].value
    assert worst["name"].iloc[0] == "Set up the router"


def test_portfolio_filters_by_persona(app, broadband):
    """Filtering on an e-bike persona leaves only the e-bike journey."""
    open_page(app, "pages/portfolio.py", **{"portfolio.persona": "Rolf, active retiree"})
    assert set(app.dataframe[0].value["journey"]) == {"E-bike: from the first ad to the first service"}


def test_portfolio_follows_saves_ratings_and_the_trash(app, db, broadband):
    """A renamed journey, a journey moved to the trash and new scores show on the next rerun."""
    open_page(app, "pages/portfolio.py")
    before = app.dataframe[0].value
    G, version = store.load_journey(session=db, journey_id=broadband)
    G.graph["name"] = "Broadband after the workshop"
    store.save_journey(session=db, graph=G, expected_version=version, author="t")
    ebike = next(j.id for j in store.list_journeys(session=db) if j.name.startswith("E-bike"))
    store.delete_journey(session=db, journey_id=ebike, author="t")
    app.run()
    spec = app.get("plotly_chart")[0].proto.spec
    assert "Broadband after the workshop" in spec and "E-bike" not in spec
    assert set(app.dataframe[0].value["journey"]) == {"Broadband after the workshop"}
    scores = {"install-router": {"desirable": 1, "viable": 1, "feasible": 1}}
    analysis.save_ratings(session=db, journey_id=broadband, rater="Nina", discipline="sales", scores=scores)
    app.run()
    after = app.dataframe[0].value
    router = lambda frame: frame.loc[frame["name"] == "Set up the router", "weakness"].iloc[0]  # noqa: E731
    assert router(after) > router(before)  # poor scores make the router set-up weaker


def test_review_shows_a_saved_journey_at_once(app, db, broadband):
    """A save made after the page was opened shows on the next rerun: the figures follow the journey's version."""
    open_page(app, "pages/review.py", broadband)
    assert {m.label: m.value for m in app.metric}["Weakest touchpoint"] == "Set up the router"
    G, version = store.load_journey(session=db, journey_id=broadband)
    G.nodes["install-router"]["name"] = "Router set-up at home"
    store.save_journey(session=db, graph=G, expected_version=version, author="t")
    app.run()
    assert {m.label: m.value for m in app.metric}["Weakest touchpoint"] == md("Router set-up at home")
    assert "Router set-up at home" in app.get("plotly_chart")[0].proto.spec


def test_portfolio_explains_the_weakest_touchpoints_in_the_users_language(app, db_url, broadband):
    """The reason next to each weak touchpoint is in the language of whoever looks, not of who looked first."""
    open_page(app, "pages/portfolio.py")
    assert app.dataframe[0].value["why"].iloc[0] == "Pain"
    german = AppTest.from_file(str(APP), default_timeout=30)
    german.query_params["lang"] = "de"
    open_page(german, "pages/portfolio.py")
    assert not german.exception
    assert german.dataframe[0].value["why"].iloc[0] == "Schmerz"


def test_weights_stay_when_the_panel_is_closed_and_after_another_page(app, broadband):
    """A manager weights only DVF scores, closes the weights, visits the Portfolio and comes back: still DVF only."""
    weakest = lambda: {m.label: m.value for m in app.metric}["Weakest touchpoint"]  # noqa: E731
    open_page(app, "pages/review.py", broadband, **{"review.weights.open": True})
    assert weakest() == "Set up the router"
    app.slider(key="review.weights.dvf.slider").set_value(1.0)
    for name in ("gap", "pain", "emotion"):
        app.slider(key=f"review.weights.{name}.slider").set_value(0.0)
    app.run()
    assert weakest() == "Call the hotline"  # the only touchpoint with DVF scores
    app.session_state["review.weights.open"] = False
    app.run()
    assert not app.slider and weakest() == "Call the hotline"
    app.switch_page("pages/portfolio.py").run()
    app.switch_page("pages/review.py").run()
    assert weakest() == "Call the hotline"
    app.session_state["review.weights.open"] = True
    app.run()
    assert [s.value for s in app.slider] == [1.0, 0.0, 0.0, 0.0, 0.5]


def test_the_weights_are_drawn_only_while_their_panel_is_open(app, broadband):
    """Closed, the weights panel holds no sliders; opened, it shows the five weights at their defaults."""
    open_page(app, "pages/review.py", broadband)
    assert [e.label for e in app.main.expander] == ["Weights of the weakness index"] and not app.slider
    app.session_state["review.weights.open"] = True
    app.run()
    assert [s.value for s in app.slider] == [0.3, 0.25, 0.25, 0.2, 0.5]


def test_a_journey_opened_by_link_stays_open_on_the_other_pages(app, broadband):
    """A link to Review opens the journey; Portfolio and back through the sidebar (no query) keep it open."""
    open_page(app, "pages/review.py", broadband)
    app.query_params.clear()  # the sidebar's links carry no journey
    app.switch_page("pages/portfolio.py").run()
    app.query_params.clear()
    app.switch_page("pages/review.py").run()
    assert not app.exception
    assert [m.label for m in app.metric][:1] == ["Journey weakness (sum)"]
    assert "Broadband" in app.caption[0].value


def test_roll_ups_follow_the_journey_and_weigh_each_persona_with_their_own_emotions(app, broadband):
    """By stage: the stages as the journey runs, in chart and table; by persona: Petra, who feels the router set-up
    worse (−2 against −1), weighs more than Jonas; the axes say what they show."""
    import html
    import json

    from tests.app.conftest import shown

    open_page(app, "pages/review.py", broadband, **{"review.view": "rollups"})
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    stages = ["Awareness", "Consideration", "Purchase", "Onboarding", "Use", "Support", "Loyalty & advocacy"]
    assert [html.unescape(y) for y in spec["data"][0]["y"]] == stages  # plotly's text is HTML: & is &amp;
    assert spec["layout"]["yaxis"]["title"]["text"] == "Stage"
    assert spec["layout"]["xaxis"]["title"]["text"].startswith("Weakness (sum")
    assert list(shown(app.dataframe[0]).index) == stages
    app.segmented_control(key="review.rollup").set_value("persona").run()
    table = app.dataframe[0].value
    assert table.index.name == "Persona"
    assert list(table.index) == ["Petra, busy parent", "Jonas, home-office worker"]
    assert table.iloc[0]["weakness"] > table.iloc[1]["weakness"]


def test_a_journey_nobody_scored_or_described_names_no_weakest_touchpoint(app, db):
    """Two bare touchpoints: no "weakest touchpoint" at 0.00 and no empty charts, but what is missing and where to
    fill it in."""
    from journeys.model.graph import add_touchpoint, add_transition
    from journeys.model.templates import blank_journey

    G = blank_journey("Moving house")
    stage = G.graph["stages"][0]["id"]
    add_touchpoint(G, "ask", name="Ask for a quote", stage=stage, entry=True)
    add_touchpoint(G, "book", name="Book the van", stage=stage, exit=True)
    add_transition(G, "ask", "book", share=1.0)
    jid = store.create_journey(session=db, graph=G, author="t")
    open_page(app, "pages/review.py", jid)
    assert not app.exception
    assert not app.metric and not app.get("plotly_chart")
    assert any("No touchpoint shows a weakness yet" in i.value for i in app.info)
    links = [link.proto for link in app.get("page_link")]
    assert [(link.label, link.page) for link in links][-2:] == [
        ("Score the touchpoints", "scoring"), ("Describe them in the editor", "editor")
    ]  # fmt: skip


def test_review_shows_the_journey_as_one_persona_lives_it(app, broadband):
    """Filtered to Jonas: the shop advice he never passes leaves the heatmap, his emotions set the figures, and the
    emotion curve is his alone."""
    import json

    open_page(app, "pages/review.py", broadband)
    everyone = {m.label: m.value for m in app.metric}
    app.selectbox(key=f"review.persona.{broadband}").select("jonas").run()
    assert not app.exception
    jonas = {m.label: m.value for m in app.metric}
    assert jonas["Journey weakness (sum)"] != everyone["Journey weakness (sum)"]
    heatmap = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]
    assert not [row for row in heatmap["y"] if "Advice in the shop" in row]
    app.segmented_control(key="review.view").set_value("emotions").run()
    lines = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    assert [line["name"] for line in lines] == ["Jonas, home-office worker"]


def test_a_weakness_reads_the_same_in_every_view(app, broadband):
    """The hotline's weakness has one written form: the heatmap's cell, the weakest list, the roll-up."""
    import json

    from tests.app.conftest import shown

    open_page(app, "pages/review.py", broadband)
    heatmap = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]
    [row] = [i for i, name in enumerate(heatmap["y"]) if name.endswith("Call the hotline")]
    in_heatmap = heatmap["text"][row][-1]  # the weakness column comes last
    app.segmented_control(key="review.view").set_value("weakest").run()
    table = shown(app.dataframe[0]).set_index("Touchpoint")
    assert table.loc["Call the hotline", "Weakness"] == in_heatmap
    assert len(in_heatmap.split(".")[1]) == 2


def test_charts_keep_their_own_colours_in_the_dark_theme(app, broadband):
    """Every chart is drawn with its own template (a light card), not Streamlit's theme, whose dark-theme text
    colours all but vanish on it. (The Editor's map editor has a light card of its own, ui/editor/canvas.css.)"""
    for page in ("pages/review.py", "pages/portfolio.py"):
        at = open_page(app, page, broadband)
        charts = at.get("plotly_chart")
        assert charts and {c.proto.theme for c in charts} == {""}, page


def test_diagnostics_tell_how_customers_end(app, broadband):
    """Cancelling the contract is a drop-out exit: the Review says how many customers end well, drop out, or leave
    on the way."""
    open_page(app, "pages/review.py", broadband, **{"review.view": "diagnostics"})
    assert "**How customers end**" in [m.value for m in app.markdown]
    [line] = [t.value for t in app.text if "drop out at an exit" in t.value]
    assert line.startswith("20% reach a successful end, 13% drop out at an exit, 67% leave on the way")
