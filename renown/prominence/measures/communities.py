"""Communities by weighted label propagation, for breadth when no departments are known.

Breadth asks how many *other* groups seek a person out. Organisations usually know their
departments; public networks (a Q&A site, a Slack community) do not, so renown falls back
on communities found in the interaction graph itself. Label propagation is used because
it is near-linear, needs no target number of communities, and is simple to explain:
everyone repeatedly adopts the label most of their attention is tied to.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from renown.graph.csr import FloatArray, IndexArray, IntArray, InteractionGraph
from renown.prominence.measures._common import edge_tuples, kernel, undirected


def communities(graph: InteractionGraph, *, seed: int = 0, max_sweeps: int = 100) -> IndexArray:
    """Community label of every person by asynchronous weighted label propagation.

    Every person starts in their own community. In each sweep, people are visited in a
    seeded random order and adopt the label with the largest total mutual tie strength
    ``a_ij = w_ij + w_ji`` among their contacts. A person whose current label is among
    the strongest keeps it; other ties are broken by the smallest label; zero-strength
    ties do not vote. Sweeps stop when nobody changes, i.e. when everyone holds one of
    their strongest labels (Raghavan et al.'s stopping rule).

    Parameters
    ----------
    graph:
        Interaction graph (directions are merged).
    seed:
        Seed of the visiting orders; the same seed gives the same communities.
    max_sweeps:
        Sweep budget. Label propagation can keep a few boundary people flipping; the
        labels after the last sweep are returned rather than failing.

    Returns
    -------
    numpy.ndarray
        int32 community code per node, numbered ``0, 1, ...`` in order of first
        appearance in node order. People without ties are communities of one.

    Notes
    -----
    Each sweep costs ``O(n + m)`` and is sequential (asynchronous updates read the labels
    already changed in the same sweep, which damps the oscillations of the synchronous
    variant). The result depends on node numbering through the seeded order and the
    tie-break, so it is deterministic but not permutation-equivariant.

    References
    ----------
    U. N. Raghavan, R. Albert and S. Kumara, "Near linear time algorithm to detect
    community structures in large-scale networks", Physical Review E 76, 036106, 2007.
    """
    n = graph.n
    view = undirected(graph)
    labels = np.arange(n, dtype=np.int32)
    rng = np.random.default_rng(seed)
    votes = np.zeros(n, dtype=np.float64)
    candidates = np.empty(int(view.degree().max(initial=0)), dtype=np.int32)
    for _ in range(max_sweeps):
        order = rng.permutation(n).astype(np.int32)
        if _sweep(view.indptr, view.indices, view.weights, labels, order, votes, candidates) == 0:
            break
    return compact_labels(labels)


@kernel
def _sweep(
    indptr: IntArray,
    indices: IndexArray,
    weights: FloatArray,
    labels: NDArray[np.int32],
    order: IndexArray,
    votes: FloatArray,
    candidates: NDArray[np.int32],
) -> int:
    """One asynchronous sweep; returns how many people changed label.

    ``votes`` must be all zeros on entry and is left so; ``candidates`` holds the labels
    touched by the current person so that only those are reset.
    """
    changed = 0
    for v in order:
        n_candidates = 0
        for e in range(indptr[v], indptr[v + 1]):
            if weights[e] <= 0.0:
                continue
            label = labels[indices[e]]
            if votes[label] == 0.0:
                candidates[n_candidates] = label
                n_candidates += 1
            votes[label] += weights[e]
        if n_candidates == 0:
            continue
        best = candidates[0]
        for c in range(n_candidates):
            label = candidates[c]
            if votes[label] > votes[best] or (votes[label] == votes[best] and label < best):
                best = label
        current = labels[v]
        if votes[current] > 0.0 and votes[current] == votes[best]:
            best = current  # already among the strongest labels: stay (Raghavan et al.)
        for c in range(n_candidates):
            votes[candidates[c]] = 0.0
        if best != labels[v]:
            labels[v] = best
            changed += 1
    return changed


def compact_labels(labels: NDArray[np.int32]) -> IndexArray:
    """Renumber labels ``0, 1, ...`` in order of first appearance.

    Parameters
    ----------
    labels:
        Arbitrary integer labels, one per node.

    Returns
    -------
    numpy.ndarray
        int32 codes with the same partition.
    """
    if len(labels) == 0:
        return np.zeros(0, dtype=np.int32)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int32)
    rank[np.argsort(first)] = np.arange(len(first), dtype=np.int32)
    return rank[inverse]


def communities_reference(
    graph: InteractionGraph, *, seed: int = 0, max_sweeps: int = 100
) -> IndexArray:
    """Slow, obviously correct :func:`communities` (dictionaries and loops); tests only."""
    n = graph.n
    strength: list[dict[int, float]] = [{} for _ in range(n)]
    for actor, target, weight in edge_tuples(graph):
        if actor != target:
            strength[actor][target] = strength[actor].get(target, 0.0) + weight
            strength[target][actor] = strength[target].get(actor, 0.0) + weight
    labels = list(range(n))
    rng = np.random.default_rng(seed)
    for _ in range(max_sweeps):
        changed = 0
        for v in rng.permutation(n).astype(np.int32):
            votes: dict[int, float] = {}
            for u, a in sorted(strength[v].items()):
                if a > 0.0:
                    votes[labels[u]] = votes.get(labels[u], 0.0) + a
            if not votes:
                continue
            best = min(votes, key=lambda label: (-votes[label], label))
            if votes.get(labels[v], 0.0) == votes[best]:
                best = labels[v]
            if best != labels[v]:
                labels[v] = best
                changed += 1
        if changed == 0:
            break
    return compact_labels(np.array(labels, dtype=np.int32))
