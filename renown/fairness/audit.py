"""The impact table: one call from a table of people to an audit-ready table per group.

This is the computation behind a bias audit in the form New York City Local Law 144 asks
for (6 RCNY 5-301: per category the count, the selection or scoring rate and the impact
ratio, plus the unknowns), with the four-fifths flag of the Uniform Guidelines
(29 CFR 1607.4(D)) and significance tests against the reference group, so a reader can
tell a real gap from noise in a small pool. Rendering (page, CSV, PDF) is not done here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import polars as pl

from renown.core.errors import InputError
from renown.fairness.rates import (
    DEFAULT_SMALL_GROUPS,
    RateKind,
    SmallGroupRule,
    add_impact_ratios,
    favourable_from_score,
    favourable_from_selected,
    group_rates,
    require_columns,
)
from renown.fairness.significance import compare_rates

IMPACT_TABLE_COLUMNS = (
    "n",
    "n_favourable",
    "rate",
    "rate_kind",
    "unknown",
    "small",
    "reference",
    "impact_ratio",
    "four_fifths_flag",
    "reference_n",
    "reference_n_favourable",
    "fisher_p",
    "z",
    "z_p",
)
"""Columns after the ``by`` columns, in order. See :func:`impact_table`."""


def impact_table(
    frame: pl.DataFrame,
    by: Sequence[str],
    *,
    selected: str | None = None,
    score: str | None = None,
    small_groups: SmallGroupRule = DEFAULT_SMALL_GROUPS,
    not_compared: Collection[tuple[str, ...]] = (),
    source: str = "audit input",
) -> pl.DataFrame:
    """Selection or scoring rates, impact ratios and significance per group.

    Parameters
    ----------
    frame:
        One row per person in the pool (every candidate, not only those selected).
    by:
        Demographic columns. One column gives one row per category; several give their
        intersections (e.g. ``["sex", "race_ethnicity"]``), as LL144 audits require for
        sex x race/ethnicity. Nulls are the *unknown* category.
    selected:
        Name of a boolean column: was the person selected (promoted, shortlisted, in the
        top N)? Gives *selection rates* (29 CFR 1607.4(D)).
    score:
        Name of a numeric column, instead of ``selected``. Gives *scoring rates*: the
        share of a group scoring above the median of the whole sample (6 RCNY 5-300).
    small_groups:
        When a group is too small to be the reference (:class:`SmallGroupRule`).
    not_compared:
        Groups (their ``by`` values in order) that are reported ``small`` whatever their
        size, so never the reference: a caller that will not publish a group's numbers
        must not publish ratios against its rate either (they would give it back).
    source:
        Name of the input, used in error messages.

    Returns
    -------
    polars.DataFrame
        The ``by`` columns (strings, null shown as ``"unknown"``), then
        :data:`IMPACT_TABLE_COLUMNS`:

        ``n``, ``n_favourable``, ``rate``
            Group size, how many were selected (or scored above the median), and the share.
        ``rate_kind``
            ``"selection"`` or ``"scoring"``.
        ``unknown``, ``small``
            Whether the group is the unknown category, or small (reported, never dropped).
        ``reference``
            True for the one group every ratio and test is against: the highest rate among
            known, not-small groups.
        ``impact_ratio``, ``four_fifths_flag``
            Rate over the reference rate, and whether that is below 0.8. Null for unknown
            groups and when no reference rate exists (no reference group, or its rate is 0).
        ``reference_n``, ``reference_n_favourable``
            The reference group's sample, repeated so each row states what it is tested on.
        ``fisher_p``, ``z``, ``z_p``
            Fisher's exact two-sided p-value and the pooled two-proportion z (negative:
            the group does worse) with its p-value; null for the reference itself and for
            unknown groups (see :mod:`renown.fairness.significance`).

    Raises
    ------
    InputError
        A named column is missing or has the wrong type or missing values, or the frame
        is empty.
    ValueError
        Neither or both of ``selected`` and ``score`` are given, or ``by`` is empty.

    Examples
    --------
    The Uniform Guidelines' textbook case: 80 of 120 white applicants hired (66.7 %) and
    12 of 30 Black applicants (40 %) give an impact ratio of 0.60, below four-fifths.

    >>> people = pl.DataFrame({
    ...     "race": ["White"] * 120 + ["Black"] * 30,
    ...     "hired": [True] * 80 + [False] * 40 + [True] * 12 + [False] * 18,
    ... })
    >>> table = impact_table(people, ["race"], selected="hired")
    >>> table.select("race", "n", "n_favourable", pl.col("impact_ratio").round(3),
    ...              "four_fifths_flag").rows()
    [('Black', 30, 12, 0.6, True), ('White', 120, 80, 1.0, False)]
    """
    if (selected is None) == (score is None):
        raise ValueError("give exactly one of selected= (a boolean column) or score=")
    by = list(by)
    if not by:
        raise ValueError("by= needs at least one group column")
    if len(set(by)) != len(by):
        raise ValueError(f"by= names a column twice: {by}")
    require_columns(frame, by, source)
    kind: RateKind
    if selected is not None:
        favourable = favourable_from_selected(frame, selected, source)
        kind = "selection"
    else:
        assert score is not None
        favourable = favourable_from_score(frame, score, source)
        kind = "scoring"
    if frame.height == 0:
        raise InputError(source, "no people to audit")

    people = frame.select(by).with_columns(favourable)
    rates = group_rates(people, by, small_groups)
    if not_compared:
        withheld = {tuple(group) for group in not_compared}
        held = [tuple(row) in withheld for row in rates.select(by).iter_rows()]
        rates = rates.with_columns(pl.col("small") | pl.Series(held, dtype=pl.Boolean))
    table = add_impact_ratios(rates)
    return (
        _add_significance(table)
        .with_columns(pl.lit(kind).alias("rate_kind"))
        .select([*by, *IMPACT_TABLE_COLUMNS])
    )


def _add_significance(table: pl.DataFrame) -> pl.DataFrame:
    """Reference sample sizes and both tests for every known, non-reference group."""
    reference = table.filter(pl.col("reference"))
    rows = table.height
    reference_n: list[int | None] = [None] * rows
    reference_favourable: list[int | None] = [None] * rows
    fisher_p: list[float | None] = [None] * rows
    z: list[float | None] = [None] * rows
    z_p: list[float | None] = [None] * rows
    if reference.height:
        n_ref = int(reference.get_column("n")[0])
        favourable_ref = int(reference.get_column("n_favourable")[0])
        for index, row in enumerate(table.iter_rows(named=True)):
            if row["unknown"]:
                continue
            reference_n[index] = n_ref
            reference_favourable[index] = favourable_ref
            if row["reference"]:
                continue
            comparison = compare_rates(row["n_favourable"], row["n"], favourable_ref, n_ref)
            fisher_p[index] = comparison.fisher_p
            z[index] = comparison.z
            z_p[index] = comparison.z_p
    return table.with_columns(
        pl.Series("reference_n", reference_n, dtype=pl.Int64),
        pl.Series("reference_n_favourable", reference_favourable, dtype=pl.Int64),
        pl.Series("fisher_p", fisher_p, dtype=pl.Float64),
        pl.Series("z", z, dtype=pl.Float64),
        pl.Series("z_p", z_p, dtype=pl.Float64),
    )
