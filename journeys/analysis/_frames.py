"""DataFrames built from columns that are already typed, the same as pandas makes them from lists.

Handed a list, pandas looks at every cell to guess the column's type; text then goes to
pyarrow one column at a time. For a large journey that was most of the weakness table's
cost (docs/performance.md). The helpers here type what is plain to see (all whole
numbers, all floats, all text) and leave everything else to pandas, so the frame is the
one pandas would have built from the lists.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

__all__ = ["frame", "optional", "typed"]

_TEXT = pd.StringDtype(na_value=np.nan)  # the type pandas gives a column of str ("str")


def typed(values: list, types: set | None = None):
    """``values`` as the array pandas would make of the list, where that is plain; else the list itself.

    Text is left as a list here: :func:`frame` converts all text columns at once.
    """
    types = set(map(type, values)) if types is None else types
    if types == {float}:
        return np.array(values, dtype=float)
    if types == {bool}:
        return np.array(values, dtype=bool)
    if types == {int}:
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:  # beyond int64 pandas picks another type
            return values
    return values


def optional(values: np.ndarray, present: np.ndarray) -> np.ndarray | list:
    """``values`` where ``present``, else None, typed as pandas types such a list of numbers."""
    if present.all():
        return values
    if not present.any():
        return [None] * len(values)
    return np.where(present, values, np.nan)  # numbers and None: pandas makes floats, None a NaN


def frame(columns: dict, index: list, name: str) -> pd.DataFrame:
    """``pd.DataFrame(columns, index=pd.Index(index, name=name))``, with every column of text (and the
    index) converted by pyarrow in one call."""
    texts = {key: values for key, values in columns.items() if isinstance(values, list) and _all_text(values)}
    if _all_text(index):
        texts[None] = index
    converted = _text_arrays(texts)
    index = pd.Index(converted.pop(None, index), name=name)
    return pd.DataFrame({key: converted.get(key, values) for key, values in columns.items()}, index=index)


def _all_text(values: list) -> bool:
    return set(map(type, values)) == {str}


def _text_arrays(texts: dict) -> dict:
    """The lists of str in ``texts`` as pandas ``str`` arrays; empty where pandas keeps text otherwise."""
    if not texts or _TEXT.storage != "pyarrow":
        return {}
    import pyarrow as pa
    from pandas.arrays import ArrowStringArray

    try:
        everything = pa.array(list(chain.from_iterable(texts.values())), type=pa.large_string())
    except (pa.ArrowException, UnicodeError):  # text pyarrow refuses: pandas decides, as before
        return {}
    arrays, start = {}, 0
    for key, values in texts.items():
        arrays[key] = ArrowStringArray(everything.slice(start, len(values)), dtype=_TEXT)
        start += len(values)
    return arrays
