"""Responsiveness: attention a person returns to the people who address them.

A prominent person who never answers is a broadcaster; one who answers the people who
reach out is a connector. renown counts only the *reciprocated* part of each tie,
``min(w_ij, w_ji)``, so that neither side can inflate it alone: spamming someone who does
not answer adds nothing, and ignoring people simply earns nothing.
"""

from __future__ import annotations

import numpy as np

from renown.graph.csr import FloatArray, IndexArray, IntArray, InteractionGraph
from renown.prominence.measures._common import (
    as_float,
    edge_tuples,
    on_both_directions,
    parallel_kernel,
    prange,
)


def responsiveness(graph: InteractionGraph) -> FloatArray:
    """Reciprocated tie strength ``sum_j min(w_ij, w_ji)``.

    Returns
    -------
    numpy.ndarray
        Responsiveness of each node (0 for people with no two-way tie).

    Notes
    -----
    A ratio such as "share of inbound ties answered" was rejected on purpose: it falls
    when someone new writes to you, so being sought out would be punished, and it is
    maximal for people who receive a single message and answer it. The sum of minima
    never falls when either side adds attention. The same pair term counts for both
    people, as reciprocity is shared. Cost ``O(m)``, rows in parallel.

    References
    ----------
    D. Garlaschelli and M. I. Loffredo, "Patterns of link reciprocity in directed
    networks", Physical Review Letters 93, 268701, 2004; T. Squartini, F. Picciolo,
    F. Ruzzenenti and D. Garlaschelli, "Reciprocity of weighted networks", Scientific
    Reports 3, 2729, 2013 (reciprocated weight as the minimum of the two directions).
    """
    return on_both_directions(_reciprocated, graph)


@parallel_kernel
def _reciprocated(
    out_ptr: IntArray,
    out_idx: IndexArray,
    out_w: FloatArray,
    in_ptr: IntArray,
    in_idx: IndexArray,
    in_w: FloatArray,
    blocks: IntArray,
) -> FloatArray:
    n = len(out_ptr) - 1
    result = np.zeros(n, dtype=np.float64)
    for block in prange(len(blocks) - 1):
        sent = np.zeros(n, dtype=np.float64)  # w_ij of the current i, valid where `marked`
        marked = np.zeros(n, dtype=np.bool_)
        for i in range(blocks[block], blocks[block + 1]):
            for e in range(out_ptr[i], out_ptr[i + 1]):
                j = out_idx[e]
                if j != i:
                    marked[j] = True
                    sent[j] = out_w[e]
            total = 0.0
            for e in range(in_ptr[i], in_ptr[i + 1]):
                j = in_idx[e]
                if marked[j]:
                    total += min(sent[j], in_w[e])
            for e in range(out_ptr[i], out_ptr[i + 1]):
                marked[out_idx[e]] = False
            result[i] = total
    return result


def responsiveness_reference(graph: InteractionGraph) -> FloatArray:
    """Slow, obviously correct :func:`responsiveness` (a dictionary of pairs); tests only."""
    weight = {(actor, target): w for actor, target, w in edge_tuples(graph) if actor != target}
    totals = [0.0] * graph.n
    for (actor, target), w in weight.items():
        back = weight.get((target, actor))
        if back is not None:
            totals[actor] += min(w, back)
    return as_float(np.array(totals))
