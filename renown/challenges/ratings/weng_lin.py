"""Weng-Lin Bayesian ratings (Weng & Lin, JMLR 2011), vectorised with numpy.

Each player's skill is a normal belief ``N(mu, sigma^2)``. A contest is a ranking of
one-player teams (ties allowed); after it every participant's ``mu`` moves towards what the
ranking says and ``sigma`` shrinks by how much it said. Before each contest ``sigma`` is
inflated by ``tau`` (``sigma^2 + tau^2``), so beliefs never freeze and a player who improves
can climb.

Two variants of the paper, chosen after measurement (``docs/challenges-ratings.md``):

* **Plackett-Luce** (:func:`plackett_luce`, the paper's Algorithm 4): the ranking is a
  sequence of choices among the players not yet placed. openskill's implementation loops over
  all pairs of teams in Python (O(n^2)); here the sums over "every player placed at or below
  q" are suffix sums over the tie groups of the sorted contest, and the sums over "every
  group at or above i" are prefix sums, so a contest costs one sort: O(n log n).
* **Bradley-Terry with partial pairing** (:func:`bradley_terry_part`): every player is
  compared only with the ``window`` players on either side of them in the standings, as
  openskill's ``BradleyTerryPart`` does; vectorised as ``2 * window`` shifted array
  operations, O(n log n) for the sort and O(n * window) after it.

Both agree with openskill 6 (``PlackettLuce``, ``BradleyTerryPart`` with one-player teams,
no weights, scores or margins, ``limit_sigma`` and ``balance`` off) to 1e-9; the tests check
it on random contests with ties. One difference of convention: openskill reads ``tau=0`` as
"use the model's default tau"; here 0 means no inflation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from renown.challenges.ratings.fieldsum import DIRECT_UP_TO, field_sums
from renown.challenges.ratings.standings import pairwise_wins

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Variant = Literal["plackett-luce", "bradley-terry-full", "bradley-terry-part"]

MU: Final = 25.0
"""Prior mean skill (openskill's default)."""
SIGMA: Final = 25.0 / 3.0
"""Prior standard deviation (openskill's default: mu / 3, so mu - 3 sigma starts at 0)."""


@dataclass(frozen=True)
class WengLinParams:
    """The parameters of the model; the defaults are openskill's except where the measured
    choice differs (see :data:`CHOSEN`).

    ``beta`` is the performance noise of one contest (how far a player's day may stray from
    their skill); ``kappa`` floors the factor that shrinks ``sigma`` (it stays positive);
    ``tau`` inflates ``sigma`` before every contest; ``window`` is the number of neighbours
    on each side in the partial-pairing variant; ``games`` is how many pairwise games'
    worth of evidence one contest counts as in the full-pairing variant (1: openskill's
    average over the comparisons).
    """

    variant: Variant = "plackett-luce"
    mu: float = MU
    sigma: float = SIGMA
    beta: float = 25.0 / 6.0
    kappa: float = 0.0001
    tau: float = 25.0 / 300.0
    window: int = 4
    games: float = 1.0

    def describe(self) -> str:
        """A one-line summary for reports."""
        extra = {
            "plackett-luce": "",
            "bradley-terry-part": f", window {self.window}",
            "bradley-terry-full": f", games {self.games:g}",
        }[self.variant]
        return (
            f"Weng-Lin {self.variant} (beta {self.beta:g}, tau {self.tau:g}, "
            f"kappa {self.kappa:g}{extra})"
        )


OPENSKILL_DEFAULTS: Final = WengLinParams()
"""openskill's ``PlackettLuce()`` defaults, for comparison."""

CHOSEN: Final = WengLinParams(variant="bradley-terry-full", beta=25.0 / 3.0, tau=0.25, games=16.0)
"""The parameters renown rates with, chosen on a validation split carved from the training
contests of the Codeforces standings (never the held-out ones): docs/challenges-ratings.md."""


def plackett_luce(
    mu: FloatArray, sigma: FloatArray, rank: IntArray, params: WengLinParams
) -> tuple[FloatArray, FloatArray]:
    """New ``(mu, sigma)`` of a contest's participants after a Plackett-Luce update.

    ``rank`` is each participant's place (lower is better; equal values tie). The arrays
    are the participants' beliefs before the contest, in any order; the result is in the
    same order.
    """
    sigma2 = sigma * sigma + params.tau * params.tau
    c = float(np.sqrt(np.sum(sigma2 + params.beta * params.beta)))
    order = np.argsort(rank, kind="stable")
    ranked = rank[order]
    first = np.r_[True, ranked[1:] != ranked[:-1]]
    group = np.cumsum(first) - 1  # tie group of each sorted participant
    # exp(mu / c), shifted by the largest mu: every quantity below is a ratio of these
    e = np.exp((mu[order] - mu.max()) / c)
    group_sum = np.add.reduceat(e, np.flatnonzero(first))
    at_or_below = np.cumsum(group_sum[::-1])[::-1]  # S_q: sum over players ranked >= q
    size = np.diff(np.r_[np.flatnonzero(first), ranked.size])  # A_q: size of q's tie group
    inv = np.cumsum(1.0 / at_or_below)[group]  # sum over groups at or above i of 1/S_q
    inv2 = np.cumsum(1.0 / at_or_below**2)[group]
    s2 = sigma2[order]
    omega = s2 / c * (1.0 / size[group] - e * inv)
    gamma = np.sqrt(s2) / c
    delta = gamma * s2 / (c * c) * (e * inv - e * e * inv2)
    new_mu = np.empty_like(mu)
    new_sigma = np.empty_like(sigma)
    new_mu[order] = mu[order] + omega
    new_sigma[order] = np.sqrt(s2) * np.sqrt(np.maximum(1.0 - delta, params.kappa))
    return new_mu, new_sigma


def bradley_terry_part(
    mu: FloatArray, sigma: FloatArray, rank: IntArray, params: WengLinParams
) -> tuple[FloatArray, FloatArray]:
    """New ``(mu, sigma)`` after a Bradley-Terry update against neighbours in the standings.

    Participants are sorted by ``rank`` (stably: ties keep their input order, as openskill's
    sort does) and each is compared with up to ``window`` participants on either side, a
    win, loss or tie (counting 0.5) according to their ranks; the updates are averaged over
    the comparisons made, so a participant's step does not shrink as the contest grows.
    """
    sigma2 = sigma * sigma + params.tau * params.tau
    order = np.argsort(rank, kind="stable")
    m, s2, r = mu[order], sigma2[order], rank[order]
    n = m.size
    omega = np.zeros(n)
    delta = np.zeros(n)
    count = np.zeros(n)
    beta2 = 2.0 * params.beta * params.beta
    for shift in range(1, params.window + 1):
        if shift >= n:
            break
        for i, q in (
            (slice(shift, n), slice(0, n - shift)),
            (slice(0, n - shift), slice(shift, n)),
        ):
            c = np.sqrt(s2[i] + s2[q] + beta2)
            p = 1.0 / (1.0 + np.exp((m[q] - m[i]) / c))
            outcome = np.where(r[q] > r[i], 1.0, np.where(r[q] == r[i], 0.5, 0.0))
            omega[i] += s2[i] / c * (outcome - p)
            gamma = np.sqrt(s2[i]) / c
            delta[i] += gamma * s2[i] / (c * c) * p * (1.0 - p)
            count[i] += 1.0
    compared = np.maximum(count, 1.0)
    omega /= compared
    delta /= compared
    new_mu = np.empty_like(mu)
    new_sigma = np.empty_like(sigma)
    new_mu[order] = m + omega
    new_sigma[order] = np.sqrt(s2) * np.sqrt(np.maximum(1.0 - delta, params.kappa))
    return new_mu, new_sigma


def bradley_terry_full(
    mu: FloatArray, sigma: FloatArray, rank: IntArray, params: WengLinParams
) -> tuple[FloatArray, FloatArray]:
    """New ``(mu, sigma)`` after a Bradley-Terry update against the whole field, averaged
    over the ``n - 1`` comparisons and weighted by ``params.games``.

    With ``games`` 1 this is openskill's ``BradleyTerryPart`` with a window covering the
    contest. Fields up to :data:`~renown.challenges.ratings.fieldsum.DIRECT_UP_TO` are summed
    pair by pair with each pair's own ``c`` (exact). Larger fields use one ``c`` for the
    contest, computed from the field's mean variance, so that the sums over the field are
    convolutions (:func:`~renown.challenges.ratings.fieldsum.field_sums`): O(n log n)
    instead of O(n^2), at the price of treating every opponent's uncertainty as average.
    """
    sigma2 = sigma * sigma + params.tau * params.tau
    n = mu.size
    if n < 2:
        return mu.copy(), np.sqrt(sigma2)
    beta2 = 2.0 * params.beta * params.beta
    if n <= DIRECT_UP_TO:
        c = np.sqrt(sigma2[:, None] + sigma2[None, :] + beta2)
        p = 1.0 / (1.0 + np.exp((mu[None, :] - mu[:, None]) / c))
        outcome = np.where(
            rank[None, :] > rank[:, None], 1.0, np.where(rank[None, :] == rank[:, None], 0.5, 0.0)
        )
        np.fill_diagonal(p, 0.0)
        np.fill_diagonal(outcome, 0.0)
        omega = sigma2 * np.sum((outcome - p) / c, axis=1)
        delta = sigma2**1.5 * np.sum(p * (1.0 - p) / c**3, axis=1)
    else:
        c_field = float(np.sqrt(2.0 * sigma2.mean() + beta2))
        expected, variance = field_sums(
            mu,
            [lambda d: _logistic(d / c_field), lambda d: _logistic_variance(d / c_field)],
            c_field / FIELD_STEPS,
            direct_up_to=0,
        )
        omega = sigma2 / c_field * (pairwise_wins(rank) - expected)
        delta = sigma2**1.5 / c_field**3 * variance
    weight = params.games / (n - 1)
    new_mu = mu + weight * omega
    new_sigma = np.sqrt(sigma2) * np.sqrt(np.maximum(1.0 - weight * delta, params.kappa))
    return new_mu, new_sigma


FIELD_STEPS: Final = 400
"""Grid steps per unit of ``c`` in the field sums of large contests."""


def _logistic(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _logistic_variance(x: FloatArray) -> FloatArray:
    p = _logistic(x)
    return np.asarray(p * (1.0 - p))


def update(
    mu: FloatArray, sigma: FloatArray, rank: IntArray, params: WengLinParams
) -> tuple[FloatArray, FloatArray]:
    """The update of ``params.variant``."""
    if params.variant == "plackett-luce":
        return plackett_luce(mu, sigma, rank, params)
    if params.variant == "bradley-terry-full":
        return bradley_terry_full(mu, sigma, rank, params)
    return bradley_terry_part(mu, sigma, rank, params)
