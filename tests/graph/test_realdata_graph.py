"""The graph builder and PageRank on the real email-Eu-core network (RENOWN_DATA_HOME).

Skipped without RENOWN_DATA_HOME; fails (never skips) when it is set and the files are
missing or wrong.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import networkx as nx
import numpy as np
import polars as pl
import pytest

from renown.datasets import load_eu_core
from renown.graph import build_graph
from renown.prominence.measures.pagerank import pagerank
from tests.graph.reference import assert_same_view, reference_view, view_of


@pytest.fixture(scope="module")
def eu_core(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    import os

    home = os.environ.get("RENOWN_DATA_HOME")
    if not home:
        pytest.skip("RENOWN_DATA_HOME is not set")
    cache = tmp_path_factory.mktemp("cache")
    return load_eu_core(temporal=True, data_home=Path(home), cache_dir=cache).events


def _as_of(events: pl.DataFrame) -> datetime:
    newest = events["timestamp"].max()
    assert isinstance(newest, datetime)
    return newest


def test_graph_matches_reference_and_raw_pairs(eu_core: pl.DataFrame) -> None:
    as_of = _as_of(eu_core)
    graph = build_graph(eu_core, as_of=as_of)
    assert_same_view(view_of(graph), reference_view(eu_core, as_of=as_of))
    distinct = eu_core.filter(pl.col("actor") != pl.col("target")).select("actor", "target")
    assert graph.m == distinct.unique().height
    assert graph.n == pl.concat([distinct["actor"], distinct["target"]]).n_unique()
    shuffled = build_graph(eu_core.sample(fraction=1.0, shuffle=True, seed=1), as_of=as_of)
    assert_same_view(view_of(shuffled), view_of(graph))


def test_pagerank_matches_networkx(eu_core: pl.DataFrame) -> None:
    graph = build_graph(eu_core, as_of=_as_of(eu_core))
    digraph = nx.DiGraph()
    digraph.add_nodes_from(range(graph.n))
    src, dst, weight = graph.edges()
    digraph.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True))
    want = nx.pagerank(digraph, alpha=0.85, tol=1e-15, max_iter=10_000)
    expected = np.array([want[i] for i in range(graph.n)])
    for dtype in (np.float32, np.float64):
        got = pagerank(graph, tol=1e-12, dtype=dtype)
        assert np.abs(got - expected).sum() < 1e-9
    default = pagerank(graph)
    assert np.abs(default - expected).sum() < 1e-5  # tol 1e-6 on the L1 change
