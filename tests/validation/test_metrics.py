"""The validity metrics against small cases computed by hand or by brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import spearmanr

from renown.validation.metrics import (
    auc,
    evaluate,
    paired_difference,
    pairwise_accuracy,
    precision_at_top,
    resample_indices,
    row_metric,
)


def test_auc_of_a_two_by_two_case() -> None:
    # positives 3 and 1, negatives 2 and 0: 3>2, 3>0, 1<2, 1>0 -> 3 of 4 pairs
    scores = np.array([3.0, 1.0, 2.0, 0.0])
    positive = np.array([True, True, False, False])
    assert auc(scores, positive) == pytest.approx(0.75)
    # a tie between a positive and a negative counts half: 0.5 + 1 + 0 + 1
    tied = np.array([2.0, 1.0, 2.0, 0.0])
    assert auc(tied, positive) == pytest.approx(2.5 / 4)


def _brute_pairwise(scores: np.ndarray, labels: np.ndarray) -> float:
    agree = pairs = 0.0
    for i, j in itertools.permutations(range(len(scores)), 2):
        if labels[i] < labels[j]:
            pairs += 1
            agree += 1.0 if scores[i] < scores[j] else 0.5 if scores[i] == scores[j] else 0.0
    return agree / pairs


@pytest.mark.parametrize("seed", range(5))
def test_pairwise_accuracy_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 12
    labels = rng.integers(1, 4, n).astype(float)
    scores = rng.integers(0, 5, n).astype(float)  # many ties
    assert pairwise_accuracy(scores, labels) == pytest.approx(_brute_pairwise(scores, labels))


def test_pairwise_on_resamples_counts_repeated_people() -> None:
    rng = np.random.default_rng(3)
    labels = rng.integers(1, 4, 10).astype(float)
    scores = rng.normal(size=10)
    idx = resample_indices(10, resamples=20, seed=1)
    fast = row_metric("pairwise", 3.0)(scores, labels, idx)
    for row, draw in zip(fast, idx, strict=True):
        assert row == pytest.approx(_brute_pairwise(scores[draw], labels[draw]))


def test_spearman_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    labels = rng.integers(1, 6, 40).astype(float)
    scores = labels + rng.normal(0, 2, 40)
    found = evaluate(scores, labels, seed=2)
    assert found.spearman.value == pytest.approx(spearmanr(scores, labels).statistic)


def test_precision_at_top_decile_by_hand() -> None:
    labels = np.arange(20, dtype=float)  # the top decile by label: people 18 and 19
    scores = labels.copy()
    scores[19] = -1.0  # the score misses person 19 and takes 18 and 17
    assert precision_at_top(scores, labels) == pytest.approx(0.5)
    # a tie at the cut shares the places: 18 is in, 17 and 16 share the last place
    scores = np.array([*range(16), 17.0, 17.0, 18.0, -1.0])
    assert precision_at_top(scores, labels) == pytest.approx((1 + 0.5 * 0) / 2)


def test_intervals_hold_the_estimate_and_are_reproducible() -> None:
    rng = np.random.default_rng(4)
    labels = rng.integers(1, 5, 50).astype(float)
    scores = labels + rng.normal(0, 1.5, 50)
    first = evaluate(scores, labels, seed=7)
    again = evaluate(scores, labels, seed=7)
    assert first == again
    for estimate in first.as_dict().values():
        assert estimate.low <= estimate.value <= estimate.high
        assert not math.isnan(estimate.low)


def test_a_perfect_score_gets_perfect_figures() -> None:
    labels = np.repeat([1.0, 2.0, 3.0, 4.0, 5.0], 6)
    found = evaluate(labels * 10, labels)
    assert found.auc.value == 1.0
    assert found.spearman.value == pytest.approx(1.0)
    assert found.pairwise.value == 1.0
    assert found.precision_top_decile.value == 1.0


def test_a_paired_difference_of_a_ranking_with_itself_is_exactly_zero() -> None:
    rng = np.random.default_rng(5)
    labels = rng.integers(1, 5, 40).astype(float)
    scores = labels + rng.normal(0, 1, 40)
    same = paired_difference(scores, scores.copy(), labels, seed=1)
    for estimate in same.as_dict().values():
        assert (estimate.value, estimate.low, estimate.high) == (0.0, 0.0, 0.0)
    better = paired_difference(labels, rng.normal(size=40), labels, seed=1)
    assert better.spearman.low > 0


def test_precision_is_not_fooled_by_a_rare_top_level() -> None:
    import numpy as np

    from renown.validation.metrics import precision_rows

    labels = np.zeros((1, 100))
    labels[0, :5] = 1.0  # 5 people hold the top level, fewer than the top tenth
    perfect = precision_rows(-np.arange(100.0)[None, :], labels)
    inverted = precision_rows(np.arange(100.0)[None, :], labels)
    # the top is the 5 people of the top level, not everybody: 5 of the 10 places at best
    assert perfect[0] == 0.5
    assert inverted[0] == 0.0


def test_metrics_on_resamples_in_batches_equal_all_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from renown.validation import metrics

    rng = np.random.default_rng(3)
    labels = rng.integers(1, 6, 50).astype(float)
    scores = labels + rng.normal(0, 2, 50)
    whole = metrics.evaluate(scores, labels, seed=4)
    monkeypatch.setattr(metrics, "_CELLS_PER_BATCH", 50 * 7)  # 7 resamples per batch
    assert metrics.evaluate(scores, labels, seed=4) == whole


def test_resamples_are_made_a_batch_at_a_time_and_again_identically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from renown.validation import metrics

    whole = metrics.Resamples(300, count=230, seed=7).matrix()
    assert whole.shape == (230, 300) and whole.min() >= 0 and whole.max() < 300
    monkeypatch.setattr(metrics, "_CELLS_PER_BATCH", 2 * metrics.BLOCK_ROWS * 300)
    batches = list(metrics.Resamples(300, count=230, seed=7).batches())
    assert max(len(b) for b in batches) == 2 * metrics.BLOCK_ROWS  # never all 230 rows at once
    np.testing.assert_array_equal(np.concatenate(batches), whole)
    assert not np.array_equal(metrics.Resamples(300, count=230, seed=8).matrix(), whole)
