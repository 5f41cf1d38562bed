"""How far a person is from a badge they have not earned: "3 of 5 kudos from different
colleagues for Team player".

Only badges whose rule is one counting block (``count`` with a minimum above one, or
``sum``) have a progress that means something on its own: a first-time badge is simply
not earned yet, a streak restarts, and a combination (``all``/``any``) would need every
part explained. Windowed rules count the window ending now, which is the window a person
can still fill. Pure: facts in, numbers out, with the evaluator's own selection rules.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import polars as pl

from renown.badges.facts import FactColumn
from renown.badges.rules import Badge, Count, Distinct, Selection, Sum

NOUNS: Final = {
    "kudos_received": "kudos",
    "kudos_given": "kudos given",
    "feedback_received": "pieces of feedback received",
    "feedback_given": "pieces of feedback given",
    "reaction_received": "reactions",
    "challenge_completed": "challenges completed",
    "challenge_podium": "podium places",
}
"""What a fact is called when counted."""
DISTINCT: Final = {
    Distinct.ACTOR: "from different colleagues",
    Distinct.ITEM: "on different items",
    Distinct.DAY: "on different days",
    Distinct.WEEK: "in different weeks",
    Distinct.FACT: "of different kinds",
}
"""How counting distinct things is said after the noun."""


@dataclass(frozen=True)
class Progress:
    """A badge not yet earned and how far along its one counting block the person is."""

    badge: str
    name: str
    tier: str
    have: int
    need: int
    what: str
    """What is counted, in words ("kudos from different colleagues")."""
    window_days: int | None

    @property
    def sentence(self) -> str:
        """ "3 of 5 kudos from different colleagues for Team player"."""
        return f"{self.have} of {self.need} {self.what} for {self.name}"


def _selected(facts: pl.DataFrame, select: Selection, since: datetime | None) -> pl.DataFrame:
    mask = pl.col(FactColumn.FACT).is_in(list(select.facts))
    if select.channels is not None:
        mask &= pl.col(FactColumn.CHANNEL).is_in(list(select.channels)).fill_null(value=False)
    for condition in select.where:
        mask &= condition.expr()
    if since is not None:
        mask &= pl.col(FactColumn.AT) > since
    return facts.filter(mask)


ITEMS: Final = {"feedback_given": "to different people", "feedback_received": "on different items"}
"""What counting distinct items means for a fact (a challenge is itself the item)."""


def _what(select: Selection, distinct: Distinct | None) -> str:
    noun = " or ".join(NOUNS.get(f, f.replace("_", " ")) for f in select.facts)
    if distinct is None:
        return noun
    if distinct is Distinct.ITEM:
        if all(f.startswith("challenge_") for f in select.facts):
            return noun
        return f"{noun} {ITEMS.get(select.facts[0], DISTINCT[distinct])}"
    return f"{noun} {DISTINCT[distinct]}"


def _count(block: Count, facts: pl.DataFrame, now: datetime) -> int:
    selected = _selected(facts, block.select, now - block.window if block.window else None)
    if block.distinct is None:
        return selected.height
    if block.distinct in (Distinct.DAY, Distinct.WEEK):
        unit = pl.col(FactColumn.AT).dt.truncate("1d" if block.distinct is Distinct.DAY else "1w")
    else:
        unit = pl.col(block.distinct.value)
    return int(selected.select(unit.drop_nulls().n_unique()).item())


def badge_progress(badge: Badge, facts: pl.DataFrame, now: datetime) -> Progress | None:
    """``badge``'s progress for the one person whose ``facts`` these are (``None``: the
    rule has no single count to show)."""
    rule = badge.rule
    if isinstance(rule, Count) and rule.kind == "count" and rule.min > 1 and not rule.per_item:
        have, need = _count(rule, facts, now), rule.min
        what = _what(rule.select, rule.distinct)
    elif isinstance(rule, Sum) and not rule.per_item:
        since = now - rule.window if rule.window else None
        total = _selected(facts, rule.select, since).get_column(rule.field).sum()
        have, need = int(total or 0), int(rule.min)
        what = f"total {rule.field} of {_what(rule.select, None)}"
    else:
        return None
    window = getattr(rule, "window", None)
    return Progress(
        badge.id,
        badge.name,
        badge.tier.value,
        min(have, need),
        need,
        what,
        window.days if window is not None else None,
    )


def next_badges(
    badges: Sequence[Badge],
    facts: pl.DataFrame,
    earned: Collection[str],
    now: datetime,
    *,
    limit: int = 4,
) -> list[Progress]:
    """The person's closest badges not yet earned and already started, nearest first
    (then by name)."""
    found = [
        progress
        for badge in badges
        if badge.id not in earned
        and (progress := badge_progress(badge, facts, now)) is not None
        and 0 < progress.have < progress.need
    ]
    found.sort(key=lambda p: (-p.have / p.need, p.name))
    return found[:limit]
