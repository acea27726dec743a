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
from ui.deps import labels, lang, require_author, session, t, translated
from ui.editor.state import NO_EDITS, out_of_sight, refuse_cells, sent_edits, unbounded, untaken
from ui.text import md
from ui.widgets import flash, numbers

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
        "unsaved": "scoring.unsaved",
    },
    "idea": {
        "column": "ideas.idea",
        "save": "ideas.rate_save",
        "saved": "ideas.rate_saved",
        "team": "ideas.progress_team",
        "mine": "ideas.progress_mine",
        "missing": "ideas.missing",
        "unsaved": None,  # one table holds them all: the Save button counts them
    },
}


def rater_controls() -> tuple[str | None, str]:
    """The rater (the author, asked for where missing) and their discipline."""
    rater = require_author()
    discipline = st.selectbox(
        t("scoring.discipline"),
        DISCIPLINES,
        format_func=labels("discipline", DISCIPLINES).get,
        key=translated(DISCIPLINE),
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
    *,
    journey_id: str,
    names: dict,
    ratings: list[dict],
    rater: str,
    discipline: str,
    by: str,
    key: str,
    part: str = "",
    where: dict | None = None,
) -> None:
    """This rater's table of the subjects ``names`` (key → name), and a Save button for all their unsaved scores.

    A page may show its subjects in several tables, one at a time (a stage each): ``key`` names the page's
    tables, ``part`` this one, and ``where`` maps every subject to the name of its table (None: one table
    holds them all). Scores typed and not saved yet are kept, per rater, in plain session state: they show
    again when their table comes back, the page says how many there are and where, and Save saves them all.
    A table keeps its editor while only it changes its unsaved scores, so that no typing is lost to a rerun.
    """
    words = TEXTS[by]
    where = {k: "" for k in names} if where is None else where
    mine = {r[by]: r for r in ratings if r["rater"] == rater}
    unsaved = {k: v for k, v in _unsaved(key, rater).items() if k in where}  # a subject deleted meanwhile: gone
    for other, table in list(st.session_state.get(f"{key}.tables", {}).items()):
        if other != part and untaken(table["key"], table["taken"]):  # typed into and left at once: its last edit
            with out_of_sight():
                unsaved, _ = _score_table(key, other, table["names"], mine, unsaved, rater, words)
    unsaved, refused = _score_table(key, part, names, mine, unsaved, rater, words)
    if unsaved and words["unsaved"]:  # how many, and where: some may be in tables not shown now
        parts = ", ".join(md(p) for p in dict.fromkeys(where[k] for k in where if k in unsaved))
        st.caption(t(words["unsaved"], count=len(unsaved), parts=parts), width="stretch")
    save = st.button(
        t(words["save"], n=len(unsaved)),
        type="primary",
        disabled=not unsaved or refused,
        icon=":material/save:",
        key=f"{key}.save",
    )
    if save and allowed("score"):  # access: checked where the write happens, not only by hiding the page
        try:
            with session() as s:
                analysis.save_ratings(
                    session=s, journey_id=journey_id, rater=rater, discipline=discipline, scores=unsaved, subject=by
                )
        except analysis.RatingInvalid as exc:
            st.error(t("scoring.invalid", problem=md(exc.text(lang()))), icon=":material/error:")
        else:
            st.session_state[f"{key}.unsaved"][rater] = {}
            st.session_state.pop(f"{key}.tables", None)  # every table anew, from the saved scores
            flash(t(words["saved"], count=len(unsaved)), ":material/check:")  # a toast does not outlive the rerun
            st.rerun()


def _score_table(key: str, part: str, names: dict, mine: dict, unsaved: dict, rater: str, words: dict):
    """The table ``part`` of the subjects ``names``: this rater's saved scores (``mine``) with the ones not saved
    yet, edited. Returns the unsaved scores of all tables with this one's edits in, and whether a cell is
    refused (then nothing of this table's edit is taken)."""
    table = _table(key, part, names, {k: v for k, v in unsaved.items() if k in names})
    before = my_frame(names, mine)
    score = st.column_config.NumberColumn(min_value=1, max_value=5, step=1, format="%d")
    config = {
        "name": t(words["column"]),
        "comment": t("scoring.comment"),
        **{lens: {**score, "label": t(f"lens.{lens}"), "help": t(f"scoring.help.{lens}")} for lens in LENSES},
    }
    after = st.data_editor(
        my_frame(names, mine | table["shown"]), key=table["key"], placeholder="–", hide_index=True, width="stretch",
        disabled=["name"], column_config=unbounded(config),
    )  # fmt: skip
    # text or 2.5 would reach us as an empty score or 2: refuse the edit instead, next to the table
    if refuse_cells(table["key"], config, rows=len(before)):
        return unsaved, True
    kept = st.session_state.setdefault(f"{key}.unsaved", {})
    taken, result = sent_edits(table["key"]), changed_scores(before, after)
    unsaved = {k: v for k, v in unsaved.items() if k not in names} | result
    # the table's note of what it holds and the unsaved scores change together: Streamlit may stop a run at
    # any read or write of session state, and a stop between the two would lose the edit
    table.update(result=result, taken=taken)
    kept[rater] = unsaved
    return unsaved, False


def _unsaved(key: str, rater: str) -> dict:
    """The scores ``rater`` typed into the tables ``key`` and did not save yet: subject → scores and comment."""
    return st.session_state.get(f"{key}.unsaved", {}).get(rater, {})


def _table(key: str, part: str, names: dict, unsaved: dict) -> dict:
    """The table ``part`` of the tables ``key``: its widget key, its subjects (``names``), the unsaved scores it
    was created with (``shown``), the ones it left (``result``) and the edits they hold (``taken``). Created
    anew (a new key) where it was not shown in the last run or its unsaved scores changed elsewhere (Save)."""
    tables = st.session_state.setdefault(f"{key}.tables", {})
    table = tables.get(part)
    if table is None or table["key"] not in st.session_state or table["result"] != unsaved:
        n = st.session_state[f"{key}.nonce"] = st.session_state.get(f"{key}.nonce", 0) + 1
        table = {"key": f"{key}.{part}.{n}" if part else f"{key}.{n}", "names": names, "shown": unsaved}
        tables[part] = table | {"result": unsaved, "taken": NO_EDITS}
    return tables[part]


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
