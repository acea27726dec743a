"""Comment threads on the touchpoints and ideas of a journey, and the people they mention.

A comment is a row of its own beside the journey, never part of its graph: writing one neither
conflicts with an edit of the journey nor changes its version (nor its change count, so that no
cached view of the journey is dropped for it; comments are read afresh, by small indexed queries).
A thread is a top comment and its replies, one level deep; a top comment is resolved and reopened.
A touchpoint is named by its key, as the journey's versions name it.

``@Name`` in a text mentions Name when Name is one of the people suggested for the journey
(:func:`mention_candidates`: who saved a version of it, rated in it or commented in it). The names
a comment mentions go into a table of their own (``comment_mention``: the comment, the name folded
with ``str.casefold`` and as written) rather than a JSON list on the comment: "mentions of me"
(:func:`mentions_of`) is then one query on an index, the same on SQLite and PostgreSQL, where a
JSON list could only be searched by reading every comment (or with an index only PostgreSQL has).

Every function takes the session as a keyword; each write is one transaction that writes all or,
on any refusal (:class:`CommentInvalid`, :class:`CommentNotFound`), nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select, union, update
from sqlmodel import Session

from journeys.i18n import t
from journeys.io import interchange
from journeys.model.text import MAX_SHORT, bad_character, first_bad
from journeys.model.validation import JourneyInvalid
from store.models import Comment, CommentMention, Idea, Journey, Rating, Revision, Touchpoint, utcnow
from store.repository import JourneyNotFound, create_journey, retry_when_busy, write_transaction

__all__ = [
    "MAX_COMMENT",
    "CommentInvalid",
    "CommentNotFound",
    "add_comment",
    "comment_counts",
    "create_journey_with_comments",
    "delete_comment",
    "export_comments",
    "import_journey_with_comments",
    "list_comments",
    "mention_candidates",
    "mentions_in",
    "mentions_of",
    "rating_comments",
    "reopen_comment",
    "resolve_comment",
    "thread_documents",
    "write_threads",
]

log = logging.getLogger(__name__)

MAX_COMMENT = interchange.MAX_COMMENT  # characters of a comment's text, as the JSON format allows


class CommentInvalid(ValueError):
    """Raised when a comment cannot be written as asked; nothing was written.

    ``code`` names the reason (``comments.invalid.<code>`` in :mod:`journeys.i18n`), ``params``
    fill it in; ``text(lang)`` tells it in English or German.
    """

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        return t(f"comments.invalid.{self.code}", lang, **self.params)


class CommentNotFound(CommentInvalid, LookupError):
    """Raised when the comment asked for (say the one replied to) no longer exists; nothing was written."""

    def __init__(self, comment_id: int | None = None):
        self.comment_id = comment_id
        super().__init__("missing")


def _checked_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise CommentInvalid("empty")
    text = text.strip()
    if len(text) > MAX_COMMENT:
        raise CommentInvalid("too_long", max=MAX_COMMENT, n=len(text))
    if bad_character(text, long=True):
        raise CommentInvalid("characters", char=first_bad(text, long=True))
    return text


def _checked_author(author) -> str:
    name = author.strip() if isinstance(author, str) else ""
    if not name or len(name) > MAX_SHORT or bad_character(name):
        raise CommentInvalid("author", max=MAX_SHORT)
    return name


def mentions_in(text: str, candidates: Iterable[str]) -> list[str]:
    """The candidates that ``text`` mentions as ``@Name`` (in any case), in the order they first appear.

    A longer name wins over a shorter one it starts with; a name is mentioned only where no letter or
    digit follows it.

    Examples
    --------
    >>> mentions_in("@ada lovelace, and @Bob: see @Adam", ["Ada", "Ada Lovelace", "Bob", "Carla"])
    ['Ada Lovelace', 'Bob']
    >>> mentions_in("mail ada@example.org", ["Ada", "example"])
    []
    """
    found, rest = [], text
    for name in sorted({n for n in candidates if n}, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w@])@{re.escape(name)}(?!\w)", re.IGNORECASE)
        if match := pattern.search(rest):
            found.append((match.start(), name))
            rest = pattern.sub(lambda m: " " * len(m.group()), rest)  # a shorter name is not found inside it again
    return [name for _, name in sorted(found)]


def _fold(names: Iterable[str]) -> dict[str, str]:
    """``{folded name: name}``, the first spelling of each person kept."""
    folded: dict[str, str] = {}
    for name in names:
        if name and name.strip():
            folded.setdefault(name.strip().casefold(), name.strip())
    return folded


def _candidates(session: Session, journey_id: str) -> list[str]:
    names = union(
        select(Revision.author.label("name")).where(Revision.journey_id == journey_id),
        select(Rating.rater.label("name"))
        .join(Touchpoint, Touchpoint.id == Rating.touchpoint_id)
        .where(Touchpoint.journey_id == journey_id),
        select(Rating.rater.label("name")).join(Idea, Idea.id == Rating.idea_id).where(Idea.journey_id == journey_id),
        select(Comment.author.label("name")).where(Comment.journey_id == journey_id),
    )
    return sorted(_fold(session.execute(names).scalars()).values(), key=str.casefold)


def mention_candidates(*, session: Session, journey_id: str) -> list[str]:
    """The people to suggest for a mention in the journey's comments: who saved a version of it, rated a touchpoint
    or an idea of it, or commented in it; each once (whatever the case), in alphabetical order."""
    names = _candidates(session, journey_id)
    session.rollback()
    return names


def _live_journey(session: Session, journey_id: str) -> None:
    found = session.execute(select(Journey.id).where(Journey.id == journey_id, Journey.deleted_at.is_(None))).first()
    if found is None:
        raise JourneyNotFound(f"no journey with id {journey_id!r}")


def _subject(session: Session, journey_id: str, touchpoint: str | None, idea: int | None) -> None:
    """Refuse a comment that is not about exactly one touchpoint or idea of the journey."""
    if (touchpoint is None) == (idea is None):
        raise CommentInvalid("subject")
    if touchpoint is not None:
        found = session.execute(
            select(Touchpoint.id).where(Touchpoint.journey_id == journey_id, Touchpoint.key == touchpoint)
        ).first()
        if found is None:
            raise CommentInvalid("unknown_touchpoint", key=touchpoint)
    elif session.execute(select(Idea.id).where(Idea.id == idea, Idea.journey_id == journey_id)).first() is None:
        raise CommentInvalid("unknown_idea")


def _insert(session: Session, values: dict, mentions: Iterable[str]) -> int:
    comment_id = session.execute(insert(Comment).values(**values).returning(Comment.id)).scalar_one()
    if folded := _fold(mentions):
        session.execute(
            insert(CommentMention),
            [{"comment_id": comment_id, "person": person, "name": name} for person, name in folded.items()],
        )
    return comment_id


@retry_when_busy
def add_comment(
    *,
    session: Session,
    journey_id: str,
    author: str,
    text: str,
    touchpoint: str | None = None,
    idea: int | None = None,
    reply_to: int | None = None,
) -> int:
    """Add a comment on the touchpoint ``touchpoint`` (its key) or the idea ``idea`` (its id), or, with
    ``reply_to``, a reply in that comment's thread (about what the thread is about); return its id.

    The people it mentions (``@Name``, :func:`mentions_in` of :func:`mention_candidates`) are kept with it.
    Raises :class:`CommentInvalid` (empty or too long a text, control characters, an unknown touchpoint or
    idea, a reply to a reply), :class:`CommentNotFound` (the comment replied to is gone) or
    :class:`store.JourneyNotFound`; then nothing is written.
    """
    text, author = _checked_text(text), _checked_author(author)
    with write_transaction(session):
        _live_journey(session, journey_id)
        parent_id = None
        if reply_to is not None:
            parent = session.get(Comment, reply_to)
            if parent is None or parent.journey_id != journey_id:
                raise CommentNotFound(reply_to)
            if parent.parent_id is not None:
                raise CommentInvalid("reply_to_reply")
            if (touchpoint, idea) not in ((None, None), (parent.touchpoint_key, parent.idea_id)):
                raise CommentInvalid("subject")
            touchpoint, idea, parent_id = parent.touchpoint_key, parent.idea_id, parent.id
        else:
            _subject(session, journey_id, touchpoint, idea)
        mentioned = mentions_in(text, [*_candidates(session, journey_id), author])
        values = {"journey_id": journey_id, "touchpoint_key": touchpoint, "idea_id": idea, "parent_id": parent_id}
        comment_id = _insert(session, values | {"author": author, "text": text, "created_at": utcnow()}, mentioned)
    log.info("comment %d on journey %s by %r (%d mention(s))", comment_id, journey_id, author, len(mentioned))
    return comment_id


def _threads(session: Session, query) -> list[dict]:
    """The comments ``query`` selects, as threads: each top comment with its replies, oldest first."""
    comments = session.execute(query.order_by(Comment.created_at, Comment.id)).scalars().all()
    ids = [c.id for c in comments]
    mentions: dict[int, list[str]] = {}
    if ids:
        rows = session.execute(
            select(CommentMention.comment_id, CommentMention.name)
            .where(CommentMention.comment_id.in_(ids))
            .order_by(CommentMention.comment_id, CommentMention.person)
        )
        for comment_id, name in rows:
            mentions.setdefault(comment_id, []).append(name)
    threads: dict[int, dict] = {}
    for c in comments:
        entry = {
            "id": c.id,
            "touchpoint": c.touchpoint_key,
            "idea": c.idea_id,
            "parent_id": c.parent_id,
            "author": c.author,
            "text": c.text,
            "created_at": c.created_at,
            "mentions": mentions.get(c.id, []),
        }
        if c.parent_id is None:
            threads[c.id] = entry | {"resolved_by": c.resolved_by, "resolved_at": c.resolved_at, "replies": []}
        elif c.parent_id in threads:
            threads[c.parent_id]["replies"].append(entry)
    return list(threads.values())


def list_comments(
    *, session: Session, journey_id: str, touchpoint: str | None = None, idea: int | None = None
) -> list[dict]:
    """The comment threads of a journey about the touchpoint ``touchpoint`` or the idea ``idea`` (neither: all of
    them), oldest first, as plain dicts.

    Each thread: ``id``, ``touchpoint`` (key) or ``idea`` (id), ``author``, ``text``, ``created_at``,
    ``mentions`` (names), ``resolved_by``, ``resolved_at`` (None: open) and ``replies`` (the same fields
    but the resolved ones, oldest first).
    """
    query = select(Comment).where(Comment.journey_id == journey_id)
    if touchpoint is not None:
        query = query.where(Comment.touchpoint_key == touchpoint)
    if idea is not None:
        query = query.where(Comment.idea_id == idea)
    threads = _threads(session, query)
    session.rollback()
    return threads


def comment_counts(*, session: Session, journey_id: str, subject: str = "touchpoint") -> dict:
    """The number of open threads (top comments not resolved) per touchpoint key, or with ``subject="idea"`` per
    idea id; what has none is left out."""
    column = Comment.touchpoint_key if subject == "touchpoint" else Comment.idea_id
    rows = session.execute(
        select(column, func.count())
        .where(
            Comment.journey_id == journey_id,
            column.is_not(None),
            Comment.parent_id.is_(None),
            Comment.resolved_at.is_(None),
        )
        .group_by(column)
    ).all()
    session.rollback()
    return dict(rows)


def _thread_start(session: Session, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise CommentNotFound(comment_id)
    if comment.parent_id is not None:
        raise CommentInvalid("not_a_thread")
    return comment


@retry_when_busy
def resolve_comment(*, session: Session, comment_id: int, author: str) -> None:
    """Mark the thread that ``comment_id`` starts as resolved by ``author``, now (one resolved already stays
    as it was). Raises :class:`CommentNotFound`, or :class:`CommentInvalid` for a reply."""
    author = _checked_author(author)
    with write_transaction(session):
        _thread_start(session, comment_id)
        session.execute(
            update(Comment)
            .where(Comment.id == comment_id, Comment.resolved_at.is_(None))
            .values(resolved_by=author, resolved_at=utcnow())
        )
    log.info("comment thread %d resolved by %r", comment_id, author)


@retry_when_busy
def reopen_comment(*, session: Session, comment_id: int, author: str) -> None:
    """Open the thread that ``comment_id`` starts again. Raises :class:`CommentNotFound`, or
    :class:`CommentInvalid` for a reply."""
    author = _checked_author(author)
    with write_transaction(session):
        _thread_start(session, comment_id)
        session.execute(update(Comment).where(Comment.id == comment_id).values(resolved_by="", resolved_at=None))
    log.info("comment thread %d reopened by %r", comment_id, author)


@retry_when_busy
def delete_comment(*, session: Session, comment_id: int, author: str) -> None:
    """Delete ``author``'s own comment (a top comment with its replies). A comment already gone is no error;
    someone else's is refused (:class:`CommentInvalid`)."""
    with write_transaction(session):
        comment = session.get(Comment, comment_id)
        if comment is None:
            return
        if comment.author.casefold() != (author or "").strip().casefold():
            raise CommentInvalid("not_yours", author=comment.author)
        session.execute(delete(Comment).where(Comment.id == comment_id))
    log.info("comment %d deleted by %r", comment_id, author)


def mentions_of(*, session: Session, name: str, limit: int = 100) -> list[dict]:
    """The comments that mention ``name`` (in any case) in live journeys, newest first, at most ``limit``.

    Each: ``id``, ``thread`` (the id of its thread's top comment), ``journey_id``, ``journey`` (its name),
    ``touchpoint`` (key) and ``touchpoint_name`` (its name; the key when it is gone), or ``idea`` (id) and
    ``idea_title``, ``author``, ``text`` and ``created_at``.
    """
    person = (name or "").strip().casefold()
    if not person:
        return []
    rows = session.execute(
        select(Comment, Journey.name, Touchpoint.name, Idea.title)
        .join(CommentMention, CommentMention.comment_id == Comment.id)
        .join(Journey, Journey.id == Comment.journey_id)
        .outerjoin(
            Touchpoint, (Touchpoint.journey_id == Comment.journey_id) & (Touchpoint.key == Comment.touchpoint_key)
        )
        .outerjoin(Idea, Idea.id == Comment.idea_id)
        .where(CommentMention.person == person, Journey.deleted_at.is_(None))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    ).all()
    found = [
        {
            "id": c.id,
            "thread": c.parent_id or c.id,
            "journey_id": c.journey_id,
            "journey": journey,
            "touchpoint": c.touchpoint_key,
            "touchpoint_name": touchpoint or c.touchpoint_key,
            "idea": c.idea_id,
            "idea_title": title,
            "author": c.author,
            "text": c.text,
            "created_at": c.created_at,
        }
        for c, journey, touchpoint, title in rows
    ]
    session.rollback()
    return found


def rating_comments(
    *, session: Session, journey_id: str, touchpoint: str | None = None, idea: int | None = None
) -> list[dict]:
    """The comments raters gave with their scores of the touchpoint ``touchpoint`` (or the idea ``idea``), by
    rater: ``rater``, ``discipline``, ``comment`` and ``updated_at``; scores without a comment are left out."""
    query = select(Rating.rater, Rating.discipline, Rating.comment, Rating.updated_at).where(Rating.comment != "")
    if touchpoint is not None:
        query = query.join(Touchpoint, Touchpoint.id == Rating.touchpoint_id).where(
            Touchpoint.journey_id == journey_id, Touchpoint.key == touchpoint
        )
    else:
        query = query.join(Idea, Idea.id == Rating.idea_id).where(Idea.journey_id == journey_id, Idea.id == idea)
    rows = session.execute(query.order_by(Rating.updated_at, Rating.rater)).all()
    session.rollback()
    return [{"rater": r, "discipline": d, "comment": c, "updated_at": u} for r, d, c, u in rows if c.strip()]


# --- the comments in a file (the journey's JSON, a backup) --------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def thread_documents(session: Session, journey_id: str, *, touchpoints=None, idea: int | None = None) -> list[dict]:
    """The journey's comment threads in the form of the JSON format (``docs/json-format.md``), oldest first:
    those on touchpoints (only those on ``touchpoints``, keys, when given), or with ``idea`` those on that idea
    (without a ``touchpoint``). In the caller's transaction."""
    query = select(Comment).where(Comment.journey_id == journey_id)
    query = query.where(Comment.idea_id == idea) if idea is not None else query.where(Comment.idea_id.is_(None))
    documents = []
    for thread in _threads(session, query):
        if touchpoints is not None and thread["touchpoint"] not in touchpoints:
            continue
        replies = [
            {"author": r["author"], "text": r["text"], "created_at": _time(r["created_at"]), "mentions": r["mentions"]}
            for r in thread["replies"]
        ]
        documents.append(
            {
                **({} if idea is not None else {"touchpoint": thread["touchpoint"]}),
                "author": thread["author"],
                "text": thread["text"],
                "created_at": _time(thread["created_at"]),
                "mentions": thread["mentions"],
                "resolved_by": thread["resolved_by"],
                "resolved_at": _time(thread["resolved_at"]),
                "replies": replies,
            }
        )
    return documents


def export_comments(*, session: Session, journey_id: str, touchpoints=None) -> list[dict]:
    """The comment threads on the journey's touchpoints for its JSON file (:func:`journeys.io.interchange.dumps`):
    those on ``touchpoints`` (keys; say those of the graph exported), so that the file imports again."""
    documents = thread_documents(session, journey_id, touchpoints=touchpoints)
    session.rollback()
    return documents


def write_threads(session: Session, journey_id: str, threads: list[dict], *, idea: int | None = None) -> int:
    """Store comment threads as :func:`journeys.io.interchange.comments_of` gives them, checked already, in the
    caller's write transaction: on the touchpoints they name, or with ``idea`` on that idea. Returns how many
    comments were written."""
    written = 0
    for thread in threads:
        about = {"journey_id": journey_id, "touchpoint_key": None if idea else thread["touchpoint"], "idea_id": idea}
        top = {
            "author": thread["author"],
            "text": thread["text"],
            "created_at": _parse_time(thread["created_at"]),
            "resolved_by": (thread.get("resolved_by") or "") if thread.get("resolved_at") else "",
            "resolved_at": _parse_time(thread.get("resolved_at")),
        }
        thread_id = _insert(session, about | top | {"parent_id": None}, thread.get("mentions", []))
        for reply in thread.get("replies", []):
            values = {"author": reply["author"], "text": reply["text"], "created_at": _parse_time(reply["created_at"])}
            _insert(session, about | values | {"parent_id": thread_id}, reply.get("mentions", []))
        written += 1 + len(thread.get("replies", []))
    return written


@retry_when_busy
def _import_threads(*, session: Session, journey_id: str, threads: list[dict]) -> None:
    with write_transaction(session):
        write_threads(session, journey_id, threads)


def import_journey_with_comments(*, session: Session, data: str | bytes, author: str) -> str:
    """Import a JSON document (``docs/json-format.md``) as a new journey with its comment threads; return its id.

    The journey gets its own id when the file's is taken, and its comments go with it. Raises
    :class:`journeys.io.interchange.JourneyFormatError` (or ``JourneyInvalid``) listing every problem, a
    comment on a touchpoint the journey lacks among them; then nothing is written. All or nothing.
    """
    try:
        graph, threads = interchange.loads_with_comments(data)
        journey_id = create_journey_with_comments(session=session, graph=graph, threads=threads, author=author)
    except (interchange.JourneyFormatError, JourneyInvalid) as exc:
        kinds = ", ".join(sorted({str(p.code) for p in exc.problems}))  # codes only: the file's text stays out
        log.warning("import by %r refused: %d problem(s) (%s); nothing written", author, len(exc.problems), kinds)
        raise
    log.info("imported journey %s %r with %d comment thread(s) by %r", journey_id, graph.graph.get("name"),
             len(threads), author)  # fmt: skip
    return journey_id


def create_journey_with_comments(*, session: Session, graph, threads: list[dict], author: str) -> str:
    """Store ``graph`` as a new journey (:func:`store.create_journey`) with the comment threads on its touchpoints
    (as :func:`journeys.io.interchange.loads_with_comments` gives them, checked against it); return its id.
    All or nothing."""
    journey_id = create_journey(session=session, graph=graph, author=author)
    if threads:
        try:
            _import_threads(session=session, journey_id=journey_id, threads=threads)
        except BaseException:
            with write_transaction(session):  # no journey without its comments
                session.execute(delete(Journey).where(Journey.id == journey_id))
            raise
    return journey_id
