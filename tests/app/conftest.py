"""AppTest fixtures: the real app on a fresh SQLite database per test."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlmodel import Session
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo, ebike_demo
from store import analysis
from tests.journeys.test_scoring import HOTLINE_RATINGS

APP = Path(__file__).parent.parent.parent / "app.py"


@contextmanager
def app_database(url: str, monkeypatch) -> Iterator[str]:
    """The app's database while in the block: ``url``, set through JOURNEYS_DB_URL, with no engine or data of
    another test's cached in this process before or after."""
    monkeypatch.setenv("JOURNEYS_DB_URL", url)
    st.cache_resource.clear()  # the engine is cached per process: drop the previous test's
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def db_url(request, tmp_path, monkeypatch, prepared):
    """The app's database for this test, an SQLite file: migrated for a test that writes to it first (``db``),
    with the demo journeys for one that takes them (``demo``) or leaves the app to store them (no ``db``: the
    app's first run stores them in an empty database), copied from one prepared so once (``prepared``)."""
    url = f"sqlite:///{tmp_path}/app.db"
    needs = request.fixturenames
    if "demo_stored" in needs or "db" not in needs:
        prepared(url, demo=True)
    else:
        prepared(url)
    with app_database(url, monkeypatch) as url:
        yield url


@pytest.fixture
def db(db_url):
    """A session on the app's database (migrated), to check what landed there."""
    engine = store.make_engine(db_url)
    store.migrate(engine)  # one query where it is (a test file's own db_url may give an empty database)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def demo_stored() -> None:
    """Asks :func:`db_url` for a database that holds the demo journeys (``demo`` takes their ids)."""


@pytest.fixture
def demo(demo_stored, db) -> str:
    """The id of the stored broadband demo journey (the demo journeys seeded into the app's database)."""
    store.seed_demo_journeys(session=db)  # where db_url did not store them already (one query where it did)
    journey_id = next(j.id for j in store.list_journeys(session=db) if j.name.startswith("Broadband"))
    db.rollback()  # end the read, so that later reads see what the app writes
    return journey_id


@pytest.fixture
def app(db_url):
    """The app as a user opens it, with an author name already given."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["author"] = "Test User"
    return at


def shown(table) -> pd.DataFrame:
    """A table (``at.dataframe[i]``) as the user reads it: every cell as the page writes it (numbers in the
    page's language, ``ui.widgets.numbers``), where the page gives display values, else its data."""
    styler = table.proto.arrow_data.styler
    if not styler.display_values:
        return table.value
    display = convert_arrow_bytes_to_pandas_df(styler.display_values)
    display.index = table.value.index
    return display


@pytest.fixture
def broadband(db) -> str:
    """The broadband demo and the e-bike demo, the hotline scored by three raters (test_scoring's HOTLINE_RATINGS)."""
    jid = store.create_journey(session=db, graph=broadband_demo(), author="t")  # without the demo's scores
    store.create_journey(session=db, graph=ebike_demo(), author="t")
    for r in HOTLINE_RATINGS:
        analysis.save_ratings(
            session=db, journey_id=jid, rater=r["rater"], discipline=r["discipline"],
            scores={"hotline": {lens: r[lens] for lens in ("desirable", "viable", "feasible")}},
        )  # fmt: skip
    return jid
