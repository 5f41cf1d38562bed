"""Label propagation: obvious communities, determinism and the reference twin."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from renown.prominence.measures.communities import (
    communities,
    communities_reference,
    compact_labels,
)
from tests.measures.graphs import from_networkx, graph_from_edges, random_graph


def _two_teams() -> nx.Graph:
    """Two 5-cliques with strong inner ties and one weak tie between them."""
    g = nx.Graph()
    for offset in (0, 5):
        for u in range(5):
            for v in range(u + 1, 5):
                g.add_edge(u + offset, v + offset, weight=2.0)
    g.add_edge(4, 5, weight=0.1)
    return g


def test_finds_two_obvious_teams() -> None:
    labels = communities(from_networkx(_two_teams()))
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, [0] * 5 + [1] * 5)


def test_isolates_and_zero_strength_ties_make_singletons() -> None:
    graph = graph_from_edges(5, [(0, 1, 1.0), (1, 0, 1.0), (2, 3, 0.0)])
    np.testing.assert_array_equal(communities(graph), [0, 0, 1, 2, 3])


def test_deterministic_for_a_seed() -> None:
    graph = random_graph(60, 0.05, 3)
    np.testing.assert_array_equal(communities(graph, seed=7), communities(graph, seed=7))


@pytest.mark.parametrize("seed", range(6))
def test_fast_matches_reference(seed: int) -> None:
    graph = random_graph(40, 0.06, seed, integer_weights=seed % 2 == 0)
    np.testing.assert_array_equal(
        communities(graph, seed=seed), communities_reference(graph, seed=seed)
    )


def test_max_sweeps_bounds_the_work() -> None:
    graph = from_networkx(_two_teams())
    np.testing.assert_array_equal(communities(graph, max_sweeps=0), np.arange(10))


def test_compact_labels_number_by_first_appearance() -> None:
    labels = np.array([7, 3, 7, 9, 3], dtype=np.int32)
    np.testing.assert_array_equal(compact_labels(labels), [0, 1, 0, 2, 1])
    assert compact_labels(np.zeros(0, dtype=np.int32)).shape == (0,)


def test_weighted_karate_club_communities_respect_the_split() -> None:
    # Zachary (1977) counted interactions between club members, which then split in
    # two: label propagation on those weights finds a few groups, each almost entirely
    # on one side of the split.
    karate = nx.karate_club_graph()
    labels = communities(from_networkx(karate))
    assert 2 <= len(set(labels.tolist())) <= 5
    faction = np.array([karate.nodes[v]["club"] == "Mr. Hi" for v in range(34)])
    agreeing = sum(
        max(faction[labels == c].sum(), (~faction[labels == c]).sum()) for c in set(labels)
    )
    assert agreeing >= 32
