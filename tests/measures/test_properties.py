"""Properties every measure must keep, checked on generated graphs.

Both properties are parametrised from the component registry, so a newly registered
component is checked without touching this file:

* Relabelling people permutes the results and changes nothing else (every component, and
  the library measures no component uses).
* Being addressed once more never lowers the value of a component registered as
  ``monotone``; for breadth it changes nobody else's value, and for amplification it
  raises nobody else's.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from renown.graph.csr import InteractionGraph
from renown.prominence.components import COMPONENTS
from renown.prominence.measures import ConvergenceError
from renown.prominence.measures.amplification import amplification
from renown.prominence.measures.breadth import breadth
from tests.measures.graphs import Edge, graph_from_edges, permuted
from tests.measures.test_registry import LIBRARY_ONLY

MAX_PEOPLE = 8
WEIGHTS = st.sampled_from([0.25, 0.5, 1.0, 2.0, 3.5])


@st.composite
def graphs(draw: st.DrawFn, *, min_people: int = 1) -> tuple[int, list[Edge], list[int]]:
    """A small graph: people, pairs ``(actor, target, weight)`` and groups (``-1`` unknown)."""
    n = draw(st.integers(min_people, MAX_PEOPLE))
    edges = draw(st.lists(st.tuples(pairs(n), WEIGHTS), max_size=3 * n if n > 1 else 0))
    groups = draw(st.lists(st.integers(-1, 2), min_size=n, max_size=n))
    return n, [(s, t, w) for (s, t), w in edges], groups


def pairs(n: int) -> st.SearchStrategy[tuple[int, int]]:
    """Ordered pairs of distinct people among ``n >= 2`` (target = actor + a non-zero shift)."""
    return st.tuples(st.integers(0, n - 1), st.integers(1, max(n - 1, 1))).map(
        lambda p: (p[0], (p[0] + p[1]) % n)
    )


EQUIVARIANT = {
    **{name: component.measure for name, component in COMPONENTS.items()},
    **LIBRARY_ONLY,
}
"""Every registered component (betweenness is exact here: its sample exceeds the people)."""

MONOTONE = sorted(name for name, component in COMPONENTS.items() if component.monotone)

MONOTONE_TOLERANCE = 1e-5
"""Iterative measures (PageRank) stop at a tolerance; anything larger is a real decrease."""


@pytest.mark.parametrize("name", sorted(EQUIVARIANT))
@settings(deadline=None, max_examples=100)
@given(drawn=graphs(), data=st.data())
def test_relabelling_people_permutes_results(
    name: str, drawn: tuple[int, list[Edge], list[int]], data: st.DataObject
) -> None:
    n, edges, groups = drawn
    graph = graph_from_edges(n, edges, groups=groups, anonymous=[0.1 * i for i in range(n)])
    perm = data.draw(st.permutations(range(n)))
    moved = permuted(graph, perm)
    measure = EQUIVARIANT[name]
    try:
        before = measure(graph)
    except ConvergenceError:
        assume(False)  # near-tied principal directions: no well-defined HITS vector
    after = measure(moved)
    np.testing.assert_allclose(after[perm], before, atol=1e-7, err_msg=name)


def addressed_again(
    drawn: tuple[int, list[Edge], list[int]], data: st.DataObject
) -> tuple[InteractionGraph, InteractionGraph, int]:
    """A graph, the same graph with one more interaction, and the person it addressed."""
    n, edges, groups = drawn
    actor, target = data.draw(pairs(n))
    extra = (actor, target, data.draw(WEIGHTS))
    before = graph_from_edges(n, edges, groups=groups)
    return before, graph_from_edges(n, [*edges, extra], groups=groups), target


@pytest.mark.parametrize("name", MONOTONE)
@settings(deadline=None, max_examples=100)
@given(drawn=graphs(min_people=2), data=st.data())
def test_being_addressed_again_never_lowers_a_monotone_component(
    name: str, drawn: tuple[int, list[Edge], list[int]], data: st.DataObject
) -> None:
    before_graph, after_graph, target = addressed_again(drawn, data)
    measure = COMPONENTS[name].measure
    before, after = measure(before_graph), measure(after_graph)
    assert after[target] >= before[target] - MONOTONE_TOLERANCE, name


@settings(deadline=None, max_examples=100)
@given(graphs(min_people=2), st.data())
def test_being_addressed_again_moves_nobody_else_up_in_breadth_or_amplification(
    drawn: tuple[int, list[Edge], list[int]], data: st.DataObject
) -> None:
    before_graph, after_graph, target = addressed_again(drawn, data)
    others = np.arange(before_graph.n) != target
    breadth_before, breadth_after = breadth(before_graph), breadth(after_graph)
    np.testing.assert_allclose(breadth_after[others], breadth_before[others], atol=1e-12)
    amplification_before = amplification(before_graph)
    assert np.all(amplification(after_graph)[others] <= amplification_before[others] + 1e-12)
