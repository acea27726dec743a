"""Backup and restore: a whole SQLite database into one archive, and back into SQLite or PostgreSQL."""

import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

import store
from journeys.analysis.survey import Aggregate, SurveySummary
from journeys.demo import DEMO_IDEAS, DEMO_SURVEYS
from journeys.model.graph import journey_equal
from store import analysis, backup, cli, ideas, surveys
from store.models import Journey, Revision
from store.rows import read_graph
from tests.strategies import make_journey


def fill(engine) -> None:
    """A database as a workshop leaves it: history, scores, a copy, a journey in the trash, odd text."""
    with Session(engine) as session:
        broadband, ebike, _to_be = store.seed_demo_journeys(session=session)
        G, version = store.load_journey(session=session, journey_id=broadband)
        G.nodes["hotline"]["experience"] = 2
        G.remove_node("cancel")
        store.save_journey(session=session, graph=G, expected_version=version, author="Ana Müller")
        store.rename_journey(session=session, journey_id=broadband, name="Breitband 🛜 <b>2027</b>", author="Ben")
        copy = store.duplicate_journey(session=session, journey_id=ebike, author="Cem", state="to-be")
        analysis.save_ratings(
            session=session,
            journey_id=copy,
            rater="Dörte",
            discipline="engineering",
            scores={"test-ride": {"desirable": 5, "viable": None, "feasible": 2, "comment": "„gut“\nnext line"}},
        )
        idea = ideas.create_idea(
            session=session,
            journey_id=broadband,
            idea={
                "title": "Rückruf statt Warteschleife",
                "effort": 2,
                "targets": {"hotline": [], "install-router": []},
            },
            author="Ana Müller",
        )
        analysis.save_ratings(
            session=session,
            journey_id=broadband,
            rater="Ben",
            discipline="it",
            scores={idea: {"feasible": 2}},
            subject="idea",
        )
        surveys.save_survey(
            session=session,
            journey_id=broadband,
            summary=SurveySummary(
                "Q3 NPS",
                date(2026, 9, 30),
                120,
                {"hotline": Aggregate("csat", 2.5, 0.2, 110, importance=0.55, importance_n=110)},
                overall=Aggregate("nps", 6.1, 0.25, 120, nps=-20.0),
                skipped_rows=(4,),
            ),
            author="Eva",
        )
        store.delete_journey(session=session, journey_id=ebike, author="Cem")
        store.create_journey(session=session, graph=make_journey(40, name="日本語 journey"), author="")


def contents(engine) -> dict:
    """Every journey field by field: its row, its graph, its revisions and its ratings."""
    with Session(engine) as session:
        journeys = session.execute(select(Journey)).scalars().all()
        result = {}
        for j in journeys:
            # derived figures are recomputed, and a restored journey is stored anew (a lifetime of its own)
            row = j.model_dump(exclude={"metrics_version", "lifetime", "change_count"})
            revisions = session.execute(
                select(
                    Revision.version,
                    Revision.author,
                    Revision.created_at,
                    Revision.summary,
                    Revision.changes,
                    Revision.snapshot,
                )
                .where(Revision.journey_id == j.id)
                .order_by(Revision.version)
            ).all()
            result[j.id] = {"row": row, "graph": read_graph(session, j), "revisions": [tuple(r) for r in revisions]}
        session.rollback()
        for jid in result:
            result[jid]["ratings"] = analysis.list_ratings(session=session, journey_id=jid)
            result[jid]["ideas"] = [
                {k: v for k, v in idea.items() if k != "id"}
                for idea in ideas.list_ideas(session=session, journey_id=jid)
            ]
            result[jid]["idea_ratings"] = [
                {k: v for k, v in r.items() if k != "idea"}
                for r in analysis.list_ratings(session=session, journey_id=jid, subject="idea")
            ]
            result[jid]["surveys"] = [
                {k: v for k, v in s.items() if k != "id"} for s in surveys.list_surveys(session=session, journey_id=jid)
            ]
            measured = surveys.list_measurements(session=session, journey_id=jid).drop(columns="survey_id")
            result[jid]["measurements"] = measured.astype(object).where(measured.notna(), None).to_dict("records")
    return result


def lifetimes(engine) -> dict[str, str]:
    """Each journey's lifetime: restored, a journey is stored anew, and nothing cached of the one before is its."""
    with Session(engine) as session:
        return dict(session.execute(select(Journey.id, Journey.lifetime)).all())


def assert_same(restored: dict, original: dict) -> None:
    assert restored.keys() == original.keys()
    for jid, want in original.items():
        got = restored[jid]
        assert got["row"] == want["row"], jid
        assert journey_equal(got["graph"], want["graph"]), jid
        assert got["revisions"] == want["revisions"], jid
        for part in ("ratings", "ideas", "idea_ratings", "surveys", "measurements"):
            assert got[part] == want[part], (jid, part)


@pytest.fixture
def source(tmp_path):
    """A filled SQLite database, and what it holds."""
    engine = store.make_engine(f"sqlite:///{tmp_path}/source.db")
    store.migrate(engine)
    fill(engine)
    yield engine, contents(engine)
    engine.dispose()


def test_restore_gives_identical_journeys(source, engine, tmp_path):
    """SQLite → archive → an empty SQLite or PostgreSQL database: every journey identical, field by field."""
    source_engine, original = source
    assert len(original) == 5 and any(c["row"]["deleted_at"] for c in original.values())
    path = tmp_path / "backup.zip"
    with Session(source_engine) as session:
        written = backup.backup(session=session, path=path)
    assert written == backup.BackupSummary(
        journeys=5,
        revisions=sum(len(c["revisions"]) for c in original.values()),
        ratings=written.ratings,
        trashed=1,
        ideas=len(DEMO_IDEAS["broadband"]) + 1,
        surveys=len(DEMO_SURVEYS["broadband"]) + 1,
    )
    assert written.ratings == sum(len(c["ratings"]) for c in original.values()) > 0

    with Session(engine) as session:
        assert backup.restore(session=session, path=path) == written
    assert_same(contents(engine), original)
    before, after = lifetimes(source_engine), lifetimes(engine)
    assert after.keys() == before.keys() and all(after[jid] not in ("", before[jid]) for jid in before)

    # the restored journeys are live: the next save continues their history
    jid = next(j for j, c in original.items() if c["row"]["name"].startswith("Breitband"))
    with Session(engine) as session:
        G, version = store.load_journey(session=session, journey_id=jid)
        G.nodes["hotline"]["name"] = "Hotline"
        assert store.save_journey(session=session, graph=G, expected_version=version, author="x") == version + 1
        assert not analysis.portfolio(session=session).empty  # figures are recomputed for restored journeys


def test_backup_goes_to_memory_for_a_download(source, tmp_path):
    """A backup can be written to a BytesIO (the admin's download button) and restored from one."""
    source_engine, original = source
    buffer = io.BytesIO()
    with Session(source_engine) as session:
        backup.backup(session=session, path=buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == backup.FORMAT
        assert {j["id"] for j in manifest["journeys"]} == set(original)
    engine = store.make_engine(f"sqlite:///{tmp_path}/target.db")
    store.migrate(engine)
    with Session(engine) as session:
        backup.restore(session=session, path=io.BytesIO(buffer.getvalue()))
    assert_same(contents(engine), original)
    engine.dispose()


def test_restore_refuses_a_database_with_journeys_unless_told_to_replace(source, tmp_path):
    """Restoring over journeys is refused with a clear message; with replace=True it replaces all of them."""
    source_engine, original = source
    path = tmp_path / "backup.zip"
    with Session(source_engine) as session:
        backup.backup(session=session, path=path)
        store.create_journey(session=session, graph=make_journey(3, name="made after the backup"), author="a")
        with pytest.raises(backup.DatabaseNotEmpty, match="already holds 6 journey"):
            backup.restore(session=session, path=path)
        assert session.execute(select(func.count()).select_from(Journey)).scalar_one() == 6
        session.rollback()
        backup.restore(session=session, path=path, replace=True)
    assert_same(contents(source_engine), original)


def damaged_archives(good: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}

    def zipped(**changes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, data in {**files, **changes}.items():
                if data is not None:
                    archive.writestr(name, data)
        return out.getvalue()

    first = json.loads(files["manifest.json"])["journeys"][0]["file"]
    doc = json.loads(files[first])
    doc["graph"]["nodes"][0]["experience"] = 9
    records = json.loads(files[first])
    records["revisions"][0]["changes"] = "created"
    broken = json.loads(files[first])
    broken["revisions"][0]["changes"] = [{"op": "changed", "what": "touchpoint", "names": ["\ud800"], "more": 0}]
    nan = json.loads(files[first])
    nan["revisions"][0]["changes"] = [{"op": float("nan")}]
    return {
        "not a zip": b"PK\x03\x04 nothing",
        "cut short": good[: len(good) // 2],
        "foreign zip": zipped(**{"manifest.json": b'{"format": "other"}'}),
        "journey missing": zipped(**{first: None}),
        "invalid journey": zipped(**{first: json.dumps(doc).encode()}),
        "change records not a list": zipped(**{first: json.dumps(records).encode()}),
        "change record with a broken character": zipped(**{first: json.dumps(broken).encode()}),
        "change record holding NaN": zipped(**{first: json.dumps(nan).encode()}),
    }


def test_a_damaged_backup_is_refused_and_nothing_is_written(source, tmp_path):
    """A damaged or foreign archive raises BackupError; the database stays empty."""
    source_engine, _ = source
    buffer = io.BytesIO()
    with Session(source_engine) as session:
        backup.backup(session=session, path=buffer)
    engine = store.make_engine(f"sqlite:///{tmp_path}/target.db")
    store.migrate(engine)
    with Session(engine) as session:
        for name, data in damaged_archives(buffer.getvalue()).items():
            with pytest.raises(backup.BackupError):
                backup.restore(session=session, path=io.BytesIO(data))
            counts = {
                t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables
            }
            session.rollback()
            assert set(counts.values()) == {0}, name
    engine.dispose()


def test_backup_and_restore_on_the_command_line(source, tmp_path, monkeypatch, capsys):
    """`backup FILE` writes the archive; `restore FILE` refuses a full database, and fills an empty one."""
    source_engine, original = source
    path = tmp_path / "out" / "backup.zip"
    monkeypatch.setenv("JOURNEYS_DB_URL", str(source_engine.url))
    assert cli.main(["backup", str(path)]) == cli.EXIT_OK
    assert "backed up 5 journey(s) (1 in the trash)" in capsys.readouterr().out
    assert cli.main(["restore", str(path)]) == cli.EXIT_FAILED
    assert "--replace" in capsys.readouterr().err
    monkeypatch.setenv("JOURNEYS_DB_URL", f"sqlite:///{tmp_path}/target.db")
    assert cli.main(["restore", str(tmp_path / "missing.zip")]) == cli.EXIT_FAILED
    assert "cannot be read" in capsys.readouterr().err
    assert cli.main(["restore", str(path)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert (
        "restored 5 journey(s)" in out
        and f"{len(DEMO_IDEAS['broadband']) + 1} idea(s) and {len(DEMO_SURVEYS['broadband']) + 1} survey(s)" in out
    )
    engine = store.make_engine(f"sqlite:///{tmp_path}/target.db")
    assert_same(contents(engine), original)
    engine.dispose()
