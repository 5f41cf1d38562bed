"""The prize ledger: what each winner is owed, and the payments the sponsor records.

renown moves no money. The sponsor (or an administrator) records that a prize was paid,
with the reference of the payment in their own system; a payment once recorded stays
(correcting one is a new entry in the audit log, not an edit). Members read their own
entries; HR and administrators read the organisation's whole ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.challenges.access import challenge_for, runs
from renown.challenges.roles import LEDGER_READERS
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.text import text_problem
from renown.store.tables.challenges import Challenge, MemberProfile, PrizeLedgerEntry

MAX_REFERENCE: Final = 200


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One prize owed: to whom, for what, and whether it was paid."""

    id: int
    challenge_id: int
    challenge_title: str
    member: str
    account_id: int
    kind: str
    place: int
    amount_cents: int
    currency: str
    owed_at: datetime
    paid_at: datetime | None
    reference: str | None


def check_record_payment(
    session: Session, principal: Principal, entry_id: int, *, reference: str, now: datetime
) -> LedgerLine:
    """Record that a prize was paid (once), with the payment's reference."""
    entry = session.get(PrizeLedgerEntry, entry_id)
    if entry is None or entry.org_id != principal.org_id:
        raise NotFound(f"no prize {entry_id}")
    challenge = challenge_for(session, principal, entry.challenge_id)
    if not runs(principal, challenge):
        raise NotAllowed("the challenge's sponsor (or an administrator) records payments")
    if entry.paid_at is not None:
        raise Invalid("this prize is already recorded as paid")
    text = reference.strip()
    if not 1 <= len(text) <= MAX_REFERENCE or text_problem(text) is not None:
        raise Invalid(f"the payment reference is one line of 1 to {MAX_REFERENCE} characters")
    entry.paid_at = now
    entry.paid_by_account_id = principal.account_id
    entry.reference = text
    audit.append_by(
        session,
        principal,
        "challenge.prize.paid",
        subject=f"challenge:{challenge.id}",
        payload={"entry_id": entry.id, "amount_cents": entry.amount_cents},
        at=now,
    )
    return _lines(session, sa.select(PrizeLedgerEntry).where(PrizeLedgerEntry.id == entry.id))[0]


def ledger_for(
    session: Session, principal: Principal, *, challenge_id: int | None = None
) -> list[LedgerLine]:
    """The ledger lines the principal may read (theirs, their challenges', or all)."""
    query = sa.select(PrizeLedgerEntry).where(PrizeLedgerEntry.org_id == principal.org_id)
    if challenge_id is not None:
        challenge = challenge_for(session, principal, challenge_id)
        query = query.where(PrizeLedgerEntry.challenge_id == challenge.id)
        if runs(principal, challenge) or principal.role in LEDGER_READERS:
            return _lines(session, query)
        return _lines(session, query.where(PrizeLedgerEntry.account_id == principal.account_id))
    if principal.role in LEDGER_READERS:
        return _lines(session, query)
    sponsored = sa.select(Challenge.id).where(Challenge.sponsor_account_id == principal.account_id)
    return _lines(
        session,
        query.where(
            sa.or_(
                PrizeLedgerEntry.account_id == principal.account_id,
                PrizeLedgerEntry.challenge_id.in_(sponsored),
            )
        ),
    )


def _lines(session: Session, query: sa.Select[PrizeLedgerEntry]) -> list[LedgerLine]:
    rows = list(
        session.scalars(query.order_by(PrizeLedgerEntry.owed_at.desc(), PrizeLedgerEntry.id))
    )
    titles = dict(
        session.execute(
            sa.select(Challenge.id, Challenge.title).where(
                Challenge.id.in_({r.challenge_id for r in rows})
            )
        ).all()
    )
    names = dict(
        session.execute(
            sa.select(MemberProfile.account_id, MemberProfile.display_name).where(
                MemberProfile.account_id.in_({r.account_id for r in rows})
            )
        ).all()
    )
    return [
        LedgerLine(
            id=r.id,
            challenge_id=r.challenge_id,
            challenge_title=titles.get(r.challenge_id, ""),
            member=names.get(r.account_id, f"member {r.account_id}"),
            account_id=r.account_id,
            kind=r.kind,
            place=r.place,
            amount_cents=r.amount_cents,
            currency=r.currency,
            owed_at=r.owed_at,
            paid_at=r.paid_at,
            reference=r.reference,
        )
        for r in rows
    ]
