"""HITS against networkx (ARPACK), the plain-loop reference and its edge cases."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from renown.prominence.measures import ConvergenceError
from renown.prominence.measures.hits import hits, hits_authority, hits_hub, hits_reference
from tests.measures.graphs import (
    from_networkx,
    graph_from_edges,
    random_graph,
    scale_free_digraph,
    to_networkx,
)


def _networkx_hits(graph_nx: nx.DiGraph) -> tuple[np.ndarray, np.ndarray]:
    hubs, authorities = nx.hits(graph_nx, tol=1e-12, max_iter=10_000)
    nodes = sorted(graph_nx)
    return np.array([hubs[v] for v in nodes]), np.array([authorities[v] for v in nodes])


NETWORKX_GRAPHS = {
    "random-weighted": random_graph(12, 0.3, 1),
    "random-sparse": random_graph(20, 0.15, 2),
    "kite-both-ways": from_networkx(nx.krackhardt_kite_graph(), weight=None),
    "scale-free": from_networkx(scale_free_digraph(30, seed=3), weight=None),
}


@pytest.mark.parametrize("name", sorted(NETWORKX_GRAPHS))
def test_matches_networkx(name: str) -> None:
    graph = NETWORKX_GRAPHS[name]
    expected_hubs, expected_authorities = _networkx_hits(to_networkx(graph))
    hubs, authorities = hits(graph)
    np.testing.assert_allclose(authorities, expected_authorities, atol=1e-8)
    np.testing.assert_allclose(hubs, expected_hubs, atol=1e-8)


def test_hand_computed_bipartite_block() -> None:
    # Two hubs pointing at the same two authorities, plus a lone edge: the lone pair's
    # singular value (1) is below the bipartite block's (2), so it gets nothing.
    graph = graph_from_edges(6, [(0, 2, 1.0), (0, 3, 1.0), (1, 2, 1.0), (1, 3, 1.0), (4, 5, 1.0)])
    hubs, authorities = hits(graph)
    np.testing.assert_allclose(hubs, [0.5, 0.5, 0, 0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(authorities, [0, 0, 0.5, 0.5, 0, 0], atol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_fast_matches_reference_on_random_graphs(seed: int) -> None:
    graph = random_graph(25, 0.12, seed)
    hubs, authorities = hits(graph)
    ref_hubs, ref_authorities = hits_reference(graph)
    np.testing.assert_allclose(hubs, ref_hubs, atol=1e-9)
    np.testing.assert_allclose(authorities, ref_authorities, atol=1e-9)
    assert hubs.sum() == pytest.approx(1.0)
    assert authorities.sum() == pytest.approx(1.0)


def test_registry_halves() -> None:
    graph = random_graph(10, 0.3, 7)
    hubs, authorities = hits(graph)
    np.testing.assert_array_equal(hits_hub(graph), hubs)
    np.testing.assert_array_equal(hits_authority(graph), authorities)


def test_graph_without_weight_is_uniform() -> None:
    hubs, authorities = hits(graph_from_edges(4, []))
    np.testing.assert_allclose(hubs, 0.25)
    np.testing.assert_allclose(authorities, 0.25)
    empty_hubs, empty_authorities = hits(graph_from_edges(0, []))
    assert empty_hubs.shape == empty_authorities.shape == (0,)


def test_repeated_top_singular_value_is_split_evenly() -> None:
    # Two identical disconnected teams: any mix of them is principal; from the uniform
    # start, both get the same share (networkx may return either team).
    graph = graph_from_edges(4, [(0, 1, 1.0), (2, 3, 1.0)])
    hubs, authorities = hits(graph)
    np.testing.assert_allclose(hubs, [0.5, 0, 0.5, 0])
    np.testing.assert_allclose(authorities, [0, 0.5, 0, 0.5])


def test_reports_non_convergence() -> None:
    with pytest.raises(ConvergenceError, match="did not converge"):
        hits(random_graph(12, 0.3, 1), max_iter=2)
