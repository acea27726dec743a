"""Out-of-range and non-numeric scores are refused next to the table they were typed into; nothing is saved.

The table editors in the browser are given no bounds for their number columns: with
bounds, the browser quietly turns a typed 7 into 5. So a number arrives as typed, and
these tests send it as the browser does, by setting the editor's state.
"""

from __future__ import annotations

import pytest

import store
from journeys.demo import broadband_demo
from journeys.io import interchange
from journeys.model.graph import journey_equal
from store import analysis
from tests.app.test_editor import draft, editor_key, open_editor, show
from tests.app.test_library import errors, listed
from tests.app.test_library import show as show_view
from tests.app.test_scoring import demo_id, open_scoring, save_button, table_key

BAD_SCORES = [9, 0, -1, 2.5, "abc", "4", True, float("nan"), float("inf")]
"""Values no 1–5 score column takes: out of range, a fraction, text, a flag, NaN and infinity."""


def refusals(at) -> list[str]:
    return [e.value for e in at.error if "Not taken, row" in e.value]


def set_table(at, key: str, *, edited=None, added=None):
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": []}
    return at.run()


EDITOR_CASES = [
    # (section, table, edit, words in the message)
    ("touchpoints", "touchpoints", {"edited": {8: {"experience": "BAD"}}}, "row 9: Experience must be a whole number from 1 to 5"),
    ("touchpoints", "touchpoints", {"edited": {0: {"expectation": "BAD"}}}, "row 1: Expectation must be a whole number from 1 to 5"),
    ("transitions", "transitions", {"edited": {0: {"share": "BAD"}}}, "row 1: Share must be a number from 0 to 1"),
    ("touchpoints", "emotions.comparison-portal", {"edited": {1: {"emotion": "BAD"}}}, "row 2: Emotion must be a whole number from -2 to 2"),
    ("touchpoints", "pains.comparison-portal", {"added": [{"text": "Slow", "severity": "BAD", "evidence": "survey"}]}, "Severity must be a whole number from 1 to 5"),
]  # fmt: skip


def _with(edit: dict, bad) -> dict:
    """``edit`` with the placeholder BAD replaced by ``bad``."""

    def swap(value):
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return bad if value == "BAD" else value

    return swap(edit)


BAD_SHARES = [1.5, -0.1, "lots", float("nan"), True]
BAD_EMOTIONS = [3, -3, 1.5, "sad", True, float("-inf")]


@pytest.mark.parametrize(("section", "table", "edit", "words"), EDITOR_CASES, ids=[c[1] for c in EDITOR_CASES])
def test_editor_refuses_a_bad_score_next_to_its_table(app, db, demo, section, table, edit, words):
    """Each bad value is refused under its table with row, column and range; the draft and the database keep theirs."""
    bad_values = {"transitions": BAD_SHARES, "emotions.comparison-portal": BAD_EMOTIONS}.get(table, BAD_SCORES)
    at = show(open_editor(app, demo), section)
    stored, _ = store.load_journey(session=db, journey_id=demo)
    db.rollback()
    for bad in bad_values:
        at = set_table(at, editor_key(at, table), **_with(edit, bad))
        assert not at.exception, bad
        shown = refusals(at)
        assert len(shown) == 1 and words in shown[0], (bad, shown)
        assert "Not taken" in shown[0] and "Correct the cell" in shown[0]
        assert journey_equal(draft(at, demo), stored), bad  # nothing of the edit reached the draft
        assert at.button(key="editor.save").disabled
    assert store.current_version(session=db, journey_id=demo) == 1


def test_a_good_value_after_a_refused_one_is_taken(app, db, demo):
    """Once the cell holds a score from 1 to 5, the edit goes into the draft and the message is gone."""
    at = open_editor(app, demo)
    key = editor_key(at, "touchpoints")
    at = set_table(at, key, edited={8: {"experience": 12}})
    assert refusals(at)
    at = set_table(at, key, edited={8: {"experience": 4}})
    assert not refusals(at)
    assert draft(at, demo).nodes["hotline"]["experience"] == 4
    at.button(key="editor.save").click().run()
    assert not at.exception
    graph, version = store.load_journey(session=db, journey_id=demo)
    assert (version, graph.nodes["hotline"]["experience"]) == (2, 4)


@pytest.mark.parametrize("bad", [7, 0, 2.5, "abc", "", True, float("nan")], ids=repr)
def test_scoring_refuses_a_bad_score_next_to_the_table(app, db, bad):
    """A score that is no whole number from 1 to 5 is refused under the table, Save is off, nothing is stored."""
    jid = demo_id(db)
    open_scoring(app, jid)
    at = set_table(app, table_key(app, jid), edited={0: {"viable": bad, "comment": "typed"}})
    assert not at.exception
    shown = refusals(at)
    assert len(shown) == 1 and "row 1: Viable must be a whole number from 1 to 5" in shown[0], shown
    assert save_button(at).disabled  # AppTest, like the browser, cannot click it
    assert analysis.list_ratings(session=db, journey_id=jid) == []


def bounded_columns(at) -> list[str]:
    """The number columns of every table editor on the page that the browser would keep within bounds."""
    import json

    found = []
    for table in at.data_editor:
        for name, config in json.loads(table.proto.columns or "{}").items():
            kind = config.get("type_config", {}) if isinstance(config, dict) else {}
            if kind.get("type") == "number" and ({"min_value", "max_value"} & kind.keys()):
                found.append(f"{config.get('label') or name}: {kind.get('min_value')}–{kind.get('max_value')}")
    return found


def test_no_table_editor_clamps_what_is_typed(app, db):
    """Scoring, the touchpoints, transitions, emotions and pain points: a 7 typed on a 1–5 scale reaches the app
    as 7 (and is refused with its reason), never turned into 5 by the browser."""
    jid = demo_id(db)
    assert bounded_columns(open_scoring(app, jid)) == []
    at = open_editor(app, jid)
    for section in ("touchpoints", "transitions"):
        assert bounded_columns(show(at, section)) == [], section


def test_scoring_takes_a_good_score_after_a_refused_one(app, db):
    """Correcting the cell lifts the refusal and the score is saved."""
    jid = demo_id(db)
    open_scoring(app, jid)
    key = table_key(app, jid)
    at = set_table(app, key, edited={0: {"viable": "five"}})
    assert refusals(at)
    at = set_table(at, key, edited={0: {"viable": 5}})
    assert not refusals(at)
    save_button(at).click().run()
    assert [(r["touchpoint"], r["viable"]) for r in analysis.list_ratings(session=db, journey_id=jid)] == [
        ("hotline", 5)
    ]


def test_an_upload_over_the_size_limit_is_refused_with_the_limit(app, db):
    """The uploader announces the 20 MB limit; a 21 MB file sent anyway is refused naming it; nothing is saved."""
    app.run()
    show_view(app, "import")
    assert app.file_uploader[0].proto.max_upload_size_mb == interchange.MAX_BYTES // 2**20 == 20
    big = interchange.dumps(broadband_demo()).encode() + b" " * (21 * 2**20)
    app.file_uploader[0].upload("big.json", big, "application/json")
    app.button(key="import.go").click().run()
    assert not app.exception
    assert "is more than the 20 MB limit" in errors(app)
    assert len(listed(db)) == 3  # the demo journeys only


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00", b'{"format": "journey-workbench", "version": 1, "x": ' + b"9" * 5000 + b"}",
     b"[" * 5000, b'{"format": "journey-workbench", "version": NaN}'],
    ids=["png", "huge number", "deep", "nan"],
)  # fmt: skip
def test_a_hostile_upload_is_refused_with_a_message(app, db, content):
    """A picture, a huge number, deep nesting or NaN is refused with an error box, never a traceback."""
    app.run()
    show_view(app, "import")
    app.file_uploader[0].upload("journey.json", content, "application/json")
    app.button(key="import.go").click().run()
    assert not app.exception
    assert "cannot be imported. Nothing was saved." in errors(app)
    assert len(listed(db)) == 3
