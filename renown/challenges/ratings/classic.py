"""The classic rating view: TopCoder's published algorithm rating (rating and volatility).

Members who came from the competitive-programming platforms read ratings this way, so the
profile offers it beside the Weng-Lin rating renown ranks by. It is a *view*: recomputed
from the same ranked results, never used to decide anything.

The algorithm, as TopCoder documents it, for one contest of ``n`` rated members with ratings
``R``, volatilities ``V`` and ranks (ties share the mean of their places):

* competition factor ``CF = sqrt(mean(V^2) + sum((R - mean(R))^2) / (n - 1))``;
* the chance ``j`` beats ``i``: ``0.5 (erf((R_j - R_i) / sqrt(2 (V_i^2 + V_j^2))) + 1)``;
  the expected rank ``ERank_i`` is 0.5 plus those chances summed over everyone (itself
  included, which adds 0.5);
* expected and actual performance ``-Phi^-1((rank - 0.5) / n)``; the performed-as rating
  ``R + CF (APerf - EPerf)``;
* the weight of the contest ``1 / (1 - (0.42 / (played + 1) + 0.18)) - 1`` (times 0.9 above
  2000 and 0.8 above 2500), the new rating ``(R + weight PerfAs) / (1 + weight)``, capped
  within ``150 + 1500 / (played + 2)`` of the old one;
* the new volatility ``sqrt((new - R)^2 / weight + V^2 / (weight + 1))``.

Newcomers start at 1200 with volatility 535. The pairwise step is O(n^2), fine for the
community's challenges (tens to hundreds of entries); it is not meant for the contest
histories ``renown challenges ratings fit`` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.special import erf
from scipy.stats import norm

FloatArray = npt.NDArray[np.float64]

START_RATING: Final = 1200.0
START_VOLATILITY: Final = 535.0


@dataclass(frozen=True, slots=True)
class ClassicRating:
    """A member's classic rating after their last rated contest."""

    rating: float
    volatility: float
    played: int


def _ranks_with_ties(ranks: FloatArray) -> FloatArray:
    """Each entry's place, ties sharing the mean of the places they span (1 = best)."""
    order = np.argsort(ranks, kind="stable")
    places = np.empty(len(ranks), dtype=np.float64)
    places[order] = np.arange(1, len(ranks) + 1, dtype=np.float64)
    result = places.copy()
    for value in np.unique(ranks):
        tied = ranks == value
        result[tied] = places[tied].mean()
    return result


def rate_contest(
    rating: FloatArray, volatility: FloatArray, played: npt.NDArray[np.int64], ranks: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """New ratings and volatilities of one contest's entries (arrays aligned by entry)."""
    n = len(rating)
    if n < 2:
        return rating.copy(), volatility.copy()
    cf = np.sqrt(np.mean(volatility**2) + np.sum((rating - rating.mean()) ** 2) / (n - 1))
    spread = np.sqrt(2.0 * (volatility[:, None] ** 2 + volatility[None, :] ** 2))
    beats = 0.5 * (erf((rating[None, :] - rating[:, None]) / spread) + 1.0)  # [i, j]: j beats i
    expected_rank = 0.5 + beats.sum(axis=1)
    actual_rank = _ranks_with_ties(ranks)
    expected_perf = -norm.ppf((expected_rank - 0.5) / n)
    actual_perf = -norm.ppf((actual_rank - 0.5) / n)
    performed_as = rating + cf * (actual_perf - expected_perf)
    weight = 1.0 / (1.0 - (0.42 / (played + 1) + 0.18)) - 1.0
    weight = np.where(rating >= 2500, weight * 0.8, np.where(rating >= 2000, weight * 0.9, weight))
    new = (rating + weight * performed_as) / (1.0 + weight)
    cap = 150.0 + 1500.0 / (played + 2)
    new = np.clip(new, rating - cap, rating + cap)
    new_volatility = np.sqrt((new - rating) ** 2 / weight + volatility**2 / (weight + 1.0))
    return new, new_volatility


def classic_history(
    contests: Iterable[Sequence[tuple[int, int]]],
) -> dict[int, list[ClassicRating]]:
    """Every member's classic rating after each contest, from ``(member, rank)`` lists given
    in chronological order (rank 1 is best; equal ranks are ties)."""
    current: dict[int, ClassicRating] = {}
    history: dict[int, list[ClassicRating]] = {}
    for entries in contests:
        if len(entries) < 2:
            continue
        members = [member for member, _ in entries]
        before = [current.get(m, ClassicRating(START_RATING, START_VOLATILITY, 0)) for m in members]
        rating, volatility = rate_contest(
            np.array([b.rating for b in before]),
            np.array([b.volatility for b in before]),
            np.array([b.played for b in before], dtype=np.int64),
            np.array([float(rank) for _, rank in entries]),
        )
        for index, member in enumerate(members):
            after = ClassicRating(
                float(rating[index]), float(volatility[index]), before[index].played + 1
            )
            current[member] = after
            history.setdefault(member, []).append(after)
    return history
