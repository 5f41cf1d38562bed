"""The ridge logistic part of the job-change model, kept in its additive form.

A linear model extrapolates smoothly where the binned booster can only step, and on small
tables (a few hundred leavers) it is often the stronger of the two; the job-change model
averages both. Numeric columns enter median-imputed and standardised (plus a missing
indicator when training had missing values; values are clipped to the training range so an
outlier cannot dominate), categorical columns one-hot over the encoding's codes. The penalty
is chosen by inner cross-validation on log loss, never on evaluation rows.

The fitted part is stored per feature as ``slope * x + offset`` (numeric, clipped ``x``),
``missing`` (numeric, missing), or one value per code (categorical), each centred on the
training rows, so a contribution is ``coef · (x − training mean)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from renown.radar.tabular import CategoricalColumn, Encoding, NumericColumn, as_float

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

C_GRID: Final = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
"""Inverse penalties tried by the inner cross-validation (strong to weak)."""


@dataclass(frozen=True)
class LinearTerm:
    """One feature's linear contribution: numeric ``slope * clip(x) + offset`` or
    ``missing`` when absent; categorical ``by_code[code]``."""

    slope: float = 0.0
    offset: float = 0.0
    missing: float = 0.0
    by_code: tuple[float, ...] = ()


@dataclass(frozen=True)
class LinearPart:
    """The centred terms and the intercept (the log-odds of a typical row)."""

    intercept: float
    terms: tuple[LinearTerm, ...]
    C: float


def term_values(
    encoding: Encoding, terms: tuple[LinearTerm, ...], frame: pl.DataFrame, codes: IntArray
) -> FloatArray:
    """Per-feature linear contributions of every row (rows × features)."""
    out = np.zeros(codes.shape, dtype=np.float64)
    for j, (column, term) in enumerate(zip(encoding.columns, terms, strict=True)):
        if isinstance(column, NumericColumn):
            x = as_float(frame.get_column(column.name))
            missing = np.isnan(x)
            clipped = np.clip(np.where(missing, column.median, x), column.low, column.high)
            out[:, j] = np.where(missing, term.missing, term.slope * clipped + term.offset)
        elif term.by_code:
            out[:, j] = np.asarray(term.by_code)[codes[:, j]]
    return out


def _design(
    encoding: Encoding, frame: pl.DataFrame, codes: IntArray
) -> tuple[FloatArray, list[tuple[int, str, int]]]:
    """The design matrix and, per design column, (feature, role, code)."""
    parts: list[FloatArray] = []
    meaning: list[tuple[int, str, int]] = []
    for j, column in enumerate(encoding.columns):
        if isinstance(column, NumericColumn):
            x = as_float(frame.get_column(column.name))
            missing = np.isnan(x)
            parts.append(np.clip(np.where(missing, column.median, x), column.low, column.high))
            meaning.append((j, "value", 0))
            if missing.any():
                parts.append(missing.astype(np.float64))
                meaning.append((j, "missing", 0))
        else:
            assert isinstance(column, CategoricalColumn)
            for code in range(column.n_codes):
                hit = codes[:, j] == code
                if hit.any():
                    parts.append(hit.astype(np.float64))
                    meaning.append((j, "level", code))
    return np.column_stack(parts), meaning


def ridge_logistic(
    design: FloatArray, y: npt.NDArray[np.int_], C: float, start: FloatArray
) -> FloatArray:
    """``[intercept, *weights]`` minimising ``Σ log loss + |weights|² / (2C)`` (scikit-learn's
    ``C``; the intercept is not penalised), by L-BFGS with the exact gradient from ``start``.

    Each iteration costs two passes over the design, and warm starts along the penalty path
    make the inner search cheap.
    """
    from scipy.optimize import minimize

    x = np.column_stack([np.ones(design.shape[0]), design])
    penalty = np.full(x.shape[1], 1.0 / C)
    penalty[0] = 0.0
    n = float(x.shape[0])

    def objective(beta: FloatArray) -> tuple[float, FloatArray]:
        z = x @ beta
        # log(1 + e^z) - y z, written to stay finite for large |z|
        loss = float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * beta**2))
        gradient = x.T @ (_sigmoid(z) - y) + penalty * beta
        return loss / n, np.asarray(gradient / n)

    result = minimize(
        objective, start, jac=True, method="L-BFGS-B", options={"maxiter": 2000, "gtol": 1e-9}
    )
    return np.asarray(result.x, dtype=np.float64)


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)))


def design_matrix(encoding: Encoding, frame: pl.DataFrame, codes: IntArray) -> FloatArray:
    """A fixed layout for any rows: per numeric column its clipped, imputed value and a
    missing indicator; per categorical column one indicator per code."""
    parts: list[FloatArray] = []
    for j, column in enumerate(encoding.columns):
        if isinstance(column, NumericColumn):
            x = as_float(frame.get_column(column.name))
            missing = np.isnan(x)
            parts.append(np.clip(np.where(missing, column.median, x), column.low, column.high))
            parts.append(missing.astype(np.float64))
        else:
            parts.extend((codes[:, j] == code).astype(np.float64) for code in range(column.n_codes))
    return np.column_stack(parts)


def fit_linear(
    encoding: Encoding,
    frame: pl.DataFrame,
    codes: IntArray,
    y: npt.NDArray[np.int_],
    *,
    folds: int,
    random_state: int,
) -> LinearPart:
    """Fit the ridge logistic part, the penalty chosen by inner stratified CV on log loss."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    raw, meaning = _design(encoding, frame, codes)
    mean = raw.mean(axis=0)
    scale = raw.std(axis=0)
    scale[scale == 0.0] = 1.0
    design = (raw - mean) / scale

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    losses = np.zeros(len(C_GRID))
    for train, test in splitter.split(design, y):
        # Along the path from strong to weak penalty, each fit starts from the previous one.
        start = np.zeros(design.shape[1] + 1)
        for index, C in enumerate(C_GRID):
            start = ridge_logistic(design[train], y[train], C, start)
            p = _sigmoid(design[test] @ start[1:] + start[0])
            losses[index] += log_loss(y[test], p, labels=[0, 1])
    best = C_GRID[int(np.argmin(losses))]
    fitted = ridge_logistic(design, y, best, np.zeros(design.shape[1] + 1))
    weights = fitted[1:] / scale
    intercept = float(fitted[0]) - float(np.sum(weights * mean))
    # Here intercept + Σ weights·raw is the fitted log-odds; centre each feature's part.
    terms: list[LinearTerm] = []
    for j, column in enumerate(encoding.columns):
        roles = [(i, role, code) for i, (f, role, code) in enumerate(meaning) if f == j]
        part = np.zeros(codes.shape[0])
        slope = missing_weight = 0.0
        by_code = np.zeros(column.n_codes)
        for i, role, code in roles:
            part += weights[i] * raw[:, i]
            if role == "value":
                slope = float(weights[i])
            elif role == "missing":
                missing_weight = float(weights[i])
            else:
                by_code[code] = weights[i]
        centre = float(part.mean())
        intercept += centre
        if isinstance(column, NumericColumn):
            terms.append(
                LinearTerm(
                    slope=slope,
                    offset=-centre,
                    missing=slope * column.median + missing_weight - centre,
                )
            )
        else:
            terms.append(LinearTerm(by_code=tuple(float(v) for v in by_code - centre)))
    return LinearPart(intercept, tuple(terms), best)
