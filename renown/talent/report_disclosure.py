"""Which categories a bias audit may publish: the small-category rule applied to publication.

The report's sections are linked tables (the same people by sex, by race/ethnicity and by
both; the same categories under three measures; the pool, the promoted and the unknowns
counted in the header), so what one section holds back another must not give away. This
module lays the audited people out for :func:`renown.fairness.disclosure.protect`: one
family of tables per set of linked dimensions (sex with race/ethnicity; age band;
disability), each person an *atom* of their categories and outcomes (selected or not; for
each score: none, at or below the median, above it), every combination a reader cannot
rule out an atom.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from renown.fairness.disclosure import Mask, Publication, Table, protect

NO_SCORE, AT_OR_BELOW, ABOVE = 0, 1, 2
"""A person's standing under a score measure (above = strictly above the median)."""

SCORE_MEASURES = ("scoring", "prominence")
"""Measures whose sections count only the people with that score."""


@dataclass(frozen=True)
class SectionSpec:
    """A section to publish: its measure, its dimensions and its categories as computed."""

    key: str
    measure: str
    by: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    """Known categories present in the section (values in ``by`` order)."""
    reference: tuple[str, ...] | None


def standing(values: pl.Series) -> pl.Series:
    """Each person's :data:`NO_SCORE`, :data:`AT_OR_BELOW` or :data:`ABOVE` under a score,
    above meaning strictly above the median of the people with one (6 RCNY 5-300)."""
    median = values.drop_nulls().median()
    cut = float(median) if isinstance(median, int | float) else 0.0
    ranked = [
        NO_SCORE if value is None else ABOVE if float(value) > cut else AT_OR_BELOW
        for value in values.to_list()
    ]
    return pl.Series(values.name, ranked, dtype=pl.Int8)


def _families(specs: Sequence[SectionSpec]) -> list[tuple[tuple[str, ...], list[SectionSpec]]]:
    """Sections grouped by linked dimensions (two sections sharing a dimension are linked)."""
    families: list[tuple[set[str], list[SectionSpec]]] = []
    for spec in specs:
        joined = [f for f in families if f[0] & set(spec.by)]
        dims = set(spec.by).union(*(f[0] for f in joined))
        members = [s for f in joined for s in f[1]] + [spec]
        families = [f for f in families if f not in joined] + [(dims, members)]
    ordered = []
    for dims, members in families:
        first = members[0].by
        ordered.append((tuple(sorted(dims, key=lambda d: (d not in first, d))), members))
    return ordered


def publications(
    frame: pl.DataFrame, specs: Sequence[SectionSpec], *, min_cell: int
) -> dict[str, Publication]:
    """What each section may publish (see :func:`renown.fairness.disclosure.protect`).

    ``frame`` has one row per person: the demographic columns (null = unknown), a boolean
    ``selected`` and the standing (:func:`standing`) under each of :data:`SCORE_MEASURES`.
    """
    decided: dict[str, Publication] = {}
    for dims, members in _families(specs):
        coordinates = [*dims, "selected", *SCORE_MEASURES]
        values = [sorted(set(frame.get_column(c).to_list()), key=_order) for c in coordinates]
        atoms = list(itertools.product(*values))
        column = {
            c: np.array([a[i] for a in atoms], dtype=object) for i, c in enumerate(coordinates)
        }
        index = {atom: i for i, atom in enumerate(atoms)}
        people = frame.select(coordinates).iter_rows()
        counts = np.bincount([index[row] for row in people], minlength=len(atoms))
        everyone = np.ones(len(atoms), dtype=bool)
        selected = column["selected"] == True  # noqa: E712 (an object array of booleans)
        totals: list[Mask] = [everyone, selected]
        totals.extend(column[m] != NO_SCORE for m in SCORE_MEASURES)
        tables = [_table(spec, column) for spec in members]
        for spec, publication in zip(
            members, protect(counts, tables, totals, min_cell=min_cell), strict=True
        ):
            decided[spec.key] = publication
    return decided


def _order(value: object) -> tuple[bool, str]:
    return (value is None, str(value))


CATEGORY_JOINER = " x "
"""Between the parts of an intersection, e.g. ``"female x Asian"`` (ASCII, prints anywhere)."""


def label(category: tuple[str, ...]) -> str:
    """How a category is named in the report (the parts of an intersection joined)."""
    return CATEGORY_JOINER.join(category)


def _table(spec: SectionSpec, column: dict[str, np.ndarray]) -> Table:
    if spec.measure in SCORE_MEASURES:
        population = column[spec.measure] != NO_SCORE
        favourable = column[spec.measure] == ABOVE
    else:
        population = np.ones(len(column["selected"]), dtype=bool)
        favourable = column["selected"] == True  # noqa: E712
    unknown = np.zeros_like(population)
    for dimension in spec.by:
        unknown |= np.array([v is None for v in column[dimension]], dtype=bool)
    categories: dict[str, Mask] = {}
    derived: list[Mask] = []
    for category in spec.categories:
        atoms = np.ones_like(population)
        for dimension, value in zip(spec.by, category, strict=True):
            atoms &= column[dimension] == value
        categories[label(category)] = atoms
        if spec.measure in SCORE_MEASURES:  # this category's people without the score
            derived.append(atoms & (column[spec.measure] == NO_SCORE))
    return Table(
        key=spec.key,
        population=population,
        favourable=favourable,
        categories=categories,
        unknown=unknown,
        reference=None if spec.reference is None else label(spec.reference),
        derived=tuple(derived),
    )
