"""Journeys: every journey at a glance, to open, start, copy, rename, import or delete."""

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

import streamlit as st

import store
from journeys.model.graph import STATES
from ui import frame
from ui.access import can, open_note
from ui.comments import mentions_of_me
from ui.deps import author, labels, require_author, session, t
from ui.journey import open_journey
from ui.library import CLOSE_POPOVERS, journey_table, select, state_label, write
from ui.library_views import create_view, import_view, trash_view
from ui.text import md
from ui.widgets import ask, confirm

LIST_COLUMNS = ["name", "personas", "state", "stages", "touchpoints", "updated", "updated_by", "source"]


def actions(picked: store.JourneyInfo) -> None:
    """What can be done with the selected journey: open, duplicate, rename, delete."""
    if st.session_state.pop(CLOSE_POPOVERS, False):  # the last write is done: close the popover it came from
        st.session_state.update({"copy.popover": False, "rename.popover": False})
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{md(picked.name)}**")
        label, page = (t("library.open"), "editor") if can("edit") else (t("access.open_review"), "review")  # access
        if st.button(label, type="primary", icon=":material/edit_note:", key="open"):
            open_journey(picked.id, f"pages/{page}.py")
        if not can("edit"):  # access: a viewer looks, reviews and exports
            st.caption(t("access.read_only"))
            return
        with st.popover(t("library.duplicate"), icon=":material/content_copy:", key="copy.popover", on_change="rerun"):
            target = st.segmented_control(
                t("library.copy_state"),
                STATES,
                format_func=labels("state", STATES).get,
                default="to-be" if picked.state == "as-is" else "as-is",
                required=True,
                key=f"copy.state.{picked.id}",
            )
            default = f"{picked.name} ({state_label(target)})"
            name = st.text_input(
                t("library.copy_name"), value=default, key=f"copy.name.{picked.id}.{target}", width=420
            )
            if st.button(t("library.copy_button"), type="primary", key="copy.go") and (author := require_author()):
                name = name.strip() or default
                done = t("library.copied", name=md(name))
                ok, copy = write(
                    store.duplicate_journey, done=done, journey_id=picked.id, author=author, name=name, state=target
                )
                if ok:
                    select("list", copy)
                    st.rerun()
        with st.popover(t("library.rename"), icon=":material/edit:", key="rename.popover", on_change="rerun"):
            name = st.text_input(
                t("library.new_name"), value=picked.name, key=f"rename.{picked.id}", max_chars=200, width=420
            )
            if st.button(t("library.rename_button"), type="primary", key="rename.go"):
                if not name.strip():
                    st.error(t("library.name_needed"), icon=":material/edit:")
                elif author := require_author():
                    done = t("library.renamed", name=md(name.strip()))
                    ok, _ = write(store.rename_journey, done=done, journey_id=picked.id, name=name, author=author)
                    if ok:
                        st.rerun()
        delete = can("delete") and st.button(t("library.delete"), icon=":material/delete:", key="delete")
    if delete and require_author():
        ask("delete", picked.id)
    question = t("library.confirm_delete", name=md(picked.name))
    if confirm("delete", picked.id, question, yes=t("library.move_to_trash")) and (author := require_author()):
        ok, _ = write(
            store.delete_journey,
            done=t("library.deleted", name=md(picked.name)),
            journey_id=picked.id,
            author=author,
        )
        if ok:
            select("list", None)
            st.rerun()


def list_view(journeys: list[store.JourneyInfo], names: dict[str, str]) -> None:
    """The journeys, filtered by a search and by state, with the actions on the selected one."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        search = st.text_input(
            t("library.search"),
            key="library.search",
            type="search",
            live=True,
            icon=":material/search:",
            placeholder=t("library.search_placeholder"),
            width=420,
            persist_state="session",
        )
        state = st.segmented_control(
            t("library.state"),
            ["all", *STATES],
            format_func={"all": t("library.state_all"), **labels("state", STATES)}.get,
            default="all",
            required=True,
            key="library.state",
            persist_state="session",
        )
    if search.strip():
        with session() as s:
            journeys = store.list_journeys(session=s, search=search.strip())
    shown = [j for j in journeys if state == "all" or j.state == state]
    if not shown:
        filtered = search.strip() or state != "all"
        st.info(t("library.no_match") if filtered else t("library.empty"), icon=":material/search_off:")
        return
    picked = journey_table(shown, names=names, columns=LIST_COLUMNS, key="list")
    if picked is None:
        st.caption(t("library.select_hint"))
    else:
        actions(picked)


frame.page("review")
st.title(t("library.title"))
st.caption(t("library.intro"))
with session() as s:
    journeys = store.list_journeys(session=s)
    trash = store.list_journeys(session=s, trash=True)
    mentions = store.mentions_of(session=s, name=author())
names = {j.id: j.name for j in [*journeys, *trash]}  # for "copied from", also when the source is in the trash
views = {
    "list": f":material/route: {t('library.view.list', n=len(journeys))}",
    "create": f":material/add: {t('library.view.create')}",
    "import": f":material/upload_file: {t('library.view.import')}",
    "trash": f":material/delete: {t('library.view.trash', n=len(trash))}",
    "mentions": f":material/alternate_email: {t('library.view.mentions', n=len(mentions))}",
}
if not can("edit"):  # access: a viewer neither creates nor imports
    del views["create"], views["import"]
view = st.segmented_control(
    t("library.view"),
    list(views),
    format_func=views.get,
    default="list",
    required=True,
    key="library.view",
    label_visibility="collapsed",
)
if view == "create":
    create_view()
elif view == "import":
    import_view()
elif view == "trash":
    trash_view(trash, names)
elif view == "mentions":
    mentions_of_me(author(), mentions)
else:
    list_view(journeys, names)
open_note()
