"""Comments under AppTest: a thread on a touchpoint in the Editor's detail panel (a mention, a reply, resolved and
reopened, the badges on the panel and on the map), on an idea, the mentions of me on the Journeys page, hostile text
shown as typed, German words and the viewer who only reads."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import store
from journeys.demo import broadband_demo
from store import analysis, ideas
from tests.app.test_access import VIEWER, signed_in
from tests.app.test_editor import badges, open_editor, picker
from tests.app.test_ideas import open_ideas, select_row
from ui.text import md

HOSTILE = "**bold** <img src=x onerror=alert(1)> [x](javascript:alert(1))"


@pytest.fixture
def demo(db) -> str:
    """The broadband demo saved by Ana; Ben scored the hotline and said why."""
    jid = store.create_journey(session=db, graph=broadband_demo(), author="Ana")
    analysis.save_ratings(
        session=db, journey_id=jid, rater="Ben", discipline="it",
        scores={"hotline": {"desirable": 2, "viable": 3, "feasible": 4, "comment": "Queue *far* too long"}},
    )  # fmt: skip
    db.rollback()
    return jid


def on_hotline(at: AppTest, jid: str) -> AppTest:
    at = open_editor(at, jid)
    picker(at).set_value("hotline").run()
    return at


def base(jid: str, key: str = "hotline") -> str:
    return f"comments.{jid}.t.{key}"


def widget(widgets, prefix: str):
    """The one widget whose key starts with ``prefix`` (keys end in a number that is new after each write)."""
    found = [w for w in widgets if w.key and w.key.startswith(prefix)]
    assert len(found) == 1, [w.key for w in widgets if w.key]
    return found[0]


def comment(at: AppTest, jid: str, text: str, mention: list[str] = (), key: str = "hotline") -> AppTest:
    """Type a comment, choose the people to mention, and send it."""
    widget(at.text_area, f"{base(jid, key)}.new.").set_value(text)
    if mention:
        widget(at.multiselect, f"{base(jid, key)}.mention.").set_value(list(mention))
    at.button(key=f"{base(jid, key)}.post").click()
    return at.run()


def map_comments(at: AppTest) -> dict:
    """The open comment threads per touchpoint that the map editor is sent (drawn as badges on the markers)."""
    found = [c for c in at.get("bidi_component") if str(c.key).startswith("editor.canvas.")]
    return json.loads(found[0].proto.json)["comments"]


def threads(db, jid: str, **about) -> list[dict]:
    found = store.list_comments(session=db, journey_id=jid, **about)
    db.rollback()
    return found


def test_a_thread_in_the_detail_panel_with_a_mention_a_reply_resolved_and_reopened(app, db, demo):
    at = on_hotline(app, demo)
    assert not at.exception
    assert widget(at.multiselect, f"{base(demo)}.mention.").options == ["Ana", "Ben"]
    assert map_comments(at) == {}
    at = comment(at, demo, "Who owns the queue?", mention=["Ben"])
    assert not at.exception
    [thread] = threads(db, demo, touchpoint="hotline")
    assert (thread["author"], thread["text"], thread["mentions"]) == ("Test User", "Who owns the queue? @Ben", ["Ben"])
    assert any("1 open comment thread" in b for b in badges(at))
    assert map_comments(at) == {"hotline": 1}
    assert widget(at.text_area, f"{base(demo)}.new.").value == ""  # sent: the box is empty again
    assert md("Who owns the queue? @Ben") in [m.value for m in at.markdown]

    widget(at.text_input, f"{base(demo)}.reply.{thread['id']}.").set_value("Service desk, @Ana")
    at.button(key=f"{base(demo)}.send.{thread['id']}").click()
    at = at.run()
    [thread] = threads(db, demo, touchpoint="hotline")
    assert [(r["author"], r["text"], r["mentions"]) for r in thread["replies"]] == [
        ("Test User", "Service desk, @Ana", ["Ana"])
    ]

    at.button(key=f"{base(demo)}.resolve.{thread['id']}").click()
    at = at.run()
    [thread] = threads(db, demo, touchpoint="hotline")
    assert thread["resolved_by"] == "Test User"
    assert not any("open comment thread" in b for b in badges(at))
    assert map_comments(at) == {}
    assert any(c.value.startswith("Resolved by Test User") for c in at.caption)

    at.button(key=f"{base(demo)}.reopen.{thread['id']}").click()
    at = at.run()
    assert threads(db, demo, touchpoint="hotline")[0]["resolved_at"] is None
    assert map_comments(at) == {"hotline": 1}
    assert store.current_version(session=db, journey_id=demo) == 1  # comments are no edit of the journey


def test_the_raters_comment_is_shown_read_only_with_the_raters_name(app, demo):
    at = on_hotline(app, demo)
    rating = next(c.value for c in at.caption if c.value.startswith("Rating comment by"))
    assert "Ben" in rating
    assert md("Queue *far* too long") in [m.value for m in at.markdown]


def test_hostile_text_is_shown_as_typed(app, db, demo):
    at = comment(on_hotline(app, demo), demo, HOSTILE)
    assert not at.exception
    assert threads(db, demo)[0]["text"] == HOSTILE
    shown = [m.value for m in at.markdown if "onerror" in m.value]
    assert shown == [md(HOSTILE)]  # every mark escaped: no bold, no HTML, no link
    assert "\\<img" in shown[0] and "\\]\\(javascript" in shown[0] and shown[0].startswith("\\*\\*bold")


def test_a_refused_comment_says_why_and_writes_nothing(app, db, demo):
    at = comment(on_hotline(app, demo), demo, "   ")
    assert [e.value for e in at.error] == ["A comment needs some text."]
    assert threads(db, demo) == []


def test_writing_needs_the_author_name(app, db, demo):
    at = on_hotline(app, demo)
    at.session_state["author"] = ""
    at = comment(at.run(), demo, "Anyone?")
    assert any("name" in w.value.lower() for w in at.warning)
    assert threads(db, demo) == []


def test_the_mentioned_person_finds_it_under_mentions_of_me_and_opens_it(app, db, demo):
    """Test User, who commented in the journey before, is mentioned by Ana: the Journeys page lists it with the
    journey and the touchpoint, and Open shows the touchpoint in the Editor."""
    store.add_comment(session=db, journey_id=demo, author="Test User", text="Looking at it", touchpoint="hotline")
    store.add_comment(session=db, journey_id=demo, author="Ana", text="@Test User please check", touchpoint="hotline")
    at = app
    at.run()
    at.segmented_control(key="library.view").set_value("mentions").run()
    assert not at.exception
    assert any("Call the hotline" in m.value and "Broadband" in m.value for m in at.markdown)
    assert any("please check" in m.value for m in at.markdown)
    [go] = [b for b in at.button if b.key and b.key.startswith("mention.open.")]
    go.click()
    at = at.run()
    assert at.query_params["journey"] == demo
    assert picker(at).value == "hotline"


def test_no_mentions_for_someone_nobody_mentioned(app, demo):
    at = app
    at.run()
    at.segmented_control(key="library.view").set_value("mentions").run()
    assert any("Nobody has mentioned Test User" in i.value for i in at.info)


def test_the_editor_speaks_german_about_comments(app, demo):
    app.session_state["lang"] = "de"
    at = on_hotline(app, demo)
    assert widget(at.text_area, f"{base(demo)}.new.").label == "Neuer Kommentar"
    assert widget(at.multiselect, f"{base(demo)}.mention.").label == "Erwähnen"
    assert at.button(key=f"{base(demo)}.post").label == "Kommentieren"
    at = comment(at, demo, "Warum?")
    assert any("1 offener Kommentar-Thread" in b for b in badges(at))
    assert any(b.label == "Erledigt" for b in at.button if b.key and ".resolve." in b.key)


def test_a_comment_on_an_idea(app, db, demo):
    """The idea opened on the Ideas page shows its comments and takes a new one, with a mention."""
    idea = ideas.create_idea(session=db, journey_id=demo, idea={"title": "Call-back", "targets": {}}, author="Ana")
    db.rollback()
    at = select_row(open_ideas(app, demo), demo)
    widget(at.text_area, f"comments.{demo}.i.{idea}.new.").set_value("What does it cost? @Ana")
    at.button(key=f"comments.{demo}.i.{idea}.post").click()
    at = at.run()
    assert not at.exception
    [thread] = threads(db, demo, idea=idea)
    assert (thread["text"], thread["mentions"]) == ("What does it cost? @Ana", ["Ana"])
    assert md("What does it cost? @Ana") in [m.value for m in at.markdown]


def test_a_viewer_reads_the_comments_but_cannot_write(db_url, db, demo):
    """A viewer sees the comments on an idea, with no box to write one and a line saying who writes them."""
    idea = ideas.create_idea(session=db, journey_id=demo, idea={"title": "Call-back", "targets": {}}, author="Ana")
    store.add_comment(session=db, journey_id=demo, author="Ana", text="Idea note", idea=idea)
    db.rollback()
    at = select_row(open_ideas(signed_in(db_url, VIEWER), demo), demo)
    assert not at.exception
    assert any("Idea note" in m.value for m in at.markdown)
    assert not [w for w in at.text_area if w.key and w.key.startswith("comments.")]
    assert not [b for b in at.button if b.key and b.key.startswith("comments.")]
    assert any("editors and admins write them" in c.value for c in at.caption)
