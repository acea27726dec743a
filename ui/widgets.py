"""Widgets more than one page uses: the weakness weights, a toast that survives a rerun, a confirmation."""

from __future__ import annotations

import streamlit as st

from journeys.analysis.scoring import Weights
from ui.deps import t

FLASH = "flash"  # a message for the next run: a toast survives no st.rerun()

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
