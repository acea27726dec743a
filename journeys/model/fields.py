"""Every attribute of a touchpoint and of a transition, declared once.

A :class:`Field` says what an attribute holds (its kind, default and range) and where it
goes. The rest of the workbench takes it from here: the defaults of the journey model
(:mod:`journeys.model.graph`), validation (:mod:`journeys.model.validation`), the
editor's tables and their columns (:mod:`journeys.model.tables`, ``ui/editor/tables.py``),
the CSV export (:mod:`journeys.io.exports`), the fields Compare lists as changed
(:mod:`journeys.analysis.comparison`) and the columns the store reads and writes
(``store/rows.py``). What cannot be derived — the database table (``store/models.py``)
and its migration, the JSON Schema (``journeys/io/journey.schema.json``) and the words in
the translation files — is checked against these declarations by
``tests/journeys/test_fields.py``. ``docs/contributing.md`` shows how to add a field.

Kinds
-----
``text``       one line of text (names, owners …): no tabs or line breaks
``long_text``  text that may hold tabs and line breaks (descriptions)
``flag``       True or False
``score``      a whole number within ``range``, or None (not given)
``number``     a number within ``range``, or None
``stage``      the id of one of the journey's stages
``personas``   the ids of the personas who pass the touchpoint
``needs``, ``pains``, ``emotions``  the touchpoint's own lists (kept in tables of their own)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Field",
    "KINDS",
    "SCORE_RANGE",
    "SHARE_RANGE",
    "TOUCHPOINT_FIELDS",
    "TRANSITION_FIELDS",
    "touchpoint_field",
    "transition_field",
]

KINDS = ("text", "long_text", "flag", "score", "number", "stage", "personas", "needs", "pains", "emotions")
SCALARS = ("text", "long_text", "flag", "score", "number")  # kinds that are one value in one database column
SCORE_RANGE = (1, 5)
SHARE_RANGE = (0, 1)


@dataclass(frozen=True)
class Field:
    """One attribute of a touchpoint or a transition and where it goes.

    ``editor``: a column of the editor's table (long texts go last: they are wide);
    ``compared``: Compare lists a change of it; ``exported``: a column of the CSV export;
    ``required``: it may not be empty; ``step``: what the arrows of a number's cell add;
    ``help``: the translation key of the help text of its column, if it has one. Its
    label in tables is the translation ``editor.col.<name>``, its name in messages
    ``where.field.<name>``.
    """

    name: str
    kind: str
    default: Any = None
    range: tuple[float, float] | None = None
    required: bool = False
    editor: bool = True
    compared: bool = True
    exported: bool = True
    step: float | None = None
    help: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}; one of {', '.join(KINDS)}")
        if (self.range is not None) != (self.kind in ("score", "number")):
            raise ValueError(f"field {self.name!r}: a range belongs to a score or a number, and they need one")

    @property
    def scalar(self) -> bool:
        """One value in one database column (not a list, not the stage)."""
        return self.kind in SCALARS


TOUCHPOINT_FIELDS: tuple[Field, ...] = (  # in this order in the JSON format and in a normalized journey
    Field("name", "text", "", required=True),
    Field("stage", "stage", ""),
    Field("channel", "text", ""),
    Field("owner", "text", ""),
    Field("description", "long_text", ""),
    Field("backstage", "flag", False, help="editor.help.backstage"),
    Field("moment_of_truth", "flag", False, help="editor.help.moment_of_truth"),
    Field("entry", "flag", False),
    Field("exit", "flag", False),
    Field("personas", "personas", []),
    Field("needs", "needs", [], editor=False),  # the detail panel's own tables
    Field("pains", "pains", [], editor=False),
    Field("emotions", "emotions", {}, editor=False),
    Field("expectation", "score", None, range=SCORE_RANGE, help="editor.help.scores"),
    Field("experience", "score", None, range=SCORE_RANGE, help="editor.help.scores"),
    Field("drop_out", "flag", False, help="editor.help.drop_out"),  # an exit where customers give up
)
"""The attributes of a touchpoint (a node of the journey graph)."""

TRANSITION_FIELDS: tuple[Field, ...] = (
    Field("label", "text", ""),
    Field("share", "number", None, range=SHARE_RANGE, step=0.05, help="editor.help.share"),
)
"""The attributes of a transition (an edge): a label, and the share of customers who take it."""


def touchpoint_field(name: str) -> Field:
    """The declaration of the touchpoint attribute ``name``.

    Examples
    --------
    >>> touchpoint_field("experience").range
    (1, 5)
    """
    return _TOUCHPOINT[name]


def transition_field(name: str) -> Field:
    """The declaration of the transition attribute ``name``."""
    return _TRANSITION[name]


_TOUCHPOINT = {f.name: f for f in TOUCHPOINT_FIELDS}
_TRANSITION = {f.name: f for f in TRANSITION_FIELDS}
