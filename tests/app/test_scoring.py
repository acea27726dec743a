"""The Scoring page: participants score a stage in one table; nobody overwrites anybody."""

import store
from journeys.demo import broadband_demo
from store import analysis


def demo_id(db) -> str:
    """The broadband demo journey, without the scores the seeded demo comes with."""
    return store.create_journey(session=db, graph=broadband_demo(), author="t")


def open_scoring(app, jid, stage="support"):
    app.query_params["journey"] = jid
    app.session_state[f"scoring.stage.{jid}"] = stage
    app.switch_page("pages/scoring.py")
    return app.run()


def table_key(app, jid, stage="support") -> str:
    """The key of the stage's score table (new whenever the table is created anew)."""
    return next(e.key for e in app.data_editor if e.key and e.key.startswith(f"scoring.table.{jid}.{stage}."))


def switch_stage(app, jid, left: str, stage: str):
    """Leave the stage ``left`` for ``stage`` as in the browser, where a table no longer shown takes its widget
    state with it (under AppTest, edits set through session_state would outlive the table)."""
    del app.session_state[table_key(app, jid, left)]
    return app.segmented_control(key=f"scoring.stage.{jid}").set_value(stage).run()


def save_button(app):
    return next(b for b in app.button if b.label.startswith("Save my scores"))


def test_a_participant_scores_a_stage_and_it_lands_under_their_name(app, db):
    """Scores typed into the stage table are saved for this rater and discipline only."""
    jid = demo_id(db)
    open_scoring(app, jid)
    assert not app.exception
    app.session_state["discipline"] = "it"
    app.session_state[table_key(app, jid)] = {
        "edited_rows": {0: {"desirable": 2, "viable": 3, "feasible": 4, "comment": "queue too long"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    save_button(app).click().run()
    assert not app.exception
    ratings = analysis.list_ratings(session=db, journey_id=jid)
    assert [(r["touchpoint"], r["rater"], r["discipline"], r["desirable"], r["comment"]) for r in ratings] == [
        ("hotline", "Test User", "it", 2, "queue too long")
    ]
    assert "Scored by you: 1 of 13" in [p.proto.text for p in app.get("progress")]


def test_another_raters_scores_are_left_alone(app, db):
    """A second participant's save does not change the first one's scores; the consensus shows both."""
    jid = demo_id(db)
    analysis.save_ratings(
        session=db, journey_id=jid, rater="Ana", discipline="sales", scores={"hotline": {"desirable": 1}}
    )
    open_scoring(app, jid)
    app.session_state[table_key(app, jid)] = {
        "edited_rows": {0: {"desirable": 5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    save_button(app).click().run()
    by_rater = {r["rater"]: r["desirable"] for r in analysis.list_ratings(session=db, journey_id=jid)}
    assert by_rater == {"Ana": 1, "Test User": 5}
    consensus = app.dataframe[-1].value
    hotline = consensus[consensus["Touchpoint"] == "Call the hotline"].iloc[0]
    assert (hotline["Desirable"], hotline["± Desirable"], hotline["Raters"], hotline["Disagreement"]) == (
        3.0,
        4,
        2,
        "⚠",
    )


def test_out_of_range_score_is_refused_with_a_message(app, db):
    """A score of 7 is refused next to the table and nothing is saved."""
    jid = demo_id(db)
    open_scoring(app, jid)
    app.session_state[table_key(app, jid)] = {"edited_rows": {0: {"viable": 7}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert any("1 to 5" in e.value for e in app.error)
    assert save_button(app).disabled
    assert analysis.list_ratings(session=db, journey_id=jid) == []


def test_without_a_name_nobody_can_score(app, db):
    """Without the author name the page asks for it and shows no score table."""
    jid = demo_id(db)
    app.session_state["author"] = ""
    open_scoring(app, jid)
    assert any("name" in w.value for w in app.warning)
    assert not [b for b in app.button if b.label.startswith("Save my scores")]


def test_the_consensus_of_an_unscored_stage_is_empty_not_none(app, db):
    """Before anybody scored, the consensus lists the stage's touchpoints with empty cells, nowhere "None"."""
    from tests.app.conftest import shown

    jid = demo_id(db)
    open_scoring(app, jid)
    consensus = shown(app.dataframe[-1])
    assert "Call the hotline" in list(consensus.iloc[:, 0])
    cells = [str(v) for v in consensus.drop(columns=consensus.columns[0]).to_numpy().ravel()]
    assert "None" not in cells and "nan" not in cells, cells


def test_unsaved_scores_stay_through_a_stage_switch_and_are_saved_together(app, db):
    """Scores typed in one stage are still there after switching to another stage and back; the page says how
    many are not saved yet and in which stages, and one Save saves those of both stages."""
    jid = demo_id(db)
    open_scoring(app, jid, "support")
    app.session_state[table_key(app, jid)] = {
        "edited_rows": {0: {"desirable": 2, "comment": "queue too long"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    switch_stage(app, jid, "support", "onboarding")
    onboarding = table_key(app, jid, "onboarding")
    app.session_state[onboarding] = {"edited_rows": {1: {"viable": 4}}, "added_rows": [], "deleted_rows": []}
    app.run()
    second = app.data_editor(key=onboarding).value.index[1]
    said = "Not saved yet: your scores of 2 touchpoints (Onboarding, Support). Save saves them all."
    assert said in [c.value for c in app.caption]
    assert save_button(app).label == "Save my scores (2 changed)"
    switch_stage(app, jid, "onboarding", "support")
    support = app.data_editor(key=table_key(app, jid)).value
    assert (support.iloc[0]["desirable"], support.iloc[0]["comment"]) == (2, "queue too long")
    save_button(app).click().run()
    assert not app.exception
    saved = {r["touchpoint"]: (r["desirable"], r["viable"]) for r in analysis.list_ratings(session=db, journey_id=jid)}
    assert saved == {"hotline": (2, None), second: (None, 4)}
    assert save_button(app).disabled and "Not saved yet" not in "".join(c.value for c in app.caption)


def test_a_score_typed_right_before_another_stage_is_chosen_is_kept(app, db):
    """A score typed and at once another stage chosen came with the run that shows the other stage: it is kept
    with the unsaved scores, and saved."""
    jid = demo_id(db)
    open_scoring(app, jid, "support")
    app.session_state[table_key(app, jid)] = {"edited_rows": {0: {"feasible": 3}}, "added_rows": [], "deleted_rows": []}
    app.segmented_control(key=f"scoring.stage.{jid}").set_value("onboarding").run()
    assert save_button(app).label == "Save my scores (1 changed)"
    save_button(app).click().run()
    assert [(r["touchpoint"], r["feasible"]) for r in analysis.list_ratings(session=db, journey_id=jid)] == [
        ("hotline", 3)
    ]
