"""Responsiveness: hand-computed reciprocated strength, ungameable by one side, reference."""

from __future__ import annotations

import numpy as np
import pytest

from renown.prominence.measures.responsiveness import responsiveness, responsiveness_reference
from tests.measures.graphs import graph_from_edges, random_graph

EDGES = [(0, 1, 1.0), (2, 1, 2.0), (3, 1, 0.5), (1, 0, 0.5), (1, 2, 3.0), (4, 0, 1.0)]


def test_hand_computed_example() -> None:
    graph = graph_from_edges(5, EDGES)
    # Reciprocated pairs: {0, 1} -> min(1.0, 0.5); {1, 2} -> min(3.0, 2.0).
    np.testing.assert_allclose(responsiveness(graph), [0.5, 2.5, 2.0, 0.0, 0.0])


def test_one_sided_attention_adds_nothing() -> None:
    spammed = graph_from_edges(5, [*EDGES, (3, 1, 50.0)])
    np.testing.assert_allclose(responsiveness(spammed), responsiveness(graph_from_edges(5, EDGES)))


def test_someone_new_writing_in_does_not_lower_it() -> None:
    before = responsiveness(graph_from_edges(6, EDGES))
    after = responsiveness(graph_from_edges(6, [*EDGES, (5, 1, 1.0)]))
    np.testing.assert_allclose(after, before)


@pytest.mark.parametrize("seed", range(5))
def test_fast_matches_reference(seed: int) -> None:
    graph = random_graph(40, 0.15, seed)
    np.testing.assert_allclose(responsiveness(graph), responsiveness_reference(graph))
