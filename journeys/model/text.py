"""What text the workbench stores, and how to show text that holds what it must not.

Every text that enters the store goes through :func:`bad_character`: a short text (a name,
an id, a channel, an owner, a label, a rater) holds no control character at all; a long
text (a description, a need, a motivation, a quote, a comment) may hold tabs and line
breaks (``\\n``), nothing else of the kind: not even ``\\r``, which some file formats
(GraphML, as XML) turn into ``\\n`` and so would not give back as it was. No text
holds NUL (PostgreSQL cannot store it) or half of a UTF-16 surrogate pair (it is no
character: it cannot be written as UTF-8, so neither database can store it).

:func:`escaped` shows such characters as escapes (``\\x1b``), for a terminal or a message.
"""

from __future__ import annotations

import re
import sys

__all__ = ["MAX_SHORT", "MAX_LONG", "bad_character", "first_bad", "escaped", "brief", "fits_float"]

MAX_SHORT = 200  # names, ids, owners, channels, labels, raters
MAX_LONG = 10_000  # descriptions, needs, motivations, quotes, comments

# C0 and C1 control characters, DEL, and lone surrogates (Python keeps them in a str; UTF-8 has no place for them)
_SHORT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_LONG = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# ... and, for a terminal, the characters that reorder what follows them (bidirectional overrides)
_SHOWN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def bad_character(text: str, *, long: bool = False) -> str | None:
    """Return what is wrong with the first character ``text`` may not hold, or None when it holds none.

    The answer is ``"nul"``, ``"surrogate"`` or ``"control"``; ``long`` allows tabs and line breaks.

    Examples
    --------
    >>> bad_character("Hotline ☎️"), bad_character("a\\tb"), bad_character("a\\tb", long=True)
    (None, 'control', None)
    >>> bad_character("\\x1b[31mred"), bad_character("x\\x00"), bad_character("\\ud800")
    ('control', 'nul', 'surrogate')
    """
    found = (_LONG if long else _SHORT).search(text)
    if found is None:
        return None
    char = found.group()
    return "nul" if char == "\x00" else "surrogate" if "\ud800" <= char <= "\udfff" else "control"


def first_bad(text: str, *, long: bool = False) -> str:
    """The first character ``text`` may not hold, as an escape (``\\x1b``); ``""`` when it holds none.

    >>> first_bad("a\\x1b[31m"), first_bad("fine")
    ('\\\\x1b', '')
    """
    found = (_LONG if long else _SHORT).search(text)
    return "" if found is None else escaped(found.group())


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """Return ``text`` with control characters, lone surrogates and direction overrides as escapes.

    What a terminal would act on (colours, a cleared screen, a rewritten line) or cannot show
    is written out instead; everything else, umlauts and emoji too, stays as it is.

    Examples
    --------
    >>> print(escaped("\\x1b[31mRed\\x1b[0m Größe 🚲\\nnext"))
    \\x1b[31mRed\\x1b[0m Größe 🚲\\x0anext
    >>> escaped("half \\ud800"), escaped("\\u202eevil")
    ('half \\\\ud800', '\\\\u202eevil')
    """
    return _SHOWN.sub(_escape, text)


def brief(value, limit: int = 80):
    """``value`` as a message may show it: a long text cut to ``limit`` characters, a huge integer by its size.

    Python refuses to turn an integer of more than 4,300 digits into text, and a message
    should not quote a 300,000-character value in full.

    Examples
    --------
    >>> brief("x" * 100, 5), brief(10**400), brief(-(10**5000)), brief(-7), brief(True)
    ('xxxxx…', '≈1e400', '-≈1e5000', -7, True)
    """
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + "…"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        digits = len(str(abs(value))) if value.bit_length() < 14_000 else int(value.bit_length() * 0.30103) + 1
        return f"{'-' if value < 0 else ''}≈1e{digits - 1}"
    return value


def fits_float(value) -> bool:
    """Whether a number is finite and fits a float (and so a database's double precision column).

    Examples
    --------
    >>> fits_float(1e308), fits_float(10**400), fits_float(float("nan")), fits_float(2**63)
    (True, False, False, True)
    """
    if isinstance(value, int):
        return -sys.float_info.max <= value <= sys.float_info.max
    try:
        return abs(float(value)) <= sys.float_info.max
    except (TypeError, ValueError, OverflowError):
        return False
