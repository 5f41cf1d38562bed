"""Unknown and small groups are reported, never dropped, and never the reference."""

from __future__ import annotations

import polars as pl
import pytest

from renown.fairness import UNKNOWN_LABEL, SmallGroupRule, impact_table
from tests.fairness.helpers import pool, row


def test_unknown_group_is_counted_but_gets_no_ratio_even_with_the_highest_rate() -> None:
    people = pool({("a",): (10, 20), ("b",): (8, 20), (None,): (6, 6)}, ["g"])
    table = impact_table(people, ["g"], selected="selected")
    unknown = row(table, g=UNKNOWN_LABEL)
    assert (unknown["n"], unknown["n_favourable"], unknown["rate"]) == (6, 6, 1.0)
    assert unknown["unknown"] is True and unknown["reference"] is False
    assert unknown["impact_ratio"] is None and unknown["four_fifths_flag"] is None
    assert unknown["fisher_p"] is None and unknown["reference_n"] is None
    assert row(table, g="a")["reference"] is True
    assert row(table, g="b")["impact_ratio"] == pytest.approx(0.8)
    assert table.get_column("g").to_list()[-1] == UNKNOWN_LABEL  # known groups first


def test_intersection_with_one_unknown_part_is_an_unknown_group() -> None:
    groups = {("F", "x"): (5, 10), ("M", "x"): (6, 10), ("F", None): (1, 4), (None, "x"): (2, 3)}
    people = pool(groups, ["sex", "race"])
    table = impact_table(people, ["sex", "race"], selected="selected")
    partly_unknown = table.filter(pl.col("unknown"))
    assert sorted(partly_unknown.select("sex", "race").rows()) == [
        ("F", UNKNOWN_LABEL),
        (UNKNOWN_LABEL, "x"),
    ]
    assert sorted(partly_unknown.get_column("n").to_list()) == [3, 4]
    assert partly_unknown.get_column("impact_ratio").null_count() == 2
    assert row(table, sex="M", race="x")["reference"] is True


def test_small_group_with_perfect_rate_is_shown_but_not_the_reference() -> None:
    # Group c: 3 of 3 selected -- fewer than 5 people, so small.
    people = pool({("a",): (30, 60), ("b",): (20, 60), ("c",): (3, 3)}, ["g"])
    table = impact_table(people, ["g"], selected="selected")
    small = row(table, g="c")
    assert small["small"] is True and small["reference"] is False
    assert small["impact_ratio"] == pytest.approx(2.0)  # still reported against a
    assert row(table, g="a")["reference"] is True
    assert row(table, g="b")["impact_ratio"] == pytest.approx(2 / 3)


def test_group_under_two_percent_of_the_pool_is_small_even_above_five_people() -> None:
    # 8 of 500 people is 1.6 % < 2 %.
    people = pool({("a",): (200, 300), ("b",): (100, 192), ("c",): (8, 8)}, ["g"])
    table = impact_table(people, ["g"], selected="selected")
    assert row(table, g="c")["small"] is True
    assert row(table, g="b")["small"] is False
    assert row(table, g="a")["reference"] is True


def test_small_group_rule_is_configurable() -> None:
    people = pool({("a",): (5, 10), ("c",): (3, 3)}, ["g"])
    everyone_counts = SmallGroupRule(min_share=0.0, min_count=0)
    table = impact_table(people, ["g"], selected="selected", small_groups=everyone_counts)
    assert not table.get_column("small").any()
    assert row(table, g="c")["reference"] is True
    assert row(table, g="a")["impact_ratio"] == pytest.approx(0.5)
    assert SmallGroupRule().is_small(4, 10) and not SmallGroupRule().is_small(5, 10)
    with pytest.raises(ValueError, match="min_share"):
        SmallGroupRule(min_share=1.5)


def test_no_ratio_when_every_group_is_small_or_nobody_was_selected() -> None:
    all_small = impact_table(
        pool({("a",): (1, 2), ("b",): (2, 3)}, ["g"]), ["g"], selected="selected"
    )
    assert not all_small.get_column("reference").any()
    assert all_small.get_column("impact_ratio").null_count() == all_small.height
    assert all_small.get_column("n").to_list() == [2, 3]

    nobody = impact_table(
        pool({("a",): (0, 10), ("b",): (0, 10)}, ["g"]), ["g"], selected="selected"
    )
    assert nobody.get_column("impact_ratio").null_count() == 2
    assert nobody.get_column("four_fifths_flag").null_count() == 2
    assert nobody.get_column("fisher_p").to_list() == [None, 1.0]
    assert nobody.get_column("z").to_list() == [None, None]
