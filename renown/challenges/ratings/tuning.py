"""How the default parameters were chosen: a grid on a validation split of the training part.

The held-out test contests (the last ``test_fraction`` of the file) are never looked at
here. The training contests are split again the same way, by order: the model is fitted on
their first part and scored (online, predict then update, same pairwise accuracy) on their
last ``validation_fraction``. Elo's ``K`` is tuned on the same validation split, so the
baseline is as strong as it can honestly be made. The grid and its results are in
docs/challenges-ratings.md; rerun with::

    python -m renown.challenges.ratings.tuning STANDINGS.tsv.gz
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from renown.challenges.ratings.elo import Elo
from renown.challenges.ratings.evaluation import (
    TEST_FRACTION,
    held_out_pairs,
    run_system,
    split,
)
from renown.challenges.ratings.model import Ratings
from renown.challenges.ratings.standings import Standings, read_standings
from renown.challenges.ratings.weng_lin import OPENSKILL_DEFAULTS, WengLinParams

VALIDATION_FRACTION: Final = 0.1
"""Share of the training contests (their last ones) used to choose the parameters."""

ELO_GRID: Final = (32.0, 100.0, 200.0, 400.0, 800.0)


def model_grid() -> list[WengLinParams]:
    """The candidates: openskill's defaults for each variant, then the knobs that matter."""
    base = OPENSKILL_DEFAULTS
    grid = [base, replace(base, variant="bradley-terry-part")]
    for tau in (0.5, 2.0):
        for beta in (25.0 / 12.0, 25.0 / 6.0):
            grid.append(replace(base, tau=tau, beta=beta))
    full = replace(base, variant="bradley-terry-full")
    for beta in (25.0 / 12.0, 25.0 / 6.0, 25.0 / 3.0, 12.5):
        for tau in (0.25, 0.5, 1.0):
            for games in (1.0, 2.0, 4.0, 8.0, 16.0, 32.0):
                grid.append(replace(full, beta=beta, tau=tau, games=games))
    return grid


@dataclass(frozen=True)
class Trial:
    """One candidate's validation accuracy."""

    name: str
    accuracy: float


def tune(
    standings: Standings,
    *,
    test_fraction: float = TEST_FRACTION,
    validation_fraction: float = VALIDATION_FRACTION,
    models: Sequence[WengLinParams] | None = None,
    elo_ks: Sequence[float] = ELO_GRID,
) -> list[Trial]:
    """Validation accuracy of every candidate, best first (test contests untouched)."""
    training = standings.head(split(standings, test_fraction))
    fit_on = split(training, validation_fraction)
    pairs = held_out_pairs(training, fit_on)
    trials = []
    for params in model_grid() if models is None else models:
        ratings = Ratings(training.players, params)
        result = run_system("", "", ratings, training, fit_on, pairs)
        trials.append(Trial(params.describe(), result.accuracy))
    for k in elo_ks:
        result = run_system("", "", Elo(training.players, k=k), training, fit_on, pairs)
        trials.append(Trial(f"multiplayer Elo (K {k:g})", result.accuracy))
    return sorted(trials, key=lambda t: -t.accuracy)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the validation grid of one standings file."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        raise SystemExit("usage: python -m renown.challenges.ratings.tuning STANDINGS")
    for trial in tune(read_standings(args[0])):
        print(f"{trial.accuracy:.4f}  {trial.name}")


if __name__ == "__main__":
    main()
