"""Fisher's exact and two-proportion z-tests against scipy and hand values."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from renown.fairness import compare_rates, fisher_exact_p, impact_table, two_proportion_z
from tests.fairness.helpers import pool, row


def test_z_test_matches_the_hand_computed_ugesp_example() -> None:
    # Pooled p = 92/150; se = sqrt(p (1-p) (1/30 + 1/120)); z = (0.4 - 2/3) / se.
    pooled = 92 / 150
    se = math.sqrt(pooled * (1 - pooled) * (1 / 30 + 1 / 120))
    z, p = two_proportion_z(12, 30, 80, 120)
    assert z == pytest.approx((0.4 - 2 / 3) / se)
    assert z == pytest.approx(-2.6826, abs=1e-4)
    assert p == pytest.approx(2 * stats.norm.sf(abs((0.4 - 2 / 3) / se)))
    assert p == pytest.approx(0.0073, abs=1e-4)


@pytest.mark.parametrize(
    ("a", "n_a", "b", "n_b"),
    [(12, 30, 80, 120), (1, 4, 9, 10), (0, 5, 5, 5), (3, 3, 40, 90), (7, 10, 7, 10)],
)
def test_fisher_matches_scipy(a: int, n_a: int, b: int, n_b: int) -> None:
    expected = stats.fisher_exact([[a, n_a - a], [b, n_b - b]]).pvalue
    assert fisher_exact_p(a, n_a, b, n_b) == pytest.approx(expected)


def test_fisher_hand_value_for_a_tiny_table() -> None:
    # [[0, 5], [5, 0]]: only this table and its mirror are as extreme: 2 / C(10, 5).
    assert fisher_exact_p(0, 5, 5, 5) == pytest.approx(2 / math.comb(10, 5))


def test_equal_all_or_nothing_rates_have_no_z() -> None:
    assert two_proportion_z(0, 10, 0, 20) == (None, None)
    assert two_proportion_z(10, 10, 20, 20) == (None, None)
    assert two_proportion_z(5, 10, 10, 20) == (0.0, 1.0)


def test_comparison_carries_both_sample_sizes() -> None:
    comparison = compare_rates(12, 30, 80, 120)
    assert (comparison.n_group, comparison.favourable_group) == (30, 12)
    assert (comparison.n_reference, comparison.favourable_reference) == (120, 80)
    assert comparison.z is not None and comparison.z < 0


@pytest.mark.parametrize(("a", "n_a"), [(3, 2), (-1, 5), (0, 0)])
def test_impossible_counts_are_refused(a: int, n_a: int) -> None:
    with pytest.raises(ValueError, match="group"):
        compare_rates(a, n_a, 1, 2)


def test_impact_table_reports_tests_against_the_reference_with_sample_sizes() -> None:
    people = pool({("White",): (80, 120), ("Black",): (12, 30)}, ["race"])
    table = impact_table(people, ["race"], selected="selected")
    black, white = row(table, race="Black"), row(table, race="White")
    assert (black["reference_n"], black["reference_n_favourable"]) == (120, 80)
    assert black["fisher_p"] == pytest.approx(fisher_exact_p(12, 30, 80, 120))
    assert black["z"] == pytest.approx(-2.6826, abs=1e-4)
    assert black["z_p"] == pytest.approx(two_proportion_z(12, 30, 80, 120)[1])
    assert white["fisher_p"] is None and white["z"] is None
    assert white["reference_n"] == 120
