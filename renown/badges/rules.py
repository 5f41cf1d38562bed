"""The parsed form of badge rules: small frozen dataclasses the evaluator pattern-matches.

The TOML syntax and its checks live in :mod:`renown.badges.language`; keeping the model
separate lets code build rules directly (tests, other front ends) with the same meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Final

import polars as pl


class Tier(StrEnum):
    """How hard a badge is to earn."""

    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


class Award(StrEnum):
    """How often a badge can be earned: once per person, or once per person and item."""

    ONCE = "once"
    PER_ITEM = "per_item"


class Distinct(StrEnum):
    """What a ``count`` counts when it counts distinct things instead of facts."""

    ACTOR = "actor"
    ITEM = "item"
    DAY = "day"
    WEEK = "week"
    FACT = "fact"


class Unit(StrEnum):
    """Calendar unit of a streak (UTC days; ISO weeks starting on Monday)."""

    DAY = "day"
    WEEK = "week"


OPERATORS: Final = (">=", "<=", "==", "!=", ">", "<")


@dataclass(frozen=True)
class Condition:
    """``field op number`` on one fact, e.g. ``value >= 10``."""

    field: str
    op: str
    number: float

    def expr(self) -> pl.Expr:
        """Polars expression; null compares as false."""
        column, number = pl.col(self.field), pl.lit(self.number)
        compared = {
            ">=": column >= number,
            "<=": column <= number,
            "==": column == number,
            "!=": column != number,
            ">": column > number,
            "<": column < number,
        }[self.op]
        return compared.fill_null(value=False)

    def __str__(self) -> str:
        return f"{self.field} {self.op} {self.number:g}"


@dataclass(frozen=True)
class Selection:
    """Which facts a block looks at: fact kinds, optional channels, conditions."""

    facts: tuple[str, ...]
    channels: tuple[str, ...] | None = None
    where: tuple[Condition, ...] = ()

    def describe(self) -> str:
        text = "/".join(self.facts)
        if self.channels is not None:
            text += " on " + "/".join(self.channels)
        if self.where:
            text += " with " + " and ".join(str(c) for c in self.where)
        return text


@dataclass(frozen=True)
class Count:
    """At least ``min`` matching facts (or distinct actors, items, days, weeks, facts).

    ``window``: only facts within the rolling window ``(t - window, t]`` count.
    ``per_item``: the facts must all be about one item. ``first`` and ``threshold`` are
    counts with ``min = 1``; ``kind`` keeps the block name for reasons and round trips.
    """

    select: Selection
    min: int = 1
    distinct: Distinct | None = None
    window: timedelta | None = None
    per_item: bool = False
    kind: str = "count"


@dataclass(frozen=True)
class Sum:
    """The total of ``field`` over matching facts (optionally windowed) reaches ``min``."""

    select: Selection
    min: float
    field: str = "value"
    window: timedelta | None = None
    per_item: bool = False


@dataclass(frozen=True)
class Streak:
    """``length`` consecutive units, each with at least ``per_unit`` matching facts."""

    select: Selection
    length: int
    unit: Unit = Unit.DAY
    per_unit: int = 1
    per_item: bool = False


@dataclass(frozen=True)
class AllOf:
    """Every part holds; true from the moment the last part became true."""

    parts: tuple[Rule, ...]


@dataclass(frozen=True)
class AnyOf:
    """Some part holds; true from the moment the first part became true."""

    parts: tuple[Rule, ...]


Rule = Count | Sum | Streak | AllOf | AnyOf


@dataclass(frozen=True)
class Badge:
    """One badge definition."""

    id: str
    name: str
    description: str
    tier: Tier
    rule: Rule
    award: Award = Award.ONCE
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def leaf_blocks(rule: Rule) -> list[Count | Sum | Streak]:
    """The count/sum/streak blocks of a rule, depth first."""
    if isinstance(rule, AllOf | AnyOf):
        return [leaf for part in rule.parts for leaf in leaf_blocks(part)]
    return [rule]
