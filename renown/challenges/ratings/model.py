"""Members' skill ratings: Weng-Lin beliefs kept as arrays, fitted contest by contest.

The state is three arrays indexed by player (the numbering of
:class:`~renown.challenges.ratings.standings.Standings`, handle to index through its
``handles``): ``mu``, ``sigma`` and the number of contests played. Fitting walks the contests
in file order and applies :func:`renown.challenges.ratings.weng_lin.update` to each one's
participants; nothing else is kept, so a later contest can be rated on top of a fitted state.

**The displayed rating** is conservative: ``mu - 3 sigma``, a skill the member is about 99.9 %
likely to exceed, so a newcomer with one lucky contest is not shown above a member with a
long record. It is mapped to a friendly scale by :func:`display_rating`:
``1000 + 40 * (mu - 3 sigma)``, so a newcomer (``mu`` 25, ``sigma`` 25/3) shows 1000, a
member starts above it only after results have shrunk their uncertainty, and one ``beta``
(a contest's typical luck, 25/3 with the chosen parameters) is about 330 points. On the
Codeforces standings the displayed ratings run from about -1,650 to 4,900 (median 350).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from renown.challenges.ratings.standings import Standings
from renown.challenges.ratings.weng_lin import CHOSEN, WengLinParams, update

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DISPLAY_BASE: Final = 1000.0
"""Displayed rating of a newcomer (whose ``mu - 3 sigma`` is 0 with the default prior)."""
DISPLAY_SCALE: Final = 40.0
"""Displayed points per unit of ``mu - 3 sigma``."""
DISPLAY_Z: Final = 3.0
"""Standard deviations subtracted from ``mu`` for the conservative rating."""


def display_rating(mu: FloatArray, sigma: FloatArray) -> FloatArray:
    """The conservative rating on the display scale (see the module docstring)."""
    return DISPLAY_BASE + DISPLAY_SCALE * (mu - DISPLAY_Z * sigma)


@dataclass
class Ratings:
    """Weng-Lin beliefs of every player, updated in place contest by contest."""

    players: int
    params: WengLinParams = CHOSEN
    mu: FloatArray = field(init=False)
    sigma: FloatArray = field(init=False)
    contests: IntArray = field(init=False)

    def __post_init__(self) -> None:
        self.mu = np.full(self.players, self.params.mu)
        self.sigma = np.full(self.players, self.params.sigma)
        self.contests = np.zeros(self.players, dtype=np.int64)

    def scores(self, players: IntArray) -> FloatArray:
        """The prediction of a contest's order: the mean skill ``mu`` (higher places better).

        ``mu``, not the conservative rating: for *predicting* a ranking the expected skill is
        the right statistic (penalising uncertainty ranks a strong newcomer too low); the
        conservative rating is for display, where a long record should count.
        """
        return self.mu[players]

    def rate(self, players: IntArray, rank: IntArray) -> None:
        """Update the participants of one contest (``rank``: lower is better, ties equal)."""
        mu, sigma = update(self.mu[players], self.sigma[players], rank, self.params)
        self.mu[players] = mu
        self.sigma[players] = sigma
        self.contests[players] += 1

    def display(self) -> FloatArray:
        """Every player's displayed rating."""
        return display_rating(self.mu, self.sigma)


def fit(
    standings: Standings, params: WengLinParams = CHOSEN, contests: int | None = None
) -> Ratings:
    """Ratings after the first ``contests`` contests (all of them by default), in file order."""
    ratings = Ratings(standings.players, params)
    for index in range(standings.contests if contests is None else contests):
        players, rank_lo, _rank_hi = standings.contest(index)
        ratings.rate(players, rank_lo)
    return ratings
