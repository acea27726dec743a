"""A survey file: customers' ratings per touchpoint, read, mapped to the journey and checked.

The way from a file to a :class:`journeys.analysis.survey.SurveySummary` (what
:mod:`store.surveys` stores; the formats and the method are in docs/surveys.md):

1. :func:`read_csv` reads a CSV file (``,`` ``;`` or tab; UTF-8 with or without BOM, UTF-16,
   else cp1252 or Mac Roman as charset-normalizer tells them apart) into a table of text
   whose index is the row number a spreadsheet shows.
2. :func:`responses` makes it one row per response; a long file (response, touchpoint,
   rating) is pivoted so that every touchpoint named in it becomes a column.
3. :func:`suggest_mapping` proposes a :class:`Target` for every column; the user corrects it.
4. :func:`check` lists every bad row; :func:`summarize` aggregates, refusing bad rows
   unless told to skip them, with the driver analysis of :func:`drivers`.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re
from datetime import date
from typing import NamedTuple

import networkx as nx
import numpy as np
import pandas as pd

from journeys.analysis.survey import OVERALL, SCALES, SurveySummary, aggregate, drivers
from journeys.i18n import t
from journeys.model.text import bad_character, brief, escaped, first_bad

__all__ = [
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_HEADER",
    "SurveyInvalid",
    "RowProblem",
    "Target",
    "Responses",
    "read_csv",
    "responses",
    "suggest_mapping",
    "check_mapping",
    "check",
    "summarize",
    "row_list",
    "latest_date",
]

MAX_BYTES = 10 * 2**20
MAX_NAME = 200
# What one file may cost: every column is mapped, dated and checked, every row counted (docs/surveys.md).
MAX_COLUMNS = 500  # of a wide file, and touchpoints named in a long one
MAX_ROWS = 100_000  # rows after the header
MAX_HEADER = 1_000  # characters of a header cell (a question's whole text fits)
MAX_CELL = 10_000  # characters of any other cell
DELIMITERS = (",", ";", "\t")
MISSING = {"", "na", "n/a", "n.a.", "k.a.", "k. a.", "-", "–", "—"}  # an unanswered question, not a bad value
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
# squashed header words (see _squash) that name the overall rating, and those that hint at a scale
OVERALL_WORDS = ("overall", "gesamt", "insgesamt", "total", "nps", "recommend", "empfehl", "weiterempfehl")
SCALE_WORDS = {
    "nps": ("nps", "recommend", "empfehl"),
    "ces": ("ces", "effort", "aufwand", "easy", "einfach"),
    "csat": ("csat", "satisf", "zufrieden"),
}
LONG_COLUMNS = {  # a long file names its columns like these
    "response": ("response", "responseid", "respondent", "respondentid", "antwort", "antwortid", "befragter", "id"),
    "touchpoint": ("touchpoint", "touchpointkey", "touchpointname", "kontaktpunkt"),
    "rating": ("rating", "score", "value", "bewertung", "wert", "punkte", "note"),
}


class SurveyInvalid(ValueError):
    """A file or mapping that cannot be imported; ``text(lang)`` says why in English or German."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        return _shown(t(f"survey.invalid.{self.code}", lang, **_brief(self.params)))


@dataclasses.dataclass(frozen=True)
class RowProblem:
    """One bad row: its number as a spreadsheet shows it (header = 1), the column and what is wrong."""

    line: int
    column: str
    code: str  # not_a_number | out_of_range | unknown_touchpoint | duplicate
    value: str = ""
    params: dict = dataclasses.field(default_factory=dict, compare=False)

    def text(self, lang: str = "en") -> str:
        values = _brief({"line": self.line, "column": self.column, "value": self.value, **self.params})
        return _shown(t(f"survey.problem.{self.code}", lang, **values))


def _brief(params: dict) -> dict:
    """A file's values as a message quotes them: a long cell cut short."""
    return {k: brief(v, 100) for k, v in params.items()}


def _shown(text: str) -> str:
    """A message with the control characters of a file's cells written as escapes (\\x1b)."""
    return escaped(text)


class Target(NamedTuple):
    """What a column holds: ``target`` is :data:`OVERALL`, a touchpoint key or None (ignored)."""

    target: str | None
    scale: str = "csat"


@dataclasses.dataclass(frozen=True)
class Responses:
    """A file's answers: ``values`` has one row per response (indexed by its first row
    number) for the preview and the mapping; ``cells`` holds every answer with its row."""

    values: pd.DataFrame
    cells: pd.DataFrame  # columns response, column, line, value (text)
    long: bool = False
    touchpoint_column: str = ""  # long files: the column naming the touchpoint
    overall_column: str = ""  # long files: the column holding the overall rating, if any
    problems: tuple[RowProblem, ...] = ()  # long files: rows naming no touchpoint, or one a second time


def _squash(text: str) -> str:
    """Lower case without spaces or punctuation, to compare headers with names.

    >>> _squash(" Call the Hotline! "), _squash("install-router")
    ('callthehotline', 'installrouter')
    """
    return re.sub(r"[\W_]+", "", str(text).casefold())


ENCODINGS = ("utf_16_le", "utf_16_be", "cp1252", "mac_roman")
"""What a survey file that is not UTF-8 may be written in (told apart by charset-normalizer): UTF-16 without a
byte order mark, German Excel on Windows, and on a Mac."""


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:  # an odd number of bytes, or half of a surrogate pair
            raise SurveyInvalid("utf16") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:  # not UTF-8, or UTF-16 without its byte order mark
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=list(ENCODINGS)).best()
        if best is None and text is None:
            raise SurveyInvalid("encoding")
        if best is None:
            raise SurveyInvalid("binary")
        text = str(best)
    if "\x00" in text:  # a binary file
        raise SurveyInvalid("binary")
    return text


def _records(text: str, delimiter: str):
    """The rows of a CSV text, within the limits of rows, columns and cell length; SurveyInvalid for what is not."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = 0
    try:
        for row in reader:
            rows += any(f.strip() for f in row)
            if rows > MAX_ROWS + 1:  # the header and MAX_ROWS responses
                raise SurveyInvalid("too_many_rows", max=MAX_ROWS)
            if len(row) > MAX_COLUMNS:
                raise SurveyInvalid("too_many_columns", n=len(row), max=MAX_COLUMNS)
            if any(len(f) > MAX_CELL for f in row):
                raise SurveyInvalid("cell_too_long", row=reader.line_num, max=MAX_CELL)
            yield row
    except csv.Error as exc:  # a quote left open, or a cell past the csv module's own limit of 131,072 characters
        if "field larger than field limit" in str(exc):
            raise SurveyInvalid("cell_too_long", row=reader.line_num, max=MAX_CELL) from None
        raise SurveyInvalid("not_a_table") from None


def _delimiter(first: str) -> str:
    """The one of ``DELIMITERS`` that splits the header line into the most columns (counted, when csv cannot split it)."""
    try:
        return max(DELIMITERS, key=lambda d: len(next(csv.reader([first], delimiter=d))))
    except csv.Error:  # a cell too long for the csv module: the limits refuse the file with the reason
        return max(DELIMITERS, key=first.count)


def _column_letter(i: int) -> str:
    """Spreadsheet name of the column at 0-based ``i``: A … Z, AA …

    >>> _column_letter(0), _column_letter(27)
    ('A', 'AB')
    """
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def row_list(lines, limit: int = 12) -> str:
    """The row numbers as a short list.

    >>> row_list([3, 5, 8], limit=2)
    '3, 5 …'
    """
    lines = list(lines)
    return ", ".join(map(str, lines[:limit])) + (" …" if len(lines) > limit else "")


def read_csv(data: bytes) -> pd.DataFrame:
    """Return the CSV file ``data`` as a table of stripped text, indexed by the row number (header = 1).

    The delimiter is the one of ``,`` ``;`` and tab that splits the header into the most
    columns. Empty rows are left out, short rows are filled up with empty answers.

    Examples
    --------
    >>> frame = read_csv("Gesamt;Hotline\\r\\n4;5\\r\\n\\r\\n2,5;1\\r\\n".encode("cp1252"))
    >>> frame.index.tolist(), frame["Gesamt"].tolist()
    ([2, 4], ['4', '2,5'])
    """
    if len(data) > MAX_BYTES:
        raise SurveyInvalid("too_large", size=len(data) / 2**20, limit=MAX_BYTES // 2**20)
    text = _decode(data)
    if not text.strip():
        raise SurveyInvalid("empty")
    first = text.lstrip("\r\n").splitlines()[0]
    records = _records(text, _delimiter(first[: (MAX_HEADER + 3) * (MAX_COLUMNS + 1)]))
    numbered = [(i, [f.strip() for f in r]) for i, r in enumerate(records, start=1) if any(f.strip() for f in r)]
    if not numbered or len(numbered[0][1]) < 2:
        raise SurveyInvalid("not_a_table")
    (_, header), rows = numbered[0], numbered[1:]
    if not rows:
        raise SurveyInvalid("no_rows")
    names: list[str] = []
    for i, name in enumerate(header):
        if len(name) > MAX_HEADER:
            raise SurveyInvalid("header_too_long", column=_column_letter(i), max=MAX_HEADER)
        name = name or _column_letter(i)
        names.append(name if name not in names else f"{name} ({_column_letter(i)})")
    width = len(names)
    ragged = [line for line, fields in rows if any(fields[width:])]
    if ragged:
        raise SurveyInvalid("ragged", rows=row_list(ragged), columns=width)
    cells = [(fields + [""] * width)[:width] for _, fields in rows]
    return pd.DataFrame(cells, columns=names, index=pd.Index([line for line, _ in rows], name="row"), dtype=str)


def _long_columns(frame: pd.DataFrame) -> dict[str, str] | None:
    found = {}
    for role, words in LONG_COLUMNS.items():
        column = next((c for word in words for c in frame.columns if _squash(c) == word), None)
        if column is None:
            return None
        found[role] = column
    return found


def responses(frame: pd.DataFrame, G: nx.DiGraph | None = None) -> Responses:
    """Return the answers of :func:`read_csv`'s ``frame`` by response.

    A wide file is taken as it is. A long file (columns named like response, touchpoint
    and rating, see docs/surveys.md) is pivoted: each touchpoint it names becomes a column,
    under the touchpoint's name when it names one of ``G`` by key or name; other spellings
    that differ only in case, spaces or punctuation share a column.
    A column named like the overall rating is read on every row; per response the first
    overall answer counts (of the rows that are not skipped).

    Examples
    --------
    >>> frame = read_csv(b"response,touchpoint,rating,overall\\n7,hotline,2,3\\n7,Set up the router,4,3\\n8,hotline,5,")
    >>> answers = responses(frame)
    >>> answers.values.to_dict("index")
    {2: {'hotline': '2', 'Set up the router': '4', 'overall': '3'}, 4: {'hotline': '5', 'Set up the router': '', 'overall': ''}}
    """
    long = _long_columns(frame)
    if long is None:
        rows, columns = frame.shape
        lines = np.repeat(frame.index.to_numpy(), columns)
        cells = pd.DataFrame(
            {"response": lines, "column": np.tile(frame.columns.to_numpy(), rows), "line": lines,
             "value": frame.to_numpy().ravel()}
        )  # fmt: skip
        return Responses(values=frame, cells=cells.astype({"column": str, "value": str}))
    overall = next((c for c in frame.columns if c not in long.values() and _overall_word(c)), "")
    rows = pd.DataFrame(
        {"line": frame.index, "response": frame[long["response"]], "column": frame[long["touchpoint"]],
         "value": frame[long["rating"]], "overall": frame[overall] if overall else ""}
    ).reset_index(drop=True)  # fmt: skip
    # a row without a response id is a response of its own
    rows["response"] = rows["response"].where(rows["response"] != "", "#" + rows["line"].astype(str))
    rows["response"] = rows.groupby("response", sort=False)["line"].transform("min")
    rows["column"] = _spellings(rows["column"], G)
    if (named := rows["column"].nunique()) > MAX_COLUMNS:  # each becomes a column to map and check
        raise SurveyInvalid("too_many_touchpoints", n=named, max=MAX_COLUMNS)
    empty = rows["column"] == ""
    twice = rows.duplicated(["response", "column"]) & ~empty
    problems = [RowProblem(n, long["touchpoint"], "unknown_touchpoint", "") for n in rows.loc[empty, "line"]]
    problems += [
        RowProblem(n, long["touchpoint"], "duplicate", v)
        for n, v in rows.loc[twice, ["line", "column"]].itertuples(index=False)
    ]
    cells = rows.loc[~empty & ~twice, ["response", "column", "line", "value"]]
    if overall:
        given = rows.loc[rows["overall"] != "", ["response", "line", "overall"]]
        cells = pd.concat([cells, given.rename(columns={"overall": "value"}).assign(column=overall)], ignore_index=True)
    values = cells.drop_duplicates(["response", "column"]).pivot(index="response", columns="column", values="value")
    order = list(dict.fromkeys(cells["column"]))
    values = values.reindex(columns=order).fillna("").rename_axis(index="row", columns=None)
    return Responses(values, cells.reset_index(drop=True), True, long["touchpoint"], overall, tuple(problems))


def _spellings(values: pd.Series, G: nx.DiGraph | None) -> pd.Series:
    """One spelling per touchpoint named in a long file: the journey's name, else the first seen."""
    squashed = values.map(_squash).where(values.map(_squash) != "", values)
    canonical = (
        {}
        if G is None
        else {_squash(x): d.get("name") or k for k, d in G.nodes(data=True) for x in (k, d.get("name", ""))}
    )
    canonical.pop("", None)
    first = dict(zip(squashed[::-1], values[::-1], strict=True))
    return pd.Series([canonical.get(q) or first[q] for q in squashed], index=values.index, dtype=str)


def _overall_word(header: str) -> bool:
    return _mentions(header, OVERALL_WORDS)


def _numbers(column: pd.Series) -> pd.Series:
    """The numbers in a column of text (decimal comma allowed); NaN where there is none."""
    text = column.fillna("").str.strip().str.replace("−", "-")
    good = text.str.fullmatch(NUMBER.pattern)
    return pd.to_numeric(text.where(good).str.replace(",", "."), errors="coerce").astype(float)


def _mentions(header: str, words) -> bool:
    """Whether ``header`` has one of ``words``: short ones (NPS, CES) as a word, longer ones anywhere.

    >>> _mentions("Ordering process", ["ces"]), _mentions("CES: router", ["ces"]), _mentions("Weiterempfehlung", ["empfehl"])
    (False, True, True)
    """
    tokens, squashed = set(re.findall(r"\w+", str(header).casefold())), _squash(header)
    return any(word in tokens if len(word) <= 4 else word in squashed for word in words)


def _scale_of(header: str, numbers: pd.Series) -> str:
    """The scale a header names, else the narrowest that holds 95 % of the answers (a typo may fall outside)."""
    for scale, words in SCALE_WORDS.items():
        if _mentions(header, words):
            return scale
    for scale in ("csat", "ces"):
        lo, hi = SCALES[scale]
        if numbers.empty or numbers.between(lo, hi).mean() >= 0.95:
            return scale
    return "nps"


def suggest_mapping(answers: Responses, G: nx.DiGraph) -> dict[str, Target]:
    """Propose what every column holds, from its header and its values.

    A header that is a touchpoint's key or name (ignoring case, spaces and punctuation)
    maps to that touchpoint; one with words like overall, gesamt, NPS or recommend to the
    overall rating; otherwise the longest touchpoint key or name the header contains. A
    column whose answers are not at least half numbers from 0 to 10 (ids, dates, comments)
    is ignored. The scale comes from words in the header (NPS, effort …) or the values' range.
    Each target is proposed once, for its first column.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> frame = pd.DataFrame({"id": ["A17"], "Overall": ["9"], "Call the hotline": ["2"], "CES install-router": ["6"]})
    >>> mapping = suggest_mapping(responses(frame), broadband_demo())
    >>> [tuple(mapping[c]) for c in frame.columns]
    [(None, 'csat'), ('overall', 'nps'), ('hotline', 'csat'), ('install-router', 'ces')]
    """
    names = {_squash(k): k for k in G} | {_squash(d.get("name", "")): k for k, d in G.nodes(data=True)}
    names.pop("", None)
    mapping, taken = {}, set()
    for column in answers.values.columns:
        text = answers.values[column].fillna("").str.strip()
        given = text[~text.str.casefold().isin(MISSING)]
        numbers = _numbers(given).dropna()
        squashed = _squash(column)
        contained = [(len(n), k) for n, k in names.items() if n in squashed]
        numeric = len(given) and numbers.between(0, 10).sum() >= 0.5 * len(given)  # ratings, give or take typos
        if squashed in names:  # the header names a touchpoint: take it whatever its values
            target = names[squashed]
        elif squashed in ("overall", "gesamt") or (numeric and _overall_word(column)):
            target = OVERALL
        else:
            target = max(contained)[1] if numeric and contained else None
        if target in taken:
            target = None
        taken.add(target)
        mapping[column] = Target(target, _scale_of(column, numbers))
    return mapping


def check_mapping(mapping: dict[str, Target], G: nx.DiGraph) -> list[SurveyInvalid]:
    """Return what is wrong with ``mapping`` itself (unknown targets or scales, a target twice, no touchpoint)."""
    problems, seen = [], set()
    for column, (target, scale) in mapping.items():
        if scale not in SCALES:
            problems.append(SurveyInvalid("unknown_scale", column=column, scale=scale))
        if target is None:
            continue
        if target != OVERALL and target not in G:
            problems.append(SurveyInvalid("unknown_target", column=column, target=target))
        elif target in seen:
            name = G.nodes[target].get("name", target) if target in G else target
            problems.append(SurveyInvalid("mapped_twice", target=name))
        seen.add(target)
    if not seen - {OVERALL}:
        problems.append(SurveyInvalid("nothing_mapped"))
    return problems


def check(answers: Responses, mapping: dict[str, Target]) -> list[RowProblem]:
    """Return every bad row, by row number: a value that is no number or outside its scale,
    and in a long file a touchpoint that no column maps (or that a response names twice).

    Examples
    --------
    >>> answers = responses(read_csv(b"overall;hotline\\n4;5\\n9;x\\n3;"))
    >>> mapping = {"overall": Target("overall", "csat"), "hotline": Target("hotline", "csat")}
    >>> [p.text() for p in check(answers, mapping)]
    ['Row 3, column “overall”: 9 is outside 1–5', 'Row 3, column “hotline”: “x” is not a number']
    """
    problems = list(answers.problems)
    for column, cells in answers.cells.groupby("column", sort=False):
        target, scale = mapping.get(column, Target(None))
        if target is None:
            if answers.long and column != answers.overall_column:
                problems += [
                    RowProblem(int(n), answers.touchpoint_column, "unknown_touchpoint", column) for n in cells["line"]
                ]
            continue
        lo, hi = SCALES[scale]
        text = cells["value"].str.strip()
        given = cells[~text.str.casefold().isin(MISSING)]
        for line, value, number in zip(given["line"], given["value"], _numbers(given["value"]), strict=True):
            if np.isnan(number):
                problems.append(RowProblem(int(line), column, "not_a_number", value.strip()))
            elif not lo <= number <= hi:
                problems.append(RowProblem(int(line), column, "out_of_range", value.strip(), {"lo": lo, "hi": hi}))
    order = {c: i for i, c in enumerate(answers.values.columns)} | {answers.touchpoint_column: -1}
    return sorted(problems, key=lambda p: (p.line, order.get(p.column, 0)))


def summarize(
    answers: Responses,
    mapping: dict[str, Target],
    G: nx.DiGraph,
    *,
    name: str,
    surveyed_on: date,
    skip_bad_rows: bool = False,
) -> SurveySummary:
    """Aggregate the answers per touchpoint and overall, with each touchpoint's driver importance.

    Raises :class:`SurveyInvalid` for a bad mapping or name, when nothing is left to count,
    and when there are bad rows (:func:`check`) unless ``skip_bad_rows``: then every
    answer from a bad row is left out and the rows are listed in ``skipped_rows``.
    """
    name = (name or "").strip() if isinstance(name, str | None) else ""
    if not name or len(name) > MAX_NAME:
        raise SurveyInvalid("name", max=MAX_NAME)
    if bad_character(name):
        raise SurveyInvalid("name_characters", char=first_bad(name))
    if problems := check_mapping(mapping, G):
        raise problems[0]
    bad = sorted({p.line for p in check(answers, mapping)})
    if bad and not skip_bad_rows:
        raise SurveyInvalid("bad_rows", n=len(bad), rows=row_list(bad))
    scales = {target: scale for column, (target, scale) in mapping.items() if target is not None}
    cells = answers.cells.assign(target=answers.cells["column"].map(lambda c: mapping.get(c, Target(None)).target))
    cells = cells[cells["target"].notna() & ~cells["line"].isin(bad)]
    cells = cells.assign(number=_numbers(cells["value"])).dropna(subset=["number"])
    frame = cells.groupby(["response", "target"], sort=False)["number"].first().unstack()
    touchpoints = [k for k in scales if k != OVERALL and k in frame]
    if not touchpoints:
        raise SurveyInvalid("no_answers")
    overall = frame.get(OVERALL)
    strength = drivers(frame[touchpoints], overall) if overall is not None else {}
    aggregates = {}
    for k in touchpoints:
        importance, pairs = strength.get(k, (None, 0))
        aggregates[k] = aggregate(frame[k], scales[k], importance=importance, importance_n=pairs)
    return SurveySummary(
        name=name,
        surveyed_on=surveyed_on,
        responses=len(frame),
        touchpoints=aggregates,
        overall=None if overall is None else aggregate(overall, scales[OVERALL]),
        skipped_rows=tuple(bad),
    )


def latest_date(frame: pd.DataFrame) -> date | None:
    """The latest date in the first column that holds dates (ISO or German style), to propose
    as the survey's date; None when no column does.

    >>> latest_date(pd.DataFrame({"id": ["7", "8"], "Datum": ["28.02.2025", "03.03.2025 17:40"]}))
    datetime.date(2025, 3, 3)
    """
    for column in frame.columns:
        text = frame[column].fillna("").str.strip()
        iso = pd.to_datetime(text.str.extract(r"^(\d{4}-\d{2}-\d{2})\b")[0], format="%Y-%m-%d", errors="coerce")
        german = pd.to_datetime(
            text.str.extract(r"^(\d{1,2}\.\d{1,2}\.\d{4})\b")[0], format="%d.%m.%Y", errors="coerce"
        )
        found = iso.fillna(german)
        if len(text) and found.notna().mean() >= 0.8:
            return found.max().date()
    return None
