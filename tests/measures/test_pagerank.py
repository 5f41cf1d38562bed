"""PageRank against networkx, the slow reference, and the link-addition properties."""

from __future__ import annotations

import importlib

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from renown.graph import build_graph
from renown.graph.csr import InteractionGraph
from renown.prominence.measures import ConvergenceError
from renown.prominence.measures.pagerank import (
    FLOAT32_FLOOR,
    pagerank,
    pagerank_csr,
    pagerank_reference,
    pagerank_run,
    transition_operator,
)
from tests.helpers import AS_OF, random_events
from tests.measures.graphs import edges_of, graph_from_edges, random_graph

# the package re-exports the function under the module's name, so fetch the module itself
pagerank_module = importlib.import_module("renown.prominence.measures.pagerank")


def _networkx(
    graph: InteractionGraph,
    *,
    alpha: float = 0.85,
    personalization: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    digraph = nx.DiGraph()
    digraph.add_nodes_from(range(graph.n))
    digraph.add_weighted_edges_from(edges_of(graph))
    p = None if personalization is None else dict(enumerate(personalization.tolist()))
    ranks = nx.pagerank(
        digraph, alpha=alpha, personalization=p, weight="weight", tol=1e-15, max_iter=100_000
    )
    return np.array([ranks[i] for i in range(graph.n)])


def _graphs() -> dict[str, InteractionGraph]:
    return {
        # 3 is dangling, 4 is isolated
        "dangling+isolated": graph_from_edges(
            5, [(0, 1, 1.0), (1, 2, 2.0), (2, 0, 0.5), (2, 3, 3.0), (0, 3, 1.0)]
        ),
        # node 2's only out-edge has weight zero: networkx treats it as dangling
        "zero-weight": graph_from_edges(4, [(0, 1, 1.0), (1, 0, 1.0), (2, 1, 0.0), (3, 2, 2.0)]),
        "random-sparse": random_graph(40, 0.05, seed=1),
        "random-dense": random_graph(30, 0.4, seed=2),
        "from-events": build_graph(random_events(n_people=50, n_events=800, seed=4), as_of=AS_OF),
    }


GRAPHS = _graphs()


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("personalised", [False, True])
@pytest.mark.parametrize("serial", [True, False])
def test_agrees_with_networkx(
    name: str, dtype: type, personalised: bool, serial: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not serial:  # small graphs normally take the serial loop; force the parallel sweeps
        monkeypatch.setattr(pagerank_module, "SERIAL_MAX_EDGES", -1)
    graph = GRAPHS[name]
    rng = np.random.default_rng(7)
    p = None
    if personalised:
        p = rng.random(graph.n)
        p[rng.random(graph.n) < 0.3] = 0.0
        p[0] = 1.0  # keep the sum positive
    want = _networkx(graph, alpha=0.8, personalization=p)
    got = pagerank(graph, alpha=0.8, personalization=p, tol=1e-12, dtype=dtype)
    assert got.dtype == np.float64
    assert np.abs(got - want).sum() < 1e-10
    assert got.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_reference_agrees_with_networkx(name: str) -> None:
    graph = GRAPHS[name]
    assert np.abs(pagerank_reference(graph) - _networkx(graph)).sum() < 1e-10


def test_default_tolerance_is_an_l1_bound() -> None:
    graph = GRAPHS["from-events"]
    exact = pagerank_reference(graph, tol=1e-14)
    run = pagerank_run(transition_operator(graph), tol=1e-6)
    assert run.delta < 1e-6
    # distance to the fixed point is at most delta * alpha / (1 - alpha)
    assert np.abs(run.scores - exact).sum() <= run.delta * 0.85 / 0.15


def test_float32_storage_hands_over_to_float64_below_its_floor() -> None:
    graph = random_graph(200, 0.05, seed=9)
    exact = pagerank_reference(graph, tol=1e-15)
    fast = pagerank_run(transition_operator(graph), dtype=np.float32, tol=FLOAT32_FLOOR)
    assert fast.dtype == "float32"
    assert np.abs(fast.scores - exact).sum() < 5 * FLOAT32_FLOOR
    precise = pagerank_run(transition_operator(graph), dtype=np.float32, tol=1e-13)
    assert precise.dtype == "float64"
    assert np.abs(precise.scores - exact).sum() < 1e-11


def test_csr_entry_point_matches_graph_entry_point() -> None:
    graph = GRAPHS["random-sparse"]
    out = graph.out
    got = pagerank_csr(out.indptr, out.indices, out.weights, graph.n, tol=1e-12)
    assert np.array_equal(got, pagerank(graph, tol=1e-12))


def test_serial_and_parallel_sweeps_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = GRAPHS["from-events"]
    serial = pagerank_run(transition_operator(graph), tol=1e-12)
    monkeypatch.setattr(pagerank_module, "SERIAL_MAX_EDGES", -1)
    parallel = pagerank_run(transition_operator(graph), tol=1e-12)
    assert serial.iterations == parallel.iterations
    np.testing.assert_allclose(parallel.scores, serial.scores, rtol=1e-12)


def test_edge_cases_and_errors() -> None:
    assert pagerank(graph_from_edges(0, [])).shape == (0,)
    assert pagerank(graph_from_edges(3, [])) == pytest.approx(np.full(3, 1 / 3))
    graph = GRAPHS["random-sparse"]
    with pytest.raises(ConvergenceError):
        pagerank(graph, tol=1e-12, max_iter=3)
    with pytest.raises(ValueError, match="alpha"):
        pagerank(graph, alpha=1.0)
    with pytest.raises(ValueError, match="positive sum"):
        pagerank(graph, personalization=np.zeros(graph.n))
    with pytest.raises(ValueError, match="non-negative"):
        pagerank(graph, personalization=-np.ones(graph.n))
    with pytest.raises(ValueError, match="one entry per node"):
        pagerank(graph, personalization=np.ones(graph.n + 1))
    with pytest.raises(ValueError, match="non-negative edge weights"):
        pagerank(graph_from_edges(2, [(0, 1, -1.0)]))
    with pytest.raises(ValueError, match="n x n"):
        pagerank_csr(np.array([0, 1]), np.array([0]), np.array([1.0, 2.0]), 1)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 12),
    edges=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(0.1, 5.0)), max_size=40
    ),
    new_edge=st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(0.1, 5.0)),
)
def test_adding_a_link_never_hurts_its_target(
    n: int, edges: list[tuple[int, int, float]], new_edge: tuple[int, int, float]
) -> None:
    """Chien, Dwork, Kumar, Simon & Sivakumar (2003): a new link j -> i raises i's PageRank
    and does not lower i's rank among the others.

    The proof gives more: every other node's rank relative to i, ``x_k / x_i`` (the
    expected visits to k between two visits to i), can only shrink; that form is checked
    because it is immune to near-ties.
    """
    kept = [(s % n, d % n, w) for s, d, w in edges if s % n != d % n]
    j, i, w = new_edge[0] % n, new_edge[1] % n, new_edge[2]
    if j == i or any((s, d) == (j, i) for s, d, _ in kept):
        return
    before = pagerank(graph_from_edges(n, kept), tol=1e-14, dtype=np.float64)
    after = pagerank(graph_from_edges(n, [*kept, (j, i, w)]), tol=1e-14, dtype=np.float64)
    assert after[i] >= before[i] * (1 - 1e-10)
    assert np.all(after / after[i] <= before / before[i] + 1e-9)
    outranked_before = before > before[i] * (1 + 1e-9)
    outranked_after = after > after[i] * (1 + 1e-9)
    assert not np.any(outranked_after & ~outranked_before)


def _team_graph(n_teams: int = 30, size: int = 20, seed: int = 3) -> InteractionGraph:
    """Most edges stay inside a team: the change then shrinks by a steady ratio."""
    rng = np.random.default_rng(seed)
    n = n_teams * size
    pairs: dict[tuple[int, int], float] = {}
    for source in range(n):
        for _ in range(6):
            if rng.random() < 0.85:
                target = (source // size) * size + int(rng.integers(size))
            else:
                target = int(rng.integers(n))
            if target != source:
                pairs[(source, target)] = float(rng.random() + 0.1)
    return graph_from_edges(n, [(s, d, w) for (s, d), w in pairs.items()])


def _force_extrapolation(monkeypatch: pytest.MonkeyPatch, steps: int) -> None:
    monkeypatch.setattr(pagerank_module, "SERIAL_MAX_EDGES", -1)
    monkeypatch.setattr(pagerank_module, "EXTRAPOLATION_MIN_EDGES", 0)
    monkeypatch.setattr(pagerank_module, "MAX_EXTRAPOLATIONS", steps)


@pytest.mark.parametrize("name", [*sorted(GRAPHS), "teams"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extrapolation_keeps_the_networkx_fixed_point(
    name: str, dtype: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    _force_extrapolation(monkeypatch, steps=2)
    graph = _team_graph() if name == "teams" else GRAPHS[name]
    got = pagerank(graph, alpha=0.8, tol=1e-12, dtype=dtype)
    assert np.abs(got - _networkx(graph, alpha=0.8)).sum() < 1e-10


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extrapolation_saves_sweeps_on_team_structured_graphs(
    dtype: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = _team_graph()
    exact = pagerank_reference(graph, tol=1e-15)
    tol = 1e-6 if dtype is np.float32 else 1e-12
    _force_extrapolation(monkeypatch, steps=0)
    plain = pagerank_run(transition_operator(graph), tol=tol, dtype=dtype)
    _force_extrapolation(monkeypatch, steps=2)
    fast = pagerank_run(transition_operator(graph), tol=tol, dtype=dtype)
    assert fast.iterations < plain.iterations
    assert fast.delta < tol
    # the returned ranks are a plain sweep's output, so the L1 bound of the default rule holds
    assert np.abs(fast.scores - exact).sum() <= fast.delta * 0.85 / 0.15


def test_steady_ratio_detection() -> None:
    steady = pagerank_module._steady
    assert steady([1e-2, 5e-3, 2.5e-3])
    assert steady([1e-2, 5e-3, 2.52e-3])
    assert not steady([1e-2, 5e-3])  # too few changes to know
    assert not steady([1e-2, 5e-3, 3e-3])  # ratios 0.5 then 0.6
    assert not steady([1e-2, 2e-2, 4e-2])  # growing: nothing to extrapolate
    assert not steady([0.0, 0.0, 0.0])
