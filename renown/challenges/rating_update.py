"""Updating members' skill ratings after one challenge, with the openskill library.

A challenge has a handful to a few hundred ranked entries, where openskill's own
Plackett-Luce update is exact and fast enough, so the web app calls the library itself;
the vectorised model in :mod:`renown.challenges.ratings` fits whole contest histories (the
``renown challenges ratings`` commands) with the same model.

The rating shown to people is conservative: ``mu - 3 sigma`` (the skill the member is very
probably above), so a newcomer who won once does not outrank a member who has won for years,
and it rises as the uncertainty shrinks. It is shown on the one display scale of
:mod:`renown.challenges.ratings.model` (a newcomer shows 1000), the scale ``renown challenges
ratings fit`` writes too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from openskill.models import PlackettLuce

from renown.challenges.ratings.model import DISPLAY_BASE, DISPLAY_SCALE, DISPLAY_Z

MU: Final = 25.0
SIGMA: Final = MU / 3


@dataclass(frozen=True, slots=True)
class SkillEstimate:
    """A member's rating: the estimated skill and its uncertainty."""

    mu: float = MU
    sigma: float = SIGMA

    @property
    def display(self) -> int:
        """The conservative rating shown on profiles and in the marketplace."""
        return display_rating(self.mu, self.sigma)


def display_rating(mu: float, sigma: float) -> int:
    """``1000 + 40 (mu - 3 sigma)``, rounded (the scale of every rating renown shows)."""
    return round(DISPLAY_BASE + DISPLAY_SCALE * (mu - DISPLAY_Z * sigma))


def rate_challenge(priors: Sequence[SkillEstimate], ranks: Sequence[int]) -> list[SkillEstimate]:
    """Every entry's rating after a challenge where entry ``i`` finished ``ranks[i]`` (1 best;
    equal ranks are ties). Fewer than two entries teach nothing: ratings come back unchanged."""
    if len(priors) != len(ranks):
        raise ValueError("one rank per rating")
    if len(priors) < 2:
        return list(priors)
    model = PlackettLuce(mu=MU, sigma=SIGMA)
    teams = [[model.create_rating([p.mu, p.sigma])] for p in priors]
    rated = model.rate(teams, ranks=[float(r) for r in ranks])
    return [SkillEstimate(mu=team[0].mu, sigma=team[0].sigma) for team in rated]
