"""Does a rating predict the next contests? Pairwise accuracy on held-out contests.

The held-out set is the **last contests of the file** (by order, so by time): a rating is
used to predict the future, and mixing later contests into its training would flatter it.
Every system is fitted on the earlier contests and then run **online, predict then update**
through the held-out ones, the way a rating system is used: each held-out contest is
predicted with the ratings as they stood before it, then rated. (Frozen ratings would be
punished for every member whose skill moved during the test period, which no deployed
rating suffers.)

**Pairwise accuracy** of a contest is the fraction of pairs of participants with different
ranks, both with at least one earlier contest (a first contest says nothing the rating could
have known), that the prediction orders correctly; a tie in the prediction counts 0.5, so
guessing scores 0.5. Large contests have millions of such pairs; up to
``max_pairs`` pairs per contest are drawn uniformly (seeded) instead, and every system is
scored on the same pairs. The report gives the number of pairs.

The systems: the Weng-Lin model (:mod:`renown.challenges.ratings.model`), multiplayer Elo
(:mod:`renown.challenges.ratings.elo`) and *contests played* (more contests, predicted
better: the trivial baseline that experience alone explains the standings).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from renown.challenges.ratings.elo import ELO_K, Elo
from renown.challenges.ratings.model import Ratings
from renown.challenges.ratings.standings import Standings
from renown.challenges.ratings.weng_lin import CHOSEN, WengLinParams

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TEST_FRACTION: Final = 0.1
"""Share of the contests (the last ones) held out by default."""
MAX_PAIRS: Final = 20_000
"""Pairs drawn per held-out contest when it has more (enough for a 0.3 % standard error in
one contest; the accuracy pools every contest's pairs)."""
SEED: Final = 20_240_601


class RatingSystem(Protocol):
    """What the evaluation needs of a rating: a prediction and an update."""

    def scores(self, players: IntArray) -> FloatArray:
        """Higher means predicted to place better."""

    def rate(self, players: IntArray, rank: IntArray) -> None:
        """Update on one contest's result."""


@dataclass
class Played:
    """The *contests played* baseline: experience alone predicts the standings."""

    players: int

    def __post_init__(self) -> None:
        self.count = np.zeros(self.players, dtype=np.int64)

    def scores(self, players: IntArray) -> FloatArray:
        return self.count[players].astype(np.float64)

    def rate(self, players: IntArray, rank: IntArray) -> None:
        self.count[players] += 1


@dataclass(frozen=True)
class Pairs:
    """The pairs a held-out contest is scored on: row offsets within the contest, the
    first of each pair ranked strictly better than the second."""

    better: IntArray
    worse: IntArray


@dataclass(frozen=True)
class SystemResult:
    """One system's held-out accuracy and how fast it fitted the training contests."""

    name: str
    description: str
    correct: float
    pairs: int
    fit_seconds: float
    train_rows: int

    @property
    def accuracy(self) -> float:
        """Fraction of held-out pairs ordered correctly (prediction ties count 0.5)."""
        return self.correct / self.pairs if self.pairs else float("nan")

    @property
    def rows_per_second(self) -> float:
        """Training rows rated per second."""
        return self.train_rows / self.fit_seconds if self.fit_seconds > 0 else float("inf")


@dataclass(frozen=True)
class Report:
    """Every system on the same split and the same pairs."""

    source: str
    train_contests: int
    test_contests: int
    train_rows: int
    test_rows: int
    pairs: int
    results: list[SystemResult]

    def result(self, name: str) -> SystemResult:
        """The result of the system called ``name``."""
        return next(r for r in self.results if r.name == name)

    def table(self) -> str:
        """The comparison as a fixed-width text table."""
        lines = [
            f"{self.source}: trained on the first {self.train_contests:,} contests "
            f"({self.train_rows:,} rows), online predict-then-update on the last "
            f"{self.test_contests:,} ({self.test_rows:,} rows, {self.pairs:,} pairs)",
            f"{'system':<16} {'pairwise acc':>12} {'pairs':>10} {'fit s':>8} {'rows/s':>12}"
            "  parameters",
        ]
        for r in self.results:
            lines.append(
                f"{r.name:<16} {r.accuracy:>12.4f} {r.pairs:>10,} {r.fit_seconds:>8.2f} "
                f"{r.rows_per_second:>12,.0f}  {r.description}"
            )
        return "\n".join(lines)


def split(standings: Standings, test_fraction: float) -> int:
    """Number of training contests: all but the last ``test_fraction`` (at least one each)."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"the test fraction must lie between 0 and 1, not {test_fraction}")
    if standings.contests < 2:
        raise ValueError(f"{standings.source}: at least 2 contests are needed to hold one out")
    test = min(max(1, round(standings.contests * test_fraction)), standings.contests - 1)
    return standings.contests - test


def first_contests(standings: Standings) -> IntArray:
    """The index of each player's first contest."""
    first = np.full(standings.players, standings.contests, dtype=np.int64)
    contest_of_row = np.repeat(
        np.arange(standings.contests, dtype=np.int64), np.diff(standings.offsets)
    )
    np.minimum.at(first, standings.player, contest_of_row)
    return first


def sample_pairs(
    rank: IntArray, eligible: IntArray, rng: np.random.Generator, max_pairs: int
) -> Pairs:
    """Pairs of ``eligible`` rows (offsets) with different ranks: all of them when there are
    at most ``max_pairs`` candidate pairs, else ``max_pairs`` drawn uniformly."""
    m = eligible.size
    if m * (m - 1) // 2 <= max_pairs:
        a, b = np.triu_indices(m, k=1)
    else:
        a = rng.integers(0, m, size=max_pairs)
        b = rng.integers(0, m - 1, size=max_pairs)
        b += b >= a
    first, second = eligible[a], eligible[b]
    keep = rank[first] != rank[second]
    first, second = first[keep], second[keep]
    swap = rank[first] > rank[second]
    better = np.where(swap, second, first).astype(np.int64)
    worse = np.where(swap, first, second).astype(np.int64)
    return Pairs(better, worse)


def held_out_pairs(
    standings: Standings, train: int, max_pairs: int = MAX_PAIRS, seed: int = SEED
) -> list[Pairs]:
    """The pairs of every held-out contest (contests ``train`` onwards)."""
    rng = np.random.default_rng(seed)
    first = first_contests(standings)
    out = []
    for index in range(train, standings.contests):
        players, rank_lo, _rank_hi = standings.contest(index)
        eligible = np.flatnonzero(first[players] < index).astype(np.int64)
        out.append(sample_pairs(rank_lo, eligible, rng, max_pairs))
    return out


def run_system(
    name: str,
    description: str,
    system: RatingSystem,
    standings: Standings,
    train: int,
    pairs: list[Pairs],
) -> SystemResult:
    """Fit ``system`` on the first ``train`` contests (timed), then predict-then-update
    through the rest, scoring each prediction on its pairs."""
    began = time.perf_counter()
    for index in range(train):
        players, rank_lo, _rank_hi = standings.contest(index)
        system.rate(players, rank_lo)
    fit_seconds = time.perf_counter() - began
    correct, counted = 0.0, 0
    for index, contest_pairs in zip(range(train, standings.contests), pairs, strict=True):
        players, rank_lo, _rank_hi = standings.contest(index)
        score = system.scores(players)
        better, worse = score[contest_pairs.better], score[contest_pairs.worse]
        correct += float(np.sum(better > worse) + 0.5 * np.sum(better == worse))
        counted += contest_pairs.better.size
        system.rate(players, rank_lo)
    train_rows = int(standings.offsets[train])
    return SystemResult(name, description, correct, counted, fit_seconds, train_rows)


SystemFactory = Callable[[int], RatingSystem]


def evaluate(
    standings: Standings,
    *,
    test_fraction: float = TEST_FRACTION,
    params: WengLinParams = CHOSEN,
    elo_k: float = ELO_K,
    max_pairs: int = MAX_PAIRS,
    seed: int = SEED,
) -> Report:
    """The Weng-Lin model, Elo and contests-played on the held-out last contests."""
    train = split(standings, test_fraction)
    pairs = held_out_pairs(standings, train, max_pairs, seed)
    systems: list[tuple[str, str, SystemFactory]] = [
        ("weng-lin", params.describe(), lambda n: Ratings(n, params)),
        ("elo", f"multiplayer Elo (K {elo_k:g})", lambda n: Elo(n, k=elo_k)),
        ("contests played", "more contests, predicted better", Played),
    ]
    results = [
        run_system(name, text, make(standings.players), standings, train, pairs)
        for name, text, make in systems
    ]
    return Report(
        source=standings.source,
        train_contests=train,
        test_contests=standings.contests - train,
        train_rows=int(standings.offsets[train]),
        test_rows=standings.rows - int(standings.offsets[train]),
        pairs=sum(p.better.size for p in pairs),
        results=results,
    )
