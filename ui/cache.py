"""Figures and small results kept across reruns and sessions (see docs/performance.md)."""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    import plotly.graph_objects as go


class _Recent:
    """Results by key, at most ``size`` of them, each for ``ttl`` seconds; shared by the sessions' threads."""

    def __init__(self, size: int, ttl: float | None) -> None:
        self._size, self._ttl = size, ttl
        self._items: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], object]) -> object:
        now = time.monotonic()
        with self._lock:
            kept = self._items.get(key)
            if kept is not None and (self._ttl is None or now - kept[0] < self._ttl):
                self._items.move_to_end(key)
                return kept[1]
        value = make()  # outside the lock: two sessions may make it at once, one result is kept
        with self._lock:
            self._items[key] = (now, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


@st.cache_resource(show_spinner=False)
def _stores() -> dict[str, _Recent]:
    """Every :func:`recent` store, dropped with Streamlit's caches (``st.cache_resource.clear()``)."""
    return {}


def _store(name: str, size: int, ttl: float | None) -> _Recent:
    stores = _stores()
    return stores.get(name) or stores.setdefault(name, _Recent(size, ttl))


def recent(size: int, ttl: float | None = None):
    """Keep a function's results like ``st.cache_resource(max_entries=size, ttl=ttl)``, looked up faster.

    For what a page looks up on every rerun: Streamlit's caches hash the arguments with
    their own hasher and replay the function's context, ~0.3 ms a call; here a lookup is
    a dict access (~1 µs). The arguments must be hashable (plain values, tuples) and name
    everything the result depends on; the result is shared by all sessions, so it must
    not be changeable (tuples, read-only mappings, Arrow tables, a figure nothing edits).
    """

    def decorate(fn):
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def kept(*args):
            return _store(name, size, ttl).get(args, lambda: fn(*args))

        return kept

    return decorate


def chart(name: str, of: tuple, build: Callable[[], go.Figure], /, **options):
    """``st.plotly_chart(build(), **options)``, the figure built once per ``(name, of)`` and then reused.

    ``of`` must name everything the figure shows (journey and version or draft,
    language, options) in plain, hashable values. At most 16 figures are kept, each for
    an hour (see :func:`recent`). The figure is shared by all sessions and never handed
    out: ``st.plotly_chart`` only serialises it, and nothing may change it.
    """
    figure = _store("chart", 16, 3600).get((name, of), build)  # a map of 2,000 touchpoints holds ~5 MB
    return st.plotly_chart(figure, **options)
