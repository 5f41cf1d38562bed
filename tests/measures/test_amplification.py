"""Amplification: hand-computed example with anonymous engagement, reference twin."""

from __future__ import annotations

import numpy as np
import pytest

from renown.graph import build_graph
from renown.prominence.measures.amplification import amplification, amplification_reference
from tests.conftest import AS_OF, make_events
from tests.measures.graphs import graph_from_edges, random_graph


def test_hand_computed_example() -> None:
    edges = [(0, 1, 1.0), (2, 1, 1.0), (3, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (4, 0, 1.0)]
    volumes = [2.0, 4.0, 1.0, 1.0, 6.0, 3.0]
    graph = graph_from_edges(5, edges, volumes=volumes, anonymous=[0.0, 1.5, 0.0, 0.0, 0.5])
    expected = [
        (1.0 + 3.0) / (2.0 + 1.0),
        (2.0 + 4.0 + 1.0 + 1.5) / (1.0 + 6.0 + 1.0),
        6.0 / (4.0 + 1.0),
        0.0 / (1.0 + 1.0),
        0.5 / (3.0 + 1.0),
    ]
    np.testing.assert_allclose(amplification(graph), expected)


def test_anonymous_upvotes_count_from_events() -> None:
    events = make_events(
        [
            (None, "ann", "social"),
            (None, "ann", "social"),
            ("bob", "ann", "email"),
            ("ann", "bob", "email"),
        ]
    )
    graph = build_graph(events, as_of=AS_OF)
    values = dict(zip(graph.people, amplification(graph), strict=True))
    assert values["ann"] == pytest.approx((0.5 + 0.5 + 1.0) / (1.0 + 1.0))
    assert values["bob"] == pytest.approx(1.0 / 2.0)


@pytest.mark.parametrize("seed", range(5))
def test_fast_matches_reference(seed: int) -> None:
    graph = random_graph(40, 0.1, seed)
    np.testing.assert_allclose(amplification(graph), amplification_reference(graph))
