"""Sign-in accounts and API tokens.

An account belongs to one organisation and holds one role; it may be linked to the person
it represents (so "my profile" and "my reports" resolve). Passwords are stored only as
Argon2 hashes and API tokens only as SHA-256 digests: a copy of the database lets nobody
sign in.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base, utcnow


class Account(Base):
    """Someone who can sign in."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    """Argon2 hash; empty for accounts that only sign in through single sign-on."""
    role: Mapped[str] = mapped_column(sa.String(32))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    """Device cookies issued before this are trusted no more by the sign-in throttle."""


class ApiToken(Base):
    """A bearer token for scripts; only its digest is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16))
    """First characters of the token, shown so people can tell their tokens apart."""
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser session, kept on the server so that it can be ended.

    The cookie carries only a random token; this row says whether it is still valid.
    Signing out, changing the password or deactivating the account ends sessions here,
    at once, wherever their cookies are.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    """SHA-256 of the cookie's session token (a copy of the database signs nobody in)."""
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    """Last request (to the minute): the idle timeout counts from here."""
    expires_at: Mapped[datetime]
    """The absolute end, however active the session is."""
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(sa.String(32))
    """``signed out``, ``password changed``, ``deactivated``, ``ended elsewhere``..."""
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    """Shown to the account's owner so they recognise their sessions."""


class SignInThrottle(Base):
    """Failed sign-ins counted per scope (an account, a client, a pair), for backoff.

    ``key`` is a SHA-256 of the scope, so the table does not list who tried what from
    where; rows go once their failures are old.
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]
