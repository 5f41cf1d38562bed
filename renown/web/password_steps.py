"""The two steps of a sign-in or a password change, as routes run them.

The slow step (Argon2) runs on a worker thread with the request's reading session; only
then does the request queue for its turn to write and record the outcome
(:func:`renown.web.deps.record_in_turn`), so no writer of the process waits while a
password is hashed (:mod:`renown.accounts.signin`). Routes that use these are marked
:func:`renown.web.deps.checks_before_writing`.
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
    do_sign_in,
)
from renown.accounts.throttle import Attempt
from renown.web.deps import record_in_turn

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
    """Sign in (``None``: wrong e-mail or password, the failure recorded); a session the
    browser held before ends. :class:`~renown.accounts.signin.Throttled` while it must wait."""
    checked = await run_in_threadpool(check_sign_in, read, attempt, password, now=now)
    user_agent = request.headers.get("user-agent", "")

    def record(write: Session) -> SignedIn | None:
        signed = do_sign_in(write, checked, now=now, limits=limits, user_agent=user_agent)
        if signed is not None and previous_session is not None:
            do_end_session(write, previous_session, now=now, reason=SIGNED_OUT)
        write.commit()  # a failure too: it counts toward the backoff
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
    :class:`~renown.accounts.signin.WrongPassword` (recorded), ``Throttled`` or ``Invalid``
    otherwise."""
    checked: CheckedPasswordChange = await run_in_threadpool(
        lambda: check_change_password(read, principal, attempt, current=current, new=new, now=now)
    )

    def record(write: Session) -> int:
        try:
            ended = do_change_password(
                write, principal, checked, now=now, keep_session=keep_session
            )
        except WrongPassword:
            write.commit()  # the failed attempt counts toward the backoff
            raise
        write.commit()
        return ended

    return await _recorded(request, record)


async def _recorded(request: Request, record: Callable[[Session], T]) -> T:
    """``record`` run with a writer's session, in this request's turn."""
    return await record_in_turn(request, record)
