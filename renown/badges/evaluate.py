"""Evaluate badge rules over facts: vectorised, idempotent and incremental.

Every block answers one question per person (or per person and item): *when did it
first become true?* Blocks are monotone in time — facts after ``t`` never change whether
a block held at ``t`` — so the first-true time computed from all facts so far is final.
That gives the two guarantees the product relies on:

* **idempotent**: ``evaluate(rules, facts, already_awarded)`` drops every award whose
  key (badge, user, item) is already awarded, so running it again adds nothing;
* **incremental**: evaluating facts up to ``T`` and then all facts (passing the first
  awards) yields exactly the awards of one pass, times and reasons included. When a late
  batch holds facts older than an award already made, the same awards are earned but a
  re-evaluation would date them earlier; the awarded time is never rewritten (history).

The one exception to monotonicity is a ``sum`` over negative values (a score that falls):
its award is still the first time the running total reached ``min``.

All work is polars expressions over the whole frame (no Python loop over facts); the
loop is over badges and blocks, which are few.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Final

import polars as pl

from renown.badges.facts import FactColumn, conform_facts
from renown.badges.rules import (
    AllOf,
    AnyOf,
    Award,
    Badge,
    Count,
    Distinct,
    Rule,
    Selection,
    Streak,
    Sum,
    Unit,
    leaf_blocks,
)
from renown.core.dates import DATE_FORMAT
from renown.core.errors import InputError

USER: Final = FactColumn.SUBJECT_USER.value
ITEM: Final = FactColumn.ITEM.value
AT: Final = FactColumn.AT.value
AWARD_SCHEMA: Final[dict[str, pl.DataType]] = {
    "badge": pl.String(),
    "user": pl.String(),
    "item": pl.String(),
    "awarded_at": pl.Datetime("us", "UTC"),
    "reason": pl.String(),
}
"""One row per award: the badge id, who earned it, the item for per-item badges (else
null), when the rule first held, and a reason with the numbers that satisfied it."""
AWARD_KEY: Final = ("badge", "user", "item")
_HELD: Final[dict[str, pl.DataType]] = {
    USER: pl.String(),
    ITEM: pl.String(),
    AT: pl.Datetime("us", "UTC"),
    "reason": pl.String(),
}


def empty_awards() -> pl.DataFrame:
    """An award frame with no rows."""
    return pl.DataFrame(schema=AWARD_SCHEMA)


def evaluate(
    rules: Sequence[Badge],
    facts: pl.DataFrame,
    already_awarded: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """New awards earned by ``facts`` that are not in ``already_awarded``.

    Parameters
    ----------
    rules:
        Badges, e.g. from :func:`renown.badges.load_rules`.
    facts:
        A fact frame (:mod:`renown.badges.facts`); conformed here.
    already_awarded:
        Awards made before (the :data:`AWARD_SCHEMA` columns); they are never repeated.

    Returns
    -------
    polars.DataFrame
        New awards, sorted by time, badge, user and item.
    """
    facts = conform_facts(facts)
    parts = []
    for badge in rules:
        _check_columns(badge, facts)
        held = _holds(badge.rule, facts, per_item=badge.award is Award.PER_ITEM)
        parts.append(
            held.select(
                pl.lit(badge.id).alias("badge"),
                pl.col(USER).alias("user"),
                pl.col(ITEM).alias("item"),
                pl.col(AT).alias("awarded_at"),
                pl.col("reason"),
            )
        )
    awards = pl.concat(parts, how="vertical") if parts else empty_awards()
    if already_awarded is not None and already_awarded.height:
        previous = already_awarded.select(
            [pl.col(c).cast(AWARD_SCHEMA[c]) for c in AWARD_KEY]
        ).unique()
        awards = awards.join(previous, on=list(AWARD_KEY), how="anti", nulls_equal=True)
    return awards.sort(["awarded_at", "badge", "user", "item"], nulls_last=False)


def _check_columns(badge: Badge, facts: pl.DataFrame) -> None:
    for block in leaf_blocks(badge.rule):
        needed = [c.field for c in block.select.where]
        if isinstance(block, Sum):
            needed.append(block.field)
        for column in needed:
            if column not in facts.columns:
                raise InputError(
                    "facts",
                    f"badge {badge.id!r} needs this column; the facts lack it",
                    field=column,
                )


def _holds(rule: Rule, facts: pl.DataFrame, *, per_item: bool) -> pl.DataFrame:
    """Rows (user, item, at, reason): when ``rule`` first held, per user (and item)."""
    if isinstance(rule, AllOf | AnyOf):
        parts = [_holds(p, facts, per_item=per_item) for p in rule.parts]
        return _all_of(parts) if isinstance(rule, AllOf) else _any_of(parts)
    keys = [USER, ITEM] if per_item or rule.per_item else [USER]
    selected = _select(facts, rule.select, keys)
    if selected.height == 0:
        return pl.DataFrame(schema=_HELD)
    if isinstance(rule, Count):
        found = _count(rule, selected, keys)
    elif isinstance(rule, Sum):
        found = _sum(rule, selected, keys)
    else:
        found = _streak(rule, selected, keys)
    if not per_item:
        # per-item block in a once badge: the first item that satisfied it
        found = found.sort([AT, *keys]).group_by(USER, maintain_order=True).first()
    item = pl.col(ITEM) if per_item else pl.lit(None, dtype=pl.String)
    return found.select(pl.col(USER), item.alias(ITEM), pl.col(AT), pl.col("reason"))


def _select(facts: pl.DataFrame, select: Selection, keys: list[str]) -> pl.DataFrame:
    mask = pl.col(FactColumn.FACT).is_in(list(select.facts))
    if select.channels is not None:
        mask &= pl.col(FactColumn.CHANNEL).is_in(list(select.channels)).fill_null(value=False)
    for condition in select.where:
        mask &= condition.expr()
    for key in keys:
        mask &= pl.col(key).is_not_null()
    # a total order, so ties at one instant pick the same fact whatever the input order
    order = [*keys, AT, FactColumn.FACT, FactColumn.ITEM, FactColumn.ACTOR, FactColumn.VALUE]
    return facts.filter(mask).sort(order, nulls_last=False)


def _number(expr: pl.Expr) -> pl.Expr:
    """Numbers as people write them: 12, 2.5 (not 12.0)."""
    whole = expr.round(0) == expr
    return (
        pl.when(whole)
        .then(expr.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(expr.round(2).cast(pl.String))
        .fill_null("null")
    )


def _item_note(keys: list[str]) -> pl.Expr:
    return pl.lit(" on item ") + pl.col(ITEM) if ITEM in keys else pl.lit("")


def _distinct_unit(distinct: Distinct) -> pl.Expr:
    if distinct is Distinct.DAY:
        return pl.col(AT).dt.truncate("1d")
    if distinct is Distinct.WEEK:
        return pl.col(AT).dt.truncate("1w")
    return pl.col(distinct.value)


def _count(block: Count, selected: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    what = block.select.describe()
    if block.kind in ("first", "threshold"):
        first = selected.group_by(keys, maintain_order=True).first()
        pieces = [pl.lit(f"first {block.select.facts[0]}"), _item_note(keys)]
        if block.select.where:
            needs = " and ".join(str(c) for c in block.select.where)
            pieces += [pl.lit(" with "), *_join_shown(block), pl.lit(f" (needs {needs})")]
        return first.with_columns(pl.concat_str(pieces).alias("reason"))
    counted = selected
    noun = "facts"
    if block.distinct is not None:
        counted = selected.with_columns(_distinct_unit(block.distinct).alias("_unit")).filter(
            pl.col("_unit").is_not_null()
        )
        noun = f"distinct {block.distinct.value}s"
        if block.window is None:  # a unit counts from its first appearance
            counted = counted.group_by([*keys, "_unit"]).agg(pl.col(AT).min()).sort([*keys, AT])
    if block.window is None:
        reached = counted.with_columns(pl.int_range(1, pl.len() + 1).over(keys).alias("_n"))
    else:
        measure = pl.len() if block.distinct is None else pl.col("_unit").n_unique()
        reached = counted.rolling(AT, period=_period(block.window), group_by=keys).agg(
            measure.alias("_n")
        )
    first = reached.filter(pl.col("_n") >= block.min).sort([*keys, AT]).group_by(keys).first()
    window = f" within {_period_words(block.window)}" if block.window is not None else ""
    return first.with_columns(
        pl.concat_str(
            [
                _number(pl.col("_n").cast(pl.Float64)),
                pl.lit(f" {noun} of {what}{window}"),
                _item_note(keys),
                pl.lit(f" (needs {block.min})"),
            ]
        ).alias("reason")
    )


def _join_shown(block: Count) -> list[pl.Expr]:
    shown: list[pl.Expr] = []
    for index, field in enumerate(dict.fromkeys(c.field for c in block.select.where)):
        if index:
            shown.append(pl.lit(", "))
        shown += [pl.lit(f"{field}="), _number(pl.col(field))]
    return shown


def _sum(block: Sum, selected: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    field = pl.col(block.field).fill_null(0.0)
    if block.window is None:
        totals = selected.with_columns(field.cum_sum().over(keys).alias("_total"))
    else:
        totals = selected.rolling(AT, period=_period(block.window), group_by=keys).agg(
            field.sum().alias("_total")
        )
    first = totals.filter(pl.col("_total") >= block.min).sort([*keys, AT]).group_by(keys).first()
    window = f" within {_period_words(block.window)}" if block.window is not None else ""
    text = f" total {block.field} of {block.select.describe()}{window}"
    return first.with_columns(
        pl.concat_str(
            [
                _number(pl.col("_total")),
                pl.lit(text),
                _item_note(keys),
                pl.lit(f" (needs {block.min:g})"),
            ]
        ).alias("reason")
    )


def _streak(block: Streak, selected: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    every = "1d" if block.unit is Unit.DAY else "1w"
    units = (
        selected.with_columns(pl.col(AT).dt.truncate(every).alias("_unit"))
        .group_by([*keys, "_unit"])
        .agg(pl.col(AT).sort().get(block.per_unit - 1, null_on_oob=True).alias(AT))
        .filter(pl.col(AT).is_not_null())  # units with fewer than per_unit facts
    )
    days = pl.col("_unit").dt.date().cast(pl.Int64)
    index = days if block.unit is Unit.DAY else days // 7
    runs = (
        units.sort([*keys, "_unit"])
        .with_columns(index.alias("_index"))
        .with_columns((pl.col("_index") - pl.int_range(pl.len()).over(keys)).alias("_run"))
        .with_columns(
            pl.int_range(1, pl.len() + 1).over([*keys, "_run"]).alias("_length"),
            pl.col("_unit").first().over([*keys, "_run"]).alias("_start"),
        )
    )
    first = runs.filter(pl.col("_length") == block.length).sort([*keys, AT]).group_by(keys).first()
    each = f" with at least {block.per_unit}" if block.per_unit > 1 else ""
    text = f" consecutive {block.unit.value}s{each} of {block.select.describe()}"
    return first.with_columns(
        pl.concat_str(
            [
                pl.lit(f"{block.length}{text}"),
                _item_note(keys),
                pl.lit(", from "),
                pl.col("_start").dt.strftime(DATE_FORMAT),
                pl.lit(f" (needs {block.length})"),
            ]
        ).alias("reason")
    )


def _period_words(window: timedelta) -> str:
    """A window as a reason reads it (``90 days``, ``12 hours``), where polars needs ``90d``."""
    seconds = int(window.total_seconds())
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def _period(window: timedelta) -> str:
    """Polars duration string of a window (``30d``, ``12h``)."""
    seconds = int(window.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    return f"{seconds // 3600}h" if seconds % 3600 == 0 else f"{seconds}s"


def _all_of(parts: list[pl.DataFrame]) -> pl.DataFrame:
    joined = parts[0].rename({AT: "_at0", "reason": "_reason0"})
    for index, part in enumerate(parts[1:], start=1):
        renamed = part.rename({AT: f"_at{index}", "reason": f"_reason{index}"})
        joined = joined.join(renamed, on=[USER, ITEM], how="inner", nulls_equal=True)
    ats = [pl.col(f"_at{i}") for i in range(len(parts))]
    reasons = [pl.col(f"_reason{i}") for i in range(len(parts))]
    return joined.select(
        pl.col(USER),
        pl.col(ITEM),
        pl.max_horizontal(ats).alias(AT),
        pl.concat_str(reasons, separator="; ").alias("reason"),
    )


def _any_of(parts: list[pl.DataFrame]) -> pl.DataFrame:
    tagged = [p.with_columns(pl.lit(i).alias("_part")) for i, p in enumerate(parts)]
    return (
        pl.concat(tagged, how="vertical")
        .sort([USER, ITEM, AT, "_part"], nulls_last=False)
        .group_by([USER, ITEM], maintain_order=True)
        .first()
        .select(USER, ITEM, AT, "reason")
    )
