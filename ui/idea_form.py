"""The Ideas page's form: a new or changed idea, its touchpoints and pain points, saved or deleted.

An idea is kept in session state while its form is open, so that a conflicting save loses
nothing; the page (``pages/ideas.py``) ranks, rates and opens the ideas.
"""

import streamlit as st

from journeys.analysis.ideas import EFFORT_RANGE, MAX_TITLE, STATUSES, targets_from
from journeys.model.graph import touchpoints_in_order
from store import ideas as store_ideas
from ui.access import allowed, can
from ui.deps import labels, lang, require_author, session, t, translated, when
from ui.text import md
from ui.widgets import ask, confirm, conflict_screen, flash

SEP = "\x1f"  # between touchpoint key and pain text in the options of the pain point list
FIELDS = ("title", "owner", "status", "effort", "description", "touchpoints", "pains")
VIEW = "ideas.view"  # the page's view switch: a new idea is scored next


def state(jid: str, name: str) -> str:
    return f"ideas.{name}.{jid}"


KEPT = "session"  # a form field keeps its value while the user visits another page (persist_state)


def field(jid: str, name: str) -> str:
    """The widget key of a form field; a new nonce gives a fresh form."""
    return f"ideas.f.{jid}.{st.session_state.get(state(jid, 'nonce'), 0)}.{name}"


def open_form(jid: str, idea: dict | None, touchpoints=()) -> None:
    """Open the form on ``idea`` (None: a new one), filled in before its widgets are drawn."""
    st.session_state[state(jid, "nonce")] = st.session_state.get(state(jid, "nonce"), 0) + 1
    st.session_state[state(jid, "open")] = idea["id"] if idea else "new"
    st.session_state[state(jid, "base")] = idea["version"] if idea else None
    st.session_state.pop(state(jid, "conflict"), None)
    idea = idea or {"status": "open", "targets": {key: [] for key in touchpoints}}
    values = {f: idea.get(f) or "" for f in ("title", "owner", "description")} | {
        "status": idea.get("status") or "open",
        "effort": idea.get("effort"),
        "touchpoints": list(idea.get("targets") or {}),
        "pains": [f"{k}{SEP}{p}" for k, pains in (idea.get("targets") or {}).items() for p in pains],
    }
    for name, value in values.items():
        st.session_state[field(jid, name)] = value


def close_form(jid: str, message: str | None = None) -> None:
    st.session_state[state(jid, "open")] = None
    st.session_state[state(jid, "list")] = st.session_state.get(state(jid, "list"), 0) + 1  # clears the selection
    if message:
        flash(message)
    st.rerun()


def save(jid: str, G, target, expected: int | None) -> None:
    """Create or update the idea from the form; on a conflict keep the input and say who changed it."""
    author = require_author()
    if not author or not allowed("edit"):
        return
    v = {name: st.session_state.get(field(jid, name)) for name in FIELDS}
    pains = [tuple(p.split(SEP, 1)) for p in v["pains"] or []]
    idea = {k: v[k] for k in ("title", "owner", "status", "effort", "description")}
    idea["targets"] = targets_from(G, v["touchpoints"] or [], pains)
    try:
        with session() as s:
            if target == "new":
                store_ideas.create_idea(session=s, journey_id=jid, idea=idea, author=author)
                st.session_state[VIEW] = "rate"  # next: score it
            else:
                store_ideas.update_idea(session=s, idea_id=target, idea=idea, expected_version=expected, author=author)
    except store_ideas.IdeaInvalid as exc:
        st.error("\n".join(f"- {md(p.text(lang()))}" for p in exc.problems), icon=":material/error:")
        return
    except store_ideas.IdeaConflict as exc:
        remember_conflict(jid, exc)
        st.rerun()
    close_form(jid, t("ideas.created" if target == "new" else "ideas.saved", title=md(idea["title"])))


def remember_conflict(jid: str, exc) -> None:
    """Who changed the idea, when, and its version now (None: deleted), as plain values."""
    st.session_state[state(jid, "conflict")] = {
        "who": exc.updated_by or "?",
        "when": when(exc.updated_at) if exc.updated_at else "",
        "version": exc.current_version,
    }


def form(jid: str, G, ideas: dict, weakness: dict[str, float]) -> None:
    """The new or selected idea: its fields, Save, Cancel, Delete (with a confirmation)."""
    target = st.session_state.get(state(jid, "open"))
    if target is None:
        return
    if target != "new" and target not in ideas and not st.session_state.get(state(jid, "conflict")):
        st.warning(t("ideas.not_found"), icon=":material/help:")
        st.session_state[state(jid, "open")] = None
        return
    editable = can("edit")
    order = touchpoints_in_order(G)
    with st.container(border=True):
        title = ideas.get(target, {}).get("title", "")
        st.subheader(t("ideas.new") if target == "new" else t("ideas.edit", title=md(title)), anchor=False)
        st.text_input(
            t("ideas.field.title"), key=field(jid, "title"), max_chars=MAX_TITLE, disabled=not editable,
            persist_state=KEPT,
        )  # fmt: skip
        left, middle, right = st.columns([2, 1, 2])
        left.text_input(t("ideas.owner"), key=field(jid, "owner"), disabled=not editable, persist_state=KEPT)
        middle.selectbox(
            t("ideas.status"), STATUSES, format_func=labels("ideas.status", STATUSES).get,
            key=translated(field(jid, "status")), disabled=not editable, persist_state=KEPT,
        )  # fmt: skip
        right.segmented_control(
            t("ideas.effort"), list(range(EFFORT_RANGE[0], EFFORT_RANGE[1] + 1)), key=field(jid, "effort"),
            help=t("ideas.effort_help"), disabled=not editable, persist_state=KEPT,
        )  # fmt: skip
        st.text_area(
            t("ideas.field.description"), key=field(jid, "description"), height=90, disabled=not editable,
            persist_state=KEPT,
        )  # fmt: skip
        chosen = st.multiselect(
            t("ideas.touchpoints"), order, key=field(jid, "touchpoints"), disabled=not editable, persist_state=KEPT,
            format_func={
                k: t("ideas.touchpoint_option", name=G.nodes[k]["name"], weakness=weakness.get(k, 0.0)) for k in order
            }.get,
        )  # fmt: skip
        options = {f"{k}{SEP}{p['text']}": (k, p) for k in chosen for p in G.nodes[k].get("pains", [])}
        st.session_state[field(jid, "pains")] = [
            p for p in st.session_state.get(field(jid, "pains"), []) if p in options
        ]
        st.multiselect(
            t("ideas.pains"), list(options), key=field(jid, "pains"), help=t("ideas.pains_help"), disabled=not editable,
            persist_state=KEPT, format_func=lambda o: f"{G.nodes[options[o][0]]['name']}: {options[o][1]['text']}",
        )  # fmt: skip
        if editable:
            actions(jid, G, target, ideas.get(target))


def actions(jid: str, G, target, idea: dict | None) -> None:
    """Save (or, after a conflict, overwrite / take theirs), Close, and Delete with a confirmation."""
    conflict = st.session_state.get(state(jid, "conflict"))
    if conflict and conflict["version"] is None:
        row = conflict_screen(t("ideas.not_found"))
    elif conflict:
        row = conflict_screen(t("ideas.conflict", **conflict | {"who": md(conflict["who"])}))
    else:
        row = st.container(horizontal=True)
    if conflict and conflict["version"] is not None:
        if row.button(t("ideas.overwrite"), type="primary", key=f"ideas.overwrite.{jid}"):
            save(jid, G, target, conflict["version"])
        if idea and row.button(t("ideas.take_theirs"), key=f"ideas.theirs.{jid}"):
            open_form(jid, idea)
            st.rerun()
    elif conflict:  # deleted meanwhile: the input can still become a new idea
        if row.button(t("ideas.save_as_new"), type="primary", key=f"ideas.as_new.{jid}"):
            save(jid, G, "new", None)
    elif row.button(
        t("ideas.create" if target == "new" else "ideas.save"), type="primary", icon=":material/save:",
        key=f"ideas.save.{jid}",
    ):  # fmt: skip
        save(jid, G, target, st.session_state.get(state(jid, "base")))
    if row.button(t("ideas.cancel"), key=f"ideas.cancel.{jid}"):
        close_form(jid)
    if target == "new" or not idea:
        return
    if row.button(t("ideas.delete"), icon=":material/delete:", key=f"ideas.del.{jid}"):
        ask("ideas.delete", target)
    question = t("ideas.delete_confirm", title=md(idea["title"]))
    if confirm("ideas.delete", target, question, yes=t("ideas.delete_yes"), no=t("ideas.delete_no")) and allowed(
        "edit"
    ):
        try:
            with session() as s:
                store_ideas.delete_idea(
                    session=s, idea_id=target, author=require_author() or "",
                    expected_version=st.session_state.get(state(jid, "base")),
                )  # fmt: skip
        except store_ideas.IdeaConflict as exc:
            remember_conflict(jid, exc)
            st.rerun()
        close_form(jid, t("ideas.deleted", title=md(idea["title"])))
