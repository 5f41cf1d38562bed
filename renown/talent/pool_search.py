"""Finding a person for a round's forms by part of their name: the board's searchable picker.

A large organisation has namesakes (the demo has several people called the same), so each
match carries what tells them apart: title, team, department and level, and whether they
are in the round's pool. Only HR and admins search (the forms that use it are theirs), and
only their own organisation's current people; ``scope="pool"`` narrows to the round's
candidates (sign-off picks someone from outside the recommended top N among them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Final, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.store.tables.org import Department, Person, Team
from renown.store.tables.talent import PromotionRound, RoundCandidate, TalentProfile

Scope = Literal["org", "pool"]
MATCHES: Final = 8
"""Matches listed at once: the picker asks for more letters rather than scroll."""
_HR_ONLY = "only HR and admins pick people for promotion rounds"


@dataclass(frozen=True)
class PersonMatch:
    """A person found for a round's picker, with what tells namesakes apart."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    id: int
    name: str
    title: str | None
    team: str | None
    department: str | None
    level: str | None
    in_pool: bool
    """Whether the person is among the round's candidates."""


@dataclass(frozen=True)
class Matches:
    """The first matches of a search and how many there are in all."""

    __pydantic_config__: ClassVar[dict[str, bool]] = {"use_attribute_docstrings": True}

    query: str
    items: tuple[PersonMatch, ...]
    total: int


def _round(session: Session, principal: Principal, round_id: int) -> PromotionRound:
    principal.require_people_admin(_HR_ONLY)
    round_ = session.get(PromotionRound, round_id)
    if round_ is None or round_.org_id != principal.org_id:
        raise NotFound(f"no promotion round {round_id}")
    return round_


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


PeopleQuery = sa.Select[int, str, str | None, str, str, str | None, bool]


def people_of(round_: PromotionRound, scope: Scope) -> PeopleQuery:
    """The organisation's people current at the round's date (``scope="pool"``: its
    candidates), with what tells namesakes apart; a picker narrows it and searches it."""
    candidate = aliased(RoundCandidate)
    in_pool = sa.and_(candidate.included.is_(True), candidate.id.is_not(None))
    query = (
        sa.select(
            Person.id,
            Person.name,
            Person.title,
            Team.name,
            Department.name,
            TalentProfile.level,
            in_pool,
        )
        .outerjoin(Team, Team.id == Person.team_id)
        .outerjoin(Department, Department.id == Person.department_id)
        .outerjoin(TalentProfile, TalentProfile.person_id == Person.id)
        .outerjoin(
            candidate,
            sa.and_(candidate.round_id == round_.id, candidate.person_id == Person.id),
        )
        .where(
            Person.org_id == round_.org_id,
            sa.or_(Person.left_on.is_(None), Person.left_on > round_.as_of.date()),
        )
    )
    if scope == "pool":
        query = query.where(in_pool)
    return query


def _match(row: Sequence[object]) -> PersonMatch:
    pid, name, title, team, department, level, in_pool = row
    return PersonMatch(
        id=int(str(pid)),
        name=str(name),
        title=None if title is None else str(title),
        team=None if team is None else str(team),
        department=None if department is None else str(department),
        level=None if level is None else str(level),
        in_pool=bool(in_pool),
    )


def search_people(
    session: Session,
    principal: Principal,
    round_id: int,
    query: str,
    *,
    scope: Scope = "org",
    limit: int = MATCHES,
) -> Matches:
    """People whose name, title or e-mail contains ``query`` (case-insensitive), by name.

    A blank query finds nobody: the picker lists people only once something is typed.
    """
    round_ = _round(session, principal, round_id)
    return first_matches(session, people_of(round_, scope), query, limit=limit)


def first_matches(
    session: Session, people: PeopleQuery, query: str, *, limit: int = MATCHES
) -> Matches:
    """The first ``limit`` of ``people`` (:func:`people_of`, perhaps narrowed further) whose
    name, title or e-mail contains ``query``, by name, and how many match in all.

    Shared by every picker of a round (the board's and the 9-box's), so they all find
    people the same way; a blank query finds nobody.
    """
    text = query.strip()
    if not text:
        return Matches(text, (), 0)
    pattern = "%" + _escape_like(text.lower()) + "%"
    found = people.where(
        sa.or_(
            *(
                sa.func.lower(sa.func.coalesce(column, "")).like(pattern, escape="\\")
                for column in (Person.name, Person.email, Person.title)
            )
        )
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(found.subquery())) or 0
    rows = session.execute(found.order_by(Person.name, Person.id).limit(limit)).all()
    return Matches(text, tuple(_match(row) for row in rows), int(total))


def picked_person(
    session: Session, principal: Principal, round_id: int, person_id: int, *, scope: Scope = "org"
) -> PersonMatch:
    """The person a picker chose (NotFound outside the organisation or the scope)."""
    round_ = _round(session, principal, round_id)
    found = one_of(session, people_of(round_, scope), person_id)
    if found is None:
        raise NotFound(f"no person {person_id} to pick")
    return found


def one_of(session: Session, people: PeopleQuery, person_id: int) -> PersonMatch | None:
    """The person ``person_id`` among ``people`` (:func:`people_of`), or None."""
    row = session.execute(people.where(Person.id == person_id)).first()
    return None if row is None else _match(row)
