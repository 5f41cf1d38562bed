"""Degree and strength: how many people address someone, and how much attention they get.

These are the oldest and most legible centrality measures (Freeman 1978; for weighted
strength, Barrat et al. 2004 and Opsahl, Agneessens & Skvoretz 2010). renown keeps them
because a person can check them by hand ("23 colleagues wrote to me this quarter"), which
anchors the explanation of every composite score.
"""

from __future__ import annotations

import numpy as np

from renown.graph.csr import FloatArray, InteractionGraph
from renown.prominence.measures._common import as_float, edge_tuples, in_sums, out_sums


def reach(graph: InteractionGraph) -> FloatArray:
    """Number of distinct people who addressed each person (in-degree of the pair graph).

    Parameters
    ----------
    graph:
        Interaction graph; edge ``j -> i`` means ``j`` paid attention to ``i``.

    Returns
    -------
    numpy.ndarray
        In-degree of each node of the pair graph, as float64, in ``graph.people`` order.

    Notes
    -----
    Counting *people* rather than messages is what makes reach hard to game: a hundred
    messages from one admirer count once. Cost ``O(m)``.

    References
    ----------
    L. C. Freeman, "Centrality in social networks: conceptual clarification",
    Social Networks 1(3), 215-239, 1978.
    """
    return as_float(np.bincount(graph.out.indices, minlength=graph.n))


def audience(graph: InteractionGraph) -> FloatArray:
    """Number of distinct people each person addressed (out-degree of the pair graph).

    Returns
    -------
    numpy.ndarray
        Out-degree of each node, as float64.

    Notes
    -----
    Sending is cheap, so audience is an explanation aid and a denominator, not a source of
    prominence on its own. Cost ``O(n)``.

    References
    ----------
    L. C. Freeman, "Centrality in social networks: conceptual clarification",
    Social Networks 1(3), 215-239, 1978.
    """
    return as_float(graph.out.degree())


def in_strength(graph: InteractionGraph) -> FloatArray:
    """Sum of the scaled, decayed pair weights a person receives.

    Returns
    -------
    numpy.ndarray
        ``sum_j w_ji`` for each node ``i``.

    Notes
    -----
    Strength adds intensity to reach; the builder's per-pair ``log1p`` scaling keeps one
    chatty pair from dominating it. Cost ``O(m)``.

    References
    ----------
    A. Barrat, M. Barthelemy, R. Pastor-Satorras, A. Vespignani, "The architecture of
    complex weighted networks", PNAS 101(11), 3747-3752, 2004.
    """
    return in_sums(graph, graph.out.weights)


def out_strength(graph: InteractionGraph) -> FloatArray:
    """Sum of the scaled, decayed pair weights a person sends.

    Returns
    -------
    numpy.ndarray
        ``sum_j w_ij`` for each node ``i``.

    Notes
    -----
    Like :func:`audience`, an explanation aid rather than a source of prominence.
    Cost ``O(m)``.

    References
    ----------
    A. Barrat, M. Barthelemy, R. Pastor-Satorras, A. Vespignani, "The architecture of
    complex weighted networks", PNAS 101(11), 3747-3752, 2004.
    """
    return out_sums(graph, graph.out.weights)


def reach_reference(graph: InteractionGraph) -> FloatArray:
    """Slow, obviously correct :func:`reach` (plain loops); for tests only."""
    addressers: list[set[int]] = [set() for _ in range(graph.n)]
    for actor, target, _ in edge_tuples(graph):
        addressers[target].add(actor)
    return as_float(np.array([len(s) for s in addressers]))


def audience_reference(graph: InteractionGraph) -> FloatArray:
    """Slow, obviously correct :func:`audience` (plain loops); for tests only."""
    addressed: list[set[int]] = [set() for _ in range(graph.n)]
    for actor, target, _ in edge_tuples(graph):
        addressed[actor].add(target)
    return as_float(np.array([len(s) for s in addressed]))


def in_strength_reference(graph: InteractionGraph) -> FloatArray:
    """Slow, obviously correct :func:`in_strength` (plain loops); for tests only."""
    totals = [0.0] * graph.n
    for _, target, weight in edge_tuples(graph):
        totals[target] += weight
    return as_float(np.array(totals))


def out_strength_reference(graph: InteractionGraph) -> FloatArray:
    """Slow, obviously correct :func:`out_strength` (plain loops); for tests only."""
    totals = [0.0] * graph.n
    for actor, _, weight in edge_tuples(graph):
        totals[actor] += weight
    return as_float(np.array(totals))
