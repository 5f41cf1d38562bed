"""Weighted, personalised PageRank (interim scipy power iteration; a fused kernel replaces it)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from renown.graph.csr import FloatArray, InteractionGraph


def pagerank(
    graph: InteractionGraph,
    *,
    alpha: float = 0.85,
    personalization: NDArray[np.float64] | None = None,
    tol: float = 1e-6,
    max_iter: int = 200,
) -> FloatArray:
    """PageRank of Page, Brin, Motwani & Winograd (1999) on edges j->i weighted w_ji."""
    n = graph.n
    if n == 0:
        return np.zeros(0)
    out = graph.out
    strength = out.strength()
    rows = np.repeat(np.arange(n), np.diff(out.indptr))
    prob = out.weights / np.where(strength[rows] > 0, strength[rows], 1.0)
    matrix = sp.csr_matrix((prob, (out.indices, rows)), shape=(n, n))
    p = np.full(n, 1.0 / n) if personalization is None else personalization / personalization.sum()
    dangling = strength == 0
    x = p.copy()
    for _ in range(max_iter):
        new = alpha * (matrix @ x + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(new - x).sum() < tol:
            return np.asarray(new / new.sum(), dtype=np.float64)
        x = new
    return np.asarray(x / x.sum(), dtype=np.float64)
