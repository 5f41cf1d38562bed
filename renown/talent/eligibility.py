"""Who enters a promotion round's pool, and the rule that put each person in or out.

The rules are plain data stored with the round as JSON, and the decision needs only a
person, their talent profile and the round's date, so opening a round and the demo's
planning of a pool reach the same answer. They live apart
from the round actions in :mod:`renown.talent.rounds`, which re-exports them and is where
the rest of the code imports them from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, ClassVar

from renown.core.errors import Invalid
from renown.store.tables.org import Person
from renown.store.tables.talent import TalentProfile


@dataclass(frozen=True)
class Eligibility:
    """Who enters a round's pool (every rule must hold; empty lists admit everyone)."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    min_tenure_months: int = 0
    min_months_in_role: int = 0
    levels: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("min_tenure_months", "min_months_in_role"):
            value = getattr(self, name)
            if not 0 <= value <= 600:
                raise Invalid(f"{name} must be between 0 and 600 months")

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Eligibility:
        return cls(
            min_tenure_months=int(data.get("min_tenure_months", 0)),
            min_months_in_role=int(data.get("min_months_in_role", 0)),
            levels=tuple(data.get("levels", ())),
            departments=tuple(data.get("departments", ())),
            titles=tuple(data.get("titles", ())),
        )


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (a month counts once its day is reached)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def eligibility_reason(
    person: Person, profile: TalentProfile | None, rules: Eligibility, as_of: date
) -> tuple[bool, str]:
    """Whether ``person`` enters the pool, and the rule that decided it (in words)."""
    if person.left_on is not None and person.left_on <= as_of:
        return False, "has left the organisation"
    if rules.departments:
        department = person.department.name if person.department else None
        if department not in rules.departments:
            return False, f"department {department or 'none'} is not in the round"
    if rules.titles and (person.title or "") not in rules.titles:
        return False, f"title {person.title or 'none'} is not in the round"
    level = profile.level if profile else None
    if rules.levels and level not in rules.levels:
        return False, f"level {level or 'unknown'} is not in the round"
    if rules.min_tenure_months:
        if person.hired_on is None:
            return False, "hire date unknown: tenure cannot be checked"
        tenure = months_between(person.hired_on, as_of)
        if tenure < rules.min_tenure_months:
            return False, f"{tenure} months of tenure; {rules.min_tenure_months} needed"
    if rules.min_months_in_role:
        since = profile.in_role_since if profile else None
        if since is None:
            return False, "date in role unknown: time in role cannot be checked"
        in_role = months_between(since, as_of)
        if in_role < rules.min_months_in_role:
            return False, f"{in_role} months in role; {rules.min_months_in_role} needed"
    return True, "meets every eligibility rule"


def admits_every_level(rules: Eligibility) -> bool:
    """Whether the rules let people of any level into the pool (no level band)."""
    return not rules.levels


def breadth_warning(rules: Eligibility) -> str | None:
    """The sentence a round shows when its rules admit every level, or None.

    A promotion pool without a level band puts a vice-president and a junior side by side
    for the same role, and the ranking then recommends whoever has the most evidence.
    """
    if not admits_every_level(rules):
        return None
    others = (
        rules.departments or rules.titles or rules.min_tenure_months or rules.min_months_in_role
    )
    who = "people of every level" if others else "everyone in the organisation"
    return (
        f"This round's rules admit {who}: no level band was set, so juniors and executives "
        "compete for the same role. Choose the levels eligible for the role, or add and "
        "remove candidates with a reason."
    )
