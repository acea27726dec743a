"""Comments in the store: threads on touchpoints and ideas, resolved and reopened, mentions found again, beside the
journey (never in its way), kept by a backup and by the journey's JSON file. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile

import networkx as nx
import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

import store
from journeys.demo import broadband_demo
from journeys.io import interchange
from store import analysis, backup, ideas
from store.comments import MAX_COMMENT, mentions_in
from store.models import Comment, CommentMention


@pytest.fixture
def journey(session) -> str:
    """The broadband demo, saved by Ana; Ben scored the hotline with a comment."""
    jid = store.create_journey(session=session, graph=broadband_demo(), author="Ana")
    analysis.save_ratings(
        session=session, journey_id=jid, rater="Ben", discipline="it",
        scores={"hotline": {"desirable": 2, "viable": 3, "feasible": 4, "comment": "Queue is too long"}},
    )  # fmt: skip
    return jid


def counts(session: Session) -> dict[str, int]:
    """Rows in every table."""
    found = {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
    }
    session.rollback()
    return found


def test_a_comment_a_reply_and_the_thread_resolved_and_reopened(session, journey):
    """A comment on the hotline and a reply come back as one thread; resolving closes it for the badge, reopening
    opens it again."""
    top = store.add_comment(session=session, journey_id=journey, author="Ana", text="  Why 25 minutes?  ",
                            touchpoint="hotline")  # fmt: skip
    reply = store.add_comment(session=session, journey_id=journey, author="Ben", text="Staffing.", reply_to=top)
    [thread] = store.list_comments(session=session, journey_id=journey, touchpoint="hotline")
    assert (thread["id"], thread["author"], thread["text"], thread["resolved_at"]) == (
        top,
        "Ana",
        "Why 25 minutes?",
        None,
    )
    assert [(r["id"], r["author"], r["text"]) for r in thread["replies"]] == [(reply, "Ben", "Staffing.")]
    assert thread["created_at"].tzinfo is not None
    assert store.list_comments(session=session, journey_id=journey, touchpoint="shop-visit") == []
    assert store.comment_counts(session=session, journey_id=journey) == {"hotline": 1}

    store.resolve_comment(session=session, comment_id=top, author="Ben")
    [thread] = store.list_comments(session=session, journey_id=journey, touchpoint="hotline")
    assert thread["resolved_by"] == "Ben" and thread["resolved_at"] is not None
    assert store.comment_counts(session=session, journey_id=journey) == {}

    store.reopen_comment(session=session, comment_id=top, author="Ana")
    [thread] = store.list_comments(session=session, journey_id=journey, touchpoint="hotline")
    assert (thread["resolved_by"], thread["resolved_at"]) == ("", None)
    assert store.comment_counts(session=session, journey_id=journey) == {"hotline": 1}


def test_counts_are_open_threads_per_touchpoint_not_replies(session, journey):
    for text in ("one", "two"):
        store.add_comment(session=session, journey_id=journey, author="Ana", text=text, touchpoint="hotline")
    first = store.add_comment(session=session, journey_id=journey, author="Ana", text="x", touchpoint="install-router")
    store.add_comment(session=session, journey_id=journey, author="Ben", text="reply", reply_to=first)
    assert store.comment_counts(session=session, journey_id=journey) == {"hotline": 2, "install-router": 1}


def test_mentions_are_stored_and_found_for_the_person_newest_first(session, journey):
    """@Ben (who rated) and @ana (who saved, in any case) are mentions; @Nobody, not suggested for the journey, is
    text. Ben finds both comments that mention him, newest first, with the journey and touchpoint named."""
    assert store.mention_candidates(session=session, journey_id=journey) == ["Ana", "Ben"]
    first = store.add_comment(session=session, journey_id=journey, author="Cem", text="@Ben @ana have a look",
                              touchpoint="hotline")  # fmt: skip
    second = store.add_comment(session=session, journey_id=journey, author="Ana", text="@ben and @Nobody?",
                               reply_to=first)  # fmt: skip
    [thread] = store.list_comments(session=session, journey_id=journey)
    assert thread["mentions"] == ["Ana", "Ben"] and thread["replies"][0]["mentions"] == ["Ben"]
    assert store.mention_candidates(session=session, journey_id=journey) == ["Ana", "Ben", "Cem"]

    found = store.mentions_of(session=session, name="BEN")
    assert [m["id"] for m in found] == [second, first]
    assert found[0]["journey"] == broadband_demo().graph["name"]
    assert (found[0]["touchpoint"], found[0]["touchpoint_name"], found[0]["thread"]) == (
        "hotline",
        "Call the hotline",
        first,
    )
    assert [m["id"] for m in store.mentions_of(session=session, name="Ana")] == [first]
    assert store.mentions_of(session=session, name="Nobody") == []


def test_mentions_in_prefers_the_longer_name():
    assert mentions_in("@Ada Lovelace, @adam and @Bo", ["Ada", "Ada Lovelace", "Bo", "Adam"]) == [
        "Ada Lovelace", "Adam", "Bo",
    ]  # fmt: skip
    assert mentions_in("no @ here, write to bo@example.org", ["Bo", "example"]) == []


def test_mentions_of_leaves_out_journeys_in_the_trash(session, journey):
    store.add_comment(session=session, journey_id=journey, author="Ana", text="@Ben", touchpoint="hotline")
    store.delete_journey(session=session, journey_id=journey, author="Ana")
    assert store.mentions_of(session=session, name="Ben") == []


def test_comments_on_an_idea(session, journey):
    idea = ideas.create_idea(session=session, journey_id=journey, idea={"title": "Call-back", "targets": {}},
                             author="Ana")  # fmt: skip
    top = store.add_comment(session=session, journey_id=journey, author="Ben", text="Costs? @Ana", idea=idea)
    [thread] = store.list_comments(session=session, journey_id=journey, idea=idea)
    assert (thread["id"], thread["idea"], thread["touchpoint"]) == (top, idea, None)
    assert store.comment_counts(session=session, journey_id=journey, subject="idea") == {idea: 1}
    assert store.comment_counts(session=session, journey_id=journey) == {}
    [mention] = store.mentions_of(session=session, name="Ana")
    assert (mention["idea"], mention["idea_title"]) == (idea, "Call-back")
    ideas.delete_idea(session=session, idea_id=idea, author="Ana")
    assert store.list_comments(session=session, journey_id=journey) == []
    assert counts(session)["comment_mention"] == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"text": "   ", "touchpoint": "hotline"}, store.CommentInvalid, "empty"),
        ({"text": "x" * (MAX_COMMENT + 1), "touchpoint": "hotline"}, store.CommentInvalid, "too_long"),
        ({"text": "a\x1b[31mb", "touchpoint": "hotline"}, store.CommentInvalid, "characters"),
        ({"text": "hi", "touchpoint": "ghost"}, store.CommentInvalid, "unknown_touchpoint"),
        ({"text": "hi", "idea": 999_999}, store.CommentInvalid, "unknown_idea"),
        ({"text": "hi"}, store.CommentInvalid, "subject"),
        ({"text": "hi", "touchpoint": "hotline", "author": "  "}, store.CommentInvalid, "author"),
        ({"text": "hi", "reply_to": 999_999}, store.CommentNotFound, "missing"),
    ],
    ids=[
        "empty",
        "too long",
        "control character",
        "unknown touchpoint",
        "unknown idea",
        "no subject",
        "no author",
        "reply to a missing comment",
    ],
)
def test_a_refused_comment_writes_nothing(session, journey, kwargs, error, code):
    before = counts(session)
    with pytest.raises(error) as refused:
        store.add_comment(session=session, journey_id=journey, **{"author": "Ana", **kwargs})
    assert refused.value.code == code and refused.value.text("de") != refused.value.text("en")
    assert counts(session) == before


def test_a_reply_to_a_reply_is_refused_and_writes_nothing(session, journey):
    top = store.add_comment(session=session, journey_id=journey, author="Ana", text="Q", touchpoint="hotline")
    reply = store.add_comment(session=session, journey_id=journey, author="Ben", text="A", reply_to=top)
    before = counts(session)
    with pytest.raises(store.CommentInvalid) as refused:
        store.add_comment(session=session, journey_id=journey, author="Cem", text="A to A", reply_to=reply)
    assert refused.value.code == "reply_to_reply"
    with pytest.raises(store.CommentInvalid, match="first comment"):
        store.resolve_comment(session=session, comment_id=reply, author="Cem")
    with pytest.raises(store.CommentNotFound):
        store.reopen_comment(session=session, comment_id=999_999, author="Cem")
    assert counts(session) == before


def test_a_comment_on_a_journey_in_the_trash_is_refused(session, journey):
    store.delete_journey(session=session, journey_id=journey, author="Ana")
    with pytest.raises(store.JourneyNotFound):
        store.add_comment(session=session, journey_id=journey, author="Ana", text="hi", touchpoint="hotline")


def test_only_the_author_deletes_a_comment_and_its_replies_go_with_it(session, journey):
    top = store.add_comment(session=session, journey_id=journey, author="Ana", text="@Ben Q", touchpoint="hotline")
    store.add_comment(session=session, journey_id=journey, author="Ben", text="A", reply_to=top)
    with pytest.raises(store.CommentInvalid, match="Only Ana"):
        store.delete_comment(session=session, comment_id=top, author="Ben")
    store.delete_comment(session=session, comment_id=top, author="ana")
    assert store.list_comments(session=session, journey_id=journey) == []
    assert counts(session)["comment"] == 0 and counts(session)["comment_mention"] == 0


def test_comments_are_no_edit_of_the_journey(session, journey):
    """Commenting keeps the journey's version, a save over the version opened before the comment is no conflict,
    and the comments are there after it."""
    G, version = store.load_journey(session=session, journey_id=journey)
    stamp = store.journey_stamp(session=session, journey_id=journey)
    store.add_comment(session=session, journey_id=journey, author="Ana", text="Q", touchpoint="hotline")
    assert store.journey_stamp(session=session, journey_id=journey) == stamp
    G.nodes["hotline"]["name"] = "Service line"
    assert store.save_journey(session=session, graph=G, expected_version=version, author="Ben") == version + 1
    [thread] = store.list_comments(session=session, journey_id=journey, touchpoint="hotline")
    assert thread["text"] == "Q"
    assert store.mentions_of(session=session, name="x") == []


def test_rating_comments_are_listed_by_rater(session, journey):
    [rating] = store.rating_comments(session=session, journey_id=journey, touchpoint="hotline")
    assert (rating["rater"], rating["discipline"], rating["comment"]) == ("Ben", "it", "Queue is too long")
    assert store.rating_comments(session=session, journey_id=journey, touchpoint="shop-visit") == []


def test_purging_the_journey_takes_its_comments(session, journey):
    top = store.add_comment(session=session, journey_id=journey, author="Ana", text="@Ben Q", touchpoint="hotline")
    store.add_comment(session=session, journey_id=journey, author="Ben", text="A", reply_to=top)
    store.delete_journey(session=session, journey_id=journey, author="Ana")
    assert counts(session)["comment"] == 2
    store.purge_journey(session=session, journey_id=journey)
    after = counts(session)
    assert after["comment"] == 0 and after["comment_mention"] == 0


def fill_comments(session, journey) -> int:
    idea = ideas.create_idea(session=session, journey_id=journey, idea={"title": "Call-back", "targets": {}},
                             author="Ana")  # fmt: skip
    top = store.add_comment(session=session, journey_id=journey, author="Ana", text="„Warum?“ @Ben\n2nd line",
                            touchpoint="hotline")  # fmt: skip
    store.add_comment(session=session, journey_id=journey, author="Ben", text="@Ana <b>no</b>", reply_to=top)
    store.resolve_comment(session=session, comment_id=top, author="Ben")
    store.add_comment(session=session, journey_id=journey, author="Cem", text="open", touchpoint="install-router")
    store.add_comment(session=session, journey_id=journey, author="Ben", text="On the idea @Ana", idea=idea)
    return idea


def comparable(threads: list[dict]) -> list[dict]:
    """Threads without their row ids (a restore or an import gives new ones)."""
    drop = {"id", "parent_id", "idea"}
    return [
        {k: v for k, v in t.items() if k not in drop} | {"replies": [{k: v for k, v in r.items() if k not in drop}
                                                                      for r in t["replies"]]}
        for t in threads
    ]  # fmt: skip


def test_backup_and_restore_keep_every_comment(session, journey, tmp_path):
    fill_comments(session, journey)
    original = store.list_comments(session=session, journey_id=journey)
    buffer = io.BytesIO()
    written = backup.backup(session=session, path=buffer)
    assert written.comments == 3
    restored = store.make_engine(f"sqlite:///{tmp_path}/restored.db")
    store.migrate(restored)
    with Session(restored) as target:
        assert backup.restore(session=target, path=io.BytesIO(buffer.getvalue())).comments == 3
        again = store.list_comments(session=target, journey_id=journey)
        assert comparable(again) == comparable(original)
        [on_idea] = [t for t in again if t["idea"] is not None]
        assert on_idea["idea"] == ideas.list_ideas(session=target, journey_id=journey)[0]["id"]
        assert [m["text"] for m in store.mentions_of(session=target, name="ana")] == [
            "On the idea @Ana",
            "@Ana <b>no</b>",
        ]
    restored.dispose()


def test_a_backup_with_a_broken_comment_is_refused_and_nothing_is_written(session, journey, tmp_path):
    fill_comments(session, journey)
    buffer = io.BytesIO()
    backup.backup(session=session, path=buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    name = next(n for n in files if n.startswith("journeys/"))
    doc = json.loads(files[name])
    doc["comments"][0]["replies"][0]["created_at"] = "yesterday"
    files[name] = json.dumps(doc).encode()
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        for n, data in files.items():
            archive.writestr(n, data)
    target = store.make_engine(f"sqlite:///{tmp_path}/target.db")
    store.migrate(target)
    with Session(target) as other, pytest.raises(backup.BackupError, match="comments"):
        backup.restore(session=other, path=broken)
    with Session(target) as other:
        assert counts(other)["journey"] == 0 and counts(other)["comment"] == 0
    target.dispose()


def test_the_journey_file_carries_its_comments_into_a_new_journey(session, journey):
    """Exported with its comments, a journey imports as a new one (a new id, as the old one is taken) with its
    touchpoints' threads; networkx still reads the file."""
    fill_comments(session, journey)
    G, _ = store.load_journey(session=session, journey_id=journey)
    threads = store.export_comments(session=session, journey_id=journey, touchpoints=set(G))
    text = interchange.dumps(G, comments=threads)
    assert nx.node_link_graph(json.loads(text), edges="edges").number_of_nodes() == G.number_of_nodes()
    copy = store.import_journey_with_comments(session=session, data=text, author="Dana")
    assert copy != journey
    on_touchpoints = [t for t in store.list_comments(session=session, journey_id=journey) if t["touchpoint"]]
    assert comparable(store.list_comments(session=session, journey_id=copy)) == comparable(on_touchpoints)
    assert {m["journey_id"] for m in store.mentions_of(session=session, name="Ben")} == {journey, copy}


def test_an_import_with_a_comment_on_a_missing_touchpoint_is_refused_and_writes_nothing(session, journey):
    G, _ = store.load_journey(session=session, journey_id=journey)
    thread = {"touchpoint": "ghost", "author": "Ana", "text": "Where?", "created_at": "2026-03-01T09:30:00+00:00"}
    before = counts(session)
    with pytest.raises(interchange.JourneyFormatError) as refused:
        store.import_journey_with_comments(session=session, data=interchange.dumps(G, comments=[thread]), author="x")
    assert [p.code for p in refused.value.problems] == ["comment_about"]
    assert "ghost" in refused.value.problems[0].text("de")
    assert counts(session) == before


def test_a_file_without_comments_still_imports(session):
    jid = store.import_journey_with_comments(session=session, data=interchange.dumps(broadband_demo()), author="x")
    assert store.list_comments(session=session, journey_id=jid) == []


def test_a_mention_row_names_its_comment(session, journey):
    """The mention table holds the folded name to look up and the name as written."""
    store.add_comment(session=session, journey_id=journey, author="Ana", text="@BEN", touchpoint="hotline")
    rows = session.execute(select(CommentMention.person, CommentMention.name)).all()
    session.rollback()
    assert [tuple(r) for r in rows] == [("ben", "Ben")]
    assert session.execute(select(func.count()).select_from(Comment)).scalar_one() == 1
