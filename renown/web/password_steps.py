"""The steps of a sign-in or a password change, as routes run them.

The attempt is counted first, in a short turn to write (so a burst of attempts cannot
outrun the throttle); the slow check (Argon2) then runs on a worker thread with the
request's reading session; only then does the request queue again for its turn to write
and record the outcome (:func:`renown.web.deps.record_in_turn`). No writer of the process
waits while a password is hashed (:mod:`renown.accounts.signin`). Routes that use these
are marked :func:`renown.web.deps.checks_before_writing`.

Password checks run one per CPU core at a time (:data:`PASSWORD_CHECKS_AT_ONCE`); the rest
wait their turn without taking a thread. Each is a tenth of a second of CPU (and 64 MiB):
50 users signing in at once ran 40 of them side by side on 2 cores, every other request of
the process got a sliver of the CPU meanwhile, and the write turn was held for 1.4 s by a
sign-in recording its outcome. Sign-ins as a whole finish no later, since the CPU was the
limit anyway.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi import Request
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.accounts.sessions import SIGNED_OUT, SessionLimits, do_end_session
from renown.accounts.signin import (
    CheckedPasswordChange,
    CheckedSignIn,
    SignedIn,
    WrongPassword,
    check_change_password,
    check_sign_in,
    do_change_password,
    do_record_checked_failure,
    do_reserve_attempt,
    do_sign_in,
)
from renown.accounts.throttle import Attempt
from renown.web.deps import record_in_turn

T = TypeVar("T")


def _cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


PASSWORD_CHECKS_AT_ONCE = _cores()
"""Password checks (Argon2) that run at once in a server process: one per CPU core."""
_PASSWORD_CHECKS: RunVar[CapacityLimiter] = RunVar("renown_password_checks")
"""The process's password-check slots (one set per event loop, like anyio's thread limiter)."""


async def _checked(read: Session, check: Callable[[], T]) -> T:
    """``check`` on a worker thread once a password-check slot is free (waiting takes no
    thread, and the check takes no thread from the pool that runs handlers).

    The reading session gives its connection back first: the check takes one again when it
    runs, and sign-ins waiting for a slot held all of PostgreSQL's pool meanwhile.
    """
    read.rollback()
    try:
        slots = _PASSWORD_CHECKS.get()
    except LookupError:
        slots = CapacityLimiter(PASSWORD_CHECKS_AT_ONCE)
        _PASSWORD_CHECKS.set(slots)
    return await anyio.to_thread.run_sync(check, limiter=slots)


async def sign_in(
    request: Request,
    read: Session,
    attempt: Attempt,
    password: str,
    *,
    now: datetime,
    limits: SessionLimits,
    previous_session: str | None,
) -> SignedIn | None:
    """Sign in (``None``: wrong e-mail or password, the failure counted); a session the
    browser held before ends. :class:`~renown.accounts.signin.Throttled` while it must wait."""
    counted = await _recorded(request, read, lambda write: _reserve(write, attempt, now))
    checked = await _checked(read, lambda: check_sign_in(read, counted, password))
    if checked.account_id is None:
        await _recorded(request, read, lambda write: _failed(write, checked, now))
        return None
    user_agent = request.headers.get("user-agent", "")

    def record(write: Session) -> SignedIn | None:
        signed = do_sign_in(write, checked, now=now, limits=limits, user_agent=user_agent)
        if signed is not None and previous_session is not None:
            do_end_session(write, previous_session, now=now, reason=SIGNED_OUT)
        write.commit()
        return signed

    return await _recorded(request, read, record)


async def change_password(
    request: Request,
    read: Session,
    principal: Principal,
    attempt: Attempt,
    *,
    current: str,
    new: str,
    now: datetime,
    keep_session: str | None,
) -> int:
    """Change the signed-in account's password; how many other sessions ended.
    :class:`~renown.accounts.signin.WrongPassword` (counted), ``Throttled`` or ``Invalid``
    otherwise."""
    counted = await _recorded(request, read, lambda write: _reserve(write, attempt, now))
    checked: CheckedPasswordChange = await _checked(
        read,
        lambda: check_change_password(read, principal, counted, current=current, new=new),
    )

    if not checked.right:
        await _recorded(request, read, lambda write: _failed(write, checked, now))
        raise WrongPassword()

    def record(write: Session) -> int:
        ended = do_change_password(write, principal, checked, now=now, keep_session=keep_session)
        write.commit()
        return ended

    return await _recorded(request, read, record)


def _failed(write: Session, checked: CheckedSignIn | CheckedPasswordChange, now: datetime) -> None:
    do_record_checked_failure(write, checked, now)
    write.commit()


def _reserve(write: Session, attempt: Attempt, now: datetime) -> Attempt:
    counted = do_reserve_attempt(write, attempt, now)
    write.commit()
    return counted


async def _recorded(request: Request, read: Session, record: Callable[[Session], T]) -> T:
    """``record`` run with a writer's session, in this request's turn.

    The reading session gives its connection back first: a request holding one connection
    while it waits for another (the writer's) starves PostgreSQL's bounded pool when many
    do it at once (20 sign-ins at once: every one answered 503 after the pool's timeout).
    """
    read.rollback()
    return await record_in_turn(request, record)
