"""The Journeys page's other views: start a new journey, import a JSON file, the trash."""

from __future__ import annotations

import streamlit as st

import store
from journeys.io import foreign, interchange
from journeys.model.graph import STATES
from journeys.model.templates import STAGE_SETS, TEMPLATES, from_template
from journeys.model.validation import JourneyInvalid
from ui.access import allowed, can
from ui.deps import labels, lang, require_author, session, t, translated
from ui.journey import open_journey
from ui.library import journey_table, select, show_problems, write
from ui.text import md
from ui.widgets import ask, confirm

IMPORTED = "library.imported"  # (id, name, version) of the journey imported last, to offer opening it
PENDING = "library.import_pending"  # the uploaded file whose journey is already here, while asking what to do
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
    """Upload a journey as JSON, with the ratings, ideas, surveys and comments it carries, or as GraphML or the
    touchpoint table (CSV); every problem of a broken file is listed and nothing is saved. A file whose journey is already here asks first: a new journey or a new
    version of that one."""
    with st.container(border=True, width=720):
        upload = st.file_uploader(
            t("library.import_file"),
            type=[ending.removeprefix(".") for ending in foreign.KINDS],
            key=f"import.file.{st.session_state.get(UPLOADS, 0)}",
            max_upload_size=interchange.MAX_BYTES // 2**20,
            help=t("library.import_help", mb=interchange.MAX_BYTES // 2**20),
        )
        pending = st.session_state.get(PENDING)
        if pending is not None and (upload is None or pending["file"] != _file_of(upload)):
            del st.session_state[PENDING]  # another file, or none: ask about it anew
            pending = None
        if pending is not None:
            on_duplicate = _duplicate_choice(pending)
            if on_duplicate and allowed("edit") and (author := require_author()):
                _import(upload, author, on_duplicate, _read(upload))
        elif st.button(t("library.import_button"), type="primary", icon=":material/upload:", key="import.go"):
            if upload is None:
                st.info(t("library.import_choose"), icon=":material/upload_file:")
            elif allowed("edit") and (author := require_author()):
                _check_then_import(upload, author)
        if imported := st.session_state.get(IMPORTED):
            journey_id, name, version = imported
            done = t("library.replaced", name=md(name), version=version) if version > 1 else None
            st.success(done or t("library.imported", name=md(name)), icon=":material/check_circle:")
            if st.button(t("library.open_named", name=md(name)), icon=":material/edit_note:", key="import.open"):
                open_journey(journey_id)


def _file_of(upload) -> tuple:
    """What tells one uploaded file from another (a new upload of the same file too)."""
    return (getattr(upload, "file_id", None), upload.name, upload.size)


def _read(upload) -> tuple | None:
    """The uploaded file read (its journey and sections), or None with its problems shown."""
    try:
        return foreign.read_file(upload.name, upload.getvalue(), lang=lang())  # size, encoding, format, sections
    except (interchange.JourneyFormatError, JourneyInvalid) as exc:
        show_problems(t("library.import_failed", file=md(upload.name)), exc.problems)
        return None


def _check_then_import(upload, author: str) -> None:
    """Import the file, or, when a journey with its id is already here, ask what to do first."""
    read = _read(upload)
    if read is None:
        return
    graph = read[0]
    with session() as s:
        existing = store.existing_journey(session=s, journey_id=graph.graph.get("id", ""))
    if existing is None:
        _import(upload, author, "new", read)
        return
    st.session_state[PENDING] = {"file": _file_of(upload), "existing": existing, "name": graph.graph["name"]}
    st.rerun()


def _duplicate_choice(pending: dict) -> str | None:
    """Ask whether the file becomes a journey of its own or the next version of the one here; the choice once
    confirmed, else None."""
    st.warning(t("library.duplicate_found", name=md(pending["existing"])), icon=":material/content_copy:")
    new_name = store.imported_name(pending["name"], lang=lang())
    choices = {
        "new": t("library.on_duplicate.new", name=md(new_name)),
        "replace": t("library.on_duplicate.replace", name=md(pending["existing"])),
    }
    choice = st.radio(
        t("library.on_duplicate"),
        list(choices),
        format_func=choices.get,
        key="import.duplicate",
        help=t("library.on_duplicate_help"),
    )
    with st.container(horizontal=True):
        go = st.button(t("library.import_confirm"), type="primary", icon=":material/upload:", key="import.confirm")
        if st.button(t("library.import_cancel"), key="import.cancel"):
            st.session_state.pop(PENDING, None)
            st.rerun()
    return choice if go else None


def _import(upload, author: str, on_duplicate: str, read: tuple | None) -> None:
    """Store the file's journey with all it holds (``read``: the file read, None when it could not be), all or
    nothing; say what happened."""
    if read is None:
        return
    graph, sections = read
    try:
        with session() as s:
            journey_id = store.store_journey_whole(
                session=s, graph=graph, sections=sections, author=author, on_duplicate=on_duplicate, lang=lang()
            )
            name = store.existing_journey(session=s, journey_id=journey_id)
            version = store.current_version(session=s, journey_id=journey_id)
    except (interchange.JourneyFormatError, JourneyInvalid) as exc:
        show_problems(t("library.import_failed", file=md(upload.name)), exc.problems)
        return
    st.session_state.pop(PENDING, None)
    st.session_state[IMPORTED] = (journey_id, name, version)
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
    st.toast(t("library.imported", name=md(name)), icon=":material/check_circle:")
    st.rerun()


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
