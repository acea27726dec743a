"""Surveys in the store: whole or not at all, every earlier survey kept for the trend."""

from datetime import date

import pytest
from sqlalchemy import func, select

import store
from journeys.analysis.survey import Aggregate, SurveySummary
from journeys.demo import broadband_demo
from store import surveys
from store.models import Measurement, Survey


def summary(name, when, hotline_mean, **extra) -> SurveySummary:
    return SurveySummary(
        name=name,
        surveyed_on=when,
        responses=300,
        touchpoints={
            "hotline": Aggregate("csat", hotline_mean, 0.3, 280, importance=0.61, importance_n=280),
            "install-router": Aggregate("ces", 4.2, 0.25, 290),
        },
        overall=Aggregate("nps", 6.9, 0.31, 300, nps=-12.0),
        **extra,
    )


@pytest.fixture
def journey(session):
    return store.create_journey(session=session, graph=broadband_demo(), author="Ana")


def rows(session, table) -> int:
    n = session.execute(select(func.count()).select_from(table)).scalar_one()
    session.rollback()
    return n


def test_two_surveys_make_a_trend_per_touchpoint(session, journey):
    spring = surveys.save_survey(
        session=session, journey_id=journey, summary=summary("Spring", date(2026, 3, 1), 2.4), author="Ana"
    )
    autumn = surveys.save_survey(
        session=session,
        journey_id=journey,
        summary=summary("Autumn", date(2026, 10, 1), 3.6, skipped_rows=(7, 12)),
        author="Ben",
    )
    listed = surveys.list_surveys(session=session, journey_id=journey)
    assert [(s["id"], s["name"], s["skipped"], s["touchpoints"]) for s in listed] == [
        (autumn, "Autumn", 2, 2),
        (spring, "Spring", 0, 2),
    ]
    assert listed[0]["overall"]["nps"] == -12.0 and listed[0]["imported_by"] == "Ben"
    measured = surveys.list_measurements(session=session, journey_id=journey)
    hotline = measured[measured["touchpoint"] == "hotline"]
    assert list(hotline["mean"]) == [2.4, 3.6]
    assert list(hotline["surveyed_on"]) == [date(2026, 3, 1), date(2026, 10, 1)]
    assert hotline["importance"].iloc[-1] == pytest.approx(0.61)
    assert measured[measured["touchpoint"] == "install-router"]["scale"].iloc[0] == "ces"


def test_a_survey_of_an_unknown_touchpoint_stores_nothing(session, journey):
    bad = SurveySummary(
        "Spring",
        date(2026, 3, 1),
        10,
        {"hotline": Aggregate("csat", 3.0, 0.2, 10), "moon": Aggregate("csat", 3.0, 0.2, 10)},
    )
    with pytest.raises(store.JourneyNotFound, match="moon"):
        surveys.save_survey(session=session, journey_id=journey, summary=bad, author="Ana")
    assert rows(session, Survey) == 0 and rows(session, Measurement) == 0


@pytest.mark.parametrize(
    "aggregate",
    [
        Aggregate("csat", 6.0, 0.2, 10),
        Aggregate("csat", 3.0, 1.5, 10),
        Aggregate("stars", 3.0, 0.2, 10),
        Aggregate("nps", float("nan"), 0.2, 10),
    ],
)
def test_impossible_aggregates_are_refused(session, journey, aggregate):
    bad = SurveySummary("Spring", date(2026, 3, 1), 10, {"hotline": aggregate})
    with pytest.raises(surveys.SurveyRefused):
        surveys.save_survey(session=session, journey_id=journey, summary=bad, author="Ana")
    assert rows(session, Survey) == 0


def test_deleting_a_survey_keeps_the_others_and_deleting_a_journey_keeps_none(session, journey):
    first = surveys.save_survey(
        session=session, journey_id=journey, summary=summary("A", date(2026, 1, 1), 2.0), author="x"
    )
    surveys.save_survey(session=session, journey_id=journey, summary=summary("B", date(2026, 2, 1), 3.0), author="x")
    surveys.delete_survey(session=session, survey_id=first)
    assert [s["name"] for s in surveys.list_surveys(session=session, journey_id=journey)] == ["B"]
    assert rows(session, Measurement) == 2
    store.delete_journey(session=session, journey_id=journey, author="x")
    store.purge_journey(session=session, journey_id=journey)
    assert rows(session, Survey) == 0 and rows(session, Measurement) == 0


def test_a_journey_without_surveys_has_an_empty_table_with_the_documented_columns(session, journey):
    measured = surveys.list_measurements(session=session, journey_id=journey)
    assert measured.empty and list(measured.columns) == surveys.MEASUREMENT_COLUMNS
