"""Known answers: Uniform Guidelines worked examples and hand-computed impact tables."""

from __future__ import annotations

import math

import polars as pl
import pytest

from renown.fairness import IMPACT_TABLE_COLUMNS, SmallGroupRule, impact_table
from tests.fairness.helpers import pool, row


def test_ugesp_example_black_applicants_flagged_at_sixty_percent() -> None:
    # 29 CFR 1607.4(D) / UGESP Q&A: 80 of 120 white (66.7 %), 12 of 30 Black (40 %).
    people = pool({("White",): (80, 120), ("Black",): (12, 30)}, ["race"])
    table = impact_table(people, ["race"], selected="selected")
    assert table.columns == ["race", *IMPACT_TABLE_COLUMNS]
    white, black = row(table, race="White"), row(table, race="Black")
    assert (white["n"], white["n_favourable"]) == (120, 80)
    assert white["rate"] == pytest.approx(2 / 3)
    assert white["reference"] is True and white["impact_ratio"] == pytest.approx(1.0)
    assert white["four_fifths_flag"] is False
    assert (black["n"], black["n_favourable"], black["rate"]) == (30, 12, pytest.approx(0.4))
    assert black["impact_ratio"] == pytest.approx(0.6)
    assert black["four_fifths_flag"] is True
    assert black["reference"] is False
    assert set(table.get_column("rate_kind")) == {"selection"}


def test_passing_example_above_four_fifths_is_not_flagged() -> None:
    # 48 of 80 men (60 %), 25 of 50 women (50 %): ratio 0.833, no adverse impact indicated.
    people = pool({("M",): (48, 80), ("F",): (25, 50)}, ["sex"])
    table = impact_table(people, ["sex"], selected="selected")
    women = row(table, sex="F")
    assert women["impact_ratio"] == pytest.approx(5 / 6)
    assert women["four_fifths_flag"] is False
    assert row(table, sex="M")["reference"] is True


def test_exactly_four_fifths_is_not_flagged_despite_floating_point() -> None:
    # 0.48 / 0.6 is 0.7999999999999999 in floating point; the rule says "less than 4/5".
    people = pool({("a",): (15, 25), ("b",): (12, 25)}, ["g"])
    b = row(impact_table(people, ["g"], selected="selected"), g="b")
    assert b["impact_ratio"] == pytest.approx(0.8)
    assert b["four_fifths_flag"] is False


def test_hand_computed_intersection_table_sex_by_race() -> None:
    groups = {
        ("F", "Asian"): (10, 20),  # 0.50 -> 0.50 / 0.60 = 0.833
        ("F", "Black"): (6, 20),  # 0.30 -> 0.500, flagged
        ("M", "Asian"): (15, 25),  # 0.60 -> reference
        ("M", "Black"): (11, 25),  # 0.44 -> 0.733, flagged
    }
    people = pool(groups, ["sex", "race"])
    table = impact_table(people, ["sex", "race"], selected="selected")
    assert table.select("sex", "race").rows() == [
        ("F", "Asian"),
        ("F", "Black"),
        ("M", "Asian"),
        ("M", "Black"),
    ]
    expected = {
        ("F", "Asian"): (0.50, 5 / 6, False),
        ("F", "Black"): (0.30, 0.5, True),
        ("M", "Asian"): (0.60, 1.0, False),
        ("M", "Black"): (0.44, 0.44 / 0.6, True),
    }
    for (sex, race), (rate, ratio, flagged) in expected.items():
        got = row(table, sex=sex, race=race)
        assert got["rate"] == pytest.approx(rate)
        assert got["impact_ratio"] == pytest.approx(ratio)
        assert got["four_fifths_flag"] is flagged
        assert got["small"] is False and got["unknown"] is False
    assert table.filter(pl.col("reference")).select("sex", "race").rows() == [("M", "Asian")]
    assert table.get_column("n").sum() == people.height


def test_scoring_rate_counts_only_scores_strictly_above_the_overall_median() -> None:
    # All ten scores: 1 2 3 5 5 6 7 8 9 10 -> median 5.5.
    people = pl.DataFrame(
        {
            "sex": ["F"] * 5 + ["M"] * 5,
            "score": [1, 2, 3, 8, 9, 5, 5, 6, 7, 10],
        }
    )
    table = impact_table(people, ["sex"], score="score")
    women, men = row(table, sex="F"), row(table, sex="M")
    assert (women["n_favourable"], men["n_favourable"]) == (2, 3)
    assert women["impact_ratio"] == pytest.approx(0.4 / 0.6)
    assert women["four_fifths_flag"] is True
    assert set(table.get_column("rate_kind")) == {"scoring"}


def test_a_score_equal_to_the_median_is_not_above_it() -> None:
    # Scores 1 2 3 | 3 4 -> median 3: only the 4 is above it.
    people = pl.DataFrame({"g": ["a", "a", "a", "b", "b"], "score": [1.0, 2.0, 3.0, 3.0, 4.0]})
    no_small_groups = SmallGroupRule(min_share=0.0, min_count=0)
    table = impact_table(people, ["g"], score="score", small_groups=no_small_groups)
    assert row(table, g="a")["n_favourable"] == 0
    assert row(table, g="b")["n_favourable"] == 1
    assert row(table, g="a")["impact_ratio"] == 0.0


def test_scoring_median_includes_people_of_unknown_group() -> None:
    # Known scores alone (1..10) have median 5.5; with the unknowns' 20, 30, 40 it is 7.
    people = pl.DataFrame(
        {
            "g": ["a"] * 5 + ["b"] * 5 + [None] * 3,
            "score": [1, 2, 3, 4, 6, 5, 7, 8, 9, 10, 20, 30, 40],
        }
    )
    table = impact_table(people, ["g"], score="score")
    assert row(table, g="a")["n_favourable"] == 0
    assert row(table, g="b")["n_favourable"] == 3  # 8, 9, 10
    assert row(table, g="unknown")["n_favourable"] == 3


def test_the_pool_is_never_dropped_and_row_order_does_not_matter() -> None:
    people = pool({("a",): (3, 9), ("b",): (5, 11), (None,): (1, 2)}, ["g"])
    first = impact_table(people, ["g"], selected="selected")
    second = impact_table(people.reverse(), ["g"], selected="selected")
    assert first.equals(second)
    assert first.get_column("n").sum() == people.height
    assert not math.isnan(first.get_column("rate").sum())
