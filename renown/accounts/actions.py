"""Account actions: sign-in, creating accounts, issuing and revoking API tokens.

Each public ``check_*`` authorises and validates, then calls the matching ``do_*`` that
changes data and writes the audit entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.passwords import (
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from renown.accounts.principal import Principal
from renown.accounts.sessions import DEACTIVATED, do_end_sessions
from renown.accounts.tokens import new_token, token_digest
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.core.text import check_text, text_problem
from renown.store.tables.accounts import Account, ApiToken
from renown.store.tables.org import Person

TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def principal_of(account: Account) -> Principal:
    """The principal an active account acts as."""
    return Principal(
        account_id=account.id,
        org_id=account.org_id,
        role=Role(account.role),
        person_id=account.person_id,
        email=account.email,
    )


def authenticate(session: Session, email: str, password: str) -> Principal | None:
    """Check a password; ``None`` for any failure (never says which part was wrong).

    Not throttled and starts no session: for trusted callers (the demo checking its own
    accounts). People sign in through :func:`renown.accounts.signin.check_sign_in`.
    """
    if text_problem(email) is not None:
        return None  # no account has such an address (and PostgreSQL would refuse a NUL)
    account = session.scalar(sa.select(Account).where(Account.email == email.strip().lower()))
    ok = verify_password(account.password_hash if account else None, password)
    if account is None or not ok or not account.active:
        return None
    if account.password_hash and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_sign_in = datetime.now(UTC)
    audit.append(
        session,
        actor=f"account:{account.id}",
        action="account.sign_in",
        subject=f"account:{account.id}",
        org_id=account.org_id,
    )
    return principal_of(account)


_PRINCIPAL_COLUMNS = (Account.id, Account.org_id, Account.role, Account.person_id, Account.email)
"""What a principal is made of: every request reads these, never the whole account row."""

_ACTIVE_ACCOUNT = sa.select(*_PRINCIPAL_COLUMNS).where(
    Account.id == sa.bindparam("account_id"), Account.active.is_(True)
)
_VALID_TOKEN = (
    sa.select(ApiToken.id, ApiToken.last_used, *_PRINCIPAL_COLUMNS)
    .join(Account, Account.id == ApiToken.account_id)
    .where(
        ApiToken.digest == sa.bindparam("digest"),
        ApiToken.revoked_at.is_(None),
        Account.active.is_(True),
    )
)
"""Built once: these run on every request, and building a statement costs more than
running it (SQLAlchemy still caches the compiled SQL either way)."""


def _principal(columns: Sequence[Any]) -> Principal:
    """A principal from the values of :data:`_PRINCIPAL_COLUMNS`, in that order."""
    account_id, org_id, role, person_id, email = columns
    return Principal(
        account_id=account_id, org_id=org_id, role=Role(role), person_id=person_id, email=email
    )


def principal_for_account(session: Session, account_id: int) -> Principal | None:
    """The principal of an active account (what a signed-in session cookie names)."""
    row = session.connection().execute(_ACTIVE_ACCOUNT, {"account_id": account_id}).first()
    return None if row is None else _principal(row)


@dataclass(frozen=True)
class TokenPrincipal:
    """Who a bearer token acts for, and whether its "last used" time is due to be noted."""

    principal: Principal
    token_id: int
    use_due: bool


def principal_for_token(session: Session, token: str) -> TokenPrincipal | None:
    """The principal behind a bearer token, if it is valid, not revoked and its account active.

    Only reads. "Last used" is for people reviewing their tokens and minute resolution is
    plenty (:data:`TOKEN_USE_RESOLUTION`), so ``use_due`` asks for
    :func:`record_token_use` at most once a minute, in a transaction of its own: written
    in the request's read transaction, concurrent first uses would fail each other's reads.
    """
    row = session.connection().execute(_VALID_TOKEN, {"digest": token_digest(token)}).first()
    if row is None:
        return None
    token_id, last = row[0], row[1]
    due = last is None or datetime.now(UTC) - last > TOKEN_USE_RESOLUTION
    return TokenPrincipal(_principal(row[2:]), token_id, due)


def record_token_use(session: Session, token_id: int, when: datetime) -> None:
    """Note that a token was used at ``when`` (unless a later use is already noted)."""
    session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token_id,
            sa.or_(ApiToken.last_used.is_(None), ApiToken.last_used < when),
        )
        .values(last_used=when)
    )


def do_create_account(
    session: Session,
    *,
    org_id: int,
    email: str,
    password: str | None,
    role: Role,
    person_id: int | None = None,
    actor: str = "system",
) -> Account:
    """Create an account (no authorisation: for the CLI, the demo and ``check_*``)."""
    email = check_text(email, "the e-mail address").strip().lower()
    if password is not None:
        check_text(password, "the password")
    if "@" not in email:
        raise Invalid(f"not an email address: {email!r}")
    if session.scalar(sa.select(Account.id).where(Account.email == email)) is not None:
        raise Invalid(f"an account for {email} already exists")
    person = session.get(Person, person_id) if person_id is not None else None
    if person_id is not None and (person is None or person.org_id != org_id):
        raise Invalid(f"person {person_id} is not in this organisation")
    if person_id is not None and session.scalar(
        sa.select(Account.id).where(Account.person_id == person_id)
    ):
        # One account per person: a second one (an administrator's, say) would act as them,
        # read what only they may read (the anonymous answers they gave, in their export)
        # and count as them among the givers of an anonymous group.
        raise Invalid(f"person {person_id} already has an account")
    if password:
        check_password_policy(password, [email, person.name if person else ""])
    account = Account(
        org_id=org_id,
        email=email,
        password_hash=hash_password(password) if password else None,
        role=role.value,
        person_id=person_id,
    )
    session.add(account)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="account.create",
        subject=f"account:{account.id}",
        payload={
            "email": audit.personal(email, account_id=account.id, person_id=person_id),
            "role": role.value,
            "person_id": person_id,
        },
        org_id=org_id,
    )
    return account


def check_create_account(
    session: Session,
    principal: Principal,
    *,
    email: str,
    password: str | None,
    role: Role,
    person_id: int | None = None,
) -> Account:
    """Admins create accounts in their own organisation."""
    if principal.role is not Role.ADMIN:
        raise NotAllowed("only administrators create accounts")
    return do_create_account(
        session,
        org_id=principal.org_id,
        email=email,
        password=password,
        role=role,
        person_id=person_id,
        actor=principal.actor,
    )


def check_issue_token(session: Session, principal: Principal, name: str) -> tuple[ApiToken, str]:
    """Any signed-in account may issue tokens for itself; the token is returned once."""
    name = check_text(name, "a token's name").strip()
    if not name or len(name) > 100:
        raise Invalid("a token needs a name of 1 to 100 characters")
    token = new_token()
    row = ApiToken(
        account_id=principal.account_id,
        name=name,
        prefix=token[:10],
        digest=token_digest(token),
    )
    session.add(row)
    session.flush()
    audit.append_by(
        session, principal, "token.issue", subject=f"token:{row.id}", payload={"name": name}
    )
    return row, token


def list_tokens(session: Session, principal: Principal) -> list[ApiToken]:
    """The principal's own tokens, newest first."""
    return list(
        session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.account_id == principal.account_id)
            .order_by(ApiToken.id.desc())
        )
    )


def check_revoke_token(session: Session, principal: Principal, token_id: int) -> ApiToken:
    """Revoke one of the principal's own tokens (someone else's is "not found")."""
    row = session.get(ApiToken, token_id)
    if row is None or row.account_id != principal.account_id:
        raise NotFound(f"no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        audit.append_by(session, principal, "token.revoke", subject=f"token:{row.id}")
    return row


def check_set_account_active(
    session: Session, principal: Principal, account_id: int, *, active: bool, now: datetime
) -> Account:
    """Admins deactivate or reactivate accounts of their organisation.

    Deactivating ends every web session of the account and revokes its API tokens at
    once: a departing employee's open browser or script stops working on the spot.
    """
    if principal.role is not Role.ADMIN:
        raise NotAllowed("only administrators deactivate accounts")
    account = session.get(Account, account_id)
    if account is None or account.org_id != principal.org_id:
        raise NotFound(f"no account {account_id}")
    if account.id == principal.account_id and not active:
        raise Invalid("an administrator cannot deactivate their own account")
    ended = revoked = 0
    if not active:
        ended = do_end_sessions(session, account.id, now=now, reason=DEACTIVATED)
        result = session.execute(
            sa.update(ApiToken)
            .where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        revoked = int(getattr(result, "rowcount", 0) or 0)
    if account.active != active:
        account.active = active
        audit.append(
            session,
            actor=principal.actor,
            action="account.reactivate" if active else "account.deactivate",
            subject=f"account:{account.id}",
            payload={"sessions_ended": ended, "tokens_revoked": revoked},
            org_id=account.org_id,
            at=now,
        )
    session.flush()
    return account
