"""Core number: hand-computed example, networkx and the peeling reference."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from renown.prominence.measures.core_number import core_number, core_number_reference
from tests.measures.graphs import (
    from_networkx,
    graph_from_edges,
    random_graph,
    scale_free_digraph,
    to_networkx,
)


def test_hand_computed_example() -> None:
    # Triangle 0-1-2 (a 2-core), 3 hangs off 0 and 5 off 3 (1-core), 4 is alone.
    # Directions do not matter: 1 -> 2 only one way still makes the triangle.
    graph = graph_from_edges(
        6, [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 0, 1.0), (3, 0, 1.0), (5, 3, 1.0)]
    )
    np.testing.assert_array_equal(core_number(graph), [2, 2, 2, 1, 0, 1])


def test_weights_do_not_matter_but_zero_weight_pairs_are_edges() -> None:
    graph = graph_from_edges(3, [(0, 1, 0.0), (1, 2, 5.0), (2, 0, 0.1)])
    np.testing.assert_array_equal(core_number(graph), [2, 2, 2])


NETWORKX_GRAPHS = {
    "kite": from_networkx(nx.krackhardt_kite_graph(), weight=None),
    "karate": from_networkx(nx.karate_club_graph(), weight=None),
    "random": random_graph(40, 0.1, 2),
    "scale-free": from_networkx(scale_free_digraph(60, seed=1), weight=None),
    "edgeless": graph_from_edges(3, []),
}


@pytest.mark.parametrize("name", sorted(NETWORKX_GRAPHS))
def test_matches_networkx(name: str) -> None:
    graph = NETWORKX_GRAPHS[name]
    expected = nx.core_number(to_networkx(graph).to_undirected())
    np.testing.assert_array_equal(core_number(graph), [expected[v] for v in range(graph.n)])


@pytest.mark.parametrize("seed", range(6))
def test_fast_matches_reference_on_random_graphs(seed: int) -> None:
    graph = random_graph(50, 0.03 + 0.03 * seed, seed)
    np.testing.assert_array_equal(core_number(graph), core_number_reference(graph))


def test_clique_core_is_its_size_minus_one() -> None:
    graph = from_networkx(nx.complete_graph(7), weight=None)
    np.testing.assert_array_equal(core_number(graph), np.full(7, 6.0))
