"""The organisation part of "export my data": person, identities, scores, accounts.

The whole export, which every route serves, is :func:`renown.privacy.export.export_my_data`;
it starts from this part and adds every other section that names the person.

Only the principal's own person and accounts are included; token digests and password
hashes are never exported (they are secrets of the installation, not personal data).
Received feedback is exported exactly as the person sees it in the app: named items one by
one, anonymous answers only as the published aggregates, so an export names no anonymous
giver either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.explanation import Explanation
from renown.feedback.queries import received
from renown.store.tables.accounts import Account, ApiToken, WebSession
from renown.store.tables.org import Identity, Person
from renown.store.tables.scores import ScoreSnapshot, ScoringRun


def export_my_data(session: Session, principal: Principal) -> dict[str, Any]:
    """Everything renown holds about the principal's own person and accounts (JSON-ready)."""
    person = session.get(Person, principal.person_id) if principal.person_id else None
    if person is not None and person.org_id != principal.org_id:
        person = None
    accounts = _own_accounts(session, principal, person)
    return {
        "person": _person_record(person) if person else None,
        "identities": _identities(session, person) if person else [],
        "snapshots": _snapshots(session, person) if person else [],
        "accounts": [_account_record(session, account) for account in accounts],
        "feedback_received": _feedback(session, principal) if person else None,
    }


def _feedback(session: Session, principal: Principal) -> dict[str, Any] | None:
    if not principal.is_staff:
        return None
    view = received(session, principal)
    return {
        "threshold": view.threshold,
        "named": [
            {
                "id": item.id,
                "giver_id": item.giver_id,
                "giver_name": item.giver_name,
                "relationship": item.relationship,
                "visibility": item.visibility,
                "text": item.text,
                "ratings": dict(item.ratings),
                "created_at": item.created_at.isoformat(),
                "request_id": item.request_id,
            }
            for item in view.named
        ],
        "anonymous_aggregates": [asdict(aggregate) for aggregate in view.aggregates],
        "anonymous_suppressed": [asdict(group) for group in view.suppressed],
    }


def _own_accounts(
    session: Session, principal: Principal, person: Person | None
) -> Sequence[Account]:
    mine = Account.id == principal.account_id
    condition = sa.or_(mine, Account.person_id == person.id) if person else mine
    return session.scalars(
        sa.select(Account).where(condition, Account.org_id == principal.org_id).order_by(Account.id)
    ).all()


def _person_record(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "employee_id": person.employee_id,
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "team": person.team.name if person.team else None,
        "department": person.department.name if person.department else None,
        "manager_id": person.manager_id,
        "hired_on": person.hired_on.isoformat() if person.hired_on else None,
        "left_on": person.left_on.isoformat() if person.left_on else None,
        "public_profile": person.public_profile,
        "created_at": person.created_at.isoformat(),
    }


def _identities(session: Session, person: Person) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(Identity.kind, Identity.value)
        .where(Identity.person_id == person.id)
        .order_by(Identity.kind, Identity.value)
    ).all()
    return [{"kind": kind, "value": value} for kind, value in rows]


def _snapshots(session: Session, person: Person) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(ScoreSnapshot, ScoringRun)
        .join(ScoringRun, ScoringRun.id == ScoreSnapshot.run_id)
        .where(ScoreSnapshot.person_id == person.id)
        .order_by(ScoringRun.as_of, ScoringRun.id)
    ).all()
    return [
        {
            "run_id": run.id,
            "run_key": run.run_key,
            "as_of": run.as_of.isoformat(),
            "score": snap.score,
            "score_exact": snap.score_exact,
            "rank": snap.rank,
            "trend": snap.trend,
            "components": snap.components,
            "explanation": Explanation.from_dict(snap.explanation).redacted().to_dict(),
        }
        for snap, run in rows
    ]


def _account_record(session: Session, account: Account) -> dict[str, Any]:
    tokens = session.scalars(
        sa.select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id)
    ).all()
    return {
        "id": account.id,
        "email": account.email,
        "role": account.role,
        "active": account.active,
        "created_at": account.created_at.isoformat(),
        "last_sign_in": account.last_sign_in.isoformat() if account.last_sign_in else None,
        "tokens": [
            {
                "id": t.id,
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "last_used": t.last_used.isoformat() if t.last_used else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in tokens
        ],
        "sessions": [
            {
                "id": w.id,
                "created_at": w.created_at.isoformat(),
                "last_seen_at": w.last_seen_at.isoformat(),
                "expires_at": w.expires_at.isoformat(),
                "ended_at": w.ended_at.isoformat() if w.ended_at else None,
                "end_reason": w.end_reason,
                "user_agent": w.user_agent,
            }
            for w in session.scalars(
                sa.select(WebSession)
                .where(WebSession.account_id == account.id)
                .order_by(WebSession.id)
            )
        ],
    }
