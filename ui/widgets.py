"""Widgets more than one page uses: the one confirmation, the one conflict screen, the weakness weights,
a chart drawn once per what it shows, a table's numbers in the user's language, and a toast that survives
a rerun."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from journeys import i18n
from journeys.analysis.scoring import Weights
from ui.deps import lang, t

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

FLASH = "flash"  # a message for the next run: a toast survives no st.rerun()
CONFIRM = "confirm"  # (action, subject) while a confirmation is open


def ask(action: str, subject: object) -> None:
    """Open the confirmation of ``action`` on ``subject`` (a journey's id, an idea's, a version …).

    It shows where the page calls :func:`confirm` for the same action and subject; one
    confirmation is open at a time.
    """
    st.session_state[CONFIRM] = (action, subject)


def conflict_screen(message: str, changes: list[str] = (), *, choices: Callable[[], None] | None = None):
    """The one conflict screen: someone else saved first, so nothing of this user's was written.

    Shows ``message`` (what happened) and the ``changes`` saved meanwhile (who, when,
    what; Markdown, user text escaped) in one box, then what ``choices`` draws (the choice
    for each clash), and returns the row in which the page offers its ways out (keep mine,
    take theirs, download mine …). The user's input stays where it is until they choose.
    """
    st.error("\n".join([message, "", *(f"- {change}" for change in changes)]), icon=":material/sync_problem:")
    if choices is not None:
        choices()
    return st.container(horizontal=True)


def confirm(action: str, subject: object, question: str, *, yes: str, no: str | None = None) -> bool:
    """Ask ``question`` once :func:`ask` opened it; True when the user agrees (the question then closes).

    The one confirmation of the workbench, for everything that cannot be undone in one
    click: deleting, discarding unsaved changes, restoring an old version. It is kept open
    by a flag in session state and shown in place, which works in the browser and under
    AppTest alike (a click inside ``st.dialog`` opened by a button is lost under AppTest).
    ``question`` is Markdown: user text in it goes through :func:`ui.text.md`. The
    buttons' keys are ``f"{action}.yes"`` and ``f"{action}.cancel"``.
    """
    if st.session_state.get(CONFIRM) != (action, subject):
        return False
    with st.container(border=True):
        st.warning(question, icon=":material/warning:")
        with st.container(horizontal=True):
            agreed = st.button(yes, type="primary", key=f"{action}.yes")
            if st.button(no or t("confirm.cancel"), key=f"{action}.cancel"):
                st.session_state.pop(CONFIRM, None)
                st.rerun()
    if agreed:
        st.session_state.pop(CONFIRM, None)
    return agreed


WEIGHTS = ("dvf", "gap", "pain", "emotion", "moment_of_truth")


def weights_panel(key: str) -> Weights:
    """Sliders for the weakness weights (docs/scoring.md), in an expander; returns the Weights.

    The sliders are drawn only while the expander is open (it reruns the page when opened
    or closed). The weights live in plain session keys ``f"{key}.{name}"``, so they stay
    while the expander is closed and when the user visits another page.
    """
    default, state = Weights(), st.session_state
    panel = st.expander(t("weights.title"), icon=":material/tune:", key=f"{key}.open", on_change="rerun")
    if panel.open:
        with panel:
            st.caption(t("weights.help"))
            for column, name in zip(st.columns(5), WEIGHTS, strict=True):
                kept = f"{key}.{name}"  # a slider starts from the kept weight each time the expander opens
                value = state.get(kept, getattr(default, name))
                state[kept] = column.slider(t(f"weights.{name}"), 0.0, 1.0, value, 0.05, key=f"{kept}.slider")
    try:
        return Weights(**{name: state.get(f"{key}.{name}", getattr(default, name)) for name in WEIGHTS})
    except ValueError as exc:
        st.warning(str(exc))
        return default


def flash(text: str, icon: str = ":material/check_circle:") -> None:
    """Show ``text`` as a toast on the next run (after ``st.rerun()``)."""
    st.session_state[FLASH] = (text, icon)


def show_flash() -> None:
    if message := st.session_state.pop(FLASH, None):
        st.toast(message[0], icon=message[1])


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)  # a map of 2,000 touchpoints holds ~5 MB
def _figure(name: str, of: tuple, _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def chart(name: str, of: tuple, build: Callable[[], go.Figure], /, **options):
    """``st.plotly_chart(build(), **options)``, the figure built once per ``(name, of)`` and then reused.

    ``of`` must name everything the figure shows (journey and version or draft, language,
    options). The figure is shared by all sessions: ``st.plotly_chart`` only reads it,
    and nothing else may change it.
    """
    return plot(_figure(name, of, build), **options)


def plot(figure: go.Figure, /, **options):
    """``st.plotly_chart`` with the figure's own colours (``theme=None``): every figure sets its template, a
    light card that reads the same in the light and the dark theme. Streamlit's theme would set the text
    in the dark theme's light colours on that card, where it all but disappears.

    A figure that names its ``readable_width`` (``layout.meta``, the journey map) is never drawn narrower:
    on a narrower page it scrolls sideways, where squeezed its labels would lie over each other.
    """
    meta = figure.layout.meta
    narrowest = meta.get("readable_width") if isinstance(meta, dict) else None
    if not narrowest:
        return st.plotly_chart(figure, theme=None, **options)
    box = "sideways-" + "".join(c if c.isalnum() else "-" for c in str(options.get("key", "chart")))
    st.html(
        f"<style>.st-key-{box} {{ overflow-x: auto }} .st-key-{box} > div {{ min-width: {int(narrowest)}px }}</style>"
    )
    with st.container(key=box):
        return st.plotly_chart(figure, theme=None, **options)


def numbers(frame: pd.DataFrame, digits: dict[str, int] | None = None, *, places: int | None = 2) -> Styler:
    """``frame`` for ``st.dataframe`` with its decimal numbers written as the user's language writes them
    (``1,92`` in German), ``digits[column]`` decimals where given, else ``places`` (None: as many as a number
    has). Weakness, severity and flow read with two decimals wherever they are shown.

    Streamlit shows a table's numbers the browser's way, whatever language the page speaks;
    a Styler's display values take their place, while the cells stay numbers, so that a
    column still sorts by value.
    """
    language, digits = lang(), digits or {}

    def written(places: int | None) -> Callable:
        return lambda value: "" if pd.isna(value) else i18n.number(value, language, places)

    decimal = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    return frame.style.format({c: written(digits.get(c, places)) for c in decimal})
