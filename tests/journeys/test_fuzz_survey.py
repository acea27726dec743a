"""Survey files under hostile input: a named refusal or a stored survey, never a traceback, never half a write.

A realistic survey file is mutated at random (UTF-16 with and without its byte order mark and
cut to an odd length, NUL and lone surrogates, control characters, a huge header cell, many
columns, 5,000-digit numbers, open quotes, lone CRs, ragged rows) and given a hostile name
(lone surrogates, NUL, escape codes, 201 characters). Each goes through reading, mapping,
checking and summarising; through the store on SQLite and PostgreSQL a refused survey leaves
every table as it was. The limits of columns, rows and cell lengths are tested at and past
their edge.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

import store
from journeys.io import survey_file
from journeys.io.survey_file import (
    MAX_CELL,
    MAX_COLUMNS,
    MAX_HEADER,
    MAX_ROWS,
    SurveyInvalid,
    check,
    check_mapping,
    read_csv,
    responses,
    suggest_mapping,
    summarize,
)
from journeys.model.templates import broadband_demo
from store import surveys
from tests.journeys.test_fuzz_import import assert_showable, row_counts
from tests.survey_data import broadband_survey

FUZZ_CSV_HOSTILE = 500
"""Hostile survey files read, mapped, checked and summarised per run (the README quotes it)."""
FUZZ_CSV_STORE = 100
"""Of those, stored per run, on SQLite and on PostgreSQL each."""

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
G = broadband_demo()
DAY = date(2026, 3, 1)
BASE = broadband_survey(n=25, seed=3)  # German Excel: ";" and cp1252
BASE_TEXT = BASE.decode("cp1252")

HOSTILE_PIECES = [
    "\x00", "\x1b[31m", "\x07", "\r", "\n", "\t", '"', '"unclosed', ";", ",", "9" * 5000, "-" + "1" * 400, "1e999",
    "NaN", "inf", "٣", "１２", "\u202e", "\ufeff", "x" * (MAX_HEADER + 1), "y" * 140_000, ";" * (MAX_COLUMNS + 5),
]  # fmt: skip
HOSTILE_NAMES = st.one_of(
    st.sampled_from(["Spring", "Spring\ud800", "\x00", "Spring\x1b[31m", "Spring\nnext", "x" * 201, "   ", "Größe 🚲"]),
    st.text(max_size=12),
)


@st.composite
def hostile_files(draw) -> bytes:
    """The base survey with hostile pieces put in, then written in one of the ways files arrive, some broken."""
    text = BASE_TEXT
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(HOSTILE_PIECES)) + text[at:]
    way = draw(st.sampled_from(["utf-8", "cp1252", "utf-16", "utf-16-odd", "utf-16-le", "surrogate", "cut"]))
    if way == "utf-16":
        return text.encode("utf-16")
    if way == "utf-16-odd":
        return text.encode("utf-16") + b"x"
    if way == "utf-16-le":  # no byte order mark: NUL in every other byte
        return text.encode("utf-16-le")
    if way == "cp1252":
        return text.encode("cp1252", "replace")
    data = text.encode("utf-8", "surrogatepass")
    if way == "surrogate":  # a lone surrogate written as UTF-8 would write it
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\xed\xa0\x80" + data[at:]
    if way == "cut":
        return data[: draw(st.integers(0, len(data)))]
    return data


def through_the_pipeline(data: bytes, name: str, skip: bool):
    """Read, map, check and summarise ``data``: the summary, or None after a SurveyInvalid that says why."""
    try:
        answers = responses(read_csv(data), G)
        mapping = suggest_mapping(answers, G)
        for problem in check_mapping(mapping, G) + check(answers, mapping):
            assert_showable(problem.text("de"))
        return summarize(answers, mapping, G, name=name, surveyed_on=DAY, skip_bad_rows=skip)
    except SurveyInvalid as refused:
        event(f"refused: {refused.code}")
        assert refused.text("en") != refused.text("de")
        assert_showable(refused.text("de"))
        return None


@settings(FUZZ, max_examples=FUZZ_CSV_HOSTILE)
@given(data=hostile_files(), name=HOSTILE_NAMES, skip=st.booleans())
def test_hostile_survey_files_are_summarised_or_refused_clearly(data, name, skip):
    """Every hostile file and name ends in a summary the store can hold or in a named refusal; nothing else."""
    summary = through_the_pipeline(data, name, skip)
    if summary is not None:
        event("summarised")
        surveys.check_summary(summary)  # what the store would refuse, the file's checks refused already


@pytest.fixture
def journey(db_url):
    """A database with the broadband demo, on SQLite and on PostgreSQL."""
    engine = store.make_engine(db_url)
    store.migrate(engine)
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=G, author="t")
    yield engine, jid
    engine.dispose()


@settings(FUZZ, max_examples=FUZZ_CSV_STORE)
@given(data=hostile_files(), name=HOSTILE_NAMES)
def test_hostile_survey_files_are_stored_whole_or_not_at_all(journey, data, name):
    """Through the store: a survey stored whole, or refused with every table as it was."""
    engine, jid = journey
    summary = through_the_pipeline(data, name, True)
    with Session(engine) as session:
        before = row_counts(session)
        if summary is None:
            return
        try:
            surveys.save_survey(session=session, journey_id=jid, summary=summary, author="fuzz")
        except surveys.SurveyRefused as refused:
            event(f"refused by the store: {refused.code}")
            session.rollback()
            assert row_counts(session) == before
            return
        event("stored")
        after = row_counts(session)
        assert after["survey"] == before["survey"] + 1
        assert after["measurement"] == before["measurement"] + len(summary.touchpoints)


@pytest.mark.parametrize(
    ("name", "code"),
    [("Spring\ud800", "name_characters"), ("Spring\x00", "name_characters"), ("\x1b[2JSpring", "name_characters"),
     ("x" * 201, "name"), ("  ", "name"), (None, "name")],
    ids=["surrogate", "NUL", "escape code", "201 characters", "blank", "none"],
)  # fmt: skip
def test_a_hostile_survey_name_is_refused_by_the_file_and_by_the_store(name, code):
    """A survey's name with a lone surrogate, NUL or an escape code, too long or blank: refused twice over."""
    answers = responses(read_csv(BASE), G)
    with pytest.raises(SurveyInvalid) as refused:
        summarize(answers, suggest_mapping(answers, G), G, name=name, surveyed_on=DAY)
    assert refused.value.code == code
    good = summarize(answers, suggest_mapping(answers, G), G, name="Spring", surveyed_on=DAY)
    with pytest.raises(surveys.SurveyRefused) as stored:
        surveys.check_summary(good.__class__(**{**vars(good), "name": name}))
    assert stored.value.code == code


def _wide(columns: int, rows: int = 2) -> bytes:
    header = ",".join(["Overall", "Call the hotline", *(f"q{i}" for i in range(columns - 2))])
    return (header + "\n" + ("5," * (columns - 1) + "4\n") * rows).encode()


def test_the_limits_hold_at_their_edge_and_refuse_past_it():
    """500 columns, 100,000 rows, a header cell of 1,000 and a value of 10,000 characters are read; one more is not."""
    assert read_csv(_wide(MAX_COLUMNS)).shape == (2, MAX_COLUMNS)
    for data, code in [
        (_wide(MAX_COLUMNS + 1), "too_many_columns"),
        (b"Overall,Call the hotline\n" + b"5,4\n" * (MAX_ROWS + 1), "too_many_rows"),
        (b"x" * (MAX_HEADER + 1) + b",Overall\n1,2\n", "header_too_long"),
        (b"Overall,Comment\n5," + b"y" * (MAX_CELL + 1) + b"\n", "cell_too_long"),
        (b"Overall,Comment\n5," + b"y" * 140_000 + b"\n", "cell_too_long"),
        (b"y" * 140_000 + b",Overall\n1,2\n", "cell_too_long"),
        ("Overall,Hotline\n5,4\n".encode("utf-16") + b"x", "utf16"),
        (b"\xff\xfeO\x00,\x00\x00\xd8\n\x00", "utf16"),
        (b"Overall,Hotline\n5,4\n\x00\x01\x02\xff\xfe\x00\x00\x9d" * 50, "encoding"),
        (b"Overall,Hotline\n5,\x004\n", "binary"),
    ]:
        with pytest.raises(SurveyInvalid) as refused:
            read_csv(data)
        assert refused.value.code == code, (data[:40], refused.value.code)
    assert len(read_csv(b"Overall,Call the hotline\n" + b"5,4\n" * MAX_ROWS)) == MAX_ROWS
    assert read_csv(b"x" * MAX_HEADER + b",Overall\n1,2\n").shape == (1, 2)


def test_a_long_file_naming_too_many_touchpoints_is_refused():
    """A long file (response, touchpoint, rating) naming 501 touchpoints would become 501 columns: refused."""
    rows = "\n".join(f"{i},touchpoint {i},4" for i in range(MAX_COLUMNS + 1))
    with pytest.raises(SurveyInvalid) as refused:
        responses(read_csv(f"response,touchpoint,rating\n{rows}\n".encode()), G)
    assert refused.value.code == "too_many_touchpoints"
    rows = "\n".join(f"{i},hotline,4" for i in range(MAX_ROWS // 10))
    assert responses(read_csv(f"response,touchpoint,rating\n{rows}\n".encode()), G).long  # an ordinary one is read


def test_survey_file_limits_are_documented():
    """docs/surveys.md names the limits a file must keep."""
    from pathlib import Path

    docs = (Path(__file__).parent.parent.parent / "docs" / "surveys.md").read_text(encoding="utf-8")
    for limit in (f"{MAX_COLUMNS}", f"{MAX_ROWS:,}", f"{MAX_HEADER:,}", f"{MAX_CELL:,}"):
        assert limit in docs, limit
    assert survey_file.MAX_BYTES // 2**20 == 10
