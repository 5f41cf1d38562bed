"""Honest evaluation of job-change models: held-out metrics beside the baselines an analyst
would try first, on the same rows.

A model is only worth its complexity if it beats a plain logistic regression and an
off-the-shelf gradient-boosting classifier on rows none of them saw. Every comparison here
fits all candidates on the same training rows and scores them on the same held-out rows:
repeated stratified k-fold cross-validation (:func:`cross_validated`) or one stratified
split (:func:`holdout`). The metrics say different things: ROC-AUC ranks, PR-AUC ranks the
rare movers, Brier score checks the probabilities themselves, precision at the top 10 % is
what a recruiter calling the top tenth of a list would see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from renown.radar.additive import integer_codes
from renown.radar.linear import design_matrix
from renown.radar.tabular import CategoricalColumn, Encoding, NumericColumn, learn_encoding
from renown.radar.threads import one_thread

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BinaryMetrics:
    """Held-out quality of probabilities for a binary outcome."""

    roc_auc: float
    pr_auc: float
    brier: float
    precision_top10: float
    n: int
    positives: int


def binary_metrics(y_true: Any, probability: Any) -> BinaryMetrics:
    """ROC-AUC, PR-AUC (average precision), Brier score and precision among the 10 % of rows
    with the highest probability (at least one row; ties broken by row order).

    Raises
    ------
    ValueError
        When ``y_true`` does not hold both classes or the lengths differ.
    """
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = np.asarray(y_true).astype(np.int64)
    p = np.asarray(probability, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"{y.shape[0]} labels for {p.shape[0]} probabilities")
    positives = int(y.sum())
    if positives in (0, y.size):
        raise ValueError("metrics need held-out rows of both classes")
    top = max(1, round(0.1 * y.size))
    order = np.argsort(-p, kind="stable")[:top]
    return BinaryMetrics(
        roc_auc=float(roc_auc_score(y, p)),
        pr_auc=float(average_precision_score(y, p)),
        brier=float(brier_score_loss(y, p)),
        precision_top10=float(y[order].mean()),
        n=int(y.size),
        positives=positives,
    )


def mean_metrics(folds: Sequence[BinaryMetrics]) -> BinaryMetrics:
    """The average of per-fold metrics (counts summed)."""
    return BinaryMetrics(
        roc_auc=float(np.mean([m.roc_auc for m in folds])),
        pr_auc=float(np.mean([m.pr_auc for m in folds])),
        brier=float(np.mean([m.brier for m in folds])),
        precision_top10=float(np.mean([m.precision_top10 for m in folds])),
        n=sum(m.n for m in folds),
        positives=sum(m.positives for m in folds),
    )


# -- baselines ---------------------------------------------------------------------------


class _EncodedBaseline(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A baseline that reads the same table through the same encoding as the model."""

    def __init__(self, *, categorical: Sequence[str] | None = None) -> None:
        self.categorical = categorical

    def fit(self, X: pl.DataFrame, y: Any) -> Self:
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        target = (labels == self.classes_[-1]).astype(np.int64)
        self.encoding_ = learn_encoding(X, categorical=tuple(self.categorical or ()))
        self.estimator_ = self._estimator().fit(self._inputs(X), target)
        return self

    def predict_proba(self, X: pl.DataFrame) -> FloatArray:
        return np.asarray(self.estimator_.predict_proba(self._inputs(X)), dtype=np.float64)

    def predict(self, X: pl.DataFrame) -> npt.NDArray[Any]:
        return np.asarray(self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(np.int64)])

    def _estimator(self) -> Any:
        raise NotImplementedError

    def _inputs(self, X: pl.DataFrame) -> FloatArray:
        raise NotImplementedError


class PlainLogistic(_EncodedBaseline):
    """Logistic regression with scikit-learn's default penalty (C=1) on the standardised,
    median-imputed numeric columns and one-hot categorical columns."""

    def fit(self, X: pl.DataFrame, y: Any) -> Self:
        self.encoding_ = learn_encoding(X, categorical=tuple(self.categorical or ()))
        raw = self._raw(X)
        self.mean_ = raw.mean(axis=0)
        scale = raw.std(axis=0)
        scale[scale == 0.0] = 1.0
        self.scale_ = scale
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        target = (labels == self.classes_[-1]).astype(np.int64)
        self.estimator_ = self._estimator().fit(self._inputs(X), target)
        return self

    def _raw(self, X: pl.DataFrame) -> FloatArray:
        codes = integer_codes(self.encoding_, self.encoding_.codes(X))
        return design_matrix(self.encoding_, X, codes)

    def _estimator(self) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=1.0, max_iter=5000)

    def _inputs(self, X: pl.DataFrame) -> FloatArray:
        return np.asarray((self._raw(X) - self.mean_) / self.scale_)


class PlainBoosting(_EncodedBaseline):
    """scikit-learn's ``HistGradientBoostingClassifier`` with its defaults, numeric columns
    as they are and categorical columns as native categories."""

    def _estimator(self) -> Any:
        from sklearn.ensemble import HistGradientBoostingClassifier

        mask = np.array([isinstance(c, CategoricalColumn) for c in self.encoding_.columns])
        return HistGradientBoostingClassifier(
            categorical_features=mask if mask.any() else None, random_state=0
        )

    def _inputs(self, X: pl.DataFrame) -> FloatArray:
        return raw_inputs(self.encoding_, X)


def raw_inputs(encoding: Encoding, X: pl.DataFrame) -> FloatArray:
    """Numeric columns' values and categorical columns' codes (NaN = missing)."""
    codes = encoding.codes(X)
    for j, column in enumerate(encoding.columns):
        if isinstance(column, NumericColumn):
            codes[:, j] = encoding.numeric_values(X, column.name)
    return codes


def baselines(categorical: Sequence[str] | None = None) -> dict[str, Any]:
    """The baselines every job-change model is compared with, unfitted."""
    return {
        "logistic regression": PlainLogistic(categorical=categorical),
        "gradient boosting": PlainBoosting(categorical=categorical),
    }


# -- comparisons -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """One candidate's held-out metrics (averaged over folds) and the per-fold values."""

    name: str
    metrics: BinaryMetrics
    folds: tuple[BinaryMetrics, ...]


@dataclass(frozen=True)
class Comparison:
    """Candidates scored on the same held-out rows; the first is the model under test."""

    setting: str
    rows: tuple[Scored, ...]

    def row(self, name: str) -> Scored:
        """The candidate called ``name``."""
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    @property
    def model(self) -> Scored:
        """The model under test."""
        return self.rows[0]

    def beats(self) -> dict[str, bool]:
        """Per baseline: higher ROC-AUC and a Brier score not worse (on the same rows)."""
        model = self.model.metrics
        return {
            row.name: model.roc_auc > row.metrics.roc_auc and model.brier <= row.metrics.brier
            for row in self.rows[1:]
        }

    def table(self) -> str:
        """The comparison as a fixed-width text table."""
        lines = [
            self.setting,
            f"{'model':<22} {'ROC-AUC':>8} {'PR-AUC':>8} {'Brier':>8} {'top 10%':>8}",
        ]
        for row in self.rows:
            m = row.metrics
            lines.append(
                f"{row.name:<22} {m.roc_auc:>8.4f} {m.pr_auc:>8.4f} {m.brier:>8.4f} "
                f"{m.precision_top10:>8.4f}"
            )
        return "\n".join(lines)


Candidates = Mapping[str, Any]


def _score_split(
    candidates: Candidates, X: pl.DataFrame, y: npt.NDArray[Any], train: Any, test: Any
) -> list[BinaryMetrics]:
    out = []
    positive = np.unique(y)[-1]
    for estimator in candidates.values():
        with one_thread():
            fitted = clone(estimator).fit(X[train], y[train])
        out.append(binary_metrics(y[test] == positive, fitted.predict_proba(X[test])[:, 1]))
    return out


def _compare(
    setting: str,
    candidates: Candidates,
    X: pl.DataFrame,
    y: Any,
    splits: list[tuple[Any, Any]],
    n_jobs: int | None,
) -> Comparison:
    from sklearn.utils.parallel import Parallel, delayed

    labels = np.asarray(y)
    per_split: list[list[BinaryMetrics]] = Parallel(n_jobs=n_jobs)(
        delayed(_score_split)(candidates, X, labels, train, test) for train, test in splits
    )
    rows = []
    for index, name in enumerate(candidates):
        folds = tuple(split[index] for split in per_split)
        rows.append(Scored(name, mean_metrics(folds), folds))
    return Comparison(setting, tuple(rows))


def cross_validated(
    candidates: Candidates,
    X: pl.DataFrame,
    y: Any,
    *,
    folds: int = 5,
    repeats: int = 2,
    seed: int = 0,
    n_jobs: int | None = None,
) -> Comparison:
    """Repeated stratified k-fold: every candidate fitted and scored on the same folds."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    splits = list(splitter.split(np.zeros(len(y)), np.asarray(y)))
    setting = f"repeated stratified {folds}-fold cross-validation ×{repeats} (seed {seed})"
    return _compare(setting, candidates, X, y, splits, n_jobs)


def holdout(
    candidates: Candidates,
    X: pl.DataFrame,
    y: Any,
    *,
    test_size: float = 0.3,
    seed: int = 0,
    n_jobs: int | None = None,
) -> Comparison:
    """One seeded stratified split: fit on the rest, score on ``test_size`` of the rows."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(y))
    train, test = train_test_split(
        index, test_size=test_size, stratify=np.asarray(y), random_state=seed
    )
    share = round(100 * (1 - test_size))
    setting = f"stratified {share}/{100 - share} split (seed {seed})"
    return _compare(setting, candidates, X, y, [(train, test)], n_jobs)


def out_of_fold(
    estimator: Any, X: pl.DataFrame, y: Any, *, folds: int = 5, seed: int = 0
) -> FloatArray:
    """Each row's probability from a clone fitted without it (for held-out charts)."""
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray(y)
    out = np.empty(labels.shape[0])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(labels.shape[0]), labels):
        fitted = clone(estimator).fit(X[train], labels[train])
        out[test] = fitted.predict_proba(X[test])[:, 1]
    return out
