"""Reading a backup archive without trusting it: what it may cost, and every record checked as an import would.

:func:`read_backup` returns the journey documents of an archive (see :mod:`store.backup`) only when
all of it can be restored as it is; otherwise it raises :class:`BackupError`, whose ``text(lang)``
says what and where in English or German. Nothing is written before it returned.

Limits: at most ``MAX_MEMBERS`` files in the archive and ``MAX_JOURNEYS`` journeys; a file at
most ``MAX_MEMBER`` bytes unpacked and all of them ``MAX_TOTAL`` (the sizes the archive declares
are checked first, and reading stops past the limit whatever they declare, so a small archive
cannot unpack into gigabytes); JSON nested at most ``MAX_DEPTH`` levels, numbers of at most
4,300 digits (Python's own limit) and, where stored, within the database's columns.

Checks: each journey's graph through the validating importer; each revision's version unique and
its snapshot or patch readable and a valid journey; ratings 1..5 by a rater at most once per
touchpoint or idea; ideas through :func:`journeys.analysis.ideas.check_idea`; surveys through
:func:`store.surveys.check_summary`; comment threads (on touchpoints, and in each idea on the idea) through
:func:`journeys.io.interchange.check_comments`, those on touchpoints deleted since included; every text as the app would take it (no control characters,
NUL or lone surrogates), every time and date readable, every touchpoint named one of the journey.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import networkx as nx

from journeys.analysis.ideas import check_idea
from journeys.analysis.scoring import LENSES
from journeys.analysis.survey import Aggregate, SurveySummary
from journeys.i18n import t
from journeys.io import interchange
from journeys.model.graph import STATES
from journeys.model.text import MAX_LONG, MAX_SHORT, bad_character, brief, escaped, first_bad
from journeys.model.validation import MAX_JOURNEY_ID
from store.analysis import MAX_DISCIPLINE, MAX_RATER, RatingInvalid, check_rating
from store.rows import apply_patch
from store.surveys import MAX_INT, SurveyRefused, check_summary

__all__ = [
    "FORMAT",
    "VERSION",
    "MAX_MEMBERS",
    "MAX_JOURNEYS",
    "MAX_MEMBER",
    "MAX_TOTAL",
    "MAX_DEPTH",
    "BackupError",
    "read_backup",
]

FORMAT = "journey-workbench-backup"
VERSION = 1
# the fields of each record in a journey's document (store.backup writes them, a restore reads them)
JOURNEY_FIELDS = ("id", "name", "description", "state", "version", "source_id", "updated_by", "deleted_by")
JOURNEY_TIMES = ("created_at", "updated_at", "deleted_at")
RATING_FIELDS = ("rater", "discipline", *LENSES, "comment")
IDEA_FIELDS = ("title", "description", "owner", "status", "effort", "version", "created_by", "updated_by")
IDEA_TIMES = ("created_at", "updated_at")
SURVEY_FIELDS = (
    "name",
    "responses",
    "skipped_rows",
    "overall_scale",
    "overall_mean",
    "overall_top2",
    "overall_n",
    "overall_nps",
    "imported_by",
)
MEASUREMENT_FIELDS = ("scale", "mean", "top2", "n", "nps", "importance", "importance_n")
REVISION_FIELDS = ("version", "author", "summary", "snapshot")  # and created_at
MAX_JOURNEYS = 10_000
MAX_MEMBERS = MAX_JOURNEYS + 1  # and the manifest
MAX_MEMBER = 256 * 2**20  # bytes of one file, unpacked: a journey of 20,000 touchpoints with a long history fits
MAX_TOTAL = 1024 * 2**20  # bytes of all files together, unpacked
MAX_DEPTH = 64  # levels of JSON nesting; a journey's document has fewer than ten
_CHUNK = 2**20
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # in a stored text neither database can hold these


class BackupError(ValueError):
    """Raised when a file is not a backup this workbench can restore; nothing was written.

    ``code`` names the reason (``backup.invalid.<code>`` in :mod:`journeys.i18n`), ``params`` fill
    it in; ``text(lang)`` tells it in English or German, ``str()`` in English.
    """

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        values = {}
        for key, value in self.params.items():
            if key == "where":  # ((part, number), ...) inside a journey's document
                value = ", ".join(t(f"backup.where.{part}", lang, n=n) for part, n in value) or t(
                    "backup.where.journey", lang
                )
            elif key == "expected":  # (kind, params) of what the field must be
                kind, given = value
                value = t(f"backup.expected.{kind}", lang, **given)
            elif key == "problems":  # a journey's problems (journeys.model.validation.Problem)
                shown = [p.text(lang) for p in value[:3]]
                value = "; ".join(shown) + (f" (+{len(value) - 3})" if len(value) > 3 else "")
            elif key == "problem":  # a refusal of the idea, rating or survey checks
                value = value.text(lang)
            values[key] = brief(value, 300)
        return escaped(t(f"backup.invalid.{self.code}", lang, **values))  # a message is one line, with no escape codes


# --- the archive and its files ------------------------------------------------------------------------------


def _member(archive: zipfile.ZipFile, name, budget: list[int]) -> bytes:
    """The bytes of member ``name``: refused when it declares, or turns out, to be larger than the limits."""
    if not isinstance(name, str):
        raise BackupError("manifest", detail="a journey's file name is not text")
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise BackupError("missing", file=name) from None
    limit = min(MAX_MEMBER, budget[0])
    if info.file_size > limit:
        raise _too_large(name, limit)
    chunks, size = [], 0
    with archive.open(info) as stream:  # inflated piece by piece: never more than the limit in memory
        while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise _too_large(name, limit)
    budget[0] -= size
    return b"".join(chunks)


def _too_large(name: str, limit: int) -> BackupError:
    if limit < MAX_MEMBER:
        return BackupError("too_large", limit=MAX_TOTAL // 2**20)
    return BackupError("member_too_large", file=name, limit=MAX_MEMBER // 2**20)


def depth(value, limit: int) -> int:
    """The nesting depth of ``value``, counted only until it passes ``limit``."""
    stack, deepest = [(value, 1)], 0
    while stack:
        item, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            break
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
    return deepest


def _json(data: bytes | str, name: str):
    """The JSON in a file of the archive (or a revision's snapshot): refused when not JSON, too deep, too large."""
    try:
        value = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except RecursionError:
        raise BackupError("too_deep", file=name, max=MAX_DEPTH) from None
    except json.JSONDecodeError as exc:
        raise BackupError("not_json", file=name, detail=f"{exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except UnicodeDecodeError:
        raise BackupError("not_json", file=name, detail="not UTF-8") from None
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise BackupError("huge_number", file=name, digits=sys.get_int_max_str_digits()) from None
    if depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise BackupError("too_deep", file=name, max=MAX_DEPTH)
    return value


def _documents(path: str | Path | BinaryIO) -> list[tuple[str, dict]]:
    """The manifest's journey files with their JSON, read within the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            if len(archive.infolist()) > MAX_MEMBERS:
                raise BackupError("too_many_members", n=len(archive.infolist()), max=MAX_MEMBERS)
            declared = sum(info.file_size for info in archive.infolist())
            if declared > MAX_TOTAL:
                raise BackupError("too_large", limit=MAX_TOTAL // 2**20)
            budget = [MAX_TOTAL]
            manifest = _json(_member(archive, "manifest.json", budget), "manifest.json")
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError("foreign")
            if manifest.get("version") != VERSION:
                raise BackupError("version", version=brief(manifest.get("version")), known=VERSION)
            entries = manifest.get("journeys")
            if not isinstance(entries, list) or not all(isinstance(e, dict) and "file" in e for e in entries):
                raise BackupError("manifest", detail="its list of journeys is damaged")
            if len(entries) > MAX_JOURNEYS:
                raise BackupError("too_many_members", n=len(entries), max=MAX_JOURNEYS)
            return [(e["file"], _json(_member(archive, e["file"], budget), e["file"])) for e in entries]
    except BackupError:
        raise
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError, ValueError) as exc:
        # a cut or corrupt file, a CRC that does not match, an unknown compression, a password
        raise BackupError("damaged", detail=str(exc) or type(exc).__name__) from None
    except OSError as exc:
        raise BackupError("unreadable", detail=exc.strerror or str(exc)) from None


# --- one journey's records ---------------------------------------------------------------------------------


class _Checker:
    """The checks of one journey's document; each raises :class:`BackupError` naming the journey and the place."""

    def __init__(self, journey: str):
        self.journey = journey

    def fail(self, where, code: str = "value", **params) -> BackupError:
        return BackupError(code, journey=self.journey, where=where, **params)

    def wrong(self, where, field: str, value, kind: str, **given) -> BackupError:
        return self.fail(where, field=field, value=brief(value), expected=(kind, given))

    def object(self, where, field: str, value, fields=()) -> dict:
        """``value`` is an object holding every one of ``fields`` (a restore reads them all)."""
        if not isinstance(value, dict):
            raise self.wrong(where, field, type(value).__name__, "object")
        for name in fields:
            if name not in value:
                raise self.fail(where, "missing_field", field=name)
        return value

    def items(self, where, field: str, value, *, optional: bool = False) -> list:
        if value is None and optional:  # written before ideas and surveys existed
            return []
        if not isinstance(value, list):
            raise self.wrong(where, field, type(value).__name__, "list")
        return value

    def text(self, where, record: dict, field: str, *, limit=MAX_SHORT, long=False, required=False, optional=False):
        value = record.get(field)
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
            raise self.wrong(where, field, value, "text", max=limit)
        if bad_character(value, long=long):
            raise self.wrong(where, field, value, "characters", char=first_bad(value, long=long))
        return value

    def integer(self, where, record: dict, field: str, lo: int, hi: int, *, optional: bool = False):
        value = record.get(field)
        if value is None and optional:
            return None
        if type(value) is not int or not lo <= value <= hi:
            raise self.wrong(where, field, value, "integer", lo=lo, hi=hi)
        return value

    def time(self, where, record: dict, field: str, *, optional: bool = False) -> datetime | None:
        value = record.get(field)
        if value is None and optional:
            return None
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.wrong(where, field, value, "time") from None

    def day(self, where, record: dict, field: str) -> date:
        value = record.get(field)
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.wrong(where, field, value, "date") from None

    def touchpoint(self, where, record: dict, graph: nx.DiGraph) -> str:
        key = record.get("touchpoint")
        if not isinstance(key, str) or key not in graph:
            raise self.fail(where, "unknown_touchpoint", value=brief(key))
        return key

    def once(self, where, seen: set, field: str, value) -> None:
        if value in seen:
            raise self.fail(where, "duplicate", field=field, value=brief(value))
        seen.add(value)

    def rating(self, where, record: dict, *, touchpoint: bool = False) -> None:
        self.object(where, "rating", record, (*RATING_FIELDS, "updated_at", *(["touchpoint"] if touchpoint else [])))
        self.text(where, record, "rater", limit=MAX_RATER, required=True)
        self.text(where, record, "discipline", limit=MAX_DISCIPLINE, required=True)
        self.text(where, record, "comment", limit=MAX_LONG, long=True)
        try:
            check_rating(rater=record["rater"], discipline=record["discipline"], scores=record)
        except RatingInvalid as exc:
            raise self.fail(where, "record", problem=exc) from None
        self.time(where, record, "updated_at")


def _check_journey(doc) -> nx.DiGraph:
    """The graph of one journey's document, after checking every record of it."""
    if not isinstance(doc, dict) or not isinstance(doc.get("journey"), dict):
        raise BackupError("manifest", detail="a journey's file holds no journey")
    fields = doc["journey"]
    jid = fields.get("id")
    check = _Checker(brief(jid) if isinstance(jid, str) else "?")
    here = ()
    check.object(here, "journey", doc, ("journey", "graph", "revisions", "ratings"))
    check.object(here, "journey", fields, (*JOURNEY_FIELDS, *JOURNEY_TIMES))
    check.text(here, fields, "id", limit=MAX_JOURNEY_ID, required=True)
    check.text(here, fields, "name", limit=MAX_LONG, required=True)
    check.text(here, fields, "description", limit=MAX_LONG, long=True)
    if fields.get("state") not in STATES:
        raise check.wrong(here, "state", fields.get("state"), "one_of", allowed=", ".join(STATES))
    version = check.integer(here, fields, "version", 1, MAX_INT)
    check.text(here, fields, "source_id", limit=MAX_JOURNEY_ID, optional=True)
    for field in ("updated_by", "deleted_by"):
        check.text(here, fields, field)
    for field in ("created_at", "updated_at"):
        check.time(here, fields, field)
    check.time(here, fields, "deleted_at", optional=True)
    try:
        graph = interchange.from_document(doc.get("graph"))
    except interchange.JourneyFormatError as exc:
        raise check.fail(here, "graph", problems=exc.problems) from None
    _check_revisions(check, check.items(here, "revisions", doc.get("revisions")), version)
    seen: set = set()
    for i, rating in enumerate(check.items(here, "ratings", doc.get("ratings")), start=1):
        where = (("rating", i),)
        check.rating(where, rating, touchpoint=True)
        check.once(where, seen, "rater", (check.touchpoint(where, rating, graph), rating["rater"]))
    for i, idea in enumerate(check.items(here, "ideas", doc.get("ideas"), optional=True), start=1):
        _check_idea(check, (("idea", i),), idea, graph)
    for i, survey in enumerate(check.items(here, "surveys", doc.get("surveys"), optional=True), start=1):
        _check_survey(check, (("survey", i),), survey, graph)
    _check_comments(check, here, doc.get("comments"))
    return graph


def _check_comments(check: _Checker, where, threads, *, about: bool = True) -> None:
    """Comment threads as the JSON format has them (``about=False``: an idea's, naming no touchpoint). A thread may
    be on a touchpoint deleted since: its comments stay, as they stay in the database."""
    threads = check.items(where, "comments", threads, optional=True)  # written before comments existed: none
    if problems := interchange.check_comments(threads, about=about):
        raise check.fail(where, "comments", problems=problems)


def _check_summary_text(check: _Checker, where, revision: dict) -> None:
    """A revision's summary: any text the database can hold (its form is the history's business)."""
    summary = revision.get("summary")
    if not isinstance(summary, str) or _UNSTORABLE.search(summary):
        raise check.wrong(where, "summary", summary, "stored_text")


def _check_changes(check: _Checker, where, revision: dict) -> None:
    """A revision's change records (:mod:`store.summaries`): a list of objects the database can hold, or none
    (backups made before the records existed have none; the summary text then tells what changed)."""
    changes = revision.get("changes")
    if changes is None:
        return
    try:  # NaN and Infinity are no JSON a database column takes (PostgreSQL refuses them)
        text = json.dumps(changes, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise check.wrong(where, "changes", changes, "changes") from None
    if (
        not isinstance(changes, list)
        or not all(isinstance(record, dict) for record in changes)
        or _UNSTORABLE.search(text)
    ):
        raise check.wrong(where, "changes", changes, "changes")


def _check_revisions(check: _Checker, revisions: list, version: int) -> None:
    """Every revision: its version once, and its snapshot (or the patch on the version before) a valid journey."""
    seen: set = set()
    for i, revision in enumerate(revisions, start=1):
        where = (("revision", i),)
        check.object(where, "revision", revision, (*REVISION_FIELDS, "created_at"))
        check.once(where, seen, "version", check.integer(where, revision, "version", 1, version))
        check.text(where, revision, "author")
        check.time(where, revision, "created_at")
        _check_summary_text(check, where, revision)
        _check_changes(check, where, revision)
        if not isinstance(revision.get("snapshot"), str) or _UNSTORABLE.search(revision["snapshot"]):
            raise check.wrong(where, "snapshot", revision.get("snapshot"), "stored_text")
    previous: tuple[int, dict] | None = None
    for revision in sorted(revisions, key=lambda r: r["version"]):
        number, snapshot = revision["version"], revision["snapshot"]
        where = (("version", number),)
        content = _json(snapshot, f"{check.journey}: version {number}")
        if snapshot.startswith('{"patch"'):  # as the history tells the two apart (store.repository)
            if previous is None or previous[0] != number - 1 or not isinstance(content, dict):
                raise check.fail(where, "history", detail=f"version {number - 1} is not there to patch")
            try:
                content = apply_patch(previous[1], content)
            except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
                raise check.fail(where, "history", detail=f"the change cannot be applied ({exc!r:.80})") from None
        try:
            interchange.from_document(content)
        except interchange.JourneyFormatError as exc:
            raise check.fail(where, "graph", problems=exc.problems) from None
        previous = (number, content)


def _check_idea(check: _Checker, where, idea, graph: nx.DiGraph) -> None:
    check.object(where, "idea", idea, (*IDEA_FIELDS, *IDEA_TIMES, "targets", "ratings"))
    check.text(where, idea, "description", limit=MAX_LONG, long=True)
    check.text(where, idea, "owner", limit=MAX_LONG)
    targets, seen = {}, set()
    for j, target in enumerate(check.items(where, "targets", idea.get("targets")), start=1):
        place = (*where, ("target", j))
        check.object(place, "target", target, ("touchpoint", "pains"))
        key = check.touchpoint(place, target, graph)
        check.once(place, seen, "touchpoint", key)
        pains = check.items(place, "pains", target.get("pains"))
        for pain in pains:  # texts of pain points as they were: the journey may have changed them since
            if not isinstance(pain, str) or len(pain) > MAX_LONG or bad_character(pain, long=True):
                raise check.wrong(place, "pains", pain, "text", max=MAX_LONG)
        targets[key] = pains
    fields = {f: idea.get(f) for f in ("title", "description", "owner", "status", "effort")}
    if problems := check_idea({**fields, "targets": {}}, graph):  # targets checked above, leniently
        raise check.fail(where, "record", problem=problems[0])
    check.integer(where, idea, "version", 1, MAX_INT)
    for field in ("created_by", "updated_by"):
        check.text(where, idea, field)
    for field in ("created_at", "updated_at"):
        check.time(where, idea, field)
    raters: set = set()
    for j, rating in enumerate(check.items(where, "ratings", idea.get("ratings")), start=1):
        place = (*where, ("rating", j))
        check.rating(place, rating)
        check.once(place, raters, "rater", rating["rater"])
    _check_comments(check, where, idea.get("comments"), about=False)


def _check_survey(check: _Checker, where, survey, graph: nx.DiGraph) -> None:
    check.object(where, "survey", survey, (*SURVEY_FIELDS, "surveyed_on", "imported_at", "measurements"))
    measurements, seen = {}, set()
    for j, measurement in enumerate(check.items(where, "measurements", survey.get("measurements")), start=1):
        place = (*where, ("measurement", j))
        check.object(place, "measurement", measurement, ("touchpoint", *MEASUREMENT_FIELDS))
        key = check.touchpoint(place, measurement, graph)
        check.once(place, seen, "touchpoint", key)
        measurements[key] = Aggregate(**{f: measurement.get(f) for f in MEASUREMENT_FIELDS})
    overall = None
    if survey.get("overall_scale") is not None:
        overall = Aggregate(**{f: survey.get(f"overall_{f}") for f in ("scale", "mean", "top2", "n", "nps")})
    elif any(survey.get(f"overall_{f}") is not None for f in ("mean", "top2", "n", "nps")):
        raise check.wrong(where, "overall_scale", None, "one_of", allowed="csat, ces, nps")
    summary = SurveySummary(
        name=survey.get("name"),
        surveyed_on=check.day(where, survey, "surveyed_on"),
        responses=survey.get("responses"),
        touchpoints=measurements,
        overall=overall,
        skipped_rows=survey.get("skipped_rows"),
    )
    try:  # a survey whose touchpoints were all deleted since keeps no measurement
        check_summary(summary, require_touchpoints=False)
    except SurveyRefused as exc:
        raise check.fail(where, "record", problem=exc) from None
    check.text(where, survey, "imported_by")
    check.time(where, survey, "imported_at")


def read_backup(path: str | Path | BinaryIO) -> list[tuple[dict, nx.DiGraph]]:
    """Return every journey document of the archive with its graph, all checked; raise :class:`BackupError`."""
    checked, ids = [], set()
    for name, doc in _documents(path):
        graph = _check_journey(doc)
        jid = doc["journey"]["id"]
        if jid in ids:
            raise BackupError("duplicate_journey", journey=jid, file=name)
        ids.add(jid)
        graph.graph["id"] = jid
        for part in ("ideas", "surveys", "comments"):  # backups written before ideas, surveys and comments existed
            if doc.get(part) is None:
                doc[part] = []
        doc["comments"] = interchange.comments_of(doc)
        for idea in doc["ideas"]:
            idea["comments"] = interchange.comments_of(idea)
        checked.append((doc, graph))
    return checked
