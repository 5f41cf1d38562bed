"""Plumbing shared by the measures: typed numba decorators, chunking, the undirected view.

Why these live together: every fast measure is a numba kernel over CSR arrays, and several
(constraint, core number, communities) need the same symmetrised graph. Building that view
once per graph and caching it keeps a full scoring run from paying for it three times.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import ArrayLike

from renown.core.errors import RenownError
from renown.graph.csr import FloatArray, IndexArray, IntArray, InteractionGraph
from renown.graph.kernels import balanced_row_blocks

KernelT = TypeVar("KernelT", bound=Callable[..., Any])

prange = numba.prange


def kernel(func: KernelT) -> KernelT:
    """Compile ``func`` with numba (cached, GIL released), keeping its static type.

    numba ships no type information, so a bare ``@njit`` would make every kernel ``Any``
    under ``mypy --strict``; this wrapper restores the signature for callers.
    """
    return cast(KernelT, numba.njit(cache=True, nogil=True)(func))


def parallel_kernel(func: KernelT) -> KernelT:
    """Like :func:`kernel` but with ``parallel=True`` so ``prange`` loops use every core."""
    return cast(KernelT, numba.njit(cache=True, nogil=True, parallel=True)(func))


class ConvergenceError(RenownError):
    """An iterative measure did not reach its tolerance within its iteration budget.

    Raised rather than returning the last iterate, because a silently unconverged
    vector would publish scores nobody can reproduce or explain.
    """


def row_blocks(work_ptr: IntArray) -> IntArray:
    """Boundaries of contiguous row ranges of about equal work for a chunked kernel.

    People are numbered hubs-first, so equal row counts would hand one worker all the
    hubs; ranges are balanced on ``work_ptr`` (a CSR-like cumulative work count) instead.
    A few ranges per thread even out the rest, and each range allocates its own scratch
    arrays only once.

    Parameters
    ----------
    work_ptr:
        Non-decreasing cumulative work per row, length ``n + 1`` (a CSR ``indptr``).

    Returns
    -------
    numpy.ndarray
        Row boundaries, from 0 to ``n``.
    """
    return balanced_row_blocks(work_ptr, 4 * numba.get_num_threads())


def as_float(values: ArrayLike) -> FloatArray:
    """Return ``values`` as a float64 array (no copy when already float64)."""
    return np.asarray(values, dtype=np.float64)


def edge_tuples(graph: InteractionGraph) -> list[tuple[int, int, float]]:
    """Edges as plain Python ``(actor, target, weight)`` tuples, for the reference versions."""
    src, dst, weight = graph.edges()
    return [(int(s), int(d), float(w)) for s, d, w in zip(src, dst, weight, strict=True)]


def in_sums(graph: InteractionGraph, values: FloatArray) -> FloatArray:
    """Sum an edge value over each node's inbound edges (``values`` in ``graph.out`` order)."""
    return np.bincount(graph.out.indices, weights=values, minlength=graph.n).astype(np.float64)


def out_sums(graph: InteractionGraph, values: FloatArray) -> FloatArray:
    """Sum an edge value over each node's outbound edges (``values`` in ``graph.out`` order)."""
    return _row_sums(graph.out.indptr, values)


@parallel_kernel
def _row_sums(indptr: IntArray, values: FloatArray) -> FloatArray:
    n = len(indptr) - 1
    sums = np.zeros(n, dtype=np.float64)
    for row in prange(n):
        total = 0.0
        for e in range(indptr[row], indptr[row + 1]):
            total += values[e]
        sums[row] = total
    return sums


@dataclass(frozen=True, eq=False)
class UndirectedView:
    """The simple undirected version of an interaction graph.

    Row ``i`` lists every person ``j != i`` with an edge in either direction, sorted by
    node number, with the mutual tie strength ``a_ij = w_ij + w_ji`` (Burt's "mutual
    weight"). Pairs whose weights are zero keep their edge: structure and strength are
    separate questions, and each measure decides which one it asks.
    """

    indptr: IntArray
    indices: IndexArray
    weights: FloatArray

    def degree(self) -> IntArray:
        """Number of distinct neighbours of each node."""
        return np.diff(self.indptr)


ResultT = TypeVar("ResultT")
BothDirectionsKernel = Callable[
    [IntArray, IndexArray, FloatArray, IntArray, IndexArray, FloatArray, IntArray], ResultT
]
"""A row-parallel kernel that reads each person's out-row and in-row side by side."""


def on_both_directions(kernel: BothDirectionsKernel[ResultT], graph: InteractionGraph) -> ResultT:
    """Run ``kernel`` on the out- and in-adjacency of ``graph``, in blocks of equal work.

    Measures that pair what a person sends with what they receive (the undirected view,
    responsiveness) all hand a kernel the same seven arrays; the blocks balance the two
    rows' combined length, which is each row's work.
    """
    out, inbound = graph.out, graph.inbound
    return kernel(
        out.indptr,
        out.indices,
        out.weights,
        inbound.indptr,
        inbound.indices,
        inbound.weights,
        row_blocks(out.indptr + inbound.indptr),
    )


_UNDIRECTED_CACHE: weakref.WeakKeyDictionary[InteractionGraph, UndirectedView] = (
    weakref.WeakKeyDictionary()
)


def undirected(graph: InteractionGraph) -> UndirectedView:
    """Return (and cache for the graph's lifetime) the :class:`UndirectedView` of ``graph``.

    Cost: ``O(m log d)`` for ``m`` pairs and row length ``d``; the rows are merged in
    parallel, each sorted on its own.
    """
    cached = _UNDIRECTED_CACHE.get(graph)
    if cached is not None:
        return cached
    indptr, indices, weights = on_both_directions(_merge_directions, graph)
    view = UndirectedView(indptr=indptr, indices=indices, weights=weights)
    _UNDIRECTED_CACHE[graph] = view
    return view


@parallel_kernel
def _merge_directions(
    out_ptr: IntArray,
    out_idx: IndexArray,
    out_w: FloatArray,
    in_ptr: IntArray,
    in_idx: IndexArray,
    in_w: FloatArray,
    blocks: IntArray,
) -> tuple[IntArray, IndexArray, FloatArray]:
    n = len(out_ptr) - 1
    bound = out_ptr + in_ptr  # row i may use slots [bound[i], bound[i + 1]) of the buffers
    buf_idx = np.empty(bound[n], dtype=np.int32)
    buf_w = np.empty(bound[n], dtype=np.float64)
    counts = np.zeros(n, dtype=np.int64)
    for block in prange(len(blocks) - 1):
        for i in range(blocks[block], blocks[block + 1]):
            n_out = out_ptr[i + 1] - out_ptr[i]
            n_in = in_ptr[i + 1] - in_ptr[i]
            row_idx = np.empty(n_out + n_in, dtype=np.int32)
            row_w = np.empty(n_out + n_in, dtype=np.float64)
            row_idx[:n_out] = out_idx[out_ptr[i] : out_ptr[i + 1]]
            row_w[:n_out] = out_w[out_ptr[i] : out_ptr[i + 1]]
            row_idx[n_out:] = in_idx[in_ptr[i] : in_ptr[i + 1]]
            row_w[n_out:] = in_w[in_ptr[i] : in_ptr[i + 1]]
            order = np.argsort(row_idx, kind="mergesort")
            start = bound[i]
            count = 0
            for s in order:
                j = row_idx[s]
                if j == i:
                    continue
                if count > 0 and buf_idx[start + count - 1] == j:
                    buf_w[start + count - 1] += row_w[s]
                else:
                    buf_idx[start + count] = j
                    buf_w[start + count] = row_w[s]
                    count += 1
            counts[i] = count
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(counts)
    indices = np.empty(indptr[n], dtype=np.int32)
    weights = np.empty(indptr[n], dtype=np.float64)
    for i in prange(n):
        src = bound[i]
        dst = indptr[i]
        for s in range(counts[i]):
            indices[dst + s] = buf_idx[src + s]
            weights[dst + s] = buf_w[src + s]
    return indptr, indices, weights
