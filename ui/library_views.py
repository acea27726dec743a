"""The Journeys page's other views: start a new journey, import a JSON file, the trash."""

from __future__ import annotations

import streamlit as st

import store
from journeys.io import interchange
from journeys.model.graph import STATES
from journeys.model.templates import STAGE_SETS, TEMPLATES, from_template
from journeys.model.validation import JourneyInvalid
from ui.access import allowed, can
from ui.deps import labels, lang, require_author, session, t, translated
from ui.journey import open_journey
from ui.library import journey_table, select, show_problems, write
from ui.text import md
from ui.widgets import ask, confirm

IMPORTED = "library.imported"  # (id, name) of the journey imported last, to offer opening it
UPLOADS = "library.uploads"  # bumped after an import so that the uploader starts empty


def create_view() -> None:
    """Name, starting point and state of a new journey; created and opened on one click."""
    with st.container(border=True, width=720):
        name = st.text_input(
            t("library.name"), key="new.name", max_chars=200, placeholder=t("library.name_placeholder")
        )
        start = st.selectbox(
            t("library.start_from"),
            ["blank", *TEMPLATES],
            format_func=labels("template", ["blank", *TEMPLATES]).get,
            key=translated("new.start"),
        )
        stage_set = "lifecycle"
        if start == "blank":
            stage_set = st.selectbox(
                t("library.stage_set"),
                list(STAGE_SETS),
                format_func=labels("stageset", STAGE_SETS).get,
                key=translated("new.stages"),
            )
        state = st.segmented_control(
            t("library.state"),
            STATES,
            format_func=labels("state", STATES).get,
            default=STATES[0],
            required=True,
            key="new.state",
        )
        if not st.button(t("library.create_button"), type="primary", icon=":material/add:", key="new.create"):
            return
        if not name.strip():
            st.error(t("library.name_needed"), icon=":material/edit:")
            return
        if not (author := require_author()):
            return
        graph = from_template(start, name=name.strip(), lang=lang(), stage_set=stage_set)
        graph.graph["state"] = state
        ok, journey_id = write(
            store.create_journey, done=t("library.created", name=md(name.strip())), graph=graph, author=author
        )
    if ok:
        open_journey(journey_id)


def import_view() -> None:
    """Upload a journey as JSON, with the comments it carries; every problem of a broken file is listed and nothing
    is saved."""
    with st.container(border=True, width=720):
        upload = st.file_uploader(
            t("library.import_file"),
            type=["json"],
            key=f"import.file.{st.session_state.get(UPLOADS, 0)}",
            max_upload_size=interchange.MAX_BYTES // 2**20,
            help=t("library.import_help", mb=interchange.MAX_BYTES // 2**20),
        )
        go = st.button(t("library.import_button"), type="primary", icon=":material/upload:", key="import.go")
        if go and upload is None:
            st.info(t("library.import_choose"), icon=":material/upload_file:")
        elif go and allowed("edit") and (author := require_author()):
            try:
                # checks size, encoding, format and content, the comments too
                graph, threads = interchange.loads_with_comments(upload.getvalue())
                with session() as s:
                    journey_id = store.create_journey_with_comments(
                        session=s, graph=graph, threads=threads, author=author
                    )
            except (interchange.JourneyFormatError, JourneyInvalid) as exc:
                show_problems(t("library.import_failed", file=md(upload.name)), exc.problems)
            else:
                name = graph.graph["name"]
                st.session_state[IMPORTED] = (journey_id, name)
                st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
                st.toast(t("library.imported", name=md(name)), icon=":material/check_circle:")
                st.rerun()
        if imported := st.session_state.get(IMPORTED):
            journey_id, name = imported
            st.success(t("library.imported", name=md(name)), icon=":material/check_circle:")
            if st.button(t("library.open_named", name=md(name)), icon=":material/edit_note:", key="import.open"):
                open_journey(journey_id)


def trash_view(trash: list[store.JourneyInfo], names: dict[str, str]) -> None:
    """Deleted journeys, to restore or to delete for good (after a confirmation)."""
    if not trash:
        st.info(t("library.trash_empty"), icon=":material/delete:")
        return
    columns = ["name", "personas", "state", "touchpoints", "deleted", "source"]
    picked = journey_table(trash, names=names, columns=columns, key="trash")
    if not can("restore"):  # access: restoring and deleting for good are for admins
        st.caption(t("access.trash_admins"))
        return
    if picked is None:
        st.caption(t("library.trash_hint"))
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{md(picked.name)}**")
        restore = st.button(
            t("library.restore"), type="primary", icon=":material/restore_from_trash:", key="trash.restore"
        )
        purge = st.button(t("library.purge"), icon=":material/delete_forever:", key="trash.purge")
    if restore and require_author():
        ok, _ = write(store.restore_journey, done=t("library.restored", name=md(picked.name)), journey_id=picked.id)
        if ok:
            select("trash", None)
            select("list", picked.id)
            st.rerun()
    if purge and require_author():
        ask("purge", picked.id)
    question = t("library.confirm_purge", name=md(picked.name))
    if confirm("purge", picked.id, question, yes=t("library.purge")) and require_author():
        ok, _ = write(store.purge_journey, done=t("library.purged", name=md(picked.name)), journey_id=picked.id)
        if ok:
            select("trash", None)
            st.rerun()
