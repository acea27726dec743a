"""Every key the code asks for is in the translation files, and every key in the files is asked for.

The code is read, not run: a literal key (``t("review.title")``, or a key kept in a
constant) counts as used wherever it is written. A key built from a prefix and a value
(``t(f"state.{s}")``, ``labels("stage", ...)``) must have its prefix declared below with
the values the code takes them from (``STATES``, ``CHANNELS`` …): then exactly those
keys count as used and must exist, and a new prefix in the code fails until it is
declared. What is wrong with a journey or a file (``problem.*``, ``where.*``) is counted
from the problems that the broken journeys and files of the validation tests really get.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from journeys.analysis import comparison, ideas, scoring, survey
from journeys.charts import canvas, images, surveys
from journeys.i18n import MESSAGES
from journeys.io import deck, exports, interchange, sections, survey_file
from journeys.model import fields, graph, merge, operations, templates, values
from store import analysis, archive, backup, summaries
from store import comments as stored_comments
from store import surveys as stored_surveys
from ui import access, widgets

ROOT = Path(__file__).parent.parent
SOURCES = [
    *sorted(path for folder in ("pages", "ui", "journeys", "store") for path in (ROOT / folder).rglob("*.py")),
    ROOT / "app.py",
]
KEYS = set(MESSAGES["en"])
TRANSLATE = {"t"}  # t(key, ...) and i18n.t(key, ...): the first argument is a key
PREFIXED = {"label", "labels"}  # label(prefix, value, ...), labels(prefix, values): the first argument is a prefix


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"), str(path))


def constant(path: str, name: str) -> tuple:
    """The values of a module-level constant of a page script (pages run when imported): a tuple, or a dict's keys."""
    for node in tree(ROOT / path).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            if isinstance(node.value, ast.Dict):
                return tuple(ast.literal_eval(key) for key in node.value.keys)
            return tuple(ast.literal_eval(node.value))
    raise LookupError(f"{path} has no constant {name}")


def codes(module, call: str, position: int) -> set[str]:
    """The literal codes a module passes to ``call`` (a class of problems) as argument ``position``."""
    found = set()
    for node in ast.walk(tree(Path(module.__file__))):
        is_call = isinstance(node, ast.Call) and getattr(node.func, "id", None) == call and len(node.args) > position
        if is_call and isinstance(arg := node.args[position], ast.Constant):
            found.add(arg.value)
    assert found, f"no {call}(...) in {module.__name__}"
    return found


def archive_words() -> dict[str, set[str]]:
    """What a refused backup names (store/archive.py, store/backup.py): its codes, the kinds of value a field
    must hold, and the places in a journey's document, each passed as a literal to the checks."""
    found = {"invalid": {"value"}, "expected": set(), "where": set()}  # "value": the code of _Checker.fail by default
    for module in (archive, backup):
        for node in ast.walk(tree(Path(module.__file__))):
            if isinstance(node, ast.Call):
                name, args = getattr(node.func, "id", None) or getattr(node.func, "attr", None), node.args
                position = {"BackupError": 0, "DatabaseNotEmpty": 0, "fail": 1, "wrong": 3}.get(name)
                if position is not None and len(args) > position and isinstance(args[position], ast.Constant):
                    found["expected" if name == "wrong" else "invalid"].add(args[position].value)
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[1], ast.Name):
                first = node.elts[0]  # (("rating", i),): a place and its number
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found["where"].add(first.value)
    return found


ARCHIVE = archive_words()


# Every prefix the code builds keys from, with the values it builds them with.
DYNAMIC: dict[str, set[str]] = {
    "access.role.": {*access.ROLES, "None"},  # role() is None for a signed-in account without a role
    "backup.expected.": ARCHIVE["expected"],
    "backup.invalid.": ARCHIVE["invalid"],
    "backup.where.": ARCHIVE["where"],
    "editor.col.": {f.name for f in (*fields.TOUCHPOINT_FIELDS, *fields.TRANSITION_FIELDS) if f.editor},
    "channel.": set(graph.CHANNELS),
    "canvas.": set(canvas.WORDS),
    "changes.": {f"{what}.{op}" for what in summaries.ITEMS for op in summaries.OPS},
    "changes.journey.": set(summaries.JOURNEY_FIELDS),
    "compare.": set(comparison._SIDES),  # the legend: "As-is: <journey>", "To-be: <journey>"
    "compare.field.": {*comparison.TOUCHPOINT_FIELDS, *scoring.LENSES, *comparison.TRANSITION_FIELDS},
    "compare.status.": set(comparison.STATUSES),
    "compare.view.": set(constant("pages/compare.py", "VIEWS")),
    "comments.invalid.": codes(stored_comments, "CommentInvalid", 0) | {"missing"},  # CommentNotFound's code
    "discipline.": set(scoring.DISCIPLINES),
    "editor.section.": set(constant("pages/editor.py", "SECTIONS")),
    "editor.conflict_field.": {"whole", "order", *merge.JOURNEY_SCALARS},  # what a conflict is about
    "editor.conflict_item.": set(merge.WHAT) - {"journey"},
    "editor.conflict_order_": {"stage", "persona"},
    "emotion.": {str(v) for v in range(graph.EMOTION_RANGE[0], graph.EMOTION_RANGE[1] + 1)},
    "evidence.": set(graph.EVIDENCE),
    "export.": {*exports.DATA_FORMATS, *(f"{fmt}_help" for fmt in exports.DATA_FORMATS)},
    "export.figure.": {*images.FIGURES, "portfolio"},
    "deck.": {*(f"{fmt}{end}" for fmt in constant("pages/export.py", "DECK_FILES") for end in ("", "_help"))},
    "deck.slide.": set(deck.SLIDES) - {"title", "stage"},  # the title slide is the journey's name, a stage its own
    "group.": {*analysis.GROUPINGS, *constant("pages/review.py", "ROLLUPS")},
    "ideas.problem.": codes(ideas, "IdeaProblem", 0),
    "ideas.quadrant.": set(ideas.QUADRANTS),
    "ideas.status.": set(ideas.STATUSES),
    "ideas.view.": set(constant("pages/ideas.py", "VIEWS")),
    "kind.": set(graph.NEED_KINDS),
    "lens.": {*scoring.LENSES, *scoring._KINDS, "weakness"},  # the DVF lenses, why a touchpoint is weak, weakness
    "operation.error.": codes(operations, "OperationError", 0) | codes(values, "OperationError", 0),
    "operation.expected.": set(values.EXPECTED),
    "operation.journey.": set(operations.JOURNEY_FIELDS),
    "ratings.invalid.": codes(analysis, "RatingInvalid", 0)
    | {name + end for name in codes(analysis, "_checked_name", 0) for end in ("", "_characters")},
    "review.view.": set(constant("pages/review.py", "VIEWS")),
    "scoring.help.": set(scoring.LENSES),
    "stage.": {stage for stages in templates.STAGE_SETS.values() for stage in stages},
    "stageset.": set(templates.STAGE_SETS),
    "state.": set(graph.STATES),
    "survey.invalid.": codes(survey_file, "SurveyInvalid", 0) | codes(stored_surveys, "SurveyRefused", 0),
    "survey.problem.": codes(survey_file, "RowProblem", 2),
    "survey.scale.": set(survey.SCALES),
    "survey.trend_axis.": set(surveys.TREND_VALUES),
    "survey.trend_title.": set(surveys.TREND_VALUES),
    "survey.trend_value.": set(surveys.TREND_VALUES),
    "surveys.view.": {*constant("pages/surveys.py", "RESULTS"), *constant("pages/surveys.py", "VIEWS")},
    "template.": {"blank", *templates.TEMPLATES},
    "weights.": set(widgets.WEIGHTS),
}
PROBLEMS = ("problem.", "where.")  # counted from real problems, see problem_keys


def head(node: ast.expr) -> str | None:
    """The literal start of a key built in code: f"state.{s}" and "state." + s are "state."."""
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return node.values[0].value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            return node.left.value
        return head(node.left)
    return None


def key_calls(sources=SOURCES):
    """Every call that names a key or a prefix: (where, call, first argument, is it a prefix)."""
    for path in sources:
        for node in ast.walk(tree(path)):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None)  # label(...), t(...)
            if name is None and getattr(node.func, "attr", None) in TRANSLATE:  # i18n.t(...), not column.label(...)
                name = node.func.attr
            if name in TRANSLATE | PREFIXED:
                yield f"{path.name}:{node.lineno}", node, node.args[0], name in PREFIXED


def literal_strings() -> set[str]:
    """Every string written in the code, except docstrings and widget keys (``key="review.view"``)."""
    found = set()
    for path in SOURCES:
        module, skipped = tree(path), set()  # ids of this tree's nodes: another tree's may be reused
        for node in ast.walk(module):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
                first = node.body[0]
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    skipped.add(id(first.value))
            elif isinstance(node, ast.keyword) and node.arg == "key":
                skipped.add(id(node.value))
        found |= {
            node.value
            for node in ast.walk(module)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
        }
    return found


def dynamic_keys() -> set[str]:
    return {prefix + value for prefix, values in DYNAMIC.items() for value in values}


@pytest.fixture(scope="module")
def problem_keys() -> set[str]:
    """The keys of what is wrong and where, for every broken journey, file and table row of the validation tests."""
    from journeys.model import tables, validation
    from tests.journeys.test_foreign import refused as foreign_refusals
    from tests.journeys.test_interchange import BROKEN_FILES, refusals
    from tests.journeys.test_validation import BROKEN_JOURNEYS, PENDING_ROWS, make_journey, problems_of_kind

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(interchange, "MAX_BYTES", 500_000)  # over it only the file made too large
        found = [p for param in BROKEN_FILES for p in refusals(param.values[0](), param.values[1])]
    found += [p for param in BROKEN_JOURNEYS for p in problems_of_kind(*param.values)]
    found += [p for param in PENDING_ROWS for p in tables.incomplete_problems(make_journey(), [param.values[0]])]
    found += foreign_refusals()  # GraphML and touchpoint tables
    # a field is named in the place of a problem (where.field.*) where the checks of a journey or a file name it
    checks = (validation, interchange, sections, tables)
    named = {n.value for m in checks for n in ast.walk(tree(Path(m.__file__))) if isinstance(n, ast.Constant)}
    named |= {f.name for f in (*fields.TOUCHPOINT_FIELDS, *fields.TRANSITION_FIELDS)}  # each checked as declared
    keys = {key for key in KEYS if key.startswith("where.field.") and key.removeprefix("where.field.") in named}
    for p in found:
        keys.add(f"problem.{p.code}" + (f".{p.message}" if p.message else ""))
        if p.subject is not None:
            keys.add(f"where.{p.subject}" + (".number" if p.item is not None else "") + (".id" if p.ref else ""))
        if p.field is not None:
            keys.add(f"where.field.{p.field}")
    return keys


def missing_keys(sources=SOURCES) -> list[str]:
    """Where the code asks by name for a key that no file has."""
    return [
        f"{where}: {arg.value}"
        for where, _, arg, prefixed in key_calls(sources)
        if not prefixed and isinstance(arg, ast.Constant) and arg.value not in KEYS
    ]


def undeclared_prefixes(sources=SOURCES) -> list[str]:
    """Where the code builds a key from a prefix that is not declared in DYNAMIC."""
    undeclared = []
    for where, _, arg, prefixed in key_calls(sources):
        start = arg.value + "." if prefixed and isinstance(arg, ast.Constant) else head(arg)
        if start is not None and start not in DYNAMIC and not start.startswith(PROBLEMS):
            undeclared.append(f"{where}: {start}…")
    return undeclared


def test_every_literal_key_is_in_the_files():
    """A key the code asks for by name has a text: t("no.such.key") would show the key itself."""
    assert missing_keys() == []


def test_every_built_key_has_a_declared_prefix():
    """A key built in code (f"state.{s}") has its prefix declared with the values it is built from."""
    assert undeclared_prefixes() == []


def test_the_checks_catch_a_missing_key_and_an_undeclared_prefix(tmp_path):
    """Code that asks for a key no file has, or builds keys from a new prefix, is caught."""
    page = tmp_path / "page.py"
    page.write_text(
        'from ui.deps import t\nt("review.title")\nt("review.no_such_text")\nt(f"state.{s}")\n'
        'i18n.t(f"colour.{c}", lang)\nlabel("mood", m, lang)\n'
    )
    assert missing_keys([page]) == ["page.py:3: review.no_such_text"]
    assert undeclared_prefixes([page]) == ["page.py:5: colour.…", "page.py:6: mood.…"]


def test_every_built_key_is_in_the_files():
    """Every key built from a declared prefix and one of its values has a text."""
    assert sorted(dynamic_keys() - KEYS) == []


def test_plurals_are_given_their_count():
    """A plural text asked for by name is told the count that chooses its form."""
    uncounted = [
        f"{where}: {arg.value}"
        for where, call, arg, prefixed in key_calls()
        if not prefixed
        and isinstance(arg, ast.Constant)
        and isinstance(MESSAGES["en"].get(arg.value), dict)
        and "count" not in {k.arg for k in call.keywords}
    ]
    assert uncounted == []


def test_every_key_in_the_files_is_used(problem_keys):
    """No text is a leftover: each key is written in the code, built from a declared prefix, or a real problem's."""
    used = (KEYS & literal_strings()) | dynamic_keys() | problem_keys
    assert sorted(KEYS - used) == []
    assert sorted(problem_keys - KEYS) == []


def test_the_scan_sees_what_it_should():
    """The checks above are not vacuous: the scan finds literal keys, built keys, prefixes and plurals."""
    calls = list(key_calls())
    literal = {arg.value for _, _, arg, prefixed in calls if not prefixed and isinstance(arg, ast.Constant)}
    built = {head(arg) for _, _, arg, _ in calls} - {None}
    assert {"review.title", "editor.save_blocked", "changes.created"} <= literal
    assert {"state.", "changes.journey.", "lens.", "access.role."} <= built
    assert {arg.value for _, _, arg, prefixed in calls if prefixed} >= {"channel", "state", "stageset"}
    assert len(literal) > 300 and len(KEYS & literal_strings()) > 450
