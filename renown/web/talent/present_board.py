"""What the board pages show and read: the forms of a round and the contribution bars.

The routes in :mod:`renown.web.talent.rounds` and :mod:`renown.web.talent.decisions` stay
thin: they call one domain function and hand its answer to a template. This module turns
raw form strings into the domain's :class:`~renown.talent.rounds.RoundConfig` and
:class:`~renown.talent.eligibility.Eligibility` (every mistake an
:class:`~renown.core.errors.Invalid` with a sentence for the person who typed it, never a
500), keeps what was typed so a refused form comes back filled in, and builds the
presentation pieces that are not the domain's business: coloured contribution segments and
the legend.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Final

import sqlalchemy as sa
from fastapi import Depends, Form
from sqlalchemy.orm import Session

from renown.core.errors import Invalid
from renown.store.tables.org import Person
from renown.store.tables.talent import PromotionRound, TalentProfile
from renown.talent.board import BoardRow
from renown.talent.composite import WeightedCriterion
from renown.talent.criteria import FEEDBACK_PREFIX, CriterionInfo
from renown.talent.rounds import (
    DEFAULT_CRITERIA,
    DEFAULT_PERFORMANCE,
    DEFAULT_POTENTIAL,
    MAX_TEXT,
    MAX_WEIGHT,
    Eligibility,
    RoundConfig,
)
from renown.web.params import MAX_ID, MULTI_LINE, SINGLE_LINE, MultiLine, SingleLine
from renown.web.talent.colours import criterion_colour

TRANSPARENCY_CHOICES: Final = (
    (
        "everyone",
        "Everyone",
        "Everyone in the organisation sees the ranking: names, ranks, composites and "
        "contributions (external scores of people with a private profile stay hidden).",
    ),
    (
        "candidates",
        "Candidates",
        "Only the round's candidates see the ranking, with the same details.",
    ),
    (
        "no_one",
        "No one",
        "Only HR sees the ranking. Each candidate still sees their own explanation.",
    ),
)
MISSING_CHOICES: Final = (
    (
        "reweigh",
        "Rank on what there is",
        "A candidate missing a criterion is ranked on the others (their weights spread over "
        "what is there) and flagged as incomplete.",
    ),
    (
        "exclude",
        "Leave out",
        "A candidate missing any weighted criterion is not ranked; the board says why.",
    ),
)
MAX_CHOICE: Final = 200
"""Longest department, title, level or criterion key a form may send (as the columns hold)."""
Line = Annotated[str, Form(max_length=200), SINGLE_LINE]
Text = Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE]
Word = Annotated[str, Form(max_length=32), SINGLE_LINE]
Choices = Annotated[list[SingleLine], Form(max_length=1000)]
Notes = Annotated[list[MultiLine], Form(max_length=1000)]


def _number(raw: str, what: str, *, default: float, lowest: float, highest: float) -> float:
    text = raw.strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise Invalid(f"{what} must be a number") from None
    if not math.isfinite(value) or not lowest <= value <= highest:
        raise Invalid(f"{what} must be between {lowest:g} and {highest:g}")
    return value


def _whole(raw: str, what: str, *, default: int, lowest: int, highest: int) -> int:
    value = _number(raw, what, default=default, lowest=lowest, highest=highest)
    if value != int(value):
        raise Invalid(f"{what} must be a whole number")
    return int(value)


def _chosen(values: Iterable[str]) -> tuple[str, ...]:
    """Non-blank choices of a multi-select, in order, without repeats."""
    chosen = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
    if any(len(v) > MAX_CHOICE or "\x00" in v for v in chosen):
        raise Invalid(f"a choice must be at most {MAX_CHOICE} characters")
    return chosen


@dataclass
class ConfigForm:
    """The configuration fields of a round as typed (kept to fill a refused form again)."""

    keys: list[str] = field(default_factory=list)
    weights: list[str] = field(default_factory=list)
    top_n: str = "5"
    performance: list[str] = field(default_factory=list)
    potential: list[str] = field(default_factory=list)
    missing_policy: str = "reweigh"
    transparency: str = "no_one"
    acknowledge: bool = False

    def weight_of(self) -> dict[str, str]:
        """Typed weight per criterion key (what the number inputs show)."""
        return dict(zip(self.keys, self.weights, strict=False))

    def criteria(self) -> tuple[WeightedCriterion, ...]:
        """Weighted criteria: every weight above 0, and built-in criteria at 0 for information.

        Competency criteria left at 0 are dropped, so explanations list what counts rather
        than every competency of the framework.
        """
        if len(self.keys) != len(self.weights):
            raise Invalid("every criterion needs exactly one weight")
        chosen = []
        _chosen(self.keys)
        for key, raw in zip(self.keys, self.weights, strict=True):
            weight = _number(
                raw, f"the weight of {key}", default=0.0, lowest=0.0, highest=MAX_WEIGHT
            )
            if weight > 0 or not key.startswith(FEEDBACK_PREFIX):
                chosen.append(WeightedCriterion(key, weight))
        return tuple(chosen)

    def external_weighted(self, infos: Sequence[CriterionInfo]) -> bool:
        """Whether the typed weights give an external criterion weight (warning shown)."""
        external = {info.key for info in infos if info.external}
        for key, raw in self.weight_of().items():
            try:
                weight = float(raw or 0)
            except ValueError:
                continue
            if key in external and weight > 0:
                return True
        return False

    def to_config(self) -> RoundConfig:
        """The domain's configuration (the domain checks keys, sums and the legal warning)."""
        return RoundConfig(
            criteria=self.criteria(),
            top_n=_whole(self.top_n, "top N", default=5, lowest=1, highest=1000),
            performance_criteria=_chosen(self.performance),
            potential_criteria=_chosen(self.potential),
            missing_policy=self.missing_policy,
            transparency=self.transparency,
            acknowledge_external_risk=self.acknowledge,
        )


def config_form(
    criterion_key: Choices = [],  # noqa: B006
    criterion_weight: Choices = [],  # noqa: B006
    top_n: Word = "5",
    performance_criteria: Choices = [],  # noqa: B006
    potential_criteria: Choices = [],  # noqa: B006
    missing_policy: Word = "reweigh",
    transparency: Word = "no_one",
    acknowledge_external_risk: Word = "",
) -> ConfigForm:
    """The weights, top N, 9-box axes, missing-input policy and transparency as typed."""
    return ConfigForm(
        keys=criterion_key,
        weights=criterion_weight,
        top_n=top_n,
        performance=performance_criteria,
        potential=potential_criteria,
        missing_policy=missing_policy,
        transparency=transparency,
        acknowledge=acknowledge_external_risk == "yes",
    )


ConfigDep = Annotated[ConfigForm, Depends(config_form)]


def default_config(infos: Sequence[CriterionInfo]) -> ConfigForm:
    """The open-a-round form's starting point: the domain's balanced default weights."""
    defaults = {c.key: c.weight for c in DEFAULT_CRITERIA}
    return ConfigForm(
        keys=[info.key for info in infos],
        weights=[f"{defaults.get(info.key, 0.0):g}" for info in infos],
        performance=list(DEFAULT_PERFORMANCE),
        potential=list(DEFAULT_POTENTIAL),
    )


def config_of_round(round_: PromotionRound, infos: Sequence[CriterionInfo]) -> ConfigForm:
    """A round's current configuration as the configure form shows it."""
    weights = {str(c["key"]): float(c["weight"]) for c in round_.criteria}
    keys = [info.key for info in infos]
    keys += [key for key in weights if key not in keys]
    return ConfigForm(
        keys=keys,
        weights=[f"{weights.get(key, 0.0):g}" for key in keys],
        top_n=str(round_.top_n),
        performance=[str(k) for k in round_.performance_criteria],
        potential=[str(k) for k in round_.potential_criteria],
        missing_policy=round_.missing_policy,
        transparency=round_.transparency,
        acknowledge=round_.external_weighted,
    )


@dataclass
class EligibilityForm:
    """The pool rules of the open-a-round form as typed."""

    min_tenure_months: str = "0"
    min_months_in_role: str = "0"
    levels: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    def to_eligibility(self) -> Eligibility:
        return Eligibility(
            min_tenure_months=_whole(
                self.min_tenure_months, "minimum tenure", default=0, lowest=0, highest=600
            ),
            min_months_in_role=_whole(
                self.min_months_in_role, "minimum time in role", default=0, lowest=0, highest=600
            ),
            levels=_chosen(self.levels),
            departments=_chosen(self.departments),
            titles=_chosen(self.titles),
        )


def pool_choices(session: Session, org_id: int) -> tuple[list[str], list[str]]:
    """Titles of current people and levels of talent profiles, for the eligibility pickers."""
    titles = session.scalars(
        sa.select(Person.title)
        .where(Person.org_id == org_id, Person.left_on.is_(None), Person.title.is_not(None))
        .distinct()
        .order_by(Person.title)
    )
    levels = session.scalars(
        sa.select(TalentProfile.level)
        .where(TalentProfile.org_id == org_id, TalentProfile.level.is_not(None))
        .distinct()
        .order_by(TalentProfile.level)
    )
    return [t for t in titles if t], [level for level in levels if level]


def parse_person_id(raw: str, what: str = "a person") -> int:
    """A person id from a form (select values are strings); blank is refused."""
    if not raw.strip():
        raise Invalid(f"choose {what}")
    return _whole(raw, what, default=0, lowest=1, highest=MAX_ID)


def parse_people(values: Iterable[str]) -> list[int]:
    """Person ids of the sign-off checkboxes."""
    return [parse_person_id(v, "a promoted person") for v in values if v.strip()]


def override_reasons(people: Sequence[str], reasons: Sequence[str]) -> dict[int, str]:
    """Override reasons by person id (blank ones are left out: the domain asks for them)."""
    if len(people) != len(reasons):
        raise Invalid("every override reason must name its person")
    return {
        parse_person_id(pid): text
        for pid, text in zip(people, reasons, strict=True)
        if text.strip()
    }


@dataclass
class SignOffForm:
    """The sign-off form as typed: who is promoted, why, and each override's reason."""

    promoted: set[int]
    reason: str = ""
    overrides: dict[int, str] = field(default_factory=dict)

    @classmethod
    def typed(
        cls,
        promoted: Sequence[str],
        reason: str,
        people: Sequence[str],
        reasons: Sequence[str],
    ) -> SignOffForm:
        """What was sent, read leniently to fill the form again (the refusal says what is
        wrong; ids that are not numbers are dropped)."""
        chosen = {int(v) for v in promoted if v.strip().isascii() and v.strip().isdigit()}
        typed = {
            int(pid): text
            for pid, text in zip(people, reasons, strict=False)
            if pid.strip().isascii() and pid.strip().isdigit()
        }
        return cls(chosen, reason, typed)

    def differs(self, person_id: int, recommended: Collection[int]) -> bool:
        """Whether the box of ``person_id`` departs from the recommendation."""
        return (person_id in self.promoted) != (person_id in recommended)


# --- Board presentation -------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One criterion's slice of a candidate's composite bar (0..100 wide)."""

    key: str
    label: str
    contribution: float
    colour: int


def colours_of(round_: PromotionRound) -> dict[str, int]:
    """A colour number per criterion of the round, from each criterion's key (so it keeps
    its colour in every round: :mod:`renown.web.talent.colours`)."""
    return {str(c["key"]): criterion_colour(str(c["key"])) for c in round_.criteria}


def segments(row: BoardRow, colours: Mapping[str, int]) -> list[Segment]:
    """The coloured slices of a composite: every contribution above 0 (hidden ones omitted)."""
    return [
        Segment(c.key, c.label, c.contribution, colours.get(c.key, criterion_colour(c.key)))
        for c in row.contributions
        if c.contribution is not None and c.contribution > 0
    ]


def legend(round_: PromotionRound, labels: Mapping[str, str]) -> list[tuple[str, str, int]]:
    """(key, label, colour) of every criterion that carries weight."""
    colours = colours_of(round_)
    return [
        (str(c["key"]), labels.get(str(c["key"]), str(c["key"])), colours[str(c["key"])])
        for c in round_.criteria
        if float(c["weight"]) > 0
    ]
