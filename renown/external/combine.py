"""From engine scores to network scores to one combined external score (pure).

**Each network against its own population.** A network's raw standing is the prominence
engine's exact score on that network's own interaction graph (the same components,
decay and ring discount as inside the organisation). The pulled graph is centred on the
people who linked accounts, so ranking them among every stranger in it would flatter
them all; a network score is therefore the person's mid-rank percentile among the
organisation's people who linked that network, mapped to 1-100. A network with a million
interactions and one with a hundred give scores on the same footing.

**Combining without letting one network drown another.** With ``u_n`` the percentile on
network ``n``, the combined strength is the *noisy-or* ``1 - prod(1 - u_n)``: the chance of
standing above a random member of at least one network's population. It is bounded, a
strong showing on any one network is enough, linking another network never lowers it,
and a large network counts exactly as much as a small one. The combined score is
``1 + 99 * strength``. Each network's share of it is its ``-ln(1 - u_n)`` share (the terms
of the product, in log form), so the shares add up to the points exactly and say which
network drove the score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def midrank_percentiles(values: Sequence[float]) -> list[float]:
    """Each value's mid-rank percentile in ``values`` (ties share; one value: 0.5)."""
    array = np.asarray(values, dtype=np.float64)
    n = array.size
    if n == 0:
        return []
    below = np.searchsorted(np.sort(array), array, side="left")
    equal = np.searchsorted(np.sort(array), array, side="right") - below
    return [float(x) for x in (below + 0.5 * equal) / n]


def to_score(unit: float) -> int:
    """A value in [0, 1] as a 1-100 score (rounded half up, after dropping float noise, so
    a strength computed two ways gives one score)."""
    return int(min(100, max(1, math.floor(round(1.0 + 99.0 * unit, 9) + 0.5))))


@dataclass(frozen=True)
class NetworkShare:
    """One network's part in a combined score."""

    network: str
    percentile: float
    points: float
    """This network's share of the combined score above 1 (shares add up to it)."""


@dataclass(frozen=True)
class Combined:
    """A combined external score and its parts."""

    score: int
    strength: float
    shares: tuple[NetworkShare, ...]
    """Largest first: the first network drove the score most."""


def combine(percentiles: Mapping[str, float]) -> Combined:
    """The combined score of one person's per-network percentiles (see the module)."""
    clipped = {n: min(max(u, 0.0), 1.0 - 1e-9) for n, u in percentiles.items()}
    logs = {n: -math.log1p(-u) for n, u in clipped.items()}
    strength = 1.0 - math.prod(1.0 - u for u in clipped.values())
    total = sum(logs.values())
    above_one = 99.0 * strength
    shares = sorted(
        (
            NetworkShare(n, percentiles[n], above_one * logs[n] / total if total > 0 else 0.0)
            for n in clipped
        ),
        key=lambda s: (-s.points, s.network),
    )
    return Combined(to_score(strength), strength, tuple(shares))
