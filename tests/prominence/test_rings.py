"""Anti-gaming: rings injected into the synthetic organisation are found and cannot buy the top."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from renown.demo.org import SyntheticOrg, generate_org, inject_collusion_rings
from renown.graph.build import build_graph
from renown.prominence.model import ProminenceModel
from renown.prominence.rings import detect_rings, discount_rings


@pytest.fixture(scope="module")
def org() -> SyntheticOrg:
    return generate_org(people=1200, seed=3)


def _as_of(org: SyntheticOrg) -> datetime:
    newest = org.events["timestamp"].max()
    assert isinstance(newest, datetime)
    return newest


def _scores(org: SyntheticOrg, as_of: datetime, **params: object) -> dict[str, float]:
    graph = build_graph(org.events, as_of=as_of, groups=org.groups)
    model = ProminenceModel(**params).fit(graph)  # type: ignore[arg-type]
    return dict(zip(model.people_.astype(str).tolist(), model.scores_.tolist(), strict=True))


def test_honest_organisation_has_no_rings(org: SyntheticOrg) -> None:
    report = detect_rings(build_graph(org.events, as_of=_as_of(org), groups=org.groups))
    assert report.rings == ()
    assert report.reciprocated_pairs > 1000  # the detector did look at real reciprocity


def test_injected_rings_are_found_exactly(org: SyntheticOrg) -> None:
    ringed, rings = inject_collusion_rings(org, rings=3, size=5, events_per_pair=60, seed=5)
    report = detect_rings(build_graph(ringed.events, as_of=_as_of(org), groups=ringed.groups))
    assert {frozenset(r.members) for r in report.rings} == {frozenset(r) for r in rings}
    for ring in report.rings:
        assert ring.density == 1.0
        assert ring.mutual_volume > 8 * ring.norm_volume


def test_ring_members_cannot_climb_far(org: SyntheticOrg) -> None:
    as_of = _as_of(org)
    ringed, rings = inject_collusion_rings(org, rings=3, size=5, events_per_pair=60, seed=5)
    honest = _scores(org, as_of)
    defended = _scores(ringed, as_of)
    undefended = _scores(ringed, as_of, detect_rings=False)
    members = [p for ring in rings for p in ring]
    cutoff = np.percentile(list(defended.values()), 90)
    gains = [defended[p] - honest[p] for p in members]
    naive_gains = [undefended[p] - honest[p] for p in members]
    assert max(gains) <= 10.0, gains  # bounded: at most 10 points for a ring member
    assert all(defended[p] < cutoff for p in members)  # nobody in a ring reaches the top 10%
    assert np.mean(naive_gains) > np.mean(gains) + 5  # and the defence is what bounds them


def test_discount_only_touches_edges_inside_rings(org: SyntheticOrg) -> None:
    ringed, rings = inject_collusion_rings(org, rings=1, size=4, events_per_pair=80, seed=2)
    graph = build_graph(ringed.events, as_of=_as_of(org), groups=ringed.groups)
    report = detect_rings(graph)
    members = {graph.index[p] for p in rings[0]}
    src, dst, weights = graph.edges()
    inside = np.array([s in members and d in members for s, d in zip(src, dst, strict=True)])
    assert inside.sum() == 12
    partly = discount_rings(graph, report, 0.1)
    np.testing.assert_allclose(partly.out.weights[inside], weights[inside] * 0.1)
    np.testing.assert_array_equal(partly.out.weights[~inside], weights[~inside])
    removed = discount_rings(graph, report)
    assert removed.m == graph.m - 12
    kept_src, kept_dst, kept_weights = removed.edges()
    np.testing.assert_array_equal(kept_src, src[~inside])
    np.testing.assert_array_equal(kept_dst, graph.out.indices[~inside])
    np.testing.assert_array_equal(kept_weights, weights[~inside])
