"""Two app processes on one database: what one writes, the other shows on its next rerun, on SQLite and PostgreSQL.

The app under test keeps its caches, as a process does; the writes come from elsewhere, as
another process's do: through the store, on an engine of their own.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo, ebike_demo
from journeys.io import interchange
from store import analysis
from tests.app.conftest import APP, app_database
from tests.app.test_editor import open_editor
from tests.app.test_review import open_page
from ui.text import md

SKEW = timedelta(minutes=10)
SHARED_ID = "shared-id"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path, monkeypatch):
    """The app's database, once an SQLite file and once a PostgreSQL database."""
    url = f"sqlite:///{tmp_path}/app.db" if request.param == "sqlite" else request.getfixturevalue("pg_database_url")
    with app_database(url, monkeypatch) as url:
        yield url


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


def test_scores_saved_on_a_host_whose_clock_is_behind_show_in_review_and_portfolio(app, db, broadband, monkeypatch):
    """Scores changed by a process whose clock is ten minutes behind show on the other's next rerun, in Review and
    in the Portfolio: better scores, a less weak hotline."""
    open_page(app, "pages/review.py", broadband, **{"review.view": "weakest"})
    review_before = hotline(app.dataframe[0].value)
    portfolio = AppTest.from_file(str(APP), default_timeout=30)
    open_page(portfolio, "pages/portfolio.py")
    portfolio_before = hotline(portfolio.dataframe[0].value, "name", "weakness")

    rescore_behind(db, broadband, monkeypatch)
    app.run()
    portfolio.run()

    assert not app.exception and not portfolio.exception
    assert hotline(app.dataframe[0].value) < review_before
    assert hotline(portfolio.dataframe[0].value, "name", "weakness") < portfolio_before


def store_under_shared_id(db, graph) -> None:
    graph.graph["id"] = SHARED_ID
    assert store.import_journey(session=db, data=interchange.dumps(graph), author="t") == SHARED_ID


def purge_and_import_again(db, name: str) -> None:
    """Delete the journey for good and import another under its id (at version 1, as the one before was)."""
    store.delete_journey(session=db, journey_id=SHARED_ID, author="t")
    store.purge_journey(session=db, journey_id=SHARED_ID)
    again = ebike_demo()
    again.graph["name"] = name
    store_under_shared_id(db, again)


def test_a_journey_deleted_for_good_and_imported_again_under_its_id_shows_as_it_is_now(app, db):
    """The editor of a journey that was deleted for good and imported again under the same id shows the new one:
    to a user who opens it, and to one who had the one before open (who is told)."""
    old = broadband_demo()
    old.graph["name"] = "The journey before"
    store_under_shared_id(db, old)
    open_editor(app, SHARED_ID)
    assert app.title[0].value == "The journey before"

    purge_and_import_again(db, "The journey now")
    other = open_editor(AppTest.from_file(str(APP), default_timeout=30), SHARED_ID)
    app.run()

    for at in (other, app):
        assert not at.exception
        assert at.title[0].value == md("The journey now")
        assert "Set up the router" not in str(at.session_state[f"editor.{SHARED_ID}"].text)
    assert any("deleted for good" in toast.value for toast in app.toast)
    assert store.load_journey(session=db, journey_id=SHARED_ID)[0].graph["name"] == "The journey now"


def test_review_of_a_journey_deleted_for_good_and_imported_again_shows_the_new_one(app, db):
    """Review keyed by the id and version alone would show the figures of the journey before."""
    store_under_shared_id(db, broadband_demo())
    open_page(app, "pages/review.py", SHARED_ID)
    assert {m.label: m.value for m in app.metric}["Weakest touchpoint"] == "Set up the router"

    purge_and_import_again(db, "E-bike, imported again")
    app.run()

    assert not app.exception
    assert md("E-bike, imported again") in app.caption[0].value
    assert {m.label: m.value for m in app.metric}["Weakest touchpoint"] != "Set up the router"
