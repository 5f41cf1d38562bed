"""Multiplayer Elo, the baseline a rating model must beat.

Every contest is read as all the pairwise games it implies: a participant "wins" against
everyone ranked below, "loses" against everyone above and draws (half a point) with everyone
tied. Their rating moves by ``K * (actual - expected) / (n - 1)``, where ``expected`` sums
the usual Elo win probability ``1 / (1 + 10^((R_j - R_i) / 400))`` over the ``n - 1``
others. Dividing by ``n - 1`` makes ``K`` the largest possible change in one contest
whatever its size (a win over the whole field moves a rating by at most ``K``), the
convention of multiplayer Elo on contest sites; :data:`ELO_K` was measured, not assumed
(docs/challenges-ratings.md).

The expected score is a sum over every pair, O(n^2) done naively; a contest of 8,000 has 64
million pairs. :func:`renown.challenges.ratings.fieldsum.field_sums` computes it on a
1-point grid by FFT instead, so a contest costs O(n log n + B log B) for a rating spread of
``B`` points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from renown.challenges.ratings.fieldsum import field_sums
from renown.challenges.ratings.standings import pairwise_wins

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

ELO_START: Final = 1500.0
"""Rating of a newcomer."""
ELO_SCALE: Final = 400.0
"""A difference of this many points means 10:1 odds (the classical Elo scale)."""
ELO_K: Final = 400.0
"""Largest change in one contest, measured on the validation split of the training contests
(docs/challenges-ratings.md): the classical 32 of two-player chess learns far too slowly
when a contest is one game a year's worth of opponents long."""


GRID_STEP: Final = 1.0
"""Grid step (rating points) of the field sums: 1/174 of Elo's logistic scale."""


def win_probability(difference: FloatArray | float) -> FloatArray:
    """Elo's chance that a player ``difference`` points above another beats them."""
    return np.asarray(1.0 / (1.0 + np.power(10.0, -np.asarray(difference) / ELO_SCALE)))


def expected_scores(ratings: FloatArray) -> FloatArray:
    """Each player's expected number of pairwise wins against the others."""
    return field_sums(ratings, [win_probability], GRID_STEP)[0]


@dataclass
class Elo:
    """Multiplayer Elo state: one rating per player, updated contest by contest."""

    players: int
    k: float = ELO_K
    rating: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.rating = np.full(self.players, ELO_START)

    def scores(self, players: IntArray) -> FloatArray:
        """The prediction: a higher rating should place better."""
        return self.rating[players]

    def rate(self, players: IntArray, rank: IntArray) -> None:
        """Update the participants of one contest (``rank``: lower is better)."""
        n = players.size
        if n < 2:
            return
        current = self.rating[players]
        change = self.k * (pairwise_wins(rank) - expected_scores(current)) / (n - 1)
        self.rating[players] = current + change
