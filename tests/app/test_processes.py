"""Two app processes on one PostgreSQL database, as behind a load balancer: what one does, the other shows.

The app under test runs here and keeps its caches, as a process does; the other process is
the app run in an OS process of its own (``tests/app/other_process.py``), with caches of its
own, saving and scoring through the pages as a user does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo, ebike_demo
from journeys.io import interchange
from tests.app.conftest import APP, app_database
from tests.app.test_editor import edit, open_editor
from tests.app.test_freshness import hotline
from tests.app.test_review import open_page
from ui.text import md

pytestmark = pytest.mark.postgres

ROOT = APP.parent
OTHER = "Olga in the other process"


@pytest.fixture
def db_url(pg_database_url, monkeypatch):
    """The database of both processes: a new PostgreSQL database."""
    with app_database(pg_database_url, monkeypatch) as url:
        yield url


def in_other_process(db_url: str, *command: str) -> list[str]:
    """Run ``command`` of tests/app/other_process.py in its own process on the database; the errors it showed."""
    environment = {**os.environ, "JOURNEYS_DB_URL": db_url, "JOURNEYS_TEST_USER": OTHER}
    done = subprocess.run(
        [sys.executable, "-m", "tests.app.other_process", *command],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.splitlines()[-1])["errors"]


def test_a_save_in_one_process_shows_in_the_other_and_a_clashing_save_there_meets_the_conflict(
    app, db, db_url, broadband
):
    """The other process renames the hotline and saves: this process's Review shows the new name on its next rerun.
    A user here who renamed the hotline too in the version before gets the conflict, naming who saved the other
    name, and nothing is written; the portal's owner, changed here too, merges once the name is settled."""
    open_page(app, "pages/review.py", broadband, **{"review.view": "weakest"})
    assert "Call the hotline" in set(app.dataframe[0].value["Touchpoint"])
    editor = AppTest.from_file(str(APP), default_timeout=30)
    editor.session_state["author"] = "Test User"
    edit(open_editor(editor, broadband), "touchpoints", edited={0: {"owner": "Growth team"}, 8: {"name": "Hotline"}})

    assert in_other_process(db_url, "rename", broadband, "8", "Hotline with call-back") == []
    app.run()
    editor.button(key="editor.save").click().run()

    assert not app.exception and not editor.exception
    shown = set(app.dataframe[0].value["Touchpoint"])
    assert "Hotline with call-back" in shown and "Call the hotline" not in shown
    choice = editor.radio(key=f"editor.conflict.{broadband}.touchpoint:hotline:name")
    assert choice.options[1].replace("\\", "") == f"{OTHER}: Hotline with call-back"
    graph, version = store.load_journey(session=db, journey_id=broadband)
    assert version == 2 and graph.nodes["comparison-portal"]["owner"] != "Growth team"
    choice.set_value("theirs").run()
    editor.button(key="editor.conflict_apply").click().run()
    db.rollback()
    graph, version = store.load_journey(session=db, journey_id=broadband)
    assert version == 3 and graph.nodes["comparison-portal"]["owner"] == "Growth team"
    assert graph.nodes["hotline"]["name"] == "Hotline with call-back"


def test_scores_from_the_other_process_show_in_review_and_portfolio_whatever_its_clock(app, db_url, broadband):
    """The other process scores the hotline poorly, then again well on a clock ten minutes behind: after each,
    this process's Review and Portfolio show the hotline weaker, then less weak, on their next rerun."""
    open_page(app, "pages/review.py", broadband, **{"review.view": "weakest"})
    portfolio = AppTest.from_file(str(APP), default_timeout=30)
    open_page(portfolio, "pages/portfolio.py")
    seen = [(hotline(app.dataframe[0].value), hotline(portfolio.dataframe[0].value, "name", "weakness"))]

    for value, behind in (("1", "0"), ("5", "10")):
        assert in_other_process(db_url, "score", broadband, value, behind) == []
        app.run()
        portfolio.run()
        assert not app.exception and not portfolio.exception
        seen.append((hotline(app.dataframe[0].value), hotline(portfolio.dataframe[0].value, "name", "weakness")))

    (review_before, portfolio_before), (review_poor, portfolio_poor), (review_good, portfolio_good) = seen
    assert review_poor > review_before and portfolio_poor > portfolio_before
    assert review_good < review_poor and portfolio_good < portfolio_poor


def test_a_journey_purged_and_imported_again_by_another_process_never_shows_as_it_was(app, db, db_url, tmp_path):
    """Another process deletes a journey for good and the command line imports another under its id: this
    process's Review and Editor show the new one on their next rerun, never the one before."""
    old = broadband_demo()
    old.graph["id"] = "shared-id"
    store.import_journey(session=db, data=interchange.dumps(old), author="t")
    open_page(app, "pages/review.py", "shared-id")
    editor = open_editor(AppTest.from_file(str(APP), default_timeout=30), "shared-id")
    assert {m.label: m.value for m in app.metric}["Weakest touchpoint"] == "Set up the router"

    new = ebike_demo()
    new.graph |= {"id": "shared-id", "name": "E-bike under the old id"}
    (tmp_path / "new.json").write_text(interchange.dumps(new), encoding="utf-8")
    purge = "import sys, store; from sqlmodel import Session\nwith Session(store.make_engine()) as s:\n"
    purge += "    store.delete_journey(session=s, journey_id='shared-id', author='o'); store.purge_journey(session=s, journey_id='shared-id')"
    for command in (["-c", purge], ["-m", "store.cli", "import", str(tmp_path / "new.json")]):
        done = subprocess.run(
            [sys.executable, *command], cwd=ROOT, env={**os.environ, "JOURNEYS_DB_URL": db_url},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    app.run()
    editor.run()

    assert not app.exception and not editor.exception
    assert md("E-bike under the old id") in app.caption[0].value
    assert {m.label: m.value for m in app.metric}["Weakest touchpoint"] != "Set up the router"
    assert editor.title[0].value == md("E-bike under the old id")
    assert "Set up the router" not in str(editor.session_state["editor.shared-id"].text)
