"""Fifty open journey pages polling at once: ``python -m bench.live [DATABASE_URL]`` (SQLite in a temporary folder
by default).

Each of 50 threads is a browser tab with the Editor open on one journey of 200 touchpoints: every
``store.presence.POLL_EVERY_S`` seconds it asks :func:`store.presence.look` in a session of its own, renewing its presence
every ``store.presence.BEAT_EVERY_S`` seconds as the page does. Prints how long the polls took (median, 95th
percentile, longest) over 30 seconds: what a database spends on live awareness with a workshop of 50.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import threading
import time

from sqlmodel import Session

import store
from store import presence
from tests.strategies import make_journey

TABS = 50
SECONDS = 30


def main(url: str) -> None:
    engine = store.make_engine(url)
    store.migrate(engine)
    with Session(engine) as session:
        jid = store.create_journey(session=session, graph=make_journey(200), author="bench")
    took: list[float] = []
    stop = time.monotonic() + SECONDS

    def tab(i: int) -> None:
        time.sleep(random.random() * presence.POLL_EVERY_S)  # the tabs were opened at different moments
        renewed = -presence.BEAT_EVERY_S
        while time.monotonic() < stop:
            start = time.perf_counter()
            with Session(engine) as session:
                if time.monotonic() - renewed >= presence.BEAT_EVERY_S:
                    presence.beat(session=session, journey_id=jid, tab=f"tab-{i}", name=f"Person {i}", page="edit")
                    renewed = time.monotonic()
                presence.look(session=session, journey_id=jid)
            took.append(time.perf_counter() - start)
            time.sleep(presence.POLL_EVERY_S)

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    took.sort()
    print(
        f"{len(took)} polls in {SECONDS} s by {TABS} tabs ({engine.dialect.name}): median "
        f"{statistics.median(took) * 1000:.1f} ms, 95th percentile {took[int(len(took) * 0.95)] * 1000:.1f} ms, "
        f"longest {took[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp(prefix='journey-live-')}/live.db")
