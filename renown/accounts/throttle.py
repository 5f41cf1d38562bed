"""Sign-in throttling: exponential backoff per account, per client and per pair
(OWASP ASVS 2.2.1), without letting an attacker lock a real user out.

Failed sign-ins are counted in three scopes, each with free attempts and then a wait that
doubles with every further failure, up to a cap:

- **the pair** (this address trying this account): the guessing attacker's own scope;
- **the account** (from anywhere): a distributed attack on one account;
- **the client address** (any account): password spraying from one place.

A client that signed in to the account before carries a *device cookie* for it (OWASP's
"slow down online guessing attacks with device cookies"). Its attempts are counted only in
its own scope, never in the account's or the address's: an attacker hammering the account
from elsewhere cannot lock its owner out of the browser they always use, and the owner's
typos do not add to the attacker's count. While a scope is blocked, sign-in is refused
with the seconds to wait (HTTP 429 with Retry-After) *without checking the password*,
so the right password gains nothing during a block. In the pair's (and the device's)
scope every attempt is counted as a failure *before* its password is checked and taken
back when it proves right, so guesses sent all at once cannot slip through together
before any of them is counted; the account's and the address's scopes count failures once
checked, so colleagues signing in at once from one office address never block each other. A
success clears the pair and, for the account's trusted device, that device's scope.

Counters live in the database (shared by every server process, surviving restarts), keyed
by a SHA-256 of the scope. A general rate-limiting library (slowapi, limits) was not used:
they keep counters in process memory or in Redis, while renown's embedded default has
neither a shared memory nor a cache server, and a lockout must hold across processes.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.store.tables.accounts import SignInThrottle


@dataclass(frozen=True)
class Scope:
    """One kind of counter: free failures, then a doubling wait up to ``cap``."""

    name: str
    free: int
    cap: timedelta


PAIR = Scope("pair", free=5, cap=timedelta(minutes=15))
ACCOUNT = Scope("account", free=10, cap=timedelta(minutes=5))
CLIENT = Scope("client", free=30, cap=timedelta(minutes=15))
DEVICE = Scope("device", free=10, cap=timedelta(minutes=15))
FIRST_WAIT = timedelta(seconds=1)
FORGET_AFTER = timedelta(hours=24)
"""Failures older than this (with no block running) are forgotten."""


def _key(scope: Scope, *parts: str) -> str:
    text = "\x1f".join([scope.name, *(p.strip().lower() for p in parts)])
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the account's e-mail, the client's address and a trusted device."""

    email: str
    client: str
    device: str | None = None
    """The device cookie's id when it is valid for this e-mail, else ``None``."""
    device_issued: datetime | None = None
    """When the device cookie was issued (one older than the last password change is not
    trusted: :func:`renown.accounts.signin.trusted`)."""

    def scopes(self) -> list[tuple[Scope, str]]:
        if self.device is not None:
            return [(DEVICE, _key(DEVICE, self.email, self.device))]
        network = client_network(self.client)
        return [
            (PAIR, _key(PAIR, self.email, network)),
            (ACCOUNT, _key(ACCOUNT, self.email)),
            (CLIENT, _key(CLIENT, network)),
        ]


def client_network(address: str) -> str:
    """The scope of a client address: the address itself for IPv4, its /64 for IPv6.

    One IPv6 subscriber usually holds a whole /64 and can rotate through it freely; counting
    each address apart would let them spray passwords from a fresh address every try.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def wait_before(session: Session, attempt: Attempt, now: datetime) -> int:
    """Seconds this attempt must wait (0: it may go ahead), the longest of its scopes."""
    keys = [key for _scope, key in attempt.scopes()]
    latest = session.scalar(
        sa.select(sa.func.max(SignInThrottle.blocked_until)).where(
            SignInThrottle.key.in_(keys), SignInThrottle.blocked_until > now
        )
    )
    if latest is None:
        return 0
    return max(1, math.ceil((latest - now).total_seconds()))


def backoff(scope: Scope, failures: int) -> timedelta:
    """The wait after the ``failures``-th failure in ``scope`` (zero while attempts are free)."""
    beyond = failures - scope.free
    if beyond <= 0:
        return timedelta(0)
    doubled: timedelta = FIRST_WAIT * (2 ** min(beyond - 1, 30))
    return min(scope.cap, doubled)


COUNTED_BEFORE_CHECKING = (PAIR, DEVICE)
"""Scopes where an attempt counts as failed before its password is checked: the guesser's
own. The account's and the address's count failures only once checked, or 50 colleagues
behind one office address signing in at once would block each other."""
COUNTED_AFTER_CHECKING = (ACCOUNT, CLIENT)


def do_record_failure(
    session: Session,
    attempt: Attempt,
    now: datetime,
    scopes: tuple[Scope, ...] = (PAIR, ACCOUNT, CLIENT, DEVICE),
) -> int:
    """Count a failure in ``attempt``'s ``scopes``; the seconds the next attempt waits."""
    longest = timedelta(0)
    for scope, key in attempt.scopes():
        if scope not in scopes:
            continue
        row = session.get(SignInThrottle, key, with_for_update=True)
        if row is None:
            row = SignInThrottle(key=key, failures=0, last_failure_at=now)
            session.add(row)
        elif now - row.last_failure_at > FORGET_AFTER and not _blocked(row, now):
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = backoff(scope, row.failures)
        row.blocked_until = now + wait if wait else None
        longest = max(longest, wait)
    session.flush()
    _forget_old(session, now)
    return int(longest.total_seconds())


def _blocked(row: SignInThrottle, now: datetime) -> bool:
    return row.blocked_until is not None and row.blocked_until > now


def do_refund_failure(session: Session, attempt: Attempt) -> None:
    """Take back a failure counted before the password was checked and found right
    (:func:`renown.accounts.signin.do_reserve_attempt`), and the wait it set."""
    for scope, key in attempt.scopes():
        if scope not in COUNTED_BEFORE_CHECKING:
            continue
        row = session.get(SignInThrottle, key, with_for_update=True)
        if row is None:
            continue
        row.failures = max(0, row.failures - 1)
        wait = backoff(scope, row.failures)
        row.blocked_until = row.last_failure_at + wait if wait else None
    session.flush()


def do_record_success(session: Session, attempt: Attempt) -> None:
    """A right password: the pair (or the device) starts again from nothing.

    The account's and the address's counts stay: one success by the owner must not reset
    an attack on the account running from elsewhere.
    """
    keys = [key for scope, key in attempt.scopes() if scope in (PAIR, DEVICE)]
    session.execute(sa.delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))


def _forget_old(session: Session, now: datetime) -> None:
    session.execute(
        sa.delete(SignInThrottle).where(
            SignInThrottle.last_failure_at < now - FORGET_AFTER,
            sa.or_(SignInThrottle.blocked_until.is_(None), SignInThrottle.blocked_until <= now),
        )
    )
