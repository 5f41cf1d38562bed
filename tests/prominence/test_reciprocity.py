"""Reciprocated pairs from the row merge agree with a plain dictionary lookup."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from renown.graph.build import build_graph
from renown.prominence.reciprocity import reciprocated_pairs
from tests.helpers import AS_OF, random_events


def _reference(graph):  # type: ignore[no-untyped-def]
    src, dst, _ = graph.edges()
    volume = dict(
        zip(zip(src.tolist(), dst.tolist(), strict=True), graph.out.volume.tolist(), strict=True)
    )
    return sorted(
        (i, j, v, volume[(j, i)]) for (i, j), v in volume.items() if i < j and (j, i) in volume
    )


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), people=st.integers(2, 40))
def test_merge_matches_reference(seed: int, people: int) -> None:
    graph = build_graph(random_events(people, people * 12, seed=seed), as_of=AS_OF)
    a, b, there, back = reciprocated_pairs(graph)
    found = sorted(zip(a.tolist(), b.tolist(), there.tolist(), back.tolist(), strict=True))
    assert found == _reference(graph)
    assert (a < b).all()


def test_no_pairs_on_a_one_way_graph() -> None:
    events = random_events(2, 1, seed=1)
    a, _, _, _ = reciprocated_pairs(build_graph(events, as_of=AS_OF))
    assert len(a) == 0
    assert a.dtype == np.int32
