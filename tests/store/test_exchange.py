"""A journey's file carries everything its team added: exported, imported into another database, the same figures.

The broadband demo as ``store.seed_demo_journeys`` stores it (the team's ratings, five ideas with their scores
and two surveys), with comment threads on a touchpoint and on an idea, goes out as JSON and into an empty
database on SQLite and on PostgreSQL: the CSV's weakness column, every rating, idea and survey figure come back
as they were. A journey whose id is there already comes in beside it under a name of its own, or as its next
version; a broken section writes nothing.
"""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import networkx as nx
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

import store
from journeys.analysis.scoring import consensus
from journeys.demo import broadband_demo
from journeys.io import exports, interchange
from journeys.io.interchange import JourneyFormatError
from journeys.model.graph import journey_equal
from store import analysis, exchange, ideas, surveys

TODAY = date(2026, 12, 7)


def demo_database(url: str) -> tuple[object, str]:
    """A database with the demo journeys, and the id of the broadband as-is; a thread on its hotline and one on
    its first idea, with a reply and a mention."""
    engine = store.make_engine(url)
    store.migrate(engine)
    with Session(engine) as session:
        store.seed_demo_journeys(session=session)
        journey_id = next(
            j.id for j in store.list_journeys(session=session) if j.name.startswith("Broadband") and j.state == "as-is"
        )
        thread = store.add_comment(
            session=session, journey_id=journey_id, author="Ana", text="Why 25 minutes? @Ben", touchpoint="hotline"
        )
        store.add_comment(session=session, journey_id=journey_id, author="Ben", text="Staffing.", reply_to=thread)
        store.resolve_comment(session=session, comment_id=thread, author="Ben")
        first_idea = ideas.list_ideas(session=session, journey_id=journey_id)[0]["id"]
        store.add_comment(session=session, journey_id=journey_id, author="Cem", text="Costs?", idea=first_idea)
    return engine, journey_id


def exported(engine, journey_id: str) -> str:
    """The journey's JSON file, as the Export page and the command line write it."""
    with Session(engine) as session:
        G, _ = store.load_journey(session=session, journey_id=journey_id)
        sections = store.journey_sections(session=session, journey_id=journey_id, touchpoints=set(G))
    return exports.data_text(G, "json", exported_by="Ana", sections=sections)


def figures(engine, journey_id: str) -> dict:
    """What a user reads of the journey on Review, Scoring, Ideas and Surveys, with the database's ids left out."""
    with Session(engine) as session:
        G, _ = store.load_journey(session=session, journey_id=journey_id)
        ratings = analysis.list_ratings(session=session, journey_id=journey_id)
        idea_list = ideas.list_ideas(session=session, journey_id=journey_id)
        titles = {idea["id"]: idea["title"] for idea in idea_list}
        idea_ratings = analysis.list_ratings(session=session, journey_id=journey_id, subject="idea")
        survey_list = surveys.list_surveys(session=session, journey_id=journey_id)
        measurements = surveys.list_measurements(session=session, journey_id=journey_id)
        threads = store.list_comments(session=session, journey_id=journey_id)
    scores = consensus(ratings)
    idea_scores = consensus(idea_ratings, by="idea")
    without_ids = [{k: v for k, v in t.items() if k not in ("id", "idea", "parent_id")} for t in threads]
    for thread in without_ids:
        thread["idea"] = titles.get(next(t["idea"] for t in threads if t["text"] == thread["text"]))
        thread["replies"] = [
            {k: v for k, v in r.items() if k not in ("id", "idea", "parent_id")} for r in thread["replies"]
        ]
    return {
        "graph": G,
        "csv": exports.to_csv(G, scores),
        "table": exports.touchpoint_scores(G, scores),
        "ratings": ratings,
        "ideas": [{k: v for k, v in idea.items() if k != "id"} for idea in idea_list],
        "idea ratings": [{**r, "idea": titles[r["idea"]]} for r in idea_ratings],
        "idea scores": {titles[k]: v for k, v in idea_scores.items()},
        "surveys": [{k: v for k, v in s.items() if k != "id"} for s in survey_list],
        "measurements": measurements.drop(columns="survey_id"),
        "comments": without_ids,
    }


def assert_same_figures(after: dict, before: dict) -> None:
    assert journey_equal(after["graph"], before["graph"])
    assert after["csv"] == before["csv"]
    pd.testing.assert_frame_equal(after["table"], before["table"])
    pd.testing.assert_frame_equal(after["measurements"], before["measurements"])
    for part in ("ratings", "ideas", "idea ratings", "idea scores", "surveys", "comments"):
        assert after[part] == before[part], part


def weakness(csv: str) -> pd.Series:
    return pd.read_csv(StringIO(csv)).set_index("touchpoint")["weakness"]


def test_a_journey_travels_whole_into_an_empty_database(engine, tmp_path):
    """Exported from one workbench and imported into an empty one (SQLite or PostgreSQL) and back out into a third:
    the CSV's weakness column and every rating, idea, survey and comment are as they were."""
    source, journey_id = demo_database(f"sqlite:///{tmp_path}/source.db")
    before = figures(source, journey_id)
    text = exported(source, journey_id)
    doc = json.loads(text)
    assert doc["version"] == 2
    assert {part: len(doc[part]) for part in ("ratings", "ideas", "surveys", "comments")} == {
        "ratings": len(before["ratings"]), "ideas": 5, "surveys": 2, "comments": 1,
    }  # fmt: skip
    assert weakness(before["csv"]).round(2).sum() != weakness(exports.to_csv(before["graph"])).round(2).sum()

    with Session(engine) as session:
        imported_id = store.import_journey_whole(session=session, data=text, author="Ben")
    assert imported_id == journey_id  # an empty database: the journey keeps its id
    after = figures(engine, imported_id)
    assert_same_figures(after, before)
    pd.testing.assert_series_equal(weakness(after["csv"]), weakness(before["csv"]))

    third = store.make_engine(f"sqlite:///{tmp_path}/third.db")
    store.migrate(third)
    with Session(third) as session:
        again = store.import_journey_whole(session=session, data=exported(engine, imported_id), author="Cem")
    assert_same_figures(figures(third, again), before)
    third.dispose()
    source.dispose()


def test_networkx_reads_the_whole_file(tmp_path):
    """networkx reads a version 2 file as the journey, the sections beside it."""
    source, journey_id = demo_database(f"sqlite:///{tmp_path}/source.db")
    G = nx.node_link_graph(json.loads(exported(source, journey_id)), edges="edges")
    assert G.number_of_nodes() == 13 and G.has_edge("install-router", "hotline")
    source.dispose()


def test_a_version_1_file_imports(session):
    """A file of version 1 (the journey, maybe comments) imports as before, with nothing else."""
    text = interchange.dumps(broadband_demo())
    assert json.loads(text)["version"] == 1
    journey_id = store.import_journey_whole(session=session, data=text, author="Ana")
    G, version = store.load_journey(session=session, journey_id=journey_id)
    expected = interchange.loads(text)
    expected.graph["id"] = journey_id
    assert version == 1 and journey_equal(G, expected)
    assert analysis.list_ratings(session=session, journey_id=journey_id) == []
    assert ideas.list_ideas(session=session, journey_id=journey_id) == []


def rows(session: Session) -> dict[str, int]:
    counts = {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
    }
    session.rollback()
    return counts


@pytest.fixture
def here(engine):
    """The broadband demo with its team's data stored once, and its file."""
    with Session(engine) as session:
        store.seed_demo_journeys(session=session)
        journey_id = next(
            j.id for j in store.list_journeys(session=session) if j.name.startswith("Broadband") and j.state == "as-is"
        )
    return journey_id, exported(engine, journey_id)


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("en", "Broadband: router set-up and the hotline (imported 2026-12-07)"),
        ("de", "Broadband: router set-up and the hotline (importiert am 07.12.2026)"),
    ],
)
def test_a_journey_already_here_is_imported_beside_it_under_a_name_of_its_own(engine, here, lang, name):
    """The file of a journey that is here becomes another journey, named with the day, in the user's language; the
    one here stays as it was."""
    journey_id, text = here
    before = figures(engine, journey_id)
    with Session(engine) as session:
        copy_id = store.import_journey_whole(session=session, data=text, author="Ana", today=TODAY, lang=lang)
        listed = {j.id: j.name for j in store.list_journeys(session=session)}
    assert copy_id != journey_id
    assert listed[copy_id] == name and listed[journey_id] == "Broadband: router set-up and the hotline"
    copy = figures(engine, copy_id)
    assert copy["csv"] == before["csv"] and copy["ideas"] == before["ideas"] and copy["surveys"] == before["surveys"]
    assert_same_figures(figures(engine, journey_id), before)


def test_replacing_makes_the_file_the_next_version_and_keeps_the_history(engine, here):
    """Replace: the file's journey, scores and ideas become the journey's version 2; version 1 stays in its history,
    and the History says it was imported."""
    journey_id, text = here
    with Session(engine) as session:
        original, _ = store.load_journey(session=session, journey_id=journey_id)
        store.delete_journey(session=session, journey_id=journey_id, author="Ana")  # in the trash, it comes back
    doc = json.loads(text)
    hotline = next(n for n in doc["nodes"] if n["id"] == "hotline")
    hotline["name"] = "Call the service line"
    doc["ratings"] = [r for r in doc["ratings"] if r["touchpoint"] != "hotline"]
    doc["ideas"] = doc["ideas"][:1]
    doc["surveys"] = []
    with Session(engine) as session:
        assert (
            store.import_journey_whole(session=session, data=json.dumps(doc), author="Ben", on_duplicate="replace")
            == journey_id
        )
        G, version = store.load_journey(session=session, journey_id=journey_id)
        history = store.list_revisions(session=session, journey_id=journey_id)
        first = store.load_revision(session=session, journey_id=journey_id, version=1)
        ratings = analysis.list_ratings(session=session, journey_id=journey_id)
        idea_list = ideas.list_ideas(session=session, journey_id=journey_id)
        survey_list = surveys.list_surveys(session=session, journey_id=journey_id)
    assert version == 2 and G.nodes["hotline"]["name"] == "Call the service line"
    assert [r.version for r in history] == [2, 1] and history[0].author == "Ben"
    assert history[0].changes[0] == {"op": "imported"}
    assert store.summaries.render(history[0].changes, "de").startswith("aus einer Datei importiert")
    assert journey_equal(first, original)
    assert ratings and all(r["touchpoint"] != "hotline" for r in ratings)
    assert [i["title"] for i in idea_list] == [doc["ideas"][0]["title"]] and survey_list == []


BROKEN = {
    "a rating of no touchpoint": lambda d: d["ratings"][0].update(touchpoint="ghost"),
    "an idea for no touchpoint": lambda d: d["ideas"][1]["targets"].append({"touchpoint": "ghost", "pains": []}),
    "a rater twice on an idea": lambda d: d["ideas"][0]["ratings"].append(dict(d["ideas"][0]["ratings"][0])),
    "more answers than responses": lambda d: d["surveys"][0]["measurements"][0].update(n=10**6),
    "a survey date that is none": lambda d: d["surveys"][1].update(surveyed_on="2026-02-30"),
    "a control character in a comment on an idea": lambda d: d["ideas"][0].update(
        comments=[{"author": "Ana", "text": "a\x1b[2Jb", "created_at": "2026-03-01T09:30:00+00:00"}]
    ),
}


@pytest.mark.parametrize("on_duplicate", ["new", "replace"])
@pytest.mark.parametrize("broken", list(BROKEN))
def test_a_broken_section_writes_nothing(engine, here, broken, on_duplicate):
    """A file with one broken section is refused with the problem named in English and German; no table changes,
    neither as a new journey nor over the one here."""
    journey_id, text = here
    doc = json.loads(text)
    BROKEN[broken](doc)
    with Session(engine) as session:
        before = rows(session)
        with pytest.raises(JourneyFormatError) as refused:
            store.import_journey_whole(session=session, data=json.dumps(doc), author="Ana", on_duplicate=on_duplicate)
        session.rollback()
        assert rows(session) == before
        assert store.current_version(session=session, journey_id=journey_id) == 1
    for problem in refused.value.problems:
        assert problem.subject in ("rating", "idea", "survey") and problem.text("de") != problem.text("en")


@pytest.mark.parametrize("on_duplicate", ["new", "replace"])
def test_a_failure_while_writing_leaves_nothing_behind(engine, here, monkeypatch, on_duplicate):
    """Should the database fail halfway (here: on the last part, the comment threads), nothing of the import stays
    and the journey here keeps its version, scores, ideas and surveys."""
    journey_id, text = here
    before = figures(engine, journey_id)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(exchange, "write_threads", broken)
    with Session(engine) as session:
        counts = rows(session)
        with pytest.raises(RuntimeError):
            store.import_journey_whole(session=session, data=text, author="Ana", on_duplicate=on_duplicate)
        session.rollback()
        assert rows(session) == counts
        assert store.current_version(session=session, journey_id=journey_id) == 1
    assert_same_figures(figures(engine, journey_id), before)
