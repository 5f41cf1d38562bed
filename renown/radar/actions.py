"""What people do on the radar: record outreach to a prospect, opt out (or back in), and
set the organisation's radar policy. Each writes in the caller's transaction and is audited.

Who may do what, and why:

* **Outreach** is recorded on external prospects only, by recruiters, HR and admins. A
  colleague is never "contacted" by the recruiting pipeline: members appear only on HR's
  flight-risk view, which records nothing about them.
* **Opting out** is each member's own choice, for themselves only; it deletes their stored
  predictions at once, a job that read their snapshots before stores none for them, and
  every list leaves them out (opted-out people are never listed).
* **The policy** (whether members are told they are on the radar) is an administrator's.
* **Erasing a prospect** (an outside person's request to be forgotten: they have no account
  to ask from) is HR's or an administrator's, like erasing a member. Everything the radar
  holds on them goes; a digest of their handle stays so that a later import skips them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import PEOPLE_ADMIN_ROLES, Role
from renown.org.access import own_person
from renown.radar.results import OUTREACH_STATUSES, OutreachStep, RadarPolicy
from renown.store.tables.radar import (
    RadarErasure,
    RadarOptOut,
    RadarOutreach,
    RadarPrediction,
    RadarSettings,
    RadarSnapshot,
    RadarSubject,
)

RECRUITING: Final = frozenset({Role.RECRUITER, Role.HR, Role.ADMIN})
"""Roles that see prospects and record outreach."""
MAX_NOTE: Final = 2000


def visible_prospect(session: Session, principal: Principal, subject_id: int) -> RadarSubject:
    """An external prospect of the principal's organisation (404 for anything else)."""
    subject = session.get(RadarSubject, subject_id)
    if subject is None or subject.org_id != principal.org_id or subject.person_id is not None:
        raise NotFound(f"no prospect {subject_id}")
    return subject


def check_record_outreach(
    session: Session,
    principal: Principal,
    subject_id: int,
    *,
    status: str,
    note: str,
    now: datetime,
) -> OutreachStep:
    """Record an outreach step (with an optional note) for a prospect.

    Raises
    ------
    NotAllowed
        The principal does not recruit.
    NotFound
        No such prospect in the organisation (members are never prospects).
    Invalid
        Unknown status, or a note longer than :data:`MAX_NOTE`.
    """
    if principal.role not in RECRUITING:
        raise NotAllowed("recruiters, HR and admins record outreach")
    subject = visible_prospect(session, principal, subject_id)
    if status not in OUTREACH_STATUSES:
        raise Invalid(f"unknown outreach status {status!r}: one of {', '.join(OUTREACH_STATUSES)}")
    text = note.strip()
    if len(text) > MAX_NOTE:
        raise Invalid(f"a note holds at most {MAX_NOTE} characters")
    step = RadarOutreach(
        org_id=principal.org_id,
        subject_id=subject.id,
        status=status,
        note=text,
        at=now,
        account_id=principal.account_id,
    )
    session.add(step)
    session.flush()
    audit.append_by(
        session,
        principal,
        "radar.outreach",
        subject=f"radar_subject:{subject.id}",
        payload={"status": status},
        at=now,
    )
    return OutreachStep(status=status, note=text, at=now, by=principal.email)  # type: ignore[arg-type]


def check_set_opt_out(
    session: Session, principal: Principal, *, opted_out: bool, now: datetime
) -> bool:
    """The signed-in member opts out of the radar (or back in); returns the new state.

    Raises
    ------
    Invalid
        The account is not linked to a person of the organisation (nothing to opt out).
    """
    person = own_person(session, principal)
    if person is None:
        raise Invalid("only a person of the organisation can opt out of the radar")
    row = session.get(RadarOptOut, person.id)
    if opted_out:
        # Forget what earlier jobs estimated: an opted-out member has no prediction, and
        # opting back in later must not bring back an estimate made before they left.
        subjects = sa.select(RadarSubject.id).where(
            RadarSubject.org_id == principal.org_id, RadarSubject.person_id == person.id
        )
        session.execute(
            sa.delete(RadarPrediction).where(RadarPrediction.subject_id.in_(subjects)),
            execution_options={"synchronize_session": False},
        )
    if opted_out and row is None:
        session.add(RadarOptOut(person_id=person.id, org_id=principal.org_id, at=now))
    elif not opted_out and row is not None:
        session.delete(row)
    session.flush()
    audit.append_by(
        session,
        principal,
        "radar.opt_out" if opted_out else "radar.opt_in",
        subject=f"person:{person.id}",
        payload={},
        at=now,
    )
    return opted_out


def radar_policy(session: Session, org_id: int) -> RadarPolicy:
    """The organisation's radar policy (defaults when never set: members are not told)."""
    row = session.get(RadarSettings, org_id)
    return RadarPolicy(members_see_radar=bool(row and row.members_see_radar))


def check_set_policy(
    session: Session, principal: Principal, *, members_see_radar: bool, now: datetime
) -> RadarPolicy:
    """An administrator sets whether members are told that the radar follows them."""
    if principal.role is not Role.ADMIN:
        raise NotAllowed("only administrators set the radar policy")
    row = session.get(RadarSettings, principal.org_id)
    if row is None:
        row = RadarSettings(org_id=principal.org_id)
        session.add(row)
    row.members_see_radar = members_see_radar
    row.updated_at = now
    session.flush()
    audit.append_by(
        session,
        principal,
        "radar.policy",
        subject=f"org:{principal.org_id}",
        payload={"members_see_radar": members_see_radar},
        at=now,
    )
    return radar_policy(session, principal.org_id)


def opted_out_people(session: Session, org_id: int) -> set[int]:
    """Person ids of the organisation's members who opted out."""
    return set(
        session.scalars(sa.select(RadarOptOut.person_id).where(RadarOptOut.org_id == org_id))
    )


def handle_digest(key: str) -> str:
    """The SHA-256 (hex) of a prospect's stored handle, all an erasure keeps of them."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def check_erase_prospect(
    session: Session,
    principal: Principal,
    subject_id: int,
    *,
    now: datetime,
    confirm: str | None = None,
) -> None:
    """Forget an external prospect: their snapshots, predictions, outreach and subject.

    The audit entry names the subject's number, not the handle; ``radar_erasures`` keeps the
    handle's digest so that the same person in a later import is skipped (and counted as
    such), not quietly brought back.

    Raises
    ------
    NotAllowed
        The principal is neither HR nor an administrator.
    NotFound
        No such prospect in the organisation (members are erased with the person).
    Invalid
        ``confirm`` (the page's typed confirmation) is not the prospect's handle.
    """
    if principal.role not in PEOPLE_ADMIN_ROLES:
        raise NotAllowed("HR and administrators erase a prospect")
    subject = visible_prospect(session, principal, subject_id)
    if confirm is not None and confirm.strip().casefold() != subject.key.casefold():
        raise Invalid(f"type {subject.key} to confirm the erasure")
    digest = handle_digest(subject.key)
    for table in (RadarPrediction, RadarOutreach, RadarSnapshot):
        session.execute(sa.delete(table).where(table.subject_id == subject.id))
    session.delete(subject)
    known = session.scalar(
        sa.select(RadarErasure.id).where(
            RadarErasure.org_id == principal.org_id, RadarErasure.key_digest == digest
        )
    )
    if known is None:
        session.add(RadarErasure(org_id=principal.org_id, key_digest=digest, at=now))
    session.flush()
    audit.append_by(
        session, principal, "radar.erase", subject=f"radar_subject:{subject_id}", at=now
    )


def erased_digests(session: Session, org_id: int, digests: list[str]) -> set[str]:
    """Which of ``digests`` belong to prospects erased on request."""
    return set(
        session.scalars(
            sa.select(RadarErasure.key_digest).where(
                RadarErasure.org_id == org_id, RadarErasure.key_digest.in_(digests)
            )
        )
    )
