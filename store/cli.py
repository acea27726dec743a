"""The workbench on the command line: export, import, back up and restore journeys, without the web app.

It uses the same database as the app (``JOURNEYS_DB_URL``, else ``data/journeys.db``)::

    python -m store.cli list
    python -m store.cli export --all --format png json --out exports/
    python -m store.cli export "Broadband: router set-up and the hotline" --format mermaid csv
    python -m store.cli import exports/*.json
    python -m store.cli backup journeys-backup.zip
    python -m store.cli restore journeys-backup.zip
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
from sqlmodel import Session

import store
from journeys.analysis.scoring import consensus
from journeys.charts import images
from journeys.io import exports
from journeys.io.interchange import JourneyFormatError
from journeys.model.validation import JourneyInvalid
from store import analysis, backup

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_NO_BROWSER", "build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED = 1  # a journey or file was not found, or a file could not be imported or restored
EXIT_USAGE = 2  # argparse's own code for a wrong command line
EXIT_NO_BROWSER = 3  # images were asked for but no browser was found; everything else was written

IMAGE_FORMATS = ("png", "svg")
FORMATS = (*IMAGE_FORMATS, *exports.DATA_FORMATS)
FIGURES = (*images.FIGURES, "stages", "portfolio")

EPILOG = f"""\
formats: png, svg (images, need Chrome or Chromium), json (lossless), csv (touchpoints
with all scores), graphml (networkx, Gephi, yEd), mermaid (a Mermaid journey diagram).

figures: map, heatmap, emotions, matrix, stages (one map per stage) and portfolio (the
weakness of all journeys in one heatmap). By default all of them, the stage maps only
for long journeys and the portfolio only with --all.

exit codes: {EXIT_OK} done; {EXIT_FAILED} a journey or file was not found, not imported or not restored;
{EXIT_USAGE} wrong command line; {EXIT_NO_BROWSER} no browser for images (everything else was written).

The database is the app's: JOURNEYS_DB_URL, else sqlite:///data/journeys.db."""


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``python -m store.cli``."""
    parser = argparse.ArgumentParser(
        prog="python -m store.cli",
        description="Export journeys to files, import JSON files, back up and restore the database, without the web app.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{export,import,list,backup,restore}")
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
        "--format", nargs="+", choices=FORMATS, default=list(FORMATS), metavar="FORMAT", help="default: all, see below"
    )
    export.add_argument("--figure", nargs="+", choices=FIGURES, metavar="FIGURE", help="default: all, see below")
    export.add_argument("--out", type=Path, default=Path("exports"), help="folder to write to (default: exports)")
    export.add_argument("--lang", choices=("en", "de"), default="en", help="language of the images and texts")
    export.add_argument("--width", type=int, default=1920, help="image width in pixels (default: 1920)")
    export.add_argument("--height", type=int, default=1080, help="image height in pixels (default: 1080)")
    export.add_argument("--scale", type=float, default=1, help="multiplies the pixels, e.g. 2 for print")
    export.add_argument("--persona", help="draw this persona's emotion curve on the map (id or name)")
    imported = commands.add_parser("import", help="import journey JSON files into the database")
    imported.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a JSON file exported by the workbench")
    imported.add_argument("--author", default="command line", help="recorded as the author of the import")
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
    return parser


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _find(journeys: list[store.JourneyInfo], wanted: str) -> store.JourneyInfo | None:
    """The journey with this id, else this name, else the one whose name contains it."""
    for match in (
        lambda j: j.id == wanted,
        lambda j: j.name.casefold() == wanted.casefold(),
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
    size = {"width": args.width, "height": args.height, "scale": args.scale}
    code, stems = EXIT_OK, _stems(chosen)
    for info in {j.id: j for j in chosen}.values():
        with Session(engine) as session:
            G, _ = store.load_journey(session=session, journey_id=info.id)
            scores = consensus(analysis.list_ratings(session=session, journey_id=info.id))
        data = [f for f in args.format if f in exports.DATA_FORMATS]
        files = exports.data_files(
            G, scores, formats=data, lang=args.lang, exported_by="command line", stem=stems[info.id]
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
        _write(args.out, files)
        print(f"{info.name}: {len(files)} file(s) in {args.out}")
    if "portfolio" in figures and image_formats and code != EXIT_NO_BROWSER:
        with Session(engine) as session:
            cells = analysis.portfolio(session=session, rows="journey", columns="stage")
        if cells.empty:
            print("portfolio: no journey has touchpoints, so there is no portfolio heatmap")
            return code
        fig = images.portfolio_slide(cells, lang=args.lang)
        files = {f"portfolio.{fmt}": images.to_image(fig, fmt, **size) for fmt in image_formats}
        _write(args.out, files)
        print(f"portfolio: {len(files)} file(s) in {args.out}")
    return code


def import_files(args, engine) -> int:
    """Import each JSON file as a new journey; report every file that cannot be imported."""
    code = EXIT_OK
    for path in args.files:
        try:
            with Session(engine) as session:
                jid = store.import_journey(session=session, data=path.read_bytes(), author=args.author)
                G, _ = store.load_journey(session=session, journey_id=jid)
        except OSError as exc:
            _fail(f"{path}: cannot be read ({exc.strerror or exc})")
            code = EXIT_FAILED
        except (JourneyFormatError, JourneyInvalid) as exc:
            _fail(f"{path}: {exc}")
            code = EXIT_FAILED
        else:
            print(f"imported {path} as {G.graph['name']!r} ({jid})")
    return code


def list_journeys(args, engine) -> int:
    """Print one line per journey: id, state, touchpoints, name."""
    with Session(engine) as session:
        journeys = store.list_journeys(session=session)
    if not journeys:
        print("no journeys yet (import one: python -m store.cli import FILE.json)")
    for j in journeys:
        print(f"{j.id}  {j.state:<6} {j.touchpoints:>3} touchpoints  {j.name}")
    return EXIT_OK


def backup_database(args, engine) -> int:
    """Write the whole database to one archive file."""
    args.file.parent.mkdir(parents=True, exist_ok=True)
    with Session(engine) as session:
        done = backup.backup(session=session, path=args.file)
    print(
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
    print(
        f"restored {done.journeys} journey(s), {done.revisions} revision(s), {done.ratings} rating(s), "
        f"{done.ideas} idea(s) and {done.surveys} survey(s)"
    )
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    engine = store.make_engine()
    try:
        store.migrate(engine)
        commands = {
            "export": export,
            "import": import_files,
            "list": list_journeys,
            "backup": backup_database,
            "restore": restore_database,
        }
        return commands[args.command](args, engine)
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
