"""The Compare page: a to-be duplicated from the broadband demo, improved, and compared with its as-is."""

import json

import pytest
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo
from store import analysis
from tests.app.conftest import APP
from tests.journeys.test_scoring import HOTLINE_RATINGS

WIFI_DROPS = "Default setting makes the Wi-Fi drop every few minutes"


@pytest.fixture
def pair(db) -> tuple[str, str]:
    """The broadband demo (without scores) and its to-be, where the router set-up got better."""
    as_is = store.create_journey(session=db, graph=broadband_demo(), author="t")
    to_be = store.duplicate_journey(session=db, journey_id=as_is, author="t", name="Broadband to-be", state="to-be")
    G, version = store.load_journey(session=db, journey_id=to_be)
    router = G.nodes["install-router"]
    router["experience"] = 4
    router["pains"] = [p for p in router["pains"] if p["text"] != WIFI_DROPS]
    store.save_journey(session=db, graph=G, expected_version=version, author="t")
    return as_is, to_be


def open_compare(app, jid, **state):
    app.query_params["journey"] = jid
    for key, value in state.items():
        app.session_state[key] = value
    app.switch_page("pages/compare.py")
    return app.run()


def weakness(metric) -> tuple[float, float]:
    before, after = metric.value.split(" → ")
    return float(before), float(after)


def test_compare_shows_that_the_to_be_is_less_weak(app, pair):
    """The copy is compared with its as-is by default; the journey's weakness drops, one touchpoint changed."""
    as_is, to_be = pair
    open_compare(app, to_be)
    assert not app.exception
    assert next(s for s in app.selectbox if s.label == "As-is (compare with)").value == as_is
    metrics = {m.label: m for m in app.metric}
    before, after = weakness(metrics["Journey weakness (as-is → to-be)"])
    assert after < before
    assert metrics["Journey weakness (as-is → to-be)"].proto.delta.startswith("-")
    assert (metrics["Touchpoints changed"].value, metrics["Touchpoints added"].value) == ("1", "0")
    table = app.dataframe[0].value.set_index("Touchpoint")
    assert table.loc["Set up the router", "Status"] == "changed"
    assert table.loc["Set up the router", "Change"] < 0
    assert set(table.drop("Set up the router")["Status"]) == {"unchanged"}
    chart = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["yaxis"]["ticktext"] == ["Onboarding · Set up the router"]  # only what changed


def test_changes_list_the_changed_fields_before_and_after(app, pair):
    """The changes view says what changed at the router set-up: experience 2 → 4 and the pain point that is gone."""
    _, to_be = pair
    open_compare(app, to_be, **{"compare.view": "changes"})
    assert not app.exception
    changes = app.dataframe[0].value
    rows = {row["What"]: (row["As-is"], row["To-be"]) for _, row in changes.iterrows()}
    assert set(changes["Touchpoint"]) == {"Set up the router"}
    assert rows == {"Experience": ("2", "4"), "Pain points": (f"{WIFI_DROPS} (5/5)", "–")}


def test_unrated_changes_point_to_the_scoring_page_until_rated(app, db, pair):
    """The changed router set-up has no scores of its own: the page says so until the team rates it in the to-be."""
    _, to_be = pair
    open_compare(app, to_be)
    assert any("Set up the router" in i.value and "DVF" in i.value for i in app.info)
    assert any(b.label == "Go to Scoring" for b in app.button)
    analysis.save_ratings(
        session=db,
        journey_id=to_be,
        rater="Ana",
        discipline="customer-service",
        scores={"install-router": {"desirable": 4, "viable": 4, "feasible": 4}},
    )
    app.run()
    assert not any("Set up the router" in i.value for i in app.info)


def test_compare_speaks_german(app, pair):
    """With ?lang=de the metrics, the stage view and its table are German."""
    _, to_be = pair
    app.query_params["lang"] = "de"
    open_compare(app, to_be, **{"compare.view": "stages"})
    assert not app.exception
    labels = [m.label for m in app.metric]
    assert labels[:2] == ["Schwäche der Journey (Ist → Soll)", "Neue Touchpoints"]
    table = app.dataframe[0].value.set_index("Phase")
    assert table.loc["Einrichtung", "Änderung"] < 0 and table.loc["Aufmerksamkeit", "Änderung"] == 0
    assert (
        json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
        == "Schwäche je Phase, Ist und Soll"
    )


def test_an_as_is_is_set_against_its_to_be(app, db, pair):
    """Opened with the as-is, the as-is stays in the as-is box and its to-be fills the to-be box: the same figures
    as when opened with the to-be."""
    as_is, to_be = pair
    from_to_be = {m.label: m.value for m in open_compare(app, to_be).metric}
    at = AppTest.from_file(str(APP), default_timeout=30)
    open_compare(at, as_is)
    assert not at.exception
    boxes = {s.label: s.value for s in at.selectbox if s.label in ("As-is (compare with)", "To-be")}
    assert boxes == {"As-is (compare with)": as_is, "To-be": to_be}
    assert {m.label: m.value for m in at.metric} == from_to_be


def test_a_journey_without_source_or_to_be_asks_what_to_compare_with(app, db):
    """An as-is nobody made a to-be of: the page asks for the to-be and shows no figures yet."""
    lone = store.create_journey(session=db, graph=broadband_demo(), author="t")
    open_compare(app, lone)
    assert not app.exception
    assert any("has no to-be yet" in i.value for i in app.info)
    assert not app.metric


def test_scores_carried_over_by_the_copy_count_as_unchanged_but_not_as_rated(app, db):
    """The copy carries the as-is scores: untouched touchpoints are unchanged; the changed hotline asks to be rated."""
    as_is = store.create_journey(session=db, graph=broadband_demo(), author="t")
    for r in HOTLINE_RATINGS:
        scores = {"hotline": {lens: r[lens] for lens in ("desirable", "viable", "feasible")}}
        analysis.save_ratings(session=db, journey_id=as_is, rater=r["rater"], discipline=r["discipline"], scores=scores)
    to_be = store.duplicate_journey(session=db, journey_id=as_is, author="t", state="to-be")
    G, version = store.load_journey(session=db, journey_id=to_be)
    G.nodes["hotline"]["experience"] = 3
    store.save_journey(session=db, graph=G, expected_version=version, author="t")
    open_compare(app, to_be)
    assert not app.exception
    table = app.dataframe[0].value.set_index("Touchpoint")
    assert table.loc["Call the hotline", "Status"] == "changed"
    assert set(table.drop("Call the hotline")["Status"]) == {"unchanged"}
    assert any("Call the hotline" in i.value and "DVF" in i.value for i in app.info)
