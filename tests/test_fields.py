"""Each touchpoint and transition field is declared once (journeys/model/fields.py); every place that cannot be
derived from the declaration is checked against it here, and every place that is derived is shown to take a new
field. A field added by docs/contributing.md that misses a place fails one of these tests."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlmodel import Session

import store
from journeys.analysis.comparison import compare
from journeys.demo import broadband_demo
from journeys.i18n import LANGUAGES, t
from journeys.io import exports, interchange
from journeys.model import tables
from journeys.model.fields import KINDS, TOUCHPOINT_FIELDS, TRANSITION_FIELDS, Field
from journeys.model.validation import validate

FIELDS = {"touchpoint": TOUCHPOINT_FIELDS, "transition": TRANSITION_FIELDS}
EVERY = [(owner, f) for owner, fields in FIELDS.items() for f in fields]
SCALAR = [(owner, f) for owner, f in EVERY if f.scalar]
IDS = [f"{owner}.{f.name}" for owner, f in EVERY]


def other_value(field: Field, G, key: str):
    """A valid value of ``field`` that differs from the demo's value at touchpoint ``key`` (or its first transition)."""
    current = (
        G.nodes[key].get(field.name)
        if field in TOUCHPOINT_FIELDS
        else next(iter(G.edges(data=True)))[2].get(field.name)
    )
    if field.kind in ("text", "long_text"):
        return f"{current or ''} (changed)" + ("\nsecond line" if field.kind == "long_text" else "")
    if field.kind == "flag":
        return not current
    if field.kind in ("score", "number"):  # the low end: a share of a branch must leave room for the others
        low, high = field.range
        return low if current != low else high
    if field.kind == "stage":
        return next(s["id"] for s in G.graph["stages"] if s["id"] != current)
    if field.kind == "personas":
        return [p["id"] for p in G.graph["personas"]][: 1 if len(current) != 1 else 2]
    if field.kind == "needs":
        return [*current, {"text": "A new need", "motivation": "why", "kind": "emotional", "persona": None}]
    if field.kind == "pains":
        return [*current, {"text": "A new pain", "severity": 2, "evidence": "survey", "persona": None}]
    if field.kind == "emotions":
        return {p["id"]: -1 if current.get(p["id"]) != -1 else 1 for p in G.graph["personas"]}
    raise AssertionError(f"no test value for kind {field.kind!r}")


def changed(field: Field):
    """The broadband demo with ``field`` changed at the hotline (or at its first transition); and where."""
    G = broadband_demo()
    if field in TOUCHPOINT_FIELDS:
        at = "recommend" if field.name == "drop_out" else "hotline"  # only an exit can be a drop-out
        G.nodes[at][field.name] = other_value(field, G, at)
        return G, at
    u, v = next(iter(G.edges))
    G.edges[u, v][field.name] = other_value(field, G, "hotline")
    return G, (u, v)


def value_of(G, where, name):
    return G.nodes[where][name] if isinstance(where, str) else G.edges[where][name]


def test_declarations_are_sound():
    """Names are unique, kinds known, defaults of the kind; every kind the model has is declared for a touchpoint."""
    for fields in FIELDS.values():
        assert len({f.name for f in fields}) == len(fields)
    for _, f in EVERY:
        assert f.kind in KINDS
        if f.kind == "flag":
            assert f.default is False
        elif f.kind in ("text", "long_text"):
            assert f.default == ""
        elif f.kind in ("score", "number"):
            assert f.default is None and f.range[0] < f.range[1]
    assert {f.kind for _, f in EVERY} == set(KINDS)  # so that the tests below try every kind


@pytest.mark.parametrize(("owner", "field"), EVERY, ids=IDS)
def test_every_field_has_its_words_in_every_language(owner, field):
    """A column label (editor.col.<name>), a name for messages (where.field.<name>), its name on Compare
    (compare.field.<name>) and its help, in each language."""
    keys = [f"where.field.{field.name}"] + ([f"editor.col.{field.name}"] if field.editor else [])
    keys += [f"compare.field.{field.name}"] if field.compared else []
    keys += [field.help] if field.help else []
    for lang in LANGUAGES:
        missing = [key for key in keys if t(key, lang) == key]
        assert not missing, f"{lang} has no text for {missing}"


@pytest.mark.parametrize(("owner", "field"), EVERY, ids=IDS)
def test_every_field_is_in_the_json_schema_as_declared(owner, field):
    """The JSON Schema (journeys/io/journey.schema.json) has the field, with its type and range."""
    schema = interchange.schema()
    place = schema["properties"]["nodes" if owner == "touchpoint" else "edges"]["items"]["properties"]
    assert field.name in place, f"the JSON Schema has no {owner} property {field.name!r}"
    spec = place[field.name]
    spec = {**schema["$defs"][spec["$ref"].rsplit("/", 1)[1]], **spec} if "$ref" in spec else spec
    expected = {"text": "string", "long_text": "string", "stage": "string", "flag": "boolean", "score": "integer",
                "number": "number", "personas": "array", "needs": "array", "pains": "array", "emotions": "object"}  # fmt: skip
    types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    assert expected[field.kind] in types
    if field.kind in ("score", "number"):
        assert "null" in types and (spec["minimum"], spec["maximum"]) == field.range


def test_every_stored_field_has_a_column_once_migrated(tmp_path):
    """The migrations make a column of the right type for every field the store keeps in its own column."""
    engine = store.make_engine(f"sqlite:///{tmp_path}/fields.db")
    store.migrate(engine)
    tables_ = {"touchpoint": "touchpoint", "transition": "transition"}
    types = {"text": ("VARCHAR", "TEXT"), "long_text": ("VARCHAR", "TEXT"), "flag": ("BOOLEAN",),
             "score": ("INTEGER",), "number": ("FLOAT", "REAL", "DOUBLE", "NUMERIC")}  # fmt: skip
    with engine.connect() as connection:
        columns = {
            name: {c["name"]: c for c in inspect(connection).get_columns(table)} for name, table in tables_.items()
        }
    engine.dispose()
    for owner, field in SCALAR:
        column = columns[owner].get(field.name)
        assert column is not None, f"no column {owner}.{field.name}: add it to store/models.py and a migration"
        assert str(column["type"]).upper().startswith(types[field.kind]), (field.name, column["type"])
        assert column["nullable"] == (field.default is None), f"{owner}.{field.name}: nullable as its default"


@pytest.mark.parametrize(("owner", "field"), EVERY, ids=IDS)
def test_a_new_value_of_every_field_survives_the_store(db_url, owner, field):
    """Saved and read back (SQLite and PostgreSQL): the value is there, and the revision history has it too."""
    engine = store.make_engine(db_url)
    store.migrate(engine)
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=broadband_demo(), author="t")
        G, where = changed(field)
        G.graph["id"] = jid
        version = store.save_journey(session=session, graph=G, expected_version=1, author="t")
        stored, _ = store.load_journey(session=session, journey_id=jid)
        kept = store.load_revision(session=session, journey_id=jid, version=version)
    engine.dispose()
    assert value_of(stored, where, field.name) == value_of(G, where, field.name)
    assert value_of(kept, where, field.name) == value_of(G, where, field.name)


@pytest.mark.parametrize(("owner", "field"), EVERY, ids=IDS)
def test_a_new_value_of_every_field_survives_json(owner, field):
    """Exported and imported again: the value is there (the schema takes it, the importer keeps it)."""
    G, where = changed(field)
    again = interchange.loads(interchange.dumps(G))
    assert value_of(again, where, field.name) == value_of(G, where, field.name)


@pytest.mark.parametrize(("owner", "field"), [(o, f) for o, f in SCALAR if f.kind in ("score", "number")],
                         ids=lambda x: getattr(x, "name", x))  # fmt: skip
def test_validation_holds_every_number_to_its_range(owner, field):
    """Just outside its range, or text: refused, naming the field; at its bounds: taken."""
    low, high = field.range
    for value, ok in ((low, True), (high, True), (high + 1, False), (low - 1, False), ("3", False)):
        G, where = changed(field)
        if isinstance(where, str):
            G.nodes[where][field.name] = value
        else:
            G.edges[where][field.name] = value
        problems = [p for p in validate(G) if p.field == field.name]
        assert (not problems) == ok, (field.name, value, problems)


@pytest.mark.parametrize(("owner", "field"), [(o, f) for o, f in SCALAR if f.kind in ("text", "long_text")],
                         ids=lambda x: getattr(x, "name", x))  # fmt: skip
def test_validation_holds_every_text_to_its_kind(owner, field):
    """A line break: taken in a long text, refused in a one-line text; NUL refused in both."""
    for value, ok in (("two\nlines", field.kind == "long_text"), ("nul\x00", False)):
        G, where = changed(field)
        if isinstance(where, str):
            G.nodes[where][field.name] = value
        else:
            G.edges[where][field.name] = value
        problems = [p for p in validate(G) if p.field == field.name]
        assert (not problems) == ok, (field.name, value, problems)


@pytest.mark.parametrize(
    ("owner", "field"), [(o, f) for o, f in EVERY if f.compared], ids=lambda x: getattr(x, "name", x)
)
def test_compare_names_a_change_of_every_compared_field(owner, field):
    """A to-be that differs in one field: Compare lists exactly that field as changed."""
    G, where = changed(field)
    result = compare(broadband_demo(), G)
    found = result.changed.get(where, ()) if owner == "touchpoint" else result.transitions_changed.get(where, ())
    assert [c.field for c in found] == [field.name]


def test_the_csv_has_a_column_for_every_exported_field():
    """Every exported field of its own is a CSV column, with the touchpoint's value (a flag as True/False)."""
    G, _ = changed(TOUCHPOINT_FIELDS[0])
    frame = exports.touchpoint_frame(G).set_index("touchpoint")
    for field in TOUCHPOINT_FIELDS:
        if field.exported and field.scalar:
            assert field.name in frame.columns, field.name
            assert frame.loc["hotline", field.name] == G.nodes["hotline"][field.name] or (
                G.nodes["hotline"][field.name] is None
            )


@pytest.mark.parametrize(
    ("owner", "field"), [(o, f) for o, f in EVERY if f.editor], ids=lambda x: getattr(x, "name", x)
)
def test_the_editor_edits_every_field_it_shows(owner, field):
    """The editor's table of touchpoints (or transitions) has a column for the field; a new value typed into it
    lands in the journey."""
    from ui.editor.tables import field_columns

    G, where = changed(field)
    base = broadband_demo()
    frame = tables.touchpoints_frame(base) if owner == "touchpoint" else tables.transitions_frame(base)
    assert field.name in frame.columns
    special = {"stage", "channel", "personas", "label"}
    config = field_columns(FIELDS[owner], **dict.fromkeys(special & {f.name for f in FIELDS[owner]}, "given"))
    assert field.name in config
    if owner == "touchpoint":
        row = frame.index[list(frame["key"]).index(where)]
        frame.at[row, field.name] = value_of(G, where, field.name)
        after = tables.apply_touchpoints(base, frame)
    else:
        row = next(i for i, r in frame.iterrows() if (r["from"], r["to"]) == where)
        frame.at[row, field.name] = value_of(G, where, field.name)
        after, _ = tables.apply_transitions(base, frame)
    assert value_of(after, where, field.name) == value_of(G, where, field.name)
