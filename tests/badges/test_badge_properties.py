"""Properties of evaluation: idempotent, order-free, and incremental over batches."""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from renown.badges import evaluate, load_default_rules, parse_rules
from renown.badges.evaluate import AWARD_KEY
from tests.badges.helpers import at, fact, facts

EVERY_BLOCK = """
[[badge]]
id = "first"
name = "First"
description = "first k"
tier = "bronze"
[badge.rule.first]
fact = "k"

[[badge]]
id = "high"
name = "High"
description = "a high q, per item"
tier = "silver"
award = "per_item"
[badge.rule.threshold]
fact = "q"
where = ["value >= 7"]

[[badge]]
id = "crowd"
name = "Crowd"
description = "3 distinct actors within 5 days"
tier = "silver"
[badge.rule.count]
fact = ["k", "q"]
distinct = "actor"
window = "5d"
min = 3

[[badge]]
id = "days"
name = "Days"
description = "k on 4 distinct days"
tier = "bronze"
[badge.rule.count]
fact = "k"
distinct = "day"
min = 4

[[badge]]
id = "total"
name = "Total"
description = "non-negative values adding to 25 within a week, on one item"
tier = "gold"
[badge.rule.sum]
fact = "q"
where = ["value >= 0"]
window = "7d"
per_item = true
min = 25

[[badge]]
id = "streak"
name = "Streak"
description = "3 days in a row"
tier = "gold"
[badge.rule.streak]
fact = ["k", "q"]
length = 3

[[badge]]
id = "combo"
name = "Combo"
description = "all and any"
tier = "gold"
award = "per_item"
[[badge.rule.all]]
count = { fact = "q", min = 2 }
[[badge.rule.all]]
[[badge.rule.all.any]]
first = { fact = "k" }
[[badge.rule.all.any]]
threshold = { fact = "q", where = ["value < 0"] }
[[badge.rule.all.any]]
count = { fact = "k", distinct = "week", min = 2 }
"""

RULES = (*parse_rules(EVERY_BLOCK), *load_default_rules())
PEOPLE = ["ann", "bob", "cat", "dan"]
FACT_NAMES = [
    "k",
    "k",
    "q",
    "q",
    "kudos_received",
    "kudos_given",
    "feedback_given",
    "prominence_score",
]

rows = st.lists(
    st.builds(
        lambda user, name, hour, actor, item, value: fact(
            user, name, hour / 24, actor=actor, item=item, value=value
        ),
        st.sampled_from(PEOPLE),
        st.sampled_from(FACT_NAMES),
        st.integers(0, 24 * 12),
        st.none() | st.sampled_from(PEOPLE),
        st.none() | st.sampled_from(["p1", "p2", "p3"]),
        st.integers(-5, 100).map(float),
    ),
    min_size=30,
    max_size=120,
)


def _frame(data: list[dict[str, Any]]) -> pl.DataFrame:
    return facts(*data) if data else facts(fact("nobody", "none", 0))


def _keys(awards: pl.DataFrame) -> set[tuple[object, ...]]:
    return set(awards.select(AWARD_KEY).iter_rows())


@settings(max_examples=40, deadline=None)
@given(rows)
def test_evaluation_is_idempotent_and_ignores_input_order(data: list[dict[str, Any]]) -> None:
    frame = _frame(data)
    awards = evaluate(RULES, frame)
    assert evaluate(RULES, frame, awards).height == 0
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=len(data))
    assert evaluate(RULES, shuffled).equals(awards)


@settings(max_examples=40, deadline=None)
@given(rows, st.integers(0, 24 * 12))
def test_two_batches_in_time_order_give_the_one_pass_awards(
    data: list[dict[str, Any]], split_hour: int
) -> None:
    frame = _frame(data)
    cut = at(split_hour / 24)
    first = evaluate(RULES, frame.filter(pl.col("at") <= cut))
    second = evaluate(RULES, frame, first)
    assert _keys(first).isdisjoint(_keys(second))
    together = pl.concat([first, second]).sort(["awarded_at", "badge", "user", "item"])
    assert together.equals(evaluate(RULES, frame))


@settings(max_examples=40, deadline=None)
@given(rows, st.lists(st.booleans(), min_size=120, max_size=120))
def test_batches_in_any_order_earn_the_same_badges(
    data: list[dict[str, Any]], in_first: list[bool]
) -> None:
    frame = _frame(data)
    mask = pl.Series(in_first[: frame.height])
    first = evaluate(RULES, frame.filter(mask))
    second = evaluate(RULES, frame, first)
    assert _keys(first) | _keys(second) == _keys(evaluate(RULES, frame))
