"""The demo workshop read from its data files: the figures a workshop and docs/scoring.md rely on."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from journeys.analysis.scoring import LENSES, consensus, weakness_table
from journeys.demo import (
    DEMO_IDEA_RATERS,
    DEMO_IDEAS,
    DEMO_RATINGS,
    DEMO_SURVEYS,
    broadband_demo,
    broadband_to_be,
    ebike_demo,
    survey_csv,
)
from journeys.io import survey_file
from journeys.model.templates import TEMPLATES, stages_for
from journeys.model.validation import validate

ROOT = Path(__file__).resolve().parents[2]


def ratings(template: str) -> list[dict]:
    """The demo's workshop scores as the store lists them."""
    return [
        {"touchpoint": key, "rater": rater, "discipline": discipline, **dict(zip(LENSES, values, strict=True))}
        for rater, discipline, scores in DEMO_RATINGS[template]
        for key, values in scores.items()
    ]


@pytest.mark.parametrize(
    ("make", "touchpoints", "transitions", "personas", "stage_set"),
    [
        (broadband_demo, 13, 16, ["petra", "jonas"], "lifecycle"),
        (ebike_demo, 11, 13, ["claudia", "rolf"], "experiences"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_demo_journeys_key_figures(make, touchpoints, transitions, personas, stage_set, lang):
    """Each demo has its touchpoints, transitions and personas, is valid, and names its stages in the language."""
    G = make(lang)
    assert (G.number_of_nodes(), G.number_of_edges()) == (touchpoints, transitions)
    assert [p["id"] for p in G.graph["personas"]] == personas
    assert G.graph["stages"] == stages_for(stage_set, lang)
    assert validate(G) == []


def test_each_call_is_a_fresh_journey():
    """Changing a demo journey does not change the next one handed out."""
    G = broadband_demo()
    G.nodes["hotline"]["pains"].clear()
    G.graph["stages"][0]["name"] = "Changed"
    H = broadband_demo()
    assert len(H.nodes["hotline"]["pains"]) == 2
    assert H.graph["stages"][0]["name"] == "Awareness"


def test_hotline_scores_are_the_worked_example_of_the_docs():
    """Ana, Ben and Cem score the hotline as docs/scoring.md section 4 shows, which gives its weakness 0.4127."""
    hotline = [(rater, discipline, scores["hotline"]) for rater, discipline, scores in DEMO_RATINGS["broadband"]]
    assert hotline == [("Ana", "customer-service", (1, 3, 4)), ("Ben", "it", (2, 3, 4)), ("Cem", "finance", (2, 4, 5))]
    row = weakness_table(broadband_demo(), consensus(ratings("broadband"))).loc["hotline"]
    assert (row.desirable, row.viable, row.feasible) == (2, 3, 4)
    assert row.weakness == pytest.approx(0.4127, abs=1e-4)
    assert row.why == "pain"


def test_total_weakness_of_the_broadband_demo():
    """Unscored, as started from the template, the journey's weakness is 1.110 (docs/scoring.md); scored, 1.900."""
    assert weakness_table(broadband_demo())["weakness"].sum() == pytest.approx(1.110, abs=5e-4)
    assert weakness_table(broadband_demo(), consensus(ratings("broadband")))["weakness"].sum() == pytest.approx(
        1.900, abs=5e-4
    )


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_touchpoint_is_scored_by_every_rater(template):
    """The workshop scores each touchpoint of its journey, each rater all of them, 1 to 5 on each lens."""
    keys = list(TEMPLATES[template]().nodes)
    assert len(DEMO_RATINGS[template]) >= 2
    for _, _, scores in DEMO_RATINGS[template]:
        assert list(scores) == keys
        assert all(len(values) == 3 and set(values) <= set(range(1, 6)) for values in scores.values())


def test_ideas_address_pain_points_that_exist():
    """The five broadband ideas name touchpoints and pain points of the journey and are scored by every idea rater."""
    G = broadband_demo()
    ideas = DEMO_IDEAS["broadband"]
    assert [title for title, *_ in ideas][:2] == [
        "Call-back slot instead of the queue",
        "Wi-Fi band preset in the router firmware",
    ]
    assert len(ideas) == 5
    for _, _, _, status, effort, targets, scores in ideas:
        assert status in {"open", "in-progress", "done"} and effort in range(1, 6)
        for key, indexes in targets.items():
            assert all(0 <= i < len(G.nodes[key]["pains"]) for i in indexes)
        assert len(scores) == len(DEMO_IDEA_RATERS)
    assert ideas[0][5] == {"hotline": [0]} and G.nodes["hotline"]["pains"][0]["text"] == "25 minutes in the queue"


def test_surveys_read_as_an_upload_and_tell_the_story():
    """Both survey files read without a bad row; from spring to autumn the hotline and the NPS get better."""
    G = broadband_demo()
    summaries = []
    for name, surveyed_on, file in DEMO_SURVEYS["broadband"]:
        answers = survey_file.responses(survey_file.read_csv(survey_csv(file)), G)
        mapping = survey_file.suggest_mapping(answers, G)
        summaries.append(survey_file.summarize(answers, mapping, G, name=name, surveyed_on=surveyed_on))
    spring, autumn = summaries
    assert [(s.name, s.surveyed_on, s.responses, s.skipped_rows) for s in summaries] == [
        ("Customer survey spring 2026", date(2026, 3, 31), 300, ()),
        ("Customer survey autumn 2026", date(2026, 10, 15), 300, ()),
    ]
    assert set(spring.touchpoints) == {
        "online-order",
        "router-delivery",
        "install-router",
        "daily-use",
        "hotline",
        "remote-fix",
    }
    assert spring.touchpoints["hotline"].mean < 2.5 < 3.5 < autumn.touchpoints["hotline"].mean
    assert spring.overall.nps < 0 < autumn.overall.nps


def test_to_be_puts_the_chosen_ideas_in_place():
    """The to-be keeps the touchpoints and takes the router's pain points away; the as-is stays as it was."""
    G = broadband_demo()
    H = broadband_to_be(G)
    assert list(H.nodes) == list(G.nodes)
    assert (H.graph["state"], H.nodes["install-router"]["pains"], H.edges["install-router", "hotline"]["share"]) == (
        "to-be",
        [],
        0.15,
    )
    assert len(G.nodes["install-router"]["pains"]) == 2


def test_data_files_are_found_from_another_working_directory(tmp_path):
    """The demo loads wherever the app is started from: its files are package data, not paths from the cwd."""
    code = (
        "from journeys.demo import DEMO_SURVEYS, survey_csv\n"
        "from journeys.model.templates import from_template\n"
        "G = from_template('ebike', lang='de')\n"
        "print(G.number_of_nodes(), G.graph['stages'][0]['name'], len(survey_csv(DEMO_SURVEYS['broadband'][0][2])) > 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["11", "Kommunikationserlebnis", "True"]
