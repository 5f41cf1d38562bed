"""Burt's structural holes: network constraint, brokerage and effective size.

A person whose contacts all know each other hears the same news twice; a person who links
otherwise separate groups brokers information between them. Burt's constraint measures
the first situation, so ``brokerage = 1 - min(constraint, 1)`` rewards the second. renown
uses it as the cheap, local stand-in for betweenness: it reads only a person's ties and
their contacts' ties, ``O(sum of d^2)`` with ``d`` capped by ``max_ties``.

Tie strength is Burt's mutual weight ``a_ij = w_ij + w_ji`` and the proportional strength
is ``p_ij = a_ij / sum_k a_ik``. Ties of zero strength (pairs seen only through
zero-weight events such as downvotes) are not ties here.

References
----------
R. S. Burt, *Structural Holes: The Social Structure of Competition*, Harvard University
Press, 1992 (constraint: ch. 2; effective size: ch. 1).
"""

from __future__ import annotations

import weakref

import numpy as np

from renown.graph.csr import FloatArray, IndexArray, IntArray, InteractionGraph
from renown.prominence.measures._common import (
    as_float,
    edge_tuples,
    parallel_kernel,
    prange,
    row_blocks,
    undirected,
)

DEFAULT_MAX_TIES = 64
"""Strongest ties per person entering the sums; exact for everyone with at most this many."""


def constraint(graph: InteractionGraph, *, max_ties: int | None = DEFAULT_MAX_TIES) -> FloatArray:
    """Burt's network constraint ``c_i = sum_j (p_ij + sum_q p_iq p_qj)^2``.

    Parameters
    ----------
    graph:
        Interaction graph (directions are merged into mutual tie strength).
    max_ties:
        Only the strongest ``max_ties`` ties of each person enter their sums (ties of
        equal strength are kept in node order); ``None`` keeps all. The result equals
        networkx's ``constraint`` exactly when nobody has more ties than ``max_ties``;
        beyond, a hub's many weak ties are ignored, which bounds the cost at
        ``O(n * max_ties^2)`` and barely moves a value dominated by strong ties.

    Returns
    -------
    numpy.ndarray
        Constraint of each node: near 0 for a broker among many unconnected contacts, 1 for
        a single tie, up to 1.125 for a closed triad. A person without ties gets 1.0
        (maximally constrained, no brokerage) where networkx says nan.

    References
    ----------
    R. S. Burt, *Structural Holes: The Social Structure of Competition*, Harvard
    University Press, 1992, ch. 2.
    """
    return _structural_holes(graph, max_ties)[0]


def brokerage(graph: InteractionGraph, *, max_ties: int | None = DEFAULT_MAX_TIES) -> FloatArray:
    """Brokerage ``1 - min(constraint, 1)``: high for people who bridge separate groups.

    In ``[0, 1]``; 0 for people without ties. ``max_ties`` is that of :func:`constraint`.

    References
    ----------
    R. S. Burt, *Structural Holes: The Social Structure of Competition*, Harvard
    University Press, 1992, ch. 2.
    """
    return as_float(1.0 - np.minimum(constraint(graph, max_ties=max_ties), 1.0))


def effective_size(
    graph: InteractionGraph, *, max_ties: int | None = DEFAULT_MAX_TIES
) -> FloatArray:
    """Burt's effective size: the number of contacts minus their redundancy.

    ``e_i = sum_j (1 - sum_q p_iq m_jq)`` with ``m_jq = a_jq / max_k a_jk``, as networkx's
    ``effective_size`` with mutual weights. It reads as "how many non-redundant contacts",
    which is easier to explain than constraint. 0 for people without ties (networkx: nan);
    ``max_ties`` is that of :func:`constraint`.

    References
    ----------
    R. S. Burt, *Structural Holes: The Social Structure of Competition*, Harvard
    University Press, 1992, ch. 1.
    """
    return _structural_holes(graph, max_ties)[1]


_RESULTS: weakref.WeakKeyDictionary[
    InteractionGraph, dict[int | None, tuple[FloatArray, FloatArray]]
] = weakref.WeakKeyDictionary()


def _structural_holes(
    graph: InteractionGraph, max_ties: int | None
) -> tuple[FloatArray, FloatArray]:
    """Constraint and effective size together, cached per graph and ``max_ties``.

    One pass yields both (the scans of contacts' ties dominate either), and a scoring
    run asks for constraint, brokerage and effective size in turn; copies are returned so
    that a caller scaling its array in place cannot corrupt the cache.
    """
    if max_ties is not None and max_ties < 1:
        raise ValueError(f"max_ties must be at least 1, got {max_ties}")
    by_cap = _RESULTS.setdefault(graph, {})
    if max_ties not in by_cap:
        view = undirected(graph)
        cap = int(view.degree().max(initial=0)) if max_ties is None else max_ties
        tie_ptr, tie_idx, strength = _strongest_ties(view.indptr, view.indices, view.weights, cap)
        by_cap[max_ties] = _constraint_kernel(tie_ptr, tie_idx, strength, row_blocks(tie_ptr))
    constraint_values, effective_values = by_cap[max_ties]
    return constraint_values.copy(), effective_values.copy()


@parallel_kernel
def _strongest_ties(
    indptr: IntArray, indices: IndexArray, weights: FloatArray, max_ties: int
) -> tuple[IntArray, IndexArray, FloatArray]:
    """Keep each row's ``max_ties`` strongest positive ties, in node order."""
    n = len(indptr) - 1
    counts = np.zeros(n, dtype=np.int64)
    for i in prange(n):
        positive = 0
        for e in range(indptr[i], indptr[i + 1]):
            if weights[e] > 0.0:
                positive += 1
        counts[i] = min(positive, max_ties)
    tie_ptr = np.zeros(n + 1, dtype=np.int64)
    tie_ptr[1:] = np.cumsum(counts)
    tie_idx = np.empty(tie_ptr[n], dtype=np.int32)
    strength = np.empty(tie_ptr[n], dtype=np.float64)
    for i in prange(n):
        lo = indptr[i]
        row = weights[lo : indptr[i + 1]]
        # Stable sort on -weight: equal strengths keep node order, zero ties sort last.
        kept = np.sort(np.argsort(-row, kind="mergesort")[: counts[i]])
        for s in range(counts[i]):
            tie_idx[tie_ptr[i] + s] = indices[lo + kept[s]]
            strength[tie_ptr[i] + s] = row[kept[s]]
    return tie_ptr, tie_idx, strength


@parallel_kernel
def _constraint_kernel(
    tie_ptr: IntArray, tie_idx: IndexArray, strength: FloatArray, blocks: IntArray
) -> tuple[FloatArray, FloatArray]:
    n = len(tie_ptr) - 1
    proportional = np.empty_like(strength)  # p_ij: share of i's total tie strength
    to_strongest = np.empty_like(strength)  # m_ij: strength relative to i's strongest tie
    longest = 0
    for i in range(n):
        longest = max(longest, tie_ptr[i + 1] - tie_ptr[i])
    for i in prange(n):
        lo, hi = tie_ptr[i], tie_ptr[i + 1]
        if hi > lo:
            row = strength[lo:hi]
            proportional[lo:hi] = row / row.sum()
            to_strongest[lo:hi] = row / row.max()
    constraint = np.ones(n, dtype=np.float64)
    effective = np.zeros(n, dtype=np.float64)
    for block in prange(len(blocks) - 1):
        slot = np.full(n, -1, dtype=np.int32)  # position of a node among i's ties, or -1
        invested = np.empty(longest, dtype=np.float64)  # direct + indirect p per contact
        for i in range(blocks[block], blocks[block + 1]):
            lo, hi = tie_ptr[i], tie_ptr[i + 1]
            if hi == lo:
                continue
            for s in range(hi - lo):
                slot[tie_idx[lo + s]] = s
                invested[s] = proportional[lo + s]
            size = 0.0
            for s in range(hi - lo):
                contact = tie_idx[lo + s]
                p_i_contact = proportional[lo + s]
                redundancy = 0.0
                for e in range(tie_ptr[contact], tie_ptr[contact + 1]):
                    t = slot[tie_idx[e]]
                    if t >= 0:
                        invested[t] += p_i_contact * proportional[e]
                        redundancy += proportional[lo + t] * to_strongest[e]
                size += 1.0 - redundancy
            total = 0.0
            for s in range(hi - lo):
                total += invested[s] * invested[s]
                slot[tie_idx[lo + s]] = -1
            constraint[i] = total
            effective[i] = size
    return constraint, effective


def _ties_reference(graph: InteractionGraph, max_ties: int | None) -> list[dict[int, float]]:
    """Each person's kept ties ``{contact: a_ij}`` built with plain dictionaries."""
    mutual: list[dict[int, float]] = [{} for _ in range(graph.n)]
    for actor, target, weight in edge_tuples(graph):
        if actor == target:
            continue
        mutual[actor][target] = mutual[actor].get(target, 0.0) + weight
        mutual[target][actor] = mutual[target].get(actor, 0.0) + weight
    kept: list[dict[int, float]] = []
    for ties in mutual:
        strongest = sorted((-a, j) for j, a in ties.items() if a > 0.0)
        if max_ties is not None:
            strongest = strongest[:max_ties]
        kept.append({j: -neg_a for neg_a, j in strongest})
    return kept


def constraint_reference(
    graph: InteractionGraph, *, max_ties: int | None = DEFAULT_MAX_TIES
) -> FloatArray:
    """Slow, obviously correct :func:`constraint` (Burt's formula in loops); for tests only."""
    ties = _ties_reference(graph, max_ties)

    def p(i: int, j: int) -> float:
        return ties[i].get(j, 0.0) / sum(ties[i].values())

    values = []
    for i in range(graph.n):
        if not ties[i]:
            values.append(1.0)
            continue
        investment = {j: p(i, j) + sum(p(i, q) * p(q, j) for q in ties[i]) for j in ties[i]}
        values.append(sum(x**2 for x in investment.values()))
    return as_float(np.array(values))


def effective_size_reference(
    graph: InteractionGraph, *, max_ties: int | None = DEFAULT_MAX_TIES
) -> FloatArray:
    """Slow, obviously correct :func:`effective_size` (loops); for tests only."""
    ties = _ties_reference(graph, max_ties)

    def p(i: int, j: int) -> float:
        return ties[i].get(j, 0.0) / sum(ties[i].values())

    def m(j: int, q: int) -> float:
        return ties[j].get(q, 0.0) / max(ties[j].values())

    values = []
    for i in range(graph.n):
        values.append(sum(1.0 - sum(p(i, q) * m(j, q) for q in ties[i]) for j in ties[i]))
    return as_float(np.array(values))
