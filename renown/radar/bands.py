"""Uncertainty bands for a stated probability, from the organisation's own backtest.

A calibrated 30 % is a claim about people *like this one*: of everyone the model gave about
30 % in the backtest (held-out folds, trained only on earlier history), how many moved? The
band answers with those people: the ``neighbours`` held-out rows whose probability is
closest, their observed move rate, and its Wilson interval. The band is not widened to hold
the stated probability: when the model's top estimates were too confident in the backtest,
the page should say so ("about 34 %; of people estimated like this, 10-20 % moved") rather
than hide it. The fewer held-out rows near a probability, the wider the band: that is the
honest answer for the rare high scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

Z_80: Final = 1.2816
"""Two-sided 80 % normal quantile: a band a recruiter reads as "plausibly"."""
MIN_NEIGHBOURS: Final = 30


def wilson(successes: int, n: int, z: float = Z_80) -> tuple[float, float]:
    """Wilson score interval of a proportion (``(0, 1)`` with no observations)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def bands(
    held_out: npt.NDArray[np.float64],
    outcomes: npt.NDArray[np.int64],
    probabilities: Sequence[float],
    *,
    neighbours: int | None = None,
) -> list[tuple[float, float]]:
    """``(low, high)`` for each probability, from held-out ``(probability, outcome)`` pairs.

    With no held-out rows every band is ``(0, 1)``: nothing supports a narrower one.
    """
    order = np.argsort(held_out, kind="stable")
    sorted_p = held_out[order]
    sorted_y = outcomes[order]
    n = sorted_p.size
    k = min(n, neighbours or max(MIN_NEIGHBOURS, n // 10))
    result: list[tuple[float, float]] = []
    for p in probabilities:
        if n == 0:
            result.append((0.0, 1.0))
            continue
        centre = int(np.searchsorted(sorted_p, p))
        lo = max(0, min(centre - k // 2, n - k))
        window = sorted_y[lo : lo + k]
        low, high = wilson(int(window.sum()), int(window.size))
        result.append((low, high))
    return result
