"""Signing a round off, and candidates' appeals.

A board's ranking is a recommendation until a named person (an HR or admin account; its
person's name when it has one) signs the decision off with a reason. Sign-off freezes the
round: the decision row keeps the inputs (configuration and every candidate's evidence)
and the ranking exactly as shown, and the audit log gets an entry whose payload carries a
SHA-256 digest of both, so the stored decision can be checked against the chain later.
Every departure from the recommended top N (promoting someone outside it, or passing over
someone inside it) needs its own reason and is recorded as an override.

Candidates are told the round is decided, see their own explanation, and may file an
appeal that HR must answer (upheld or rejected, with a reason), all in the audit log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.audit.personal import matches as recorded_value_matches
from renown.core.clock import Clock
from renown.core.errors import Invalid, NotFound
from renown.core.roles import PEOPLE_ADMIN_ROLES
from renown.notify.inapp import do_notify
from renown.store.tables.accounts import Account
from renown.store.tables.audit import AuditEntry
from renown.store.tables.org import Person
from renown.store.tables.talent import Appeal, CalibrationSession, PromotionRound, RoundDecision
from renown.talent.board import board_rows, computed_boxes, evidence_of, row_json
from renown.talent.calibration import current_boxes, moves_of
from renown.talent.frozen import round_keys
from renown.talent.rounds import (
    candidate_ids,
    is_candidate,
    open_round_for_change,
    reason_text,
    visible_round,
)


def digest(value: Any) -> str:
    """SHA-256 of a canonical JSON rendering (what the audit entry vouches for)."""
    body = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def signer_name(session: Session, principal: Principal) -> str:
    """The name a decision is signed with: the account's person, else its e-mail."""
    if principal.person_id is not None:
        person = session.get(Person, principal.person_id)
        if person is not None:
            return f"{person.name} <{principal.email}>"
    return principal.email


def check_sign_off(
    session: Session,
    principal: Principal,
    round_id: int,
    *,
    promoted: Sequence[int],
    reason: str,
    override_reasons: Mapping[int, str] | None = None,
    clock: Clock,
) -> RoundDecision:
    """Sign the round's decision off: who is promoted, why, and why any departure from the
    recommended top N (each departure needs its own reason)."""
    round_ = open_round_for_change(session, principal, round_id)
    why = reason_text(reason, "the decision's reason")
    pool = set(candidate_ids(session, round_.id))
    chosen = list(dict.fromkeys(promoted))
    outside = [pid for pid in chosen if pid not in pool]
    if outside:
        raise Invalid(f"not candidates of this round: {', '.join(map(str, outside))}")
    evidenced = evidence_of(session, round_, round_keys(round_))
    boxes = current_boxes(computed_boxes(round_, evidenced), moves_of(session, round_.id))
    rows, top, _ = board_rows(session, round_, full=True, boxes=boxes, evidenced=evidenced)
    reasons = dict(override_reasons or {})
    overrides: list[dict[str, Any]] = []
    for pid in chosen:
        if pid not in top:
            overrides.append({"person_id": pid, "change": "promoted outside the top N"})
    for pid in top:
        if pid not in chosen:
            overrides.append({"person_id": pid, "change": "not promoted from the top N"})
    for item in overrides:
        given = reasons.get(item["person_id"], "")
        if not given.strip():
            raise Invalid(
                f"person {item['person_id']} is {item['change']}: this override needs a reason"
            )
        item["reason"] = reason_text(given, "an override's reason")
    now = clock.now()
    ranking = [row_json(row) for row in rows]
    inputs = {
        "round_id": round_.id,
        "as_of": round_.as_of.isoformat(),
        "target": round_.target,
        "eligibility": round_.eligibility,
        "criteria": round_.criteria,
        "performance_criteria": round_.performance_criteria,
        "potential_criteria": round_.potential_criteria,
        "top_n": round_.top_n,
        "missing_policy": round_.missing_policy,
        "external_weighted": round_.external_weighted,
        "calibration_moves": len(moves_of(session, round_.id)),
        "pool": sorted(pool),
    }
    name = signer_name(session, principal)
    entry = audit.append_by(
        session,
        principal,
        "talent.round.decide",
        subject=f"round:{round_.id}",
        payload={
            "signed_by": audit.personal(
                name, account_id=principal.account_id, person_id=principal.person_id
            ),
            "promoted": chosen,
            "recommended": list(top),
            "overrides": overrides,
            "reason": why,
            "external_weighted": round_.external_weighted,
            "inputs_sha256": digest(inputs),
            "ranking_sha256": digest(ranking),
        },
        at=now,
    )
    decision = RoundDecision(
        round_id=round_.id,
        signed_by=principal.actor,
        signer_name=name,
        signed_at=now,
        reason=why,
        promoted=chosen,
        overrides=overrides,
        inputs=inputs,
        ranking=ranking,
        audit_hash=entry.hash,
    )
    session.add(decision)
    round_.status = "decided"
    round_.decided_at = now
    for meeting in session.scalars(
        sa.select(CalibrationSession).where(
            CalibrationSession.round_id == round_.id, CalibrationSession.closed_at.is_(None)
        )
    ):
        meeting.closed_at = now  # nothing can move once decided; say so on the 9-box
    session.flush()
    for pid in sorted(pool):
        do_notify(
            session,
            org_id=principal.org_id,
            person_id=pid,
            kind="promotion.decided",
            text=f"The promotion round '{round_.name}' has been decided: see your explanation.",
            now=now,
            link=f"/talent/rounds/{round_.id}/me",
        )
    return decision


def verify_decision(session: Session, decision: RoundDecision) -> bool:
    """Whether a stored decision is still exactly the one its audit entry records.

    The entry must be the decision entry of this round, and every recorded field must
    match: who signed, the reason, the promotions, the overrides and the digests of the
    inputs (which name the round) and of the ranking. Whether the chain itself is intact
    is :func:`renown.audit.verify`'s question.
    """
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.hash == decision.audit_hash))
    if entry is None:
        return False
    payload = entry.payload
    return bool(
        entry.action == "talent.round.decide"
        and entry.subject == f"round:{decision.round_id}"
        and decision.inputs.get("round_id") == decision.round_id
        and payload.get("inputs_sha256") == digest(decision.inputs)
        and payload.get("ranking_sha256") == digest(decision.ranking)
        and payload.get("promoted") == decision.promoted
        and payload.get("overrides") == decision.overrides
        and payload.get("reason") == decision.reason
        and recorded_value_matches(session, payload.get("signed_by"), decision.signer_name)
        and entry.actor == decision.signed_by
    )


def _decided_round(session: Session, principal: Principal, round_id: int) -> PromotionRound:
    round_ = visible_round(session, principal, round_id)
    if round_.status != "decided":
        raise Invalid("appeals open once the round has been decided")
    return round_


def check_file_appeal(
    session: Session, principal: Principal, round_id: int, text: str, *, clock: Clock
) -> Appeal:
    """A candidate appeals the decision of their round (one open appeal at a time)."""
    round_ = _decided_round(session, principal, round_id)
    if not is_candidate(session, round_.id, principal.person_id):
        raise Invalid("only the round's candidates may appeal")
    assert principal.person_id is not None
    why = reason_text(text, "an appeal's text")
    open_already = session.scalar(
        sa.select(Appeal.id).where(
            Appeal.round_id == round_.id,
            Appeal.person_id == principal.person_id,
            Appeal.status == "open",
        )
    )
    if open_already is not None:
        raise Invalid("you already have an open appeal in this round; HR will answer it")
    now = clock.now()
    appeal = Appeal(
        round_id=round_.id, person_id=principal.person_id, text=why, filed_at=now, status="open"
    )
    session.add(appeal)
    session.flush()
    for account_id in session.scalars(
        sa.select(Account.id).where(
            Account.org_id == principal.org_id,
            Account.active.is_(True),
            Account.role.in_([role.value for role in PEOPLE_ADMIN_ROLES]),
        )
    ):
        do_notify(
            session,
            org_id=principal.org_id,
            account_id=account_id,
            kind="promotion.appeal.filed",
            text=f"A candidate appealed the decision of '{round_.name}': HR must answer.",
            now=now,
            link=f"/talent/rounds/{round_.id}#appeals",
        )
    audit.append_by(
        session,
        principal,
        "talent.appeal.file",
        subject=f"round:{round_.id}",
        payload={"appeal": appeal.id, "person": principal.person_id},
        at=now,
    )
    return appeal


def check_answer_appeal(
    session: Session,
    principal: Principal,
    appeal_id: int,
    *,
    upheld: bool,
    answer: str,
    clock: Clock,
) -> Appeal:
    """HR answers an appeal: upheld or rejected, with a reason the candidate reads."""
    principal.require_people_admin("only HR and admins answer appeals")
    appeal = session.get(Appeal, appeal_id)
    round_ = session.get(PromotionRound, appeal.round_id) if appeal else None
    if appeal is None or round_ is None or round_.org_id != principal.org_id:
        raise NotFound(f"no appeal {appeal_id}")
    if appeal.status != "open":
        raise Invalid("this appeal has already been answered")
    why = reason_text(answer, "an answer")
    now = clock.now()
    appeal.status = "upheld" if upheld else "rejected"
    appeal.answer = why
    appeal.answered_by = principal.actor
    appeal.answered_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "talent.appeal.answer",
        subject=f"round:{round_.id}",
        payload={"appeal": appeal.id, "status": appeal.status, "answer": why},
        at=now,
    )
    do_notify(
        session,
        org_id=principal.org_id,
        person_id=appeal.person_id,
        kind="promotion.appeal",
        text=f"HR answered your appeal in '{round_.name}': {appeal.status}.",
        now=now,
        link=f"/talent/rounds/{round_.id}/me",
    )
    return appeal


@dataclass(frozen=True)
class AppealView:
    """An appeal as HR or its candidate sees it."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    id: int
    round_id: int
    person_id: int
    name: str
    text: str
    filed_at: datetime
    status: str
    """open, upheld or rejected."""
    answer: str | None
    answered_at: datetime | None


def appeals(session: Session, principal: Principal, round_id: int) -> list[AppealView]:
    """A round's appeals: all of them for HR, one's own for a candidate."""
    round_ = visible_round(session, principal, round_id)
    query = (
        sa.select(Appeal, Person.name)
        .join(Person, Person.id == Appeal.person_id)
        .where(Appeal.round_id == round_.id)
        .order_by(Appeal.filed_at, Appeal.id)
    )
    if not principal.sees_everyone:
        if principal.person_id is None:
            return []
        query = query.where(Appeal.person_id == principal.person_id)
    return [
        AppealView(
            id=a.id,
            round_id=a.round_id,
            person_id=a.person_id,
            name=name,
            text=a.text,
            filed_at=a.filed_at,
            status=a.status,
            answer=a.answer,
            answered_at=a.answered_at,
        )
        for a, name in session.execute(query).all()
    ]


def decision_of(session: Session, principal: Principal, round_id: int) -> RoundDecision | None:
    """The round's signed-off decision, if any (HR only: it holds everyone's evidence)."""
    round_ = visible_round(session, principal, round_id)
    principal.require_people_admin("the full decision record is HR's")
    return session.scalar(sa.select(RoundDecision).where(RoundDecision.round_id == round_.id))
