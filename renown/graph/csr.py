"""The interaction graph: a weighted, time-decayed directed graph in CSR form.

Rows are actors and columns are targets, so ``indices[indptr[i]:indptr[i+1]]`` are the
people ``i`` addressed. Node numbers are an internal detail (the builder may renumber
people for memory locality); :attr:`InteractionGraph.people` maps them back to ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from renown.graph.kernels import transpose_arrays

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
IndexArray = NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class CSR:
    """One direction of adjacency: row ``i`` lists its neighbours and edge values."""

    indptr: IntArray
    indices: IndexArray
    weights: FloatArray
    volume: FloatArray

    def degree(self) -> IntArray:
        """Number of distinct neighbours of each row."""
        return np.diff(self.indptr)

    def strength(self) -> FloatArray:
        """Sum of edge weights of each row."""
        n = len(self.indptr) - 1
        rows = np.repeat(np.arange(n), self.degree())
        return np.bincount(rows, weights=self.weights, minlength=n).astype(np.float64)


@dataclass(frozen=True, eq=False)
class InteractionGraph:
    """Directed interaction graph with decayed, pair-scaled edge weights.

    Attributes
    ----------
    people:
        Person id of each node.
    out:
        Out-adjacency (actor -> target). ``weights`` are the scaled pair weights used by
        every measure; ``volume`` is the decayed event volume of the pair before scaling.
    anonymous:
        Decayed anonymous engagement each node received (events without an actor).
    groups:
        Group code per node (department or community), ``-1`` where unknown; ``None``
        when no grouping was given.
    group_names:
        Name of each group code.
    timings:
        Seconds spent by the build per stage (``read and code``: reading, weighing and
        coding the events; ``aggregate``: summing them into pairs), so that a run can
        report where its time goes.
    """

    people: NDArray[np.object_]
    out: CSR
    anonymous: FloatArray
    groups: IndexArray | None = None
    group_names: tuple[str, ...] = ()
    as_of: datetime | None = None
    half_life_days: float | None = None
    n_events: int = 0
    params: dict[str, object] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of people."""
        return len(self.people)

    @property
    def m(self) -> int:
        """Number of distinct directed pairs."""
        return len(self.out.indices)

    @cached_property
    def inbound(self) -> CSR:
        """In-adjacency (target -> actors), the transpose of :attr:`out`."""
        return transpose(self.out, self.n)

    def release_inbound(self) -> None:
        """Forget the cached :attr:`inbound` (rebuilt if read again).

        The measures read it; once a model is fitted, nothing on the scoring path does, and
        for a million people it holds hundreds of megabytes while the next window is built.
        """
        self.__dict__.pop("inbound", None)

    @cached_property
    def index(self) -> dict[str, int]:
        """Node number of each person id."""
        return {str(p): i for i, p in enumerate(self.people)}

    def edges(self) -> tuple[IndexArray, IndexArray, FloatArray]:
        """Edge list ``(source, target, weight)`` in CSR order."""
        src = np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.out.indptr))
        return src, self.out.indices, self.out.weights


def transpose(csr: CSR, n: int) -> CSR:
    """Return the transpose of ``csr`` (a parallel counting sort, no per-edge objects).

    Inside each row of the result, entries keep increasing source order (a stable sort).
    """
    indptr, indices, weights, volume = transpose_arrays(
        csr.indptr, csr.indices, csr.weights, csr.volume, n
    )
    return CSR(indptr=indptr, indices=indices, weights=weights, volume=volume)
