"""Restore under hostile archives: every bad record, bomb and oddity refused with a clear message, nothing written.

A small database (a journey with a history of patches, ratings, an idea with a rating, a survey,
and a journey in the trash) is backed up once; its archive is then mutated record by record,
nested, inflated and multiplied. Each restore either refuses with a :class:`BackupError` that
says what and where, in English and German, and leaves every table as it was, or restores
whole. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import io
import json
import struct
import tracemalloc
import zipfile
import zlib
from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

import store
from journeys.analysis.survey import Aggregate, SurveySummary
from store import analysis, archive, backup, ideas, surveys
from tests.strategies import make_journey

FUZZ_ARCHIVES = 200
"""Randomly mutated archives restored per run and database (the README quotes it)."""


def _fill(engine) -> None:
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=make_journey(5, personas=1), author="Ana")
        for experience in (2, 3, 4):  # small saves: revisions 2..4 are patches on the version before
            G, version = store.load_journey(session=session, journey_id=jid)
            G.nodes["tp-2"]["experience"] = experience
            store.save_journey(session=session, graph=G, expected_version=version, author="Ben")
        analysis.save_ratings(
            session=session, journey_id=jid, rater="Cem", discipline="it",
            scores={"tp-1": {"desirable": 4, "viable": 2, "comment": "slow\nat night"}, "tp-2": {"feasible": 5}},
        )  # fmt: skip
        idea = ideas.create_idea(
            session=session, journey_id=jid, author="Ana",
            idea={"title": "Call back", "effort": 2, "targets": {"tp-2": ["Pain at tp-2"], "tp-3": []}},
        )  # fmt: skip
        analysis.save_ratings(
            session=session, journey_id=jid, rater="Ben", discipline="it", scores={idea: {"viable": 3}}, subject="idea"
        )
        surveys.save_survey(
            session=session, journey_id=jid, author="Eva",
            summary=SurveySummary(
                "Spring", date(2026, 3, 1), 40,
                {"tp-2": Aggregate("csat", 2.5, 0.2, 38, importance=0.4, importance_n=30)},
                overall=Aggregate("nps", 6.5, 0.3, 40, nps=-10.0), skipped_rows=(7,),
            ),
        )  # fmt: skip
        other = store.create_journey(session=session, graph=make_journey(2, personas=0, name="Old"), author="Ana")
        store.delete_journey(session=session, journey_id=other, author="Ana")


class Archive(bytes):
    """An archive's bytes, shown by their size in a report (not as 10 kB of escapes)."""

    def __repr__(self) -> str:
        return f"<archive of {len(self):,} bytes>"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> bytes:
    """The archive of the small database."""
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('source')}/source.db")
    store.migrate(engine)
    _fill(engine)
    buffer = io.BytesIO()
    with Session(engine) as session:
        backup.backup(session=session, path=buffer)
    engine.dispose()
    return Archive(buffer.getvalue())


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive_file:
        for name, data in files.items():
            archive_file.writestr(name, data)
    return out.getvalue()


def first_file(files: dict[str, bytes]) -> str:
    return json.loads(files["manifest.json"])["journeys"][0]["file"]


def with_journey(good_bytes: bytes, change) -> bytes:
    """The archive with ``change(doc)`` applied to the first journey's document (the one with everything)."""
    files = members(good_bytes)
    name = first_file(files)
    doc = json.loads(files[name])
    change(doc)
    files[name] = json.dumps(doc, allow_nan=True).encode()
    return zipped(files)


def _patch_revision(doc) -> dict:
    return next(r for r in doc["revisions"] if r["snapshot"].startswith('{"patch"'))


def _nested(depth: int):
    value = 0
    for _ in range(depth):
        value = [value]
    return value


# name -> change of the first journey's document, and the code of the refusal
RECORDS = {
    "score 99": (lambda d: d["ratings"][0].update(desirable=99), "record"),
    "score as text": (lambda d: d["ratings"][0].update(viable="4"), "record"),
    "rating comment not text": (lambda d: d["ratings"][0].update(comment={"a": 1}), "value"),
    "rater with an escape code": (lambda d: d["ratings"][0].update(rater="\x1b[31mCem"), "value"),
    "rater a lone surrogate": (lambda d: d["ratings"][0].update(rater="\ud800"), "value"),
    "discipline longer than its column": (lambda d: d["ratings"][0].update(discipline="x" * 40), "value"),
    "rating of no touchpoint": (lambda d: d["ratings"][0].update(touchpoint="ghost"), "unknown_touchpoint"),
    "rating twice": (lambda d: d["ratings"].append(copy.deepcopy(d["ratings"][0])), "duplicate"),
    "rating time garbage": (lambda d: d["ratings"][0].update(updated_at="yesterday"), "value"),
    "garbage snapshot": (lambda d: d["revisions"][0].update(snapshot="garbage{"), "not_json"),
    "snapshot no journey": (lambda d: d["revisions"][0].update(snapshot='{"format": "x"}'), "graph"),
    "snapshot not text": (lambda d: d["revisions"][0].update(snapshot=None), "value"),
    "garbage patch": (lambda d: _patch_revision(d).update(snapshot='{"patch": 1, "removed": ["ghost"]}'), "history"),
    "patch making an invalid journey": (
        lambda d: _patch_revision(d).update(
            snapshot=json.dumps({**json.loads(_patch_revision(d)["snapshot"]), "journey": {"state": "done"}})
        ),
        "graph",
    ),
    "patch without the version before": (lambda d: d["revisions"].pop(0), "history"),
    "revision twice": (lambda d: d["revisions"].append(copy.deepcopy(d["revisions"][-1])), "duplicate"),
    "revision after the journey's version": (lambda d: d["revisions"][-1].update(version=99), "value"),
    "revision summary a lone surrogate": (lambda d: d["revisions"][0].update(summary="\udfff"), "value"),
    "snapshot holding a lone surrogate": (
        lambda d: d["revisions"][0].update(snapshot=d["revisions"][0]["snapshot"].replace("{", '{"x": "\ud800", ', 1)),
        "value",
    ),
    "revision date bad": (lambda d: d["revisions"][0].update(created_at="2026-13-45T99:00:00"), "value"),
    "journey date bad": (lambda d: d["journey"].update(created_at="soon"), "value"),
    "journey version -1": (lambda d: d["journey"].update(version=-1), "value"),
    "journey version 10**100": (lambda d: d["journey"].update(version=10**100), "value"),
    "journey id with NUL": (lambda d: d["journey"].update(id="a\x00b"), "value"),
    "journey id too long": (lambda d: d["journey"].update(id="x" * 65), "value"),
    "journey name with an escape code": (lambda d: d["journey"].update(name="\x1b]0;pwned\x07"), "value"),
    "journey state bogus": (lambda d: d["journey"].update(state="bogus"), "value"),
    "graph name a lone surrogate": (lambda d: d["graph"]["graph"].update(name="\ud800"), "graph"),
    "persona value 10**400": (lambda d: d["graph"]["graph"]["personas"][0].update(value=10**400), "graph"),
    "persona value infinite": (lambda d: d["graph"]["graph"]["personas"][0].update(value=float("inf")), "graph"),
    "idea status bogus": (lambda d: d["ideas"][0].update(status="bogus"), "record"),
    "idea effort 10**30": (lambda d: d["ideas"][0].update(effort=10**30), "record"),
    "idea title a lone surrogate": (lambda d: d["ideas"][0].update(title="Call \ud800"), "record"),
    "idea pains not texts": (lambda d: d["ideas"][0]["targets"][0].update(pains=[{"x": 1}]), "value"),
    "idea target twice": (lambda d: d["ideas"][0]["targets"].append(d["ideas"][0]["targets"][0]), "duplicate"),
    "idea rating twice": (lambda d: d["ideas"][0]["ratings"].append(d["ideas"][0]["ratings"][0]), "duplicate"),
    "idea rating 0": (lambda d: d["ideas"][0]["ratings"][0].update(viable=0), "record"),
    "idea version NaN": (lambda d: d["ideas"][0].update(version=float("nan")), "value"),
    "measurement n = -5": (lambda d: d["surveys"][0]["measurements"][0].update(n=-5), "record"),
    "measurement mean outside its scale": (lambda d: d["surveys"][0]["measurements"][0].update(mean=99), "record"),
    "measurement mean NaN": (lambda d: d["surveys"][0]["measurements"][0].update(mean=float("nan")), "record"),
    "measurement of no touchpoint": (
        lambda d: d["surveys"][0]["measurements"][0].update(touchpoint="ghost"),
        "unknown_touchpoint",
    ),
    "measurement twice": (
        lambda d: d["surveys"][0]["measurements"].append(d["surveys"][0]["measurements"][0]),
        "duplicate",
    ),
    "survey date bad": (lambda d: d["surveys"][0].update(surveyed_on="2026-02-30"), "value"),
    "survey responses 10**12": (lambda d: d["surveys"][0].update(responses=10**12), "record"),
    "survey name with NUL": (lambda d: d["surveys"][0].update(name="Spring\x00"), "record"),
    "survey overall scale bogus": (lambda d: d["surveys"][0].update(overall_scale="stars"), "record"),
    "surveys not a list": (lambda d: d.update(surveys={"a": 1}), "value"),
    "deep nesting in a field": (lambda d: d["journey"].update(description=_nested(200)), "too_deep"),
}


def row_counts(session: Session) -> dict[str, int]:
    counts = {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
    }
    session.rollback()
    return counts


def assert_refused(engine, data: bytes, code: str, *, replace: bool = False, case: str = "") -> archive.BackupError:
    """Restore ``data``: refused with ``code`` and a message in both languages; every table as before."""
    with Session(engine) as session:
        before = row_counts(session)
        with pytest.raises(backup.BackupError) as refused:
            backup.restore(session=session, path=io.BytesIO(data), replace=replace)
        session.rollback()
        assert row_counts(session) == before, case
    error = refused.value
    assert error.code == code, (case, str(error))
    english, german = error.text("en"), error.text("de")
    assert english == str(error) and english != german
    for text in (english, german):
        assert "\n" not in text and "\x1b" not in text and "\x00" not in text and "\ud800" not in text
        assert len(text) < 1500
    return error


def test_every_bad_record_is_refused_clearly_and_nothing_is_written(good, engine):
    """Scores out of range, garbage history, bad statuses, n = −5, duplicates, bad dates …: refused, nothing written."""
    for name, (change, code) in RECORDS.items():
        error = assert_refused(engine, with_journey(good, change), code, case=name)
        if code not in ("not_json", "too_deep"):
            assert error.params["journey"], name  # says which journey


def test_the_good_archive_restores_and_a_refused_one_keeps_what_is_there(good, engine):
    """The unmutated archive restores (so each refusal is the mutation's doing); with --replace, a refused archive
    deletes nothing: the journeys there stay."""
    with Session(engine) as session:
        done = backup.restore(session=session, path=io.BytesIO(good))
    assert (done.journeys, done.trashed, done.ideas, done.surveys) == (2, 1, 1, 1)
    assert_refused(engine, with_journey(good, RECORDS["measurement n = -5"][0]), "record", replace=True)


HOSTILE_FILES = {
    "100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
    "50,000 objects deep": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "too_deep"),
    "5,000 digits": (b'{"journey": {"version": ' + b"9" * 5_000 + b"}}", "huge_number"),
    "not UTF-8": (b"\xff\xfe{", "not_json"),
    "empty": (b"", "not_json"),
    "a list": (b"[1, 2]", "manifest"),
    "no record": (b'{"journey": {"id": "x"}, "graph": ' + b"1e999" + b"}", "missing_field"),
}
HOSTILE_MANIFESTS = {
    "foreign": (b'{"format": "other"}', "foreign"),
    "version 2": (b'{"format": "journey-workbench-backup", "version": 2}', "version"),
    "file not text": (b'{"format": "journey-workbench-backup", "version": 1, "journeys": [{"file": 7}]}', "manifest"),
    "entry not an object": (b'{"format": "journey-workbench-backup", "version": 1, "journeys": ["x"]}', "manifest"),
    "missing file": (
        b'{"format": "journey-workbench-backup", "version": 1, "journeys": [{"file": "nowhere.json"}]}',
        "missing",
    ),
    "deep": (b"[" * 10_000 + b"]" * 10_000, "too_deep"),
}


def test_hostile_files_and_manifests_are_refused(good, engine):
    """Deep nesting, 5,000-digit numbers, files that are no journey's document, foreign or damaged manifests."""
    files = members(good)
    for name, (member, code) in HOSTILE_FILES.items():
        assert_refused(engine, zipped({**files, first_file(files): member}), code, case=name)
    for name, (manifest, code) in HOSTILE_MANIFESTS.items():
        assert_refused(engine, zipped({**files, "manifest.json": manifest}), code, case=name)
    twice = json.loads(files["manifest.json"])
    twice["journeys"].append(twice["journeys"][0])  # one journey's file named twice
    assert_refused(engine, zipped({**files, "manifest.json": json.dumps(twice).encode()}), "duplicate_journey")


def test_too_many_members_are_refused_before_any_is_read(good, engine, monkeypatch):
    """An archive of more files than a backup can hold is refused before any of them is inflated."""
    files = members(good)
    extra = {f"junk/{i:05d}": b"" for i in range(archive.MAX_MEMBERS)}
    data = zipped({**files, **extra})

    def never(*args, **kwargs):
        raise AssertionError("read a member of an archive with too many members")

    monkeypatch.setattr(archive, "_member", never)
    error = assert_refused(engine, data, "too_many_members")
    assert error.params["max"] == archive.MAX_MEMBERS


def bomb(size: int, *, declared: int) -> bytes:
    """A backup archive whose one journey file inflates to ``size`` bytes of blanks and says it has ``declared``.

    Written by hand, since zipfile writes the true size: a local header, the deflated data, the central directory.
    """
    deflate, crc, chunk, data = zlib.compressobj(1, zlib.DEFLATED, -15), 0, b" " * 2**20, []
    for _ in range(size // len(chunk)):
        data.append(deflate.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    data.append(deflate.flush())
    body, name = b"".join(data), b"journeys/00000.json"
    manifest = json.dumps(
        {"format": backup.FORMAT, "version": backup.VERSION, "journeys": [{"id": "x", "file": name.decode()}]}
    ).encode()
    out, directory = io.BytesIO(), b""
    for member, content, method, crc32, length in (
        (b"manifest.json", manifest, 0, zlib.crc32(manifest), len(manifest)),
        (name, body, 8, crc, declared),
    ):
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc32, len(content), length,
                              len(member), 0) + member + content)  # fmt: skip
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc32, len(content),
                                 length, len(member), 0, 0, 0, 0, 0, offset) + member  # fmt: skip
    start = out.tell()
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(directory), start, 0))
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb_size() -> int:
    return archive.MAX_MEMBER + 44 * 2**20  # 300 MiB of blanks in about 1.3 MB


def test_a_zip_bomb_is_refused_without_inflating_it(engine, bomb_size):
    """A 1.3 MB archive whose journey file inflates to 300 MiB is refused, and memory stays far below that.

    Declaring its true size, it is refused before it is inflated; declaring 1 kB, reading stops at 1 kB and the
    file is found damaged (its checksum does not match). Either way not a megabyte more is held.
    """
    for lie in (False, True):
        data = bomb(bomb_size, declared=1000 if lie else bomb_size)
        assert len(data) < 2 * 2**20
        tracemalloc.start()
        try:
            error = assert_refused(engine, data, "damaged" if lie else "member_too_large")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB held"
        assert "journeys/00000.json" in str(error)


def test_reading_stops_at_the_limit_whatever_the_archive_declares(monkeypatch):
    """Were the declared size a lie that zipfile believed, inflating still stops just past the limit."""

    class Endless(io.RawIOBase):  # what such an archive would inflate to: blanks without end
        inflated = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            buffer[:] = b" " * len(buffer)
            Endless.inflated += len(buffer)
            return len(buffer)

    monkeypatch.setattr(archive, "MAX_MEMBER", 2**20)
    with zipfile.ZipFile(io.BytesIO(zipped({"big.json": b"{}"}))) as small:  # declares 2 bytes
        monkeypatch.setattr(small, "open", lambda *args, **kwargs: Endless())
        with pytest.raises(backup.BackupError) as refused:
            archive._member(small, "big.json", [archive.MAX_TOTAL])
    assert refused.value.code == "member_too_large"
    assert archive.MAX_MEMBER < Endless.inflated <= archive.MAX_MEMBER + 1


def test_a_damaged_zip_is_refused_clearly(good, engine):
    """Cut short, a flipped byte in the data, an unknown compression, a password: each refused as damaged."""
    cut = good[: len(good) * 2 // 3]
    files = members(good)
    name = first_file(files)
    flipped = bytearray(zipped(files))
    at = flipped.index(name.encode()) + len(name) + 40
    flipped[at] ^= 0xFF
    unknown = bytearray(zipped(files))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # compression method 99 (AES) in every header
        start = 0
        while (start := unknown.find(header, start)) >= 0:
            unknown[start + (8 if header == b"PK\x03\x04" else 10)] = 99
            start += 4
    for data in (cut, bytes(flipped), bytes(unknown), b"PK\x03\x04" + b"\x00" * 100, b""):
        error = assert_refused(engine, data, "damaged")
        assert "damaged" in str(error)


# random mutations ---------------------------------------------------------------------------------------------


def _places(value, prefix=()) -> list[tuple]:
    places = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            places += _places(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            places += _places(item, (*prefix, i))
    return places


HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.sampled_from([10**400, -(10**30), 2**31, 2**63, float("nan"), float("inf"), 1e308, -0.0, 0.5]),
    st.sampled_from(["", " ", "\x00", "\ud800", "\x1b[31m", "a\tb", "x" * 20_000, "bogus", "2026-02-30", "tp-2"]),
    st.text(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.integers(1, 300).map(_nested),
)


@st.composite
def mutated(draw, good_bytes: bytes) -> bytes:
    files = members(good_bytes)
    name = first_file(files)
    doc = json.loads(files[name])
    places = [p for p in _places(doc) if p and p[0] != "graph"]  # the graph is the JSON import's fuzz's business
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(places))
        parent = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(parent, dict | list):  # an earlier mutation put text where this place was
            continue
        kind = draw(st.sampled_from(["replace", "replace", "delete", "duplicate"]))
        if kind == "replace":
            parent[path[-1]] = draw(HOSTILE)
        elif kind == "delete":
            del parent[path[-1]]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    files[name] = json.dumps(doc, allow_nan=True).encode()
    return Archive(zipped(files))


@settings(
    max_examples=FUZZ_ARCHIVES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_randomly_mutated_archives_restore_whole_or_not_at_all(good, engine, data):
    """A random record replaced by hostile values, removed or doubled: restored whole, or refused leaving all as it was."""
    raw = data.draw(mutated(good))
    with Session(engine) as session:
        before = row_counts(session)
        try:
            done = backup.restore(session=session, path=io.BytesIO(raw), replace=True)
        except backup.BackupError as error:
            event(f"refused: {error.code}")
            assert error.text("de") and "\n" not in str(error)
            session.rollback()
            assert row_counts(session) == before
            return
    event("restored")
    with Session(engine) as session:
        after = row_counts(session)
        assert after["journey"] == done.journeys == 2
        assert after["revision"] == done.revisions
        live = store.list_journeys(session=session)
        for journey in live:  # the History of each reads every version
            store.load_journey(session=session, journey_id=journey.id)
        for journey in live + store.list_journeys(session=session, trash=True):
            for revision in store.list_revisions(session=session, journey_id=journey.id):
                store.load_revision(session=session, journey_id=journey.id, version=revision.version)
