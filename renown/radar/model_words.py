"""What the job-change model reads and says: input tables of any kind, and reasons in words.

A recruiter reads each estimate's reasons as sentences ("months in role is 38: raises the
odds x1.9"), with values written as a person would write them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from renown.radar.tabular import MISSING_TEXT, NumericColumn, as_float, as_text


@dataclass(frozen=True)
class Reason:
    """One fact about a person and how far it moved their estimate (log-odds)."""

    feature: str
    value: str
    contribution: float
    text: str


def as_frame(X: Any, names: npt.NDArray[Any] | None) -> pl.DataFrame:
    """``X`` as a polars frame: polars as is, pandas converted, arrays named ``x0, x1…`` (or
    by the names seen at fit)."""
    if isinstance(X, pl.DataFrame):
        return X
    if type(X).__module__.startswith("pandas"):
        return pl.from_pandas(X)
    from scipy.sparse import issparse

    if issparse(X):
        raise TypeError("sparse input is not supported: pass a table (polars, pandas, 2-D array)")
    array = np.asarray(X, dtype=object)
    if array.ndim != 2:
        raise ValueError(
            f"expected a table (2-D), got an array of shape {array.shape}; Reshape your data"
        )
    if array.shape[1] == 0:
        raise ValueError(f"0 feature(s) (shape={array.shape}) while a minimum of 1 is required.")
    if names is not None and len(names) != array.shape[1]:
        raise ValueError(
            f"X has {array.shape[1]} features, but JobChangeModel is expecting {len(names)} "
            "features as input"
        )
    columns = (
        [str(name) for name in names]
        if names is not None and len(names) == array.shape[1]
        else [f"x{j}" for j in range(array.shape[1])]
    )
    return pl.DataFrame(
        {name: array[:, j].tolist() for j, name in enumerate(columns)}, strict=False
    )


def shown_values(frame: pl.DataFrame, column: NumericColumn | Any) -> list[str]:
    """Each row's value of ``column`` as a reason shows it."""
    series = frame.get_column(column.name)
    if isinstance(column, NumericColumn):
        return [MISSING_TEXT if math.isnan(v) else number_text(v) for v in as_float(series)]
    return [MISSING_TEXT if v is None else str(v) for v in as_text(series).to_list()]


def number_text(value: float) -> str:
    """A value as a person would write it: ``12,000``, ``0.731``, ``3.5``."""
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def reason_for(feature: str, value: str, contribution: float) -> Reason:
    factor = math.exp(abs(contribution))
    if contribution > 0:
        text = f"{feature} is {value}: raises the odds ×{factor:.2g}"
    else:
        text = f"{feature} is {value}: lowers the odds ÷{factor:.2g}"
    return Reason(feature, value, contribution, text)
