"""Fit component weights to an organisation's labels, and refuse when it does not pay.

Tuning weights to labels can always raise the agreement *on those labels*; the question is
whether it generalises to people the fit has not seen. So weights are fitted and judged
with repeated k-fold cross-validation (people split into folds stratified by label, several
seeds): every person's tuned composite comes from weights fitted without them, and the
held-out rank metric (Spearman, or AUC when the labels are binary) of those out-of-fold
composites is compared with the default weights' on the same people. The comparison is
*paired*: each bootstrap resample of people measures both, and the gain's 95 % interval
must lie above zero for the tuned weights to be recommended.

The fit: non-negative least squares (:func:`scipy.optimize.nnls`) of the labels' mid-ranks
on the component percentiles, both centred (which is least squares with a free intercept).
Ranks, because every metric here only reads order; percentiles, because they are what the
composite adds up; non-negative, because a component that counts attention must never count
against someone. The weights are then scaled to sum to 1, which changes no order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import nnls
from scipy.stats import rankdata

from renown.core.errors import InputError
from renown.prominence.components import COMPONENTS
from renown.scoring.pipeline import ScoringResult
from renown.validation.labels import Labels, match_labels
from renown.validation.metrics import (
    Estimate,
    FloatArray,
    Resamples,
    auc_rows,
    interval,
    on_resamples,
    spearman_rows,
)

DEFAULT_FOLDS: Final = 5
DEFAULT_REPEATS: Final = 5
TunedMetric = Literal["spearman", "auc"]


@dataclass(frozen=True)
class TuneOutcome:
    """Tuned weights, the default ones, and how each did on held-out people."""

    labels: str
    people: int
    folds: int
    repeats: int
    seed: int
    metric: TunedMetric
    weights: dict[str, float]
    """Weights fitted on every labelled person (sum 1): the recommendation."""
    default_weights: dict[str, float]
    default_heldout: float
    tuned_heldout: float
    """Mean over repeats of the metric of the out-of-fold tuned composites."""
    gain: Estimate
    """Tuned minus default held-out metric, with the paired bootstrap 95 % interval."""
    date: str
    repeats_better: int = 0
    """Repeats (fold splits) whose held-out tuned metric beat the defaults'."""

    @property
    def recommended(self) -> bool:
        """True when the gain's interval lies wholly above zero *and* every fold split gained.

        The bootstrap resamples people but not the fitting, so on its own it is optimistic
        about weights fitted to noise (about one recommendation in ten on pure-noise labels
        of 60 people); requiring every independent split of the people to agree brings that
        down without touching real gains.
        """
        return bool(self.gain.low > 0 and self.repeats_better == self.repeats)


def fit_weights(percentiles: FloatArray, labels: FloatArray) -> FloatArray | None:
    """Non-negative weights (sum 1) whose composite best fits the labels' ranks; ``None``
    when no component has a positive association with them."""
    target = rankdata(labels)
    x = percentiles - percentiles.mean(axis=0)
    y = target - target.mean()
    weights, _residual = nnls(x, y)
    total = float(weights.sum())
    if total <= 0:
        return None
    result: FloatArray = weights / total
    return result


def stratified_folds(labels: FloatArray, folds: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """Fold of every person: sorted by label (random order within a label), dealt in turn."""
    order = np.lexsort((rng.random(len(labels)), labels))
    fold = np.empty(len(labels), dtype=np.int64)
    fold[order] = np.arange(len(labels)) % folds
    return fold


def tune_weights(
    result: ScoringResult,
    labels: Labels,
    *,
    folds: int = DEFAULT_FOLDS,
    repeats: int = DEFAULT_REPEATS,
    seed: int = 0,
) -> TuneOutcome:
    """Cross-validate weights for ``result``'s components against ``labels``."""
    model = result.model
    people = [str(p) for p in model.people_]
    matched = match_labels(labels, people)
    n = len(matched.people)
    if folds < 2:
        raise ValueError("--folds must be at least 2")
    if n < 2 * folds:
        raise InputError(
            labels.source, f"{n} labelled people are too few for {folds}-fold cross-validation"
        )
    # only monotone components may carry weight: the rest (activity, brokerage, core) would
    # let sending volume or network position buy score, whatever the labels say
    components = [c for c in model.components_ if COMPONENTS[c].monotone]
    rows = np.array([model.graph_.index[p] for p in matched.people], dtype=np.int64)
    x = np.column_stack([model.percentiles_[c][rows] for c in components])
    y = matched.labels
    default = np.array([model.weights_.get(c, 0.0) for c in components])
    distinct = np.unique(y)
    if distinct.size < 2:
        raise InputError(labels.source, "every labelled person has the same label")
    metric: TunedMetric = "auc" if distinct.size == 2 else "spearman"

    def measure(scores: FloatArray, labels: FloatArray, idx: NDArray[np.int64]) -> FloatArray:
        if metric == "auc":
            return auc_rows(scores[idx], labels[idx] == distinct[-1])
        return spearman_rows(scores[idx], labels[idx])

    out_of_fold = np.empty((repeats, n))
    for repeat in range(repeats):
        fold = stratified_folds(y, folds, np.random.default_rng(seed + repeat))
        for k in range(folds):
            train, test = fold != k, fold == k
            fitted = fit_weights(x[train], y[train])
            out_of_fold[repeat, test] = x[test] @ (default if fitted is None else fitted)
    observed = np.arange(n, dtype=np.int64)[None, :]
    default_heldout = float(measure(x @ default, y, observed)[0])
    tuned_each = np.array([measure(out_of_fold[r], y, observed)[0] for r in range(repeats)])
    draws = Resamples(n, seed=seed)
    default_boot = on_resamples(measure, x @ default, y, draws)
    tuned_boot = np.mean(
        [on_resamples(measure, out_of_fold[r], y, draws) for r in range(repeats)], axis=0
    )
    low, high = interval(tuned_boot - default_boot)
    tuned_heldout = float(tuned_each.mean())
    final = fit_weights(x, y)
    chosen = default if final is None else final
    return TuneOutcome(
        labels=labels.source,
        people=n,
        folds=folds,
        repeats=repeats,
        seed=seed,
        metric=metric,
        weights={c: float(w) for c, w in zip(components, chosen, strict=True)},
        default_weights={c: float(w) for c, w in zip(components, default, strict=True)},
        default_heldout=default_heldout,
        tuned_heldout=tuned_heldout,
        gain=Estimate(tuned_heldout - default_heldout, low, high),
        date=datetime.now(UTC).date().isoformat(),
        repeats_better=int((tuned_each > default_heldout).sum()),
    )


def describe(outcome: TuneOutcome) -> str:
    """A few plain lines: held-out figures and the verdict."""
    verdict = (
        "recommended: the held-out gain's 95% interval lies above zero"
        if outcome.recommended
        else "not recommended: the held-out gain's 95% interval does not lie above zero, "
        "so the default weights stay"
    )
    return (
        f"{outcome.people} labelled people, {outcome.folds}-fold cross-validation x "
        f"{outcome.repeats} seeds, metric {outcome.metric}\n"
        f"held-out {outcome.metric}: default {outcome.default_heldout:.3f}, tuned "
        f"{outcome.tuned_heldout:.3f}, gain {outcome.gain.value:+.3f} "
        f"[{outcome.gain.low:+.3f}, {outcome.gain.high:+.3f}]\n"
        + "tuned weights: "
        + ", ".join(f"{c} {w:.3f}" for c, w in outcome.weights.items() if w > 0)
        + f"\n{verdict}\n"
    )


def nonzero(weights: Mapping[str, float]) -> dict[str, float]:
    """The weights that count (rounded to 4 places, renormalised to sum to 1)."""
    kept = {c: round(w, 4) for c, w in weights.items() if round(w, 4) > 0}
    total = sum(kept.values())
    return {c: w / total for c, w in kept.items()}
