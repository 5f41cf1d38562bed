"""Kudos rings injected into a synthetic organisation's honest kudos are found; honest
people are never flagged."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from renown.demo.org import generate_org
from renown.recognition.collusion import (
    AT,
    GIVER,
    KUDOS_SCHEMA,
    RECEIVER,
    RingRule,
    detect_kudos_rings,
    empty_kudos,
)
from tests.recognition.synthetic import BUDGET, PAIR_CAP, honest_kudos, inject_kudos_rings

SEEDS = (1, 2, 3, 4, 5)


@pytest.mark.parametrize("seed", SEEDS)
def test_rings_are_found_and_honest_people_are_not_flagged(seed: int) -> None:
    org = generate_org(people=300, seed=seed)
    honest = honest_kudos(org, seed=seed)
    assert detect_kudos_rings(honest, as_of=org.end).flagged == frozenset()
    kudos, rings = inject_kudos_rings(org, honest, rings=3, size=4, seed=seed)
    report = detect_kudos_rings(kudos, as_of=org.end)
    assert {ring.members for ring in report.rings} == {tuple(sorted(r)) for r in rings}
    for ring in report.rings:
        assert ring.density == 1.0 and ring.insularity >= 0.5
        assert ring.mutual_kudos > 2 * ring.norm_kudos


def test_injected_kudos_respect_the_product_limits() -> None:
    org = generate_org(people=300, seed=1)
    kudos, _ = inject_kudos_rings(org, honest_kudos(org, seed=1), seed=1)
    month = pl.col(AT).dt.truncate("1mo")
    per_giver = kudos.group_by(GIVER, month).len().get_column("len").max()
    per_pair = kudos.group_by(GIVER, RECEIVER, month).len().get_column("len").max()
    assert isinstance(per_giver, int) and isinstance(per_pair, int)
    assert per_giver <= BUDGET and per_pair <= PAIR_CAP


def test_generous_honest_organisation_is_not_flagged() -> None:
    org = generate_org(people=300, seed=11)
    generous = honest_kudos(org, seed=11, mean_per_month=4.0)
    assert detect_kudos_rings(generous, as_of=org.end).flagged == frozenset()


def test_a_close_pair_is_not_a_ring_and_the_floor_holds() -> None:
    org = generate_org(people=300, seed=2)
    kudos, _ = inject_kudos_rings(org, honest_kudos(org, seed=2), rings=1, size=2, seed=2)
    assert detect_kudos_rings(kudos, as_of=org.end).flagged == frozenset()
    # a quiet organisation: three colleagues who thanked each other twice are no ring
    pairs = [(a, b) for a in "xyz" for b in "xyz" if a != b] * 2
    quiet = pl.DataFrame(
        [(a, b, org.end - timedelta(days=1)) for a, b in pairs], schema=KUDOS_SCHEMA, orient="row"
    )
    assert detect_kudos_rings(quiet, as_of=org.end, rule=RingRule()).rings == ()


def test_no_kudos_no_rings() -> None:
    org = generate_org(people=30, seed=1)
    assert detect_kudos_rings(empty_kudos(), as_of=org.end).rings == ()
