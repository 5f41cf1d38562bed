"""Server-side web sessions: the cookie holds a random token, the database says if it lives.

A session cookie that is only signed stays valid for its whole lifetime, whatever happens
to the account: replayed after sign-out it still works. Here the cookie's token names a
row, and a session is valid only while that row is not ended, its account is active, it
has been used within the idle timeout and its absolute lifetime has not run out. Signing
out ends the one session; changing the password ends every other session of the account;
deactivating an account ends all of them.

"Last seen" is written at most once a minute per session (:data:`TOUCH_RESOLUTION`), in a
transaction of its own, so reading pages does not turn every request into a write.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.core.roles import Role
from renown.store.tables.accounts import Account, WebSession

TOUCH_RESOLUTION = timedelta(minutes=1)
# A recognisable prefix, not a secret:
TOKEN_PREFIX = "rws_"  # nosec B105
SIGNED_OUT = "signed out"
# Why a session ended:
PASSWORD_CHANGED = "password changed"  # nosec B105
DEACTIVATED = "account deactivated"
ENDED_ELSEWHERE = "ended from another session"


@dataclass(frozen=True)
class SessionLimits:
    """How long a session may stay unused, and live at all."""

    idle: timedelta
    absolute: timedelta


def session_digest(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def do_start_session(
    session: Session, account_id: int, *, now: datetime, limits: SessionLimits, user_agent: str
) -> str:
    """A new session for ``account_id``; returns its token (for the cookie, never stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        WebSession(
            digest=session_digest(token),
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + limits.absolute,
            user_agent=_printable(user_agent)[:200],
        )
    )
    session.flush()
    return token


def _printable(text: str) -> str:
    return "".join(c for c in text if c.isprintable())


_LIVE_SESSION = (
    sa.select(
        WebSession.id,
        WebSession.last_seen_at,
        Account.id,
        Account.org_id,
        Account.role,
        Account.person_id,
        Account.email,
    )
    .join(Account, Account.id == WebSession.account_id)
    .where(
        WebSession.digest == sa.bindparam("digest"),
        WebSession.ended_at.is_(None),
        WebSession.expires_at > sa.bindparam("now"),
        WebSession.last_seen_at > sa.bindparam("idle_since"),
        Account.active.is_(True),
    )
)
"""Built once: every signed-in request runs it."""


@dataclass(frozen=True)
class LiveSession:
    """Who a session cookie acts for, and whether its "last seen" is due to be noted."""

    principal: Principal
    session_id: int
    touch_due: bool


def live_session(
    session: Session, token: str, *, now: datetime, limits: SessionLimits
) -> LiveSession | None:
    """The session behind ``token`` if it is still valid (one indexed query)."""
    row = (
        session.connection()
        .execute(
            _LIVE_SESSION,
            {"digest": session_digest(token), "now": now, "idle_since": now - limits.idle},
        )
        .first()
    )
    if row is None:
        return None
    session_id, last_seen, account_id, org_id, role, person_id, email = row
    principal = Principal(
        account_id=account_id, org_id=org_id, role=Role(role), person_id=person_id, email=email
    )
    return LiveSession(principal, session_id, now - last_seen >= TOUCH_RESOLUTION)


def do_touch_session(session: Session, session_id: int, now: datetime) -> None:
    """Note that the session was used at ``now`` (unless a later use is already noted)."""
    session.execute(
        sa.update(WebSession)
        .where(WebSession.id == session_id, WebSession.last_seen_at < now)
        .values(last_seen_at=now)
    )


def do_end_session(session: Session, token: str, *, now: datetime, reason: str) -> None:
    """End the session behind ``token`` (nothing happens for an unknown or ended one)."""
    session.execute(
        sa.update(WebSession)
        .where(WebSession.digest == session_digest(token), WebSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )


def do_end_sessions(
    session: Session,
    account_id: int,
    *,
    now: datetime,
    reason: str,
    keep_token: str | None = None,
) -> int:
    """End every live session of the account (but the one of ``keep_token``); how many."""
    query = sa.update(WebSession).where(
        WebSession.account_id == account_id, WebSession.ended_at.is_(None)
    )
    if keep_token is not None:
        query = query.where(WebSession.digest != session_digest(keep_token))
    result = session.execute(query.values(ended_at=now, end_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def check_end_my_session(
    session: Session, principal: Principal, session_id: int, *, now: datetime
) -> None:
    """End one of the principal's own sessions (anyone else's is "not found")."""
    result = session.execute(
        sa.update(WebSession)
        .where(
            WebSession.id == session_id,
            WebSession.account_id == principal.account_id,
            WebSession.ended_at.is_(None),
        )
        .values(ended_at=now, end_reason=ENDED_ELSEWHERE)
    )
    if not getattr(result, "rowcount", 0):
        raise NotFound(f"no open session {session_id} of yours")


@dataclass(frozen=True)
class SessionView:
    """One of the account's live sessions, as its owner sees it."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str
    current: bool


def my_sessions(
    session: Session, principal: Principal, *, current_token: str | None, now: datetime
) -> list[SessionView]:
    """The principal's live sessions, the current one first, then the most recent."""
    current = session_digest(current_token) if current_token else ""
    rows = session.scalars(
        sa.select(WebSession)
        .where(
            WebSession.account_id == principal.account_id,
            WebSession.ended_at.is_(None),
            WebSession.expires_at > now,
        )
        .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc())
    ).all()
    views = [
        SessionView(
            r.id, r.created_at, r.last_seen_at, r.expires_at, r.user_agent, r.digest == current
        )
        for r in rows
    ]
    return sorted(views, key=lambda v: not v.current)
