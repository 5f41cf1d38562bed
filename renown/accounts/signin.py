"""Signing in with a password, and changing it: throttled, and without holding the write
lock while Argon2 works.

Each is done in three steps:

1. :func:`do_reserve_attempt` (a short write) refuses the attempt while it must wait and
   otherwise counts it as failed *before* the password is checked. Counted only after the
   check, a burst of attempts sent at once would all find the counters as they were and
   all be checked: 40 guesses where the backoff allows one.
2. ``check_*`` reads the account and does the slow hashing with a *reading* session.
   Checking an Argon2 hash takes tens of milliseconds on purpose; done while holding the
   turn to write it would hold every other writer back that long per attempt (and hand an
   attacker a way to stall writes).
3. ``do_*`` (a write) records the outcome: a right password takes its failure back and
   starts a session. Between the steps the password may have changed; the write step then
   refuses what the check allowed (the check carries the hash it verified against).
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
from renown.accounts.throttle import (
    COUNTED_AFTER_CHECKING,
    COUNTED_BEFORE_CHECKING,
    Attempt,
    do_record_failure,
    do_record_success,
    do_refund_failure,
    wait_before,
)
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
    """The current password given was not right (count it: :func:`do_record_checked_failure`)."""

    def __init__(self) -> None:
        super().__init__("the current password is not right", field="current_password")


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: who, and the new session's token (for the cookie)."""

    principal: Principal
    session_token: str


@dataclass(frozen=True)
class CheckedSignIn:
    """What the slow step of a sign-in found (no write yet)."""

    attempt: Attempt
    """The attempt as it was counted (:func:`do_reserve_attempt`)."""
    account_id: int | None
    """The account if the password was right (``None``: wrong e-mail or password)."""
    verified_hash: str = ""
    """The stored hash the password matched: the write step insists it is still current."""
    rehashed: str | None = None
    """A fresh hash of the password when the stored one uses outdated parameters."""


@dataclass(frozen=True)
class CheckedPasswordChange:
    """What the slow step of a password change found (no write yet)."""

    attempt: Attempt
    right: bool
    """Whether the current password given was right (if not, nothing else was checked)."""
    verified_hash: str = ""
    new_hash: str = ""


def _verify(read: Session, email: str, password: str) -> tuple[int, str] | None:
    """The active account ``email`` whose password this is and the hash it matched (reads
    only; ``None`` for a wrong e-mail or password).

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
    # End the read before the slow part: the connection goes back to the pool while Argon2
    # runs, instead of one held per sign-in (50 at once took all of PostgreSQL's pool).
    read.rollback()
    ok = verify_password(row.password_hash if row else None, password)
    if row is None or not ok or not row.active or not row.password_hash:
        return None
    return row.id, row.password_hash


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


def do_reserve_attempt(write: Session, attempt: Attempt, now: datetime) -> Attempt:
    """Refuse the attempt while it must wait (:class:`Throttled`: the password is then not
    even checked), else count it as failed until its password proves right; the attempt
    as counted (without a device cookie that is trusted no more). Commit before checking."""
    attempt = trusted(write, attempt)
    wait = wait_before(write, attempt, now)
    if wait:
        raise Throttled(wait)
    do_record_failure(write, attempt, now, COUNTED_BEFORE_CHECKING)
    return attempt


def do_record_checked_failure(
    write: Session, checked: CheckedSignIn | CheckedPasswordChange, now: datetime
) -> None:
    """A password found wrong: count it in the scopes that count only checked failures
    (the account's and the address's; the pair's counted it beforehand)."""
    do_record_failure(write, checked.attempt, now, COUNTED_AFTER_CHECKING)


def check_sign_in(read: Session, attempt: Attempt, password: str) -> CheckedSignIn:
    """The slow step of a sign-in (``attempt`` as reserved), reading only: whether the
    password is right."""
    found = _verify(read, attempt.email, password)
    if found is None:
        return CheckedSignIn(attempt, None)
    account_id, verified = found
    rehashed = hash_password(password) if needs_rehash(verified) else None
    return CheckedSignIn(attempt, account_id, verified, rehashed)


def do_sign_in(
    write: Session,
    checked: CheckedSignIn,
    *,
    now: datetime,
    limits: SessionLimits,
    user_agent: str = "",
) -> SignedIn | None:
    """Record the outcome of :func:`check_sign_in`: ``None`` for a wrong password (its
    failure is counted: :func:`do_record_checked_failure`), else the new session.

    ``None`` too, the failure left counted, when the account was deactivated or its
    password changed since the check.
    """
    if checked.account_id is None:
        return None
    account = write.get(Account, checked.account_id)
    if account is None or not account.active or account.password_hash != checked.verified_hash:
        return None
    do_refund_failure(write, checked.attempt)
    if checked.rehashed is not None:
        account.password_hash = checked.rehashed
    account.last_sign_in = now
    do_record_success(write, checked.attempt)
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
    principal: Principal,
    attempt: Attempt,
    *,
    current: str,
    new: str,
) -> CheckedPasswordChange:
    """The slow step of changing one's own password (``attempt`` as reserved by
    :func:`do_reserve_attempt`), reading only.

    The current password is asked for (and throttled like a sign-in), so a session left
    open on a shared computer cannot take the account over.
    :class:`~renown.core.errors.Invalid` for a new password the policy refuses (only once
    the current one proved right).
    """
    found = _verify(read, principal.email, current)
    if found is None or found[0] != principal.account_id:
        return CheckedPasswordChange(attempt, right=False)
    if new == current:
        raise Invalid("the new password must differ from the current one", field="new_password")
    name = (
        read.scalar(
            sa.select(Person.name)
            .join(Account, Account.person_id == Person.id)
            .where(Account.id == principal.account_id)
        )
        or ""
    )
    read.rollback()
    check_password_policy(new, [principal.email, name], field="new_password")
    return CheckedPasswordChange(attempt, True, found[1], hash_password(new))


def do_change_password(
    write: Session,
    principal: Principal,
    checked: CheckedPasswordChange,
    *,
    now: datetime,
    keep_session: str | None = None,
) -> int:
    """Record the outcome of :func:`check_change_password`; every other session of the
    account ends. Returns how many.

    :class:`WrongPassword` when the current password was wrong (its failure was counted
    already). A password changed meanwhile (another session was quicker) is refused
    rather than overwritten with a change checked against the old one.
    """
    if not checked.right:
        raise WrongPassword()
    account = write.get(Account, principal.account_id)
    if account is None or not account.active:
        raise Invalid("this account no longer exists")
    if account.password_hash != checked.verified_hash:
        raise Invalid("the password was changed meanwhile: sign in again")
    do_refund_failure(write, checked.attempt)
    account.password_hash = checked.new_hash
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
