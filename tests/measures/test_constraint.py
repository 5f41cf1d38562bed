"""Constraint, brokerage and effective size: Borgatti's published example, networkx, and
the truncated (``max_ties``) variant against the reference."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from renown.prominence.measures.constraint import (
    brokerage,
    constraint,
    constraint_reference,
    effective_size,
    effective_size_reference,
)
from tests.measures.graphs import (
    from_networkx,
    graph_from_edges,
    random_graph,
    scale_free_digraph,
    to_networkx,
)

# S. P. Borgatti, "Structural holes: unpacking Burt's redundancy measures", Connections
# 20(1), 35-38, 1997: ego network example; A..G are nodes 0..6.
A, B, C, D, E, F, G = range(7)
BORGATTI_TIES = {
    (A, B): 2,
    (A, F): 3,
    (A, G): 5,
    (A, E): 2,
    (E, G): 8,
    (F, G): 3,
    (B, G): 4,
    (B, D): 1,
    (D, G): 3,
    (G, C): 10,
}


def _borgatti(weighted: bool) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(7))
    for (u, v), w in BORGATTI_TIES.items():
        g.add_edge(u, v, weight=w if weighted else 1)
    return g


def test_borgatti_published_values() -> None:
    graph = from_networkx(_borgatti(weighted=False))
    values = constraint(graph)
    assert values[G] == pytest.approx(0.400, abs=1e-3)
    assert values[A] == pytest.approx(0.595, abs=1e-3)
    assert values[C] == pytest.approx(1.0)
    sizes = effective_size(graph)
    assert sizes[G] == pytest.approx(4.67, abs=1e-2)
    assert sizes[A] == pytest.approx(2.50, abs=1e-2)
    assert sizes[C] == pytest.approx(1.0)


def test_borgatti_weighted_values() -> None:
    # Values of UCINET and igraph for the same network with tie strengths.
    graph = from_networkx(_borgatti(weighted=True))
    values = constraint(graph)
    assert values[G] == pytest.approx(0.299, abs=1e-3)
    assert values[A] == pytest.approx(0.795, abs=1e-3)
    sizes = effective_size(graph)
    assert sizes[G] == pytest.approx(5.47, abs=1e-2)
    assert sizes[A] == pytest.approx(2.47, abs=1e-2)


NETWORKX_GRAPHS = {
    "borgatti-weighted": from_networkx(_borgatti(weighted=True)),
    "kite": from_networkx(nx.krackhardt_kite_graph(), weight=None),
    "random-weighted": random_graph(15, 0.25, 3),
    "random-sparse": random_graph(30, 0.08, 4),
    "scale-free": from_networkx(scale_free_digraph(40, seed=6), weight=None),
}


def _networkx_values(graph_nx: nx.DiGraph, measure: str) -> np.ndarray:
    # nodes= forces networkx's per-node path: its vectorised effective_size divides by
    # the column rather than the row maximum for weighted graphs (networkx PR #8906).
    nodes = sorted(graph_nx)
    found = getattr(nx, measure)(graph_nx, nodes=nodes, weight="weight")
    return np.array([found[v] for v in nodes])


def _mutual(graph_nx: nx.DiGraph) -> nx.Graph:
    mutual = nx.Graph()
    mutual.add_nodes_from(graph_nx)
    for u, v, w in graph_nx.edges(data="weight"):
        previous = mutual.get_edge_data(u, v, default={"weight": 0.0})["weight"]
        mutual.add_edge(u, v, weight=previous + w)
    return mutual


@pytest.mark.parametrize("name", sorted(NETWORKX_GRAPHS))
def test_matches_networkx(name: str) -> None:
    graph = NETWORKX_GRAPHS[name]
    graph_nx = to_networkx(graph)
    has_ties = np.array([graph_nx.degree(v) > 0 for v in range(graph.n)])
    # networkx judges isolation on successors only; ask it about the undirected graph of
    # mutual weights a_ij = w_ij + w_ji instead (it doubles them, which p_ij cancels).
    expected_constraint = _networkx_values(_mutual(graph_nx), "constraint")
    directed_sizes = _networkx_values(graph_nx, "effective_size")
    sources = np.array([graph_nx.out_degree(v) > 0 for v in range(graph.n)])
    np.testing.assert_allclose(constraint(graph)[has_ties], expected_constraint[has_ties])
    np.testing.assert_allclose(effective_size(graph)[sources], directed_sizes[sources])


def test_directed_constraint_uses_mutual_weight() -> None:
    graph = random_graph(12, 0.3, 8)
    graph_nx = to_networkx(graph)
    expected = _networkx_values(graph_nx, "constraint")
    sources = np.array([graph_nx.out_degree(v) > 0 for v in range(graph.n)])
    np.testing.assert_allclose(constraint(graph)[sources], expected[sources])


def test_isolates_are_fully_constrained_brokers_of_nothing() -> None:
    graph = graph_from_edges(4, [(0, 1, 1.0), (1, 2, 1.0)])
    np.testing.assert_allclose(constraint(graph), [1.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(brokerage(graph), [0.0, 0.5, 0.0, 0.0])
    np.testing.assert_allclose(effective_size(graph), [1.0, 2.0, 1.0, 0.0])


def test_zero_strength_ties_are_not_ties() -> None:
    graph = graph_from_edges(3, [(0, 1, 1.0), (0, 2, 0.0)])
    np.testing.assert_allclose(constraint(graph), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(effective_size(graph), [1.0, 1.0, 0.0])


def test_brokerage_is_one_minus_capped_constraint() -> None:
    triangle = from_networkx(nx.complete_graph(3), weight=None)
    np.testing.assert_allclose(constraint(triangle), 1.125)
    np.testing.assert_allclose(brokerage(triangle), 0.0)
    graph = random_graph(20, 0.2, 11)
    np.testing.assert_allclose(brokerage(graph), 1.0 - np.minimum(constraint(graph), 1.0))


@pytest.mark.parametrize("seed", range(5))
def test_fast_matches_reference_without_truncation(seed: int) -> None:
    graph = random_graph(30, 0.12, seed)
    np.testing.assert_allclose(constraint(graph), constraint_reference(graph))
    np.testing.assert_allclose(effective_size(graph), effective_size_reference(graph))
    np.testing.assert_allclose(constraint(graph, max_ties=None), constraint(graph))


@pytest.mark.parametrize(("seed", "max_ties"), [(0, 1), (1, 3), (2, 5), (3, 8)])
def test_truncated_fast_matches_reference(seed: int, max_ties: int) -> None:
    # Integer weights create equal strengths, exercising the node-order tie-break.
    graph = random_graph(25, 0.4, seed, integer_weights=True)
    assert int(np.diff(graph.out.indptr).max()) > max_ties
    np.testing.assert_allclose(
        constraint(graph, max_ties=max_ties), constraint_reference(graph, max_ties=max_ties)
    )
    np.testing.assert_allclose(
        effective_size(graph, max_ties=max_ties),
        effective_size_reference(graph, max_ties=max_ties),
    )


def test_truncation_keeps_the_strongest_ties() -> None:
    # Hub 0 has strong ties to 1, 2 and a weak one to 3; with two ties kept, the weak
    # tie is dropped and 0 looks like a broker between 1 and 2 only.
    graph = graph_from_edges(4, [(0, 1, 3.0), (0, 2, 2.0), (0, 3, 0.5)])
    p1, p2 = 3.0 / 5.0, 2.0 / 5.0
    assert constraint(graph, max_ties=2)[0] == pytest.approx(p1**2 + p2**2)
    assert effective_size(graph, max_ties=2)[0] == pytest.approx(2.0)


def test_rejects_non_positive_max_ties() -> None:
    with pytest.raises(ValueError, match="max_ties"):
        constraint(random_graph(5, 0.5, 0), max_ties=0)
