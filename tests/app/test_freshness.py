"""Two app processes on one database: what one writes, the other shows on its next rerun, on SQLite and PostgreSQL.

The app under test keeps its caches, as a process does; the writes come from elsewhere, as
another process's do: through the store, on an engine of their own.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo, ebike_demo
from store import analysis
from tests.app.conftest import APP
from tests.app.test_review import open_page
from tests.journeys.test_scoring import HOTLINE_RATINGS

SKEW = timedelta(minutes=10)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path, monkeypatch):
    """The app's database (JOURNEYS_DB_URL), once an SQLite file and once a PostgreSQL database."""
    url = f"sqlite:///{tmp_path}/app.db" if request.param == "sqlite" else request.getfixturevalue("pg_database_url")
    monkeypatch.setenv("JOURNEYS_DB_URL", url)
    st.cache_resource.clear()  # the engine is cached per process: drop the previous test's
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def rated(db) -> str:
    """The broadband journey with three raters' scores of the hotline."""
    jid = store.create_journey(session=db, graph=broadband_demo(), author="t")
    store.create_journey(session=db, graph=ebike_demo(), author="t")
    for r in HOTLINE_RATINGS:
        analysis.save_ratings(
            session=db, journey_id=jid, rater=r["rater"], discipline=r["discipline"],
            scores={"hotline": {lens: r[lens] for lens in ("desirable", "viable", "feasible")}},
        )  # fmt: skip
    return jid


def rescore_behind(db, jid: str, monkeypatch) -> None:
    """Ana and Ben change their scores of the hotline on a host whose clock is ten minutes behind: the same rating
    rows, with times older than Cem's, who scored last."""
    real = analysis.utcnow
    with monkeypatch.context() as patched:
        patched.setattr(analysis, "utcnow", lambda: real() - SKEW)
        for rater in ("Ana", "Ben"):
            scores = {"hotline": {"desirable": 5, "viable": 5, "feasible": 5}}
            analysis.save_ratings(session=db, journey_id=jid, rater=rater, discipline="it", scores=scores)


def hotline(frame, column: str = "Touchpoint", value: str = "Weakness") -> float:
    return frame.loc[frame[column] == "Call the hotline", value].iloc[0]


def test_scores_saved_on_a_host_whose_clock_is_behind_show_in_review_and_portfolio(app, db, rated, monkeypatch):
    """Scores changed by a process whose clock is ten minutes behind show on the other's next rerun, in Review and
    in the Portfolio: better scores, a less weak hotline."""
    open_page(app, "pages/review.py", rated, **{"review.view": "weakest"})
    review_before = hotline(app.dataframe[0].value)
    portfolio = AppTest.from_file(str(APP), default_timeout=30)
    open_page(portfolio, "pages/portfolio.py")
    portfolio_before = hotline(portfolio.dataframe[0].value, "name", "weakness")

    rescore_behind(db, rated, monkeypatch)
    app.run()
    portfolio.run()

    assert not app.exception and not portfolio.exception
    assert hotline(app.dataframe[0].value) < review_before
    assert hotline(portfolio.dataframe[0].value, "name", "weakness") < portfolio_before
