"""The trend window is measured on its weighted components alone, with the same results."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from renown.graph.build import build_graph
from renown.prominence.explain import explain
from renown.prominence.model import ProminenceModel
from renown.scoring.pipeline import score_events
from tests.helpers import random_events


def test_trends_and_component_deltas_equal_a_full_fit_of_the_earlier_window() -> None:
    events = random_events(80, 3000, seed=31)
    result = score_events(events, trend_days=30)
    as_of = result.graph.as_of
    assert as_of is not None
    earlier_graph = build_graph(events, as_of=as_of - timedelta(days=30))
    full = ProminenceModel().fit(earlier_graph)
    assert result.previous is not None
    np.testing.assert_array_equal(result.previous.scores_, full.scores_)
    assert set(result.previous.points_) == set(full.points_)
    for person in list(result.model.people_)[:25]:
        fast = result.explain(person)
        slow = explain(result.model, person, previous=full)
        assert fast.trend == slow.trend
        assert [p.delta for p in fast.parts] == [p.delta for p in slow.parts]
