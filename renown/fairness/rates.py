"""Selection rates, scoring rates and impact ratios per group (and per intersection).

Definitions follow the two texts audits are read against:

* Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D): the *selection
  rate* of a group is the share of its members who were selected; a group whose rate is
  less than four-fifths (80 %) of the rate of the group with the highest rate is generally
  regarded as evidence of adverse impact (the *four-fifths rule*).
* New York City Local Law 144 rules, 6 RCNY 5-300 (definitions) and 5-301 (bias audit):
  the *impact ratio* is a category's rate divided by the rate of the most selected
  category; for a tool that scores rather than selects, the *scoring rate* is the share of
  a category scoring **above the median score of the whole sample**. Individuals of
  unknown category are counted separately, and a category under 2 % of the data may be
  left out of the impact-ratio calculation, with the reason stated.

Choices made here, each visible in the output rather than hidden:

* A null in any group column makes the row's group *unknown*: it is labelled
  :data:`UNKNOWN_LABEL`, reported with its counts, and given no impact ratio (it is not a
  category, so comparing it would mean nothing).
* A group is *small* when ``n < min_count`` or ``n < min_share * total`` (see
  :class:`SmallGroupRule`; defaults 5 people and 2 % of everyone, the LL144 threshold plus
  a floor for tiny pools where 2 % is less than one person). A small group still gets its
  rate and ratio, flagged ``small``, but never serves as the reference: a group of two
  with a rate of 100 % would otherwise make every other group look adversely affected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from renown.core.errors import InputError

UNKNOWN_LABEL = "unknown"
"""Label shown for a group whose demographic value is missing (null)."""

FOUR_FIFTHS = 0.8
"""Impact ratios below this are flagged (29 CFR 1607.4(D)); compared exactly as 4/5."""

RateKind = Literal["selection", "scoring"]

FAVOURABLE = "_favourable"
"""Internal boolean column: did this person get the favourable outcome?"""


@dataclass(frozen=True, slots=True)
class SmallGroupRule:
    """When a group is too small to be the reference of impact ratios.

    Parameters
    ----------
    min_share:
        Share of all people below which a group is small (LL144 rules allow excluding
        categories under 2 % of the data, 6 RCNY 5-301).
    min_count:
        Absolute floor: a group of fewer people is small whatever the pool size, because
        one person more or less swings its rate by 20 points or more.
    """

    min_share: float = 0.02
    min_count: int = 5

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_share < 1.0:
            raise ValueError(f"min_share must be within [0, 1), got {self.min_share}")
        if self.min_count < 0:
            raise ValueError(f"min_count must not be negative, got {self.min_count}")

    def is_small(self, n: int, total: int) -> bool:
        """Whether a group of ``n`` people out of ``total`` is small."""
        return n < self.min_count or n < self.min_share * total


DEFAULT_SMALL_GROUPS = SmallGroupRule()
"""Fewer than 5 people or under 2 % of the pool."""


def require_columns(frame: pl.DataFrame, columns: Sequence[str], source: str) -> None:
    """Raise :class:`InputError` naming the first of ``columns`` that ``frame`` lacks."""
    for column in columns:
        if column not in frame.columns:
            raise InputError(source, "missing column", field=column)


def favourable_from_selected(frame: pl.DataFrame, column: str, source: str) -> pl.Series:
    """The boolean ``column`` itself, checked: a selection must be true or false per person.

    A null would mean "we do not know whether this person was selected"; counting it as
    not selected would bias the rates, so it is refused.
    """
    require_columns(frame, [column], source)
    values = frame.get_column(column)
    if values.dtype != pl.Boolean:
        raise InputError(source, f"must be true/false, found {values.dtype}", field=column)
    if values.null_count():
        raise InputError(
            source, f"{values.null_count()} people have no selection value", field=column
        )
    return values.alias(FAVOURABLE)


def favourable_from_score(frame: pl.DataFrame, column: str, source: str) -> pl.Series:
    """Whether each person scores strictly above the median of everyone (6 RCNY 5-300).

    The median is over the whole sample, unknown groups included, as LL144 defines it.
    Missing scores are refused rather than ranked as lowest.
    """
    require_columns(frame, [column], source)
    values = frame.get_column(column)
    if not values.dtype.is_numeric():
        raise InputError(source, f"must be numeric, found {values.dtype}", field=column)
    if values.null_count():
        raise InputError(source, f"{values.null_count()} people have no score", field=column)
    numbers = values.cast(pl.Float64)
    if numbers.is_nan().any():
        raise InputError(source, "scores must not be NaN", field=column)
    median = numbers.median()
    if not isinstance(median, float):
        raise InputError(source, "no scores to take the median of", field=column)
    return (numbers > median).alias(FAVOURABLE)


def group_rates(
    people: pl.DataFrame, by: Sequence[str], rule: SmallGroupRule = DEFAULT_SMALL_GROUPS
) -> pl.DataFrame:
    """Counts and rate per group of ``people`` (which carries a :data:`FAVOURABLE` column).

    Returns one row per combination of ``by`` values that occurs, with the ``by`` columns
    as strings (null shown as :data:`UNKNOWN_LABEL`), ``n``, ``n_favourable``, ``rate``,
    ``unknown`` and ``small``, known groups first.
    """
    total = people.height
    grouped = people.group_by(list(by)).agg(
        pl.len().cast(pl.Int64).alias("n"),
        pl.col(FAVOURABLE).sum().cast(pl.Int64).alias("n_favourable"),
    )
    unknown = pl.any_horizontal([pl.col(column).is_null() for column in by])
    small = [rule.is_small(n, total) for n in grouped.get_column("n").to_list()]
    return (
        grouped.with_columns(
            (pl.col("n_favourable") / pl.col("n")).alias("rate"),
            unknown.alias("unknown"),
            pl.Series("small", small, dtype=pl.Boolean),
        )
        .with_columns(pl.col(column).cast(pl.String).fill_null(UNKNOWN_LABEL) for column in by)
        .sort(["unknown", *by])
        .select([*by, "n", "n_favourable", "rate", "unknown", "small"])
    )


def reference_row(rates: pl.DataFrame) -> int | None:
    """Index of the reference group: the highest rate among known, not-small groups.

    Ties go to the larger group (its rate is the better estimate), then to the first in
    sort order, so the choice is deterministic. ``None`` when no group qualifies.
    """
    best: tuple[float, int, int] | None = None
    for index, row in enumerate(rates.iter_rows(named=True)):
        if row["unknown"] or row["small"]:
            continue
        key = (row["rate"], row["n"], -index)
        if best is None or key > best:
            best = key
    return None if best is None else -best[2]


def add_impact_ratios(rates: pl.DataFrame) -> pl.DataFrame:
    """Add ``reference``, ``impact_ratio`` and ``four_fifths_flag`` to :func:`group_rates`.

    ``impact_ratio`` is the group's rate over the reference group's (29 CFR 1607.4(D);
    6 RCNY 5-300). It is null for unknown groups, and for every group when there is no
    reference or the reference rate is zero (nobody was selected: no ratio exists).
    ``four_fifths_flag`` is ``impact_ratio < 0.8``, null where the ratio is. The flag is
    decided on the integer counts (``5 * a * N < 4 * A * n``), not on the rounded ratio, so
    a ratio of exactly four-fifths (e.g. 48 % against 60 %) is never flagged by a
    floating-point artefact.
    """
    reference = reference_row(rates)
    is_reference = [index == reference for index in range(rates.height)]
    favourable_ref = 0 if reference is None else int(rates.get_column("n_favourable")[reference])
    n_ref = 0 if reference is None else int(rates.get_column("n")[reference])
    if favourable_ref == 0:
        ratio = pl.lit(None, dtype=pl.Float64)
        flag = pl.lit(None, dtype=pl.Boolean)
    else:
        group_side = pl.col("n_favourable") * n_ref
        reference_side = pl.col("n") * favourable_ref
        known = ~pl.col("unknown")
        ratio = pl.when(known).then(group_side / reference_side)
        flag = pl.when(known).then(group_side * 5 < reference_side * 4)
    return rates.with_columns(
        pl.Series("reference", is_reference, dtype=pl.Boolean),
        ratio.alias("impact_ratio"),
        flag.alias("four_fifths_flag"),
    )
