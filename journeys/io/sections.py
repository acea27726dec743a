"""What a journey file holds beside the journey since version 2: its team's ratings, its ideas and its surveys.

Each section is optional and a list of plain dicts (``docs/json-format.md``):

- ``ratings``: one rater's desirable / viable / feasible scores (1..5 or null) of one touchpoint, with the
  rater's discipline, comment and when they were given; a rater rates a touchpoint once;
- ``ideas``: an idea with its owner, status, effort, the touchpoints (and their pain points) it addresses,
  its own ratings (as above, without a touchpoint) and its comment threads;
- ``surveys``: one customer survey: its name, date, responses, the rows left out, the overall rating and the
  measured experience per touchpoint (:class:`journeys.analysis.survey.Aggregate`).

:func:`section_problems` lists every problem of sections that have the schema's form (what the schema cannot
say: a touchpoint the journey lacks, a rater or touchpoint listed twice, a time or date that is none, a mean
outside its scale, more answers than responses, control characters); :func:`sections_of` returns them with
every field filled in. Pain points an idea addresses are kept as the idea was saved, even where the touchpoint's
pain point was reworded since (as the workbench keeps them).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from functools import cache

from journeys.model.text import bad_character, first_bad
from journeys.model.validation import Problem

__all__ = [
    "SECTIONS",
    "SUBJECTS",
    "LENSES",
    "well_formed",
    "form_problems",
    "place",
    "section_problems",
    "sections_of",
]

SECTIONS = ("ratings", "ideas", "surveys")
SUBJECTS = {"ratings": "rating", "ideas": "idea", "surveys": "survey"}  # how a problem's place names an entry
LENSES = ("desirable", "viable", "feasible")
# what names an entry in a problem's place: the touchpoint a rating is about, an idea's title, a survey's name
NAMED_BY = {"ratings": "touchpoint", "ideas": "title", "surveys": "name"}
IDEA_TEXTS = ("title", "description", "owner", "created_by", "updated_by")
AGGREGATE = ("scale", "mean", "top2", "n", "nps")
MEASURED = (*AGGREGATE, "importance", "importance_n")
# the answers each scale has (journeys.analysis.survey.SCALES, which needs numpy: not loaded for every file)
SCALE_RANGES = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}


@cache
def _validators() -> dict:
    import jsonschema

    from journeys.io.interchange import schema

    whole = schema()
    return {
        name: jsonschema.Draft202012Validator({"$defs": whole["$defs"], **whole["properties"][name]})
        for name in SECTIONS
    }


def well_formed(doc: dict) -> bool:
    """True when every section ``doc`` holds matches the schema (the sections are small: jsonschema decides)."""
    return all(_validators()[name].is_valid(doc[name]) for name in SECTIONS if name in doc)


def form_problems(doc: dict) -> list[tuple[list, str]]:
    """Every place (a path in ``doc``) and message where a section does not match the schema."""
    found = []
    for name in SECTIONS:
        if name in doc:
            for error in _validators()[name].iter_errors(doc[name]):
                found.append(([name, *error.absolute_path], error.message))
    return sorted(found, key=lambda f: [str(p) for p in f[0]])


def place(doc: dict, parts: list) -> dict:
    """Where ``parts`` (a path starting with a section's name) points, as :meth:`Problem.at` takes it."""
    items = doc.get(parts[0])
    item = items[parts[1]] if isinstance(items, list) and parts[1] < len(items) else None
    ref = item.get(NAMED_BY[parts[0]]) if isinstance(item, dict) else None
    found = {"subject": SUBJECTS[parts[0]], "item": parts[1] + 1, "path": ".".join(str(p) for p in parts[2:])}
    return found | ({"ref": ref} if isinstance(ref, str) else {})


def _text_problems(at: dict, entry: dict, fields, *, long=()) -> list[Problem]:
    problems = []
    for field in fields:
        value = entry.get(field)
        if isinstance(value, str) and (bad := bad_character(value, long=field in long)):
            char = first_bad(value, long=field in long)
            message = "" if bad == "nul" else bad
            problems.append(Problem.at("bad_text", **at, field=field, message=message, char=char))
    return problems


def _time_problems(at: dict, entry: dict, fields) -> list[Problem]:
    problems = []
    for field in fields:
        if (value := entry.get(field)) is None:
            continue
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                moment.astimezone(UTC)  # 0001-01-01T00:00+01:00 is a time no database holds
        except (ValueError, OverflowError):
            problems.append(Problem.at("comment_time", **at, field=field, value=value))
    return problems


def _rating_problems(at: dict, rating: dict, seen: set) -> list[Problem]:
    problems = _text_problems(at, rating, ("rater", "discipline", "comment"), long=("comment",))
    problems += _time_problems(at, rating, ("updated_at",))
    rater = rating["rater"].strip()
    if rater in seen:
        problems.append(Problem.at("listed_twice", **at, message="rater", value=rater))
    seen.add(rater)
    return problems


def _aggregate_problems(at: dict, aggregate: dict, responses: int, prefix: str = "") -> list[Problem]:
    problems = []
    lo, hi = SCALE_RANGES[aggregate["scale"]]
    for field, low, high in (("mean", lo, hi), ("top2", 0, 1), ("nps", -100, 100), ("importance", -1, 1)):
        value = aggregate.get(field)
        if value is not None and not (math.isfinite(value) and low <= value <= high):
            problems.append(Problem.at("out_of_range", **at, field=field, value=value, lo=low, hi=high))
    for field in ("n", "importance_n"):
        if aggregate.get(field, 0) > responses:
            problems.append(Problem.at("survey_count", **at, field=field, value=aggregate[field], responses=responses))
    return problems


def _survey_problems(at: dict, survey: dict, touchpoints) -> list[Problem]:
    problems = _text_problems(at, survey, ("name", "imported_by"))
    problems += _time_problems(at, survey, ("imported_at",))
    try:
        date.fromisoformat(survey["surveyed_on"])
    except ValueError:
        problems.append(Problem.at("not_a_date", **at, field="surveyed_on", value=survey["surveyed_on"]))
    if survey.get("overall"):
        problems += _aggregate_problems(at | {"path": "overall"}, survey["overall"], survey["responses"])
    seen: set = set()
    for j, measurement in enumerate(survey.get("measurements", [])):
        here = at | {"path": f"measurements.{j}"}
        key = measurement["touchpoint"]
        if touchpoints is not None and key not in touchpoints:
            problems.append(Problem.at("survey_about", **here, value=key))
        if key in seen:
            problems.append(Problem.at("listed_twice", **here, message="touchpoint", value=key))
        seen.add(key)
        problems += _aggregate_problems(here, measurement, survey["responses"])
    return problems


def _idea_problems(at: dict, idea: dict, touchpoints) -> list[Problem]:
    from journeys.io.interchange import comment_problems

    problems = _text_problems(at, idea, IDEA_TEXTS, long=("description",))
    problems += _time_problems(at, idea, ("created_at", "updated_at"))
    seen: set = set()
    for j, target in enumerate(idea.get("targets", [])):
        here = at | {"path": f"targets.{j}"}
        key = target["touchpoint"]
        if touchpoints is not None and key not in touchpoints:
            problems.append(Problem.at("idea_about", **here, value=key))
        if key in seen:
            problems.append(Problem.at("listed_twice", **here, message="touchpoint", value=key))
        seen.add(key)
        for pain in target.get("pains", []):
            problems += _text_problems(here, {"pains": pain}, ("pains",), long=("pains",))
    raters: set = set()
    for j, rating in enumerate(idea.get("ratings", [])):
        problems += _rating_problems(at | {"path": f"ratings.{j}"}, rating, raters)
    for problem in comment_problems(idea.get("comments", [])):  # told at the idea: "idea #2 'Call-back' comments.0"
        path = f"comments.{problem.item - 1}" + (f".{problem.path}" if problem.path else "")
        problems.append(
            Problem.at(
                problem.code, **at | {"path": path}, field=problem.field, message=problem.message, **problem.params
            )
        )
    return problems


def section_problems(doc: dict, touchpoints=None) -> list[Problem]:
    """Every problem of the sections of ``doc``, which match the schema, against the touchpoints ``touchpoints``
    (keys; None: any).

    Examples
    --------
    >>> rating = {"touchpoint": "ghost", "rater": "Ana", "desirable": 2}
    >>> [str(p) for p in section_problems({"ratings": [rating, rating | {"touchpoint": "hotline"}]}, {"hotline"})]
    ["rating #1 of 'ghost': the journey has no touchpoint 'ghost' to rate"]
    """
    problems = []
    raters: dict[str, set] = {}
    for i, rating in enumerate(doc.get("ratings", []), start=1):
        at = {"subject": "rating", "item": i, "ref": rating["touchpoint"]}
        if touchpoints is not None and rating["touchpoint"] not in touchpoints:
            problems.append(Problem.at("rating_about", **at, value=rating["touchpoint"]))
        problems += _rating_problems(at, rating, raters.setdefault(rating["touchpoint"], set()))
    for i, idea in enumerate(doc.get("ideas", []), start=1):
        problems += _idea_problems({"subject": "idea", "item": i, "ref": idea["title"]}, idea, touchpoints)
    for i, survey in enumerate(doc.get("surveys", []), start=1):
        problems += _survey_problems({"subject": "survey", "item": i, "ref": survey["name"]}, survey, touchpoints)
    return problems


def _whole(value):
    """A whole number as an int (JSON Schema takes 3.0 for an integer; a database column wants 3)."""
    return int(value) if isinstance(value, float) else value


def _rating(rating: dict) -> dict:
    return {
        **({"touchpoint": rating["touchpoint"]} if "touchpoint" in rating else {}),
        "rater": rating["rater"].strip(),
        "discipline": rating.get("discipline", "other").strip(),
        **{lens: _whole(rating.get(lens)) for lens in LENSES},
        "comment": rating.get("comment", ""),
        "updated_at": rating.get("updated_at"),
    }


def _aggregate(aggregate: dict, fields) -> dict:
    values = {field: aggregate.get(field) for field in fields}
    values.update(n=_whole(values["n"]), mean=float(values["mean"]), top2=float(values["top2"]))
    for field in ("nps", "importance"):
        if values.get(field) is not None:
            values[field] = float(values[field])
    if "importance_n" in fields:
        values["importance_n"] = _whole(values["importance_n"] or 0)
    return values


def sections_of(doc: dict) -> dict[str, list[dict]]:
    """The ratings, ideas and surveys of a document :func:`journeys.io.interchange.from_document` took, every field
    filled in (a missing time is None: the store takes the time of the import), names trimmed, whole numbers ints.
    """
    from journeys.io.interchange import comments_of

    ideas = [
        {
            "title": idea["title"].strip(),
            "description": idea.get("description", "").strip(),
            "owner": idea.get("owner", "").strip(),
            "status": idea.get("status", "open"),
            "effort": _whole(idea.get("effort")),
            **{field: idea.get(field) for field in ("created_at", "updated_at")},
            **{field: idea.get(field, "") for field in ("created_by", "updated_by")},
            "targets": [
                {"touchpoint": t["touchpoint"], "pains": list(dict.fromkeys(t.get("pains", [])))}
                for t in idea.get("targets", [])
            ],
            "ratings": [_rating(r) for r in idea.get("ratings", [])],
            "comments": comments_of(idea),
        }
        for idea in doc.get("ideas", [])
    ]
    surveys = [
        {
            "name": survey["name"].strip(),
            "surveyed_on": survey["surveyed_on"],
            "responses": _whole(survey["responses"]),
            "skipped_rows": [_whole(row) for row in survey.get("skipped_rows", [])],
            "overall": _aggregate(survey["overall"], AGGREGATE) if survey.get("overall") else None,
            "imported_at": survey.get("imported_at"),
            "imported_by": survey.get("imported_by", ""),
            "measurements": [
                {"touchpoint": m["touchpoint"], **_aggregate(m, MEASURED)} for m in survey.get("measurements", [])
            ],
        }
        for survey in doc.get("surveys", [])
    ]
    return {"ratings": [_rating(r) for r in doc.get("ratings", [])], "ideas": ideas, "surveys": surveys}
