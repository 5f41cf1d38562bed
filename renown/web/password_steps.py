"""The steps of a sign-in or a password change, as routes run them.

The attempt is counted first, in a short turn to write (so a burst of attempts cannot
outrun the throttle); the slow check (Argon2) then runs on a worker thread with the
request's reading session; only then does the request queue again for its turn to write
(:func:`renown.web.deps.write_turn`) and record the outcome. No writer of the process
waits while a password is hashed (:mod:`renown.accounts.signin`). Routes that use these
are marked :func:`renown.web.deps.checks_before_writing`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.accounts.sessions import SIGNED_OUT, SessionLimits, do_end_session
from renown.accounts.signin import (
    CheckedPasswordChange,
    SignedIn,
    WrongPassword,
    check_change_password,
    check_sign_in,
    do_change_password,
    do_reserve_attempt,
    do_sign_in,
)
from renown.accounts.throttle import Attempt
from renown.web.deps import write_turn

T = TypeVar("T")


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
    counted = await _recorded(request, lambda write: _reserve(write, attempt, now))
    checked = await run_in_threadpool(check_sign_in, read, counted, password)
    if checked.account_id is None:
        return None  # counted already: nothing more to write
    user_agent = request.headers.get("user-agent", "")

    def record(write: Session) -> SignedIn | None:
        signed = do_sign_in(write, checked, now=now, limits=limits, user_agent=user_agent)
        if signed is not None and previous_session is not None:
            do_end_session(write, previous_session, now=now, reason=SIGNED_OUT)
        write.commit()
        return signed

    return await _recorded(request, record)


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
    counted = await _recorded(request, lambda write: _reserve(write, attempt, now))
    checked: CheckedPasswordChange = await run_in_threadpool(
        lambda: check_change_password(read, principal, counted, current=current, new=new)
    )

    if not checked.right:
        raise WrongPassword()  # counted already: nothing more to write

    def record(write: Session) -> int:
        ended = do_change_password(write, principal, checked, now=now, keep_session=keep_session)
        write.commit()
        return ended

    return await _recorded(request, record)


def _reserve(write: Session, attempt: Attempt, now: datetime) -> Attempt:
    counted = do_reserve_attempt(write, attempt, now)
    write.commit()
    return counted


async def _recorded(request: Request, record: Callable[[Session], T]) -> T:
    """``record`` run on a worker thread with a writer's session, in this request's turn."""
    async with write_turn(request) as write:
        return await run_in_threadpool(record, write)
