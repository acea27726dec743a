"""The Surveys page as a user drives it: upload, map, check, import (or not), and the results."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date

import pytest

import store
from journeys.demo import broadband_demo
from journeys.io import survey_file
from store import surveys as stored
from tests.app.test_access import VIEWER, signed_in
from tests.survey_data import broadband_survey

BAD = b"""id,Overall (0-10),Call the hotline,Order online (CSAT)
1,9,5,4
2,7,x,4
3,8,4,6
4,6,3,
5,3,1,2
"""


@pytest.fixture
def broadband(db) -> str:
    return store.create_journey(session=db, graph=broadband_demo(), author="t")


def open_page(app, jid, **state):
    app.query_params["journey"] = jid
    for key, value in state.items():
        app.session_state[key] = value
    app.switch_page("pages/surveys.py")
    return app.run()


def upload(app, name: str, data: bytes):
    """Open the import view and upload ``data`` as the file ``name``."""
    app.segmented_control(key="surveys.view").set_value("import").run()
    app.file_uploader[0].upload(name, data, "text/csv").run()
    assert not app.exception
    return app


def mapping_key(data: bytes) -> str:
    return f"surveys.mapping.{hashlib.sha256(data).hexdigest()[:12]}"


def surveys(db, jid) -> list[dict]:
    db.rollback()
    return stored.list_surveys(session=db, journey_id=jid)


def errors(app) -> str:
    return "\n".join(e.value for e in app.error).replace("\\", "")  # as shown: without markdown escapes


def successes(app) -> list[str]:
    return [s.value.replace("\\", "") for s in app.success]


def test_import_with_the_suggested_and_a_corrected_mapping(app, db, broadband):
    """The suggestion maps the named columns; the user leaves one out; the import stores the rest."""
    data = broadband_survey(n=120, seed=4)
    open_page(app, broadband)
    upload(app, "spring-2025.csv", data)
    assert "Responses: 120 (one row per response)" in " ".join(c.value for c in app.caption)
    suffix = mapping_key(data)[-12:]
    assert app.text_input(key=f"surveys.name.{suffix}").value == "spring-2025"
    latest = max(survey_file.read_csv(data)["date"])  # the date proposed is the file's latest
    assert app.date_input(key=f"surveys.date.{suffix}").value == date.fromisoformat(latest)
    # the file's columns, in order; ids and dates are ignored
    columns = ["response_id", "date", "Likelihood to recommend (0-10)", "Order online", "Router delivered",
               "Set up the router: how easy? (1-7)", "Daily use at home", "Call the hotline", "Router fixed remotely"]  # fmt: skip
    app.session_state[mapping_key(data)] = {
        "edited_rows": {columns.index("Router delivered"): {"target": "— ignore —"}}
    }
    app.run()
    app.button(key="surveys.import").click().run()
    assert not app.exception and not app.error
    (saved,) = surveys(db, broadband)
    assert (saved["name"], saved["responses"], saved["skipped"]) == ("spring-2025", 120, 0)
    assert saved["surveyed_on"] == date.fromisoformat(latest)
    assert saved["overall"]["scale"] == "nps"
    measured = stored.list_measurements(session=db, journey_id=broadband)
    assert set(measured["touchpoint"]) == {"online-order", "install-router", "daily-use", "hotline", "remote-fix"}
    assert measured.set_index("touchpoint").loc["install-router", "scale"] == "ces"
    assert "Imported “spring-2025”: 120 responses; rows skipped: 0." in successes(app)
    assert app.get("plotly_chart"), "after the import the results are shown"


def test_bad_rows_are_refused_until_the_user_skips_them(app, db, broadband):
    """Bad rows are listed by row number; Import stores nothing until Skip is ticked, then skips them."""
    open_page(app, broadband)
    upload(app, "bad.csv", BAD)
    listed = errors(app)
    assert "Rows with bad values: 2" in listed
    assert "Row 3, column “Call the hotline”: “x” is not a number" in listed
    assert "Row 4, column “Order online (CSAT)”: 6 is outside 1–5" in listed
    app.button(key="surveys.import").click().run()
    assert "Nothing was imported" in errors(app)
    assert surveys(db, broadband) == []
    skip = next(c for c in app.checkbox if c.key.startswith("surveys.skip."))
    assert skip.label == "Skip the bad rows (2) and import the rest"
    skip.check().run()
    app.button(key="surveys.import").click().run()
    assert not app.exception
    (saved,) = surveys(db, broadband)
    assert (saved["responses"], saved["skipped"], saved["skipped_rows"]) == (3, 2, [3, 4])
    assert "Imported “bad”: 3 responses; rows skipped: 2." in successes(app)
    assert "2" in app.dataframe[0].value["Rows skipped"].astype(str).tolist()


def test_a_file_that_is_no_table_is_explained_and_nothing_offered(app, db, broadband):
    open_page(app, broadband)
    upload(app, "notes.csv", b"just some notes\nand more\n")
    assert "“notes.csv” cannot be read. Nothing was imported." in errors(app)
    assert "not a table" in errors(app)
    assert not [b for b in app.button if b.key == "surveys.import"]


HOSTILE_FILES = {
    "10,000 columns": (
        ",".join(f"q{i}" for i in range(10_000)).encode() + b"\n" + b"1," * 9_999 + b"1\n",
        "The file has 10000 columns; at most 500 can be imported.",
    ),
    "UTF-16 cut short": ("Overall,Call the hotline\n5,4\n".encode("utf-16") + b"x", "UTF-16"),
    "a header cell of 140,000 characters": (b"x" * 140_000 + b",Overall\n1,2\n", "more than 10000 characters"),
    "NUL bytes": (b"Overall,Hotline\n5,\x004\n", "NUL characters"),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_a_hostile_file_is_refused_with_the_reason(app, db, broadband, name):
    """A file of 10,000 columns, UTF-16 cut short, a huge header cell, NUL bytes: the reason, no traceback."""
    data, reason = HOSTILE_FILES[name]
    open_page(app, broadband)
    upload(app, "hostile.csv", data)
    assert "“hostile.csv” cannot be read. Nothing was imported." in errors(app)
    assert reason in errors(app)
    assert not [b for b in app.button if b.key == "surveys.import"]


def test_a_survey_name_with_control_characters_is_refused(app, db, broadband):
    """A name with a control character (pasted, or from the file's name) is refused with the reason; nothing stored."""
    data = broadband_survey(n=30, seed=5)
    open_page(app, broadband)
    upload(app, "named.csv", data)
    app.text_input(key=f"surveys.name.{mapping_key(data)[-12:]}").input("Spring\x1b[31m").run()
    app.button(key="surveys.import").click().run()
    assert not app.exception
    assert "contains the control character x1b" in errors(app)  # shown as \\x1b: errors() drops backslashes
    assert surveys(db, broadband) == []


def test_an_author_name_with_control_characters_saves_nothing(app, db, broadband):
    """A name typed in the sidebar with a control character is refused where the user is; nothing is stored."""
    data = broadband_survey(n=30, seed=6)
    app.session_state["author"] = "Eva\x07"
    open_page(app, broadband)
    upload(app, "author.csv", data)
    app.button(key="surveys.import").click().run()
    assert not app.exception
    assert any("no control characters" in w.value for w in app.warning)
    assert surveys(db, broadband) == []


def test_a_rerun_with_the_same_file_maps_dates_and_checks_it_once(app, db, broadband, monkeypatch):
    """A file is mapped, dated and checked once per file and mapping: the reruns after it cost little."""
    calls = Counter()

    def counting(name: str):
        function = getattr(survey_file, name)

        def counted(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return counted

    for name in ("suggest_mapping", "latest_date", "check"):
        monkeypatch.setattr(survey_file, name, counting(name))
    data = broadband_survey(n=40, seed=9)
    open_page(app, broadband)
    upload(app, "once.csv", data)
    app.run()
    app.run()
    assert calls == {"suggest_mapping": 1, "latest_date": 1, "check": 1}
    app.session_state[mapping_key(data)] = {"edited_rows": {2: {"target": "— ignore —"}}}
    app.run()
    app.run()
    assert calls == {"suggest_mapping": 1, "latest_date": 1, "check": 2}  # a new mapping is checked, once


def save(db, jid, data: bytes, name: str, day: date) -> None:
    G = broadband_demo()
    answers = survey_file.responses(survey_file.read_csv(data), G)
    summary = survey_file.summarize(answers, survey_file.suggest_mapping(answers, G), G, name=name, surveyed_on=day)
    stored.save_survey(session=db, journey_id=jid, summary=summary, author="Test User")


@pytest.fixture
def two_surveys(db, broadband) -> str:
    save(db, broadband, broadband_survey(seed=1, hotline=2.1), "Spring survey", date(2025, 3, 31))
    save(db, broadband, broadband_survey(seed=2, hotline=3.8), "Autumn survey", date(2025, 10, 15))
    return broadband


def test_results_show_the_surveys_the_evidence_and_the_trend(app, two_surveys):
    """Newest survey first; the matrix sets team and measurement side by side; drivers and trend follow."""
    open_page(app, two_surveys)
    assert not app.exception
    listed = app.dataframe[0].value
    assert listed["Survey"].tolist() == ["Autumn survey", "Spring survey"]
    assert listed["Responses"].tolist() == [300, 300]
    matrix = app.get("plotly_chart")[0].proto.spec
    assert "Team's estimate" in matrix and "Measured (driver strength" in matrix and "Call the hotline" in matrix

    app.segmented_control(key="surveys.results").set_value("drivers").run()
    drivers = app.dataframe[1].value
    assert drivers["Touchpoint"].iloc[0] == "Call the hotline"  # the autumn survey's strongest driver

    app.segmented_control(key="surveys.results").set_value("latest").run()
    latest = app.dataframe[1].value.set_index("Touchpoint")
    assert latest.loc["Call the hotline", "Team: experience"] == "1"
    assert float(latest.loc["Call the hotline", "Change"]) > 1  # the hotline got better since spring
    assert latest.loc["Call the hotline", "Survey date"] == "Oct 15, 2025"

    app.segmented_control(key="surveys.results").set_value("trend").run()
    spec = app.get("plotly_chart")[0].proto.spec
    assert "Overall rating" in spec and "Router fixed remotely" in spec


def test_delete_asks_first_and_keeps_the_other_survey(app, db, two_surveys):
    open_page(app, two_surveys)
    ids = {s["name"]: s["id"] for s in surveys(db, two_surveys)}
    app.selectbox(key="surveys.pick").set_value(ids["Spring survey"]).run()
    app.button(key="surveys.delete").click().run()
    assert len(surveys(db, two_surveys)) == 2  # only asked
    assert any("Delete the survey “Spring survey · Mar 31, 2025”" in w.value.replace("\\", "") for w in app.warning)
    app.button(key="surveys.delete.yes").click().run()
    assert [s["name"] for s in surveys(db, two_surveys)] == ["Autumn survey"]


def test_the_page_speaks_german(app, two_surveys):
    open_page(app, two_surveys, lang="de")
    assert app.title[0].value == "Umfragen"
    assert app.dataframe[0].value.columns.tolist()[:4] == ["Umfrage", "Datum", "Antwortende", "Übersprungene Zeilen"]
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"].startswith("Annahmen treffen auf Belege")
    assert [trace["name"].split(" (")[0] for trace in spec["data"]] == ["Einschätzung des Teams", "Gemessen"]
    app.segmented_control(key="surveys.view").set_value("import").run()
    app.file_uploader[0].upload("bad.csv", BAD, "text/csv").run()
    listed = errors(app)
    assert "Zeile 3, Spalte „Call the hotline“: „x“ ist keine Zahl" in listed
    assert "not a number" not in listed
    assert any(c.label == "Die ungültigen Zeilen (2) überspringen und den Rest importieren" for c in app.checkbox)


def test_viewers_see_results_but_cannot_import(db_url, two_surveys):
    """A viewer gets the results; the import view, the delete button and the upload are not there."""
    at = signed_in(db_url, VIEWER)
    open_page(at, two_surveys)
    assert not at.exception
    assert at.dataframe[0].value["Survey"].tolist() == ["Autumn survey", "Spring survey"]
    assert not at.file_uploader
    assert not [s for s in at.segmented_control if s.key == "surveys.view"]
    assert not [b for b in at.button if b.key in ("surveys.delete", "surveys.import")]
