"""Breadth: hand-computed soft counts, unknown groups, communities fallback, reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from renown.graph import build_graph
from renown.prominence.measures.breadth import breadth, breadth_reference
from renown.prominence.measures.communities import communities
from tests.conftest import AS_OF, make_events
from tests.measures.graphs import graph_from_edges, random_graph

EDGES = [
    (1, 0, 0.5),
    (4, 0, 1.0),
    (0, 1, 1.0),
    (2, 1, 2.0),
    (3, 1, 0.5),
    (1, 2, 3.0),
    (0, 4, 1.0),
    (1, 4, 2.0),
]
GROUPS = [0, 1, 0, 1, -1]  # person 4's group is unknown


def _soft(s: float, s0: float = 1.0) -> float:
    return 1.0 - math.exp(-s / s0)


def test_hand_computed_example() -> None:
    graph = graph_from_edges(5, EDGES, groups=GROUPS)
    expected = [
        _soft(0.5),  # from group 1 (0.5); person 4 belongs to no group
        _soft(1.0 + 2.0),  # two people of group 0 add up; 3 is a team-mate
        _soft(3.0),
        0.0,  # addressed by nobody
        _soft(1.0) + _soft(2.0),  # unknown group: every known group is "other"
    ]
    np.testing.assert_allclose(breadth(graph), expected)
    np.testing.assert_allclose(
        breadth(graph, saturation=2.0),
        [_soft(0.5, 2), _soft(3, 2), _soft(3, 2), 0, _soft(1, 2) + _soft(2, 2)],
    )


def test_one_chatty_group_cannot_stand_in_for_many() -> None:
    # Person 0 hears a lot from group 1 only; person 4 hears a little from three groups.
    edges = [(1, 0, 9.0), (2, 4, 1.0), (3, 4, 1.0), (1, 4, 1.0)]
    graph = graph_from_edges(5, edges, groups=[0, 1, 2, 3, 0])
    values = breadth(graph)
    assert values[0] < 1.0 < values[4]


def test_without_groups_uses_communities() -> None:
    graph = random_graph(30, 0.1, 5)
    assert graph.groups is None
    with_communities = graph_from_edges(
        30,
        [(int(s), int(d), float(w)) for s, d, w in zip(*graph.edges(), strict=True)],
        groups=communities(graph).tolist(),
    )
    np.testing.assert_allclose(breadth(graph), breadth(with_communities))


def test_departments_from_the_builder() -> None:
    events = make_events(
        [
            ("ann", "dan", "email"),
            ("bob", "dan", "chat"),
            ("cid", "dan", "email"),
            ("dan", "ann", "email"),
        ]
    )
    groups = {"ann": "eng", "bob": "eng", "cid": "sales", "dan": "ops"}
    graph = build_graph(events, as_of=AS_OF, groups=groups)
    values = dict(zip(graph.people, breadth(graph), strict=True))
    email, chat = np.log1p(1.0), np.log1p(0.7)
    assert values["dan"] == pytest.approx(_soft(email + chat) + _soft(email))
    assert values["ann"] == pytest.approx(_soft(email))
    assert values["bob"] == values["cid"] == 0.0


@pytest.mark.parametrize("seed", range(6))
def test_fast_matches_reference(seed: int) -> None:
    graph = random_graph(40, 0.1, seed, n_groups=1 + seed)
    np.testing.assert_allclose(breadth(graph), breadth_reference(graph))
    ungrouped = random_graph(40, 0.1, seed)
    np.testing.assert_allclose(breadth(ungrouped), breadth_reference(ungrouped))


def test_rejects_non_positive_saturation() -> None:
    with pytest.raises(ValueError, match="saturation"):
        breadth(graph_from_edges(2, [(0, 1, 1.0)], groups=[0, 1]), saturation=0.0)
