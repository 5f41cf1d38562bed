"""The combined external score: each network on its own footing, explained exactly."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from renown.external.combine import combine, midrank_percentiles, to_score

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
networks = st.dictionaries(st.sampled_from(["github", "mastodon", "rss", "bluesky"]), unit)


def test_midrank_percentiles_share_ties_and_centre_a_single_value() -> None:
    assert midrank_percentiles([5.0]) == [0.5]
    assert midrank_percentiles([1.0, 2.0, 2.0, 3.0]) == [0.125, 0.5, 0.5, 0.875]
    assert midrank_percentiles([]) == []


def test_scores_run_from_1_to_100() -> None:
    assert to_score(0.0) == 1
    assert to_score(1.0) == 100
    assert to_score(0.5) == 51


@given(networks)
def test_the_shares_add_up_to_the_points_above_one(percentiles: dict[str, float]) -> None:
    combined = combine(percentiles)
    assert 1 <= combined.score <= 100
    assert math.isclose(
        sum(s.points for s in combined.shares), 99 * combined.strength, abs_tol=1e-6
    )
    assert [s.points for s in combined.shares] == sorted(
        (s.points for s in combined.shares), reverse=True
    )


@given(networks, st.sampled_from(["github", "mastodon", "rss", "bluesky", "stackexchange"]), unit)
def test_linking_another_network_or_doing_better_never_lowers_the_score(
    percentiles: dict[str, float], network: str, better: float
) -> None:
    before = combine(percentiles).strength
    raised = dict(percentiles)
    raised[network] = max(better, percentiles.get(network, 0.0))
    assert combine(raised).strength >= before - 1e-12


def test_a_large_network_counts_exactly_as_much_as_a_small_one() -> None:
    # the names of networks (and so their sizes) play no part: only each one's percentile
    assert combine({"github": 0.9}).score == combine({"rss": 0.9}).score
    both = combine({"github": 0.9, "rss": 0.6})
    assert both.shares[0].network == "github"
    assert both.score == combine({"rss": 0.9, "github": 0.6}).score


def test_standing_out_on_one_network_is_enough() -> None:
    assert combine({"github": 0.95}).score > combine({"github": 0.5, "rss": 0.5}).score
    assert combine({}).score == 1
