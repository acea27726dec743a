"""Every page in German (?lang=de), every view switched through: no raw key, no English summary, German numbers and dates.

The demo journeys are seeded as on a first start. On each page every text the user can
read is gathered: titles, captions, messages, labels, options, help texts, metrics, table
headings and cells, and the texts of the charts. None may be a translation key (or look
like one: ``review.something``), none may be a raw value of a vocabulary (``phone``,
``as-is``), no change summary may be English, numbers carry a decimal comma and dates
read as a German reader writes them.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

import store
from journeys.analysis.scoring import LENSES
from journeys.i18n import MESSAGES, t
from journeys.model.graph import CHANNELS, STATES
from store import ideas
from tests.app.conftest import APP, shown
from tests.app.test_editor import edit, show
from tests.app.test_ideas import select_row, widget

KEYS = set(MESSAGES["en"])
TABLES = sorted({key.split(".")[0] for key in KEYS})
KEY_LIKE = re.compile(rf"(?<![\w/.-])(?:{'|'.join(TABLES)})\.[A-Za-z0-9_-]+")  # review.title, group.persona …
ENGLISH_SUMMARY = re.compile(
    r"\b(?:changed|added|removed) (?:touchpoints?|transitions?|stages|personas|state|description)\b"
    r"|\brestored version\b|\brenamed to\b|\bno changes\b|^created$"
)
# raw values of a vocabulary that a German reader must never see as they are
RAW = {v for prefix, values in (("channel", CHANNELS), ("state", STATES), ("lens", LENSES)) for v in values}
RAW |= {"weakness", "flow", "severity", "touchpoints"}
RAW -= {v for v in RAW if v in {t(f"channel.{v}", "de"), t(f"state.{v}", "de")}}
GERMAN_DATE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")
GERMAN_TIME = re.compile(r"^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$")
PROTO_TEXT = {"label", "body", "help", "placeholder", "delta", "content", "options", "default", "value", "caption"}
CHART_TEXT = {"text", "ticktext", "name", "hovertext", "x", "y"}


def chart_texts(spec: str) -> list[str]:
    """The words of a plotly chart: titles, labels, ticks, legend names, annotations, hover texts."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("customdata", "template", "hovertemplate", "meta"):
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in CHART_TEXT:
            found.append(re.sub(r"<[^>]+>", " ", value))

    figure = json.loads(spec)
    walk(figure.get("data", []))
    walk(figure.get("layout", {}))
    return found


def table_texts(node) -> list[str]:
    """The headings and the written cells of a table as shown: a column's label where it is given one, a
    choice column's cells by the labels of their values, hidden columns left out."""
    frame: pd.DataFrame = node.value
    config = {name: c for name, c in json.loads(node.proto.columns or "{}").items() if isinstance(c, dict)}
    found = [str(i) for i in frame.index if isinstance(i, str)] + [str(frame.index.name or "")]
    for name in frame.columns:
        shown = config.get(str(name), {})
        if shown.get("hidden"):
            continue
        found.append(shown.get("label") or str(name))
        choices = {o["value"]: o["label"] for o in shown.get("type_config", {}).get("options", []) if "label" in o}
        for cell in frame[name]:
            for value in cell if isinstance(cell, list) else [cell]:
                if isinstance(value, str):
                    found.append(choices.get(value, value))
    return found


def proto_texts(value, key: str = "") -> list[str]:
    """The readable strings of an element's proto (as a dict): labels, bodies, options, help texts …"""
    if isinstance(value, dict):
        return [text for k, v in value.items() for text in proto_texts(v, k)]
    if isinstance(value, list):
        return [text for v in value for text in proto_texts(v, key)]
    return [value] if isinstance(value, str) and key in PROTO_TEXT else []


def texts(at: AppTest) -> list[str]:
    """Every text of the page (main area and sidebar) that a user can read."""
    found = []
    for node in at:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if node.type == "dataframe":
            found += table_texts(node)
        elif node.type == "plotly_chart":
            found += chart_texts(proto.spec)
        else:
            found += proto_texts(MessageToDict(proto, preserving_proto_field_name=True))
    return [text for text in found if text.strip()]


def column(at: AppTest, heading: str) -> list:
    """The cells of the column headed ``heading`` (its name, or the label it is given) of the first table with one."""
    for node in at.dataframe:
        labels = {c.get("label"): name for name, c in json.loads(node.proto.columns or "{}").items()}
        name = heading if heading in node.value.columns else labels.get(heading)
        if name in node.value.columns:
            return list(node.value[name])
    raise LookupError(heading)


def column_format(at: AppTest, heading: str) -> str:
    """The display format a table gives its column labelled ``heading``."""
    for node in at.dataframe:
        config = json.loads(node.proto.columns or "{}")
        for c in config.values():
            if c.get("label") == heading:
                return c.get("type_config", {}).get("format", "")
    raise LookupError(heading)


def english_decimals(at: AppTest) -> list[str]:
    """The cells of the tables' decimal columns that are written with a point: by the page, or by the browser
    where the page leaves a number to it with Streamlit's default format (1.92 whatever language either speaks).
    An editable column formatted "localized" is written the browser's way: 1,92 in a German browser."""
    found = []
    for node in at.dataframe:
        frame = node.value
        written = shown(node) if node.proto.arrow_data.styler.display_values else None
        config = {name: c for name, c in json.loads(node.proto.columns or "{}").items() if isinstance(c, dict)}
        for name in frame.columns:
            localized = config.get(str(name), {}).get("type_config", {}).get("format") == "localized"
            if not pd.api.types.is_float_dtype(frame[name]) or localized:
                continue
            if written is None:
                found += [f"{name}: {v}" for v in frame[name] if pd.notna(v) and v != int(v)]
            else:
                found += [f"{name}: {v}" for v in written[name] if re.search(r"\d\.\d", str(v))]
    return found


def assert_german(at: AppTest, where: str) -> list[str]:
    """The page reads in German: no raw key, no raw vocabulary, no English change summary, no decimal point."""
    assert not at.exception, (where, at.exception)
    assert english_decimals(at) == [], where
    shown = texts(at)
    assert len(shown) > 10, where
    assert [s for s in shown if s in KEYS or KEY_LIKE.search(s)] == [], where
    assert [s for s in shown if s.strip() in RAW] == [], where
    assert [s for s in shown if ENGLISH_SUMMARY.search(s)] == [], where
    return shown


@pytest.fixture
def demo(db) -> dict[str, str]:
    """The demo journeys of a first start (the broadband as-is with scores, ideas and surveys; its to-be; the e-bike)."""
    broadband, ebike, to_be = store.seed_demo_journeys(session=db)
    db.rollback()
    return {"broadband": broadband, "ebike": ebike, "to-be": to_be}


def choose(at: AppTest, key: str, value) -> AppTest:
    """Choose ``value`` in the widget ``key`` (a view switch, a selectbox …) as a user does, and rerun."""
    [found] = [node for node in at if getattr(node, "key", None) == key and hasattr(node, "set_value")]
    return found.set_value(value).run()


def visit(at: AppTest, page: str, journey: str | None = None, lang: str = "de", **state) -> AppTest:
    at.query_params["lang"] = lang
    if journey:
        at.query_params["journey"] = journey
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page)
    return at.run()


def test_review_in_german_every_view_and_every_roll_up(app, demo):
    """Review: the metrics with a decimal comma, every view, roll-ups by stage, channel, owner and persona."""
    english = AppTest.from_file(str(APP), default_timeout=30)
    total_en = {m.label: m.value for m in visit(english, "pages/review.py", demo["broadband"], "en").metric}
    at = visit(app, "pages/review.py", demo["broadband"])
    metrics = {m.label: m.value for m in at.metric}
    total = metrics[t("review.total", "de")]
    assert re.fullmatch(r"\d+,\d\d", total) and total == total_en["Journey weakness (sum)"].replace(".", ",")
    for view in ("heatmap", "weakest", "matrix", "emotions", "diagnostics"):
        shown = assert_german(choose(at, "review.view", view), f"review {view}")
        if view == "diagnostics":
            assert any(re.search(r"\(Schwäche \d+,\d\d\)", s) for s in shown)
            assert any(re.search(r"\(\d+\xa0% der Kunden\)", s) for s in shown)
    choose(at, "review.view", "rollups")
    for group in ("stage", "channel", "owner", "persona"):
        shown = assert_german(choose(at, "review.rollup", group), f"review roll-up by {group}")
        assert t(f"group.{group}", "de") in shown
    assert "Telefon" in texts(choose(at, "review.rollup", "channel"))


def test_editor_in_german_every_section_the_unsaved_line_history_and_a_conflict(app, demo):
    """Editor: every section, what is unsaved, the history after a save, and a conflict, all in German."""
    jid = demo["broadband"]
    at = visit(app, "pages/editor.py", jid)
    for section in ("touchpoints", "transitions", "stages", "personas", "history"):
        assert_german(show(at, section), f"editor {section}")
    show(at, "touchpoints")
    edit(at, "touchpoints", edited={8: {"name": "Service-Hotline anrufen"}})
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert "Touchpoint Service-Hotline anrufen geändert" in captions
    assert_german(at, "editor unsaved")
    at.button(key="editor.save").click().run()
    show(at, "history")
    assert_german(at, "editor history")
    changes = column(at, t("editor.col.summary", "de"))
    assert changes == ["Touchpoint Service-Hotline anrufen geändert", "angelegt"]
    assert all(GERMAN_TIME.match(when) for when in column(at, t("editor.col.time", "de")))

    other = AppTest.from_file(str(APP), default_timeout=30)
    other.session_state["author"] = "Zweite Person"
    visit(other, "pages/editor.py", jid)
    show(at, "touchpoints")
    edit(at, "touchpoints", edited={0: {"owner": "Wachstumsteam"}})
    at.button(key="editor.save").click().run()
    edit(other, "touchpoints", edited={0: {"owner": "Vertrieb"}})
    other.button(key="editor.save").click().run()
    assert_german(other, "editor conflict")
    [message] = [e.value for e in other.error]
    assert "jetzt Version 3" in message and "1 Ihrer Änderungen" in message
    [choice] = [r for r in other.radio if r.key.startswith("editor.conflict.")]
    assert choice.label == "Touchpoint Tariff comparison portal · Verantwortlich"
    assert choice.options == ["Meins: Vertrieb", "Test User: Wachstumsteam"]
    assert other.button(key="editor.conflict_apply").label == "Mit dieser Auswahl speichern"


def test_library_in_german_every_view(app, db, demo):
    """Journeys: the list (with German dates), a new journey, import, and the trash."""
    store.delete_journey(session=db, journey_id=demo["ebike"], author="Test User")
    at = visit(app, "pages/library.py")
    assert_german(at, "library list")
    assert column_format(at, t("library.col.updated", "de")) == "DD.MM.YYYY, HH:mm"
    for view in ("create", "import", "trash"):
        assert_german(choose(at, "library.view", view), f"library {view}")
    assert column_format(at, t("library.col.deleted", "de")) == "DD.MM.YYYY, HH:mm"


def test_scoring_in_german(app, db, demo):
    """Scoring: the rater's table, the progress and the consensus, in every stage."""
    at = visit(app, "pages/scoring.py", demo["broadband"])
    G, _ = store.load_journey(session=db, journey_id=demo["broadband"])
    for stage in [s["id"] for s in G.graph["stages"]][:3]:
        assert_german(choose(at, f"scoring.stage.{demo['broadband']}", stage), f"scoring {stage}")


def test_ideas_in_german_both_views_a_form_and_a_conflict(app, db, demo):
    """Ideas: the matrix, the scoring view, a new idea's form, and a conflict with its German date."""
    jid = demo["broadband"]
    at = visit(app, "pages/ideas.py", jid)
    assert_german(at, "ideas matrix")
    assert_german(choose(at, "ideas.view", "rate"), "ideas rate")
    at.query_params["touchpoint"] = "hotline"
    shown = assert_german(at.run(), "ideas new")
    assert any(re.search(r"\(Schwäche \d+,\d\d\)", s) for s in shown)

    other = AppTest.from_file(str(APP), default_timeout=30)
    other.session_state["author"] = "Olga"
    mine = select_row(visit(app, "pages/ideas.py", jid), jid)
    theirs = select_row(visit(other, "pages/ideas.py", jid), jid)
    widget(theirs, "text_input", t("ideas.field.title", "de")).input("Rückruf binnen einer Stunde")
    next(b for b in theirs.button if b.label == t("ideas.save", "de")).click().run()
    widget(mine, "text_input", t("ideas.field.title", "de")).input("Rückruf, online gebucht")
    next(b for b in mine.button if b.label == t("ideas.save", "de")).click().run()
    assert_german(mine, "ideas conflict")
    [message] = [e.value for e in mine.error]
    assert re.match(r"Olga hat diese Idee am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} geändert", message), message
    assert ideas.list_ideas(session=db, journey_id=jid)


def test_surveys_in_german_every_view(app, demo):
    """Surveys: the list with German dates, every result view, and the import."""
    at = visit(app, "pages/surveys.py", demo["broadband"])
    assert_german(at, "surveys results")
    assert all(GERMAN_DATE.match(day) for day in column(at, t("surveys.col.date", "de")))
    for view in ("matrix", "trend", "drivers", "latest"):
        shown = assert_german(choose(at, "surveys.results", view), f"surveys {view}")
        if view == "latest":
            assert all(GERMAN_DATE.match(day) for day in column(at, t("survey.surveyed_on", "de")))
            assert any(re.fullmatch(r"\d,\d\d", s) for s in column(at, t("surveys.col.measured", "de")))
        if view == "trend":
            assert any(GERMAN_DATE.match(s) for s in shown)  # the survey dates under the chart
    assert_german(choose(at, "surveys.view", "import"), "surveys import")


def test_compare_in_german_every_view(app, demo):
    """Compare: the to-be against its as-is, the metrics with decimal commas, every view."""
    at = visit(app, "pages/compare.py", demo["to-be"])
    metrics = {m.label: (m.value, m.proto.delta) for m in at.metric}
    value, delta = metrics[t("compare.total", "de")]
    assert re.fullmatch(r"\d+,\d\d → \d+,\d\d", value) and re.match(r"[-+]\d+,\d\d \([-+]\d+\xa0%\)", delta), metrics
    for view in ("touchpoints", "stages", "emotions", "changes"):
        assert_german(choose(at, "compare.view", view), f"compare {view}")


def test_portfolio_in_german_every_grouping(app, demo):
    """Portfolio: the heatmap by journey, channel and owner against stage and channel, and the weakest touchpoints."""
    at = visit(app, "pages/portfolio.py")
    assert_german(at, "portfolio")
    assert "Telefon" in column(at, t("group.channel", "de"))
    for rows, columns in (("channel", "stage"), ("owner", "channel"), ("journey", "channel")):
        choose(at, "portfolio.rows", rows)
        shown = assert_german(choose(at, "portfolio.columns", columns), f"portfolio {rows} × {columns}")
        assert "Telefon" in shown
    assert_german(choose(at, "portfolio.channel", "phone"), "portfolio filtered by channel")


def test_export_in_german(app, demo):
    """Export: the buttons, their help and the Mermaid text to copy."""
    at = visit(app, "pages/export.py", demo["broadband"])
    assert_german(at, "export")


def test_the_checks_see_a_raw_key_and_an_english_summary():
    """The checks above are not vacuous: a key, a key-like text, a raw channel and an English summary are caught."""
    assert KEY_LIKE.search("Roll up by group.persona") and not KEY_LIKE.search("docs/scoring.md, store.cli")
    assert "review.title" in KEYS and "phone" in RAW and "as-is" in RAW and "Web" not in RAW
    assert ENGLISH_SUMMARY.search("changed touchpoint Call the hotline") and ENGLISH_SUMMARY.search("created")
    assert not ENGLISH_SUMMARY.search("Touchpoint Call the hotline geändert")
