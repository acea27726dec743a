"""Run the whole benchmark: ``python -m bench`` (``--quick`` for a smoke run with fewer repetitions)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench import apptest, data, domain, report, server


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one to three repetitions a row; numbers are rough")
    parser.add_argument("--no-doc", action="store_true", help="print the table but leave docs/performance.md alone")
    args = parser.parse_args()
    q = (lambda n: max(1, n // 3)) if args.quick else (lambda n: n)
    began = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="journey-bench-") as tmp:
        folder = Path(tmp)
        print("generating journeys and databases …", flush=True)
        dbs = data.build(folder)
        rows += domain.load_rows(dbs, data.SIZES, {20: q(30), 200: q(20), 2_000: q(7)})
        rows += domain.save_rows(dbs, (200, 2_000), {200: q(10), 2_000: q(7)})
        rows += domain.analysis_rows((200, 2_000, 20_000), {200: q(10), 2_000: q(7), 20_000: q(3)})
        rows += apptest.page_rows(dbs, folder, {"page": q(7), "page_2000": q(2)}, growth=True)
        rows.append(domain.png_row(q(5)))
        rows += domain.json_rows((200, 2_000), {200: q(7), 2_000: q(3)})
        rows += server.server_rows(dbs, folder, q(3))
    seconds = time.perf_counter() - began
    report.print_table(rows)
    print(f"\n{seconds / 60:.1f} minutes")
    if not args.no_doc:
        print(f"written to {report.write_markdown(rows, report.machine(), seconds)}")


if __name__ == "__main__":
    main()
