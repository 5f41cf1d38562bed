"""Organisations and their people: departments, teams, reporting lines, identities.

A person is one human; the many names they appear under in interaction data (email
addresses, chat handles, social handles) are :class:`Identity` rows pointing at them, so
scores computed from events can be attached to the right person however they were seen.
Every row carries its organisation so that one installation can serve several tenants
and every query can be scoped by it.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from renown.store.base import Base, utcnow


class Organisation(Base):
    """A tenant: an employer and everything renown knows about it."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Department(Base):
    """A department (the groups that breadth of reach is measured across)."""

    __tablename__ = "departments"
    __table_args__ = (sa.UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))


class Team(Base):
    """A team inside a department."""

    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(sa.String(200))


class Person(Base):
    """One employee (or former employee) of an organisation."""

    __tablename__ = "people"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "employee_id"),
        sa.Index("ix_people_org_manager", "org_id", "manager_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    employee_id: Mapped[str] = mapped_column(sa.String(100))
    """The HRIS key: stable across imports, unique in the organisation."""
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    hired_on: Mapped[date | None]
    left_on: Mapped[date | None]
    public_profile: Mapped[bool] = mapped_column(default=False)
    """The person chose to appear on the public leaderboard and to colleagues."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")


class Identity(Base):
    """A name under which a person appears in interaction data."""

    __tablename__ = "identities"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "kind", "value"),
        sa.Index("ix_identities_org_value", "org_id", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(32))
    """``employee_id``, ``email``, ``chat``, ``social``, ..."""
    value: Mapped[str] = mapped_column(sa.String(320))
    """Normalised (lower-case, trimmed) so that lookups are exact."""


class IdentityAlias(Base):
    """An uploader's choice about an identifier the org chart does not know.

    Events name people as their source saw them (a sign-in e-mail, a personal address, an
    old handle). When an upload holds one that matches no identity, HR maps it to a person
    or ignores it; the choice is kept per organisation so the next upload matches alike.
    ``person_id`` is empty for an ignored identifier.
    """

    __tablename__ = "identity_aliases"
    __table_args__ = (sa.UniqueConstraint("org_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(sa.String(320))
    """Normalised like :class:`Identity` values (:func:`renown.core.identities.lookup_key`)."""
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    chosen_by: Mapped[str] = mapped_column(sa.String(320))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)
