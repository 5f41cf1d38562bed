"""HR's side of kudos-ring detection: run the detector, confirm or dismiss what it found.

Detection (:mod:`renown.recognition.collusion`) records each suspected ring once (keyed by
its members), so running it every night does not re-open a case HR already decided:
a dismissed group stays dismissed, a confirmed one stays confirmed. Confirming discounts
every kudos between two members of the ring (they stay on the wall, marked for HR; they no
longer count for badges or prominence) and revokes the members' awards that the
discounted facts no longer support. Dismissing a ring that was confirmed restores its kudos.
"""

from __future__ import annotations

from typing import Literal

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import Clock
from renown.core.errors import Invalid, NotFound
from renown.recognition.badges import BadgeRun, do_evaluate_badges
from renown.recognition.collusion import (
    KUDOS_SCHEMA,
    KudosRing,
    RingRule,
    detect_kudos_rings,
)
from renown.store.tables.recognition import Kudos, KudosRingReview

Decision = Literal["confirm", "dismiss"]
MAX_REASON = 1000


RING_REVIEWERS_ONLY = "only HR and administrators review kudos rings"
"""Ring reviews name people and accuse them: HR and administrators only."""


def org_kudos(session: Session, org_id: int) -> pl.DataFrame:
    """Every kudos of the organisation as the detector's input (person ids as strings)."""
    rows = session.execute(
        sa.select(Kudos.giver_id, Kudos.receiver_id, Kudos.created_at).where(Kudos.org_id == org_id)
    ).all()
    return pl.DataFrame(
        [(str(g), str(r), at) for g, r, at in rows], schema=KUDOS_SCHEMA, orient="row"
    )


def check_detect_rings(
    session: Session, principal: Principal, *, clock: Clock, rule: RingRule | None = None
) -> list[KudosRingReview]:
    """Run the detector for the principal's organisation; return the newly suspected rings."""
    principal.require_people_admin(RING_REVIEWERS_ONLY)
    return do_detect_rings(session, principal.org_id, clock=clock, rule=rule, actor=principal.actor)


def do_detect_rings(
    session: Session,
    org_id: int,
    *,
    clock: Clock,
    rule: RingRule | None = None,
    actor: str = "system",
) -> list[KudosRingReview]:
    """Record the rings found now that were never recorded before (no authorisation)."""
    now = clock.now()
    report = detect_kudos_rings(org_kudos(session, org_id), as_of=now, rule=rule)
    known = set(
        session.scalars(sa.select(KudosRingReview.ring_key).where(KudosRingReview.org_id == org_id))
    )
    new = [
        KudosRingReview(
            org_id=org_id,
            ring_key=ring.key,
            members=sorted(int(m) for m in ring.members),
            evidence=_evidence(ring, report.threshold),
            status="suspected",
            detected_at=now,
        )
        for ring in report.rings
        if ring.key not in known
    ]
    session.add_all(new)
    session.flush()
    for review in new:
        audit.append(
            session,
            actor=actor,
            action="kudos.ring.suspect",
            subject=f"ring:{review.id}",
            payload={"members": review.members, **review.evidence},
            org_id=org_id,
            at=now,
        )
    return new


def _evidence(ring: KudosRing, threshold: float) -> dict[str, float]:
    return {
        "density": round(ring.density, 3),
        "insularity": round(ring.insularity, 3),
        "embeddedness": round(ring.embeddedness, 3),
        "mutual_kudos": round(ring.mutual_kudos, 2),
        "norm_kudos": round(ring.norm_kudos, 2),
        "heavy_threshold": round(threshold, 2),
    }


def check_decide_ring(
    session: Session,
    principal: Principal,
    review_id: int,
    decision: Decision,
    *,
    clock: Clock,
    reason: str | None = None,
) -> BadgeRun:
    """Confirm (discount its kudos, revoke unsupported awards) or dismiss a suspected ring.

    ``reason``: why, in HR's words, kept in the audit entry. The product always passes one
    and an empty one is refused: discounting people's thanks, or clearing a group the
    detector accused, is a decision someone must be able to explain later.
    """
    principal.require_people_admin(RING_REVIEWERS_ONLY)
    review = session.get(KudosRingReview, review_id)
    if review is None or review.org_id != principal.org_id:
        raise NotFound("no such ring review")
    if decision not in ("confirm", "dismiss"):
        raise Invalid("a ring is either confirmed or dismissed")
    why = reason.strip() if reason is not None else None
    if why is not None and not 1 <= len(why) <= MAX_REASON:
        raise Invalid(f"say why, in 1 to {MAX_REASON} characters (the decision is audited)")
    now = clock.now()
    members = [int(m) for m in review.members]
    mark = f"ring:{review.id}"
    between = (
        (Kudos.org_id == review.org_id)
        & Kudos.giver_id.in_(members)
        & Kudos.receiver_id.in_(members)
    )
    confirm = decision == "confirm"
    target: sa.ColumnElement[bool] = (
        Kudos.discounted.is_(False) if confirm else Kudos.discount_reason == mark
    )
    values = {"discounted": confirm, "discount_reason": mark if confirm else None}
    changed = list(session.scalars(sa.select(Kudos.id).where(between, target)))
    if changed:
        session.execute(sa.update(Kudos).where(Kudos.id.in_(changed)).values(**values))
    review.status = "confirmed" if decision == "confirm" else "dismissed"
    review.decided_by, review.decided_at = principal.actor, now
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action=f"kudos.ring.{decision}",
        subject=f"ring:{review.id}",
        payload={"members": members, "kudos_changed": len(changed)}
        | ({"reason": why} if why is not None else {}),
        org_id=review.org_id,
        at=now,
    )
    if decision == "confirm":
        return do_evaluate_badges(
            session, review.org_id, clock, revoke_for=members, actor=principal.actor
        )
    return do_evaluate_badges(session, review.org_id, clock, actor=principal.actor)
