"""Betweenness: exact values against networkx, sampling against the reference and the
exact value it estimates."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from renown.prominence.measures.betweenness import (
    betweenness,
    betweenness_from_sources,
    betweenness_reference,
    sample_sources,
)
from tests.measures.graphs import (
    from_networkx,
    graph_from_edges,
    random_graph,
    scale_free_digraph,
    to_networkx,
)

EXACT_GRAPHS = {
    "kite-both-ways": from_networkx(nx.krackhardt_kite_graph()),
    "directed-path": from_networkx(nx.path_graph(6, create_using=nx.DiGraph)),
    "directed-cycle": from_networkx(nx.cycle_graph(7, create_using=nx.DiGraph)),
    "star-both-ways": from_networkx(nx.star_graph(5)),
    "random": random_graph(30, 0.1, 4),
    "scale-free": from_networkx(scale_free_digraph(40, seed=5), weight=None),
}


def _bridged_cliques() -> nx.Graph:
    """Two 4-cliques whose only connection runs through node 4, the bridge."""
    g = nx.complete_graph(4)
    g.add_edges_from((u + 5, v + 5) for u, v in nx.complete_graph(4).edges)
    g.add_edges_from([(3, 4), (4, 5)])
    return g


@pytest.mark.parametrize("name", sorted(EXACT_GRAPHS))
def test_exact_matches_networkx(name: str) -> None:
    graph = EXACT_GRAPHS[name]
    expected = nx.betweenness_centrality(to_networkx(graph), normalized=True)
    np.testing.assert_allclose(betweenness(graph, k=graph.n), [expected[v] for v in range(graph.n)])
    np.testing.assert_allclose(betweenness(graph, k=10 * graph.n), betweenness(graph, k=graph.n))


def test_published_krackhardt_kite_values() -> None:
    # Krackhardt (1990): Heather (node 7) has the highest betweenness, 14 of 36 pairs.
    values = betweenness(from_networkx(nx.krackhardt_kite_graph()), k=10)
    assert int(np.argmax(values)) == 7
    assert values[7] == pytest.approx(14 / 36)


@pytest.mark.parametrize("seed", range(4))
def test_sampled_fast_matches_reference(seed: int) -> None:
    graph = random_graph(25, 0.12, seed)
    for k in (2, 5, 12):
        np.testing.assert_allclose(
            betweenness(graph, k=k, seed=seed), betweenness_reference(graph, k=k, seed=seed)
        )


def test_exact_fast_matches_reference_on_random_graphs() -> None:
    for seed in range(3):
        graph = random_graph(20, 0.15, 10 + seed)
        np.testing.assert_allclose(betweenness(graph, k=20), betweenness_reference(graph, k=20))


def test_sampled_estimate_is_unbiased_over_all_source_sets() -> None:
    # The estimator is unbiased exactly: averaging it over every k-subset of sources
    # gives back the exact betweenness, for sources and non-sources alike.
    graph = from_networkx(_bridged_cliques())
    exact = betweenness(graph, k=graph.n)
    subsets = [np.array(s, dtype=np.int32) for s in combinations(range(graph.n), 3)]
    mean = np.mean([betweenness_from_sources(graph, s) for s in subsets], axis=0)
    np.testing.assert_allclose(mean, exact, atol=1e-12)


def test_seeded_samples_find_the_bridge() -> None:
    graph = from_networkx(_bridged_cliques())
    exact = betweenness(graph, k=graph.n)
    estimates = np.array([betweenness(graph, k=4, seed=seed) for seed in range(300)])
    np.testing.assert_allclose(estimates.mean(axis=0), exact, atol=0.05)
    assert int(np.argmax(exact)) == int(np.argmax(estimates.mean(axis=0))) == 4
    assert np.all(estimates[:, [0, 1, 2, 6, 7, 8]] == 0.0)


def test_same_seed_same_result_and_sources_are_distinct() -> None:
    graph = random_graph(50, 0.05, 9)
    np.testing.assert_array_equal(betweenness(graph, k=8, seed=3), betweenness(graph, k=8, seed=3))
    sources = sample_sources(50, 8, seed=3)
    assert len(set(sources.tolist())) == 8
    np.testing.assert_array_equal(sample_sources(5, 8, seed=3), np.arange(5))


def test_small_or_edgeless_graphs_are_zero() -> None:
    np.testing.assert_array_equal(betweenness(graph_from_edges(2, [(0, 1, 1.0)])), [0.0, 0.0])
    np.testing.assert_array_equal(betweenness(graph_from_edges(4, [])), np.zeros(4))


def test_rejects_a_single_sampled_source() -> None:
    with pytest.raises(ValueError, match="k >= 2"):
        betweenness(random_graph(10, 0.3, 1), k=1)
