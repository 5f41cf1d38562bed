"""Read-only recognition queries, scoped to the principal's organisation.

Visibility: kudos are public thanks, so the wall, a person's kudos and their badges are
visible to all of the organisation's own people (not to challenge-only roles, and never
across organisations: another tenant's kudos are "not found").

Discounted kudos (inside an HR-confirmed ring) **stay on the wall**: the thanks were
written and deleting them would tell the ring that it was caught, and hiding them from the
people thanked would confuse honest receivers. Only HR and administrators see the
``discounted`` mark and its reason; everyone sees that such kudos are left out of the
``counted`` totals that feed badges.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from renown.accounts.principal import Principal
from renown.badges import Badge, load_default_rules
from renown.core.clock import Clock
from renown.core.errors import NotFound
from renown.org.access import access_person
from renown.recognition.actions import acting_person, given_this_month, limits_of, month_bounds
from renown.recognition.rings import RING_REVIEWERS_ONLY
from renown.store.tables.audit import AuditEntry
from renown.store.tables.org import Person
from renown.store.tables.recognition import (
    BadgeAward,
    Kudos,
    KudosComment,
    KudosReaction,
    KudosRingReview,
)

MAX_PER_PAGE = 100
Giver = aliased(Person, name="giver")
Receiver = aliased(Person, name="receiver")


@dataclass(frozen=True)
class PersonRef:
    """Who, as the wall shows them."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    id: int
    name: str


@dataclass(frozen=True)
class KudosView:
    """One kudos as shown on the wall or a profile."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    id: int
    giver: PersonRef
    receiver: PersonRef
    message: str
    competency: str | None
    created_at: datetime
    reactions: dict[str, int]
    """Reaction kind -> how many people."""
    my_reactions: list[str]
    """The viewer's own reactions."""
    comments: int
    discounted: bool | None
    """Inside a confirmed kudos ring (HR and administrators only; ``None`` for everyone else)."""
    discount_reason: str | None
    """Which ring (HR and administrators only; ``None`` otherwise)."""


@dataclass(frozen=True)
class KudosPage:
    """A page of kudos, newest first."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    items: list[KudosView]
    page: int
    per_page: int
    total: int
    counted: int
    """Kudos in ``total`` that count for badges and prominence (not discounted)."""


@dataclass(frozen=True)
class CommentView:
    """A comment under a kudos."""

    id: int
    author: PersonRef
    text: str
    created_at: datetime


@dataclass(frozen=True)
class BadgeView:
    """A badge a person earned, with its definition and the reason."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    badge: str
    name: str
    description: str
    tier: str
    item: str | None
    awarded_at: datetime
    reason: str


@dataclass(frozen=True)
class Budget:
    """The principal's kudos budget this month (UTC)."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    allowance: int
    given: int
    left: int
    pair_cap: int
    """Most kudos one person may give another in a month."""
    renews_at: datetime


@dataclass(frozen=True)
class RingView:
    """A kudos ring for HR: members, evidence, decision."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    id: int
    members: list[PersonRef]
    status: str
    """suspected, confirmed or dismissed."""
    evidence: dict[str, Any]
    """The detector's numbers for this group."""
    detected_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    internal_kudos: int = field(default=0)
    """Kudos between two members of the ring."""


_STAFF_ONLY = "recognition is for the organisation's own people"


def _org_person(session: Session, principal: Principal, person_id: int) -> Person:
    principal.require_staff(_STAFF_ONLY)
    return access_person(session, principal, person_id)


def wall(session: Session, principal: Principal, *, page: int = 1, per_page: int = 20) -> KudosPage:
    """The organisation's kudos, newest first, with reaction and comment counts."""
    principal.require_staff(_STAFF_ONLY)
    return _kudos_page(session, principal, Kudos.org_id == principal.org_id, page, per_page)


def kudos_received(
    session: Session, principal: Principal, person_id: int, *, page: int = 1, per_page: int = 20
) -> KudosPage:
    """Kudos a colleague received, newest first."""
    person = _org_person(session, principal, person_id)
    return _kudos_page(session, principal, Kudos.receiver_id == person.id, page, per_page)


def kudos_given(
    session: Session, principal: Principal, person_id: int, *, page: int = 1, per_page: int = 20
) -> KudosPage:
    """Kudos a colleague gave, newest first."""
    person = _org_person(session, principal, person_id)
    return _kudos_page(session, principal, Kudos.giver_id == person.id, page, per_page)


def _kudos_page(
    session: Session, principal: Principal, where: sa.ColumnElement[bool], page: int, per_page: int
) -> KudosPage:
    page, per_page = max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
    scope = sa.and_(where, Kudos.org_id == principal.org_id)
    total, counted = session.execute(
        sa.select(
            sa.func.count(Kudos.id),
            sa.func.count(Kudos.id).filter(Kudos.discounted.is_(False)),
        ).where(scope)
    ).one()
    rows = session.execute(
        sa.select(Kudos, Giver.name, Receiver.name)
        .join(Giver, Giver.id == Kudos.giver_id)
        .join(Receiver, Receiver.id == Kudos.receiver_id)
        .where(scope)
        .order_by(Kudos.created_at.desc(), Kudos.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [kudos.id for kudos, _, _ in rows]
    reactions: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, list[str]] = defaultdict(list)
    comments: dict[int, int] = {}
    if ids:
        for kudos_id, kind, count in session.execute(
            sa.select(KudosReaction.kudos_id, KudosReaction.kind, sa.func.count())
            .where(KudosReaction.kudos_id.in_(ids))
            .group_by(KudosReaction.kudos_id, KudosReaction.kind)
        ):
            reactions[kudos_id][kind] = int(count)
        if principal.person_id is not None:
            for kudos_id, kind in session.execute(
                sa.select(KudosReaction.kudos_id, KudosReaction.kind)
                .where(
                    KudosReaction.kudos_id.in_(ids),
                    KudosReaction.person_id == principal.person_id,
                )
                .order_by(KudosReaction.kind)
            ):
                mine[kudos_id].append(kind)
        comments = {
            int(kudos_id): int(count)
            for kudos_id, count in session.execute(
                sa.select(KudosComment.kudos_id, sa.func.count())
                .where(KudosComment.kudos_id.in_(ids))
                .group_by(KudosComment.kudos_id)
            )
        }
    hr = principal.sees_everyone
    items = [
        KudosView(
            id=kudos.id,
            giver=PersonRef(kudos.giver_id, giver),
            receiver=PersonRef(kudos.receiver_id, receiver),
            message=kudos.message,
            competency=kudos.competency,
            created_at=kudos.created_at,
            reactions=dict(sorted(reactions[kudos.id].items())),
            my_reactions=mine[kudos.id],
            comments=comments.get(kudos.id, 0),
            discounted=kudos.discounted if hr else None,
            discount_reason=kudos.discount_reason if hr else None,
        )
        for kudos, giver, receiver in rows
    ]
    return KudosPage(items, page, per_page, int(total), int(counted))


def comments_of(session: Session, principal: Principal, kudos_id: int) -> list[CommentView]:
    """Comments under a kudos, oldest first."""
    principal.require_staff(_STAFF_ONLY)
    kudos = session.get(Kudos, kudos_id)
    if kudos is None or kudos.org_id != principal.org_id:
        raise NotFound("no such kudos")
    rows = session.execute(
        sa.select(KudosComment, Person.name)
        .join(Person, Person.id == KudosComment.author_id)
        .where(KudosComment.kudos_id == kudos.id)
        .order_by(KudosComment.created_at, KudosComment.id)
    ).all()
    return [
        CommentView(c.id, PersonRef(c.author_id, name), c.text, c.created_at) for c, name in rows
    ]


@cache
def badge_catalogue() -> tuple[Badge, ...]:
    """The default badge set people can earn (parsed once: it ships with the package, and
    parsing it costs milliseconds that every profile page would otherwise pay)."""
    return load_default_rules()


def badges_of(session: Session, principal: Principal, person_id: int) -> list[BadgeView]:
    """A colleague's badges, newest first, each with the reason it was earned."""
    person = _org_person(session, principal, person_id)
    definitions = {badge.id: badge for badge in badge_catalogue()}
    awards = session.scalars(
        sa.select(BadgeAward)
        .where(BadgeAward.person_id == person.id)
        .order_by(BadgeAward.awarded_at.desc(), BadgeAward.badge)
    )
    views = []
    for award in awards:
        badge = definitions.get(award.badge)
        views.append(
            BadgeView(
                badge=award.badge,
                name=badge.name if badge else award.badge,
                description=badge.description if badge else "",
                tier=badge.tier.value if badge else "",
                item=award.item or None,
                awarded_at=award.awarded_at,
                reason=award.reason,
            )
        )
    return views


def budget_left(session: Session, principal: Principal, *, clock: Clock) -> Budget:
    """How many kudos the principal can still give this month."""
    person = acting_person(session, principal)
    now = clock.now()
    limits = limits_of(session, principal.org_id)
    given = given_this_month(session, person.id, now)
    return Budget(
        allowance=limits.monthly_allowance,
        given=given,
        left=max(limits.monthly_allowance - given, 0),
        pair_cap=limits.pair_cap,
        renews_at=month_bounds(now)[1],
    )


def ring_reviews(
    session: Session, principal: Principal, *, status: str | None = None
) -> list[RingView]:
    """Suspected, confirmed and dismissed kudos rings of the organisation (HR only)."""
    principal.require_people_admin(RING_REVIEWERS_ONLY)
    query = sa.select(KudosRingReview).where(KudosRingReview.org_id == principal.org_id)
    if status is not None:
        query = query.where(KudosRingReview.status == status)
    reviews = list(session.scalars(query.order_by(KudosRingReview.detected_at.desc())))
    return _ring_views(session, principal, reviews)


def _ring_views(
    session: Session, principal: Principal, reviews: list[KudosRingReview]
) -> list[RingView]:
    ids = {int(m) for review in reviews for m in review.members}
    names = dict(session.execute(sa.select(Person.id, Person.name).where(Person.id.in_(ids))).all())
    views = []
    for review in reviews:
        members = [int(m) for m in review.members]
        internal = session.scalar(
            sa.select(sa.func.count(Kudos.id)).where(
                Kudos.org_id == principal.org_id,
                Kudos.giver_id.in_(members),
                Kudos.receiver_id.in_(members),
            )
        )
        views.append(
            RingView(
                id=review.id,
                members=[PersonRef(m, names.get(m, "")) for m in members],
                status=review.status,
                evidence=dict(review.evidence),
                detected_at=review.detected_at,
                decided_by=review.decided_by,
                decided_at=review.decided_at,
                internal_kudos=int(internal or 0),
            )
        )
    return views


def kudos_one(session: Session, principal: Principal, kudos_id: int) -> KudosView:
    """One kudos as the wall shows it (a card redrawn after a reaction)."""
    principal.require_staff(_STAFF_ONLY)
    items = _kudos_page(session, principal, Kudos.id == kudos_id, 1, 1).items
    if not items:
        raise NotFound("no such kudos")
    return items[0]


@dataclass(frozen=True)
class PairCount:
    """Kudos one ring member gave another (inside the ring, all time)."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    giver: PersonRef
    receiver: PersonRef
    kudos: int


@dataclass(frozen=True)
class HistoryEntry:
    """An audit entry about a ring: detection and each decision, with HR's reason."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    at: datetime
    actor: str
    action: str
    reason: str | None
    kudos_changed: int | None


@dataclass(frozen=True)
class RingDetail:
    """What HR reads before deciding: the ring, who thanked whom how often, and its history."""

    __pydantic_config__: ClassVar = {"use_attribute_docstrings": True}

    ring: RingView
    pairs: list[PairCount]
    history: list[HistoryEntry]


def ring_detail(session: Session, principal: Principal, review_id: int) -> RingDetail:
    """A kudos ring with its members' mutual kudos counts and audit history (HR only)."""
    principal.require_people_admin(RING_REVIEWERS_ONLY)
    review = session.get(KudosRingReview, review_id)
    if review is None or review.org_id != principal.org_id:
        raise NotFound("no such ring review")
    [ring] = _ring_views(session, principal, [review])
    names = {m.id: m for m in ring.members}
    ids = list(names)
    counts = session.execute(
        sa.select(Kudos.giver_id, Kudos.receiver_id, sa.func.count(Kudos.id))
        .where(
            Kudos.org_id == principal.org_id,
            Kudos.giver_id.in_(ids),
            Kudos.receiver_id.in_(ids),
        )
        .group_by(Kudos.giver_id, Kudos.receiver_id)
        .order_by(Kudos.giver_id, Kudos.receiver_id)
    ).all()
    pairs = [PairCount(names[g], names[r], int(n)) for g, r, n in counts]
    entries = session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.org_id == principal.org_id, AuditEntry.subject == f"ring:{ring.id}")
        .order_by(AuditEntry.seq)
    )
    history = [
        HistoryEntry(
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            reason=entry.payload.get("reason"),
            kudos_changed=entry.payload.get("kudos_changed"),
        )
        for entry in entries
    ]
    return RingDetail(ring, pairs, history)
