"""PageRank in peer libraries (igraph, networkit, networkx) and a float64 reference.

Every runner receives the same out-adjacency arrays renown iterates on and returns ranks
in node order, so the L1 distances compare like with like. Graph construction in a peer
library is not timed (only its PageRank call is); imports stay inside the functions so
the bench runs, and says so, when a peer is missing.

Each peer runs in its own process (``python -m bench.peers NAME GRAPH OUT REPEATS TOL``):
OpenMP runtimes loaded side by side (numba's and a peer's) spin-wait against each other
and would slow the peer down unfairly.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

ALPHA = 0.85
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class EdgeArrays:
    """A weighted directed graph as plain arrays (row ``j`` of the CSR: edges ``j -> i``)."""

    n: int
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    weights: FloatArray

    def sources(self) -> NDArray[np.int32]:
        """Source node of every edge, in CSR order."""
        return np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.indptr))


@dataclass(frozen=True)
class PeerRun:
    """Best time of a peer's PageRank call, its ranks and a note (settings, iterations)."""

    name: str
    seconds: float
    scores: FloatArray
    note: str


def best_of(repeats: int, call: Callable[[], FloatArray]) -> tuple[float, FloatArray]:
    """Smallest wall time of ``repeats`` calls (the machine is shared) and the last result."""
    best = np.inf
    result = np.zeros(0)
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best, result


def reference_pagerank(graph: EdgeArrays, tol: float = 1e-12) -> tuple[FloatArray, int]:
    """Float64 power iteration with scipy until the L1 change is below ``tol``.

    Independent of renown's kernels: plain sparse products, dangling rank spread
    uniformly (networkx semantics).
    """
    n = graph.n
    matrix = sp.csr_array((graph.weights, graph.indices, graph.indptr), shape=(n, n))
    strength: FloatArray = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
    dangling = strength == 0
    inverse = np.divide(1.0, strength, out=np.zeros(n), where=~dangling)
    transition = (sp.diags_array(inverse) @ matrix).T.tocsr()
    x = np.full(n, 1.0 / n)
    for iteration in range(1, 10_000):
        new = ALPHA * (transition @ x + x[dangling].sum() / n) + (1 - ALPHA) / n
        change = float(np.abs(new - x).sum())
        x = new
        if change < tol:
            return x / x.sum(), iteration
    raise RuntimeError("reference PageRank did not converge")


def run_igraph(graph: EdgeArrays, repeats: int) -> PeerRun:
    """igraph's PRPACK solver (its default) with float64 weights."""
    import igraph

    edges = np.column_stack([graph.sources(), graph.indices])
    g = igraph.Graph(n=graph.n, edges=edges, directed=True)
    g.es["weight"] = graph.weights.astype(np.float64).tolist()  # float32 is mishandled
    seconds, scores = best_of(
        repeats,
        lambda: np.asarray(
            g.personalized_pagerank(directed=True, damping=ALPHA, weights="weight"), np.float64
        ),
    )
    return PeerRun("igraph", seconds, scores / scores.sum(), "PRPACK, float64 weights")


def run_networkit(graph: EdgeArrays, repeats: int, tol: float) -> PeerRun:
    """networkit's parallel power iteration, sinks distributed, L1 stopping rule."""
    import networkit

    g = networkit.Graph(graph.n, weighted=True, directed=True)
    g.addEdges((graph.weights, (graph.sources(), graph.indices)))
    iterations = [0]

    def call() -> FloatArray:
        pr = networkit.centrality.PageRank(
            g,
            damp=ALPHA,
            tol=tol,
            distributeSinks=networkit.centrality.SinkHandling.DistributeSinks,
        )
        pr.norm = networkit.centrality.Norm.L1_NORM
        pr.run()
        iterations[0] = pr.numberOfIterations()
        return np.asarray(pr.scores(), np.float64)

    seconds, scores = best_of(repeats, call)
    note = f"{iterations[0]} iterations, L1 < {tol:g}, {networkit.getMaxNumberOfThreads()} threads"
    return PeerRun("networkit", seconds, scores / scores.sum(), note)


def run_networkx(graph: EdgeArrays, repeats: int, tol: float) -> PeerRun:
    """networkx's scipy power iteration (stops at L1 < n * tol, so ``tol / n`` is passed)."""
    import networkx

    g = networkx.DiGraph()
    g.add_nodes_from(range(graph.n))
    g.add_weighted_edges_from(
        zip(graph.sources().tolist(), graph.indices.tolist(), graph.weights.tolist(), strict=True)
    )

    def call() -> FloatArray:
        ranks = networkx.pagerank(g, alpha=ALPHA, tol=tol / graph.n, weight="weight")
        return np.array([ranks[i] for i in range(graph.n)])

    seconds, scores = best_of(repeats, call)
    return PeerRun("networkx", seconds, scores, f"tol={tol:g}/n (same L1 rule)")


RUNNERS: dict[str, Callable[[EdgeArrays, int, float], PeerRun]] = {
    "igraph": lambda graph, repeats, _tol: run_igraph(graph, repeats),
    "networkit": run_networkit,
    "networkx": run_networkx,
}


def run_isolated(name: str, graph: EdgeArrays, repeats: int, tol: float, folder: Path) -> PeerRun:
    """Run peer ``name`` in a fresh process on ``graph`` (saved to ``folder``)."""
    saved = folder / "graph.npz"
    if not saved.exists():
        np.savez(saved, n=graph.n, indptr=graph.indptr, indices=graph.indices, w=graph.weights)
    scores = folder / f"{name}.npy"
    command = [sys.executable, "-m", "bench.peers", name, str(saved), str(scores)]
    done = subprocess.run(
        [*command, str(repeats), str(tol)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ImportError(f"{name}: {done.stderr.strip().splitlines()[-1:]}")
    record = json.loads(done.stdout.strip().splitlines()[-1])
    return PeerRun(name, float(record["seconds"]), np.load(scores), str(record["note"]))


def main() -> None:
    """Entry point of the per-peer process."""
    name, saved, out, repeats, tol = sys.argv[1:6]
    data = np.load(saved)
    graph = EdgeArrays(int(data["n"]), data["indptr"], data["indices"], data["w"])
    run = RUNNERS[name](graph, int(repeats), float(tol))
    np.save(out, run.scores)
    print(json.dumps({"seconds": run.seconds, "note": run.note}))


if __name__ == "__main__":
    main()
