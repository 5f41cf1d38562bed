"""Reciprocated pairs of a CSR graph, found by merging each row's out- and in-lists.

Ring detection needs, for every pair that addresses each other, both directions' volumes.
Both adjacency lists of a person are sorted by neighbour, so one merge per person finds
them in a single pass over the edges, with no hashing and no random lookups.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from renown.graph.csr import InteractionGraph


@njit(cache=True, nogil=True)
def _merge(
    out_ptr: NDArray[np.int64],
    out_idx: NDArray[np.int32],
    in_ptr: NDArray[np.int64],
    in_idx: NDArray[np.int32],
) -> NDArray[np.int64]:
    """For each out-edge ``i -> j`` with ``i < j``, the in-edge slot of ``j -> i`` or -1."""
    reverse = np.full(len(out_idx), -1, dtype=np.int64)
    for i in range(len(out_ptr) - 1):
        a, a_end = out_ptr[i], out_ptr[i + 1]
        b, b_end = in_ptr[i], in_ptr[i + 1]
        while a < a_end and b < b_end:
            x, y = out_idx[a], in_idx[b]
            if x < y:
                a += 1
            elif y < x:
                b += 1
            else:
                if i < x:
                    reverse[a] = b
                a += 1
                b += 1
    return reverse


def reciprocated_pairs(
    graph: InteractionGraph,
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64], NDArray[np.float64]]:
    """Return ``(i, j, v_ij, v_ji)`` for every pair with edges both ways, ``i < j``.

    Pairs come in CSR order (by ``i``, then ``j``). Rows must list neighbours in ascending
    order, which the graph builder guarantees.
    """
    out, inbound = graph.out, graph.inbound
    reverse = _merge(out.indptr, out.indices, inbound.indptr, inbound.indices)
    slots = np.flatnonzero(reverse >= 0)
    rows = np.repeat(np.arange(graph.n, dtype=np.int32), np.diff(out.indptr))
    return (
        rows[slots],
        out.indices[slots],
        out.volume[slots],
        inbound.volume[reverse[slots]],
    )
