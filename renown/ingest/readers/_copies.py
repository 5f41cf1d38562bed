"""Finding copies of one message among millions of rows without hashing text per row.

A copy is a row with a named actor that repeats an earlier row in every canonical field
(see :func:`renown.ingest.readers._keys.without_copies`). Comparing every row's six
fields through a window or a text hash costs seconds at ten million rows; almost no row is
a copy, so the work is split: polars hashes each row's fields to 64 bits (vectorised), one sort
finds the few hashes that occur more than once, and only those candidate
rows are compared exactly. A hash collision can therefore only add a candidate, never
drop a row that is not a copy.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.ingest.readers._keys import CONTENT_COLUMNS, occurrence

COPY_HASH_SEED: Final = 0x5EED
"""Seed of the row hashes compared to find copies (any fixed value: equal rows, equal hashes)."""


def repeated_values(hashes: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """Mask of the entries of ``hashes`` whose value occurs more than once.

    One sort of the 64-bit values (numpy's vectorised sort) finds the repeated values;
    they are few, so marking their rows is a cheap membership test.
    """
    ordered = np.sort(hashes)
    repeats = ordered[1:][ordered[1:] == ordered[:-1]]
    if repeats.size == 0:
        return np.zeros(hashes.size, dtype=np.bool_)
    return np.isin(hashes, np.unique(repeats))


def copies(events: pl.DataFrame) -> pl.Series:
    """Mask of the rows that are copies: a named actor and every field equal to an earlier row.

    Equal to ``occurrence(events, CONTENT_COLUMNS + ("weight",)) > 1`` on named rows, which
    :func:`~renown.ingest.readers._keys.without_copies` uses, at a fraction of the cost.
    """
    columns = [*CONTENT_COLUMNS, "weight"]
    height = events.height
    if height == 0:
        return pl.Series("copy", [], dtype=pl.Boolean)
    hashes = events.select(columns).hash_rows(seed=COPY_HASH_SEED).to_numpy()
    candidates = np.flatnonzero(repeated_values(hashes))
    mask = np.zeros(height, dtype=np.bool_)
    if candidates.size:
        subset = events[candidates]
        ordinal = occurrence(subset, columns).to_numpy()
        named = subset.get_column("actor").is_not_null().to_numpy()
        mask[candidates[(ordinal > 1) & named]] = True
    return pl.Series("copy", mask)
