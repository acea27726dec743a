"""Comment threads on a touchpoint (the Editor's detail panel) or an idea (the Ideas page), and the mentions of me.

Each thread shows its comments with author and local time, replies, Resolve / Reopen and a
reply box; below them the comments raters gave with their scores (read-only) and a box for a
new comment. Streamlit has no inline suggestions, so the people to mention are chosen in a
"Mention" box, which adds ``@Name`` to the text sent. Every text a person typed is shown
through :func:`ui.text.md`. Writing needs the author's name and a role that may comment.
"""

from __future__ import annotations

import streamlit as st

import store
from journeys.io.interchange import MAX_COMMENT
from store import ideas as store_ideas
from ui.access import allowed, can
from ui.deps import author, require_author, session, t, when
from ui.editor import state
from ui.idea_form import open_form
from ui.journey import open_journey
from ui.text import md
from ui.widgets import ask, confirm

__all__ = ["mentions_of_me", "open_counts", "open_badge", "thread_panel"]


def open_counts(jid: str, subject: str = "touchpoint") -> dict:
    """The open comment threads per touchpoint key (or idea id) of the journey (one small query)."""
    with session() as s:
        return store.comment_counts(session=s, journey_id=jid, subject=subject)


def open_badge(n: int) -> None:
    """The number of open comment threads, as a badge (nothing when there is none)."""
    if n:
        st.badge(t("comments.open", count=n), icon=":material/forum:", color="orange")


def _shown(text: str) -> str:
    """A comment's text as typed: escaped, and its line breaks kept."""
    return md(text).replace("\n", "  \n")


def _nonce(base: str) -> int:
    return st.session_state.get(f"{base}.nonce", 0)


def _written(base: str, action, done: str, **kwargs) -> bool:
    """Run a write of the store; on success its inputs start empty, a toast says so and the page runs again."""
    try:
        with session() as s:
            action(session=s, **kwargs)
    except store.CommentInvalid as exc:  # the reason in the user's words, what it quotes escaped
        st.error(
            t(f"comments.invalid.{exc.code}", **{k: md(v) for k, v in exc.params.items()}), icon=":material/error:"
        )
        return False
    except store.JourneyNotFound:
        st.error(t("comments.invalid.missing"), icon=":material/error:")
        return False
    st.session_state[f"{base}.nonce"] = _nonce(base) + 1  # new keys: empty boxes
    st.toast(done, icon=":material/check_circle:")
    st.rerun()
    return True


def _comment(entry: dict, base: str | None = None) -> None:
    """Who wrote a comment and when, and its text; with ``base`` (where comments may be written), Delete on the
    author's own, after a confirmation."""
    mine = base is not None and entry["author"].casefold() == author().casefold()
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(t("comments.by", author=md(entry["author"]), when=when(entry["created_at"])))
        if mine:
            st.space("stretch")
            if st.button(
                t("comments.delete"), icon=":material/delete:", type="tertiary", key=f"{base}.del.{entry['id']}"
            ):
                ask("comments.delete", entry["id"])
    st.markdown(_shown(entry["text"]))
    if (
        mine
        and confirm("comments.delete", entry["id"], t("comments.delete_confirm"), yes=t("comments.delete_yes"))
        and (name := require_author())
    ):
        _written(base, store.delete_comment, t("comments.deleted"), comment_id=entry["id"], author=name)


def _thread(jid: str, base: str, thread: dict, writable: bool) -> None:
    tid = thread["id"]
    with st.container(border=True, key=f"{base}.thread.{tid}"):
        _comment(thread, base if writable else None)
        for reply in thread["replies"]:
            with st.container(key=f"{base}.reply_of.{reply['id']}"):
                _comment(reply, base if writable else None)
        if thread["resolved_at"] is not None:
            st.caption(t("comments.resolved_by", who=md(thread["resolved_by"]), when=when(thread["resolved_at"])))
        if not writable:
            return
        nonce = _nonce(base)
        reply_key = f"{base}.reply.{tid}.{nonce}"
        st.text_input(
            t("comments.reply"), key=reply_key, max_chars=MAX_COMMENT, placeholder=t("comments.reply_placeholder"),
            label_visibility="collapsed",
        )  # fmt: skip
        with st.container(horizontal=True):
            send = st.button(t("comments.post_reply"), icon=":material/reply:", key=f"{base}.send.{tid}")
            if thread["resolved_at"] is None:
                toggle = st.button(t("comments.resolve"), icon=":material/check_circle:", key=f"{base}.resolve.{tid}")
            else:
                toggle = st.button(t("comments.reopen"), icon=":material/undo:", key=f"{base}.reopen.{tid}")
    if send and allowed("comment") and (author := require_author()):
        _written(
            base, store.add_comment, t("comments.replied"), journey_id=jid, author=author,
            text=st.session_state.get(reply_key) or "", reply_to=tid,
        )  # fmt: skip
    if toggle and allowed("comment") and (author := require_author()):
        if thread["resolved_at"] is None:
            _written(base, store.resolve_comment, t("comments.resolved"), comment_id=tid, author=author)
        else:
            _written(base, store.reopen_comment, t("comments.reopened"), comment_id=tid, author=author)


def _new_comment(jid: str, base: str, about: dict, candidates: list[str]) -> None:
    nonce = _nonce(base)
    text_key, mention_key = f"{base}.new.{nonce}", f"{base}.mention.{nonce}"
    st.text_area(
        t("comments.new"), key=text_key, max_chars=MAX_COMMENT, height=80, placeholder=t("comments.new_placeholder"),
    )  # fmt: skip
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.multiselect(
            t("comments.mention"), candidates, key=mention_key, help=t("comments.mention_help"), width=320,
        )  # fmt: skip  # options are shown as text, never as Markdown
        post = st.button(t("comments.post"), type="primary", icon=":material/add_comment:", key=f"{base}.post")
    if post and allowed("comment") and (author := require_author()):
        text = (st.session_state.get(text_key) or "").strip()
        named = [
            f"@{name}" for name in st.session_state.get(mention_key) or [] if f"@{name}".lower() not in text.lower()
        ]
        if text and named:
            text = f"{text} {' '.join(named)}"
        _written(base, store.add_comment, t("comments.posted"), journey_id=jid, author=author, text=text, **about)


def thread_panel(jid: str, *, touchpoint: str | None = None, idea: int | None = None, stored: bool = True) -> None:
    """The comments on touchpoint ``touchpoint`` (its key) or idea ``idea`` (its id) of journey ``jid``: the threads,
    the raters' comments, and a new comment. ``stored=False``: a touchpoint not saved yet, which cannot be
    commented on before the journey is saved."""
    about = {"touchpoint": touchpoint} if touchpoint is not None else {"idea": idea}
    base = f"comments.{jid}.{'t' if touchpoint is not None else 'i'}.{touchpoint if touchpoint is not None else idea}"
    with session() as s:
        threads = store.list_comments(session=s, journey_id=jid, **about)
        ratings = store.rating_comments(session=s, journey_id=jid, **about)
        candidates = store.mention_candidates(session=s, journey_id=jid)
    writable = can("comment") and stored
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{t('comments.title.count', n=len(threads))}**")
        open_badge(sum(thread["resolved_at"] is None for thread in threads))
    if not threads and not ratings:
        st.caption(t("comments.empty"))
    for thread in threads:
        _thread(jid, base, thread, writable)
    if ratings:
        st.markdown(f"**{t('comments.ratings')}**")
        for rating in ratings:
            with st.container(border=True):
                discipline = t(f"discipline.{rating['discipline']}") if rating["discipline"] else ""
                st.caption(
                    t("comments.rating", rater=md(rating["rater"]), discipline=md(discipline),
                      when=when(rating["updated_at"]))
                )  # fmt: skip
                st.markdown(_shown(rating["comment"]))
    if not stored:
        st.caption(t("comments.save_first"))
    elif not can("comment"):
        st.caption(t("comments.read_only"))
    else:
        _new_comment(jid, base, about, candidates)


def mentions_of_me(name: str, found: list[dict]) -> None:
    """The comments that mention ``name`` (``found``, :func:`store.mentions_of`), newest first, each with its journey
    and touchpoint or idea and a button that opens it there."""
    if not name:
        st.info(t("comments.mentions.need_name"), icon=":material/badge:")
        return
    if not found:
        st.info(t("comments.mentions.empty", name=md(name)), icon=":material/alternate_email:")
        return
    st.subheader(t("comments.mentions.title"), anchor=False)
    st.caption(t("comments.mentions.intro", name=md(name)))
    for mention in found:
        with st.container(border=True, key=f"mention.{mention['id']}"):
            if mention["touchpoint"] is not None:
                about = t("comments.mentions.touchpoint", journey=md(mention["journey"]),
                          name=md(mention["touchpoint_name"]))  # fmt: skip
            else:
                about = t("comments.mentions.idea", journey=md(mention["journey"]), name=md(mention["idea_title"]))
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown(f"**{about}**")
                go = st.button(
                    t("comments.mentions.open"), icon=":material/open_in_new:", key=f"mention.open.{mention['id']}"
                )
            _comment(mention)
        if go:
            _open(mention)


def _open(mention: dict) -> None:
    """Open the journey where the comment is: the Editor on its touchpoint, or the Ideas page on its idea."""
    jid = mention["journey_id"]
    if mention["touchpoint"] is not None:
        if can("edit"):
            state.select(jid, mention["touchpoint"])
            open_journey(jid, "pages/editor.py")
        open_journey(jid, "pages/review.py")  # access: a viewer reads the journey there
    with session() as s:
        ideas = {i["id"]: i for i in store_ideas.list_ideas(session=s, journey_id=jid)}
    if mention["idea"] in ideas:
        open_form(jid, ideas[mention["idea"]])
    open_journey(jid, "pages/ideas.py")
