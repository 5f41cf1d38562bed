"""Reach, audience and strengths: hand-computed example, networkx, reference twins."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from renown.graph import build_graph
from renown.prominence.measures.degree import (
    audience,
    audience_reference,
    in_strength,
    in_strength_reference,
    out_strength,
    out_strength_reference,
    reach,
    reach_reference,
)
from tests.conftest import AS_OF, make_events
from tests.measures.graphs import graph_from_edges, random_graph, to_networkx

# 0 <-> 1 <-> 2, 3 -> 1, 4 -> 0
EXAMPLE = graph_from_edges(
    5,
    [(0, 1, 1.0), (2, 1, 2.0), (3, 1, 0.5), (1, 0, 0.5), (1, 2, 3.0), (4, 0, 1.0)],
)


def test_hand_computed_example() -> None:
    np.testing.assert_array_equal(reach(EXAMPLE), [2, 3, 1, 0, 0])
    np.testing.assert_array_equal(audience(EXAMPLE), [1, 2, 1, 1, 1])
    np.testing.assert_allclose(in_strength(EXAMPLE), [1.5, 3.5, 3.0, 0.0, 0.0])
    np.testing.assert_allclose(out_strength(EXAMPLE), [1.0, 3.5, 2.0, 0.5, 1.0])


def test_results_are_float64_per_node() -> None:
    for measure in (reach, audience, in_strength, out_strength):
        values = measure(EXAMPLE)
        assert values.dtype == np.float64
        assert values.shape == (EXAMPLE.n,)


@pytest.mark.parametrize("seed", range(4))
def test_against_networkx(seed: int) -> None:
    graph = random_graph(15, 0.2, seed)
    g = to_networkx(graph)
    nodes = range(graph.n)
    np.testing.assert_array_equal(reach(graph), [g.in_degree(v) for v in nodes])
    np.testing.assert_array_equal(audience(graph), [g.out_degree(v) for v in nodes])
    np.testing.assert_allclose(in_strength(graph), [g.in_degree(v, weight="weight") for v in nodes])
    np.testing.assert_allclose(
        out_strength(graph), [g.out_degree(v, weight="weight") for v in nodes]
    )
    assert nx.number_of_edges(g) == graph.m


@pytest.mark.parametrize("seed", range(6))
def test_fast_matches_reference_on_random_graphs(seed: int) -> None:
    graph = random_graph(40, 0.08, seed)
    np.testing.assert_array_equal(reach(graph), reach_reference(graph))
    np.testing.assert_array_equal(audience(graph), audience_reference(graph))
    np.testing.assert_allclose(in_strength(graph), in_strength_reference(graph))
    np.testing.assert_allclose(out_strength(graph), out_strength_reference(graph))


def test_many_messages_from_one_person_count_once_in_reach() -> None:
    rows: list[tuple[str | None, str, str]] = [("ann", "bob", "email")] * 50
    events = make_events([*rows, ("cid", "bob", "email")])
    graph = build_graph(events, as_of=AS_OF)
    values = dict(zip(graph.people, reach(graph), strict=True))
    assert values == {"ann": 0.0, "bob": 2.0, "cid": 0.0}
    strengths = dict(zip(graph.people, in_strength(graph), strict=True))
    assert strengths["bob"] == pytest.approx(np.log1p(50.0) + np.log1p(1.0))


def test_empty_graph() -> None:
    graph = graph_from_edges(0, [])
    for measure in (reach, audience, in_strength, out_strength):
        assert measure(graph).shape == (0,)
