"""Breadth: how many *other* groups seek a person out.

Prominence inside one's own team is common; being sought out across departments is what
distinguishes the people an organisation relies on. Each foreign group's inbound
attention ``S_ig`` is saturated with ``1 - exp(-S_ig / s0)``, so breadth is a soft count of
groups reached: one department, however chatty, cannot stand in for several.
"""

from __future__ import annotations

import numpy as np

from renown.graph.csr import FloatArray, IndexArray, IntArray, InteractionGraph
from renown.prominence.measures._common import (
    as_float,
    edge_tuples,
    parallel_kernel,
    prange,
    row_blocks,
)
from renown.prominence.measures.communities import communities


def breadth(graph: InteractionGraph, *, saturation: float = 1.0) -> FloatArray:
    """Soft count of other groups whose members address each person.

    ``breadth_i = sum_{g != group(i)} (1 - exp(-S_ig / saturation))`` where ``S_ig`` is the
    total scaled inbound weight ``sum_j w_ji`` from people ``j`` of group ``g``. People of
    unknown group (code ``-1``) belong to no group: their attention counts for nobody's
    breadth, and every known group is "other" to them.

    Parameters
    ----------
    graph:
        Interaction graph. Its ``groups`` (departments) are used when given; otherwise
        the groups are :func:`~renown.prominence.measures.communities.communities` found
        in the graph itself.
    saturation:
        ``s0``: inbound weight from a group at which it counts ``1 - 1/e`` (about 0.63) of a
        group. With the builder's ``log1p`` pair scaling, one recent message weighs
        ``log 2``, so a group is mostly "reached" after a few of its people write.

    Returns
    -------
    numpy.ndarray
        Breadth of each node, between 0 and the number of other groups.

    Notes
    -----
    Only inbound ties count: an extra interaction addressed to ``i`` never lowers
    ``breadth_i`` and changes nobody else's value, so people cannot raise their breadth by
    writing to other departments. Cost ``O(m)``, rows in parallel.

    References
    ----------
    R. S. Burt, "Structural holes and good ideas", American Journal of Sociology 110(2),
    349-399, 2004 (value of ties that span groups); M. S. Granovetter, "The strength of
    weak ties", American Journal of Sociology 78(6), 1360-1380, 1973.
    """
    if saturation <= 0.0:
        raise ValueError(f"saturation must be positive, got {saturation}")
    groups = graph.groups if graph.groups is not None else communities(graph)
    groups = np.asarray(groups, dtype=np.int32)
    n_groups = int(groups.max(initial=-1)) + 1
    inbound = graph.inbound
    return _breadth_kernel(
        inbound.indptr,
        inbound.indices,
        inbound.weights,
        groups,
        n_groups,
        saturation,
        row_blocks(inbound.indptr),
    )


@parallel_kernel
def _breadth_kernel(
    indptr: IntArray,
    indices: IndexArray,
    weights: FloatArray,
    groups: IndexArray,
    n_groups: int,
    saturation: float,
    blocks: IntArray,
) -> FloatArray:
    n = len(indptr) - 1
    result = np.zeros(n, dtype=np.float64)
    for block in prange(len(blocks) - 1):
        from_group = np.zeros(n_groups, dtype=np.float64)
        seen = np.zeros(n_groups, dtype=np.bool_)
        touched = np.empty(n_groups, dtype=np.int32)
        for i in range(blocks[block], blocks[block + 1]):
            own = groups[i]
            n_touched = 0
            for e in range(indptr[i], indptr[i + 1]):
                g = groups[indices[e]]
                if g < 0 or g == own:
                    continue
                if not seen[g]:
                    seen[g] = True
                    touched[n_touched] = g
                    n_touched += 1
                from_group[g] += weights[e]
            total = 0.0
            for t in range(n_touched):
                g = touched[t]
                total += -np.expm1(-from_group[g] / saturation)
                from_group[g] = 0.0
                seen[g] = False
            result[i] = total
    return result


def breadth_reference(graph: InteractionGraph, *, saturation: float = 1.0) -> FloatArray:
    """Slow, obviously correct :func:`breadth` (dictionaries and loops); tests only."""
    groups = graph.groups if graph.groups is not None else communities(graph)
    group_of = [int(g) for g in groups]
    received: list[dict[int, float]] = [{} for _ in range(graph.n)]
    for actor, target, weight in edge_tuples(graph):
        g = group_of[actor]
        if g >= 0 and g != group_of[target]:
            received[target][g] = received[target].get(g, 0.0) + weight
    values = [
        sum(1.0 - float(np.exp(-s / saturation)) for s in by_group.values())
        for by_group in received
    ]
    return as_float(np.array(values))
