"""Parts of the Journeys page: the journey table, and writing with feedback."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

import pandas as pd
import streamlit as st

import store
from journeys import i18n
from journeys.model.validation import JourneyInvalid, Problem
from ui.access import allowed
from ui.deps import lang, local_time, session, t
from ui.text import md

CLOSE_POPOVERS = "library.close_popovers"  # set by a successful write: the next run closes the popovers

NEEDS = {store.delete_journey: "delete", store.restore_journey: "restore", store.purge_journey: "purge"}  # else "edit"


def state_label(state: str) -> str:
    return t(f"state.{state}")


def naive(moment: datetime | None) -> datetime | None:
    """A time to show as it is: the table would otherwise show it in UTC."""
    return moment.replace(tzinfo=None) if moment else None


def _table(journeys: list[store.JourneyInfo], names: dict[str, str], columns: list[str]) -> tuple[pd.DataFrame, dict]:
    rows = [
        {
            "name": j.name,
            "personas": j.personas,
            "state": state_label(j.state),
            "stages": j.stages,
            "touchpoints": j.touchpoints,
            "updated": naive(local_time(j.updated_at)),
            "updated_by": j.updated_by,
            "source": names.get(j.source_id, t("library.source_gone")) if j.source_id else "",
            "deleted": naive(local_time(j.deleted_at)),
        }
        for j in journeys
    ]
    when = i18n.moment_format(lang())  # as journeys.i18n.datetime writes it, and still sorted as a time
    narrow = "source" in columns  # names and personas make room for the journey copied from
    config = {
        "name": st.column_config.TextColumn(t("library.col.name"), width=240 if narrow else 280),
        "personas": st.column_config.ListColumn(t("library.col.personas"), width=210 if narrow else 310),
        "state": st.column_config.TextColumn(t("library.col.state"), width=70),
        "stages": st.column_config.NumberColumn(t("library.col.stages"), width=65),
        "touchpoints": st.column_config.NumberColumn(t("library.col.touchpoints"), width=95),
        "updated": st.column_config.DatetimeColumn(t("library.col.updated"), format=when, width=140),
        "updated_by": st.column_config.TextColumn(t("library.col.updated_by"), width=105),
        "source": st.column_config.TextColumn(t("library.col.source")),
        "deleted": st.column_config.DatetimeColumn(t("library.col.deleted"), format=when, width=140),
    }
    return pd.DataFrame(rows, columns=list(config)), config


def journey_table(
    journeys: list[store.JourneyInfo], *, names: dict[str, str], columns: list[str], key: str
) -> store.JourneyInfo | None:
    """Show ``journeys`` as a table with single-row selection; return the selected journey.

    The selection is remembered by journey id. The widget key follows the rows shown, so
    when they change (a search, a rename, someone else's save) the selection is rebuilt
    from the id instead of pointing at whichever journey now sits at the old row number.
    """
    ids = [j.id for j in journeys]
    remembered = st.session_state.get(f"{key}.selected")
    default = {"selection": {"rows": [ids.index(remembered)]}} if remembered in ids else None
    if not any(j.source_id for j in journeys):  # no copies among them: no empty "copied from" column
        columns = [c for c in columns if c != "source"]
    frame, config = _table(journeys, names, columns)
    event = st.dataframe(
        frame,
        hide_index=True,
        column_order=columns,
        column_config=config,
        key=f"{key}.{hashlib.blake2s('|'.join(ids).encode(), digest_size=8).hexdigest()}",
        on_select="rerun",
        selection_mode="single-row",
        selection_default=default,
    )
    rows = [r for r in event.selection.rows if r < len(journeys)]
    picked = journeys[rows[0]] if rows else None
    st.session_state[f"{key}.selected"] = picked.id if picked else None
    return picked


def select(key: str, journey_id: str | None) -> None:
    """Make ``journey_id`` the selected row of table ``key`` from the next run on."""
    st.session_state[f"{key}.selected"] = journey_id


def show_problems(intro: str, problems: list[Problem]) -> None:
    """One error box listing every problem (where: what), user text escaped."""
    lines = [f"- **{md(p.where_in(lang()))}**: {md(p.what_in(lang()))}" for p in problems[:50]]
    if len(problems) > 50:
        lines.append(f"- … +{len(problems) - 50}")
    st.error("\n".join([intro, "", *lines]), icon=":material/error:")


def write(action: Callable, *, done: str, **kwargs) -> tuple[bool, object]:
    """Run one store action in a short session; toast ``done`` on success, show why not otherwise."""
    if not allowed(NEEDS.get(action, "edit")):  # access: checked where the write happens, not only in the UI
        return False, None
    try:
        with session() as s:
            result = action(session=s, **kwargs)
    except store.JourneyNotFound:
        st.error(t("library.gone"), icon=":material/error:")
        return False, None
    except store.ConflictError:
        st.error(t("library.conflict"), icon=":material/sync_problem:")
        return False, None
    except JourneyInvalid as exc:
        show_problems(t("library.invalid"), exc.problems)
        return False, None
    st.toast(done, icon=":material/check_circle:")
    st.session_state[CLOSE_POPOVERS] = True
    return True, result
