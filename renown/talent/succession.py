"""Succession and replacement charts for key roles.

External prominence never carries weight here: a plan is a standing judgement about people
outside any one decision, exactly the unrelated context the EU AI Act's ban on social
scoring (Art. 5(1)(c)) is about, so it is refused rather than merely warned about.

HR names a key role (and its incumbent), weighs the evidence successors are ranked on (the
same pluggable criteria as promotion rounds), and names successors. Each successor has a
readiness (ready now, in 1-2 years, in 3+ years): suggested from the evidence, or set by HR
with a reason; the chart shows the evidence behind each. Succession plans are HR's only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import Clock
from renown.core.errors import Invalid, NotFound
from renown.org.access import access_person
from renown.store.tables.org import Person
from renown.store.tables.talent import SuccessionPlan, Successor, TalentProfile
from renown.talent.composite import RankedCandidate, WeightedCriterion, compose
from renown.talent.criteria import EXTERNAL_KEYS, Evidence, available, measure_all, source_for
from renown.talent.levels import levels_below, role_level
from renown.talent.ninebox import level
from renown.talent.readiness import READINESS_LABELS, Readiness, suggest_readiness
from renown.talent.rounds import DEFAULT_CRITERIA, reason_text

READINESS: tuple[Readiness, ...] = ("now", "1-2y", "3y+")


_HR_ONLY = "succession plans are HR's"


def _plan(session: Session, principal: Principal, plan_id: int) -> SuccessionPlan:
    principal.require_people_admin(_HR_ONLY)
    plan = session.get(SuccessionPlan, plan_id)
    if plan is None or plan.org_id != principal.org_id:
        raise NotFound(f"no succession plan {plan_id}")
    return plan


def plan_criteria(plan: SuccessionPlan) -> tuple[WeightedCriterion, ...]:
    """The plan's weighted criteria."""
    return tuple(WeightedCriterion(str(c["key"]), float(c["weight"])) for c in plan.criteria)


def check_create_plan(
    session: Session,
    principal: Principal,
    *,
    role_name: str,
    incumbent_id: int | None,
    criteria: Sequence[WeightedCriterion] = DEFAULT_CRITERIA,
    clock: Clock,
) -> SuccessionPlan:
    """HR names a key role to plan successors for."""
    principal.require_people_admin(_HR_ONLY)
    name = role_name.strip()
    if not name or len(name) > 200:
        raise Invalid("a key role's name must be 1 to 200 characters")
    if incumbent_id is not None:
        access_person(session, principal, incumbent_id)
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise Invalid("a criterion is listed twice")
    for criterion in criteria:
        source_for(criterion.key)
        if criterion.key in EXTERNAL_KEYS and criterion.weight > 0:
            raise Invalid(
                "succession plans do not weigh external prominence (public social network "
                "scores): it is shown for information only"
            )
    if not any(c.weight > 0 for c in criteria):
        raise Invalid("at least one criterion needs a weight above 0")
    exists = session.scalar(
        sa.select(SuccessionPlan.id).where(
            SuccessionPlan.org_id == principal.org_id, SuccessionPlan.role_name == name
        )
    )
    if exists is not None:
        raise Invalid(f"there is already a succession plan for {name}")
    now = clock.now()
    plan = SuccessionPlan(
        org_id=principal.org_id,
        role_name=name,
        incumbent_id=incumbent_id,
        criteria=[{"key": c.key, "weight": c.weight} for c in criteria],
        created_by=principal.actor,
        created_at=now,
    )
    session.add(plan)
    session.flush()
    audit.append_by(
        session,
        principal,
        "talent.succession.create",
        subject=f"succession:{plan.id}",
        payload={"role": name, "incumbent": incumbent_id, "criteria": plan.criteria},
        at=now,
    )
    return plan


def _ranked(
    session: Session, plan: SuccessionPlan, person_ids: Sequence[int], as_of: datetime
) -> tuple[list[RankedCandidate], dict[str, dict[int, Evidence]]]:
    criteria = plan_criteria(plan)
    keys = list(dict.fromkeys([*(c.key for c in criteria), "performance"]))
    evidence = measure_all(session, plan.org_id, keys, person_ids, as_of)
    points = {k: {pid: e.points for pid, e in v.items()} for k, v in evidence.items()}
    return compose(person_ids, criteria, points), evidence


def _suggestion(
    candidate: RankedCandidate,
    evidence: dict[str, dict[int, Evidence]],
    distance: Mapping[int, int | None] | None = None,
) -> tuple[Readiness, str]:
    performance = evidence.get("performance", {}).get(candidate.person_id)
    return suggest_readiness(
        candidate.composite,
        level(performance.points) if performance else None,
        (distance or {}).get(candidate.person_id),
    )


def level_distance(
    session: Session, plan: SuccessionPlan, person_ids: Sequence[int]
) -> dict[int, int | None]:
    """How many levels each person stands below the key role (None: a level is unknown).

    The role's level is the incumbent's, else a level written in the role's name, else the
    most common level of people holding the role's name as their title.
    """
    profiles = {
        p.person_id: p.level
        for p in session.scalars(
            sa.select(TalentProfile).where(TalentProfile.org_id == plan.org_id)
        )
    }
    known = {lvl for lvl in profiles.values() if lvl}
    holders = session.execute(
        sa.select(Person.id, Person.title).where(
            Person.org_id == plan.org_id, sa.func.lower(Person.title) == plan.role_name.lower()
        )
    ).all()
    by_title = {plan.role_name: [profiles.get(pid) or "" for pid, _title in holders]}
    named = profiles.get(plan.incumbent_id) if plan.incumbent_id is not None else None
    role = role_level(plan.role_name, known, named=named, title_levels=by_title)
    return {pid: levels_below(profiles.get(pid), role) for pid in person_ids}


def check_add_successor(
    session: Session,
    principal: Principal,
    plan_id: int,
    person_id: int,
    *,
    readiness: Readiness | None,
    reason: str = "",
    clock: Clock,
) -> Successor:
    """Name a successor; without a readiness the evidence suggests one (and says why)."""
    plan = _plan(session, principal, plan_id)
    person = access_person(session, principal, person_id)
    if person.id == plan.incumbent_id:
        raise Invalid("the incumbent cannot be their own successor")
    if session.scalar(
        sa.select(Successor.id).where(
            Successor.plan_id == plan.id, Successor.person_id == person.id
        )
    ):
        raise Invalid(f"{person.name} is already a successor for this role")
    now = clock.now()
    if readiness is None:
        ranked, evidence = _ranked(session, plan, [person.id], now)
        readiness, why = _suggestion(
            ranked[0], evidence, level_distance(session, plan, [person.id])
        )
        why = f"suggested from the evidence: {why}"
    else:
        if readiness not in READINESS:
            raise Invalid(f"readiness is one of {', '.join(READINESS)}")
        why = reason_text(reason, "a reason for the readiness")
    successor = Successor(
        plan_id=plan.id,
        person_id=person.id,
        readiness=readiness,
        reason=why,
        set_by=principal.actor,
        set_at=now,
    )
    session.add(successor)
    session.flush()
    audit.append_by(
        session,
        principal,
        "talent.succession.add",
        subject=f"succession:{plan.id}",
        payload={"person": person.id, "readiness": readiness, "reason": why},
        at=now,
    )
    return successor


def check_set_readiness(
    session: Session,
    principal: Principal,
    plan_id: int,
    person_id: int,
    *,
    readiness: Readiness,
    reason: str,
    clock: Clock,
) -> Successor:
    """HR changes a successor's readiness, with a reason (logged)."""
    plan = _plan(session, principal, plan_id)
    successor = session.scalar(
        sa.select(Successor).where(Successor.plan_id == plan.id, Successor.person_id == person_id)
    )
    if successor is None:
        raise NotFound(f"person {person_id} is not a successor for this role")
    if readiness not in READINESS:
        raise Invalid(f"readiness is one of {', '.join(READINESS)}")
    why = reason_text(reason, "a reason for the readiness")
    now = clock.now()
    before = successor.readiness
    successor.readiness = readiness
    successor.reason = why
    successor.set_by = principal.actor
    successor.set_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "talent.succession.readiness",
        subject=f"succession:{plan.id}",
        payload={"person": person_id, "before": before, "after": readiness, "reason": why},
        at=now,
    )
    return successor


def check_remove_successor(
    session: Session, principal: Principal, plan_id: int, person_id: int, *, clock: Clock
) -> None:
    """Take a successor off the chart (logged)."""
    plan = _plan(session, principal, plan_id)
    successor = session.scalar(
        sa.select(Successor).where(Successor.plan_id == plan.id, Successor.person_id == person_id)
    )
    if successor is None:
        raise NotFound(f"person {person_id} is not a successor for this role")
    session.delete(successor)
    session.flush()
    audit.append_by(
        session,
        principal,
        "talent.succession.remove",
        subject=f"succession:{plan.id}",
        payload={"person": person_id},
        at=clock.now(),
    )


@dataclass(frozen=True)
class SuccessorView:
    """A successor on the chart, with the evidence behind their place."""

    person_id: int
    name: str
    title: str | None
    department: str | None
    rank: int | None
    composite: float | None
    readiness: Readiness
    readiness_label: str
    reason: str
    set_by: str
    """Who set the readiness (an audit actor such as ``account:12``)."""
    set_at: datetime
    suggested: Readiness
    suggested_reason: str
    evidence: tuple[tuple[str, str, float | None], ...]
    """(criterion label, evidence in words, contribution)."""


@dataclass(frozen=True)
class PlanView:
    """A key role's replacement chart."""

    plan: SuccessionPlan
    incumbent: Person | None
    successors: tuple[SuccessorView, ...]
    """Ranked by composite; grouped by readiness on the page."""


@dataclass(frozen=True)
class PlanSummary:
    """A line of the key roles list."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    id: int
    role_name: str
    incumbent: str | None
    ready_now: int
    successors: int


def plans(session: Session, principal: Principal) -> list[PlanSummary]:
    """The organisation's key roles, by name."""
    principal.require_people_admin(_HR_ONLY)
    found = session.scalars(
        sa.select(SuccessionPlan)
        .where(SuccessionPlan.org_id == principal.org_id)
        .order_by(SuccessionPlan.role_name)
    ).all()
    summaries = []
    for plan in found:
        rows = session.scalars(sa.select(Successor).where(Successor.plan_id == plan.id)).all()
        incumbent = session.get(Person, plan.incumbent_id) if plan.incumbent_id else None
        summaries.append(
            PlanSummary(
                id=plan.id,
                role_name=plan.role_name,
                incumbent=incumbent.name if incumbent else None,
                ready_now=sum(1 for r in rows if r.readiness == "now"),
                successors=len(rows),
            )
        )
    return summaries


def plan_view(session: Session, principal: Principal, plan_id: int, *, now: datetime) -> PlanView:
    """The replacement chart: successors ranked on the plan's criteria, with evidence."""
    plan = _plan(session, principal, plan_id)
    rows = session.scalars(sa.select(Successor).where(Successor.plan_id == plan.id)).all()
    by_person = {r.person_id: r for r in rows}
    people = {
        p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(list(by_person))))
    }
    ranked, evidence = _ranked(session, plan, sorted(by_person), now)
    distance = level_distance(session, plan, sorted(by_person))
    infos = {i.key: i.label for i in available(session, plan.org_id)}
    views = []
    for candidate in ranked:
        row = by_person[candidate.person_id]
        person = people[candidate.person_id]
        suggested, suggested_reason = _suggestion(candidate, evidence, distance)
        readiness: Readiness = row.readiness  # type: ignore[assignment]
        views.append(
            SuccessorView(
                person_id=person.id,
                name=person.name,
                title=person.title,
                department=person.department.name if person.department else None,
                rank=candidate.rank,
                composite=candidate.composite,
                readiness=readiness,
                readiness_label=READINESS_LABELS[readiness],
                reason=row.reason,
                set_by=row.set_by,
                set_at=row.set_at,
                suggested=suggested,
                suggested_reason=suggested_reason,
                evidence=tuple(
                    (
                        infos.get(part.key, part.key),
                        evidence.get(part.key, {}).get(person.id, Evidence(None, "missing")).shown,
                        part.contribution,
                    )
                    for part in candidate.contributions
                ),
            )
        )
    incumbent = session.get(Person, plan.incumbent_id) if plan.incumbent_id else None
    return PlanView(plan=plan, incumbent=incumbent, successors=tuple(views))


def suggest_successors(
    session: Session, principal: Principal, plan_id: int, *, now: datetime, limit: int = 10
) -> list[tuple[int, str, float | None, Readiness]]:
    """The best-ranked current people not yet on the chart: (id, name, composite, readiness)."""
    plan = _plan(session, principal, plan_id)
    taken = set(session.scalars(sa.select(Successor.person_id).where(Successor.plan_id == plan.id)))
    people = {
        p.id: p
        for p in session.scalars(
            sa.select(Person).where(
                Person.org_id == plan.org_id,
                sa.or_(Person.left_on.is_(None), Person.left_on > now.date()),
            )
        )
        if p.id not in taken and p.id != plan.incumbent_id
    }
    ranked, evidence = _ranked(session, plan, sorted(people), now)
    distance = level_distance(session, plan, sorted(people))
    return [
        (c.person_id, people[c.person_id].name, c.composite, _suggestion(c, evidence, distance)[0])
        for c in ranked[:limit]
        if c.rank is not None
    ]
