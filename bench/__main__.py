"""Run the whole benchmark: ``python -m bench`` (``--quick`` for a smoke run of under a minute: one repetition,
the browser rows at 20 touchpoints, the others at up to 200, none of the slowest rows; ``--only SUBSTRING`` for
the rows whose name contains it)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench import apptest, browser, data, domain, report, server, timing


def wanted(only: str | None):
    """The row filter of ``--only``: a row is run when its name contains ``only`` (any case)."""
    return lambda what: only is None or only.casefold() in what.casefold()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="under a minute: one repetition, fewer rows; the numbers are rough"
    )
    parser.add_argument("--no-doc", action="store_true", help="print the table but leave docs/performance.md alone")
    parser.add_argument(
        "--only",
        metavar="SUBSTRING",
        help="run only the rows whose name contains SUBSTRING (any case), e.g. 'save' or 'Editor'; "
        "leaves docs/performance.md alone",
    )
    parser.add_argument("--list", action="store_true", help="list the row names (as --only selects them) and stop")
    parser.add_argument(
        "--recompile",
        action="store_true",
        help="let AppTest compile the scripts anew on every run (its default) instead of once, as a server does",
    )
    args = parser.parse_args()
    want = wanted(args.only)
    if args.quick:
        want = (lambda chosen: lambda what: chosen(what) and what not in report.SLOW)(want)
    if args.list:
        print("\n".join(what for what in report.ROWS if want(what)))
        return
    if not any(want(what) for what in report.ROWS):
        parser.error(f"no row's name contains {args.only!r}; see --list")
    q = (lambda n: max(1, n // 3)) if args.quick else (lambda n: n)
    timing.QUICK = args.quick

    def sizes(*ns: int) -> tuple[int, ...]:  # a quick run leaves out the largest journeys
        return tuple(n for n in ns if not args.quick or n <= 200)

    began = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="journey-bench-") as tmp:
        folder = Path(tmp)
        print("generating journeys and databases …", flush=True)
        dbs = data.build(
            folder, core=any(map(want, report.NEEDS_CORE)), portfolio=any(map(want, report.NEEDS_PORTFOLIO))
        )
        felt = (20,) if args.quick else data.SIZES  # a quick run leaves out what takes longest
        rows += browser.browser_rows(
            dbs, felt, {20: q(5), 200: q(5), 2_000: q(3)}, want=want, warm=0 if args.quick else 1
        )
        rows += server.server_rows(dbs, folder, q(3), want=want)
        rows += domain.load_rows(dbs, sizes(*data.SIZES), {20: q(30), 200: q(20), 2_000: q(7)}, want=want)
        rows += domain.save_rows(dbs, sizes(200, 2_000), {200: q(10), 2_000: q(7)}, want=want)
        rows += domain.poll_rows(dbs, q(30), want=want)
        rows += domain.analysis_rows(sizes(200, 2_000, 20_000), {200: q(10), 2_000: q(7), 20_000: q(3)}, want=want)
        reps = {"page": q(7), "page_2000": q(2)}
        rows += apptest.page_rows(dbs, folder, reps, growth=True, want=want, recompile=args.recompile)
        rows += domain.png_rows(q(5), want=want)
        rows += domain.json_rows(sizes(200, 2_000), {200: q(7), 2_000: q(3)}, want=want)
    seconds = time.perf_counter() - began
    report.print_table(rows)
    print(f"\n{seconds / 60:.1f} minutes")
    if args.only is None and not args.no_doc and not args.quick:  # a quick run is rough: the file keeps a full one
        print(f"written to {report.write_markdown(rows, report.machine(), seconds)}")


if __name__ == "__main__":
    main()
