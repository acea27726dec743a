"""Survey import: reading CSV files as spreadsheets write them, bad rows by row number,
aggregates against hand counts, the driver analysis against a known driver, and properties."""

from __future__ import annotations

import codecs
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeys.analysis import survey
from journeys.analysis.scoring import weakness_table
from journeys.analysis.survey import OVERALL
from journeys.charts.review import importance_performance_frame
from journeys.charts.surveys import assumptions_vs_evidence, evidence_frame, trend
from journeys.demo import broadband_demo
from journeys.io import survey_file
from journeys.io.survey_file import SurveyInvalid, Target, check, read_csv, responses, suggest_mapping, summarize
from tests.stress import examples
from tests.survey_data import BROADBAND, broadband_survey, make_responses, to_csv, to_long_csv

DOC = Path(__file__).resolve().parents[2] / "docs" / "surveys.md"
G = broadband_demo()
DAY = date(2025, 3, 31)


def summary_of(data: bytes, mapping: dict | None = None, **kwargs) -> survey.SurveySummary:
    answers = responses(read_csv(data), G)
    return summarize(answers, mapping or suggest_mapping(answers, G), G, name="Spring", surveyed_on=DAY, **kwargs)


def doc_example() -> bytes:
    match = re.search(r"```csv\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "docs/surveys.md has no ```csv block"
    return match.group(1).encode()


# --- reading -------------------------------------------------------------------------------


def test_worked_example_in_the_docs():
    """The example file of docs/surveys.md gives the numbers its worked example shows."""
    s = summary_of(doc_example())
    assert s.responses == 12
    assert (s.overall.scale, s.overall.n, s.overall.mean) == ("nps", 12, 6.75)
    assert s.overall.top2 == pytest.approx(4 / 12) and s.overall.nps == pytest.approx(-100 / 12)
    hotline, router = s.touchpoints["hotline"], s.touchpoints["install-router"]
    assert (hotline.scale, hotline.n, hotline.importance_n) == ("csat", 11, 11)
    assert hotline.mean == pytest.approx(37 / 11) and hotline.top2 == pytest.approx(6 / 11)
    assert round(hotline.importance, 2) == 0.98
    assert (router.scale, router.n, router.mean, router.top2) == ("ces", 12, 59 / 12, 5 / 12)
    assert round(router.importance, 2) == -0.44
    assert set(s.touchpoints) == {"hotline", "install-router"}  # id, date and comment are ignored


def test_german_excel_semicolons_decimal_commas_and_cp1252():
    """A file from German Excel (; separated, decimal commas, umlauts in cp1252) reads like any other."""
    text = "Gesamtzufriedenheit;Hotline anrufen;Bemerkung\r\n4,5;2;Wartezeit zu lang\r\n3;1;Größe\r\n"
    frame = read_csv(text.encode("cp1252"))
    assert list(frame.columns) == ["Gesamtzufriedenheit", "Hotline anrufen", "Bemerkung"]
    assert frame["Bemerkung"].tolist() == ["Wartezeit zu lang", "Größe"]
    mapping = {"Gesamtzufriedenheit": Target(OVERALL, "csat"), "Hotline anrufen": Target("hotline", "csat")}
    s = summary_of(text.encode("cp1252"), mapping)
    assert s.overall.mean == 3.75 and s.touchpoints["hotline"].mean == 1.5


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "mac_roman", "cp1252"])
def test_files_without_a_byte_order_mark_are_read_in_their_encoding(encoding):
    """UTF-16 without its byte order mark and a file saved on a Mac read as typed, umlauts included."""
    text = "Touchpoint;Gesamtzufriedenheit;Größe wählen\r\nÄrger über die Wartezeit;4;5\r\nGut;3;4\r\n"
    frame = read_csv(text.encode(encoding))
    assert list(frame.columns) == ["Touchpoint", "Gesamtzufriedenheit", "Größe wählen"]
    assert frame["Touchpoint"].tolist() == ["Ärger über die Wartezeit", "Gut"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode(),
        lambda text: text.encode("utf-16"),  # Excel's "Unicode text", with its BOM
        lambda text: text.replace(",", "\t").encode(),
    ],
    ids=["utf8-bom", "utf16", "tabs"],
)
def test_bom_utf16_and_tabs(encode):
    """A byte-order mark does not end up in the first header; tabs separate as well as commas."""
    frame = read_csv(encode("Overall,Call the hotline\n9,4\n7,2\n"))
    assert list(frame.columns) == ["Overall", "Call the hotline"]
    assert frame.loc[3, "Call the hotline"] == "2"


def test_row_numbers_are_those_of_a_spreadsheet():
    """Empty rows keep their number, a quoted line break stays in one row, short rows are filled up."""
    frame = read_csv(b'Overall,Call the hotline,comment\n9,4,"two\nlines"\n\n7\n,,\n5,1,ok\n')
    assert frame.index.tolist() == [2, 4, 6]
    assert frame.loc[4].tolist() == ["7", "", ""]


@pytest.mark.parametrize(
    ("data", "code", "german"),
    [
        (b"", "empty", "leer"),
        (b"\r\n  \n", "empty", "leer"),
        (b"Overall,Call the hotline\n", "no_rows", "keine Antworten"),
        (b"just one column\n4\n", "not_a_table", "keine Tabelle"),
        (b"a,b\n1,2,3\n4,5\n6,7,8,9\n", "ragged", "Zeilen 2, 4"),
        (b"a,b\n\xff\xfe\x00\x81", "encoding", "UTF-8"),
    ],
    ids=["empty", "blank", "header-only", "one-column", "ragged", "binary"],
)
def test_files_that_are_no_survey_are_refused_with_a_reason(data, code, german):
    """Empty files, headers without rows and non-tables are named, in English and German."""
    with pytest.raises(SurveyInvalid) as caught:
        read_csv(data)
    assert caught.value.code == code
    assert german in caught.value.text("de")
    assert caught.value.text("en") != caught.value.text("de")


def test_too_large_files_are_refused(monkeypatch):
    """A file over the limit is refused before it is read, with its size and the limit."""
    monkeypatch.setattr(survey_file, "MAX_BYTES", 2**20)
    with pytest.raises(SurveyInvalid) as caught:
        read_csv(b"Overall,Call the hotline\n" + b"9,4\n" * 300_000)
    assert caught.value.code == "too_large"
    assert caught.value.text() == "The file has 1.1 MB; files up to 1 MB can be imported."


def test_long_format_is_pivoted_and_gives_the_same_summary():
    """One row per answer gives the same aggregates and drivers as one row per response."""
    frame = make_responses(BROADBAND, n=120, drivers={"Call the hotline": 1.0}, overall="overall", seed=3)
    wide = summary_of(to_csv(frame))
    long = summary_of(to_long_csv(frame, BROADBAND, overall="overall"))
    assert long.responses == wide.responses == 120
    assert long.overall == wide.overall
    for key, aggregate in wide.touchpoints.items():
        assert long.touchpoints[key].mean == pytest.approx(aggregate.mean)
        assert long.touchpoints[key].importance == pytest.approx(aggregate.importance)


def test_long_format_accepts_keys_and_overall_as_a_touchpoint():
    """Touchpoints named by key or name; the overall rating may be a touchpoint called overall."""
    data = b"Respondent;Touchpoint;Score\nA;hotline;2\nA;Overall;7\nB;Call the hotline;4\nB;overall;9\n"
    answers = responses(read_csv(data), G)
    assert answers.long and answers.values.index.tolist() == [2, 4]
    assert list(answers.values.columns) == ["Call the hotline", "Overall"]
    s = summary_of(data)
    assert s.touchpoints["hotline"].mean == 3 and s.overall.mean == 8


# --- bad rows --------------------------------------------------------------------------------

WIDE = b"""id,Overall (0-10),Call the hotline,Set up the router (effort 1-7)
1,9,4,6
2,eleven,4,6
3,8,,7
4,7,5,8
5,10,4 stars,
6,7,n/a,-
7,11,0,1
"""
WIDE_MAPPING = {
    "id": Target(None),
    "Overall (0-10)": Target(OVERALL, "nps"),
    "Call the hotline": Target("hotline", "csat"),
    "Set up the router (effort 1-7)": Target("install-router", "ces"),
}


def test_every_kind_of_bad_value_with_its_row_and_column():
    """Non-numbers and values outside the scale are reported at the row a spreadsheet shows."""
    answers = responses(read_csv(WIDE))
    found = [(p.line, p.column, p.code, p.value) for p in check(answers, WIDE_MAPPING)]
    assert found == [
        (3, "Overall (0-10)", "not_a_number", "eleven"),
        (5, "Set up the router (effort 1-7)", "out_of_range", "8"),
        (6, "Call the hotline", "not_a_number", "4 stars"),
        (8, "Overall (0-10)", "out_of_range", "11"),
        (8, "Call the hotline", "out_of_range", "0"),
    ]
    texts = [p.text("de") for p in check(answers, WIDE_MAPPING)]
    assert texts[1] == "Zeile 5, Spalte „Set up the router (effort 1-7)“: 8 liegt außerhalb von 1–7"


def test_unknown_and_repeated_touchpoints_in_a_long_file():
    """A touchpoint the journey lacks, an empty one and a second answer are bad rows, by row."""
    data = b"response,touchpoint,rating,overall\n1,hotline,4,8\n1,Coffee machine,5,8\n1,hotline,2,8\n2,,3,6\n2,hotline,3,6\n"
    answers = responses(read_csv(data))
    mapping = suggest_mapping(answers, G)
    assert mapping["Coffee machine"].target is None
    found = [(p.line, p.column, p.code, p.value) for p in check(answers, mapping)]
    assert found == [
        (3, "touchpoint", "unknown_touchpoint", "Coffee machine"),
        (4, "touchpoint", "duplicate", "hotline"),
        (5, "touchpoint", "unknown_touchpoint", ""),
    ]
    mapping["Coffee machine"] = Target("shop-advice", "csat")  # the user maps it: no longer bad
    assert [p.line for p in check(answers, mapping)] == [4, 5]


def test_bad_rows_refuse_the_import_until_skipped():
    """With bad rows nothing is summarised; skipped, their answers are left out and listed."""
    with pytest.raises(SurveyInvalid) as caught:
        summary_of(WIDE, WIDE_MAPPING)
    assert caught.value.code == "bad_rows" and "rows 3, 5, 6, 8" in caught.value.text()
    s = summary_of(WIDE, WIDE_MAPPING, skip_bad_rows=True)
    assert s.skipped_rows == (3, 5, 6, 8)
    assert s.responses == 3  # rows 2, 4 and 7
    assert s.overall.mean == pytest.approx((9 + 8 + 7) / 3)
    assert s.touchpoints["hotline"].n == 1  # row 4 left it empty, row 7 said n/a
    assert s.touchpoints["install-router"].mean == pytest.approx(6.5)


@pytest.mark.parametrize(
    ("mapping", "code"),
    [
        ({"Overall (0-10)": Target(OVERALL, "nps")}, "nothing_mapped"),
        ({"id": Target("hotline", "csat"), "Call the hotline": Target("hotline", "csat")}, "mapped_twice"),
        ({"Call the hotline": Target("no-such-touchpoint", "csat")}, "unknown_target"),
        ({"Call the hotline": Target("hotline", "stars")}, "unknown_scale"),
    ],
)
def test_a_broken_mapping_is_refused(mapping, code):
    with pytest.raises(SurveyInvalid) as caught:
        summary_of(b"id,Overall (0-10),Call the hotline\n1,9,4\n", mapping)
    assert caught.value.code == code


def test_a_survey_needs_a_name():
    answers = responses(read_csv(b"Overall,Call the hotline\n9,4\n"))
    with pytest.raises(SurveyInvalid, match="name"):
        summarize(answers, suggest_mapping(answers, G), G, name="  ", surveyed_on=DAY)


# --- mapping suggestions -----------------------------------------------------------------------


def test_suggested_mapping_from_headers_and_values():
    """Keys and names in any case, overall words in English and German, ids and dates ignored."""
    frame = pd.DataFrame(
        {
            "Respondent ID": ["1042", "1043"],
            "Datum": ["2025-03-01", "2025-03-02"],
            "Weiterempfehlung": ["9", "3"],
            "HOTLINE": ["2", "5"],
            "  set up the ROUTER ": ["6", "7"],
            "CSAT - Daily use at home": ["4", "5"],
            "Aufwand online-order": ["2", "3"],
            "Call the hotline": ["1", "2"],
            "Freitext": ["gut", "schlecht"],
        }
    )
    mapping = suggest_mapping(responses(frame), G)
    assert {c: tuple(m) for c, m in mapping.items() if m.target} == {
        "Weiterempfehlung": (OVERALL, "nps"),
        "HOTLINE": ("hotline", "csat"),
        "  set up the ROUTER ": ("install-router", "ces"),
        "CSAT - Daily use at home": ("daily-use", "csat"),
        "Aufwand online-order": ("online-order", "ces"),
    }  # the second hotline column is left for the user; the first one wins


# --- aggregates ------------------------------------------------------------------------------------


def test_nps_and_top2_against_hand_counts():
    """Promoters 9–10, passives 7–8, detractors 0–6; the top-2 boxes of each scale."""
    answers = [10, 10, 9, 8, 7, 6, 5, 0, 9, 3]  # 4 promoters, 2 passives, 4 detractors
    a = survey.aggregate(answers, "nps")
    assert (a.n, a.nps, a.top2, a.mean) == (10, 0.0, 0.4, 6.7)
    assert survey.aggregate([10, 9, 9, 8], "nps").nps == 75.0
    assert survey.aggregate([0, 6, 6, 7], "nps").nps == -75.0
    assert survey.aggregate([5, 4, 3, 2, 1], "csat").top2 == 0.4
    assert survey.aggregate([7, 6, 5, 1], "ces").top2 == 0.5
    assert survey.aggregate([4, 5], "csat").nps is None


# --- driver analysis --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("driver", ["Call the hotline", "Router delivered"])
def test_the_driver_analysis_finds_the_known_driver(seed, driver):
    """A file where one touchpoint determines the overall rating (plus noise) ranks it first, clearly."""
    frame = make_responses(BROADBAND, n=300, drivers={driver: 1.0}, noise=0.1, seed=seed)
    s = summary_of(to_csv(frame))
    ranked = sorted(s.touchpoints, key=lambda k: s.touchpoints[k].importance, reverse=True)
    assert ranked[0] == BROADBAND[driver][0]
    first, second = (s.touchpoints[k].importance for k in ranked[:2])
    assert first > 0.5 and second < 0.25
    assert s.touchpoints[ranked[0]].importance_n == s.touchpoints[ranked[0]].n


def test_no_importance_below_the_minimum_or_without_variation():
    """Fewer than MIN_PAIRS responses with both ratings, or a constant rating, give no importance."""
    rows = "\n".join(f"{o},{o // 2 if i < 9 else ''},3" for i, o in enumerate([2, 4, 6, 8, 10] * 3))
    s = summary_of(f"Overall (0-10),Call the hotline,Order online\n{rows}\n".encode())
    hotline, order = s.touchpoints["hotline"], s.touchpoints["online-order"]
    assert (hotline.importance, hotline.importance_n) == (None, 9)
    assert (order.importance, order.importance_n) == (None, 15)


def test_without_an_overall_rating_there_are_aggregates_but_no_drivers():
    s = summary_of(b"Call the hotline,Order online\n1,5\n2,4\n")
    assert s.overall is None
    assert s.touchpoints["hotline"].mean == 1.5 and s.touchpoints["hotline"].importance is None


# --- properties ---------------------------------------------------------------------------------------

SCALE_OF = {"Overall": "nps", "Call the hotline": "csat", "Set up the router": "ces", "Order online": "csat"}


@st.composite
def survey_files(draw, bad: bool = True):
    """A wide survey as read_csv returns it: good answers, gaps and (optionally) bad values."""
    n = draw(st.integers(1, 40))
    columns = {}
    for header, scale in SCALE_OF.items():
        lo, hi = survey.SCALES[scale]
        good = st.integers(lo, hi).map(str) | st.sampled_from(["", "n/a"])
        wrong = st.sampled_from(["x", str(hi + 1), str(lo - 1), "4 stars"]) if bad else st.nothing()
        columns[header] = draw(st.lists(st.one_of(good, good, good, wrong), min_size=n, max_size=n))
    return pd.DataFrame(columns, index=pd.Index(range(2, n + 2), name="row"), dtype=str)


KEYS = {
    "Overall": OVERALL,
    "Call the hotline": "hotline",
    "Set up the router": "install-router",
    "Order online": "online-order",
}
MAPPING = {header: Target(KEYS[header], scale) for header, scale in SCALE_OF.items()}


def summarize_frame(frame: pd.DataFrame, **kwargs) -> survey.SurveySummary | None:
    try:
        return summarize(responses(frame), MAPPING, G, name="p", surveyed_on=DAY, **kwargs)
    except SurveyInvalid as exc:
        assert exc.code == "no_answers"
        return None


@settings(max_examples=examples(80), deadline=None)
@given(survey_files())
def test_aggregates_stay_within_their_scales(frame):
    s = summarize_frame(frame, skip_bad_rows=True)
    if s is None:
        return
    for aggregate in [*s.touchpoints.values(), *([s.overall] if s.overall else [])]:
        lo, hi = survey.SCALES[aggregate.scale]
        assert lo <= aggregate.mean <= hi
        assert 0 <= aggregate.top2 <= 1
        assert 1 <= aggregate.n <= s.responses <= len(frame)
        assert (aggregate.nps is not None) == (aggregate.scale == "nps")
        assert aggregate.nps is None or -100 <= aggregate.nps <= 100
        assert aggregate.importance is None or -1 <= aggregate.importance <= 1


def same(a: survey.SurveySummary | None, b: survey.SurveySummary | None) -> None:
    assert (a is None) == (b is None)
    if a is None:
        return
    assert (a.responses, set(a.touchpoints)) == (b.responses, set(b.touchpoints))
    for x, y in [*((a.touchpoints[k], b.touchpoints[k]) for k in a.touchpoints), (a.overall, b.overall)]:
        if x is None:
            assert y is None
            continue
        assert (x.scale, x.n, x.importance_n) == (y.scale, y.n, y.importance_n)
        assert x.mean == pytest.approx(y.mean) and x.top2 == pytest.approx(y.top2)
        assert x.nps == pytest.approx(y.nps) and x.importance == pytest.approx(y.importance)


@settings(max_examples=examples(60), deadline=None)
@given(survey_files(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(frame, random):
    order = list(frame.index)
    random.shuffle(order)
    same(summarize_frame(frame, skip_bad_rows=True), summarize_frame(frame.loc[order], skip_bad_rows=True))


@settings(max_examples=examples(60), deadline=None)
@given(survey_files())
def test_skipping_bad_rows_is_aggregating_the_good_rows_alone(frame):
    answers = responses(frame)
    bad = {p.line for p in check(answers, MAPPING)}
    skipped = summarize_frame(frame, skip_bad_rows=True)
    good = frame.drop(index=sorted(bad))
    same(skipped, summarize_frame(good) if len(good) else None)
    if skipped is not None:
        assert skipped.skipped_rows == tuple(sorted(bad))


@settings(max_examples=examples(40), deadline=None)
@given(survey_files(bad=False))
def test_good_files_need_no_skipping(frame):
    answers = responses(frame)
    assert check(answers, MAPPING) == []
    summarize_frame(frame)  # does not raise bad_rows


PIECES = [
    *",;\t\n\r\"'0123456789.-x ",
    "overall",
    "response",
    "touchpoint",
    "rating",
    "hotline",
    "Ä",
    "\x00",
    "2025-03-01",
]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join).map(str.encode) | st.binary(max_size=100))
def test_any_file_is_read_or_refused_with_a_reason(data):
    """Hostile or broken files end in a named refusal, never in another error, at every step."""
    try:
        frame = read_csv(data)
    except SurveyInvalid:
        return
    answers = responses(frame, G)
    mapping = suggest_mapping(answers, G)
    check(answers, mapping)
    try:
        summarize(answers, mapping, G, name="fuzz", surveyed_on=DAY, skip_bad_rows=True)
    except SurveyInvalid as exc:
        assert exc.code in ("nothing_mapped", "no_answers")


# --- charts ------------------------------------------------------------------------------------------------


def measurements_of(*summaries: survey.SurveySummary) -> pd.DataFrame:
    rows = [
        {"survey_id": i, "survey": s.name, "surveyed_on": s.surveyed_on, "touchpoint": k, **vars(a)}
        for i, s in enumerate(summaries)
        for k, a in s.touchpoints.items()
    ]
    return pd.DataFrame(rows)


def two_surveys():
    spring = summary_of(broadband_survey(seed=1, hotline=2.1))
    autumn = summary_of(broadband_survey(seed=2, hotline=3.8))
    autumn = survey.SurveySummary(**{**vars(autumn), "name": "Autumn <b>", "surveyed_on": date(2025, 10, 1)})
    return spring, autumn


def test_evidence_puts_the_team_view_next_to_the_latest_measurement():
    spring, autumn = two_surveys()
    table = weakness_table(G)
    evidence = evidence_frame(G, table, measurements_of(spring, autumn))
    assert list(evidence.index) == [
        "online-order",
        "router-delivery",
        "install-router",
        "daily-use",
        "hotline",
        "remote-fix",
    ]
    hotline = evidence.loc["hotline"]
    assert hotline["survey"] == "Autumn <b>" and hotline["experience"] == 1
    assert hotline["measured"] == pytest.approx(1 + (autumn.touchpoints["hotline"].mean - 1))
    assert hotline["change"] == pytest.approx(autumn.touchpoints["hotline"].mean - spring.touchpoints["hotline"].mean)
    team = importance_performance_frame(table)
    assert hotline["team_importance"] == pytest.approx(team.loc["hotline", "importance"] / team["importance"].max())


def test_trend_draws_a_line_per_touchpoint_and_the_overall_rating():
    spring, autumn = two_surveys()
    surveys = [
        {"id": i, "name": s.name, "surveyed_on": s.surveyed_on, "overall": vars(s.overall)}
        for i, s in enumerate((spring, autumn))
    ]
    fig = trend(G, measurements_of(spring, autumn), surveys, lang="de")
    names = [trace.name for trace in fig.data]
    assert names == ["Order online", "Router delivered", "Set up the router", "Daily use at home", "Call the hotline",
                     "Router fixed remotely", "Gesamtbewertung"]  # fmt: skip
    hotline = fig.data[4]
    assert hotline.y[1] > hotline.y[0]  # the hotline got better
    assert "Autumn &lt;b&gt;" in hotline.customdata[1][0]  # user text is escaped
    assert fig.layout.template.layout.paper_bgcolor == "white"
    assert "Zeitverlauf" in fig.layout.title.text
    only = trend(G, measurements_of(spring), touchpoints=["hotline"], value="top2")
    assert [trace.name for trace in only.data] == ["Call the hotline"] and max(only.data[0].y) <= 1


def test_matrix_joins_the_team_estimate_and_the_measurement():
    spring, _ = two_surveys()
    evidence = evidence_frame(G, weakness_table(G), measurements_of(spring))
    fig = assumptions_vs_evidence(G, evidence, lang="en")
    team, measured = fig.data
    assert team.name.startswith("Team's estimate") and measured.name.startswith("Measured")
    assert len(team.x) == len(measured.x) == 6
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 6  # one from each estimate to its measurement
    hotline = list(evidence.index).index("hotline")
    arrow = next(a for a in arrows if a.x == measured.x[hotline])
    assert (arrow.ax, arrow.ay, arrow.y) == (team.x[hotline], team.y[hotline], measured.y[hotline])
    assert np.isclose(measured.x[hotline], spring.touchpoints["hotline"].importance)
