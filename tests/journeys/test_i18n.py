"""The translation files say the same things in every language, and numbers, plurals and dates read as each language writes them."""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from hypothesis import assume, given
from hypothesis import strategies as st

from journeys import i18n
from journeys.i18n import LANGUAGES, MESSAGES, date, datetime, formatted, label, missing_keys, number, percent, t
from journeys.model.graph import CHANNELS, EVIDENCE, NEED_KINDS, STATES
from journeys.model.templates import STAGE_SETS

NBSP = "\xa0"
VOCABULARY = (
    [f"stage.{s}" for stages in STAGE_SETS.values() for s in stages]
    + [f"stageset.{s}" for s in STAGE_SETS]
    + [f"channel.{c}" for c in CHANNELS]
    + [f"kind.{k}" for k in NEED_KINDS]
    + [f"evidence.{e}" for e in EVIDENCE]
    + [f"state.{s}" for s in STATES]
)


def placeholders(text: str) -> set[str]:
    """The names of the {placeholders} in text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def forms(text: str | dict) -> dict[str, str]:
    """A text's forms by plural category; a plain text is its one form, "other"."""
    return text if isinstance(text, dict) else {"other": text}


def file_keys(lang: str) -> list[str]:
    """The keys of a language file in the order the file lists them."""
    with (i18n.FOLDER / f"{lang}.toml").open("rb") as file:
        return list(i18n._flatten(tomllib.load(file)))


# --- the files ---


def test_languages_have_the_same_keys():
    """No language lacks a key another one has."""
    assert missing_keys() == {}


def test_missing_key_is_detected(monkeypatch):
    """A key added to one language only is reported for the other one."""
    monkeypatch.setitem(MESSAGES["en"], "test.only-english", "Only in English")
    assert missing_keys() == {"de": {"test.only-english"}}


def test_files_list_the_keys_in_the_same_order():
    """One text is found at the same place in every file: the same tables, the same keys, in the same order."""
    english = file_keys("en")
    assert len(english) == len(set(english)) > 700
    for lang in LANGUAGES:
        assert file_keys(lang) == english, lang


def test_every_language_has_a_file_and_a_name():
    """Every language offered to the user is one file; the switch names it in its own language."""
    assert {path.stem for path in i18n.FOLDER.glob("*.toml")} == set(MESSAGES) == set(LANGUAGES)
    assert (LANGUAGES["en"], LANGUAGES["de"]) == ("English", "Deutsch")
    assert next(iter(LANGUAGES)) == "en"


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("key", VOCABULARY)
def test_vocabulary_is_translated(key, lang):
    """Every stage, stage set, channel, need kind, evidence and state has a non-blank text in each language."""
    assert isinstance(MESSAGES[lang].get(key), str) and MESSAGES[lang][key].strip()


@pytest.mark.parametrize("key", sorted(MESSAGES["en"]))
def test_placeholders_match(key):
    """A translation fills in exactly the placeholders of the English text; a singular may leave out the count."""
    english = forms(MESSAGES["en"][key])
    wanted = set().union(*map(placeholders, english.values()))
    for lang, table in MESSAGES.items():
        found = forms(table[key])
        assert placeholders(found["other"]) == placeholders(english["other"]), lang
        for form in found.values():
            assert wanted - {"count"} <= placeholders(form) <= wanted, (lang, form)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_plurals_use_the_categories_of_their_language(lang):
    """A plural names only the CLDR categories its language has (English and German: one, other) and has "other"."""
    categories = Locale.parse(lang).plural_form.tags | {"other"}
    plurals = {key: text for key, text in MESSAGES[lang].items() if isinstance(text, dict)}
    assert len(plurals) >= 10
    for key, text in plurals.items():
        assert "other" in text and set(text) <= categories, key
        assert isinstance(MESSAGES["en"][key], dict), f"{key}: a plural only where English has one"


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_no_text_makes_a_plural_by_brackets(lang):
    """Plurals are real plurals: no "touchpoint(s)", "Problem(e)", "Idee(n)" or "Übergang/Übergänge"."""
    texts = [form for text in MESSAGES[lang].values() for form in forms(text).values()]
    assert [text for text in texts if re.search(r"\w\((s|e|n|en|er)\)|Übergang/", text)] == []


# --- t ---


def test_unknown_language_falls_back_to_english():
    """An unsupported language shows English rather than failing."""
    assert t("stage.support", "fr") == MESSAGES["en"]["stage.support"]
    assert t("stage.support", "de") == "Service"
    assert t("review.worst", "fr", w=1.5) == "Path that hurts the most (weakness 1.50)"


def test_unknown_key_is_shown_as_is():
    """A key with no text shows up as the key, so a missing translation is visible instead of crashing."""
    assert t("no.such.key", "de") == "no.such.key"


def test_values_are_filled_in(monkeypatch):
    """Placeholders are filled from keyword arguments."""
    monkeypatch.setitem(MESSAGES["de"], "test.greeting", "Hallo {name}")
    assert t("test.greeting", "de", name="Jörg") == "Hallo Jörg"


def test_placeholder_helper_sees_every_name():
    """The placeholder check sees formatted and repeated names and ignores escaped braces."""
    assert placeholders("{name} has {count:d} {{braces}} {name}") == {"name", "count"}


@pytest.mark.parametrize(
    ("key", "count", "english", "german"),
    [
        ("scoring.saved", 1, "Saved your scores of 1 touchpoint.", "Ihre Bewertung von 1 Touchpoint ist gespeichert."),
        (
            "scoring.saved",
            3,
            "Saved your scores of 3 touchpoints.",
            "Ihre Bewertung von 3 Touchpoints ist gespeichert.",
        ),
        (
            "scoring.saved",
            0,
            "Saved your scores of 0 touchpoints.",
            "Ihre Bewertung von 0 Touchpoints ist gespeichert.",
        ),
        ("editor.problems", 1, "1 problem to fix before saving", "1 Problem vor dem Speichern zu beheben"),
        ("editor.problems", 2, "2 problems to fix before saving", "2 Probleme vor dem Speichern zu beheben"),
        ("ideas.rate_saved", 1, "Saved your scores of 1 idea.", "Ihre Bewertung von 1 Idee ist gespeichert."),
        ("ideas.rate_saved", 12, "Saved your scores of 12 ideas.", "Ihre Bewertung von 12 Ideen ist gespeichert."),
    ],
)
def test_plural_forms_follow_the_count(key, count, english, german):
    """One and other: a plural takes the form the count calls for, in each language's own rules."""
    assert t(key, "en", count=count) == english
    assert t(key, "de", count=count) == german


def test_a_singular_may_leave_the_count_out():
    """German says "das aufgeführte Problem" for one and counts from two on."""
    assert t("editor.save_blocked", "de", count=1) == "Nicht gespeichert: Bitte zuerst das aufgeführte Problem beheben."
    assert t("editor.save_blocked", "de", count=4).startswith("Nicht gespeichert: Bitte zuerst die 4 aufgeführten")


def test_numbers_in_texts_read_as_the_language_writes_them():
    """A placeholder with a number format takes the language's decimal sign and percent sign."""
    assert t("review.worst", "en", w=1.918) == "Path that hurts the most (weakness 1.92)"
    assert t("review.worst", "de", w=1.918) == "Weg mit der größten Schwäche (Schwäche 1,92)"
    assert t("review.likely", "en", p=0.45) == "Most likely path (45% of customers)"
    assert t("review.likely", "de", p=0.45) == f"Wahrscheinlichster Weg (45{NBSP}% der Kunden)"
    assert t("map.share", "de", share=0.4) == f"40{NBSP}%"
    assert t("ideas.touchpoint_option", "de", name="Hotline", weakness=0.4131) == "Hotline (Schwäche 0,41)"


def test_dates_in_texts_read_as_the_language_writes_them():
    """A date placeholder is written in the language's order: the slide's subtitle."""
    day = dt.date(2025, 3, 14)
    assert t("export.subtitle", "en", journey="J", state="as-is", date=day) == "J · as-is · Mar 14, 2025"
    assert t("export.subtitle", "de", journey="J", state="Ist", date=day) == "J · Ist · 14.03.2025"
    assert t("export.portfolio_subtitle", "de", count=1, date=day) == "1 Journey · 14.03.2025"


# --- numbers, percentages, signs, dates ---


@pytest.mark.parametrize(
    ("value", "spec", "english", "german"),
    [
        (1.918, ".2f", "1.92", "1,92"),
        (0.45, ".0%", "45%", f"45{NBSP}%"),
        (0.3, "+.2f", "+0.30", "+0,30"),
        (-0.3, "+.2f", "-0.30", "-0,30"),
        (0.0, "+.2f", "+0.00", "+0,00"),
        (-0.125, "+.1%", "-12.5%", f"-12,5{NBSP}%"),
        (2.5, "", "2.5", "2,5"),
        (7, "", "7", "7"),
        (1234567, ",", "1,234,567", "1.234.567"),
        (1234.5, ",.2f", "1,234.50", "1.234,50"),
        (1234.5, ".1f", "1234.5", "1234,5"),
        (1.05, "g", "1.05", "1,05"),
        (2.0, "g", "2", "2"),
        (20.5, ".1f", "20.5", "20,5"),
        (9, "d", "9", "9"),
        (float("nan"), ".2f", "nan", "nan"),
        ("text", "", "text", "text"),
        (True, "", "True", "True"),
    ],
)
def test_formatted_numbers(value, spec, english, german):
    """The format mini-language's numbers in English and German: decimals, percentages, signs, grouping."""
    assert formatted(value, spec, "en") == english
    assert formatted(value, spec, "de") == german


@given(
    st.floats(-1e7, 1e7, allow_nan=False),
    st.sampled_from([".0f", ".1f", ".2f", ".3f", "+.2f", ".0%", ".1%", "+.0%", "g", "+g"]),
    st.sampled_from(sorted(LANGUAGES)),
)
def test_the_quick_way_writes_what_the_language_pattern_writes(value, spec, lang):
    """Numbers written with Python's formatting and the language's signs read exactly as Babel's pattern writes
    them (but for a decimal tie such as 2.675, which Python rounds by the float's true value, as always)."""
    places = int(spec.strip("+gf%.") or 0) + (2 if spec.endswith("%") else 0)
    if not spec.endswith("g"):
        exact = Decimal(repr(value)).scaleb(places)
        assume(exact - exact.to_integral_value(ROUND_FLOOR) != Decimal("0.5"))
    assert i18n._plain(lang, spec) is not None  # the quick way is taken for these
    assert formatted(value, spec, lang) == i18n._by_pattern(value, spec, lang)


def test_number_and_percent_helpers():
    """Pages and charts that write a number themselves get the same as a text would."""
    assert (number(1.918, "de", 2), number(1.918, "en", 2)) == ("1,92", "1.92")
    assert (number(0.3, "de", 2, sign=True), number(-0.3, "en", 2, sign=True)) == ("+0,30", "-0.30")
    assert (number(3.0, "de"), number(3.5, "de"), number(12345.5, "de", 1, group=True)) == ("3", "3,5", "12.345,5")
    assert (percent(0.45, "en"), percent(0.45, "de"), percent(0.125, "de", 1, sign=True)) == (
        "45%",
        f"45{NBSP}%",
        f"+12,5{NBSP}%",
    )


def test_numbers_past_what_babel_holds_are_written_as_python_writes_them():
    """A hostile file's 1e300 or 10**400 in a message is written out, never a traceback."""
    assert number(1e300, "de") == "1e+300" and number(1e300, "de", 2).endswith(",00")
    assert number(10**400, "de") == str(10**400)
    assert t("survey.invalid.aggregate", "de", what="x", field="mean", value=1e300, lo=1, hi=5)


def test_dates_and_times():
    """A date or a moment as each language writes it; a moment keeps its own time zone."""
    day = dt.date(2026, 11, 23)
    assert (date(day, "en"), date(day, "de")) == ("Nov 23, 2026", "23.11.2026")
    moment = dt.datetime(2026, 11, 23, 13, 5, tzinfo=dt.UTC)
    assert datetime(moment, "de") == "23.11.2026, 13:05"
    assert datetime(moment, "en").replace("\u202f", " ") == "Nov 23, 2026, 1:05 PM"
    berlin = moment.astimezone(ZoneInfo("Europe/Berlin"))
    assert datetime(berlin, "de") == "23.11.2026, 14:05"
    assert formatted(moment, "", "de") == "23.11.2026, 13:05" and formatted(day, "short", "de") == "23.11.26"


def test_formats_for_the_browser_and_for_plotly():
    """Tables and charts that format in the browser get the same order and signs, from the same CLDR data."""
    assert i18n.moment_format("de") == "DD.MM.YYYY, HH:mm"
    assert i18n.moment_format("en").replace("\u202f", " ") == "MMM D, YYYY, h:mm A"
    assert i18n.moment_format("de", time=False) == "DD.MM.YYYY"
    assert (i18n.date_input_format("en"), i18n.date_input_format("de")) == ("MM/DD/YYYY", "DD.MM.YYYY")
    assert (i18n.plotly_separators("en"), i18n.plotly_separators("de")) == (".,", ",.")


def test_moment_format_refuses_what_it_cannot_say():
    """A CLDR letter with no moment.js token is an error, not a wrong date on screen."""
    with pytest.raises(ValueError, match=r"moment\.js"):
        i18n._to_moment("QQQ y")
    assert i18n._to_moment("d 'de' MMMM 'de' y") == "D [de] MMMM [de] YYYY"


def test_vocabulary_labels_fall_back_to_the_value():
    """A channel the workbench knows is translated; one the team typed stays as typed; no key ever shows."""
    assert label("channel", "phone", "de") == "Telefon"
    assert label("channel", "Chat", "de") == "Chat"
    assert label("state", "to-be", "de") == "Soll"
    assert label("channel", None, "de") == ""
