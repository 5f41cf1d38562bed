"""k-core number: how deep inside the densely connected part of the network a person sits.

renown uses it as a robustness signal for prominence: reaching the k-core needs ``k``
contacts who are themselves in it, so a ring of fake accounts addressing one person lifts
their reach but not their core number unless the ring also knits into the real core.
"""

from __future__ import annotations

import numpy as np

from renown.graph.csr import FloatArray, IndexArray, IntArray, InteractionGraph
from renown.prominence.measures._common import as_float, edge_tuples, kernel, undirected


def core_number(graph: InteractionGraph) -> FloatArray:
    """Core number of each person on the simple undirected version of the pair graph.

    The k-core is the largest subgraph in which everyone has at least ``k`` neighbours; a
    person's core number is the largest ``k`` whose core contains them. Matches networkx's
    ``core_number`` on the undirected graph with an edge wherever either person addressed
    the other (weights ignored).

    Returns
    -------
    numpy.ndarray
        Core number of each node, as float64 (0 for people without contacts).

    Notes
    -----
    Batagelj and Zaversnik's bucket algorithm peels nodes in order of current degree
    using a bin-sorted array, ``O(n + m)`` time. It is inherently sequential, and at that
    cost it does not need to be parallel.

    References
    ----------
    V. Batagelj and M. Zaversnik, "An O(m) algorithm for cores decomposition of
    networks", arXiv:cs/0310049, 2003.
    S. B. Seidman, "Network structure and minimum degree", Social Networks 5(3),
    269-287, 1983.
    """
    view = undirected(graph)
    return as_float(_peel(view.indptr, view.indices))


@kernel
def _peel(indptr: IntArray, indices: IndexArray) -> IntArray:
    n = len(indptr) - 1
    degree = np.empty(n, dtype=np.int64)
    for v in range(n):
        degree[v] = indptr[v + 1] - indptr[v]
    top = 0
    for v in range(n):
        top = max(top, degree[v])
    # bin_start[d]: first position in `vertices` of the nodes whose current degree is d.
    bin_start = np.zeros(top + 1, dtype=np.int64)
    for v in range(n):
        bin_start[degree[v]] += 1
    start = 0
    for d in range(top + 1):
        size = bin_start[d]
        bin_start[d] = start
        start += size
    position = np.empty(n, dtype=np.int64)
    vertices = np.empty(n, dtype=np.int64)
    for v in range(n):
        position[v] = bin_start[degree[v]]
        vertices[position[v]] = v
        bin_start[degree[v]] += 1
    for d in range(top, 0, -1):
        bin_start[d] = bin_start[d - 1]
    bin_start[0] = 0
    for i in range(n):
        v = vertices[i]
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if degree[u] > degree[v]:
                # Move u to the front of its bin, then shrink the bin past it: u's degree
                # drops by one while the array stays sorted by degree.
                du = degree[u]
                pu = position[u]
                pw = bin_start[du]
                w = vertices[pw]
                if u != w:
                    position[u] = pw
                    vertices[pu] = w
                    position[w] = pu
                    vertices[pw] = u
                bin_start[du] += 1
                degree[u] -= 1
    return degree


def core_number_reference(graph: InteractionGraph) -> FloatArray:
    """Slow, obviously correct :func:`core_number`: peel every k-core in turn; tests only."""
    neighbours: list[set[int]] = [set() for _ in range(graph.n)]
    for actor, target, _ in edge_tuples(graph):
        if actor != target:
            neighbours[actor].add(target)
            neighbours[target].add(actor)
    core = [0] * graph.n
    alive = set(range(graph.n))
    k = 0
    while alive:
        k += 1
        changed = True
        while changed:
            changed = False
            for v in sorted(alive):
                if len(neighbours[v] & alive) < k:
                    alive.discard(v)
                    changed = True
        for v in alive:
            core[v] = k
    return as_float(np.array(core))
