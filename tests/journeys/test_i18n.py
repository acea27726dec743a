"""English and German say the same things, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from journeys import i18n
from journeys.i18n import LANGUAGES, MESSAGES, missing_keys, t
from journeys.model.graph import CHANNELS, EVIDENCE, NEED_KINDS, STATES
from journeys.model.templates import STAGE_SETS

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


def test_languages_have_the_same_keys():
    """No language lacks a key another one has."""
    assert missing_keys() == {}


def test_every_language_has_a_table():
    """Every language offered to the user has its translation table."""
    assert set(MESSAGES) == set(LANGUAGES)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("key", VOCABULARY)
def test_vocabulary_is_translated(key, lang):
    """Every stage, stage set, channel, need kind, evidence and state has a non-blank text in each language."""
    assert MESSAGES[lang].get(key, "").strip()


@pytest.mark.parametrize("key", sorted(MESSAGES["en"]))
def test_placeholders_match(key):
    """A translation fills in exactly the placeholders of the English text."""
    for lang, table in MESSAGES.items():
        assert placeholders(table.get(key, "")) == placeholders(MESSAGES["en"][key]), lang


def test_unknown_language_falls_back_to_english():
    """An unsupported language shows English rather than failing."""
    assert t("stage.support", "fr") == MESSAGES["en"]["stage.support"]
    assert t("stage.support", "de") == "Service"


def test_unknown_key_is_shown_as_is():
    """A key with no text shows up as the key, so a missing translation is visible instead of crashing."""
    assert t("no.such.key", "de") == "no.such.key"


def test_values_are_filled_in(monkeypatch):
    """Placeholders are filled from keyword arguments."""
    monkeypatch.setitem(MESSAGES["de"], "test.greeting", "Hallo {name}")
    assert t("test.greeting", "de", name="Jörg") == "Hallo Jörg"


def test_missing_key_is_detected(monkeypatch):
    """A key added to one language only is reported for the other one."""
    monkeypatch.setitem(i18n.MESSAGES["en"], "test.only-english", "Only in English")
    assert missing_keys() == {"de": {"test.only-english"}}


def test_placeholder_helper_sees_every_name():
    """The placeholder check sees formatted and repeated names and ignores escaped braces."""
    assert placeholders("{name} has {count:d} {{braces}} {name}") == {"name", "count"}
