"""How well a score orders people the way trusted labels do, with bootstrap intervals.

Four figures, each answering a question an organisation asks of a ranking:

* **ROC-AUC** of the *top* (labels at or above a threshold, by default the highest level
  present) against the rest: the chance that a random top person outscores a random other
  one (ties count half). It ignores order inside each side, which suits level labels where
  only "senior or not" is trusted.
* **Spearman's rho**: agreement of the whole order, for labels that are graded throughout.
* **Pairwise accuracy**: of all pairs of people whose labels differ, the share the score
  orders the same way (a tie in score counts half). Unlike rho it is not moved by how far
  apart two people are, only by whether they are the right way round.
* **Precision at the top decile**: of the tenth of people the score ranks highest, the share
  who are in the labels' top tenth; what a shortlist drawn from the score would hit.

Every figure comes with a 95 % percentile bootstrap interval over *people* (the unit that
was sampled), seeded so that a report is reproducible. Resamples are drawn a block of rows
at a time from the seed (:class:`Resamples`), so a large organisation's 2,000 draws are never
held at once, and each metric is computed for a batch of them at once with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

FloatArray = NDArray[np.float64]
IndexMatrix = NDArray[np.int64]

RESAMPLES: Final = 2000
"""Bootstrap resamples per interval: enough for stable 2.5 % and 97.5 % percentiles."""

CONFIDENCE: Final = 0.95
TOP_SHARE: Final = 0.10
"""The share of people a shortlist takes (precision at the top decile)."""

_PAIR_CELLS_PER_BATCH: Final = 8_000_000
"""Resamples x label levels x score groups per batch of the pairwise computation (memory)."""


@dataclass(frozen=True)
class Estimate:
    """A metric on the people as observed, and its bootstrap interval."""

    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        """Plain numbers for JSON."""
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class Metrics:
    """The four validity figures of one score against one set of labels."""

    auc: Estimate
    spearman: Estimate
    pairwise: Estimate
    precision_top_decile: Estimate

    def as_dict(self) -> dict[str, Estimate]:
        """Metric name -> estimate, in report order."""
        return {
            "auc": self.auc,
            "spearman": self.spearman,
            "pairwise": self.pairwise,
            "precision_top_decile": self.precision_top_decile,
        }


METRIC_NAMES: Final = ("auc", "spearman", "pairwise", "precision_top_decile")
METRIC_LABELS: Final = {
    "auc": "AUC (top vs rest)",
    "spearman": "Spearman",
    "pairwise": "Pairwise acc.",
    "precision_top_decile": "Prec@top 10%",
}


def top_threshold(labels: FloatArray, top_from: float | None) -> float:
    """The label value from which a person counts as *top* (default: the highest present)."""
    return float(np.max(labels)) if top_from is None else float(top_from)


BLOCK_ROWS: Final = 50
"""Resamples drawn together from one seed: the unit of generation, so a draw does not depend
on how many rows a batch evaluates at once."""

_CELLS_PER_BATCH = 4_000_000
"""Resampled people per batch of rows: the metrics rank and copy their rows several times, so
evaluating 2,000 resamples of a large organisation at once would need many gigabytes."""


@dataclass(frozen=True)
class Resamples:
    """``count`` bootstrap draws of ``n`` people (with replacement), reproducible from ``seed``.

    Block ``b`` of :data:`BLOCK_ROWS` rows comes from its own generator seeded with
    ``(seed, b)``, so any batch of blocks can be made again on demand: rankings compared on
    the same ``Resamples`` see exactly the same draws, and memory holds one batch, not
    ``count x n`` indices (160 MB for 10,000 labelled people). Draws that fit one batch are
    kept, since every ranking of a report reads them again.
    """

    n: int
    count: int = RESAMPLES
    seed: int = 0
    _kept: list[IndexMatrix] = field(default_factory=list, compare=False, repr=False)

    def block(self, number: int) -> IndexMatrix:
        """Rows ``number * BLOCK_ROWS`` onwards (at most :data:`BLOCK_ROWS` of them)."""
        rows = min(BLOCK_ROWS, self.count - number * BLOCK_ROWS)
        rng = np.random.default_rng([self.seed, number])
        return rng.integers(0, self.n, size=(rows, self.n), dtype=np.int64)

    def batches(self) -> Iterator[IndexMatrix]:
        """Every draw, as batches of whole blocks of about :data:`_CELLS_PER_BATCH` cells."""
        blocks = math.ceil(self.count / BLOCK_ROWS)
        per_batch = max(1, _CELLS_PER_BATCH // (BLOCK_ROWS * max(1, self.n)))
        if per_batch >= blocks:
            if not self._kept:
                self._kept.append(self.matrix())
            yield self._kept[0]
            return
        for first in range(0, blocks, per_batch):
            yield np.concatenate(
                [self.block(b) for b in range(first, min(blocks, first + per_batch))]
            )

    def matrix(self) -> IndexMatrix:
        """All draws at once, one per row (small ``n``, and tests)."""
        blocks = range(math.ceil(self.count / BLOCK_ROWS))
        return np.concatenate([self.block(b) for b in blocks]) if self.count else _no_rows(self.n)


def _no_rows(n: int) -> IndexMatrix:
    return np.zeros((0, n), dtype=np.int64)


def resample_indices(n: int, *, resamples: int = RESAMPLES, seed: int = 0) -> IndexMatrix:
    """``resamples`` bootstrap draws of ``n`` people as one matrix (:meth:`Resamples.matrix`)."""
    return Resamples(n, resamples, seed).matrix()


# --- each metric on a matrix of samples: rows are (re)samples, columns people -------------


def auc_rows(scores: FloatArray, positive: NDArray[np.bool_]) -> FloatArray:
    """Mann-Whitney AUC of every row; NaN where a row lacks positives or negatives."""
    ranks = rankdata(scores, axis=1)
    n_pos = positive.sum(axis=1).astype(np.float64)
    n_neg = positive.shape[1] - n_pos
    rank_sum = np.where(positive, ranks, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)


def spearman_rows(scores: FloatArray, labels: FloatArray) -> FloatArray:
    """Spearman's rho of every row (Pearson on mid-ranks); NaN where a side is constant."""
    a = rankdata(scores, axis=1)
    b = rankdata(labels, axis=1)
    a -= a.mean(axis=1, keepdims=True)
    b -= b.mean(axis=1, keepdims=True)
    denominator = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (a * b).sum(axis=1) / denominator
    return np.where(denominator > 0, rho, np.nan)


def label_top_cut(labels: FloatArray, share: float = TOP_SHARE) -> float:
    """The label from which a person is in the labels' top ``share``.

    Levels are never split: the top is either every level down to the ``k``-th highest label
    (``k = ceil(share * n)``) or only the levels above it, whichever holds a number of people
    closer to ``k`` (the first on a tie). Without the second choice a rare top level would
    make the cut the most common label, everybody would count as top, and any ranking would
    score a perfect precision.
    """
    k = max(1, math.ceil(share * len(labels)))
    kth = float(-np.partition(-labels, k - 1)[k - 1])
    higher = labels[labels > kth]
    if higher.size == 0:
        return kth
    with_kth = int((labels >= kth).sum())
    if abs(higher.size - k) < abs(with_kth - k):
        return float(higher.min())
    return kth


def precision_rows(
    scores: FloatArray,
    labels: FloatArray,
    share: float = TOP_SHARE,
    label_cut: float | None = None,
) -> FloatArray:
    """Precision at the top ``share`` of every row, ties shared out fairly.

    The shortlist takes the ``k = ceil(share * n)`` highest scores; when people tie at the
    cut, each of them holds the same fraction of the remaining places (the expected outcome
    of breaking the tie at random). The labels' top is everyone whose label is at least
    ``label_cut`` (default: :func:`label_top_cut` of each row). Bootstrap rows pass the cut
    of the observed people, so that the *set of levels* counted as top stays the one the
    figure is about instead of flipping between two levels from resample to resample.
    """
    n = scores.shape[1]
    k = max(1, math.ceil(share * n))
    score_cut = -np.partition(-scores, k - 1, axis=1)[:, k - 1 : k]
    if label_cut is None:
        cut = np.array([[label_top_cut(row, share)] for row in labels])
    else:
        cut = np.full((labels.shape[0], 1), label_cut)
    in_label_top = labels >= cut
    above = scores > score_cut
    at_cut = scores == score_cut
    places_left = k - above.sum(axis=1, keepdims=True)
    share_at_cut = places_left / at_cut.sum(axis=1, keepdims=True)
    taken = np.where(above, 1.0, np.where(at_cut, share_at_cut, 0.0))
    result: FloatArray = (taken * in_label_top).sum(axis=1) / k
    return result


def pairwise_weighted(scores: FloatArray, labels: FloatArray, weights: FloatArray) -> FloatArray:
    """Pairwise accuracy for people counted ``weights[r, i]`` times in resample ``r``.

    A bootstrap resample is the observed people with multiplicities, and multiplicities do
    not change who outscores whom, so people are coded once by label level and score
    group. Per resample, a table of weight by (level, score group), summed over the lower
    levels and then over the lower score groups, gives for each person the weight of the
    people with a lower label and a lower (or, for half, equal) score: ``O(levels x groups)``
    per resample instead of ``O(people^2)``.
    """
    level = (rankdata(labels, method="dense") - 1).astype(np.int64)
    group = (rankdata(scores, method="dense") - 1).astype(np.int64)
    n_levels, n_groups = int(level.max()) + 1, int(group.max()) + 1
    cells = n_levels * n_groups
    batch = max(1, _PAIR_CELLS_PER_BATCH // cells)
    out = np.empty(weights.shape[0])
    for start in range(0, weights.shape[0], batch):
        w = weights[start : start + batch]
        rows = w.shape[0]
        flat = (np.arange(rows, dtype=np.int64) * cells)[:, None] + level * n_groups + group
        table = np.bincount(flat.ravel(), weights=w.ravel(), minlength=rows * cells)
        table = table.reshape(rows, n_levels, n_groups)
        lower_levels = np.cumsum(table, axis=1) - table  # weight at strictly lower labels
        lower_both = np.cumsum(lower_levels, axis=2) - lower_levels
        below = lower_both[:, level, group]
        tied = lower_levels[:, level, group]
        numerator = (w * (below + 0.5 * tied)).sum(axis=1)
        lower_total = lower_levels.sum(axis=2)[:, level]
        denominator = (w * lower_total).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + batch] = np.where(denominator > 0, numerator / denominator, np.nan)
    return out


def pairwise_accuracy(scores: FloatArray, labels: FloatArray) -> float:
    """Share of label-discordant pairs ordered the same way by the score (ties half)."""
    return float(pairwise_weighted(scores, labels, np.ones((1, len(scores))))[0])


def auc(scores: FloatArray, positive: NDArray[np.bool_]) -> float:
    """ROC-AUC of ``scores`` for the ``positive`` people against the others."""
    return float(auc_rows(scores[None, :], positive[None, :])[0])


def precision_at_top(scores: FloatArray, labels: FloatArray, share: float = TOP_SHARE) -> float:
    """Precision at the top ``share`` (see :func:`precision_rows`)."""
    return float(precision_rows(scores[None, :], labels[None, :], share)[0])


# --- intervals ---------------------------------------------------------------------------


def interval(values: FloatArray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Percentile interval of bootstrap values (NaN resamples left out)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return math.nan, math.nan
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


RowMetric = Callable[[FloatArray, FloatArray, IndexMatrix], FloatArray]
"""(scores, labels, index matrix) -> the metric on every resample."""


def row_metric(name: str, threshold: float, label_cut: float | None = None) -> RowMetric:
    """The metric called ``name`` evaluated on rows of resampled people.

    ``threshold`` is where the AUC's top starts; ``label_cut`` where the labels' top decile
    starts (default: recomputed on every row)."""
    if name == "auc":
        return lambda s, y, idx: auc_rows(s[idx], y[idx] >= threshold)
    if name == "spearman":
        return lambda s, y, idx: spearman_rows(s[idx], y[idx])
    if name == "precision_top_decile":
        return lambda s, y, idx: precision_rows(s[idx], y[idx], label_cut=label_cut)
    if name == "pairwise":
        return lambda s, y, idx: pairwise_weighted(s, y, _counts(idx, len(s)))
    raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRIC_NAMES)}")


def on_resamples(
    metric: RowMetric, scores: FloatArray, labels: FloatArray, draws: Resamples
) -> FloatArray:
    """``metric`` on every draw, a batch of draws at a time (draws are independent)."""
    return np.concatenate([metric(scores, labels, idx) for idx in draws.batches()])


def _counts(idx: IndexMatrix, n: int) -> FloatArray:
    """How often each person appears in each resample."""
    offsets = (np.arange(idx.shape[0], dtype=np.int64) * n)[:, None]
    flat = np.bincount((idx + offsets).ravel(), minlength=idx.shape[0] * n)
    return flat.reshape(idx.shape[0], n).astype(np.float64)


def evaluate(
    scores: FloatArray,
    labels: FloatArray,
    *,
    top_from: float | None = None,
    resamples: Resamples | None = None,
    seed: int = 0,
) -> Metrics:
    """All four metrics of ``scores`` against ``labels`` (aligned arrays), with intervals.

    Pass the same ``resamples`` to several scores to compare them on the same draws.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    if scores.shape != labels.shape or scores.ndim != 1:
        raise ValueError("scores and labels must be one-dimensional and of the same length")
    if len(scores) < 3:
        raise ValueError(f"need at least 3 labelled people to validate, got {len(scores)}")
    threshold = top_threshold(labels, top_from)
    draws = resamples if resamples is not None else Resamples(len(scores), seed=seed)
    cut = label_top_cut(labels)
    observed = np.arange(len(scores), dtype=np.int64)[None, :]
    found: dict[str, Estimate] = {}
    for name in METRIC_NAMES:
        metric = row_metric(name, threshold, cut)
        value = float(metric(scores, labels, observed)[0])
        low, high = interval(on_resamples(metric, scores, labels, draws))
        found[name] = Estimate(value, low, high)
    return Metrics(**found)


def paired_difference(
    first: FloatArray,
    second: FloatArray,
    labels: FloatArray,
    *,
    top_from: float | None = None,
    resamples: Resamples | None = None,
    seed: int = 0,
) -> Metrics:
    """``first`` minus ``second`` on every metric, with a *paired* bootstrap interval.

    Both rankings are measured on the same resampled people each time, so what they share
    (the luck of who was labelled) cancels: the interval says whether one beats the other,
    which two overlapping intervals of their own cannot.
    """
    labels = np.asarray(labels, dtype=np.float64)
    threshold = top_threshold(labels, top_from)
    draws = resamples if resamples is not None else Resamples(len(labels), seed=seed)
    cut = label_top_cut(labels)
    observed = np.arange(len(labels), dtype=np.int64)[None, :]
    found: dict[str, Estimate] = {}
    for name in METRIC_NAMES:
        metric = row_metric(name, threshold, cut)
        value = float(metric(first, labels, observed)[0] - metric(second, labels, observed)[0])
        low, high = interval(
            on_resamples(metric, first, labels, draws) - on_resamples(metric, second, labels, draws)
        )
        found[name] = Estimate(value, low, high)
    return Metrics(**found)
