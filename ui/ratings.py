"""The ratings widget: one rater scores touchpoints or ideas on desirable / viable / feasible.

The Scoring page (touchpoints) and the Ideas page (ideas) use the same code: the rater's
name and discipline, a table of this rater's own scores saved on an explicit click (cells
out of range are refused next to the table), the team's progress, and the consensus
(median) with the spread. What is rated is ``by``: ``"touchpoint"`` or ``"idea"``; the
subjects come in as an ordered mapping of key → name.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys.analysis.scoring import DISCIPLINES, LENSES, consensus
from store import analysis
from ui.access import allowed
from ui.deps import labels, lang, require_author, session, t
from ui.editor.state import refuse_cells, unbounded
from ui.text import md
from ui.widgets import numbers

__all__ = [
    "DISCIPLINE",
    "rater_controls",
    "my_frame",
    "changed_scores",
    "progress",
    "score_editor",
    "consensus_table",
]

DISCIPLINE = "discipline"  # one discipline per person, the same on both pages
TEXTS = {  # what is rated → the keys of its words
    "touchpoint": {
        "column": "scoring.touchpoint",
        "save": "scoring.save",
        "saved": "scoring.saved",
        "team": "scoring.progress_team",
        "mine": "scoring.progress_mine",
        "missing": "scoring.missing",
    },
    "idea": {
        "column": "ideas.idea",
        "save": "ideas.rate_save",
        "saved": "ideas.rate_saved",
        "team": "ideas.progress_team",
        "mine": "ideas.progress_mine",
        "missing": "ideas.missing",
    },
}


def rater_controls() -> tuple[str | None, str]:
    """The rater (the author, asked for where missing) and their discipline."""
    rater = require_author()
    discipline = st.selectbox(
        t("scoring.discipline"),
        DISCIPLINES,
        format_func=labels("discipline", DISCIPLINES).get,
        key=DISCIPLINE,
        persist_state="session",
    )
    return rater, discipline


def my_frame(names: dict, mine: dict) -> pd.DataFrame:
    """This rater's scores of the subjects ``names`` (key → name), blank where not scored yet."""
    rows = [
        {
            "name": name,
            **{lens: mine.get(k, {}).get(lens) for lens in LENSES},
            "comment": mine.get(k, {}).get("comment", ""),
        }
        for k, name in names.items()
    ]
    frame = pd.DataFrame(rows, index=list(names), columns=["name", *LENSES, "comment"])
    return frame.astype({lens: "Int64" for lens in LENSES} | {"comment": "string"})


def _same(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return a == b


def changed_scores(before: pd.DataFrame, after: pd.DataFrame) -> dict:
    """The rows the rater changed, as plain values for the store."""
    scores = {}
    for key in after.index:
        new, old = after.loc[key], before.loc[key]
        if not all(_same(new[c], old[c]) for c in [*LENSES, "comment"]):
            values = {lens: None if pd.isna(new[lens]) else int(new[lens]) for lens in LENSES}
            plain = key.item() if hasattr(key, "item") else key  # an idea's id, not numpy's int64
            scores[plain] = values | {"comment": "" if pd.isna(new["comment"]) else str(new["comment"])}
    return scores


def progress(names: dict, ratings: list[dict], rater: str, *, by: str = "touchpoint") -> None:
    """How many subjects the team and this rater have scored, and which still lack scores."""
    words = TEXTS[by]
    scored = {r[by] for r in ratings if any(r[lens] is not None for lens in LENSES)}
    mine = {r[by] for r in ratings if r["rater"] == rater}
    total = len(names) or 1
    left, right = st.columns(2)
    left.progress(min(1.0, len(scored) / total), text=t(words["team"], scored=len(scored & set(names)), count=total))
    right.progress(min(1.0, len(mine) / total), text=t(words["mine"], scored=len(mine & set(names)), total=total))
    missing = [name for k, name in names.items() if k not in scored]
    if missing:
        st.caption(t(words["missing"], names=", ".join(md(n) for n in missing)))


def score_editor(
    *, journey_id: str, names: dict, ratings: list[dict], rater: str, discipline: str, by: str, key: str, nonce_key: str
) -> None:
    """This rater's table of ``names`` with a Save button; ``key`` + the nonce names the table widget."""
    words = TEXTS[by]
    mine = {r[by]: r for r in ratings if r["rater"] == rater}
    before = my_frame(names, mine)
    nonce = st.session_state.get(nonce_key, 0)
    score = st.column_config.NumberColumn(min_value=1, max_value=5, step=1, format="%d")
    table = f"{key}.{nonce}"
    config = {
        "name": t(words["column"]),
        "comment": t("scoring.comment"),
        **{lens: {**score, "label": t(f"lens.{lens}"), "help": t(f"scoring.help.{lens}")} for lens in LENSES},
    }
    after = st.data_editor(
        before, key=table, placeholder="–", hide_index=True, width="stretch", disabled=["name"],
        column_config=unbounded(config),
    )  # fmt: skip
    # text or 2.5 would reach us as an empty score or 2: refuse the edit instead, next to the table
    changes = {} if refuse_cells(table, config, rows=len(before)) else changed_scores(before, after)
    save = st.button(
        t(words["save"], n=len(changes)),
        type="primary",
        disabled=not changes,
        icon=":material/save:",
        key=f"{key}.save",
    )
    if save and allowed("score"):  # access: checked where the write happens, not only by hiding the page
        try:
            with session() as s:
                analysis.save_ratings(
                    session=s, journey_id=journey_id, rater=rater, discipline=discipline, scores=changes, subject=by
                )
        except analysis.RatingInvalid as exc:
            st.error(t("scoring.invalid", problem=md(exc.text(lang()))), icon=":material/error:")
        else:
            st.session_state[nonce_key] = nonce + 1
            st.toast(t(words["saved"], count=len(changes)), icon=":material/check:")
            st.rerun()


def _number(value) -> float:
    """A cell of a number column: NaN where nobody scored (shown empty, not as "None")."""
    return float("nan") if value is None else float(value)


def consensus_table(names: dict, ratings: list[dict], weighted: bool, *, by: str = "touchpoint") -> None:
    """Median and spread per subject and lens, the number of raters, and ⚠ where they disagree."""
    result = consensus(ratings, weighted=weighted, by=by)
    rows = []
    for key, name in names.items():
        lenses = result.get(key, {})
        row = {t(TEXTS[by]["column"]): name}
        for lens in LENSES:
            row[t(f"lens.{lens}")] = _number(lenses.get(lens, {}).get("median"))
            row[f"± {t(f'lens.{lens}')}"] = _number(lenses.get(lens, {}).get("spread"))
        row[t("scoring.raters")] = max((v["n"] for v in lenses.values()), default=0)
        spread = max((v["spread"] for v in lenses.values()), default=0)
        row[t("scoring.disagree")] = "⚠" if spread >= 3 else ""
        rows.append(row)
    spreads = {f"± {t(f'lens.{lens}')}": 0 for lens in LENSES}  # scores are whole numbers, so are their spreads
    st.dataframe(numbers(pd.DataFrame(rows), spreads, places=1), hide_index=True, width="stretch")
    st.caption(t("scoring.consensus_help"))
