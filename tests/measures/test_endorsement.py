"""Endorsement and engagement: hand-computed examples, saturation, the crowd, reference twins."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.stats import spearmanr

from renown.prominence.measures.endorsement import (
    endorsement,
    endorsement_reference,
    tie_strength,
)
from renown.prominence.measures.engagement import engagement, engagement_reference
from tests.measures.graphs import graph_from_edges, random_graph


def test_one_round_by_hand() -> None:
    # 0 -> 1 and 2 -> 1 with volume 1 (tie 1/2), 2 -> 0 with volume 2 (tie 3/4)
    graph = graph_from_edges(3, [(0, 1, 1.0), (2, 1, 1.0), (2, 0, 1.0)], volumes=[1.0, 1.0, 2.0])
    hub = np.array([0.5, 0.0, 0.5 + 0.75])  # sum of each sender's ties (authority 1 each)
    authority = np.array([0.75 * hub[2], 0.5 * hub[0] + 0.5 * hub[2], 0.0])
    np.testing.assert_allclose(endorsement(graph, rounds=1), np.sqrt(authority))


def test_ties_saturate_so_volume_cannot_buy_endorsement() -> None:
    assert tie_strength(np.array([0.0, 1.0, 2.0, 100.0])) == pytest.approx([0.0, 0.5, 0.75, 1.0])
    # one admirer writing a hundred times (to 1) vs two people writing three times each (to 4)
    edges = [(0, 1, 1.0), (2, 4, 1.0), (3, 4, 1.0)]
    values = endorsement(graph_from_edges(5, edges, volumes=[100.0, 3.0, 3.0]))
    assert values[4] > values[1]
    steady = endorsement(graph_from_edges(5, edges, volumes=[3.0, 3.0, 3.0]))
    assert values[1] / steady[1] < 1.15  # 97 more messages: at most the last eighth of a tie


def test_the_crowd_counts_as_one_endorser() -> None:
    quiet = graph_from_edges(3, [(0, 1, 1.0)], anonymous=[0.0, 0.0, 0.0])
    upvoted = graph_from_edges(3, [(0, 1, 1.0)], anonymous=[0.0, 0.0, 50.0])
    assert endorsement(quiet)[2] == 0.0
    assert endorsement(upvoted)[2] > endorsement(upvoted)[1]


@pytest.mark.parametrize("seed", range(5))
def test_fast_matches_reference(seed: int) -> None:
    graph = random_graph(40, 0.1, seed)
    np.testing.assert_allclose(endorsement(graph), endorsement_reference(graph), rtol=1e-9)
    np.testing.assert_allclose(engagement(graph), engagement_reference(graph), rtol=1e-12)


def test_more_rounds_converge_to_hits_authority_on_tie_strengths() -> None:
    graph = random_graph(60, 0.08, 7)
    ties = tie_strength(graph.out.volume)
    src, dst, _ = graph.edges()
    reference = nx.DiGraph()
    reference.add_nodes_from(range(graph.n))
    reference.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), ties.tolist(), strict=True))
    # the crowd is one more hub, tied to each person by log1p of their anonymous engagement
    reference.add_weighted_edges_from(
        ("crowd", k, float(np.log1p(a))) for k, a in enumerate(graph.anonymous) if a > 0
    )
    _, authority = nx.hits(reference, max_iter=10_000, tol=1e-12)
    converged = [authority[k] for k in range(graph.n)]
    assert spearmanr(endorsement(graph, rounds=40), converged).statistic > 0.99


def test_rounds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="rounds"):
        endorsement(random_graph(5, 0.5, 1), rounds=0)


def test_engagement_adds_anonymous_engagement_to_scaled_inbound_weights() -> None:
    graph = graph_from_edges(3, [(0, 1, 2.0), (2, 1, 0.5)], anonymous=[1.0, 3.0, 0.0])
    np.testing.assert_allclose(engagement(graph), [1.0, 2.0 + 0.5 + 3.0, 0.0])


def test_absurd_anonymous_engagement_cannot_turn_everybody_into_nan() -> None:
    graph = graph_from_edges(3, [(0, 1, 1.0)], anonymous=[np.inf, np.nan, 1.0])
    values = endorsement(graph)
    assert np.all(np.isfinite(values))
    assert values[0] > values[2] > 0.0
