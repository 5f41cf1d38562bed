"""The measure registry: every default-parameter measure runs on a built graph."""

from __future__ import annotations

import numpy as np
import pytest

from renown.graph import build_graph
from renown.prominence.measures import MEASURES, OPT_IN_MEASURES
from tests.conftest import AS_OF, make_events

OWN_MEASURES = [
    "reach",
    "audience",
    "in_strength",
    "out_strength",
    "hits_authority",
    "hits_hub",
    "betweenness",
    "constraint",
    "brokerage",
    "effective_size",
    "core_number",
    "breadth",
    "amplification",
    "responsiveness",
]


def test_registry_lists_every_measure() -> None:
    assert set(OWN_MEASURES).issubset(MEASURES)
    assert "pagerank" in MEASURES
    assert OPT_IN_MEASURES.issubset(MEASURES)
    assert "betweenness" in OPT_IN_MEASURES


@pytest.mark.parametrize("name", OWN_MEASURES)
def test_registry_measure_runs_on_a_built_graph(name: str) -> None:
    events = make_events(
        [
            ("ann", "bob", "email"),
            ("bob", "ann", "chat"),
            ("cid", "bob", "review"),
            ("dan", "cid", "email"),
            (None, "dan", "social"),
            ("bob", "dan", "email"),
        ]
    )
    graph = build_graph(events, as_of=AS_OF, groups={"ann": "eng", "bob": "eng", "cid": "ops"})
    values = MEASURES[name](graph)
    assert values.dtype == np.float64
    assert values.shape == (graph.n,)
    assert np.all(np.isfinite(values))
    assert np.all(values >= 0.0)
