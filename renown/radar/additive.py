"""The boosted part of the job-change model, fitted by scikit-learn and then read out as tables.

Gradient boosting on raw columns gives a function no one can explain exactly. Here every tree
may use one feature, or one pair among the few most important features
(``interaction_cst``), and the inputs are bin codes (:mod:`renown.radar.tabular`), so the
fitted log-odds are *exactly* a sum of one table per feature, ``f_j(bin)``, one table per
allowed pair, ``g_jk(bin_j, bin_k)``, and an intercept. :func:`tabulate` reads those tables
off the fitted bags by evaluating them on rows that vary one feature (or one pair) from a
reference row; after that the model is the tables, and a prediction's per-feature
contributions are looked up, not approximated.

Each table is centred on its mean over the training rows (the means move to the intercept),
so a contribution says how far a value moves the log-odds from a typical row.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from renown.radar.tabular import CategoricalColumn, Encoding

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class BoostingParams:
    """Settings of the boosted part (slow learning, tiny trees, early stopping: additive
    shapes that generalise rather than memorise)."""

    learning_rate: float = 0.03
    max_rounds: int = 3000
    bags: int = 10
    pairs: int = 5
    max_leaf_nodes: int = 4
    min_samples_leaf: int = 20
    l2_regularization: float = 1.0
    validation_fraction: float = 0.2
    n_iter_no_change: int = 60


@dataclass(frozen=True)
class AdditiveTables:
    """``intercept + Σ_j main[j][code_j] + Σ_(j,k) pair[(j,k)][code_j, code_k]`` in log-odds.

    Codes are those of :meth:`Encoding.codes` with NaN (missing) as the last code.
    """

    intercept: float
    main: tuple[FloatArray, ...]
    pairs: dict[tuple[int, int], FloatArray]

    def decision(self, codes: IntArray) -> FloatArray:
        """The log-odds of integer-coded rows."""
        total = np.full(codes.shape[0], self.intercept)
        for j, table in enumerate(self.main):
            total += table[codes[:, j]]
        for (j, k), table in self.pairs.items():
            total += table[codes[:, j], codes[:, k]]
        return total


def integer_codes(encoding: Encoding, codes: FloatArray) -> IntArray:
    """Codes with NaN (missing) replaced by each column's last code, as table indices."""
    out = np.empty(codes.shape, dtype=np.int64)
    for j, column in enumerate(encoding.columns):
        values = codes[:, j]
        out[:, j] = np.where(np.isnan(values), column.n_codes - 1, values).astype(np.int64)
    return out


def _code_values(n_codes: int) -> FloatArray:
    """The booster's input for each table index: the index itself, the missing bin (the last
    index) included. Missing goes in as an ordinary code rather than NaN: scikit-learn's
    binning refuses a column with no value at all in the rows it bins after its early-stopping
    split, and a rare feature (six rows in four hundred) can leave exactly that."""
    return np.arange(n_codes, dtype=np.float64)


def booster_input(encoding: Encoding, codes: FloatArray) -> FloatArray:
    """Coded rows as the boosters see them (:func:`_code_values`)."""
    return integer_codes(encoding, codes).astype(np.float64)


def fit_boosted(
    encoding: Encoding,
    codes: FloatArray,
    y: npt.NDArray[np.int_],
    params: BoostingParams,
    *,
    random_state: int,
) -> AdditiveTables:
    """Fit the boosted part on coded rows and return its tables.

    A first fit with single-feature trees ranks the features (spread of their tables over
    the training rows); the final bags may also use pairs among the ``params.pairs`` most
    important ones.
    """
    singles = [[j] for j in range(codes.shape[1])]
    allowed: list[tuple[int, int]] = []
    if params.pairs >= 2:
        first = _fit_bags(encoding, codes, y, params, singles, random_state, bags=1)
        ranking = tabulate(encoding, first, codes, pairs=())
        top = top_features(ranking, integer_codes(encoding, codes), params.pairs)
        allowed = list(itertools.combinations(sorted(top), 2))
    constraints = singles + [list(pair) for pair in allowed]
    bags = _fit_bags(encoding, codes, y, params, constraints, random_state, params.bags)
    return tabulate(encoding, bags, codes, pairs=allowed)


def top_features(tables: AdditiveTables, codes: IntArray, count: int) -> list[int]:
    """The ``count`` features whose tables vary most over the training rows (standard
    deviation of their contributions), most important first."""
    spread = [float(np.std(table[codes[:, j]])) for j, table in enumerate(tables.main)]
    order = np.argsort(spread)[::-1]
    return [int(j) for j in order[:count] if spread[j] > 0.0]


def _fit_bags(
    encoding: Encoding,
    codes: FloatArray,
    y: npt.NDArray[np.int_],
    params: BoostingParams,
    constraints: list[list[int]],
    random_state: int,
    bags: int,
) -> list[Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    categorical = np.array([isinstance(c, CategoricalColumn) for c in encoding.columns])
    fitted = []
    for bag in range(bags):
        booster = HistGradientBoostingClassifier(
            loss="log_loss",
            learning_rate=params.learning_rate,
            max_iter=params.max_rounds,
            max_leaf_nodes=params.max_leaf_nodes,
            min_samples_leaf=params.min_samples_leaf,
            l2_regularization=params.l2_regularization,
            max_bins=255,
            categorical_features=categorical if categorical.any() else None,
            interaction_cst=constraints,
            early_stopping=True,
            scoring="loss",
            validation_fraction=params.validation_fraction,
            n_iter_no_change=params.n_iter_no_change,
            random_state=random_state + 7919 * bag,
        )
        fitted.append(booster.fit(booster_input(encoding, codes), y))
    return fitted


def bag_decision(bags: Sequence[Any], rows: FloatArray) -> FloatArray:
    """The bags' raw log-odds averaged (an average of additive functions is additive)."""
    total = np.zeros(rows.shape[0])
    for booster in bags:
        total += np.asarray(booster.decision_function(rows), dtype=np.float64)
    return total / len(bags)


def tabulate(
    encoding: Encoding,
    bags: Sequence[Any],
    codes: FloatArray,
    *,
    pairs: Sequence[tuple[int, int]],
) -> AdditiveTables:
    """Read the tables off fitted bags whose trees each use one feature or one of ``pairs``.

    With a reference row ``r`` and ``F`` the averaged log-odds: ``f_j(a) = F(r; j=a) - F(r)``
    and ``g_jk(a, b) = F(r; j=a, k=b) - F(r; j=a) - F(r; k=b) + F(r)``; then
    ``F(x) = F(r) + Σ f_j(x_j) + Σ g_jk(x_j, x_k)`` exactly, since no tree sees three
    features. Tables are then centred on the training rows.
    """
    reference = np.array([_code_values(c.n_codes)[0] for c in encoding.columns])
    sizes = [column.n_codes for column in encoding.columns]
    blocks: list[FloatArray] = [reference[None, :]]
    for j, size in enumerate(sizes):
        block = np.repeat(reference[None, :], size, axis=0)
        block[:, j] = _code_values(size)
        blocks.append(block)
    for j, k in pairs:
        values_j, values_k = _code_values(sizes[j]), _code_values(sizes[k])
        block = np.repeat(reference[None, :], sizes[j] * sizes[k], axis=0)
        block[:, j] = np.repeat(values_j, sizes[k])
        block[:, k] = np.tile(values_k, sizes[j])
        blocks.append(block)
    scores = bag_decision(bags, np.vstack(blocks))
    base = float(scores[0])
    position = 1
    main: list[FloatArray] = []
    for size in sizes:
        main.append(scores[position : position + size] - base)
        position += size
    pair_tables: dict[tuple[int, int], FloatArray] = {}
    for j, k in pairs:
        grid = scores[position : position + sizes[j] * sizes[k]].reshape(sizes[j], sizes[k])
        position += sizes[j] * sizes[k]
        pair_tables[(j, k)] = grid - main[j][:, None] - main[k][None, :] - base
    return centre(AdditiveTables(base, tuple(main), pair_tables), integer_codes(encoding, codes))


def centre(tables: AdditiveTables, codes: IntArray) -> AdditiveTables:
    """The same function with every table's mean over ``codes`` moved into the intercept."""
    intercept = tables.intercept
    main: list[FloatArray] = []
    for j, table in enumerate(tables.main):
        mean = float(np.mean(table[codes[:, j]]))
        main.append(table - mean)
        intercept += mean
    pairs: dict[tuple[int, int], FloatArray] = {}
    for (j, k), table in tables.pairs.items():
        mean = float(np.mean(table[codes[:, j], codes[:, k]]))
        pairs[(j, k)] = table - mean
        intercept += mean
    return AdditiveTables(intercept, tuple(main), pairs)
