"""The organisation part of "export my data": person, identities, scores, accounts.

Only the principal's own person and accounts are included; token digests and password
hashes are never exported (they are secrets of the installation, not personal data).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.explanation import Explanation
from renown.store.tables.accounts import Account, ApiToken, WebSession
from renown.store.tables.org import Identity, IdentityAlias, Person
from renown.store.tables.scores import ScoreSnapshot, ScoringRun


def own_accounts(
    session: Session, principal: Principal, person: Person | None
) -> Sequence[Account]:
    mine = Account.id == principal.account_id
    condition = sa.or_(mine, Account.person_id == person.id) if person else mine
    return session.scalars(
        sa.select(Account).where(condition, Account.org_id == principal.org_id).order_by(Account.id)
    ).all()


def person_record(person: Person) -> dict[str, Any]:
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


def identities(session: Session, person: Person) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(Identity.kind, Identity.value)
        .where(Identity.person_id == person.id)
        .order_by(Identity.kind, Identity.value)
    ).all()
    mapped = session.scalars(
        sa.select(IdentityAlias.value)
        .where(IdentityAlias.person_id == person.id)
        .order_by(IdentityAlias.value)
    ).all()
    return [{"kind": kind, "value": value} for kind, value in rows] + [
        {"kind": "alias", "value": value} for value in mapped
    ]


def snapshots(session: Session, person: Person) -> list[dict[str, Any]]:
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


def account_record(session: Session, account: Account) -> dict[str, Any]:
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
