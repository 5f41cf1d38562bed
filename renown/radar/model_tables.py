"""The fitted job-change model as tables, and the pipeline that fits and calibrates them.

:class:`ModelTables` is everything predicting needs (no scikit-learn): a calibrated
intercept, one table per feature, linear terms for numeric features and tables for the
strongest pairs. :func:`fit_uncalibrated` fits the boosted and the linear part on one
encoding; :func:`calibrated` folds the Platt scaling (:func:`platt`, fitted on out-of-fold
scores by :class:`~renown.radar.model.JobChangeModel`) into the tables themselves, so each
feature's contribution is already in calibrated log-odds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from renown.radar.additive import BoostingParams, fit_boosted, integer_codes
from renown.radar.linear import LinearTerm, fit_linear, term_values
from renown.radar.tabular import Encoding, NumericColumn, check_columns, learn_encoding

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ModelTables:
    """The fitted model: calibrated intercept and per-feature (and per-pair) tables."""

    encoding: Encoding
    intercept: float
    main: tuple[FloatArray, ...]
    linear: tuple[LinearTerm | None, ...]
    pairs: dict[tuple[int, int], FloatArray]
    calibration: tuple[float, float, float]
    importance: tuple[float, ...]
    notes: tuple[str, ...]

    def contributions(self, frame: pl.DataFrame) -> FloatArray:
        """Rows × features, in calibrated log-odds; rows plus the intercept are the logit."""
        check_columns(frame, self.encoding.names)
        codes = integer_codes(self.encoding, self.encoding.codes(frame))
        out = np.empty(codes.shape, dtype=np.float64)
        for j, table in enumerate(self.main):
            out[:, j] = table[codes[:, j]]
        numeric = [j for j, term in enumerate(self.linear) if term is not None]
        if numeric:
            terms = tuple(term or LinearTerm() for term in self.linear)
            out[:, numeric] += term_values(self.encoding, terms, frame, codes)[:, numeric]
        for (j, k), table in self.pairs.items():
            half = table[codes[:, j], codes[:, k]] / 2.0
            out[:, j] += half
            out[:, k] += half
        return out

    def logit(self, frame: pl.DataFrame) -> FloatArray:
        return np.asarray(self.intercept + self.contributions(frame).sum(axis=1))


@dataclass(frozen=True)
class Uncalibrated:
    """Booster tables plus the linear part, on the same encoding: ``z`` = their average."""

    encoding: Encoding
    boost_intercept: float
    boost_main: tuple[FloatArray, ...]
    boost_pairs: dict[tuple[int, int], FloatArray]
    linear_intercept: float
    linear_terms: tuple[LinearTerm, ...]
    C: float

    def parts(self, frame: pl.DataFrame) -> FloatArray:
        """Rows × 2: the boosted and the linear part's log-odds."""
        boosted = calibrated(self, 1.0, 0.0, 0.0, None).logit(frame)
        linear = calibrated(self, 0.0, 1.0, 0.0, None).logit(frame)
        return np.column_stack([boosted, linear])


def fit_uncalibrated(
    frame: pl.DataFrame,
    y: npt.NDArray[np.int64],
    categorical: tuple[str, ...],
    params: BoostingParams,
    folds: int,
    random_state: int,
) -> Uncalibrated:
    encoding = learn_encoding(frame, categorical=categorical)
    raw_codes = encoding.codes(frame)
    codes = integer_codes(encoding, raw_codes)
    boosted = fit_boosted(encoding, raw_codes, y, params, random_state=random_state)
    linear = fit_linear(encoding, frame, codes, y, folds=folds, random_state=random_state)
    return Uncalibrated(
        encoding,
        boosted.intercept,
        boosted.main,
        boosted.pairs,
        linear.intercept,
        linear.terms,
        linear.C,
    )


def calibrated(
    part: Uncalibrated, w_boost: float, w_linear: float, b: float, frame: pl.DataFrame | None
) -> ModelTables:
    """``w_boost·boost + w_linear·linear + b`` as tables; importance measured on ``frame``."""
    main: list[FloatArray] = []
    linear: list[LinearTerm | None] = []
    for column, table, term in zip(
        part.encoding.columns, part.boost_main, part.linear_terms, strict=True
    ):
        if isinstance(column, NumericColumn):
            main.append(w_boost * table)
            linear.append(
                LinearTerm(w_linear * term.slope, w_linear * term.offset, w_linear * term.missing)
            )
        else:
            main.append(w_boost * table + w_linear * np.asarray(term.by_code))
            linear.append(None)
    pairs = {key: w_boost * table for key, table in part.boost_pairs.items()}
    intercept = w_boost * part.boost_intercept + w_linear * part.linear_intercept + b
    notes = (*part.encoding.notes, f"logistic part: penalty C={part.C:g} (inner CV)")
    calibration = (w_boost, w_linear, b)
    tables = ModelTables(
        part.encoding, intercept, tuple(main), tuple(linear), pairs, calibration, (), notes
    )
    if frame is None:
        return tables
    importance = np.mean(np.abs(tables.contributions(frame)), axis=0)
    return ModelTables(
        part.encoding,
        intercept,
        tuple(main),
        tuple(linear),
        pairs,
        calibration,
        tuple(float(v) for v in importance),
        notes,
    )


def platt(scores: FloatArray, y: npt.NDArray[np.int64]) -> tuple[float, float]:
    """``(a, b)`` maximising the likelihood of ``sigmoid(a·score + b)`` (Newton's method,
    with a whisper of ridge so a perfectly separating score stays finite)."""
    a, b = 1.0, 0.0
    design = np.column_stack([scores, np.ones_like(scores)])
    ridge = 1e-6 * np.eye(2)
    for _ in range(100):
        p = sigmoid(a * scores + b)
        gradient = design.T @ (p - y) + ridge @ np.array([a, b])
        hessian = (design * (p * (1.0 - p))[:, None]).T @ design + ridge
        step = np.linalg.solve(hessian, gradient)
        a, b = a - float(step[0]), b - float(step[1])
        if float(np.max(np.abs(step))) < 1e-10:
            break
    return a, b


def sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)))
