"""Journey ⇄ tables: what a table editor shows, and what its edits do to the journey."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from journeys.demo import broadband_demo, ebike_demo
from journeys.model import tables
from journeys.model.graph import add_touchpoint, journey_equal, new_journey, normalize
from journeys.model.validation import validate
from tests.strategies import journeys
from tests.stress import examples


@pytest.fixture
def G():
    return normalize(broadband_demo())


def with_row(frame: pd.DataFrame, **row) -> pd.DataFrame:
    """The frame with one row added the way a table editor adds it: missing cells empty."""
    return pd.concat([frame, pd.DataFrame([row])], ignore_index=True)


@pytest.mark.parametrize("make", [broadband_demo, ebike_demo])
def test_unedited_tables_give_back_the_same_journey(make):
    """Applying every table unchanged leaves the journey exactly as it was."""
    G = normalize(make())
    H = tables.apply_touchpoints(G, tables.touchpoints_frame(G))
    H, pending = tables.apply_transitions(H, tables.transitions_frame(H))
    H = tables.apply_personas(tables.apply_stages(H, tables.stages_frame(H)), tables.personas_frame(H))
    for key in G:
        H = tables.apply_needs(H, key, tables.needs_frame(H, key))
        H = tables.apply_pains(H, key, tables.pains_frame(H, key))
        H = tables.apply_emotions(H, key, tables.emotions_frame(H, key))
    assert pending == []
    assert journey_equal(H, G)
    assert tables.read_draft(tables.write_draft(H)).graph == G.graph


def test_frames_have_the_columns_and_types_the_editor_needs(G):
    """Scores are nullable whole numbers, flags booleans and personas lists."""
    df = tables.touchpoints_frame(G)
    assert list(df.columns) == list(tables.TOUCHPOINT_COLUMNS)
    assert str(df["experience"].dtype) == "Int64" and df["backstage"].dtype == bool
    assert df.loc[0, "personas"] == ["petra", "jonas"]
    assert list(tables.transitions_frame(G).columns) == ["from", "to", "label", "share"]


def test_empty_journey_gives_typed_empty_frames():
    """A journey without touchpoints still has tables with every column and type."""
    G = new_journey("Empty", stages=[{"id": "a", "name": "A"}])
    df = tables.touchpoints_frame(G)
    assert df.empty and str(df["expectation"].dtype) == "Int64"
    assert tables.apply_touchpoints(G, df).number_of_nodes() == 0


def test_edited_cells_come_back_as_plain_values(G):
    """A score of 4.0 is stored as 4, an emptied score as None, a ticked flag as True."""
    df = tables.touchpoints_frame(G).astype({"experience": "float64"})
    df.loc[0, "experience"] = 4.0
    df.loc[1, "experience"] = np.nan
    df.loc[2, "backstage"] = np.True_
    H = tables.apply_touchpoints(G, df)
    keys = list(G)
    assert type(H.nodes[keys[0]]["experience"]) is int and H.nodes[keys[0]]["experience"] == 4
    assert H.nodes[keys[1]]["experience"] is None
    assert H.nodes[keys[2]]["backstage"] is True


def test_fraction_in_a_score_column_is_left_for_validation(G):
    """A score of 2.5 is not rounded away: validation reports it."""
    df = tables.touchpoints_frame(G).astype({"expectation": "float64"})
    df.loc[0, "expectation"] = 2.5
    H = tables.apply_touchpoints(G, df)
    assert H.nodes["comparison-portal"]["expectation"] == 2.5
    assert [p.code for p in validate(H)] == ["not_a_number"]
    assert tables.touchpoints_frame(H).loc[0, "expectation"] == 2.5


def test_renaming_keeps_the_key_and_the_transitions(G):
    """A renamed touchpoint keeps its key, so its transitions and history stay attached."""
    df = tables.touchpoints_frame(G)
    df.loc[df["key"] == "hotline", "name"] = "Service line"
    H = tables.apply_touchpoints(G, df)
    assert H.nodes["hotline"]["name"] == "Service line"
    assert set(H.in_edges("hotline")) == set(G.in_edges("hotline"))


def test_added_row_becomes_a_touchpoint_with_a_key_from_its_name(G):
    """A new row gets a key made from its name, the stage of the row above and empty values."""
    H = tables.apply_touchpoints(G, with_row(tables.touchpoints_frame(G), name="Call the hotline", channel="phone"))
    assert list(H)[-1] == "call-the-hotline"
    data = H.nodes["call-the-hotline"]
    assert (data["stage"], data["channel"], data["experience"], data["personas"], data["exit"]) == (
        "loyalty",
        "phone",
        None,
        [],
        False,
    )
    assert list(H)[:-1] == list(G) and validate(H) == []


def test_added_rows_with_the_same_name_get_different_keys(G):
    """Two new rows named alike do not overwrite each other."""
    df = with_row(with_row(tables.touchpoints_frame(G), name="Chat"), name="Chat")
    assert list(tables.apply_touchpoints(G, df))[-2:] == ["chat", "chat-2"]


def test_a_table_applied_to_the_journey_as_it_changed_meanwhile_keeps_its_keys(G):
    """The rows of a table, applied to the journey as it changed elsewhere meanwhile, keep the keys and ids they
    were given (a renamed new row, too), and what changed elsewhere stays."""
    typed = tables.apply_touchpoints(G, with_row(tables.touchpoints_frame(G), name="Chat", stage="support"))
    meanwhile = tables.apply_needs(G, "hotline", with_row(tables.needs_frame(G, "hotline"), text="Call back"))
    rows = tables.touchpoints_frame(typed)
    rows.loc[rows["key"] == "chat", "name"] = "Chat window"
    H = tables.apply_touchpoints(meanwhile, rows)
    assert list(H)[-1] == "chat" and H.nodes["chat"]["name"] == "Chat window"
    assert H.nodes["hotline"]["needs"][-1]["text"] == "Call back"
    stages = with_row(tables.stages_frame(G), id="after-care", name="Aftercare")
    assert tables.apply_stages(G, stages).graph["stages"][-1] == {"id": "after-care", "name": "Aftercare"}
    personas = with_row(tables.personas_frame(G), id="mia", name="Mia, student")
    assert tables.apply_personas(G, personas).graph["personas"][-1]["id"] == "mia"


def test_deleted_row_removes_the_touchpoint_and_its_transitions(G):
    """Deleting a touchpoint's row deletes it and every transition to or from it."""
    df = tables.touchpoints_frame(G)
    H = tables.apply_touchpoints(G, df[df["key"] != "hotline"].reset_index(drop=True))
    assert "hotline" not in H
    assert H.number_of_edges() == G.number_of_edges() - G.degree("hotline")
    assert validate(H) == []


def test_new_transition_row_connects_two_touchpoints(G):
    """A complete new row becomes a transition with its label and share."""
    df = with_row(
        tables.transitions_frame(G), **{"from": "cancel", "to": "recommend", "label": "wins back", "share": 0.1}
    )
    H, pending = tables.apply_transitions(G, df)
    assert pending == [] and H.edges["cancel", "recommend"] == {"label": "wins back", "share": 0.1}


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ({"from": "hotline"}, "incomplete"),
        ({"from": "hotline", "to": "ghost"}, "dangling"),
        ({"from": "hotline", "to": "cancel"}, "duplicate_transition"),
    ],
)
def test_a_row_that_cannot_be_a_transition_is_kept_pending(G, row, code):
    """A half-filled, dangling or repeated row stays in the table with a problem instead of vanishing."""
    H, pending = tables.apply_transitions(G, with_row(tables.transitions_frame(G), **row))
    assert journey_equal(H, G)
    assert [p["from"] for p in pending] == ["hotline"]
    assert [p.code for p in tables.incomplete_problems(H, pending)] == [code]
    assert tables.transitions_frame(H, pending).iloc[-1]["from"] == "hotline"


def test_transition_to_a_deleted_touchpoint_is_reported(G):
    """A transition row that still names a deleted touchpoint is reported, not silently dropped."""
    H = tables.apply_touchpoints(G, tables.touchpoints_frame(G).iloc[:-1])  # without "recommend"
    df = tables.transitions_frame(G)
    _, pending = tables.apply_transitions(H, df)
    assert {(p["from"], p["to"]) for p in pending} == {("daily-use", "recommend")}


def test_missing_values_from_the_editor_become_model_defaults(G):
    """NaN, None and pd.NA in any column come back as "", None, False or []."""
    df = tables.touchpoints_frame(G).astype(object)
    df.loc[0, ["name", "owner", "expectation", "entry", "personas"]] = [np.nan, pd.NA, pd.NA, None, None]
    data = tables.apply_touchpoints(G, df).nodes["comparison-portal"]
    assert (data["name"], data["owner"], data["expectation"], data["entry"], data["personas"]) == (
        "",
        "",
        None,
        False,
        [],
    )


def test_stages_are_renamed_added_and_reordered(G):
    """A new position moves a stage; a new row adds one at the end with a key from its name."""
    df = tables.stages_frame(G)
    df.loc[5, "position"] = 1  # support first
    df.loc[0, "name"] = "Discover"
    H = tables.apply_stages(G, with_row(df, name="Win back"))
    assert [s["id"] for s in H.graph["stages"]] == [
        "support", "awareness", "consideration", "purchase", "onboarding", "use", "loyalty", "win-back",
    ]  # fmt: skip
    assert H.graph["stages"][1] == {"id": "awareness", "name": "Discover"}


def test_stage_with_touchpoints_is_not_deleted(G):
    """Deleting a stage that still holds touchpoints raises StageInUse naming it."""
    df = tables.stages_frame(G)
    with pytest.raises(tables.StageInUse) as caught:
        tables.apply_stages(G, df[df["id"] != "support"])
    assert caught.value.stages == ["support"]
    G.graph["stages"].append({"id": "spare", "name": "Spare"})
    df = tables.stages_frame(G)
    assert "spare" not in [s["id"] for s in tables.apply_stages(G, df[df["id"] != "spare"]).graph["stages"]]


def test_deleting_a_persona_removes_it_everywhere(G):
    """Without Jonas no touchpoint lists him, feels for him, or keeps his own needs and pain points."""
    df = tables.personas_frame(G)
    H = tables.apply_personas(G, df[df["id"] != "jonas"])
    assert [p["id"] for p in H.graph["personas"]] == ["petra"]
    assert all("jonas" not in d["personas"] and "jonas" not in d["emotions"] for _, d in H.nodes(data=True))
    assert H.nodes["tariff-page"]["pains"] == []  # it was Jonas's
    assert len(H.nodes["install-router"]["pains"]) == 2  # for everyone: kept
    assert validate(H) == []


def test_new_persona_gets_a_key_and_a_float_value(G):
    """A persona row added with a whole-number value stores it as a number with a key from the name."""
    H = tables.apply_personas(G, with_row(tables.personas_frame(G), name="Mia, student", value=900))
    assert H.graph["personas"][-1] == {
        "id": "mia-student", "name": "Mia, student", "segment": "", "goals": "", "quote": "", "value": 900.0,
    }  # fmt: skip


def test_needs_pains_and_emotions_of_one_touchpoint(G):
    """Needs and pain points are replaced row by row; an emptied emotion is removed."""
    needs = with_row(tables.needs_frame(G, "hotline"), text="Call back", motivation="No waiting", kind=None)
    H = tables.apply_needs(G, "hotline", needs)
    assert H.nodes["hotline"]["needs"][-1] == {
        "text": "Call back", "motivation": "No waiting", "kind": "functional", "persona": None,
    }  # fmt: skip
    pains = tables.pains_frame(G, "hotline").iloc[1:]
    assert [p["text"] for p in tables.apply_pains(G, "hotline", pains).nodes["hotline"]["pains"]] == [
        "Agent says the line is fine and ends the call"
    ]
    emotions = tables.emotions_frame(G, "hotline")
    emotions.loc[0, "emotion"] = pd.NA
    emotions.loc[1, "emotion"] = -1
    assert tables.apply_emotions(G, "hotline", emotions).nodes["hotline"]["emotions"] == {"jonas": -1}


def test_changes_leave_the_input_journey_alone(G):
    """Every apply function returns a new journey; the one passed in is unchanged."""
    before = normalize(G)
    df = tables.touchpoints_frame(G)
    df.loc[0, "personas"].append("ghost")  # a list cell shared with the frame must not leak into G
    tables.apply_touchpoints(G, df)
    tables.apply_pains(G, "hotline", tables.pains_frame(G, "hotline").iloc[:0])
    assert journey_equal(G, before)


def test_frames_differ_ignores_the_kind_of_missing_value():
    """NaN, None and pd.NA count as the same empty cell; a changed list does not."""
    a = pd.DataFrame({"x": [1, None], "p": [["a"], []]})
    assert not tables.frames_differ(a, pd.DataFrame({"x": pd.array([1, pd.NA], dtype="Int64"), "p": [["a"], []]}))
    assert tables.frames_differ(a, pd.DataFrame({"x": [1, None], "p": [["a", "b"], []]}))
    assert tables.frames_differ(a, a.iloc[:1])


def test_read_draft_accepts_an_invalid_journey(G):
    """A draft with problems is read back as it is, so that the team can fix them."""
    add_touchpoint(G, "odd", name="", stage="nowhere", experience=9)
    H = tables.read_draft(tables.write_draft(G))
    assert H.nodes["odd"]["experience"] == 9
    assert {p.code for p in validate(H)} >= {"missing", "unknown_stage", "out_of_range"}


@settings(max_examples=examples(80), deadline=None)
@given(journeys())
def test_a_written_draft_reads_back_as_normalized_without_normalizing_it_again(G):
    """The Editor reads the drafts it wrote itself without filling in defaults a second time (``written=True``): the
    journey read is the very one a full read gives, down to each value's type and each attribute's place, for any
    graph written (one with attributes missing too)."""
    G.add_node("bare", name="Bare")
    G.add_edge("bare", "bare", share=1)
    text = tables.write_draft(G)
    full, as_written = tables.read_draft(text), tables.read_draft(text, written=True)
    assert repr(as_written.graph) == repr(full.graph)
    assert repr(list(as_written.nodes(data=True))) == repr(list(full.nodes(data=True)))
    assert repr(list(as_written.edges(data=True))) == repr(list(full.edges(data=True)))
