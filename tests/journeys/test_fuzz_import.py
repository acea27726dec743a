"""JSON import under hostile input: a clear error or a correct journey, never a traceback, never half a write.

Valid exported documents are mutated at random places (another JSON type, huge
strings, deep nesting, duplicated entries, missing and extra keys, unknown
versions, NaN and Infinity, huge numbers), then written out as text or bytes in
several ways (BOM, broken UTF-8, truncated, UTF-16). Random bytes and random text
are tried as well. Each import either raises :class:`JourneyFormatError` whose
problems all say where and what, or returns a journey that validates and
survives a second round trip. Through the store, a refused import leaves every
table as it was.
"""

from __future__ import annotations

import copy
import json
import time

import jsonschema
import networkx as nx
import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

import store
from journeys.demo import broadband_demo
from journeys.io import interchange
from journeys.io.interchange import MAX_BYTES, MAX_DEPTH, JourneyFormatError
from journeys.model.graph import journey_equal
from journeys.model.validation import JourneyInvalid, validate
from tests.strategies import make_journey
from tests.stress import size

FUZZ_DOCUMENTS = size(750, 1500)
"""Mutated documents per run (the README quotes it; twice as many of each kind under `make stress`)."""
FUZZ_RAW = size(150, 300)
"""Random byte strings and random texts per run."""
FUZZ_STORE = size(150, 300)
"""Mutated documents imported into a fresh SQLite database per run."""
FUZZ_HOSTILE = size(500, 1000)
"""Documents with hostile text and numbers (lone surrogates, control characters, 10**400 …) per run."""
FUZZ_HOSTILE_STORE = size(75, 150)
"""Of those, imported into the store per run, on SQLite and on PostgreSQL each."""
FUZZ_COMMENTS = size(300, 600)
"""Documents whose comment threads are mutated, per run (read by the importer; half of them checked by the schema)."""
FUZZ_COMMENTS_STORE = size(50, 100)
"""Of those, imported with their comments into the store per run, on SQLite and on PostgreSQL each."""
FUZZ_SECTIONS = size(300, 600)
"""Documents whose ratings, ideas and surveys are mutated, per run (read by the importer; half of them checked by the
schema)."""
FUZZ_SECTIONS_STORE = size(50, 100)
"""Of those, imported whole into the store per run, on SQLite and on PostgreSQL each."""
FUZZ_CASES = (
    2 * FUZZ_DOCUMENTS
    + 2 * FUZZ_RAW
    + FUZZ_STORE
    + FUZZ_HOSTILE
    + 2 * FUZZ_HOSTILE_STORE
    + 2 * FUZZ_COMMENTS
    + 2 * FUZZ_COMMENTS_STORE
    + 2 * FUZZ_SECTIONS
    + 2 * FUZZ_SECTIONS_STORE
)
"""All hypothesis cases of this module together."""

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

THREADS = [
    {
        "touchpoint": "hotline",
        "author": "Ana",
        "text": "Who owns the queue? @Ben",
        "created_at": "2026-03-01T09:30:00+00:00",
        "mentions": ["Ben"],
        "resolved_by": "Ben",
        "resolved_at": "2026-03-02T10:00:00+00:00",
        "replies": [
            {"author": "Ben", "text": "Service desk\n@Ana", "created_at": "2026-03-01T10:00:00Z", "mentions": ["Ana"]}
        ],
    },
    {"touchpoint": "install-router", "author": "Cem", "text": "<b>why</b>", "created_at": "2026-03-03T08:00:00"},
]
BASES = [
    json.loads(interchange.dumps(broadband_demo())),
    json.loads(interchange.dumps(make_journey(4, personas=2))),
    json.loads(interchange.dumps(broadband_demo(), comments=THREADS)),  # with comment threads
]


def _paths(value, prefix=()) -> list[tuple]:
    """Every place in a JSON document, the document itself included."""
    paths = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            paths += _paths(item, (*prefix, i))
    return paths


PATHS = [_paths(doc) for doc in BASES]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", " ", "\x00", "journey-workbench", "as-is", "hotline", "\ud7ff🚲", "<script>x</script>"]),
)
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)  # fmt: skip


@st.composite
def huge_strings(draw) -> str:
    """A string over the text limit, cheap to build."""
    return draw(st.sampled_from("x€🚲<")) * draw(st.sampled_from([10_001, 70_000, 300_000]))


def _nested(depth: int, inner=0):
    value = inner
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def replacements(draw):
    return draw(
        st.one_of(
            JSON_VALUES,
            huge_strings(),
            st.integers(min_value=MAX_DEPTH - 2, max_value=MAX_DEPTH * 4).map(_nested),
            st.sampled_from([float("nan"), float("inf"), -float("inf"), 10**4000, -(10**400), 1e308, 2**63]),
        )
    )


def _parent(doc, path):
    for part in path[:-1]:
        doc = doc[part]
    return doc


# plausible values pass the schema more often and reach the checks of references and ranges
PLAUSIBLE = st.one_of(
    st.integers(-3, 7),
    st.sampled_from([0.0, 0.5, 0.9, 1.0, 1.5, -0.1, True, False, None, "", "hotline", "support", "petra", "use"]),
    st.sampled_from(sorted({p[-1] for paths in PATHS for p in paths if p and isinstance(p[-1], str)})),
)
KINDS = ["replace"] * 3 + ["plausible"] * 4 + ["delete"] * 2 + ["extra", "duplicate", "duplicate", "version", "nest"]


@st.composite
def mutated_documents(draw) -> dict | list:
    """A valid export with one to four random mutations."""
    which = draw(st.integers(0, len(BASES) - 1))
    doc, paths = copy.deepcopy(BASES[which]), PATHS[which]
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        try:
            parent = _parent(doc, path)
            _ = parent[path[-1]] if path else None  # a place an earlier mutation removed is skipped
        except (KeyError, IndexError, TypeError):
            continue
        if path and not isinstance(parent, dict | list):  # ... or turned into text, which reads by index too
            continue
        kind = draw(st.sampled_from(KINDS))
        if not path:
            doc = draw(replacements()) if kind == "replace" else doc
        elif kind == "replace":
            parent[path[-1]] = draw(replacements())
        elif kind == "plausible":
            parent[path[-1]] = draw(PLAUSIBLE)
        elif kind == "delete":
            del parent[path[-1]]
        elif kind == "extra" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(JSON_VALUES)
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(path[-1], copy.deepcopy(parent[path[-1]]))
        elif kind == "version" and isinstance(doc, dict):
            doc["version"] = draw(st.sampled_from([0, 2, 99, "1", 1.0, 1.5, None, True, -1]))
        elif kind == "nest":
            parent[path[-1]] = _nested(draw(st.integers(1, MAX_DEPTH * 2)), parent[path[-1]])
    return doc


@st.composite
def encoded(draw, doc) -> str | bytes:
    """``doc`` as text or bytes, written in one of the ways files arrive, some of them broken."""
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), allow_nan=True, indent=draw(st.sampled_from([None, 2])))
    way = draw(
        st.sampled_from(["text"] * 4 + ["utf-8"] * 4 + ["bom", "utf-16", "bad-bytes", "truncated", "text-truncated"])
    )
    if way == "text":
        return text
    data = text.encode("utf-8", "surrogatepass")
    if way == "bom":
        return b"\xef\xbb\xbf" + data
    if way == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if way == "bad-bytes":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"])) + data[at:]
    if way == "truncated":
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    if way == "text-truncated":
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    return data


def _event(name: str) -> None:
    """Count an outcome in hypothesis' statistics (``--hypothesis-show-statistics``), also outside a hypothesis test."""
    if currently_in_test_context():
        event(name)


def assert_showable(text: str) -> None:
    """A message any page or terminal can show: UTF-8 (no lone surrogate), no NUL, no escape code, not a flood."""
    text.encode("utf-8")
    assert "\x00" not in text and "\x1b" not in text and len(text) < 5000, text[:200]


def check_import(data) -> nx.DiGraph | None:
    """Import ``data``: a valid journey that round-trips, or ``None`` after a clear refusal."""
    try:
        G = interchange.loads(data)
    except JourneyFormatError as error:
        assert error.problems, "a refusal names at least one problem"
        for problem in error.problems:
            assert isinstance(problem.where, str) and problem.where.strip(), problem
            assert isinstance(problem.what, str) and problem.what.strip(), problem
            assert_showable(problem.text("en"))
            assert_showable(problem.text("de"))
        assert str(error)
        _event(f"refused: {error.problems[0].code}")
        return None
    _event("imported")
    assert validate(G) == []
    assert journey_equal(interchange.loads(interchange.dumps(G)), G)
    return G


@settings(FUZZ, max_examples=FUZZ_DOCUMENTS)
@given(data=st.data())
def test_mutated_documents_are_imported_or_refused_clearly(data):
    """A mutated export is either a correct journey or a JourneyFormatError saying where and what."""
    doc = data.draw(mutated_documents())
    check_import(data.draw(encoded(doc)))


@settings(FUZZ, max_examples=FUZZ_DOCUMENTS)
@given(data=st.data())
def test_the_quick_structure_check_passes_nothing_the_schema_refuses(data):
    """The fast check of well-formed files (before jsonschema) never lets through what the JSON Schema refuses."""
    doc = data.draw(mutated_documents())
    if interchange._well_formed(doc):
        _event("quick check passed")
        assert jsonschema.Draft202012Validator(interchange.schema()).is_valid(doc)


def test_the_quick_structure_check_passes_exports_and_leaves_doubts_to_the_schema():
    """Exports pass the fast check; a severity of 3.0 (an integer to JSON Schema) is left to jsonschema, then refused."""
    for doc in BASES:
        assert interchange._well_formed(doc)
    doc = copy.deepcopy(BASES[1])
    node = doc["nodes"][1]
    node["pains"][0]["severity"] = 3.0
    assert not interchange._well_formed(doc)
    with pytest.raises(JourneyFormatError) as refused:
        interchange.from_document(doc)
    assert [(p.code, p.ref, p.field) for p in refused.value.problems] == [("not_a_number", node["id"], "severity")]


@settings(FUZZ, max_examples=FUZZ_RAW)
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused_clearly(raw):
    """Random bytes (a picture, a zip, noise) are refused with a problem, never a traceback."""
    check_import(raw)
    check_import(b'{"format": "journey-workbench", "version": 1, "graph": ' + raw)


@settings(FUZZ, max_examples=FUZZ_RAW)
@given(st.text(max_size=500) | st.from_regex(r"[\[\]{}\",:0-9eE.+\- a-z\\]{0,300}", fullmatch=True))
def test_random_text_is_refused_clearly(text):
    """Random text and JSON-like noise are refused with a problem, never a traceback."""
    check_import(text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "1" * 5000,
        '{"format": "journey-workbench", "version": 1' + ', "x": ' + "9" * 10_000 + "}",
        '{"format": "journey-workbench", "version": NaN}',
        '{"format": "journey-workbench", "version": Infinity}',
        '{"format": "journey-workbench", "version": 1e999}',
        '{"format": "journey-workbench", "format": "journey-workbench", "version": 1}',
        "",
        "\ufeff",
        "null",
        '"journey-workbench"',
    ],
    ids=lambda text: repr(text[:24]),
)
def test_adversarial_texts_are_refused_clearly(text):
    """Deep nesting, huge numbers, NaN, repeated keys and empty files are refused with a problem."""
    assert check_import(text) is None
    assert check_import(text.encode("utf-8")) is None


@pytest.mark.parametrize("as_bytes", [True, False])
def test_a_50_mb_file_is_refused_by_its_size_before_parsing(as_bytes, monkeypatch):
    """A 50 MB file is refused as too large at once; the JSON parser never sees it."""
    body = '{"format": "journey-workbench", "version": 1, "graph": {"name": "' + "x" * (50 * 2**20) + '"}}'
    data = body.encode() if as_bytes else body

    def parse(*args, **kwargs):
        raise AssertionError("parsed a file over the size limit")

    monkeypatch.setattr(interchange.json, "loads", parse)
    started = time.monotonic()
    with pytest.raises(JourneyFormatError) as refused:
        interchange.loads(data)
    assert time.monotonic() - started < 1
    assert [p.code for p in refused.value.problems] == ["too_large"]
    assert "20" in refused.value.problems[0].what


def test_a_file_just_under_the_limit_is_measured_in_bytes():
    """Text under the limit in characters but over it in UTF-8 bytes is refused too."""
    text = '"' + "€" * (MAX_BYTES // 3 + 10) + '"'
    assert len(text) < MAX_BYTES < len(text.encode())
    with pytest.raises(JourneyFormatError) as refused:
        interchange.loads(text)
    assert [p.code for p in refused.value.problems] == ["too_large"]


def test_duplicate_ids_everywhere_are_refused_clearly():
    """Repeated touchpoint, stage and persona ids and a repeated transition are each named."""
    doc = copy.deepcopy(BASES[0])
    doc["nodes"].append(copy.deepcopy(doc["nodes"][0]))
    doc["edges"].append(copy.deepcopy(doc["edges"][0]))
    doc["graph"]["stages"].append(copy.deepcopy(doc["graph"]["stages"][0]))
    doc["graph"]["personas"].append(copy.deepcopy(doc["graph"]["personas"][0]))
    with pytest.raises(JourneyFormatError) as refused:
        interchange.from_document(doc)
    assert {"duplicate_id", "duplicate_transition"} <= {p.code for p in refused.value.problems}


def test_nan_scores_are_refused_not_stored():
    """NaN and Infinity literals, which Python's JSON reader accepts, never become a score or share."""
    text = interchange.dumps(broadband_demo())
    doc = json.loads(text)
    doc["edges"][0]["share"] = float("nan")
    doc["graph"]["personas"][0]["value"] = float("inf")
    with pytest.raises(JourneyFormatError) as refused:
        interchange.loads(json.dumps(doc, allow_nan=True))
    assert all(p.where and p.what for p in refused.value.problems)


# the same through the store ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """A migrated SQLite database shared by the store fuzz cases (each checks counts before and after)."""
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/fuzz.db")
    store.migrate(engine)
    yield engine
    engine.dispose()


def row_counts(session: Session) -> dict[str, int]:
    counts = {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
    }
    session.rollback()
    return counts


@settings(
    FUZZ,
    max_examples=FUZZ_STORE,
    suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_store_import_writes_a_whole_journey_or_nothing(engine, data):
    """store.import_journey of a mutated document stores it whole, or refuses it and leaves every table as it was."""
    raw = data.draw(mutated_documents().flatmap(encoded))
    with Session(engine) as session:
        before = row_counts(session)
        try:
            jid = store.import_journey(session=session, data=raw, author="fuzz")
        except (JourneyFormatError, JourneyInvalid) as error:
            event(f"refused: {error.problems[0].code}")
            assert error.problems and all(p.where and p.what for p in error.problems)
            session.rollback()
            assert row_counts(session) == before
            return
        event("imported")
        stored, version = store.load_journey(session=session, journey_id=jid)
        assert version == 1
        expected = interchange.loads(raw)
        expected.graph["id"] = jid
        assert journey_equal(stored, expected)
        after = row_counts(session)
        assert after["journey"] == before["journey"] + 1
        assert after["touchpoint"] - before["touchpoint"] == stored.number_of_nodes()


def test_the_bases_import_and_only_versions_1_and_2_are_read():
    """The unmutated documents import whole (so the fuzz starts from valid files), as version 1 and as version 2;
    version 3 of them is refused."""
    for doc in BASES:
        assert check_import(json.dumps(doc)) is not None
        assert check_import(json.dumps({**doc, "version": 2})) is not None
        assert check_import(json.dumps({**doc, "version": 3})) is None


# hostile text and numbers ---------------------------------------------------------------------------------------

HOSTILE_CHARACTERS = ["\ud800", "\udfff", "\ud83d", "\x00", "\x1b[31m", "\x1b]0;owned\x07", "\x07", "\x9b", "\x7f",
                      "\t", "\n", "\r", "\u202e", "\u2028", "\ufeff"]  # fmt: skip
HOSTILE_NUMBERS = [10**400, -(10**400), 10**4299, 2**63, 2**31, -(2**31) - 1, float("nan"), float("inf"), -float("inf"),
                   1e308, 5e-324, -0.0]  # fmt: skip
CONTROL_TEXT = st.text(st.characters(categories=("Cc", "Cs")), min_size=1, max_size=4)


@st.composite
def hostile_documents(draw) -> dict:
    """A valid export with one to three texts given lone surrogates, NUL or control characters, or a number
    replaced by one past what the store holds (10**400, NaN, Infinity), or a value nested deeply."""
    which = draw(st.integers(0, len(BASES) - 1))
    doc, paths = copy.deepcopy(BASES[which]), PATHS[which]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in paths if p]))
        try:
            parent = _parent(doc, path)
            value = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        kind = draw(st.sampled_from(["text", "text", "number", "nest"]))
        if kind == "text" and isinstance(value, str):
            bad = draw(st.sampled_from(HOSTILE_CHARACTERS) | CONTROL_TEXT)
            at = draw(st.integers(0, len(value)))
            parent[path[-1]] = value[:at] + bad + value[at:]
        elif kind == "text" and isinstance(parent, dict) and path[-1] == "emotions":
            parent[path[-1]] = {draw(st.sampled_from(HOSTILE_CHARACTERS)): draw(st.sampled_from([1, "x"]))}
        elif kind == "number" and (isinstance(value, int | float) or value is None):
            parent[path[-1]] = draw(st.sampled_from(HOSTILE_NUMBERS))
        elif kind == "nest":
            parent[path[-1]] = _nested(draw(st.sampled_from([2, MAX_DEPTH, 100, 250])), value)  # three fit json.dumps
    return doc


def _as_text(doc: dict, ascii_only: bool) -> str:
    # json.dumps writes a lone surrogate as \ud800 (ensure_ascii) or as the character itself
    return json.dumps(doc, ensure_ascii=ascii_only, allow_nan=True)


@settings(FUZZ, max_examples=FUZZ_HOSTILE)
@given(doc=hostile_documents(), ascii_only=st.booleans())
def test_hostile_text_and_numbers_are_imported_or_refused_clearly(doc, ascii_only):
    """Lone surrogates, NUL, escape codes, 10**400, NaN and deep nesting: a clear refusal or a journey the store can
    hold (every text UTF-8 and free of control characters but tabs and line breaks in long texts)."""
    G = check_import(_as_text(doc, ascii_only))
    if G is not None:
        event("imported")
        text = interchange.dumps(G)
        text.encode("utf-8")  # no lone surrogate reached the journey
        assert "\\u0000" not in text and "\\u001b" not in text


def test_a_5000_digit_number_anywhere_is_refused_clearly():
    """A number of 5,000 digits (more than Python reads) in a persona's value or a score is refused, not a traceback."""
    text = interchange.dumps(make_journey(3, personas=1))
    for field in ('"value": ', '"experience": ', '"share": '):
        at = text.index(field) + len(field)
        end = min(text.index(c, at) for c in ",}\n" if c in text[at:])
        for number in ("9" * 5000, "-" + "1" * 5000, "1" * 4300 + ".5", "1e" + "9" * 5000):
            assert check_import(text[:at] + number + text[end:]) is None


@pytest.fixture
def store_engine(db_url):
    """A migrated database, once on SQLite and once on PostgreSQL, shared by the hostile store cases of one test."""
    engine = store.make_engine(db_url)
    store.migrate(engine)
    yield engine
    engine.dispose()


@settings(
    FUZZ,
    max_examples=FUZZ_HOSTILE_STORE,
    suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.function_scoped_fixture],
)
@given(doc=hostile_documents(), ascii_only=st.booleans())
def test_hostile_text_and_numbers_through_the_store_write_all_or_nothing(store_engine, doc, ascii_only):
    """Through store.import_journey on SQLite and PostgreSQL: stored whole and read back equal, or refused with
    every table as it was; never a database error (a lone surrogate, NUL, a number no column holds)."""
    raw = _as_text(doc, ascii_only)
    with Session(store_engine) as session:
        before = row_counts(session)
        try:
            jid = store.import_journey(session=session, data=raw, author="fuzz")
        except (JourneyFormatError, JourneyInvalid) as error:
            event(f"refused: {error.problems[0].code}.{error.problems[0].message}")
            for problem in error.problems:
                assert_showable(problem.text("de"))
            session.rollback()
            assert row_counts(session) == before
            return
        event("imported")
        stored, _ = store.load_journey(session=session, journey_id=jid)
        expected = interchange.loads(raw)
        expected.graph["id"] = jid
        assert journey_equal(stored, expected)


# comment threads ------------------------------------------------------------------------------------------------

COMMENTED = BASES[-1]
COMMENT_PATHS = [p for p in PATHS[-1] if p[:1] == ("comments",)]


@st.composite
def mutated_comments(draw) -> dict:
    """The export with comment threads, one to four places in its ``comments`` mutated: another value, a plausible
    one, hostile text, a deletion, an extra key, a duplicate."""
    doc = copy.deepcopy(COMMENTED)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(COMMENT_PATHS))
        try:
            parent = _parent(doc, path)
            value = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(parent, dict | list):  # an earlier mutation made it text, which reads by index too
            continue
        kind = draw(st.sampled_from(["replace", "plausible", "plausible", "hostile", "delete", "extra", "duplicate"]))
        if kind == "replace":
            parent[path[-1]] = draw(replacements())
        elif kind == "plausible":
            parent[path[-1]] = draw(PLAUSIBLE | st.sampled_from(["ghost", "yesterday", "2026-13-01", None, [], {}]))
        elif kind == "hostile" and isinstance(value, str):
            at = draw(st.integers(0, len(value)))
            parent[path[-1]] = value[:at] + draw(st.sampled_from(HOSTILE_CHARACTERS) | CONTROL_TEXT) + value[at:]
        elif kind == "delete" and isinstance(parent, dict | list):
            del parent[path[-1]]
        elif kind == "extra" and isinstance(value, dict):
            value[draw(st.text(min_size=1, max_size=10))] = draw(JSON_VALUES)
        elif kind == "duplicate" and isinstance(value, list) and value:
            value.append(copy.deepcopy(value[0]))
    return doc


def check_comments_import(text: str) -> tuple[nx.DiGraph, list[dict]] | None:
    """Import ``text`` with its comments: a journey whose threads are on its touchpoints, hold only storable text
    and survive a second round trip; or ``None`` after a clear refusal."""
    try:
        G, threads = interchange.loads_with_comments(text)
    except JourneyFormatError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.where.strip() and problem.what.strip(), problem
            assert_showable(problem.text("en"))
            assert_showable(problem.text("de"))
        _event(f"refused: {error.problems[0].code}")
        return None
    _event("imported")
    for thread in threads:
        assert thread["touchpoint"] in G
        for entry in (thread, *thread["replies"]):
            json.dumps(entry, ensure_ascii=False).encode("utf-8")  # no lone surrogate
            assert "\x00" not in entry["text"] and "\x1b" not in entry["text"] and entry["text"].strip()
    assert interchange.loads_with_comments(interchange.dumps(G, comments=threads))[1] == threads
    return G, threads


@settings(FUZZ, max_examples=FUZZ_COMMENTS)
@given(doc=mutated_comments(), ascii_only=st.booleans())
def test_mutated_comments_are_imported_or_refused_clearly(doc, ascii_only):
    """A comment on no touchpoint, a time that is none, control characters, a reply to a reply, wrong types: a
    clear refusal or threads the journey can hold; never a traceback."""
    check_comments_import(_as_text(doc, ascii_only))


@settings(FUZZ, max_examples=FUZZ_COMMENTS)
@given(doc=mutated_comments())
def test_the_quick_structure_check_passes_no_comment_the_schema_refuses(doc):
    """The fast check of well-formed files never lets through comment threads that the JSON Schema refuses."""
    if interchange._well_formed(doc):
        _event("quick check passed")
        assert jsonschema.Draft202012Validator(interchange.schema()).is_valid(doc)


def test_the_commented_base_imports_with_its_threads_and_networkx_reads_it():
    G, threads = check_comments_import(json.dumps(COMMENTED))
    assert [t["text"] for t in threads] == [t["text"] for t in THREADS]
    assert nx.node_link_graph(COMMENTED, edges="edges").number_of_nodes() == G.number_of_nodes()


@settings(
    FUZZ,
    max_examples=FUZZ_COMMENTS_STORE,
    suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.function_scoped_fixture],
)
@given(doc=mutated_comments(), ascii_only=st.booleans())
def test_mutated_comments_through_the_store_write_all_or_nothing(store_engine, doc, ascii_only):
    """Through store.import_journey_with_comments on SQLite and PostgreSQL: the journey with every thread, or refused
    with every table as it was; never a database error."""
    raw = _as_text(doc, ascii_only)
    with Session(store_engine) as session:
        before = row_counts(session)
        try:
            jid = store.import_journey_with_comments(session=session, data=raw, author="fuzz")
        except (JourneyFormatError, JourneyInvalid) as error:
            event(f"refused: {error.problems[0].code}")
            for problem in error.problems:
                assert_showable(problem.text("de"))
            session.rollback()
            assert row_counts(session) == before
            return
        event("imported")
        _, expected = interchange.loads_with_comments(raw)
        stored = store.list_comments(session=session, journey_id=jid)
        # the store lists threads by their time, which the mutation may have changed: compared in any order
        assert sorted((t["touchpoint"], t["author"], t["text"], len(t["replies"])) for t in stored) == sorted(
            (t["touchpoint"], t["author"], t["text"], len(t["replies"])) for t in expected
        )
        after = row_counts(session)
        assert after["comment"] - before["comment"] == sum(1 + len(t["replies"]) for t in expected)


# ratings, ideas and surveys -------------------------------------------------------------------------------------

SECTIONS = {
    "ratings": [
        {"touchpoint": "hotline", "rater": "Ana", "discipline": "design", "desirable": 2, "viable": 3, "feasible": 4,
         "comment": "Queue\ttoo long", "updated_at": "2026-03-01T09:30:00+00:00"},
        {"touchpoint": "hotline", "rater": "Ben", "discipline": "finance", "desirable": None, "viable": 2},
        {"touchpoint": "install-router", "rater": "Ana", "feasible": 5},
    ],
    "ideas": [
        {"title": "Call-back slot", "description": "After 2 minutes\n@Ben", "owner": "Service", "status": "open",
         "effort": 2, "created_at": "2026-03-02T10:00:00+00:00", "created_by": "Ana",
         "updated_at": "2026-03-02T10:00:00Z", "updated_by": "Ana",
         "targets": [{"touchpoint": "hotline", "pains": ["25 minutes in the queue"]}, {"touchpoint": "install-router"}],
         "ratings": [{"rater": "Ben", "discipline": "finance", "desirable": 5, "viable": 3, "feasible": 4}],
         "comments": [{"author": "Cem", "text": "Costs?", "created_at": "2026-03-03T08:00:00"}]},
        {"title": "<b>Setup video</b>", "status": "done", "targets": []},
    ],
    "surveys": [
        {"name": "Spring", "surveyed_on": "2026-04-15", "responses": 40, "skipped_rows": [3, 17],
         "overall": {"scale": "nps", "mean": 6.9, "top2": 0.31, "n": 38, "nps": -12.5},
         "imported_at": "2026-04-20T08:00:00+00:00", "imported_by": "Ana",
         "measurements": [
             {"touchpoint": "hotline", "scale": "csat", "mean": 2.4, "top2": 0.18, "n": 40, "nps": None,
              "importance": 0.61, "importance_n": 37},
             {"touchpoint": "install-router", "scale": "ces", "mean": 4, "top2": 0, "n": 1},
         ]},
    ],
}  # fmt: skip
WHOLE = json.loads(interchange.dumps(broadband_demo(), comments=THREADS, **SECTIONS))
SECTION_PATHS = [p for p in _paths(WHOLE) if p[:1] in {("ratings",), ("ideas",), ("surveys",)}]


@st.composite
def mutated_sections(draw) -> dict:
    """The export with ratings, ideas and surveys, one to four places in them mutated: another value, a plausible
    one (a touchpoint the journey lacks, a date that is none, a number off its scale), hostile text, a number no
    column holds, a deletion, an extra key, a duplicate."""
    doc = copy.deepcopy(WHOLE)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(SECTION_PATHS))
        try:
            parent = _parent(doc, path)
            value = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(parent, dict | list):  # an earlier mutation made it text, which reads by index too
            continue
        kind = draw(
            st.sampled_from(["replace", "plausible", "plausible", "hostile", "number", "delete", "extra", "duplicate"])
        )
        if kind == "replace":
            parent[path[-1]] = draw(replacements())
        elif kind == "plausible":
            odd = ["ghost", "2026-02-30", "yesterday", "csat", "nps", 0, 6, 41, 10**6, -1, 0.5, None, [], {}]
            parent[path[-1]] = draw(PLAUSIBLE | st.sampled_from(odd))
        elif kind == "hostile" and isinstance(value, str):
            at = draw(st.integers(0, len(value)))
            parent[path[-1]] = value[:at] + draw(st.sampled_from(HOSTILE_CHARACTERS) | CONTROL_TEXT) + value[at:]
        elif kind == "number" and (isinstance(value, int | float) or value is None):
            parent[path[-1]] = draw(st.sampled_from(HOSTILE_NUMBERS))
        elif kind == "delete" and isinstance(parent, dict | list):
            del parent[path[-1]]
        elif kind == "extra" and isinstance(value, dict):
            value[draw(st.text(min_size=1, max_size=10))] = draw(JSON_VALUES)
        elif kind == "duplicate" and isinstance(value, list) and value:
            value.append(copy.deepcopy(value[0]))
    return doc


def check_whole_import(text: str) -> tuple[nx.DiGraph, dict] | None:
    """Import ``text`` with everything it holds: sections about the journey's touchpoints only, with storable text
    and numbers, that survive a second round trip; or ``None`` after a clear refusal."""
    try:
        G, sections = interchange.loads_whole(text)
    except JourneyFormatError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.where.strip() and problem.what.strip(), problem
            assert_showable(problem.text("en"))
            assert_showable(problem.text("de"))
        _event(f"refused: {error.problems[0].code}")
        return None
    _event("imported")
    about = [r["touchpoint"] for r in sections["ratings"]]
    about += [t["touchpoint"] for idea in sections["ideas"] for t in idea["targets"]]
    about += [m["touchpoint"] for survey in sections["surveys"] for m in survey["measurements"]]
    assert set(about) <= set(G)
    written = json.dumps(sections, ensure_ascii=False, allow_nan=False)  # no NaN, no Infinity
    written.encode("utf-8")  # no lone surrogate
    assert "\\u0000" not in written and "\\u001b" not in written
    again = interchange.dumps(G, **sections)
    assert interchange.loads_whole(again)[1] == sections
    return G, sections


@settings(FUZZ, max_examples=FUZZ_SECTIONS)
@given(doc=mutated_sections(), ascii_only=st.booleans())
def test_mutated_sections_are_imported_or_refused_clearly(doc, ascii_only):
    """A rating or idea on no touchpoint, a rater twice, a survey date that is none, a mean off its scale, more
    answers than responses, control characters, 10**400, wrong types: a clear refusal in English and German or
    sections the journey can hold; never a traceback."""
    check_whole_import(_as_text(doc, ascii_only))


@settings(FUZZ, max_examples=FUZZ_SECTIONS)
@given(doc=mutated_sections())
def test_the_quick_structure_check_passes_no_section_the_schema_refuses(doc):
    """The fast check of well-formed files never lets through ratings, ideas or surveys that the JSON Schema refuses."""
    if interchange._well_formed(doc):
        _event("quick check passed")
        assert jsonschema.Draft202012Validator(interchange.schema()).is_valid(doc)


def test_the_whole_base_imports_with_every_section_and_networkx_reads_it():
    G, sections = check_whole_import(json.dumps(WHOLE))
    assert WHOLE["version"] == 2
    assert [len(sections[part]) for part in ("ratings", "ideas", "surveys", "comments")] == [3, 2, 1, 2]
    assert nx.node_link_graph(WHOLE, edges="edges").number_of_nodes() == G.number_of_nodes()


@settings(
    FUZZ,
    max_examples=FUZZ_SECTIONS_STORE,
    suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.function_scoped_fixture],
)
@given(doc=mutated_sections(), ascii_only=st.booleans())
def test_mutated_sections_through_the_store_write_all_or_nothing(store_engine, doc, ascii_only):
    """Through store.import_journey_whole on SQLite and PostgreSQL: the journey with every rating, idea, survey and
    comment, or refused with every table as it was; never a database error."""
    raw = _as_text(doc, ascii_only)
    with Session(store_engine) as session:
        before = row_counts(session)
        try:
            jid = store.import_journey_whole(session=session, data=raw, author="fuzz")
        except (JourneyFormatError, JourneyInvalid) as error:
            event(f"refused: {error.problems[0].code}")
            for problem in error.problems:
                assert_showable(problem.text("de"))
            session.rollback()
            assert row_counts(session) == before
            return
        event("imported")
        _, expected = interchange.loads_whole(raw)
        after = row_counts(session)
        ratings = len(expected["ratings"]) + sum(len(i["ratings"]) for i in expected["ideas"])
        assert after["rating"] - before["rating"] == ratings
        assert after["idea"] - before["idea"] == len(expected["ideas"])
        assert after["survey"] - before["survey"] == len(expected["surveys"])
        assert after["measurement"] - before["measurement"] == sum(len(s["measurements"]) for s in expected["surveys"])
        stored = store.journey_sections(session=session, journey_id=jid)
        fields = ("touchpoint", "rater", "discipline", "desirable", "viable", "feasible", "comment")
        assert sorted(tuple(r[f] for f in fields) for r in stored["ratings"]) == sorted(
            tuple(r[f] for f in fields) for r in expected["ratings"]
        )
