"""The Surveys page's parts: reading, mapping and importing a file, and the tables of the results.

The file is read, mapped and checked in :mod:`journeys.io.survey_file` and stored by
:mod:`store.surveys`; the page (``pages/surveys.py``) chooses what to show.
"""

import hashlib
from datetime import date
from pathlib import PurePath

import pandas as pd
import streamlit as st

from journeys import i18n
from journeys.analysis import survey
from journeys.io import survey_file
from journeys.model.graph import touchpoints_in_order
from store import JourneyNotFound, JourneyStamp
from store import surveys as stored
from ui.access import allowed, can
from ui.deps import day, lang, number, percent, require_author, session, t
from ui.text import md
from ui.widgets import ask, confirm

UPLOADS = "surveys.uploads"  # bumped after an import so that the uploader starts empty
IMPORTED = "surveys.imported"  # (name, responses, skipped) of the survey imported last
SHOW_RESULTS = "surveys.show_results"  # set by an import: the page switches to the results


def digest(data: bytes) -> str:
    """The key suffix of one file's widgets (mapping, name, date, skip), so a new file starts fresh."""
    return hashlib.sha256(data).hexdigest()[:12]


@st.cache_data(max_entries=4, show_spinner=False)
def parsed(data: bytes, journey_id: str, version: int, lifetime: str, _G) -> survey_file.Responses:
    """The file's answers by response; a long file's touchpoints spelled as in the journey (id, version, lifetime)."""
    return survey_file.responses(survey_file.read_csv(data), _G)


# What a file costs beyond parsing is done once per file (its content hash), journey version and mapping, not on
# every rerun: a table of 500 columns takes a second to map. Kept as they are (cache_resource), never changed.
@st.cache_resource(max_entries=4, show_spinner=False)
def prepared(
    file: str, journey_id: str, version: int, lifetime: str, _answers, _G
) -> tuple[dict, list[str], date | None]:
    """The suggested mapping, each column's sample answers and the file's latest date."""
    values = _answers.values
    samples = [", ".join(dict.fromkeys(v for v in values[c] if v))[:60] for c in values.columns]
    return survey_file.suggest_mapping(_answers, _G), samples, survey_file.latest_date(values)


@st.cache_resource(max_entries=16, show_spinner=False)
def checked(file: str, journey_id: str, version: int, lifetime: str, mapping: tuple, _answers, _G) -> tuple[list, list]:
    """What is wrong with a mapping (``((column, target, scale), …)``) and the rows it makes bad."""
    targets = {column: survey_file.Target(target, scale) for column, target, scale in mapping}
    return survey_file.check_mapping(targets, _G), survey_file.check(_answers, targets)


def target_labels(G) -> dict:
    """Target → the label in the mapping table (touchpoints by name, in journey order)."""
    names = {k: G.nodes[k]["name"] for k in touchpoints_in_order(G)}
    twice = {n for n in names.values() if list(names.values()).count(n) > 1}
    return {None: t("surveys.ignore"), survey.OVERALL: t("surveys.overall_target")} | {
        k: f"{n} ({k})" if n in twice else n for k, n in names.items()
    }


def mapping_editor(
    answers: survey_file.Responses, G, key: str, suggested: dict, samples: list[str]
) -> dict[str, survey_file.Target]:
    """The suggested mapping as a table to correct: column → touchpoint / overall / ignore, and its scale."""
    targets = target_labels(G)
    scales = {s: t(f"survey.scale.{s}") for s in survey.SCALES}
    values = answers.values
    frame = pd.DataFrame(
        {
            "column": list(values.columns),
            "sample": samples,
            "target": [targets[m.target] for m in suggested.values()],
            "scale": [scales[m.scale] for m in suggested.values()],
        }
    )
    edited = st.data_editor(
        frame, key=key, hide_index=True, width="stretch", num_rows="fixed", disabled=["column", "sample"],
        column_config={
            "column": st.column_config.TextColumn(t("surveys.col.column")),
            "sample": st.column_config.TextColumn(t("surveys.col.sample")),
            "target": st.column_config.SelectboxColumn(t("surveys.col.target"), options=list(targets.values()), required=True),
            "scale": st.column_config.SelectboxColumn(t("surveys.col.scale"), options=list(scales.values()), required=True),
        },
    )  # fmt: skip
    by_label, by_scale = {v: k for k, v in targets.items()}, {v: k for k, v in scales.items()}
    return {
        row.column: survey_file.Target(by_label.get(row.target), by_scale.get(row.scale, "csat"))
        for row in edited.itertuples(index=False)
    }


def import_view(G, jid: str, stamp: JourneyStamp) -> None:
    """Upload, preview, map, check and import one survey; nothing is stored while rows are bad and not skipped."""
    upload = st.file_uploader(
        t("surveys.file"), type=["csv", "txt", "tsv"], key=f"surveys.file.{st.session_state.get(UPLOADS, 0)}",
        max_upload_size=survey_file.MAX_BYTES // 2**20, help=t("surveys.file_help", mb=survey_file.MAX_BYTES // 2**20),
    )  # fmt: skip
    if upload is None:
        return
    data = upload.getvalue()
    try:
        answers = parsed(data, jid, stamp.version, stamp.lifetime, G)
    except survey_file.SurveyInvalid as exc:
        st.error(f"{t('surveys.unreadable', file=md(upload.name))}\n\n{md(exc.text(lang()))}", icon=":material/error:")
        return
    kind = t("surveys.long" if answers.long else "surveys.wide")
    st.caption(t("surveys.preview", n=len(answers.values), kind=kind))
    st.dataframe(answers.values.head(5).rename_axis(t("surveys.row")), width="stretch")
    suffix = digest(data)
    suggested, samples, latest = prepared(suffix, jid, stamp.version, stamp.lifetime, answers, G)
    mapping = mapping_editor(answers, G, f"surveys.mapping.{suffix}", suggested, samples)
    left, right = st.columns([3, 1])
    name = left.text_input(
        t("surveys.name"), value=PurePath(upload.name).stem, max_chars=200, key=f"surveys.name.{suffix}"
    )
    surveyed_on = right.date_input(
        t("surveys.date"),
        value=latest or date.today(),
        key=f"surveys.date.{suffix}",
        format=i18n.date_input_format(lang()),
    )
    invalid, problems = checked(
        suffix, jid, stamp.version, stamp.lifetime, tuple((c, *m) for c, m in mapping.items()), answers, G
    )
    bad = sorted({p.line for p in problems})
    for problem in invalid:
        st.warning(md(problem.text(lang())), icon=":material/rule:")
    skip = False
    if bad:
        listed = "\n".join(f"- {md(p.text(lang()))}" for p in problems[:30])
        more = f"\n- … +{len(problems) - 30}" if len(problems) > 30 else ""
        st.error(f"{t('surveys.bad_rows', n=len(bad))}\n\n{listed}{more}", icon=":material/error:")
        skip = st.checkbox(t("surveys.skip", n=len(bad)), key=f"surveys.skip.{suffix}")
    elif not invalid:
        st.success(t("surveys.all_good", n=len(answers.values)), icon=":material/check_circle:")
    if not st.button(t("surveys.import"), type="primary", icon=":material/upload:", key="surveys.import"):
        return
    if not allowed("edit") or not (author := require_author()):
        return
    try:
        summary = survey_file.summarize(answers, mapping, G, name=name, surveyed_on=surveyed_on, skip_bad_rows=skip)
        with session() as s:
            stored.save_survey(session=s, journey_id=jid, summary=summary, author=author)
    except stored.SurveyRefused as exc:
        st.error(t("surveys.refused", reason=md(exc.text(lang()))), icon=":material/error:")
    except survey_file.SurveyInvalid as exc:
        st.error(md(exc.text(lang())), icon=":material/error:")
    except JourneyNotFound as exc:
        st.error(t("surveys.refused", reason=md(str(exc))), icon=":material/error:")
    else:
        st.session_state[IMPORTED] = (summary.name, summary.responses, len(summary.skipped_rows))
        st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
        st.session_state[SHOW_RESULTS] = True  # the view switch is drawn already: switch on the next run
        st.toast(t("surveys.imported", name=md(summary.name), count=summary.responses), icon=":material/check_circle:")
        st.rerun()


def overall_text(overall: dict | None) -> str:
    if not overall:
        return "—"
    scale = "0–10" if overall["scale"] == "nps" else t(f"survey.scale.{overall['scale']}")
    mean = t("surveys.overall_mean", mean=overall["mean"], scale=scale)
    if overall["nps"] is not None:
        return f"NPS {number(overall['nps'], 0, sign=True)}".replace("-", "−") + f" · {mean}"
    return mean


def surveys_table(surveys: list[dict]) -> None:
    """The journey's surveys, newest first; editors delete one after a confirmation."""
    st.dataframe(
        pd.DataFrame(
            {
                t("surveys.col.name"): [s["name"] for s in surveys],
                t("surveys.col.date"): [day(s["surveyed_on"]) for s in surveys],
                t("surveys.col.responses"): [s["responses"] for s in surveys],
                t("surveys.col.skipped"): [s["skipped"] for s in surveys],
                t("surveys.col.overall"): [overall_text(s["overall"]) for s in surveys],
                t("surveys.col.touchpoints"): [s["touchpoints"] for s in surveys],
                t("surveys.col.imported_by"): [s["imported_by"] for s in surveys],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if not can("edit"):
        return
    names = {s["id"]: f"{s['name']} · {day(s['surveyed_on'])}" for s in surveys}
    with (
        st.expander(t("surveys.manage"), icon=":material/delete:"),
        st.container(horizontal=True, vertical_alignment="bottom"),
    ):
        picked = st.selectbox(
            t("surveys.pick_delete"), list(names), format_func=names.get, key="surveys.pick", width=420
        )
        if st.button(t("surveys.delete"), icon=":material/delete:", key="surveys.delete"):
            ask("surveys.delete", picked)
    for doomed, name in names.items():
        question = t("surveys.confirm_delete", name=md(name))
        if confirm("surveys.delete", doomed, question, yes=t("surveys.delete_yes")) and allowed("edit"):
            with session() as s:
                stored.delete_survey(session=s, survey_id=doomed)
            st.toast(t("surveys.deleted", name=md(name)), icon=":material/delete:")
            st.rerun()


def shown(value, digits: int = 2, *, sign: bool = False, share: bool = False) -> str:
    """A figure of a table cell in the user's language; — where there is none."""
    if value is None or pd.isna(value):
        return "—"
    return percent(value, digits) if share else number(value, digits, sign=sign)


def latest_table(evidence: pd.DataFrame) -> None:
    scales = [t(f"survey.scale.{s}") for s in evidence["scale"]]
    st.dataframe(
        pd.DataFrame(
            {
                t("survey.touchpoint"): evidence["name"],
                t("surveys.col.expectation"): [shown(v, 0) for v in evidence["expectation"]],
                t("surveys.col.experience"): [shown(v, 0) for v in evidence["experience"]],
                t("surveys.col.measured"): [shown(v) for v in evidence["measured"]],
                t("surveys.col.change"): [shown(v, sign=True) for v in evidence["change"]],
                t("surveys.col.mean"): [f"{shown(m)} ({s})" for m, s in zip(evidence["mean"], scales, strict=True)],
                t("survey.top2"): [shown(v, 0, share=True) for v in evidence["top2"]],
                "NPS": [shown(v, 0, sign=True) for v in evidence["nps"]],
                "n": evidence["n"],
                t("survey.surveyed_on"): [day(d) for d in evidence["surveyed_on"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )  # fmt: skip
    st.caption(t("surveys.latest_help"))


def drivers_table(evidence: pd.DataFrame) -> None:
    ranked = evidence.sort_values("importance", ascending=False, na_position="last")
    st.dataframe(
        pd.DataFrame(
            {
                t("survey.touchpoint"): ranked["name"],
                t("surveys.col.driver"): [shown(v, sign=True) for v in ranked["importance"]],
                t("surveys.col.pairs"): ranked["importance_n"],
                t("surveys.col.team_importance"): [shown(v) for v in ranked["team_importance"]],
                t("surveys.col.measured"): [shown(v) for v in ranked["measured"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(t("surveys.drivers_help", n=survey.MIN_PAIRS))
