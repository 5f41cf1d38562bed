"""Population normalisation of component values.

Raw components live on wildly different scales (PageRank sums to one, reach counts people,
amplification is a ratio), and their distributions are heavy-tailed. renown therefore maps
each component to its *mid-rank percentile* in the population being scored: 0 for the
lowest, 1 for the highest, ties sharing the average of their ranks. Percentiles are
scale-free, robust to outliers (one superstar does not squash everybody else to zero), and
monotone: raising one person's raw value can never lower that person's percentile. The
model additionally pins a raw value of zero (no reach, no breadth at all) to percentile 0,
so that a component nobody in the population has does not hand everybody half its points.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def midrank_percentile(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return each value's mid-rank percentile in ``values`` (0..1; 0.5 when n == 1).

    NaN values are treated as the lowest possible value.
    """
    x = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=-np.inf)
    n = len(x)
    if n <= 1:
        return np.full(n, 0.5)
    # one sort, then one linear pass over the runs of equal values (no random lookups); the
    # order inside a run of ties does not matter, so the fast unstable sort is fine
    order = np.argsort(x)
    ordered = x[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    sizes = np.diff(np.append(starts, n))
    mid = (starts + 0.5 * (sizes - 1)) / (n - 1)
    percentiles = np.empty(n)
    percentiles[order] = np.repeat(mid, sizes)
    return percentiles
