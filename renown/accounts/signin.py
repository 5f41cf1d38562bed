"""Signing in with a password, and changing it: throttled, and without holding the write
lock while Argon2 works.

Checking an Argon2 hash takes tens of milliseconds on purpose. Done inside a write
transaction it would hold every other writer back that long per attempt (and hand an
attacker a way to stall writes), so the account is read and the password checked with a
*reading* session, and only the outcome is written with the *writing* one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.actions import principal_of
from renown.accounts.passwords import (
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from renown.accounts.principal import Principal
from renown.accounts.sessions import (
    PASSWORD_CHANGED,
    SessionLimits,
    do_end_sessions,
    do_start_session,
)
from renown.accounts.throttle import Attempt, do_record_failure, do_record_success, wait_before
from renown.core.errors import Invalid
from renown.core.text import text_problem
from renown.store.tables.accounts import Account
from renown.store.tables.org import Person


class Throttled(Invalid):
    """Too many failed attempts: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts: try again in {retry_after} seconds")
        self.retry_after = retry_after


class WrongPassword(Invalid):
    """The current password given was not right (the failure is recorded: commit it)."""

    def __init__(self) -> None:
        super().__init__("the current password is not right")


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: who, and the new session's token (for the cookie)."""

    principal: Principal
    session_token: str


def _verify(read: Session, email: str, password: str) -> int | None:
    """The id of the active account ``email`` whose password this is (reads only).

    An address with control characters names no account (PostgreSQL would refuse a NUL in
    the query); the password is still hashed, so the answer takes as long as any other.
    """
    row = (
        None
        if text_problem(email) is not None
        else read.execute(
            sa.select(Account.id, Account.password_hash, Account.active).where(
                Account.email == email.strip().lower()
            )
        ).first()
    )
    ok = verify_password(row.password_hash if row else None, password)
    read.rollback()  # end the read before the slow part is over: no snapshot held for nothing
    return row.id if row is not None and ok and row.active else None


def trusted(read: Session, attempt: Attempt) -> Attempt:
    """``attempt`` without its device cookie if that was issued before the account's password
    last changed: a password change must also end the trust a stolen device cookie buys."""
    if attempt.device is None:
        return attempt
    changed = (
        read.scalar(
            sa.select(Account.password_changed_at).where(
                Account.email == attempt.email.strip().lower()
            )
        )
        if text_problem(attempt.email) is None
        else None
    )
    if changed is None or (attempt.device_issued is not None and attempt.device_issued > changed):
        return attempt
    return dataclasses.replace(attempt, device=None, device_issued=None)


def check_sign_in(
    read: Session,
    write: Session,
    attempt: Attempt,
    password: str,
    *,
    now: datetime,
    limits: SessionLimits,
    user_agent: str = "",
) -> SignedIn | None:
    """Sign in: ``None`` for a wrong e-mail or password (never which), :class:`Throttled`
    while the attempt must wait (the password is then not even checked)."""
    attempt = trusted(read, attempt)
    wait = wait_before(read, attempt, now)
    if wait:
        raise Throttled(wait)
    account_id = _verify(read, attempt.email, password)
    if account_id is None:
        do_record_failure(write, attempt, now)
        return None
    account = write.get(Account, account_id)
    if account is None or not account.active:  # deactivated meanwhile
        return None
    if account.password_hash and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_sign_in = now
    do_record_success(write, attempt)
    token = do_start_session(write, account.id, now=now, limits=limits, user_agent=user_agent)
    audit.append(
        write,
        actor=f"account:{account.id}",
        action="account.sign_in",
        subject=f"account:{account.id}",
        org_id=account.org_id,
        at=now,
    )
    return SignedIn(principal_of(account), token)


def check_change_password(
    read: Session,
    write: Session,
    principal: Principal,
    attempt: Attempt,
    *,
    current: str,
    new: str,
    now: datetime,
    keep_session: str | None = None,
) -> int:
    """Change one's own password; every other session of the account ends. Returns how many.

    The current password is asked for (and throttled like a sign-in), so a session left
    open on a shared computer cannot take the account over. :class:`WrongPassword` leaves
    the failure recorded in ``write``: the caller commits it before answering.
    """
    attempt = trusted(read, attempt)
    wait = wait_before(read, attempt, now)
    if wait:
        raise Throttled(wait)
    if _verify(read, principal.email, current) != principal.account_id:
        do_record_failure(write, attempt, now)
        raise WrongPassword()
    account = write.get(Account, principal.account_id)
    if account is None:
        raise Invalid("this account no longer exists")
    name = write.scalar(sa.select(Person.name).where(Person.id == account.person_id)) or ""
    if new == current:
        raise Invalid("the new password must differ from the current one")
    check_password_policy(new, [account.email, name])
    account.password_hash = hash_password(new)
    account.password_changed_at = now
    ended = do_end_sessions(
        write, account.id, now=now, reason=PASSWORD_CHANGED, keep_token=keep_session
    )
    audit.append(
        write,
        actor=principal.actor,
        action="account.password_change",
        subject=f"account:{account.id}",
        payload={"sessions_ended": ended},
        org_id=account.org_id,
        at=now,
    )
    return ended
