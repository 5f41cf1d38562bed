"""Composite rankings of promotion candidates: weighted means of criterion points, explained.

A board weighs several criteria (performance, 360 feedback, prominence, ...), each already
turned into points 0..100 or ``None`` when the evidence is missing. Missing is never read as
0: a person nobody rated is not a person rated badly. What to do with a gap is the round's
``missing_policy``:

* ``"reweigh"`` (default): the composite is the weighted mean over the weighted criteria the
  candidate *has*; the candidate is ranked but flagged incomplete, with the gaps listed.
  A candidate with none of the weighted criteria is not ranked.
* ``"exclude"``: a candidate missing any weighted criterion is not ranked, with the reason.

Each criterion's contribution is ``share x points`` where ``share`` is its weight divided by
the weights used for that candidate, so the contributions add up to the composite and a
board can see *why* someone ranks where they do.

Ranks use competition ranking (1, 2, 2, 4): composites equal to :data:`TIE_DECIMALS`
decimal places share a rank, so floating-point noise (``0.1 + 0.2``) never splits a tie that
is exact on paper. Inside a tie, people are listed by ``person_id`` for a stable order.

:func:`composite_matrix` is the vectorised core: the what-if sweep calls it once per weight
step over every candidate at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, get_args

import numpy as np
import numpy.typing as npt

MissingPolicy = Literal["reweigh", "exclude"]

MIN_POINTS = 0.0
MAX_POINTS = 100.0

TIE_DECIMALS = 9
"""Composites are compared for ranking after rounding to this many decimals (points are 0..100)."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class WeightedCriterion:
    """A criterion key and the weight a round gives it (any non-negative number; UI uses 0..100)."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    key: str
    weight: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.weight) or self.weight < 0:
            raise ValueError(
                f"weight of {self.key!r} must be a finite number >= 0, got {self.weight}"
            )


@dataclass(frozen=True, slots=True)
class Contribution:
    """How one criterion feeds one candidate's composite.

    ``share`` and ``contribution`` are ``None`` when the criterion is missing for the
    candidate, and also when the candidate is not ranked (there is no composite to split).
    """

    key: str
    weight: float
    share: float | None
    points: float | None
    contribution: float | None


@dataclass(frozen=True, slots=True)
class RankedCandidate:
    """One candidate's place on the board, with the evidence behind it."""

    person_id: int
    rank: int | None
    composite: float | None
    contributions: tuple[Contribution, ...]
    missing: tuple[str, ...]
    note: str

    @property
    def complete(self) -> bool:
        """Whether the candidate has every criterion with a weight above 0."""
        return not self.missing


def _check_policy(missing_policy: str) -> None:
    if missing_policy not in get_args(MissingPolicy):
        raise ValueError(
            f"missing_policy must be one of {get_args(MissingPolicy)}, got {missing_policy!r}"
        )


def points_matrix(
    person_ids: Sequence[int],
    keys: Sequence[str],
    points: Mapping[str, Mapping[int, float | None]],
) -> FloatArray:
    """Lay criterion points out as an ``n x k`` array for :func:`composite_matrix`.

    Parameters
    ----------
    person_ids:
        Row order.
    keys:
        Column order; a key absent from ``points`` is a column where everyone is missing.
    points:
        ``{key: {person_id: points or None}}``; a person absent from a key's mapping is missing.

    Returns
    -------
    numpy.ndarray
        float64 points, NaN where missing.

    Raises
    ------
    ValueError
        When a present value is not within [0, 100] (NaN included: it would read as missing).
    """
    matrix = np.full((len(person_ids), len(keys)), np.nan, dtype=np.float64)
    for column, key in enumerate(keys):
        by_person = points.get(key)
        if not by_person:
            continue
        values = [by_person.get(person_id) for person_id in person_ids]
        absent = np.fromiter((value is None for value in values), dtype=bool, count=len(values))
        column_values = np.array(values, dtype=np.float64)  # None becomes NaN
        # NaN given as a value fails both comparisons, so it is refused, not read as missing.
        bad = ~absent & ~((column_values >= MIN_POINTS) & (column_values <= MAX_POINTS))
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"points of {key!r} for person {person_ids[first]} must be within "
                f"[{MIN_POINTS:g}, {MAX_POINTS:g}], got {values[first]}"
            )
        matrix[:, column] = column_values
    return matrix


def composite_matrix(
    points: FloatArray, weights: FloatArray, *, missing_policy: MissingPolicy = "reweigh"
) -> FloatArray:
    """Composites of every candidate at once (the vectorised core of boards and what-ifs).

    Criteria with weight 0 are dropped before summing, so adding a zero-weight column never
    changes a composite, not even in the last bit: the what-if at weight 0 matches the board
    without that criterion exactly.

    Parameters
    ----------
    points:
        ``n x k`` float64, NaN = missing.
    weights:
        ``(k,)`` finite, non-negative.
    missing_policy:
        ``"reweigh"`` or ``"exclude"`` (see the module docstring).

    Returns
    -------
    numpy.ndarray
        ``(n,)`` composites, NaN = not ranked.
    """
    _check_policy(missing_policy)
    values = np.asarray(points, dtype=np.float64)
    weight_vector = np.asarray(weights, dtype=np.float64)
    if values.ndim != 2 or weight_vector.ndim != 1 or values.shape[1] != weight_vector.shape[0]:
        raise ValueError(
            f"points must be n x k and weights (k,), got {values.shape} and {weight_vector.shape}"
        )
    if not np.all(np.isfinite(weight_vector)) or np.any(weight_vector < 0):
        raise ValueError("weights must be finite numbers >= 0")
    weighted = weight_vector > 0
    values = values[:, weighted]
    weight_vector = weight_vector[weighted]
    present = ~np.isnan(values)
    used_weight = (present * weight_vector).sum(axis=1)
    total = (np.where(present, values, 0.0) * weight_vector).sum(axis=1)
    composites = np.full(values.shape[0], np.nan, dtype=np.float64)
    np.divide(total, used_weight, out=composites, where=used_weight > 0)
    if missing_policy == "exclude":
        composites[~present.all(axis=1)] = np.nan
    return composites


def competition_ranks(composites: FloatArray, person_ids: npt.NDArray[np.int64]) -> IntArray:
    """Competition ranks (1, 2, 2, 4) by composite, highest first; 0 for NaN (not ranked).

    ``person_ids`` only fixes the order of people *inside* a tie (see :func:`ranking_order`);
    it never changes a rank. Composites equal to :data:`TIE_DECIMALS` decimals tie.
    """
    values = np.asarray(composites, dtype=np.float64)
    ids = np.asarray(person_ids)
    if values.ndim != 1 or ids.shape != values.shape:
        raise ValueError(f"composites and person_ids must be (n,), got {values.shape}, {ids.shape}")
    ranks = np.zeros(values.shape[0], dtype=np.int64)
    scored = ~np.isnan(values)
    negated = -np.round(values[scored], TIE_DECIMALS)
    if negated.size == 0:
        return ranks
    # One sort: a rank is 1 + the position where its value's run starts in sorted order.
    order = np.argsort(negated)  # the order inside a run of equal values changes no rank
    ordered = negated[order]
    starts = np.empty(ordered.size, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    first = np.maximum.accumulate(np.where(starts, np.arange(ordered.size), 0))
    scored_ranks = np.empty(ordered.size, dtype=np.int64)
    scored_ranks[order] = first + 1
    ranks[scored] = scored_ranks
    return ranks


def ranking_order(ranks: IntArray, person_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Indices listing the ranked by rank (ties by person_id), then the unranked by person_id."""
    rank_values = np.asarray(ranks, dtype=np.int64)
    unranked_last = np.where(rank_values > 0, rank_values, np.iinfo(np.int64).max)
    return np.lexsort((np.asarray(person_ids), unranked_last))


def check_board_inputs(
    person_ids: Sequence[int], criteria: Sequence[WeightedCriterion], missing_policy: str
) -> None:
    """Reject what would make a board ambiguous: repeated people or criteria, unknown policies.

    Raises
    ------
    ValueError
        Naming the first repeated criterion key, or saying person ids repeat.
    """
    _check_policy(missing_policy)
    seen: set[str] = set()
    for criterion in criteria:
        if criterion.key in seen:
            raise ValueError(f"criterion {criterion.key!r} is given twice")
        seen.add(criterion.key)
    if len(set(person_ids)) != len(person_ids):
        raise ValueError("person_ids must not repeat")


def _note(
    ranked: bool, missing: Sequence[str], weighted: Sequence[str], policy: MissingPolicy
) -> str:
    """Why a candidate is not ranked, or that the composite rests on fewer criteria."""
    if not weighted:
        return "not ranked: no criterion has a weight above 0"
    gaps = ", ".join(missing)
    if ranked:
        if not missing:
            return ""
        used = len(weighted) - len(missing)
        return f"ranked on {used} of {len(weighted)} criteria: no {gaps}"
    if policy == "exclude":
        return f"not ranked: no {gaps} (the round excludes candidates missing a criterion)"
    return f"not ranked: none of the weighted criteria ({gaps})"


def compose(
    person_ids: Sequence[int],
    criteria: Sequence[WeightedCriterion],
    points: Mapping[str, Mapping[int, float | None]],
    *,
    missing_policy: MissingPolicy = "reweigh",
) -> list[RankedCandidate]:
    """Rank candidates on weighted criteria and explain every composite.

    Parameters
    ----------
    person_ids:
        The candidates (no repeats).
    criteria:
        Criteria and weights, in the order contributions are listed. A weight of 0 keeps
        the criterion visible (share 0.0 when present) without affecting anyone.
    points:
        ``{key: {person_id: points 0..100 or None}}``; absent keys or people are missing.
    missing_policy:
        ``"reweigh"`` or ``"exclude"`` (see the module docstring).

    Returns
    -------
    list of RankedCandidate
        The ranked by rank (ties by person_id), then the unranked by person_id.

    Raises
    ------
    ValueError
        On duplicate criterion keys or person ids, or points outside [0, 100].
    """
    check_board_inputs(person_ids, criteria, missing_policy)
    keys = [criterion.key for criterion in criteria]
    weights = np.array([criterion.weight for criterion in criteria], dtype=np.float64)
    matrix = points_matrix(person_ids, keys, points)
    composites = composite_matrix(matrix, weights, missing_policy=missing_policy)
    ids = np.array(person_ids, dtype=np.int64)
    ranks = competition_ranks(composites, ids)
    weighted_keys = [criterion.key for criterion in criteria if criterion.weight > 0]
    board: list[RankedCandidate] = []
    for row in ranking_order(ranks, ids).tolist():
        board.append(
            _candidate(
                person_ids[row],
                criteria,
                matrix[row],
                int(ranks[row]),
                float(composites[row]),
                weighted_keys,
                missing_policy,
            )
        )
    return board


def _candidate(
    person_id: int,
    criteria: Sequence[WeightedCriterion],
    row_points: FloatArray,
    rank: int,
    composite: float,
    weighted_keys: Sequence[str],
    missing_policy: MissingPolicy,
) -> RankedCandidate:
    ranked = rank > 0
    values = [None if math.isnan(value) else value for value in row_points.tolist()]
    used_weight = sum(
        criterion.weight
        for criterion, value in zip(criteria, values, strict=True)
        if value is not None
    )
    contributions = []
    for criterion, value in zip(criteria, values, strict=True):
        share = criterion.weight / used_weight if ranked and value is not None else None
        contributions.append(
            Contribution(
                key=criterion.key,
                weight=criterion.weight,
                share=share,
                points=value,
                contribution=None if share is None or value is None else share * value,
            )
        )
    missing = tuple(
        criterion.key
        for criterion, value in zip(criteria, values, strict=True)
        if criterion.weight > 0 and value is None
    )
    return RankedCandidate(
        person_id=person_id,
        rank=rank if ranked else None,
        composite=composite if ranked else None,
        contributions=tuple(contributions),
        missing=missing,
        note=_note(ranked, missing, weighted_keys, missing_policy),
    )
