"""Scoring: each participant scores touchpoints on desirable / viable / feasible, a stage at a time."""

import pandas as pd
import streamlit as st

from journeys.graph import touchpoints_in_order
from journeys.scoring import DISCIPLINES, LENSES, consensus
from pages._access import allowed
from pages._deps import journey_picker, load, require_author, session, t
from pages._editor_state import refuse_cells
from store import analysis

DISCIPLINE = "discipline"


def my_frame(G, keys, mine: dict) -> pd.DataFrame:
    """This rater's scores of ``keys``, blank where not scored yet."""
    rows = [
        {
            "touchpoint": G.nodes[k]["name"],
            **{lens: mine.get(k, {}).get(lens) for lens in LENSES},
            "comment": mine.get(k, {}).get("comment", ""),
        }
        for k in keys
    ]
    frame = pd.DataFrame(rows, index=keys, columns=["touchpoint", *LENSES, "comment"])
    return frame.astype({lens: "Int64" for lens in LENSES} | {"comment": "string"})


def _same(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return a == b


def changed_scores(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, dict]:
    """The rows the rater changed, as plain values for the store."""
    scores = {}
    for key in after.index:
        new, old = after.loc[key], before.loc[key]
        if not all(_same(new[c], old[c]) for c in [*LENSES, "comment"]):
            values = {lens: None if pd.isna(new[lens]) else int(new[lens]) for lens in LENSES}
            scores[key] = values | {"comment": "" if pd.isna(new["comment"]) else str(new["comment"])}
    return scores


def progress(G, ratings: list[dict], rater: str) -> None:
    scored = {r["touchpoint"] for r in ratings if any(r[lens] is not None for lens in LENSES)}
    mine = {r["touchpoint"] for r in ratings if r["rater"] == rater}
    total = G.number_of_nodes() or 1
    left, right = st.columns(2)
    left.progress(len(scored) / total, text=t("scoring.progress_team", scored=len(scored), total=total))
    right.progress(len(mine) / total, text=t("scoring.progress_mine", scored=len(mine), total=total))
    missing = [G.nodes[k]["name"] for k in touchpoints_in_order(G) if k not in scored]
    if missing:
        st.caption(t("scoring.missing", names=", ".join(missing)))


def consensus_table(G, ratings: list[dict], weighted: bool) -> None:
    result = consensus(ratings, weighted=weighted)
    rows = []
    for key in touchpoints_in_order(G):
        lenses = result.get(key, {})
        row = {t("scoring.touchpoint"): G.nodes[key]["name"]}
        for lens in LENSES:
            row[t(f"lens.{lens}")] = lenses.get(lens, {}).get("median")
            row[f"± {t(f'lens.{lens}')}"] = lenses.get(lens, {}).get("spread")
        row[t("scoring.raters")] = max((v["n"] for v in lenses.values()), default=0)
        spread = max((v["spread"] for v in lenses.values()), default=0)
        row[t("scoring.disagree")] = "⚠" if spread >= 3 else ""
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("scoring.consensus_help"))


def main() -> None:
    jid = journey_picker("scoring.title")
    if not jid:
        return
    G, _ = load(jid)
    st.title(t("scoring.title"))
    st.caption(t("scoring.intro", journey=G.graph["name"]))
    rater = require_author()
    discipline = st.selectbox(
        t("scoring.discipline"),
        DISCIPLINES,
        format_func=lambda d: t(f"discipline.{d}"),
        key=DISCIPLINE,
        persist_state="session",
    )
    with session() as s:
        ratings = analysis.list_ratings(session=s, journey_id=jid)
    progress(G, ratings, rater or "")
    stages = {s["id"]: s["name"] for s in G.graph["stages"]}
    stage = st.segmented_control(t("scoring.stage"), list(stages), format_func=stages.get, key=f"scoring.stage.{jid}")
    stage = stage or next(iter(stages), None)
    keys = [k for k in touchpoints_in_order(G) if G.nodes[k]["stage"] == stage]
    if rater and keys:
        mine = {r["touchpoint"]: r for r in ratings if r["rater"] == rater}
        before = my_frame(G, keys, mine)
        nonce = st.session_state.get(f"scoring.nonce.{jid}", 0)
        score = st.column_config.NumberColumn(min_value=1, max_value=5, step=1, format="%d")
        key = f"scoring.table.{jid}.{stage}.{nonce}"
        config = {
            "touchpoint": t("scoring.touchpoint"),
            "comment": t("scoring.comment"),
            **{lens: {**score, "label": t(f"lens.{lens}"), "help": t(f"scoring.help.{lens}")} for lens in LENSES},
        }
        after = st.data_editor(
            before, key=key, placeholder="–", hide_index=True, width="stretch", disabled=["touchpoint"],
            column_config=config,
        )  # fmt: skip
        # text or 2.5 would reach us as an empty score or 2: refuse the edit instead, next to the table
        changes = {} if refuse_cells(key, config, rows=len(before)) else changed_scores(before, after)
        save = st.button(
            t("scoring.save", n=len(changes)), type="primary", disabled=not changes, icon=":material/save:"
        )
        if save and allowed("score"):  # access: checked where the write happens, not only by hiding the page
            try:
                with session() as s:
                    analysis.save_ratings(session=s, journey_id=jid, rater=rater, discipline=discipline, scores=changes)
            except analysis.RatingInvalid as exc:
                st.error(t("scoring.invalid", problem=str(exc)), icon=":material/error:")
            else:
                st.session_state[f"scoring.nonce.{jid}"] = nonce + 1
                st.toast(t("scoring.saved", n=len(changes)), icon=":material/check:")
                st.rerun()
    st.subheader(t("scoring.consensus"))
    weighted = st.toggle(t("scoring.weighted"), help=t("scoring.weighted_help"), key="scoring.weighted")
    consensus_table(G, ratings, weighted)


main()
