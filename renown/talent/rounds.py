"""Opening and configuring promotion rounds: the candidate pool, criteria, weights, transparency.

A round is HR's: only HR and admins open or change one, and only while it is open (a
signed-off round is frozen). Its evidence is measured as of its date when it opens (and
when HR adds a criterion or a candidate) and kept (:mod:`renown.talent.frozen`), so later
scoring runs, badges and ratings do not move an open round's figures. Every change is in
the audit log with what it was before, so a board can be reconstructed as it stood at any
time.

External prominence (scores from public social networks) carries no weight unless the
organisation says so explicitly: giving it weight is refused until the caller
acknowledges the legal risk, and the round is flagged ``external_weighted`` in the audit
log and in its bias-audit report.

Who enters the pool (:class:`Eligibility` and :func:`eligibility_reason`) is decided in
:mod:`renown.talent.eligibility`; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, ClassVar, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import Clock
from renown.core.errors import Invalid, NotFound
from renown.core.roles import Role
from renown.org.access import access_person
from renown.org.reporting import reporting_line_ids
from renown.store.tables.org import Person
from renown.store.tables.talent import Appeal, PromotionRound, RoundCandidate, TalentProfile
from renown.talent.composite import WeightedCriterion
from renown.talent.criteria import EXTERNAL_KEYS, source_for
from renown.talent.eligibility import Eligibility, eligibility_reason, months_between
from renown.talent.frozen import freeze_evidence
from renown.talent.levels import band_below, level_number, role_level
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING

__all__ = [
    "DEFAULT_CRITERIA",
    "DEFAULT_PERFORMANCE",
    "DEFAULT_POTENTIAL",
    "MAX_TEXT",
    "MAX_TOP_N",
    "MAX_WEIGHT",
    "MISSING_POLICIES",
    "TRANSPARENCY",
    "Eligibility",
    "RoundConfig",
    "RoundSummary",
    "candidate_ids",
    "check_configure_round",
    "check_open_round",
    "check_set_candidate",
    "criteria_of",
    "eligibility_reason",
    "is_candidate",
    "level_band",
    "list_rounds",
    "managed_candidate_ids",
    "manages_candidates",
    "months_between",
    "open_round_for_change",
    "reason_text",
    "validate_config",
    "visible_round",
]

TRANSPARENCY: Final = ("everyone", "candidates", "no_one")
"""Who sees a round's ranking besides HR: everyone in the organisation, its candidates, nobody."""
MISSING_POLICIES: Final = ("reweigh", "exclude")
MAX_WEIGHT: Final = 100.0
MAX_TOP_N: Final = 1000
MAX_TEXT: Final = 2000

DEFAULT_CRITERIA: Final = (
    WeightedCriterion("performance", 40.0),
    WeightedCriterion("feedback", 25.0),
    WeightedCriterion("prominence_internal", 20.0),
    WeightedCriterion("badges", 5.0),
    WeightedCriterion("tenure", 10.0),
    WeightedCriterion("prominence_external", 0.0),
)
"""A balanced starting point: performance first, collaboration prominence counted like any
other evidence, external prominence shown for information only (weight 0)."""
DEFAULT_PERFORMANCE: Final = ("performance",)
DEFAULT_POTENTIAL: Final = ("feedback", "prominence_internal")


@dataclass(frozen=True)
class RoundConfig:
    """How a round weighs its candidates (validated by :func:`validate_config`)."""

    criteria: tuple[WeightedCriterion, ...] = DEFAULT_CRITERIA
    top_n: int = 5
    performance_criteria: tuple[str, ...] = DEFAULT_PERFORMANCE
    potential_criteria: tuple[str, ...] = DEFAULT_POTENTIAL
    missing_policy: str = "reweigh"
    transparency: str = "no_one"
    acknowledge_external_risk: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


_HR_ONLY = "only HR and admins run promotion rounds"


def _text(value: str, what: str, field: str, *, limit: int = 200) -> str:
    text = value.strip()
    if not text or len(text) > limit or "\x00" in text:
        raise Invalid(f"{what} must be 1 to {limit} characters", field=field)
    return text


def reason_text(value: str, what: str = "a reason") -> str:
    """A required free-text reason (decisions, overrides, calibration moves, appeals)."""
    text = value.strip()
    if len(text) < 5 or len(text) > MAX_TEXT or "\x00" in text:
        raise Invalid(f"{what} is required (5 to {MAX_TEXT} characters)")
    return text


def validate_config(config: RoundConfig) -> bool:
    """Check keys and weights; returns whether external prominence carries weight."""
    keys = [c.key for c in config.criteria]
    if len(set(keys)) != len(keys):
        raise Invalid("a criterion is listed twice")
    for key in {*keys, *config.performance_criteria, *config.potential_criteria}:
        source_for(key)
    for criterion in config.criteria:
        if not 0.0 <= criterion.weight <= MAX_WEIGHT:
            raise Invalid(
                f"the weight of {source_for(criterion.key).info.label} must be between 0 and "
                f"{MAX_WEIGHT:g}"
            )
    if not any(c.weight > 0 for c in config.criteria):
        raise Invalid("at least one criterion needs a weight above 0")
    if not config.performance_criteria or not config.potential_criteria:
        raise Invalid(
            "the 9-box needs at least one performance and one potential criterion",
            field="performance_criteria"
            if not config.performance_criteria
            else "potential_criteria",
        )
    if not 1 <= config.top_n <= MAX_TOP_N:
        raise Invalid(f"top N must be between 1 and {MAX_TOP_N}", field="top_n")
    if config.missing_policy not in MISSING_POLICIES:
        raise Invalid("choose how missing inputs are handled", field="missing_policy")
    if config.transparency not in TRANSPARENCY:
        raise Invalid("choose who sees the ranking", field="transparency")
    external = any(c.key in EXTERNAL_KEYS and c.weight > 0 for c in config.criteria) or any(
        key in EXTERNAL_KEYS for key in (*config.performance_criteria, *config.potential_criteria)
    )
    if external and not config.acknowledge_external_risk:
        raise Invalid(
            "external prominence can carry weight only once you acknowledge the risk: "
            + EXTERNAL_PROMINENCE_WARNING,
            field="acknowledge_external_risk",
        )
    return external


def _criteria_json(criteria: Sequence[WeightedCriterion]) -> list[dict[str, Any]]:
    return [{"key": c.key, "weight": c.weight} for c in criteria]


def criteria_of(round_: PromotionRound) -> tuple[WeightedCriterion, ...]:
    """The round's weighted criteria as the composite takes them."""
    return tuple(WeightedCriterion(str(c["key"]), float(c["weight"])) for c in round_.criteria)


def check_open_round(
    session: Session,
    principal: Principal,
    *,
    name: str,
    target: str,
    eligibility: Eligibility,
    config: RoundConfig,
    clock: Clock,
    as_of: datetime | None = None,
    target_level: str | None = None,
) -> PromotionRound:
    """HR opens a round: the pool is drawn from the org chart by the eligibility rules.

    Rules that name no levels are given the role's level band (:func:`level_band`), so a
    round for a lead role does not rank its juniors against its vice-presidents; only when
    the role's level cannot be told does the round admit every level (and its board says
    so).
    """
    principal.require_people_admin(_HR_ONLY)
    external = validate_config(config)
    now = clock.now()
    people = session.scalars(sa.select(Person).where(Person.org_id == principal.org_id)).all()
    profiles = {
        p.person_id: p
        for p in session.scalars(
            sa.select(TalentProfile).where(TalentProfile.org_id == principal.org_id)
        )
    }
    if not eligibility.levels:
        band = level_band(target, people, profiles, named=target_level)
        eligibility = replace(eligibility, levels=band)
    round_ = PromotionRound(
        org_id=principal.org_id,
        name=_text(name, "a round's name", "name"),
        target=_text(target, "the role or level", "target"),
        status="open",
        eligibility=eligibility.to_json(),
        criteria=_criteria_json(config.criteria),
        performance_criteria=list(config.performance_criteria),
        potential_criteria=list(config.potential_criteria),
        top_n=config.top_n,
        missing_policy=config.missing_policy,
        transparency=config.transparency,
        external_weighted=external,
        as_of=as_of or now,
        created_by=principal.actor,
        created_at=now,
    )
    session.add(round_)
    session.flush()
    included = 0
    for person in people:
        eligible, reason = eligibility_reason(
            person, profiles.get(person.id), eligibility, round_.as_of.date()
        )
        if not eligible and person.left_on is not None and person.left_on <= round_.as_of.date():
            continue  # former employees are not listed at all
        included += eligible
        session.add(
            RoundCandidate(
                round_id=round_.id, person_id=person.id, included=eligible, reason=reason
            )
        )
    session.flush()
    freeze_evidence(session, round_, now=now)
    audit.append_by(
        session,
        principal,
        "talent.round.open",
        subject=f"round:{round_.id}",
        payload={
            "name": round_.name,
            "target": round_.target,
            "eligibility": round_.eligibility,
            "criteria": round_.criteria,
            "top_n": round_.top_n,
            "performance_criteria": round_.performance_criteria,
            "potential_criteria": round_.potential_criteria,
            "missing_policy": round_.missing_policy,
            "as_of": round_.as_of.isoformat(),
            "target_level": target_level,
            "transparency": round_.transparency,
            "external_weighted": external,
            "pool": included,
        },
        at=now,
    )
    return round_


def level_band(
    target: str,
    people: Sequence[Person],
    profiles: Mapping[int, TalentProfile],
    *,
    named: str | None = None,
) -> tuple[str, ...]:
    """The levels a round for ``target`` admits by default: the nearest level below the
    role's (named by HR, written in the target, or held by people with that title); empty
    when the role's level cannot be told."""
    known = {p.level for p in profiles.values() if p.level}
    by_title: dict[str, list[str]] = {}
    for person in people:
        profile = profiles.get(person.id)
        if person.title and profile is not None and profile.level:
            by_title.setdefault(person.title, []).append(profile.level)
    level = role_level(target, known, named=named, title_levels=by_title)
    if level is None:
        return ()
    if named and named.strip() and level_number(level) is None:
        raise Invalid(
            f"the role's level {level} has no number to place it among the levels (such as L4)"
        )
    return band_below(level, known)


def open_round_for_change(session: Session, principal: Principal, round_id: int) -> PromotionRound:
    """A round HR may still change (404 for other organisations, 422 once decided)."""
    principal.require_people_admin(_HR_ONLY)
    return locked_open_round(session, principal, round_id)


def locked_open_round(session: Session, principal: Principal, round_id: int) -> PromotionRound:
    """The round, locked until the transaction ends, if it is still open.

    The row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway)
    makes a change and a concurrent sign-off take turns: a change either lands before the
    decision freezes the round or sees it decided.
    """
    round_ = session.get(PromotionRound, round_id, with_for_update=True, populate_existing=True)
    if round_ is None or round_.org_id != principal.org_id:
        raise NotFound(f"no promotion round {round_id}")
    if round_.status != "open":
        raise Invalid("this round has been signed off and can no longer change")
    return round_


def check_configure_round(
    session: Session, principal: Principal, round_id: int, config: RoundConfig, *, clock: Clock
) -> PromotionRound:
    """Change weights, top N, 9-box axes, missing-input policy or transparency of an open round."""
    round_ = open_round_for_change(session, principal, round_id)
    external = validate_config(config)
    before = {
        "criteria": round_.criteria,
        "top_n": round_.top_n,
        "performance_criteria": round_.performance_criteria,
        "potential_criteria": round_.potential_criteria,
        "missing_policy": round_.missing_policy,
        "transparency": round_.transparency,
        "external_weighted": round_.external_weighted,
    }
    round_.criteria = _criteria_json(config.criteria)
    round_.top_n = config.top_n
    round_.performance_criteria = list(config.performance_criteria)
    round_.potential_criteria = list(config.potential_criteria)
    round_.missing_policy = config.missing_policy
    round_.transparency = config.transparency
    round_.external_weighted = external
    session.flush()
    freeze_evidence(session, round_, now=clock.now())  # a criterion added: as of the date
    after = {key: getattr(round_, key) for key in before}
    audit.append_by(
        session,
        principal,
        "talent.round.configure",
        subject=f"round:{round_.id}",
        payload={"before": before, "after": after},
        at=clock.now(),
    )
    return round_


def check_set_candidate(
    session: Session,
    principal: Principal,
    round_id: int,
    person_id: int,
    *,
    included: bool,
    reason: str,
    clock: Clock,
) -> RoundCandidate:
    """HR adds a person to the pool or takes one out, always with a reason (logged)."""
    round_ = open_round_for_change(session, principal, round_id)
    access_person(session, principal, person_id)  # NotFound outside the organisation
    why = reason_text(reason)
    candidate = session.scalar(
        sa.select(RoundCandidate).where(
            RoundCandidate.round_id == round_.id, RoundCandidate.person_id == person_id
        )
    )
    before = None if candidate is None else candidate.included
    if candidate is None:
        candidate = RoundCandidate(round_id=round_.id, person_id=person_id)
        session.add(candidate)
    candidate.included = included
    candidate.reason = f"set by HR: {why}"
    candidate.changed_by = principal.actor
    session.flush()
    if included:
        freeze_evidence(session, round_, now=clock.now(), person_ids=[person_id])
    audit.append_by(
        session,
        principal,
        "talent.round.candidate",
        subject=f"round:{round_.id}",
        payload={"person": person_id, "included": included, "before": before, "reason": why},
        at=clock.now(),
    )
    return candidate


def candidate_ids(session: Session, round_id: int) -> list[int]:
    """Person ids in the round's pool, in id order."""
    return list(
        session.scalars(
            sa.select(RoundCandidate.person_id)
            .where(RoundCandidate.round_id == round_id, RoundCandidate.included.is_(True))
            .order_by(RoundCandidate.person_id)
        )
    )


def is_candidate(session: Session, round_id: int, person_id: int | None) -> bool:
    """Whether ``person_id`` is in the round's pool."""
    if person_id is None:
        return False
    return person_id in candidate_ids(session, round_id)


def visible_round(session: Session, principal: Principal, round_id: int) -> PromotionRound:
    """A round the principal may look at (404 otherwise, existence not revealed).

    HR and admins see every round of their organisation; a manager sees rounds with a
    candidate in their reporting line (for calibration); a candidate sees their own round;
    anyone in the organisation sees a round whose ranking is published to everyone.
    """
    round_ = session.get(PromotionRound, round_id)
    if round_ is None or round_.org_id != principal.org_id or not principal.is_staff:
        raise NotFound(f"no promotion round {round_id}")
    if principal.sees_everyone or round_.transparency == "everyone":
        return round_
    if is_candidate(session, round_id, principal.person_id):
        return round_
    if manages_candidates(session, principal, round_id):
        return round_
    raise NotFound(f"no promotion round {round_id}")


def managed_candidate_ids(session: Session, principal: Principal, round_id: int) -> set[int]:
    """Candidates in the manager's reporting line (empty for anyone but managers)."""
    if principal.role is not Role.MANAGER or principal.person_id is None:
        return set()
    found: Any = session.scalars(reporting_line_ids(principal.org_id, principal.person_id))
    line: set[int] = {int(pid) for pid in found}
    line.discard(principal.person_id)
    return line & set(candidate_ids(session, round_id))


def manages_candidates(session: Session, principal: Principal, round_id: int) -> bool:
    """Whether a manager has at least one candidate of the round in their line."""
    return bool(managed_candidate_ids(session, principal, round_id))


@dataclass(frozen=True)
class RoundSummary:
    """A line of the rounds list."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    id: int
    name: str
    target: str
    status: str
    """open or decided."""
    candidates: int
    top_n: int
    transparency: str
    external_weighted: bool
    created_at: datetime
    decided_at: datetime | None
    open_appeals: int
    """Appeals waiting for HR's answer (counted for HR and admins only, else 0)."""


def _rounds_concerning(session: Session, principal: Principal) -> set[int]:
    """Rounds with the principal, or (for a manager) someone in their line, in the pool."""
    if principal.person_id is None:
        return set()
    people: Any = sa.select(sa.literal(principal.person_id))
    if principal.role is Role.MANAGER:
        people = reporting_line_ids(principal.org_id, principal.person_id)
    found: Any = session.scalars(
        sa.select(RoundCandidate.round_id)
        .where(RoundCandidate.included.is_(True), RoundCandidate.person_id.in_(people))
        .distinct()
    )
    return {int(round_id) for round_id in found}


def list_rounds(session: Session, principal: Principal) -> list[RoundSummary]:
    """Rounds the principal may see, newest first."""
    principal.require_staff("promotion rounds are for the organisation's own people")
    counts = (
        sa.select(RoundCandidate.round_id, sa.func.count().label("n"))
        .where(RoundCandidate.included.is_(True))
        .group_by(RoundCandidate.round_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(PromotionRound, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.round_id == PromotionRound.id)
        .where(PromotionRound.org_id == principal.org_id)
        .order_by(PromotionRound.created_at.desc(), PromotionRound.id.desc())
    ).all()
    waiting: dict[int, int] = {}
    if principal.sees_everyone:
        waiting = {
            int(round_id): int(count)
            for round_id, count in session.execute(
                sa.select(Appeal.round_id, sa.func.count())
                .join(PromotionRound, PromotionRound.id == Appeal.round_id)
                .where(PromotionRound.org_id == principal.org_id, Appeal.status == "open")
                .group_by(Appeal.round_id)
            )
        }
    summaries = []
    concerned = set() if principal.sees_everyone else _rounds_concerning(session, principal)
    for round_, n in rows:
        if not principal.sees_everyone and not (
            round_.transparency == "everyone" or round_.id in concerned
        ):
            continue  # the same rule as visible_round, for every round in two queries
        summaries.append(
            RoundSummary(
                id=round_.id,
                name=round_.name,
                target=round_.target,
                status=round_.status,
                candidates=int(n),
                top_n=round_.top_n,
                transparency=round_.transparency,
                external_weighted=round_.external_weighted,
                created_at=round_.created_at,
                decided_at=round_.decided_at,
                open_appeals=waiting.get(round_.id, 0),
            )
        )
    return summaries
