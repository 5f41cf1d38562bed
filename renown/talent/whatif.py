"""What-if: how the top of a board moves as one criterion's weight goes from 0 to a maximum.

The question a board asks is "what does counting prominence change?". The sweep varies the
weight of one criterion (``prominence_internal`` by default) over an even grid, keeps every
other weight as configured, and records at each step every candidate's composite and rank
and the top N. Entries and exits are reported against weight 0 (the board without the
criterion), and separately at the round's configured weight, which is the headline answer.

Top N is the first N by rank. Competition ranks share a rank inside a tie (1, 2, 2, 4), so
when a tie straddles the cut everyone with rank <= N is in the top: with N = 2 and ranks
1, 2, 2 the top holds three people. Nobody is left out of a shortlist by the order of ids.

Every step is one :func:`~renown.talent.composite.composite_matrix` call over all candidates.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from renown.talent.composite import (
    FloatArray,
    MissingPolicy,
    WeightedCriterion,
    check_board_inputs,
    competition_ranks,
    composite_matrix,
    points_matrix,
)

_Value = TypeVar("_Value", int, float)


class _ColumnView(Mapping[int, _Value | None], Generic[_Value]):
    """A read-only ``{person_id: value}`` view over one step's array.

    A sweep of 100,000 candidates over 21 steps would otherwise build 4.2 million dict
    entries that a page never reads; the view shares one position index for all steps and
    converts a value only when it is asked for. ``missing`` is the array's "no value"
    marker (rank 0, composite NaN), returned as ``None``.
    """

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[int, int], values: npt.NDArray[np.generic]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, person: int) -> _Value | None:
        value = self._values[self._index[person]].item()
        if value == 0 and self._values.dtype.kind == "i":
            return None
        if isinstance(value, float) and math.isnan(value):
            return None
        return value  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[int]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@dataclass(frozen=True, slots=True)
class WhatIfStep:
    """The board at one weight of the varied criterion."""

    weight: float
    top: tuple[int, ...]
    """Person ids in the top N, by rank then person_id."""
    ranks: Mapping[int, int | None]
    composites: Mapping[int, float | None]


@dataclass(frozen=True, slots=True)
class Change:
    """Who entered and who left the top N at ``weight`` relative to a reference top N.

    ``entered`` is ordered by rank at ``weight``, ``left`` by rank in the reference (ties by
    person_id).
    """

    weight: float
    entered: tuple[int, ...]
    left: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The whole sweep of one criterion's weight."""

    key: str
    top_n: int
    configured_weight: float
    steps: tuple[WhatIfStep, ...]
    versus_zero: tuple[Change, ...]
    versus_configured: Change
    ever_in_top: tuple[int, ...]
    """Everyone in the top N at some step, by rank at weight 0 (unranked last), then person_id."""


@dataclass(frozen=True, slots=True)
class _Board:
    ranks: npt.NDArray[np.int64]
    composites: FloatArray
    top: tuple[int, ...]


def _board(
    matrix: FloatArray,
    weights: FloatArray,
    ids: npt.NDArray[np.int64],
    top_n: int,
    missing_policy: MissingPolicy,
) -> _Board:
    composites = composite_matrix(matrix, weights, missing_policy=missing_policy)
    ranks = competition_ranks(composites, ids)
    in_top = np.flatnonzero((ranks > 0) & (ranks <= top_n))
    order = in_top[np.lexsort((ids[in_top], ranks[in_top]))]
    return _Board(ranks, composites, tuple(ids[order].tolist()))


def _change(weight: float, board: _Board, reference: _Board) -> Change:
    """Entries in rank order on ``board``, exits in rank order on ``reference``."""
    now, before = set(board.top), set(reference.top)
    entered = [person for person in board.top if person not in before]
    left = [person for person in reference.top if person not in now]
    return Change(weight=weight, entered=tuple(entered), left=tuple(left))


def _step(weight: float, board: _Board, index: Mapping[int, int]) -> WhatIfStep:
    return WhatIfStep(
        weight=weight,
        top=board.top,
        ranks=_ColumnView[int](index, board.ranks),
        composites=_ColumnView[float](index, board.composites),
    )


def sweep(
    person_ids: Sequence[int],
    criteria: Sequence[WeightedCriterion],
    points: Mapping[str, Mapping[int, float | None]],
    *,
    key: str = "prominence_internal",
    top_n: int,
    max_weight: float = 100.0,
    steps: int = 21,
    missing_policy: MissingPolicy = "reweigh",
) -> WhatIf:
    """Sweep the weight of ``key`` from 0 to ``max_weight`` and report how the top N moves.

    Parameters
    ----------
    person_ids:
        The candidates (no repeats).
    criteria:
        The round's criteria and configured weights. If ``key`` is not among them it is
        treated as configured with weight 0 (the board does not count it today).
    points:
        ``{key: {person_id: points 0..100 or None}}`` as for
        :func:`~renown.talent.composite.compose`.
    key:
        The criterion whose weight varies.
    top_n:
        Size of the shortlist (ties at the cut widen it, see the module docstring).
    max_weight:
        Largest weight tried; the grid is ``numpy.linspace(0, max_weight, steps)``.
    steps:
        Number of weights tried, both ends included (21 = every 5 points up to 100).
    missing_policy:
        ``"reweigh"`` or ``"exclude"``.

    Returns
    -------
    WhatIf
        Steps, changes against weight 0, the change at the configured weight, and everyone
        who reaches the top at some step.
    """
    check_board_inputs(person_ids, criteria, missing_policy)
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, got {top_n}")
    if steps < 2:
        raise ValueError(f"steps must be at least 2, got {steps}")
    if not math.isfinite(max_weight) or max_weight <= 0:
        raise ValueError(f"max_weight must be a finite number > 0, got {max_weight}")

    keys = [criterion.key for criterion in criteria]
    weights = [criterion.weight for criterion in criteria]
    if key in keys:
        column = keys.index(key)
    else:
        column = len(keys)
        keys.append(key)
        weights.append(0.0)
    configured_weight = weights[column]
    matrix = points_matrix(person_ids, keys, points)
    base_weights = np.array(weights, dtype=np.float64)
    ids = np.array(person_ids, dtype=np.int64)

    def board_at(weight: float) -> _Board:
        step_weights = base_weights.copy()
        step_weights[column] = weight
        return _board(matrix, step_weights, ids, top_n, missing_policy)

    grid = np.linspace(0.0, max_weight, steps).tolist()
    boards = [board_at(weight) for weight in grid]
    zero = boards[0]
    configured = board_at(configured_weight)

    ever = {person for board in boards for person in board.top}
    index = {person: position for position, person in enumerate(person_ids)}
    zero_rank = _ColumnView[int](index, zero.ranks)
    ever_in_top = sorted(ever, key=lambda person: (zero_rank[person] or math.inf, person))

    return WhatIf(
        key=key,
        top_n=top_n,
        configured_weight=configured_weight,
        steps=tuple(
            _step(weight, board, index) for weight, board in zip(grid, boards, strict=True)
        ),
        versus_zero=tuple(
            _change(weight, board, zero) for weight, board in zip(grid, boards, strict=True)
        ),
        versus_configured=_change(configured_weight, configured, zero),
        ever_in_top=tuple(ever_in_top),
    )


def chart_rows(whatif: WhatIf, names: Mapping[int, str]) -> list[dict[str, object]]:
    """Long-format rows for a bump chart of the people who reach the top N at some step.

    One row per step and person in ``whatif.ever_in_top``: ``weight``, ``person_id``,
    ``name`` (``"person <id>"`` when ``names`` lacks them), ``rank`` (``None`` when not
    ranked at that step) and ``in_top``.
    """
    rows: list[dict[str, object]] = []
    for step in whatif.steps:
        top = set(step.top)
        for person in whatif.ever_in_top:
            rows.append(
                {
                    "weight": step.weight,
                    "person_id": person,
                    "name": names.get(person, f"person {person}"),
                    "rank": step.ranks.get(person),
                    "in_top": person in top,
                }
            )
    return rows
