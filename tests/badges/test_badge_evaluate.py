"""Each rule block against hand-computed first-true times, reasons and award keys."""

from __future__ import annotations

import polars as pl
import pytest

from renown.badges import evaluate, parse_rules
from renown.core.errors import InputError
from tests.badges.helpers import at, fact, facts


def badge(rule: str, *, award: str = "once") -> str:
    return f"""
[[badge]]
id = "b"
name = "B"
description = "test"
tier = "bronze"
award = "{award}"
{rule}
"""


def run(rule: str, frame: pl.DataFrame, *, award: str = "once") -> pl.DataFrame:
    return evaluate(parse_rules(badge(rule, award=award)), frame)


def earned(awards: pl.DataFrame) -> list[tuple[str, str | None, object]]:
    return list(awards.select("user", "item", "awarded_at").iter_rows())


def test_first_is_the_earliest_matching_fact_per_user() -> None:
    frame = facts(
        fact("ann", "kudos_received", 3),
        fact("ann", "kudos_received", 1),
        fact("bob", "kudos_given", 0),
        fact("cat", "kudos_received", 2, channel="kudos"),
    )
    awards = run("[badge.rule.first]\nfact = 'kudos_received'", frame)
    assert earned(awards) == [("ann", None, at(1)), ("cat", None, at(2))]
    assert awards["reason"].to_list() == ["first kudos_received"] * 2
    on_channel = run("[badge.rule.first]\nfact = 'kudos_received'\nchannel = 'kudos'", frame)
    assert earned(on_channel) == [("cat", None, at(2))]


def test_threshold_is_the_first_fact_meeting_every_condition() -> None:
    frame = facts(
        fact("ann", "score", 1, value=4, views=2000),
        fact("ann", "score", 2, value=10, views=500),
        fact("ann", "score", 3, value=12, views=1500),
        fact("bob", "score", 1, value=None, views=5000),  # a null value never passes
    )
    awards = run(
        "[badge.rule.threshold]\nfact='score'\nwhere=['value >= 10', 'views > 1000']", frame
    )
    assert earned(awards) == [("ann", None, at(3))]
    assert awards["reason"][0] == (
        "first score with value=12, views=1500 (needs value >= 10 and views > 1000)"
    )


def test_count_reaches_min_on_the_nth_fact() -> None:
    frame = facts(*(fact("ann", "comment", d) for d in (5, 1, 3, 9)), fact("bob", "comment", 1))
    awards = run("[badge.rule.count]\nfact='comment'\nmin=3", frame)
    assert earned(awards) == [("ann", None, at(5))]
    assert awards["reason"][0] == "3 facts of comment (needs 3)"


@pytest.mark.parametrize(
    ("distinct", "expected_day"),
    [
        ("actor", 4),  # x(0) y(2) x(3) z(4)
        ("item", 3),  # p(0) p(2) q(3)... min 2 -> q at 3
        ("day", 2),  # days 0, 0.5 is day 0, 2
        ("fact", 3),  # a(0) a(2) b(3)
    ],
)
def test_count_distinct(distinct: str, expected_day: float) -> None:
    frame = facts(
        fact("ann", "a", 0, actor="x", item="p"),
        fact("ann", "a", 0.5, actor="x", item="p"),
        fact("ann", "a", 2, actor="y", item="p"),
        fact("ann", "b", 3, actor="x", item="q"),
        fact("ann", "a", 4, actor="z", item="q"),
    )
    need = 3 if distinct == "actor" else 2
    rule = f"[badge.rule.count]\nfact=['a','b']\ndistinct='{distinct}'\nmin={need}"
    awards = run(rule, frame)
    assert earned(awards) == [("ann", None, at(expected_day))]
    assert awards["reason"][0].startswith(f"{need} distinct {distinct}s of a/b")


def test_count_distinct_weeks_uses_monday_weeks() -> None:
    # DAY0 is a Monday: days 0 and 6 share a week; day 7 starts the next one
    frame = facts(fact("ann", "a", 0), fact("ann", "a", 6), fact("ann", "a", 7))
    awards = run("[badge.rule.count]\nfact='a'\ndistinct='week'\nmin=2", frame)
    assert earned(awards) == [("ann", None, at(7))]


def test_windowed_count_needs_the_facts_within_the_window() -> None:
    # kudos from 3 distinct people within 10 days: x(0) y(5) z(12) -> window (2, 12] has y, z
    # w(14) -> (4, 14] has y, z, w -> earned at 14
    frame = facts(
        fact("ann", "k", 0, actor="x"),
        fact("ann", "k", 5, actor="y"),
        fact("ann", "k", 12, actor="z"),
        fact("ann", "k", 13, actor="z"),
        fact("ann", "k", 14, actor="w"),
    )
    awards = run("[badge.rule.count]\nfact='k'\ndistinct='actor'\nwindow='10d'\nmin=3", frame)
    assert earned(awards) == [("ann", None, at(14))]
    assert awards["reason"][0] == "3 distinct actors of k within 10 days (needs 3)"
    plain = run("[badge.rule.count]\nfact='k'\nwindow='10d'\nmin=3", frame)
    assert earned(plain) == [("ann", None, at(13))]  # y, z, z within (3, 13]


def test_window_is_open_at_its_start() -> None:
    frame = facts(fact("ann", "k", 0), fact("ann", "k", 10))
    assert run("[badge.rule.count]\nfact='k'\nwindow='10d'\nmin=2", frame).height == 0
    assert run("[badge.rule.count]\nfact='k'\nwindow='241h'\nmin=2", frame).height == 1


def test_sum_running_and_windowed() -> None:
    frame = facts(
        fact("ann", "rep", 0, value=150),
        fact("ann", "rep", 0.5, value=-20),
        fact("ann", "rep", 1.5, value=60),
        fact("ann", "rep", 2, value=100),
    )
    total = run("[badge.rule.sum]\nfact='rep'\nmin=190", frame)
    assert earned(total) == [("ann", None, at(1.5))]
    assert total["reason"][0] == "190 total value of rep (needs 190)"
    daily = run("[badge.rule.sum]\nfact='rep'\nwindow='1d'\nmin=160", frame)
    assert earned(daily) == [("ann", None, at(2))]  # (1, 2] holds 60 + 100


def test_streak_of_days_with_a_gap_and_per_unit_minimum() -> None:
    days = [0, 1, 3, 4, 5, 5.5]
    frame = facts(*(fact("ann", "k", d) for d in days))
    awards = run("[badge.rule.streak]\nfact='k'\nlength=3", frame)
    assert earned(awards) == [("ann", None, at(5))]
    assert awards["reason"][0] == "3 consecutive days of k, from 04 Jan 2024 (needs 3)"
    two_a_day = facts(*(fact("ann", "k", d) for d in (0, 0.2, 1, 1.3, 1.5, 2, 3, 3.1)))
    strict = run("[badge.rule.streak]\nfact='k'\nlength=2\nper_unit=2", two_a_day)
    assert earned(strict) == [("ann", None, at(1.3))]
    assert run("[badge.rule.streak]\nfact='k'\nlength=3\nper_unit=2", two_a_day).height == 0


def test_streak_of_weeks() -> None:
    frame = facts(*(fact("ann", "k", d) for d in (6, 8, 20, 27)))  # weeks 0, 1, 2, 3
    awards = run("[badge.rule.streak]\nfact='k'\nunit='week'\nlength=4", frame)
    assert earned(awards) == [("ann", None, at(27))]
    gap = facts(*(fact("ann", "k", d) for d in (6, 8, 22, 29)))  # weeks 0, 1, 3, 4
    assert run("[badge.rule.streak]\nfact='k'\nunit='week'\nlength=3", gap).height == 0


def test_all_holds_when_the_last_part_holds_and_any_when_the_first_does() -> None:
    frame = facts(
        fact("ann", "q", 1),
        fact("ann", "accept", 4),
        fact("bob", "q", 2),
        fact("cat", "accept", 3),
    )
    both = "[[badge.rule.all]]\nfirst={fact='q'}\n[[badge.rule.all]]\nfirst={fact='accept'}"
    awards = run(both, frame)
    assert earned(awards) == [("ann", None, at(4))]
    assert awards["reason"][0] == "first q; first accept"
    either = both.replace("all", "any")
    assert earned(run(either, frame)) == [
        ("ann", None, at(1)),
        ("bob", None, at(2)),
        ("cat", None, at(3)),
    ]


def test_per_item_badges_are_earned_once_per_item() -> None:
    frame = facts(
        fact("ann", "score", 1, item="p1", value=10),
        fact("ann", "score", 2, item="p1", value=11),
        fact("ann", "score", 3, item="p2", value=12),
        fact("ann", "score", 3, item=None, value=50),  # no item: cannot earn per item
    )
    rule = "[badge.rule.threshold]\nfact='score'\nwhere=['value >= 10']"
    awards = run(rule, frame, award="per_item")
    assert earned(awards) == [("ann", "p1", at(1)), ("ann", "p2", at(3))]
    assert awards["reason"][0] == "first score on item p1 with value=10 (needs value >= 10)"


def test_per_item_all_joins_parts_on_the_same_item() -> None:
    frame = facts(
        fact("ann", "score", 1, item="a1", value=10),
        fact("ann", "accepted", 2, item="a2"),
        fact("ann", "accepted", 5, item="a1"),
    )
    rule = (
        "[[badge.rule.all]]\nthreshold={fact='score', where=['value >= 10']}\n"
        "[[badge.rule.all]]\nfirst={fact='accepted'}"
    )
    assert earned(run(rule, frame, award="per_item")) == [("ann", "a1", at(5))]
    assert earned(run(rule, frame)) == [("ann", None, at(2))]  # once: any items


def test_per_item_block_in_a_once_badge_needs_one_item_to_qualify() -> None:
    frame = facts(
        fact("ann", "fav", 1, item="q1", actor="x"),
        fact("ann", "fav", 2, item="q2", actor="y"),
        fact("ann", "fav", 3, item="q2", actor="z"),
    )
    rule = "[badge.rule.count]\nfact='fav'\ndistinct='actor'\nmin=2\nper_item=true"
    awards = run(rule, frame)
    assert earned(awards) == [("ann", None, at(3))]
    assert awards["reason"][0] == "2 distinct actors of fav on item q2 (needs 2)"


def test_already_awarded_keys_are_not_awarded_again() -> None:
    frame = facts(fact("ann", "k", 1, item="p"), fact("bob", "k", 2, item="p"))
    rules = parse_rules(badge("[badge.rule.first]\nfact='k'"))
    first = evaluate(rules, frame)
    assert evaluate(rules, frame, first).height == 0
    assert earned(evaluate(rules, frame, first.filter(pl.col("user") == "ann"))) == [
        ("bob", None, at(2))
    ]
    per_item = parse_rules(badge("[badge.rule.first]\nfact='k'", award="per_item"))
    assert evaluate(per_item, frame, first).height == 2  # other badge key: item differs


def test_a_condition_on_a_missing_column_is_an_input_error() -> None:
    rules = parse_rules(badge("[badge.rule.threshold]\nfact='k'\nwhere=['views >= 3']"))
    with pytest.raises(InputError, match="badge 'b'") as caught:
        evaluate(rules, facts(fact("ann", "k", 1)))
    assert caught.value.field == "views"


def test_no_matching_facts_no_awards() -> None:
    frame = facts(fact("ann", "other", 1))
    for rule in (
        "[badge.rule.count]\nfact='k'\nmin=1\nwindow='1d'",
        "[badge.rule.sum]\nfact='k'\nmin=1",
        "[badge.rule.streak]\nfact='k'\nlength=1",
    ):
        assert run(rule, frame).height == 0
