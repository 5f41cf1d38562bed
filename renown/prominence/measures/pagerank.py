"""Weighted, personalised PageRank (Page, Brin, Motwani & Winograd 1999).

renown reads PageRank as "attention from people who themselves receive attention": a
message from someone many people write to counts more than one from a newcomer.

Why the implementation looks the way it does (it is the hottest loop of a scoring run):

* **Pull, fused.** Each sweep walks the inbound CSR row by row, so every node's new value
  is written once, by one thread, with no atomics; the same pass accumulates the L1
  change and the rank held by dangling nodes, so a sweep reads the edges exactly once.
* **Precomputed shares.** Edge weights are divided by their source's out-strength once
  per graph (cached), so the inner loop is one multiply-add per edge.
* **Float32 storage, float64 arithmetic.** Shares and ranks are stored in float32 on large
  graphs (a third less memory traffic, twice as many ranks per cache line) while every
  product, row sum and the L1 check run in float64. Float32 rounding puts a floor of
  about ``1e-7`` under the reachable L1 change; when ``tol`` asks for less (or float32
  stops making progress), the iteration continues in float64 from the float32 iterate,
  so the fixed point is always the exact one.
* **Locality.** The graph builder numbers people hubs-first (see
  :mod:`renown.graph.renumber`), so the ranks gathered most often share cache lines.
* **Software prefetch.** The rank vector (4 MB in float32 at a million people) does not
  fit a core's L2 cache, and the gathers ``x[indices[e]]`` are irregular, so about 40 %
  of a sweep was spent waiting for them. The kernel asks for the rank needed a fixed
  number of edges ahead while it works on the current one (see
  :mod:`renown.prominence.measures._pagerank_kernels`); the edge stream itself is
  sequential and prefetched by the hardware. This cut a single-thread
  sweep by about a fifth on the synthetic 1M-people graph; it changes no result.
* **Balanced, deterministic blocks.** Rows are cut into a fixed number of blocks of equal
  work; per-block partial sums are added in block order, so results do not depend on the
  number of threads.
* **Extrapolation.** On team-structured graphs the change shrinks by a steady ratio (many
  eigenvalues near one value, one per team), which one cheap extrapolation step mostly
  removes: 15 sweeps instead of 20 on the synthetic 1M-people graph (see
  :func:`_iterate_parallel`). Overrelaxed Jacobi diverged there (eigenvalues near
  ``-alpha``), and Anderson mixing saved only 2 sweeps, for more vector passes.

Gauss-Seidel sweeps have the same fixed point, but in the only form that keeps results
independent of the number of threads (fresh values inside a block, previous ones across
blocks) they needed more sweeps than these Jacobi sweeps on a 1M-node power-law graph
(31-49 against 20), so they are not used.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Final, cast

import numpy as np
from numba import njit, prange
from numpy.typing import DTypeLike, NDArray

from renown.graph.csr import CSR, FloatArray, IndexArray, IntArray, InteractionGraph
from renown.graph.kernels import balanced_row_blocks, transpose_arrays
from renown.prominence.measures._common import ConvergenceError
from renown.prominence.measures._pagerank_kernels import (
    extrapolate,
    iterate_serial,
    parallel_sweep,
)

BLOCKS: Final = 64
"""Row blocks per sweep: enough for load balance on many cores, fixed for determinism."""

FLOAT32_FLOOR: Final = 2e-7
"""Smallest L1 change a float32 iteration is asked to reach before float64 takes over."""

FLOAT32_MIN_EDGES: Final = 100_000
"""Below this many edges a sweep is cheap anyway, so ``dtype=None`` picks float64."""

SERIAL_MAX_EDGES: Final = 200_000
"""Graphs up to this many edges iterate inside one compiled serial loop: waking threads
and returning to Python every sweep would cost more than the sweep itself."""

EXTRAPOLATION_MIN_EDGES: Final = 1_000_000
"""Graphs with at least this many edges take extrapolation steps (see
:func:`_iterate_parallel`); below, sweeps are cheap and results match the serial loop."""

MAX_EXTRAPOLATIONS: Final = 2
"""Extrapolation steps allowed per iteration: enough to gain, few enough to bound harm."""

STEADY_RATIO_TOLERANCE: Final = 0.02
"""Relative agreement of two successive shrink ratios that counts as steady (looser
settings extrapolate too early and cost sweeps on the synthetic 1M-people graph)."""

_PATIENCE: Final = 3
"""Float32 sweeps without a new lowest change before float64 takes over."""

ShareArray = NDArray[np.float32] | NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class TransitionOperator:
    """Inbound CSR whose entries are transition probabilities ``w_ji / s_j``.

    ``dangling`` marks nodes whose out-strength ``s_j`` is zero: their rank is handed back
    through the personalization vector, as in networkx.
    """

    indptr: IntArray
    indices: IndexArray
    share64: FloatArray
    dangling: NDArray[np.bool_]
    blocks: IntArray
    _share32: list[NDArray[np.float32]] = field(default_factory=list, repr=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.indptr) - 1

    def share(self, dtype: DTypeLike) -> ShareArray:
        """Transition probabilities stored as ``dtype`` (the float32 copy is cached)."""
        if np.dtype(dtype) == np.float64:
            return self.share64
        if not self._share32:
            self._share32.append(self.share64.astype(np.float32))
        return self._share32[0]


@dataclass(frozen=True)
class PageRankResult:
    """Ranks (summing to 1, float64) and how the iteration ended."""

    scores: FloatArray
    iterations: int
    delta: float
    dtype: str


_OPERATORS: weakref.WeakKeyDictionary[InteractionGraph, TransitionOperator] = (
    weakref.WeakKeyDictionary()
)


def pagerank(
    graph: InteractionGraph,
    *,
    alpha: float = 0.85,
    personalization: NDArray[np.float64] | None = None,
    tol: float = 1e-6,
    max_iter: int = 200,
    dtype: DTypeLike | None = None,
) -> FloatArray:
    """PageRank of every person on the weighted attention graph.

    The fixed point of ``x = alpha * (P^T x + d(x) p) + (1 - alpha) p`` where
    ``P[j, i] = w_ji / s_j`` follows edge ``j -> i`` of ``graph.out`` in proportion to its
    weight, ``d(x)`` is the rank held by dangling nodes (zero out-strength) and ``p`` is
    the personalization vector (uniform by default). This is networkx's
    ``pagerank(G, alpha, personalization, weight="weight")`` on the same graph.

    Parameters
    ----------
    alpha:
        Damping factor: probability of following an edge rather than teleporting.
    personalization:
        Non-negative teleport weight per node (``graph.people`` order), normalised here;
        dangling rank follows it too.
    tol:
        Stop when the L1 norm of the change between two iterates is below ``tol``. This is
        ``n`` times stricter than networkx, which stops below ``n * tol``; the distance to
        the exact fixed point is then about ``tol * c / (1 - c)`` where ``c <= alpha`` is
        the contraction of the graph.
    max_iter:
        Iteration budget (float32 and float64 sweeps together).
    dtype:
        ``np.float32`` or ``np.float64`` storage for ranks and shares; ``None`` picks
        float32 on graphs of at least :data:`FLOAT32_MIN_EDGES` edges. Arithmetic is
        float64 either way.

    Returns
    -------
    numpy.ndarray
        One float64 rank per person, summing to 1.

    Raises
    ------
    ConvergenceError
        If ``max_iter`` sweeps do not reach ``tol``.

    References
    ----------
    L. Page, S. Brin, R. Motwani and T. Winograd, "The PageRank citation ranking: bringing
    order to the web", Stanford InfoLab technical report 1999-66, 1999.
    """
    return pagerank_run(
        transition_operator(graph),
        alpha=alpha,
        personalization=personalization,
        tol=tol,
        max_iter=max_iter,
        dtype=dtype,
    ).scores


def pagerank_csr(
    indptr: IntArray,
    indices: IndexArray,
    weights: FloatArray,
    n: int,
    *,
    alpha: float = 0.85,
    personalization: NDArray[np.float64] | None = None,
    tol: float = 1e-6,
    max_iter: int = 200,
    dtype: DTypeLike | None = None,
) -> FloatArray:
    """:func:`pagerank` on raw out-adjacency arrays (row ``j`` lists the targets of ``j``).

    Parameters are those of :func:`pagerank`; ``indptr``, ``indices`` and ``weights``
    describe edges ``j -> indices[e]`` with weight ``weights[e]`` for ``e`` in row ``j``.
    """
    operator = operator_from_out_csr(indptr, indices, weights, n)
    return pagerank_run(
        operator,
        alpha=alpha,
        personalization=personalization,
        tol=tol,
        max_iter=max_iter,
        dtype=dtype,
    ).scores


def transition_operator(graph: InteractionGraph) -> TransitionOperator:
    """Return (and cache for the graph's lifetime) the graph's :class:`TransitionOperator`."""
    cached = _OPERATORS.get(graph)
    if cached is None:
        strength = graph.out.strength()
        cached = _operator(graph.inbound, strength)
        _OPERATORS[graph] = cached
    return cached


def operator_from_out_csr(
    indptr: IntArray, indices: IndexArray, weights: FloatArray, n: int
) -> TransitionOperator:
    """Build the :class:`TransitionOperator` of an out-adjacency CSR (not cached)."""
    indptr = np.asarray(indptr, dtype=np.int64)
    indices = np.asarray(indices, dtype=np.int32)
    weights = np.asarray(weights, dtype=np.float64)
    if len(indptr) != n + 1 or indptr[-1] != len(indices) or len(weights) != len(indices):
        raise ValueError("indptr, indices and weights do not describe an n x n CSR matrix")
    if len(indices) and (indices.min() < 0 or indices.max() >= n):
        raise ValueError("edge targets must be node numbers in 0..n-1")
    out = CSR(indptr=indptr, indices=indices, weights=weights, volume=weights)
    t_indptr, t_indices, t_weights, _ = transpose_arrays(indptr, indices, weights, weights, n)
    inbound = CSR(indptr=t_indptr, indices=t_indices, weights=t_weights, volume=t_weights)
    return _operator(inbound, out.strength())


def _operator(inbound: CSR, strength: FloatArray) -> TransitionOperator:
    if len(inbound.weights) and float(inbound.weights.min()) < 0:
        raise ValueError("PageRank needs non-negative edge weights")
    share = np.empty(len(inbound.weights), np.float64)
    _divide_by_source(inbound.indices, inbound.weights, strength, share)
    return TransitionOperator(
        indptr=inbound.indptr,
        indices=inbound.indices,
        share64=share,
        dangling=strength == 0,
        blocks=balanced_row_blocks(inbound.indptr, BLOCKS),
    )


@njit(cache=True, parallel=True, nogil=True)
def _divide_by_source(
    sources: IndexArray, weights: FloatArray, strength: FloatArray, share: FloatArray
) -> None:
    for e in prange(len(weights)):
        s = strength[sources[e]]
        share[e] = weights[e] / s if s > 0 else 0.0


def pagerank_run(
    operator: TransitionOperator,
    *,
    alpha: float = 0.85,
    personalization: NDArray[np.float64] | None = None,
    tol: float = 1e-6,
    max_iter: int = 200,
    dtype: DTypeLike | None = None,
) -> PageRankResult:
    """Iterate to the PageRank fixed point of ``operator`` (see :func:`pagerank`).

    Returns the ranks together with the number of sweeps, the last L1 change and the
    storage precision that finished the job, for benchmarks and diagnostics.
    """
    n = operator.n
    if not 0 <= alpha < 1:
        raise ValueError("alpha must be in [0, 1)")
    if tol <= 0:
        raise ValueError("tol must be positive")
    if n == 0:
        return PageRankResult(np.zeros(0), 0, 0.0, "float64")
    teleport = _teleport(personalization, n)
    if dtype is None:
        dtype = np.float64 if len(operator.indices) < FLOAT32_MIN_EDGES else np.float32
    if np.dtype(dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError("dtype must be numpy.float32, numpy.float64 or None")
    x: ShareArray = np.full(n, 1.0 / n)  # networkx's start, whatever the teleport
    iterations = 0
    if np.dtype(dtype) == np.float32:
        # stop early, without failing, once float32 rounding stops the change from shrinking
        start32 = cast(ShareArray, x.astype(np.float32))
        x, iterations, delta = _iterate(
            operator, start32, teleport, alpha, max(tol, FLOAT32_FLOOR), max_iter, _PATIENCE
        )
        if delta < tol:
            return _result(x, iterations, delta)
    start64 = cast(ShareArray, x.astype(np.float64))
    x, done, delta = _iterate(
        operator, start64, teleport, alpha, tol, max_iter - iterations, max_iter
    )
    iterations += done
    if delta >= tol:
        raise ConvergenceError(
            f"PageRank did not reach an L1 change below {tol:g} in {max_iter} iterations "
            f"(last change {delta:.3g})"
        )
    return _result(x, iterations, delta)


def _result(x: ShareArray, iterations: int, delta: float) -> PageRankResult:
    scores = np.asarray(x, dtype=np.float64)
    scores /= scores.sum()
    return PageRankResult(scores, iterations, float(delta), x.dtype.name)


def _teleport(personalization: NDArray[np.float64] | None, n: int) -> FloatArray | None:
    if personalization is None:
        return None
    p = np.asarray(personalization, dtype=np.float64)
    if p.shape != (n,):
        raise ValueError(f"personalization must have one entry per node ({n})")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("personalization must be finite and non-negative")
    total = float(p.sum())
    if total <= 0:
        raise ValueError("personalization must have a positive sum")
    return p / total


def _iterate(
    operator: TransitionOperator,
    x: ShareArray,
    teleport: FloatArray | None,
    alpha: float,
    tol: float,
    budget: int,
    patience: int,
) -> tuple[ShareArray, int, float]:
    """Sweep until the L1 change is below ``tol``; return (iterate, sweeps, last change).

    Gives up early when the change has not reached a new low for ``patience`` sweeps
    (rounding noise, not convergence, is then what is left).
    """
    dtype = x.dtype
    share = operator.share(dtype)
    stored_teleport = cast(
        ShareArray, np.zeros(0, dtype) if teleport is None else teleport.astype(dtype)
    )
    uniform = 1.0 / operator.n
    dangling_mass = float(x[operator.dangling].sum(dtype=np.float64))
    if len(operator.indices) <= SERIAL_MAX_EDGES:
        x, sweeps, delta = iterate_serial(
            operator.indptr,
            operator.indices,
            share,
            x,
            stored_teleport,
            uniform,
            operator.dangling,
            alpha,
            dangling_mass,
            tol,
            budget,
            patience,
        )
        return x, int(sweeps), float(delta)
    return _iterate_parallel(
        operator, share, x, stored_teleport, uniform, alpha, dangling_mass, tol, budget, patience
    )


def _iterate_parallel(
    operator: TransitionOperator,
    share: ShareArray,
    x: ShareArray,
    teleport: ShareArray,
    uniform: float,
    alpha: float,
    dangling_mass: float,
    tol: float,
    budget: int,
    patience: int,
) -> tuple[ShareArray, int, float]:
    """:func:`_iterate` on large graphs: one parallel sweep per call, with extrapolation.

    When the L1 change has shrunk by the same ratio ``r`` for three sweeps, the error is
    dominated by eigenvalues close to ``r`` (on team-structured graphs, one per team), and
    ``(G(x) - r x) / (1 - r)`` removes most of it at the cost of one vector pass. The
    fixed point is untouched: every iterate is still checked by a plain sweep, and at most
    :data:`MAX_EXTRAPOLATIONS` steps are taken, each bounded (the error grows at most by
    ``(alpha + r) / (1 - r)``), so convergence is that of the plain iteration.
    """
    may_extrapolate = len(operator.indices) >= EXTRAPOLATION_MIN_EDGES
    x_next = np.empty_like(x)
    partial_delta = np.zeros(len(operator.blocks) - 1)
    partial_dangling = np.zeros(len(operator.blocks) - 1)
    delta = lowest = np.inf
    since_lowest = extrapolations = 0
    recent: list[float] = []  # plain changes since the start or the last extrapolation
    for sweep in range(1, budget + 1):
        leak = alpha * dangling_mass + (1.0 - alpha)
        parallel_sweep(
            operator.indptr,
            operator.indices,
            share,
            x,
            x_next,
            teleport,
            uniform,
            operator.dangling,
            alpha,
            leak,
            operator.blocks,
            partial_delta,
            partial_dangling,
        )
        delta = float(partial_delta.sum())
        dangling_mass = float(partial_dangling.sum())
        if delta < tol:
            return x_next, sweep, delta
        recent = [*recent[-2:], delta]
        ratio = recent[-1] / recent[-2] if len(recent) >= 2 and recent[-2] > 0 else 1.0
        # a plain iteration shrinks by at most alpha per sweep asymptotically; a larger
        # ratio is a transient, and 1 / (1 - ratio) would amplify it
        if (
            may_extrapolate
            and extrapolations < MAX_EXTRAPOLATIONS
            and ratio < alpha
            and _steady(recent)
        ):
            extrapolate(x, x_next, ratio, operator.dangling, operator.blocks, partial_dangling)
            dangling_mass = float(partial_dangling.sum())
            extrapolations += 1
            recent = []
        x, x_next = x_next, x
        if delta < lowest:
            lowest, since_lowest = delta, 0
        else:
            since_lowest += 1
            if since_lowest >= patience:
                return x, sweep, delta
    return x, budget, delta


def _steady(changes: list[float]) -> bool:
    """Whether the last three changes shrank twice by nearly the same ratio (below 1)."""
    if len(changes) < 3 or changes[1] <= 0 or changes[0] <= 0:
        return False
    latest, before = changes[2] / changes[1], changes[1] / changes[0]
    return latest < 1.0 and abs(latest - before) <= STEADY_RATIO_TOLERANCE * latest


def pagerank_reference(
    graph: InteractionGraph,
    *,
    alpha: float = 0.85,
    personalization: NDArray[np.float64] | None = None,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> FloatArray:
    """Slow, plain-numpy float64 PageRank used to check :func:`pagerank` in tests.

    Follows the definition edge by edge (``np.add.at``) with the same stopping rule.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0)
    src, dst, weight = graph.edges()
    strength = np.zeros(n)
    np.add.at(strength, src, weight)
    p = np.full(n, 1.0 / n) if personalization is None else _teleport(personalization, n)
    assert p is not None
    dangling = strength == 0
    safe = np.where(dangling, 1.0, strength)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        flow = np.zeros(n)
        np.add.at(flow, dst, weight / safe[src] * x[src])
        new = alpha * (flow + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(new - x).sum() < tol:
            return np.asarray(new / new.sum(), dtype=np.float64)
        x = new
    raise ConvergenceError("pagerank_reference did not converge")


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel for both precisions."""
    indptr = np.array([0, 1, 2, 2], np.int64)
    indices = np.array([1, 2], np.int32)
    weights = np.array([1.0, 2.0])
    operator = operator_from_out_csr(indptr, indices, weights, 3)
    partial = np.zeros(len(operator.blocks) - 1)
    for dtype in (np.float32, np.float64):
        pagerank_csr(indptr, indices, weights, 3, dtype=dtype)
        pagerank_csr(indptr, indices, weights, 3, dtype=dtype, personalization=np.ones(3))
        # the kernels of large graphs, which the serial loop above does not reach
        x = cast(ShareArray, np.full(3, 1 / 3, dtype))
        _iterate_parallel(operator, operator.share(dtype), x, x[:0], 1 / 3, 0.85, 0.0, 1.0, 1, 1)
        extrapolate(x, x.copy(), 0.5, operator.dangling, operator.blocks, partial)
