"""HITS hubs and authorities (Kleinberg 1999) on the weighted attention graph.

renown uses authority as "sought out by people who themselves seek out the right people":
unlike reach, a message from a well-connected hub counts more than one from a newcomer,
and unlike PageRank it separates the two roles (hubs route attention, authorities draw it).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_array

from renown.graph.csr import CSR, FloatArray, InteractionGraph
from renown.prominence.measures._common import ConvergenceError, edge_tuples


def hits(
    graph: InteractionGraph, *, tol: float = 1e-10, max_iter: int = 1000
) -> tuple[FloatArray, FloatArray]:
    """Hub and authority scores of every person, each normalised to sum to 1.

    With the weighted adjacency ``A[j, i] = w_ji`` (``j`` paid attention to ``i``),
    authorities are the principal eigenvector of ``A^T A`` and hubs are ``A a``: the same
    quantities networkx's ``hits`` returns.

    Parameters
    ----------
    tol:
        Stop when the L1 change of the (sum-normalised) authority vector between two
        iterations falls below ``tol``.
    max_iter:
        Iteration budget; each iteration costs two sparse products, ``O(m)``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(hubs, authorities)``, each summing to 1. A graph without any positive weight
        has no principal direction; every node then gets ``1 / n`` in both.

    Raises
    ------
    ConvergenceError
        If ``max_iter`` iterations do not reach ``tol``.

    Notes
    -----
    Power iteration starts from the uniform vector, so when the top singular value is
    repeated (e.g. two identical disconnected teams) the result is the well-defined,
    permutation-equivariant limit from that start, where an eigensolver such as ARPACK
    (used by networkx) may return any vector of the eigenspace.

    References
    ----------
    J. M. Kleinberg, "Authoritative sources in a hyperlinked environment",
    Journal of the ACM 46(5), 604-632, 1999.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0), np.zeros(0)
    forward = _as_matrix(graph.out, n)
    backward = _as_matrix(graph.inbound, n)
    authorities = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        updated = backward @ (forward @ authorities)
        total = float(updated.sum())
        if total <= 0.0:
            uniform = np.full(n, 1.0 / n)
            return uniform, uniform.copy()
        updated /= total
        change = float(np.abs(updated - authorities).sum())
        authorities = updated
        if change < tol:
            hubs = forward @ authorities
            return hubs / hubs.sum(), authorities
    raise ConvergenceError(f"HITS did not converge to tol={tol} in {max_iter} iterations")


def hits_authority(graph: InteractionGraph) -> FloatArray:
    """Authority scores (summing to 1): :func:`hits` with its defaults, for the registry."""
    return hits(graph)[1]


def hits_hub(graph: InteractionGraph) -> FloatArray:
    """Hub scores (summing to 1): :func:`hits` with its defaults, for the registry."""
    return hits(graph)[0]


def _as_matrix(adjacency: CSR, n: int) -> csr_array:
    """Wrap a CSR as a scipy sparse array (rows = the CSR's rows) for fast products."""
    return csr_array((adjacency.weights, adjacency.indices, adjacency.indptr), shape=(n, n))


def hits_reference(
    graph: InteractionGraph, *, tol: float = 1e-12, max_iter: int = 100_000
) -> tuple[FloatArray, FloatArray]:
    """Slow, obviously correct :func:`hits` (plain-loop power iteration); for tests only."""
    n = graph.n
    edges = edge_tuples(graph)
    authority = [1.0 / n] * n
    for _ in range(max_iter):
        hub = [0.0] * n
        for actor, target, weight in edges:
            hub[actor] += weight * authority[target]
        new_authority = [0.0] * n
        for actor, target, weight in edges:
            new_authority[target] += weight * hub[actor]
        total = sum(new_authority)
        if total <= 0.0:
            return np.full(n, 1.0 / n), np.full(n, 1.0 / n)
        new_authority = [a / total for a in new_authority]
        change = sum(abs(x - y) for x, y in zip(new_authority, authority, strict=True))
        authority = new_authority
        if change < tol:
            break
    else:
        raise ConvergenceError("reference HITS did not converge")
    hub = [0.0] * n
    for actor, target, weight in edges:
        hub[actor] += weight * authority[target]
    hub_total = sum(hub)
    return np.array([h / hub_total for h in hub]), np.array(authority)
