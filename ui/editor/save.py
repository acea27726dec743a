"""Saving the draft: its status, its problems, Save and Discard, and what to do after a conflict."""

from __future__ import annotations

from datetime import datetime

import networkx as nx
import streamlit as st

import store
from journeys.io import interchange
from journeys.model import tables
from journeys.model.graph import slugify
from journeys.model.merge import MINE, THEIRS, merge
from journeys.model.validation import JourneyInvalid, Problem
from store.rows import describe_diff
from store.summaries import render
from ui.access import allowed, can
from ui.deps import author, guarded, lang, require_author, session, t, valid_author, when
from ui.editor import state
from ui.text import md
from ui.widgets import ask, confirm, conflict_screen, flash

SAVING = "editor.saving"  # the journey whose Save was clicked, saved at the end of the page's run


def problems(jid: str, G: nx.DiGraph) -> list[Problem]:
    """Everything that blocks saving: the draft's problems and transition rows not complete yet."""
    return state.draft_problems(jid, G) + tables.incomplete_problems(G, state.pending(jid))


def status(jid: str, G: nx.DiGraph, found: list[Problem]):
    """One line under the title: the journey's state, saved or unsaved (and what changed), Save and Discard.

    Returns the place under it for what Save has to say (:func:`save_when_asked`).
    """
    dirty = state.dirty(jid, G)
    changes = md(render(describe_diff(state.base(jid), G), lang())) if dirty else ""
    blocked = t("editor.save_blocked", count=len(found)) if found else t("app.author_needed") if not author() else None
    with st.container(horizontal=True, vertical_alignment="center"):
        st.badge(t(f"state.{G.graph['state']}"), color="blue" if G.graph["state"] == "as-is" else "violet")
        if dirty:
            st.badge(t("editor.unsaved"), icon=":material/edit:", color="orange")
            st.caption(changes, width="stretch")
        else:
            st.badge(t("editor.saved_version", version=state.base_version(jid)), icon=":material/check:", color="green")
            st.space("stretch")
        label = t("editor.save_as", name=md(author())) if author() else t("editor.save")
        st.button(
            label, type="primary", icon=":material/save:", disabled=not dirty or bool(blocked),
            key="editor.save", help=blocked if dirty else None, shortcut="Ctrl+S", on_click=save_now, args=(jid,),
        )  # fmt: skip
        discard_clicked = st.button(
            t("editor.discard"), icon=":material/undo:", disabled=not dirty, key="editor.discard"
        )
    notes = st.container()
    if discard_clicked:
        ask("editor.discard", jid)
    if confirm("editor.discard", jid, t("editor.discard_confirm", changes=changes), yes=t("editor.discard_yes")):
        state.start(jid, force=True)
        flash(t("editor.discarded"))
        st.rerun()
    if dirty and not author():
        require_author()
    return notes


@guarded
def save_now(jid: str) -> None:
    """Save's ``on_click``, before the page runs: the tables' edits sent with the click into the draft, then the
    draft saved, so that the page draws the saved journey in the same run.

    Where that cannot be done quietly (a table's edit the page must take or refuse, a problem, no author, a
    conflict), the page saves at the end of its run instead (:func:`save_when_asked`) and says what it must.
    """
    state.take_all_sent(jid)
    G = state.draft(jid)
    if state.holds_any_untaken(jid) or problems(jid, G) or not can("edit") or not valid_author():
        st.session_state[SAVING] = jid
        return
    write(jid, G, author())


def save_when_asked(jid: str, notes) -> None:
    """Save the draft where Save was clicked and :func:`save_now` left it to the page, at the end of the page's
    run: an edit typed into a table just before the click reaches the draft in the same run (the table is further
    down), and is saved too."""
    if st.session_state.get(SAVING) != jid:
        return
    del st.session_state[SAVING]
    G = state.draft(jid)
    with notes:
        save(jid, G, problems(jid, G))


def save(jid: str, G: nx.DiGraph, found: list[Problem]) -> None:
    if not allowed("edit"):  # access: checked where the write happens, not only by hiding the page
        return
    who = require_author()
    if who is None:
        return
    if found:
        st.error(t("editor.save_blocked", count=len(found)), icon=":material/block:")
        return
    write(jid, G, who)
    st.rerun()


def write(jid: str, G: nx.DiGraph, who: str) -> None:
    """Save the draft ``G`` as ``who``: the saved version becomes the draft's base, or the conflict is kept.

    Where others saved meanwhile, the store merges the draft's changes into their version; the draft then
    becomes the merged journey. A merge that leaves the journey with problems (each added a transition, say)
    brings their version into the draft instead, for the user to fix and save.
    """
    began = state.base_version(jid)
    try:
        with session() as s:
            version = store.save_journey(
                session=s, graph=G, expected_version=began, author=who, base=state.base(jid),
                lifetime=state.lifetime(jid),
            )  # fmt: skip
    except store.ConflictError as exc:
        remember_conflict(jid, exc, saving=True)
        return
    except store.JourneyNotFound:  # deleted for good meanwhile: the page's next run says so (ui.editor.state.start)
        return
    except JourneyInvalid:  # only the merge can make a draft without problems invalid
        bring_in_latest(jid, saving=False)
        flash(t("editor.merged_invalid"), icon=":material/error:")
        return
    state.rebase(jid, state.saved(jid, version), version)
    others = authors_between(jid, began, version - 1)
    if others:
        flash(t("editor.saved_merged", version=version, who=md(", ".join(others))))
    else:
        flash(t("editor.saved", version=version))


def authors_between(jid: str, after: int, upto: int) -> list[str]:
    """Who saved the versions after ``after`` up to ``upto``, each once, the first first."""
    if upto <= after:
        return []
    with session() as s:
        revisions = store.list_revisions(session=s, journey_id=jid)
    found = [r.author or "?" for r in sorted(revisions, key=lambda r: r.version) if after < r.version <= upto]
    return list(dict.fromkeys(found))


def bring_in_latest(jid: str, *, choose: dict[str, str] | None = None, saving: bool = False) -> bool:
    """Bring the latest version's changes into the draft, keeping the draft's own (``choose`` settling what both
    changed). True when done; False when both changed something differently, kept as the conflict to settle."""
    with session() as s:
        theirs, current = store.load_journey(session=s, journey_id=jid, lifetime=state.lifetime(jid))
    began = state.base_version(jid)
    result = merge(state.base(jid), state.draft(jid), theirs, choose=choose)
    if result.conflicts:
        known = {c["id"]: c["by"] for c in (state.conflict(jid) or {}).get("conflicts", [])}
        state.set_conflict(jid, {
            "current": current, "newer": [], "saving": saving,
            "conflicts": [_plain(c, known.get(c.id) or ", ".join(authors_between(jid, began, current))) for c in result.conflicts],
        })  # fmt: skip
        return False
    state.bring_in(jid, result.graph, current)
    return True


def _plain(conflict, by: str) -> dict:
    return {
        "id": conflict.id, "what": conflict.what, "key": conflict.key, "field": conflict.field,
        "mine": conflict.mine, "theirs": conflict.theirs, "by": by or conflict.by,
    }  # fmt: skip


def remember_conflict(jid: str, exc: store.ConflictError, *, saving: bool = False) -> None:
    """Keep what the conflict was about, as plain values, until the user resolves it."""
    newer = [
        {"version": r.version, "author": r.author, "at": r.created_at.isoformat(), "changes": r.changes}
        for r in exc.newer
    ]
    conflicts = [_plain(c, c.by) for c in exc.conflicts]
    state.set_conflict(jid, {"current": exc.current_version, "newer": newer, "conflicts": conflicts, "saving": saving})


def show_problems(G: nx.DiGraph, found: list[Problem]) -> None:
    """The problems of the draft as a list of where and what; saving waits until it is empty."""
    if not found:
        return
    with st.container(border=True):
        st.markdown(f":material/error: **{t('editor.problems', count=len(found))}**")
        rows = [
            {t("editor.col.where"): tables.with_names(G, p.where_in(lang())), t("editor.col.what"): p.what_in(lang())}
            for p in found
        ]
        st.dataframe(rows, hide_index=True, width="stretch", key="editor.problems")


def conflict_panel(jid: str, G: nx.DiGraph) -> None:
    """After a conflict: what both changed differently, each to settle as mine or theirs (everything else is
    merged); or, where there is nothing to merge with, who saved what meanwhile and the ways out."""
    info = state.conflict(jid)
    if not info:
        return
    if info.get("conflicts"):
        settle(jid, G, info)
        return
    lines = [
        t("editor.conflict_line", author=md(r["author"] or "?"), version=r["version"],
          at=when(datetime.fromisoformat(r["at"])), summary=md(render(r["changes"], lang())))
        for r in info["newer"]
    ] or [t("editor.conflict_gone")]  # fmt: skip
    row = conflict_screen(t("editor.conflict", version=state.base_version(jid), current=info["current"]), lines)
    ways_out(jid, G, row)


def ways_out(jid: str, G: nx.DiGraph, row) -> None:
    row.download_button(
        t("editor.download_draft"), data=interchange.dumps(G, exported_by=author()), mime="application/json",
        file_name=f"{slugify(G.graph['name']) or 'journey'}-draft.json", icon=":material/download:",
        key="editor.download_draft", on_click="ignore",
    )  # fmt: skip
    if row.button(t("editor.reload_latest"), icon=":material/refresh:", key="editor.reload"):
        state.start(jid, force=True)
        flash(t("editor.reloaded"))
        st.rerun()


def settle(jid: str, G: nx.DiGraph, info: dict) -> None:
    """Each field both changed differently, with both values and who made the other change: mine or theirs."""
    conflicts = info["conflicts"]
    choices = {}

    def choose() -> None:
        with st.container(border=True):
            for c in conflicts:
                mine, theirs = shown_value(c, c["mine"]), shown_value(c, c["theirs"])
                labels = {MINE: t("editor.conflict_mine", value=mine),
                          THEIRS: t("editor.conflict_theirs", who=md(c["by"] or "?"), value=theirs)}  # fmt: skip
                choices[c["id"]] = st.radio(
                    where(G, c), [MINE, THEIRS], format_func=labels.__getitem__, index=None, horizontal=True,
                    key=f"editor.conflict.{jid}.{c['id']}",
                )  # fmt: skip

    row = conflict_screen(t("editor.conflict_fields", count=len(conflicts), current=info["current"]), choices=choose)
    undecided = sum(choice is None for choice in choices.values())
    label = t("editor.conflict_save") if info.get("saving") else t("editor.conflict_take")
    if row.button(label, type="primary", icon=":material/merge:", key="editor.conflict_apply", disabled=bool(undecided),
                  help=t("editor.conflict_undecided", count=undecided) if undecided else None):  # fmt: skip
        if bring_in_latest(jid, choose=choices, saving=info.get("saving", False)):
            if info.get("saving") and can("edit") and valid_author():
                merged = state.draft(jid)
                if not problems(jid, merged):
                    write(jid, merged, author())
            else:
                flash(t("editor.brought_in"))
        st.rerun()
    ways_out(jid, G, row)


def where(G: nx.DiGraph, c: dict) -> str:
    """Where a conflict is, in words: the item (by its name in the draft) and the field. Markdown, escaped."""
    what, key, name = c["what"], c["key"], c["field"]
    if what == "journey" or name in ("", "order"):
        field = t(f"editor.conflict_field.{name or 'whole'}")
    else:
        field = t(f"where.field.{name}")
    if what == "journey":
        return field
    if what == "touchpoint" and name == "order":
        return t("editor.conflict_order")
    names = {k: d.get("name") or k for k, d in G.nodes(data=True)}
    whole = c["mine"] if isinstance(c["mine"], dict) else c["theirs"] if isinstance(c["theirs"], dict) else {}
    if what == "touchpoint" and key not in names and whole.get("name"):  # deleted in the draft: its name as kept
        names[key] = whole["name"]
    if what == "touchpoint":
        item = t("editor.conflict_item.touchpoint", name=md(names.get(key, key)))
    elif what == "transition" and name == "order":
        return t("editor.conflict_order_from", name=md(names.get(key, key)))
    elif what == "transition":
        source, target = key
        item = t("editor.conflict_item.transition", source=md(names.get(source, source)),
                 target=md(names.get(target, target)))  # fmt: skip
    else:
        items = {s["id"]: s.get("name") or s["id"] for s in G.graph.get(f"{what}s", [])}
        if name == "order":
            return t(f"editor.conflict_order_{what}")
        item = t(f"editor.conflict_item.{what}", name=md(items.get(key, key)))
    return f"{item} · {field}"


def shown_value(c: dict, value) -> str:
    """A value of a conflict in words, user text escaped."""
    if c["field"] in ("", "order") and c["what"] != "journey":
        if c["field"] == "order":
            return t("editor.conflict_moved")
        return t("editor.conflict_deleted") if value is None else t("editor.conflict_changed")
    if value is None or value == "" or value == [] or value == {}:
        return t("editor.conflict_empty")
    if isinstance(value, bool):
        return t("editor.conflict_yes") if value else t("editor.conflict_no")
    if isinstance(value, list):
        parts = [
            str(v.get("text") or v.get("name") or v.get("id") or "") if isinstance(v, dict) else str(v) for v in value
        ]
        return md("; ".join(parts))
    if isinstance(value, dict):
        return md(", ".join(f"{k}: {v}" for k, v in value.items()))
    if isinstance(value, float) and c["field"] == "share":
        return f"{value:.0%}"
    return md(str(value))
