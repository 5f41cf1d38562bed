"""Compiled sweeps of :mod:`renown.prominence.measures.pagerank`.

Kept apart so the driver module stays readable; the design notes (pull, fused, float32
storage with float64 arithmetic, prefetch, deterministic blocks, extrapolation) live in
the driver's docstring.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from renown.graph.csr import FloatArray, IndexArray, IntArray
from renown.prominence.measures._prefetch import prefetch

ShareArray = NDArray[np.float32] | NDArray[np.float64]

PREFETCH_DISTANCE: Final = 24
"""Edges between a rank's prefetch and its use: about one L3 latency of work ahead
(16 to 32 measured alike; 8 is too close, 64 starts to evict before use)."""


@njit(cache=True, parallel=True, nogil=True)
def extrapolate(
    previous: ShareArray,
    current: ShareArray,
    ratio: float,
    dangling: NDArray[np.bool_],
    blocks: IntArray,
    partial_dangling: FloatArray,
) -> None:
    """``current = (current - ratio * previous) / (1 - ratio)`` in float64 arithmetic, with
    the rank held by dangling nodes afterwards summed per block."""
    scale = 1.0 / (1.0 - ratio)
    for block in prange(len(blocks) - 1):
        held = 0.0
        for i in range(blocks[block], blocks[block + 1]):
            current[i] = (np.float64(current[i]) - ratio * np.float64(previous[i])) * scale
            if dangling[i]:
                held += np.float64(current[i])
        partial_dangling[block] = held


@njit(cache=True, nogil=True, inline="always")
def update_rows(
    indptr: IntArray,
    indices: IndexArray,
    share: ShareArray,
    x: ShareArray,
    x_next: ShareArray,
    teleport: ShareArray,
    uniform: float,
    dangling: NDArray[np.bool_],
    alpha: float,
    leak: float,
    first: int,
    last: int,
) -> tuple[float, float]:
    """``x_next = alpha * P^T x + leak * p`` on rows ``first..last-1``; return the rows'
    L1 change and the rank their dangling nodes hold afterwards."""
    has_teleport = len(teleport) > 0
    last_edge = len(indices) - 1
    change = 0.0
    held = 0.0
    for i in range(first, last):
        total = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            prefetch(x, indices[min(e + PREFETCH_DISTANCE, last_edge)])
            total += np.float64(share[e]) * np.float64(x[indices[e]])
        p = np.float64(teleport[i]) if has_teleport else uniform
        x_next[i] = alpha * total + leak * p
        value = np.float64(x_next[i])
        change += abs(value - np.float64(x[i]))
        if dangling[i]:
            held += value
    return change, held


@njit(cache=True, parallel=True, nogil=True)
def parallel_sweep(
    indptr: IntArray,
    indices: IndexArray,
    share: ShareArray,
    x: ShareArray,
    x_next: ShareArray,
    teleport: ShareArray,
    uniform: float,
    dangling: NDArray[np.bool_],
    alpha: float,
    leak: float,
    blocks: IntArray,
    partial_delta: FloatArray,
    partial_dangling: FloatArray,
) -> None:
    """One sweep over all rows, block by block in parallel (partial sums per block)."""
    for block in prange(len(blocks) - 1):
        change, held = update_rows(
            indptr,
            indices,
            share,
            x,
            x_next,
            teleport,
            uniform,
            dangling,
            alpha,
            leak,
            blocks[block],
            blocks[block + 1],
        )
        partial_delta[block] = change
        partial_dangling[block] = held


@njit(cache=True, nogil=True)
def iterate_serial(
    indptr: IntArray,
    indices: IndexArray,
    share: ShareArray,
    x: ShareArray,
    teleport: ShareArray,
    uniform: float,
    dangling: NDArray[np.bool_],
    alpha: float,
    dangling_mass: float,
    tol: float,
    budget: int,
    patience: int,
) -> tuple[ShareArray, int, float]:
    """The driver's iteration for small graphs, with every sweep inside one compiled loop."""
    n = len(indptr) - 1
    x_next = np.empty_like(x)
    delta = lowest = np.inf
    since_lowest = 0
    for sweep in range(1, budget + 1):
        leak = alpha * dangling_mass + (1.0 - alpha)
        delta, dangling_mass = update_rows(
            indptr, indices, share, x, x_next, teleport, uniform, dangling, alpha, leak, 0, n
        )
        x, x_next = x_next, x
        if delta < tol:
            return x, sweep, delta
        if delta < lowest:
            lowest = delta
            since_lowest = 0
        else:
            since_lowest += 1
            if since_lowest >= patience:
                return x, sweep, delta
    return x, budget, delta
