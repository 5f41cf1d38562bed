"""A person's own promotion-board data, for "export my data".

Everything the boards hold about the signed-in person: their self-reported demographics,
the performance ratings, level and external observations HR imported, the rounds they were
considered in (with the reason), the outcome and their own explanation once a round is
decided, their appeals, the calibration moves of their 9-box cell (with HR's reason), the
succession plans that name them, and the ratings they gave as a manager. Other people
appear by id only, and nothing HR sees only in aggregate is included.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.org.access import own_person
from renown.store.tables.talent import (
    Appeal,
    CalibrationMove,
    Demographics,
    ExternalProminence,
    PerformanceRating,
    PromotionRound,
    RoundCandidate,
    RoundDecision,
    SuccessionPlan,
    Successor,
    TalentProfile,
)


def my_talent_data(session: Session, principal: Principal) -> dict[str, Any] | None:
    """The principal's own promotion-board records (``None`` without a person)."""
    person = own_person(session, principal)
    if person is None:
        return None
    me = person.id
    demographics = session.get(Demographics, me)
    profile = session.get(TalentProfile, me)
    ratings = session.scalars(
        sa.select(PerformanceRating)
        .where(PerformanceRating.person_id == me)
        .order_by(PerformanceRating.period)
    )
    external = session.scalars(
        sa.select(ExternalProminence)
        .where(ExternalProminence.person_id == me)
        .order_by(ExternalProminence.observed_on, ExternalProminence.network)
    )
    return {
        "demographics": None
        if demographics is None
        else {
            "person_id": me,
            "sex": demographics.sex,
            "race_ethnicity": demographics.race_ethnicity,
            "age_band": demographics.age_band,
            "disability": demographics.disability,
            "source": demographics.source,
            "updated_at": demographics.updated_at.isoformat(),
        },
        "profile": None
        if profile is None
        else {
            "person_id": me,
            "level": profile.level,
            "in_role_since": profile.in_role_since.isoformat() if profile.in_role_since else None,
        },
        "performance_ratings": [{"period": r.period, "rating": r.rating} for r in ratings],
        "external_prominence": [
            {
                "id": e.id,
                "network": e.network,
                "score": e.score,
                "observed_on": e.observed_on.isoformat(),
            }
            for e in external
        ],
        "rounds": _rounds(session, me),
        **_beyond_rounds(session, person.org_id, me),
    }


def _rounds(session: Session, me: int) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(PromotionRound, RoundCandidate, RoundDecision)
        .join(RoundCandidate, RoundCandidate.round_id == PromotionRound.id)
        .outerjoin(RoundDecision, RoundDecision.round_id == PromotionRound.id)
        .where(RoundCandidate.person_id == me)
        .order_by(PromotionRound.created_at, PromotionRound.id)
    ).all()
    appeals: dict[int, list[dict[str, Any]]] = {}
    for appeal in session.scalars(
        sa.select(Appeal).where(Appeal.person_id == me).order_by(Appeal.filed_at)
    ):
        appeals.setdefault(appeal.round_id, []).append(
            {
                "id": appeal.id,
                "text": appeal.text,
                "filed_at": appeal.filed_at.isoformat(),
                "status": appeal.status,
                "answer": appeal.answer,
            }
        )
    exported = []
    for round_, candidate, decision in rows:
        mine = None
        if decision is not None:
            mine = next((r for r in decision.ranking if r["person_id"] == me), None)
        exported.append(
            {
                "round_id": round_.id,
                "round": round_.name,
                "target": round_.target,
                "in_pool": candidate.included,
                "reason": candidate.reason,
                "evidence": candidate.evidence,
                "status": round_.status,
                "promoted": None if decision is None else me in decision.promoted,
                "explanation": mine,
                "appeals": appeals.get(round_.id, []),
            }
        )
    return exported


def _beyond_rounds(session: Session, org_id: int, me: int) -> dict[str, Any]:
    """Calibration moves of their cell, succession plans naming them, ratings they gave."""
    moves = session.scalars(
        sa.select(CalibrationMove)
        .where(CalibrationMove.person_id == me)
        .order_by(CalibrationMove.moved_at, CalibrationMove.id)
    )
    successor = session.execute(
        sa.select(Successor, SuccessionPlan.role_name)
        .join(SuccessionPlan, SuccessionPlan.id == Successor.plan_id)
        .where(SuccessionPlan.org_id == org_id, Successor.person_id == me)
        .order_by(Successor.id)
    )
    incumbent = session.scalars(
        sa.select(SuccessionPlan)
        .where(SuccessionPlan.org_id == org_id, SuccessionPlan.incumbent_id == me)
        .order_by(SuccessionPlan.id)
    )
    given = session.scalars(
        sa.select(PerformanceRating)
        .where(PerformanceRating.org_id == org_id, PerformanceRating.rated_by_id == me)
        .order_by(PerformanceRating.period, PerformanceRating.id)
    )
    return {
        "calibration_moves": [
            {
                "id": m.id,
                "round_id": m.round_id,
                "from": [m.from_performance, m.from_potential],
                "to": [m.to_performance, m.to_potential],
                "reason": m.reason,
                "moved_at": m.moved_at.isoformat(),
            }
            for m in moves
        ],
        "successor_of": [
            {
                "id": s.id,
                "plan_id": s.plan_id,
                "role": role,
                "readiness": s.readiness,
                "reason": s.reason,
                "set_at": s.set_at.isoformat(),
            }
            for s, role in successor
        ],
        "incumbent_of": [{"id": plan.id, "role": plan.role_name} for plan in incumbent],
        "ratings_given": [
            {"id": r.id, "person_id": r.person_id, "period": r.period, "rating": r.rating}
            for r in given
        ],
    }
