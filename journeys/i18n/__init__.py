"""The words of the workbench in every language, and numbers and dates as each language writes them.

The texts live in one TOML file per language next to this module (``en.toml``, ``de.toml``),
in tables by the page or area where they appear; a key is the table's name and the key in
it (``[review]`` ``title`` is ``review.title``). A text is a ``str.format`` template, or a
plural: a table of CLDR plural categories (``saved.one = "…"``, ``saved.other = "…"``) of
which the value ``count`` chooses one. Every language has the same keys; a test enforces it.

:func:`t` fills in values as the language writes them, with Babel's CLDR data: numbers
with the language's decimal sign (``{total:.2f}`` is 1.92 in English and 1,92 in German),
percentages with its percent sign (``{p:.0%}``: 45% and 45 %), dates and times in its own
order. :func:`number`, :func:`percent`, :func:`date` and :func:`datetime` do the same for
pages and charts that write a number or a date themselves.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import string
import tomllib
from decimal import Decimal, InvalidOperation
from functools import cache
from numbers import Integral, Real
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_datetime_format
from babel.numbers import format_decimal

__all__ = [
    "LANGUAGES",
    "MESSAGES",
    "PLURAL_CATEGORIES",
    "t",
    "label",
    "missing_keys",
    "formatted",
    "number",
    "percent",
    "date",
    "datetime",
    "moment_format",
    "date_input_format",
    "plotly_separators",
]

FOLDER = Path(__file__).parent
DEFAULT = "en"
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _is_plural(table: dict) -> bool:
    return "other" in table and set(table) <= set(PLURAL_CATEGORIES) and all(isinstance(v, str) for v in table.values())


def _flatten(table: dict, prefix: str = "") -> dict[str, str | dict[str, str]]:
    """The texts of a language file by their dotted keys; a plural stays a table of categories."""
    texts = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and not _is_plural(value):
            texts |= _flatten(value, f"{key}.")
        else:
            texts[key] = value
    return texts


def _load(path: Path) -> dict[str, str | dict[str, str]]:
    with path.open("rb") as file:
        return _flatten(tomllib.load(file))


MESSAGES: dict[str, dict[str, str | dict[str, str]]] = {
    path.stem: _load(path) for path in sorted(FOLDER.glob("*.toml"), key=lambda p: (p.stem != DEFAULT, p.stem))
}
"""Language code → key → text (or plural table); English first."""

LANGUAGES: dict[str, str] = {code: Locale.parse(code).display_name.capitalize() for code in MESSAGES}
"""Language code → its name in that language, as the language switch offers it."""


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in MESSAGES else DEFAULT)


# --- numbers ---

# the part of Python's format mini-language that numbers in texts use: sign, grouping, precision, type
_SPEC = re.compile(r"(?P<sign>[-+ ]?)(?P<group>[,_]?)(?:\.(?P<digits>\d+))?(?P<kind>[dfFgGn%]?)")


@cache
def _pattern(lang: str, percent: bool, digits: tuple[int, int], sign: str):
    """The language's decimal or percent pattern with ``digits`` (least, most) after the decimal sign."""
    locale = _locale(lang)
    pattern = copy.copy((locale.percent_formats if percent else locale.decimal_formats)[None])
    pattern.frac_prec = digits
    if sign in ("+", " "):
        plus = locale.number_symbols["latn"]["plusSign"] if sign == "+" else " "
        pattern.prefix = (plus + pattern.prefix[0], pattern.prefix[1])
    return pattern


@cache
def _plain(lang: str, spec: str):
    """Python's formatting with the language's symbols, where that writes what the language's pattern does;
    else None. Python's own is ten times faster than a pattern's (a heatmap formats thousands of cells).

    That holds for a fixed number of decimals, a percentage and a general number, without grouping,
    when the language's pattern puts nothing around the number but a minus sign (and a percent sign
    after it) and writes Python's signs. Rounding is Python's, as the workbench always rounded.
    """
    found = _SPEC.fullmatch(spec)
    if not found or found["group"] or found["kind"] not in ("f", "%", "g"):
        return None
    locale = _locale(lang)
    symbols = locale.number_symbols["latn"]
    pattern = (locale.percent_formats if found["kind"] == "%" else locale.decimal_formats)[None]
    suffix = "%" if found["kind"] == "%" else ""
    if pattern.prefix != ("", "-") or pattern.suffix[0] != pattern.suffix[1] or pattern.suffix[0].strip() != suffix:
        return None
    if symbols["minusSign"] != "-" or symbols["plusSign"] != "+":
        return None
    decimal, after = symbols["decimal"], pattern.suffix[0]

    def write(value) -> str | None:
        text = format(value, spec)
        if "e" in text:  # a general number in exponent form: the pattern writes it out
            return None
        text = text.replace(".", decimal)
        return text[:-1] + after if suffix else text

    return write


def _number(value, spec: str, lang: str) -> str:
    whole = isinstance(value, Integral)
    if not whole and not math.isfinite(value):
        return format(value, spec)  # nan and inf as Python writes them
    try:
        if (plain := _plain(lang, spec)) is not None and (text := plain(value)) is not None:
            return text
        return _by_pattern(value, spec, lang)
    except (InvalidOperation, OverflowError):  # beyond Babel's decimal context or a float (1e300, 10**400)
        return str(value) if whole else format(value, "g")


def _by_pattern(value, spec: str, lang: str) -> str:
    """``value`` as the language's decimal or percent pattern (Babel) writes it, with ``spec``'s sign,
    grouping and decimals."""
    if not spec:
        if isinstance(value, Integral):
            return str(value)
        return format_decimal(value, locale=_locale(lang), decimal_quantization=False, group_separator=False)
    found = _SPEC.fullmatch(spec)
    if not found:
        return format(value, spec)  # widths, fills, exponents: as Python writes them
    kind, digits, group = found["kind"], found["digits"], bool(found["group"])
    if kind == "" and isinstance(value, Integral):
        kind = "d"
    if kind in ("", "g", "G", "n"):  # general: as many digits as it takes (g: at most 6 significant), no zeros
        if kind or digits:
            value = float(format(value, f".{digits or 6}g"))
        return _pattern(lang, False, (0, 0), found["sign"]).apply(
            value, _locale(lang), decimal_quantization=False, group_separator=group
        )
    places = 0 if kind == "d" else int(digits) if digits is not None else 6
    pattern = _pattern(lang, kind == "%", (places, places), found["sign"])
    return pattern.apply(value, _locale(lang), group_separator=group)


def formatted(value, spec: str = "", lang: str = DEFAULT) -> str:
    """Return ``value`` formatted by ``spec`` (Python's format mini-language) as language ``lang`` writes it.

    Numbers take the language's decimal sign, grouping and percent sign; dates and times
    take a Babel format (``short``, ``medium``, ``long`` or a CLDR pattern; ``medium``
    when ``spec`` is empty). Anything else is formatted as Python does.

    Examples
    --------
    >>> formatted(1.918, ".2f", "de"), formatted(0.45, ".0%", "de"), formatted(0.3, "+.2f", "de")
    ('1,92', '45\\xa0%', '+0,30')
    >>> formatted(1.918, ".2f", "en"), formatted(0.45, ".0%", "en"), formatted(-0.3, "+.2f", "en")
    ('1.92', '45%', '-0.30')
    >>> formatted(2.5, "", "de"), formatted(1234567, ",", "de"), formatted(1.5, "g", "de")
    ('2,5', '1.234.567', '1,5')
    """
    if isinstance(value, bool):
        return format(value, spec)
    if isinstance(value, dt.datetime):
        return datetime(value, lang, spec or "medium")
    if isinstance(value, dt.date):
        return date(value, lang, spec or "medium")
    if isinstance(value, Real | Decimal):
        return _number(value, spec, lang)
    return format(value, spec)


def number(value, lang: str = DEFAULT, digits: int | None = None, *, sign: bool = False, group: bool = False) -> str:
    """Return a number as ``lang`` writes it: ``digits`` after the decimal sign (None: as many as it has,
    up to 6 significant digits), with a sign also when positive (``sign``), with grouped thousands (``group``).

    Examples
    --------
    >>> number(1.918, "de", 2), number(0.3, "de", 2, sign=True), number(3.0, "de"), number(3.25, "en")
    ('1,92', '+0,30', '3', '3.25')
    """
    spec = ("+" if sign else "") + ("," if group else "") + ("g" if digits is None else f".{digits}f")
    return _number(value, spec, lang)


def percent(value, lang: str = DEFAULT, digits: int = 0, *, sign: bool = False) -> str:
    """Return a share (0.45) as a percentage as ``lang`` writes it.

    Examples
    --------
    >>> percent(0.45, "en"), percent(0.45, "de"), percent(-0.125, "de", 1, sign=True)
    ('45%', '45\\xa0%', '-12,5\\xa0%')
    """
    return _number(value, ("+" if sign else "") + f".{digits}%", lang)


# --- dates ---


def date(value: dt.date, lang: str = DEFAULT, format: str = "medium") -> str:
    """Return a date as ``lang`` writes it (Babel's ``short``, ``medium``, ``long`` or a CLDR pattern).

    Examples
    --------
    >>> date(dt.date(2026, 11, 23), "en"), date(dt.date(2026, 11, 23), "de")
    ('Nov 23, 2026', '23.11.2026')
    """
    return format_date(value, format, locale=_locale(lang))


def datetime(value: dt.datetime, lang: str = DEFAULT, format: str = "medium") -> str:
    """Return a moment as ``lang`` writes it, in the moment's own time zone (naive: as it is).

    ``medium`` is the date in the medium format and the time in hours and minutes;
    ``short``, ``long``, ``full`` or a CLDR pattern are Babel's.

    Examples
    --------
    >>> moment = dt.datetime(2026, 11, 23, 14, 5)
    >>> datetime(moment, "de"), datetime(moment, "en").replace("\\u202f", " ")
    ('23.11.2026, 14:05', 'Nov 23, 2026, 2:05 PM')
    """
    locale = _locale(lang)
    if format not in ("short", "medium", "long", "full"):
        return format_datetime(value, format, tzinfo=value.tzinfo, locale=locale)
    time_format = "short" if format == "medium" else format
    return (
        get_datetime_format(format, locale=locale)
        .replace("'", "")
        .replace("{0}", format_time(value, time_format, tzinfo=value.tzinfo, locale=locale))
        .replace("{1}", format_date(value, format, locale=locale))
    )


def time_of_day(value: dt.datetime, lang: str = DEFAULT) -> str:
    """Return the time of a moment as ``lang`` writes it (hours and minutes), in the moment's own time zone.

    Examples
    --------
    >>> moment = dt.datetime(2026, 11, 23, 14, 5)
    >>> time_of_day(moment, "de"), time_of_day(moment, "en").replace("\u202f", " ")
    ('14:05', '2:05 PM')
    """
    return format_time(value, "short", tzinfo=value.tzinfo, locale=_locale(lang))


# CLDR date pattern letters → moment.js tokens (what st.column_config.DatetimeColumn reads)
_MOMENT = {
    "y": "YYYY", "yy": "YY", "yyyy": "YYYY", "M": "M", "MM": "MM", "MMM": "MMM", "MMMM": "MMMM", "L": "M", "LL": "MM",
    "d": "D", "dd": "DD", "E": "ddd", "EE": "ddd", "EEE": "ddd", "EEEE": "dddd", "H": "H", "HH": "HH", "h": "h",
    "hh": "hh", "m": "m", "mm": "mm", "s": "s", "ss": "ss", "a": "A",
}  # fmt: skip


def _to_moment(pattern: str) -> str:
    parts = []
    for match in re.finditer(r"'(?P<quoted>[^']*)'|(?P<letters>([A-Za-z])\3*)|(?P<other>[^'A-Za-z]+)", pattern):
        if match["letters"]:
            if match["letters"] not in _MOMENT:
                raise ValueError(f"no moment.js token for {match['letters']!r} in {pattern!r}")
            parts.append(_MOMENT[match["letters"]])
        elif match["quoted"] is not None:
            parts.append(f"[{match['quoted']}]" if match["quoted"] else "'")
        else:
            parts.append(match["other"])  # punctuation and spaces are no moment.js tokens
    return "".join(parts)


@cache
def moment_format(lang: str = DEFAULT, *, time: bool = True) -> str:
    """Return the moment.js format of :func:`datetime` (or, without ``time``, of :func:`date`) in ``lang``,
    for a table column that Streamlit formats in the browser.

    Examples
    --------
    >>> moment_format("de"), moment_format("de", time=False), moment_format("en").replace("\\u202f", " ")
    ('DD.MM.YYYY, HH:mm', 'DD.MM.YYYY', 'MMM D, YYYY, h:mm A')
    """
    locale = _locale(lang)
    day = _to_moment(locale.date_formats["medium"].pattern)
    if not time:
        return day
    hours = _to_moment(locale.time_formats["short"].pattern)
    both = re.split(r"(\{[01]\})", get_datetime_format("medium", locale=locale))
    return "".join({"{0}": hours, "{1}": day}.get(part) or _to_moment(part) for part in both if part)


def date_input_format(lang: str = DEFAULT) -> str:
    """Return the format of ``st.date_input`` closest to how ``lang`` writes a short date: its order of
    day, month and year and its separator (the widget knows only ``/``, ``.`` and ``-``).

    Examples
    --------
    >>> date_input_format("en"), date_input_format("de")
    ('MM/DD/YYYY', 'DD.MM.YYYY')
    """
    pattern = _locale(lang).date_formats["short"].pattern
    order = [m[0][0] for m in re.finditer(r"([yMd])\1*", pattern)]
    separator = next((c for c in pattern if c in "/.-"), "-")
    if sorted(order) != ["M", "d", "y"]:
        return "YYYY-MM-DD"
    return separator.join({"y": "YYYY", "M": "MM", "d": "DD"}[letter] for letter in order)


def plotly_separators(lang: str = DEFAULT) -> str:
    """Return the decimal sign and the thousands separator of ``lang``, for plotly's ``layout.separators``.

    Examples
    --------
    >>> plotly_separators("en"), plotly_separators("de")
    ('.,', ',.')
    """
    symbols = _locale(lang).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


# --- texts ---


class _Formatter(string.Formatter):
    """``str.format`` that writes numbers, dates and times as one language does."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value, format_spec: str) -> str:
        return formatted(value, format_spec, self.lang)


@cache
def _formatter(lang: str) -> _Formatter:
    return _Formatter(lang)


def _plural(forms: dict[str, str], lang: str, count) -> str:
    category = _locale(lang).plural_form(abs(count)) if isinstance(count, Real) else "other"
    return forms.get(category) or forms["other"]


def t(key: str, lang: str = DEFAULT, /, **values) -> str:
    """Return the text for ``key`` in ``lang`` with ``values`` filled in as ``lang`` writes them.

    A plural text takes the form that the value ``count`` calls for. An unknown language
    falls back to English; an unknown key is returned as is, so a missing text shows up
    visibly instead of crashing a page (and the tests catch it).

    Examples
    --------
    >>> t("stage.awareness", "de")
    'Aufmerksamkeit'
    >>> t("stage.awareness", "fr")
    'Awareness'
    >>> t("scoring.saved", "en", count=1), t("scoring.saved", "de", count=3)
    ('Saved your scores of 1 touchpoint.', 'Ihre Bewertung von 3 Touchpoints ist gespeichert.')
    >>> t("review.worst", "de", w=1.918)
    'Weg mit der größten Schwäche (Schwäche 1,92)'
    """
    table = MESSAGES.get(lang)
    if table is None:
        table, lang = MESSAGES[DEFAULT], DEFAULT
    text = table.get(key) or MESSAGES[DEFAULT].get(key, key)
    if isinstance(text, dict):
        text = _plural(text, lang, values.get("count"))
    if not values:
        return text
    if all(isinstance(v, str) for v in values.values()):
        return text.format(**values)
    return _formatter(lang).vformat(text, (), values)


def label(prefix: str, value, lang: str = DEFAULT) -> str:
    """Return the word for a value of a vocabulary (``prefix.value``), or the value itself when the
    workbench has no word for it (a channel or stage the team named itself).

    Examples
    --------
    >>> label("channel", "phone", "de"), label("channel", "Chat", "de"), label("channel", "", "de")
    ('Telefon', 'Chat', '')
    """
    key = f"{prefix}.{value}"
    return t(key, lang) if key in MESSAGES[DEFAULT] else "" if value is None else str(value)


def missing_keys() -> dict[str, set[str]]:
    """Return, per language, the keys that another language has and it lacks."""
    every = set().union(*(set(m) for m in MESSAGES.values()))
    return {lang: every - set(m) for lang, m in MESSAGES.items() if every - set(m)}
