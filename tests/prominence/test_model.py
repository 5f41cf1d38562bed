"""The composite model: bounds, exact explanations, estimator protocol, invariances."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renown.graph.build import build_graph
from renown.prominence.explain import explain
from renown.prominence.model import ProminenceModel
from renown.prominence.rings import RingReport
from tests.helpers import AS_OF, one_event, random_events


def _fit(events: pl.DataFrame, **params: object) -> ProminenceModel:
    return ProminenceModel(**params).fit(build_graph(events, as_of=AS_OF))  # type: ignore[arg-type]


def _by_person(model: ProminenceModel) -> dict[str, float]:
    return dict(zip(model.people_.astype(str).tolist(), model.scores_.tolist(), strict=True))


def test_scores_are_between_1_and_100_and_points_add_up() -> None:
    model = _fit(random_events(60, 900, seed=3))
    frame = model.to_frame()
    assert frame["score"].min() >= 1
    assert frame["score"].max() <= 100
    points = sum(model.points_[c] for c in model.components_)
    np.testing.assert_allclose(1 + points, model.scores_)
    assert frame["rank"].to_list() == list(range(1, frame.height + 1))
    assert frame["score_exact"].is_sorted(descending=True)


def test_informational_components_carry_no_points() -> None:
    model = _fit(random_events(30, 300, seed=1))
    for name in (n for n in model.informational if n in model.components_):
        assert name in model.raw_
        assert not model.points_[name].any()


def test_estimator_protocol_roundtrip() -> None:
    model = ProminenceModel(weights={"pagerank": 1.0, "reach": 1.0}, ring_discount=0.2)
    clone = ProminenceModel(**model.get_params())
    assert clone.get_params() == model.get_params()
    assert clone.set_params(alpha=0.9) is clone
    assert clone.alpha == 0.9
    with pytest.raises(ValueError, match="unknown parameter"):
        clone.set_params(nonsense=1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"weights": {"fame": 1.0}}, "unknown components"),
        ({"weights": {"reach": -1.0}}, ">= 0"),
        ({"weights": {"reach": 0.0}}, "positive weight"),
        ({"ring_discount": 2.0}, "ring_discount"),
    ],
)
def test_invalid_parameters_are_refused(params: dict[str, object], message: str) -> None:
    graph = build_graph(random_events(10, 50), as_of=AS_OF)
    with pytest.raises(ValueError, match=message):
        ProminenceModel(**params).fit(graph)  # type: ignore[arg-type]


def test_same_input_same_scores() -> None:
    events = random_events(50, 700, seed=9)
    assert _by_person(_fit(events)) == _by_person(
        _fit(events.sample(fraction=1.0, shuffle=True, seed=1))
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 10_000))
def test_relabelling_people_does_not_change_scores(seed: int, perm_seed: int) -> None:
    events = random_events(25, 250, seed=seed)
    people = sorted(set(events["actor"].drop_nulls()) | set(events["target"]))
    shuffled = np.random.default_rng(perm_seed).permutation(len(people))
    rename = {p: f"x{shuffled[k]:04d}" for k, p in enumerate(people)}
    renamed = events.with_columns(
        pl.col("actor").replace_strict(rename, default=None),
        pl.col("target").replace_strict(rename),
    )
    before = _by_person(_fit(events))
    after = _by_person(_fit(renamed))
    for person, score in before.items():
        assert after[rename[person]] == pytest.approx(score, abs=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    pick=st.tuples(st.integers(0, 29), st.integers(0, 29)),
    detect=st.booleans(),
)
def test_an_extra_inbound_interaction_never_lowers_the_target_score(
    seed: int, pick: tuple[int, int], detect: bool
) -> None:
    events = random_events(30, 240, seed=seed)
    people = sorted(set(events["actor"].drop_nulls()) | set(events["target"]))
    actor, target = people[pick[0] % len(people)], people[pick[1] % len(people)]
    if actor == target:
        return
    before = _fit(events, detect_rings=detect)
    after = _fit(pl.concat([events, one_event(actor, target, "extra")]), detect_rings=detect)
    if detect and after.ring_report_.flagged != before.ring_report_.flagged:
        return  # the new interaction completed a detected ring: discounting it is the point
    assert _by_person(after)[target] >= _by_person(before)[target] - 1e-9


def test_anonymous_engagement_counts_without_an_edge() -> None:
    base = random_events(20, 200, seed=5, anonymous_share=0.0)
    target = str(base["target"][0])
    upvotes = pl.concat([one_event(None, target, f"up{k}") for k in range(20)])
    before = _fit(base)
    after = _fit(pl.concat([base, upvotes]))
    assert after.graph_.m == before.graph_.m
    i = after.graph_.index[target]
    j = before.graph_.index[target]
    assert after.raw_["amplification"][i] > before.raw_["amplification"][j]


def test_explanation_matches_the_scores() -> None:
    model = _fit(random_events(40, 500, seed=2))
    frame = model.to_frame()
    top = str(frame["person"][0])
    exp = explain(model, top)
    assert exp.rank == 1
    assert exp.score == frame["score"][0]
    assert 1 + sum(p.points for p in exp.parts) == pytest.approx(exp.score_exact)
    assert exp.drivers and sum(d.share for d in exp.drivers) <= 1 + 1e-9
    assert top in exp.summary()
    assert exp.to_dict()["components"]
    with pytest.raises(KeyError, match="not scored"):
        explain(model, "nobody")


def test_explanation_reports_the_trend() -> None:
    events = random_events(40, 800, seed=4, days=200)
    later = _fit(events)
    earlier = ProminenceModel().fit(
        build_graph(events, as_of=AS_OF.replace(month=5)),
    )
    person = str(later.to_frame()["person"][0])
    exp = explain(later, person, previous=earlier)
    assert exp.previous_score is not None
    assert exp.trend == pytest.approx(exp.score_exact - exp.previous_score)
    assert all(p.delta is not None for p in exp.parts)


def test_a_zero_component_earns_no_points() -> None:
    graph = build_graph(random_events(20, 200, seed=8), as_of=AS_OF)
    model = ProminenceModel(community_breadth=True)
    raw = {name: np.arange(graph.n, dtype=np.float64) for name in model.components}
    raw["breadth"] = np.zeros(graph.n)
    model.fit_measured(graph, raw, detect_rings_report())
    assert not model.points_["breadth"].any()
    assert model.points_["reach"][0] == 0.0  # the person with zero reach, too
    assert (model.points_["reach"][1:] > 0).all()


def detect_rings_report() -> RingReport:
    return RingReport((), 0, 0)


def test_breadth_needs_departments_unless_asked_for_communities() -> None:
    events = random_events(30, 300, seed=12)
    plain = _fit(events)
    assert "breadth" not in plain.components_
    assert sum(plain.weights_.values()) == pytest.approx(1.0)
    assert plain.weights_["endorsement"] == pytest.approx(0.70)
    assert plain.scores_.max() <= 100
    people = sorted(set(events["actor"].drop_nulls()) | set(events["target"]))
    groups = {p: f"d{k % 3}" for k, p in enumerate(people)}
    with_groups = ProminenceModel().fit(build_graph(events, as_of=AS_OF, groups=groups))
    assert "breadth" in with_groups.components_  # computed and shown, weighted zero by default
    assert with_groups.weights_["breadth"] == 0.0
    weighted = ProminenceModel(weights={"endorsement": 0.85, "breadth": 0.15})
    weighted.fit(build_graph(events, as_of=AS_OF, groups=groups))
    assert weighted.weights_["breadth"] == pytest.approx(0.15)
    communities = _fit(events, community_breadth=True)
    assert "breadth" in communities.components_
