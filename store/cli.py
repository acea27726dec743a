"""The workbench on the command line: export, import, back up and restore journeys, without the web app;
migrate the database and check that it is ready.

It uses the same database as the app (``JOURNEYS_DB_URL``, else the project's ``data/journeys.db``).
Installed (``pip install .``) it is the ``journeys`` command; in a checkout ``python -m store.cli``::

    journeys check                  # exit 0 and "ready", or 1 and why not (a container's health check)
    journeys migrate --no-demo      # the newest schema, without the demo journeys in an empty database
    python -m store.cli list
    python -m store.cli export --all --format png json --out exports/
    python -m store.cli export "Broadband: router set-up and the hotline" --format mermaid csv
    python -m store.cli export "Broadband: router set-up and the hotline" --format pptx pdf poster --lang de
    python -m store.cli import exports/*.json
    python -m store.cli import --on-duplicate replace exports/broadband.json
    python -m store.cli backup journeys-backup.zip
    python -m store.cli restore journeys-backup.zip
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

import store
from journeys.analysis.scoring import consensus
from journeys.charts import images
from journeys.io import deck, exports, foreign
from journeys.io.interchange import MAX_BYTES, JourneyFormatError
from journeys.model.text import MAX_SHORT, bad_character, escaped
from journeys.model.validation import JourneyInvalid
from store import analysis, backup, exchange, logs, presenting
from store.db import default_url, failure, schema_revision
from store.models import Journey

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_NO_BROWSER", "build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED = 1  # a journey or file was not found, or a file could not be imported or restored
EXIT_USAGE = 2  # argparse's own code for a wrong command line
EXIT_NO_BROWSER = 3  # images were asked for but no browser was found; everything else was written

IMAGE_FORMATS = ("png", "svg")
DECK_FORMATS = {"pptx": ".pptx", "pdf": "-deck.pdf", "poster": "-poster-a3.pdf"}  # need Chrome or Chromium too
FORMATS = (*IMAGE_FORMATS, *exports.DATA_FORMATS, *DECK_FORMATS)
FIGURES = (*images.FIGURES, "stages", "portfolio")

EPILOG = f"""\
formats: png, svg (images, need Chrome or Chromium), json (lossless: the journey with its
ratings, ideas, surveys and comments), csv (touchpoints
with all scores), graphml (networkx, Gephi, yEd), mermaid (a Mermaid journey diagram),
flowchart (a Mermaid flowchart with the branches, shares and loops); on request also
pptx (a 16:9 presentation deck: title, map, heatmap, the weakest touchpoints and why,
emotions, importance and performance, ideas, to-be; the numbers in the speaker notes),
pdf (the same deck as PDF) and poster (the map and its heatmap on one A3 PDF page),
which need Chrome or Chromium as the images do.

figures: map, heatmap, emotions, matrix, stages (one map per stage) and portfolio (the
weakness of all journeys in one heatmap). By default all of them, the stage maps only
for long journeys and the portfolio only with --all.

exit codes: {EXIT_OK} done; {EXIT_FAILED} a journey or file was not found, not imported or not restored,
or the database is not ready (check) or not reachable; {EXIT_USAGE} wrong command line; {EXIT_NO_BROWSER} no browser for images (everything else was written).

The database is the app's: JOURNEYS_DB_URL, else {default_url()}."""


def _within(kind, lo, hi):
    """An argparse type: a number of ``kind`` from ``lo`` to ``hi`` (an image of 10**9 pixels would never finish)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not lo <= value <= hi:  # NaN fails this too
            raise argparse.ArgumentTypeError(f"{text} is not from {lo} to {hi}")
        return value

    return parse


def _name(text: str) -> str:
    """An argparse type: a name the store takes (a short text: no control characters)."""
    if not text.strip() or len(text) > MAX_SHORT or bad_character(text):
        raise argparse.ArgumentTypeError(
            f"{escaped(text)!r} is no name (at most {MAX_SHORT} characters, no control characters)"
        )
    return text.strip()


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``python -m store.cli``."""
    parser = argparse.ArgumentParser(
        prog="journeys" if Path(sys.argv[0]).name == "journeys" else "python -m store.cli",
        description="Export journeys to files, import JSON files, back up and restore the database, without the web app; "
        "migrate the database and check that it is ready.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="{export,import,list,backup,restore,migrate,check}"
    )
    export = commands.add_parser(
        "export",
        help="write journeys to a folder as images and data files",
        description="Write journeys (by id or name, or --all) to a folder as images and data files.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("journeys", nargs="*", metavar="JOURNEY", help="a journey id or name (see the list command)")
    export.add_argument("--all", action="store_true", help="export every journey")
    export.add_argument(
        "--format",
        nargs="+",
        choices=FORMATS,
        default=[*IMAGE_FORMATS, *exports.DATA_FORMATS],
        metavar="FORMAT",
        help="default: the images and data files, see below",
    )
    export.add_argument("--figure", nargs="+", choices=FIGURES, metavar="FIGURE", help="default: all, see below")
    export.add_argument("--out", type=Path, default=Path("exports"), help="folder to write to (default: exports)")
    export.add_argument("--lang", choices=("en", "de"), default="en", help="language of the images and texts")
    export.add_argument(
        "--width", type=_within(int, 100, 10_000), default=1920, help="image width in pixels (default: 1920)"
    )
    export.add_argument(
        "--height", type=_within(int, 100, 10_000), default=1080, help="image height in pixels (default: 1080)"
    )
    export.add_argument(
        "--scale", type=_within(float, 0.1, 10), default=1, help="multiplies the pixels, e.g. 2 for print"
    )
    export.add_argument("--persona", help="draw this persona's emotion curve on the map (id or name)")
    imported = commands.add_parser(
        "import",
        help="import journey files into the database: JSON with their ratings, ideas, surveys and comments, "
        "GraphML, or the touchpoint table (CSV)",
        description="Import journey files, each all or nothing: JSON exported by the workbench with everything it "
        "holds (the journey, its ratings, ideas, surveys and comments); GraphML from the workbench, yEd or Gephi "
        "(a node's name or label names the touchpoint, its stage attribute the stage); or the touchpoint table the "
        "workbench exports as CSV (the touchpoints, without transitions). The file's ending says which.",
    )
    imported.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="a .json, .graphml (or .xml) or .csv file"
    )
    imported.add_argument("--author", type=_name, default="command line", help="recorded as the author of the import")
    imported.add_argument(
        "--on-duplicate",
        choices=exchange.ON_DUPLICATE,
        default="new",
        help="when a journey with the file's id is already there: import it as a new journey named "
        '"... (imported YYYY-MM-DD)" (new, the default), or make the file\'s journey its next version, its history '
        "kept and its ratings, ideas, surveys and comments replaced by the file's (replace)",
    )
    commands.add_parser("list", help="list the journeys with their ids")
    saved = commands.add_parser(
        "backup", help="write every journey with its history and scores to one archive file (ZIP)"
    )
    saved.add_argument("file", type=Path, metavar="FILE", help="the archive to write, e.g. journeys-backup.zip")
    restored = commands.add_parser(
        "restore", help="restore a backup archive into an empty database (or --replace everything in it)"
    )
    restored.add_argument("file", type=Path, metavar="FILE", help="an archive written by the backup command")
    restored.add_argument(
        "--replace", action="store_true", help="delete every journey in the database first (not undoable)"
    )
    migrated = commands.add_parser(
        "migrate", help="bring the database to the newest schema; an empty one also gets the demo journeys"
    )
    migrated.add_argument("--no-demo", action="store_true", help="leave an empty database without the demo journeys")
    commands.add_parser(
        "check",
        help='print "ready" when the app can serve from the database (it answers, its schema is the newest), '
        "else the reason, and exit 1 (a container's health check); writes nothing",
    )
    return parser


def _say(message: str) -> None:
    """Print one line for a person at a terminal: names, ids and file names may hold escape codes, shown escaped."""
    print(escaped(message))


def _fail(message: str) -> None:
    """Print one line to stderr: the error, with control characters (a line break, an escape code) escaped."""
    print(f"error: {escaped(message)}", file=sys.stderr)


def _refusal(exc: JourneyFormatError | JourneyInvalid, shown: int = 3) -> str:
    """A refused journey's problems on one line."""
    problems = [str(p) for p in exc.problems]
    more = f" (and {len(problems) - shown} more)" if len(problems) > shown else ""
    return "not a journey the workbench can import: " + "; ".join(problems[:shown]) + more


def _find(journeys: list[store.JourneyInfo], wanted: str) -> store.JourneyInfo | None:
    """The journey with this id, else this name, else the one whose name starts with it, else the one whose name
    contains it ("Broadband" is the journey named "Broadband: …", not "To-be: … (broadband)")."""
    for match in (
        lambda j: j.id == wanted,
        lambda j: j.name.casefold() == wanted.casefold(),
        lambda j: j.name.casefold().startswith(wanted.casefold()),
        lambda j: wanted.casefold() in j.name.casefold(),
    ):
        found = [j for j in journeys if match(j)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(f"{j.name!r} ({j.id})" for j in found)
            raise LookupError(f"{wanted!r} matches several journeys: {names}; give the id")
    return None


def _stems(chosen: list[store.JourneyInfo]) -> dict[str, str]:
    """File name stem per journey id; two journeys of the same name get their ids added."""
    stems = {j.id: exports.file_stem(nx.DiGraph(name=j.name, id=j.id)) for j in chosen}
    twice = {stem for stem, n in Counter(stems.values()).items() if n > 1}
    return {jid: f"{stem}-{jid}" if stem in twice else stem for jid, stem in stems.items()}


def _write(out: Path, files: dict[str, bytes]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)


def _read(path: Path, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of a file: a larger one is refused by its importer, never read whole."""
    with path.open("rb") as file:
        return file.read(limit + 1)


def export(args, engine) -> int:
    """Write the chosen journeys (and the portfolio) to ``args.out``."""
    if not args.journeys and not args.all:
        _fail("name the journeys to export (id or name), or give --all")
        return EXIT_USAGE
    with Session(engine) as session:
        journeys = store.list_journeys(session=session)
    try:
        chosen = journeys if args.all else [_find(journeys, w) or w for w in args.journeys]
    except LookupError as exc:
        _fail(str(exc))
        return EXIT_FAILED
    missing = [w for w in chosen if isinstance(w, str)]
    if missing:
        _fail(f"no journey with the id or name {', '.join(map(repr, missing))} (see: python -m store.cli list)")
        return EXIT_FAILED
    figures = args.figure or [*images.FIGURES, *(["portfolio"] if args.all else [])]
    stages = None if args.figure is None else "stages" in figures  # None: only for long journeys
    image_formats = [f for f in args.format if f in IMAGE_FORMATS] if figures else []
    try:
        return _export(args, engine, chosen, figures, stages, image_formats)
    except OSError as exc:  # the folder is a file, is not writable, the disk is full
        _fail(f"{exc.filename or args.out}: cannot be written ({exc.strerror or exc})")
        return EXIT_FAILED


def _export(args, engine, chosen, figures, stages, image_formats) -> int:
    size = {"width": args.width, "height": args.height, "scale": args.scale}
    code, stems = EXIT_OK, _stems(chosen)
    for info in {j.id: j for j in chosen}.values():
        with Session(engine) as session:
            G, _ = store.load_journey(session=session, journey_id=info.id)
            scores = consensus(analysis.list_ratings(session=session, journey_id=info.id))
            sections = store.journey_sections(session=session, journey_id=info.id, touchpoints=set(G))
        data = [f for f in args.format if f in exports.DATA_FORMATS]
        files = exports.data_files(
            G, scores, formats=data, lang=args.lang, exported_by="command line", stem=stems[info.id], sections=sections
        )
        if image_formats and code != EXIT_NO_BROWSER:
            try:
                files |= images.image_files(
                    G,
                    exports.touchpoint_scores(G, scores),
                    figures=[f for f in figures if f in images.FIGURES],
                    stages=stages,
                    formats=image_formats,
                    lang=args.lang,
                    persona=args.persona,
                    stem=stems[info.id],
                    **size,
                )
            except images.BrowserMissing as exc:
                _fail(f"no images: {exc}")
                code = EXIT_NO_BROWSER
        wanted = [f for f in args.format if f in DECK_FORMATS]
        if wanted and code != EXIT_NO_BROWSER:
            try:
                files |= _deck_files(engine, info.id, wanted, stems[info.id], args)
            except images.BrowserMissing as exc:
                _fail(f"no presentation: {exc}")
                code = EXIT_NO_BROWSER
        _write(args.out, files)
        _say(f"{info.name}: {len(files)} file(s) in {args.out}")
    if "portfolio" in figures and image_formats and code != EXIT_NO_BROWSER:
        with Session(engine) as session:
            cells = analysis.portfolio(session=session, rows="journey", columns="stage")
        if cells.empty:
            _say("portfolio: no journey has touchpoints, so there is no portfolio heatmap")
            return code
        fig = images.portfolio_slide(cells, lang=args.lang)
        files = {f"portfolio.{fmt}": images.to_image(fig, fmt, **size) for fmt in image_formats}
        _write(args.out, files)
        _say(f"portfolio: {len(files)} file(s) in {args.out}")
    return code


def _deck_files(engine, journey_id: str, formats: list[str], stem: str, args) -> dict[str, bytes]:
    """The presentation deck (PPTX, PDF) and the A3 poster of one journey, as asked; empty for a journey without
    touchpoints (there is nothing to draw)."""
    with Session(engine) as session:
        inputs = presenting.deck_inputs(session=session, journey_id=journey_id)
    if not inputs.graph:
        _say(f"{inputs.graph.graph.get('name', journey_id)}: no touchpoints, so no presentation or poster")
        return {}
    files = {}
    if {"pptx", "pdf"} & set(formats):
        slides = deck.deck_slides(
            inputs.graph, inputs.table, lang=args.lang, persona=args.persona, **inputs.slides_kwargs()
        )
        if "pptx" in formats:
            files[stem + DECK_FORMATS["pptx"]] = deck.to_pptx(slides)
        if "pdf" in formats:
            files[stem + DECK_FORMATS["pdf"]] = deck.to_pdf(slides)
    if "poster" in formats:
        poster = deck.poster_pdf(inputs.graph, inputs.table, lang=args.lang, persona=args.persona)
        files[stem + DECK_FORMATS["poster"]] = poster
    return files


def import_files(args, engine) -> int:
    """Import each file (JSON with its ratings, ideas, surveys and comment threads; GraphML; the touchpoint table) as
    a new journey or (with ``--on-duplicate replace``) over the journey with its id; report every file that cannot
    be imported."""
    code = EXIT_OK
    for path in args.files:
        try:
            data = _read(path, MAX_BYTES)
            graph, sections = foreign.read_file(path.name, data)
            with Session(engine) as session:
                jid = store.store_journey_whole(
                    session=session, graph=graph, sections=sections, author=args.author, on_duplicate=args.on_duplicate
                )
                G, version = store.load_journey(session=session, journey_id=jid)
        except OSError as exc:
            _fail(f"{path}: cannot be read ({exc.strerror or exc})")
            code = EXIT_FAILED
        except (JourneyFormatError, JourneyInvalid) as exc:
            _fail(f"{path}: {_refusal(exc)}")
            code = EXIT_FAILED
        else:
            replaced = f", replacing it as version {version}" if version > 1 else ""
            _say(f"imported {path} as {G.graph['name']!r} ({jid}){replaced}")
    return code


def list_journeys(args, engine) -> int:
    """Print one line per journey: id, state, touchpoints, name."""
    with Session(engine) as session:
        journeys = store.list_journeys(session=session)
    if not journeys:
        _say("no journeys yet (import one: python -m store.cli import FILE.json)")
    for j in journeys:
        _say(f"{j.id}  {j.state:<6} {j.touchpoints:>3} touchpoints  {j.name}")
    return EXIT_OK


def backup_database(args, engine) -> int:
    """Write the whole database to one archive file."""
    try:
        args.file.parent.mkdir(parents=True, exist_ok=True)
        with Session(engine) as session:
            done = backup.backup(session=session, path=args.file)
    except OSError as exc:
        _fail(f"{args.file}: cannot be written ({exc.strerror or exc})")
        return EXIT_FAILED
    _say(
        f"backed up {done.journeys} journey(s) ({done.trashed} in the trash), {done.revisions} revision(s), "
        f"{done.ratings} rating(s), {done.ideas} idea(s) and {done.surveys} survey(s) to {args.file}"
    )
    return EXIT_OK


def restore_database(args, engine) -> int:
    """Restore an archive file into the database; refuse a database with journeys unless --replace."""
    try:
        with Session(engine) as session:
            done = backup.restore(session=session, path=args.file, replace=args.replace)
    except backup.BackupError as exc:
        _fail(f"{args.file}: {exc}")
        return EXIT_FAILED
    _say(
        f"restored {done.journeys} journey(s), {done.revisions} revision(s), {done.ratings} rating(s), "
        f"{done.ideas} idea(s) and {done.surveys} survey(s)"
    )
    return EXIT_OK


def migrate_database(args, engine) -> int:
    """Migrate the database (and seed an empty one) as the app does at its start, under the same lock."""
    before, held = schema_revision(engine), _count(engine)
    store.prepare_database(engine, demo=not args.no_demo)
    after, holds = schema_revision(engine), _count(engine)
    done = f"migrated the database from {before or 'an empty one'} to {after}" if before != after else None
    seeded = f", stored {holds - held} demo journeys" if holds > held else ""
    _say(f"{done or f'the database schema was already at {after}'}{seeded}; it holds {holds} journey(s)")
    return EXIT_OK


def _count(engine) -> int:
    """How many journeys the database holds, the trash too (0 before it has a schema)."""
    if schema_revision(engine) is None:
        return 0
    with engine.connect() as connection:  # plain SQL: an older schema lacks columns of today's journey
        return connection.execute(select(func.count()).select_from(Journey.__table__)).scalar_one()


def check_database(args, engine) -> int:
    """Say whether the app can serve from the database: "ready" and exit 0, else the reason and exit 1."""
    reason = store.readiness(engine)
    if reason is not None:
        print(f"not ready: {escaped(reason)}", file=sys.stderr)
        return EXIT_FAILED
    _say("ready")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    logs.configure(default_level=None)  # only when JOURNEYS_LOG_LEVEL asks: each command prints its own outcome
    for stream in (sys.stdout, sys.stderr):  # a terminal that is not UTF-8 gets escapes, not a UnicodeEncodeError
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        engine = store.make_engine()
    except (SQLAlchemyError, ValueError) as exc:  # a malformed JOURNEYS_DB_URL: its text may hold a password
        _fail(f"the database cannot be used: {failure(exc)}")
        return EXIT_FAILED
    try:
        if args.command == "check":  # looks, writes nothing
            return check_database(args, engine)
        if args.command == "migrate":
            return migrate_database(args, engine)
        store.prepare_database(engine, demo=False)  # migrated as the app migrates; the demo is the app's
        commands = {
            "export": export,
            "import": import_files,
            "list": list_journeys,
            "backup": backup_database,
            "restore": restore_database,
        }
        return commands[args.command](args, engine)
    except SQLAlchemyError as exc:  # the database is not reachable, or not the workbench's
        _fail(f"the database cannot be used: {failure(exc)}")
        return EXIT_FAILED
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
