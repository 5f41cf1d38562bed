"""Small graphs for the measure tests, built directly as CSR (no event frames needed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np

from renown.graph.csr import CSR, InteractionGraph

Edge = tuple[int, int, float]


def graph_from_edges(
    n: int,
    edges: Iterable[Edge],
    *,
    groups: Sequence[int] | None = None,
    anonymous: Sequence[float] | None = None,
    volumes: Iterable[float] | None = None,
) -> InteractionGraph:
    """Interaction graph on nodes ``0..n-1``; repeated pairs add up (weights and volumes).

    Without ``volumes``, each pair's volume is ``expm1(weight)``, as the builder's default
    ``log1p`` scaling would have produced the weight from it.
    """
    edge_list = list(edges)
    volume_list = (
        [float(np.expm1(w)) for _, _, w in edge_list] if volumes is None else list(volumes)
    )
    pairs: dict[tuple[int, int], list[float]] = {}
    for (src, dst, weight), volume in zip(edge_list, volume_list, strict=True):
        assert src != dst, "interaction graphs have no self-loops"
        slot = pairs.setdefault((src, dst), [0.0, 0.0])
        slot[0] += weight
        slot[1] += volume
    keys = sorted(pairs)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount([s for s, _ in keys], minlength=n), out=indptr[1:])
    out = CSR(
        indptr=indptr,
        indices=np.array([d for _, d in keys], dtype=np.int32),
        weights=np.array([pairs[k][0] for k in keys], dtype=np.float64),
        volume=np.array([pairs[k][1] for k in keys], dtype=np.float64),
    )
    return InteractionGraph(
        people=np.array([f"p{i:03d}" for i in range(n)], dtype=object),
        out=out,
        anonymous=np.zeros(n) if anonymous is None else np.asarray(anonymous, dtype=np.float64),
        groups=None if groups is None else np.asarray(groups, dtype=np.int32),
    )


def edges_of(graph: InteractionGraph) -> list[Edge]:
    """The graph's pairs as ``(actor, target, weight)`` tuples."""
    src, dst, weight = graph.edges()
    return [(int(s), int(d), float(w)) for s, d, w in zip(src, dst, weight, strict=True)]


def random_graph(
    n: int, p: float, seed: int, *, n_groups: int = 0, integer_weights: bool = False
) -> InteractionGraph:
    """Directed G(n, p) with random positive weights (and optional random groups)."""
    rng = np.random.default_rng(seed)
    mask = rng.random((n, n)) < p
    np.fill_diagonal(mask, False)
    src, dst = np.nonzero(mask)
    if integer_weights:
        weights = rng.integers(1, 4, size=len(src)).astype(float)
    else:
        weights = rng.uniform(0.1, 3.0, size=len(src))
    groups = rng.integers(-1, n_groups, size=n).tolist() if n_groups else None
    anonymous = rng.uniform(0.0, 2.0, size=n).tolist()
    return graph_from_edges(
        n,
        zip(src.tolist(), dst.tolist(), weights.tolist(), strict=True),
        groups=groups,
        anonymous=anonymous,
    )


def to_networkx(graph: InteractionGraph) -> nx.DiGraph:
    """The graph as a networkx ``DiGraph`` with nodes ``0..n-1`` and ``weight`` attributes."""
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n))
    g.add_weighted_edges_from(edges_of(graph))
    return g


def from_networkx(g: nx.Graph | nx.DiGraph, *, weight: str | None = "weight") -> InteractionGraph:
    """An interaction graph from a networkx graph with nodes ``0..n-1`` (undirected: both ways)."""
    edges: list[Edge] = []
    for u, v, data in g.edges(data=True):
        w = float(data.get(weight, 1.0)) if weight else 1.0
        edges.append((u, v, w))
        if not g.is_directed():
            edges.append((v, u, w))
    return graph_from_edges(g.number_of_nodes(), edges)


def scale_free_digraph(n: int, *, seed: int) -> nx.DiGraph:
    """A simple directed scale-free graph (networkx's generator minus loops and multi-edges)."""
    g = nx.DiGraph(nx.scale_free_graph(n, seed=seed))
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    return g


def permuted(graph: InteractionGraph, perm: Sequence[int]) -> InteractionGraph:
    """The same graph with node ``i`` renumbered ``perm[i]``."""
    src, dst, weight = graph.edges()
    edges = [
        (perm[int(s)], perm[int(d)], float(w)) for s, d, w in zip(src, dst, weight, strict=True)
    ]
    moved_volumes = graph.out.volume.tolist()
    inverse = np.argsort(np.asarray(perm))
    groups = None if graph.groups is None else graph.groups[inverse].tolist()
    return graph_from_edges(
        graph.n,
        edges,
        groups=groups,
        anonymous=graph.anonymous[inverse].tolist(),
        volumes=moved_volumes,
    )
