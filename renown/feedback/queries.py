"""Read-only feedback queries, scoped to the principal's organisation and rights.

Who reads what:

- the receiver: their named items (every visibility) and the aggregates of all their
  releases (``private`` and ``manager`` audiences);
- managers above them (manager role) and HR/admins: named items shared with managers or
  public, and aggregates of ``manager``-audience releases only;
- everyone in the organisation: public items, on the wall.

Anonymous items are never selected one by one here: they reach a view only through
:func:`renown.feedback.releases.released` and :func:`renown.feedback.anonymity.summarise`,
and filters (competency, dates, request) are applied to named items only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from renown.accounts.principal import Principal
from renown.audit.personal import ERASED
from renown.core.clock import SYSTEM_CLOCK, Clock
from renown.core.errors import NotFound
from renown.core.roles import Role
from renown.feedback.anonymity import (
    CompetencyMean,
    competency_blocks,
    fewer_than,
    summarise,
)
from renown.feedback.frameworks import competency_keys
from renown.feedback.relations import STAFF_ONLY, is_manager_of
from renown.feedback.releases import released
from renown.feedback.results import (
    FeedbackView,
    GivenItem,
    NamedItem,
    OrgOverview,
    PendingRequest,
    RecipientView,
    RequestView,
    TrendPoint,
)
from renown.feedback.thresholds import org_threshold
from renown.feedback.vocabulary import Anonymity, RecipientStatus, Visibility
from renown.org.access import access_person
from renown.store.tables.feedback import (
    AnonymousRelease,
    FeedbackItem,
    FeedbackRating,
    FeedbackRecipient,
    FeedbackRequest,
)
from renown.store.tables.org import Person

__all__ = [
    "about_person",
    "competency_trends",
    "given",
    "org_overview",
    "pending",
    "received",
    "requested",
    "wall",
]

Giver = aliased(Person, name="giver")
Receiver = aliased(Person, name="receiver")
SHARED = (Visibility.MANAGER.value, Visibility.PUBLIC.value)
MAX_ITEMS = 500


def _ratings(session: Session, item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    ratings: dict[int, dict[str, int]] = defaultdict(dict)
    if item_ids:
        for item_id, key, rating in session.execute(
            sa.select(
                FeedbackRating.item_id, FeedbackRating.competency_key, FeedbackRating.rating
            ).where(FeedbackRating.item_id.in_(list(item_ids)))
        ):
            ratings[item_id][key] = rating
    return ratings


def _unnamed_giver(item: FeedbackItem) -> str:
    """Who a named item is from when no person or outside rater is on record any more."""
    erased = item.giver_pseudonym is not None and item.giver_pseudonym.startswith(ERASED)
    return "A former colleague" if erased else "An outside rater"


def _named_items(
    session: Session, where: Sequence[sa.ColumnElement[bool]], *, limit: int = MAX_ITEMS
) -> list[NamedItem]:
    rows = session.execute(
        sa.select(FeedbackItem, Giver.name, Receiver.name, FeedbackRecipient.name)
        .join(Receiver, Receiver.id == FeedbackItem.receiver_id)
        .outerjoin(Giver, Giver.id == FeedbackItem.giver_person_id)
        .outerjoin(FeedbackRecipient, FeedbackRecipient.id == FeedbackItem.external_rater_id)
        .where(FeedbackItem.anonymous.is_(False), *where)
        .order_by(FeedbackItem.created_at.desc(), FeedbackItem.id.desc())
        .limit(max(1, min(limit, MAX_ITEMS)))
    )
    items = list(rows)
    ratings = _ratings(session, [item.id for item, *_ in items])
    return [
        NamedItem(
            id=item.id,
            receiver_id=item.receiver_id,
            receiver_name=receiver_name,
            giver_id=item.giver_person_id,
            giver_name=giver_name or external_name or _unnamed_giver(item),
            relationship=item.relationship,
            visibility=item.visibility,
            text=item.text,
            ratings=ratings.get(item.id, {}),
            created_at=item.created_at,
            request_id=item.request_id,
        )
        for item, giver_name, receiver_name, external_name in items
    ]


def _filters(
    competency: str | None, since: datetime | None, until: datetime | None, request_id: int | None
) -> list[sa.ColumnElement[bool]]:
    """Filters for named items only: anonymous data is never narrowed below a release."""
    where: list[sa.ColumnElement[bool]] = []
    if competency is not None:
        where.append(
            FeedbackItem.id.in_(
                sa.select(FeedbackRating.item_id).where(FeedbackRating.competency_key == competency)
            )
        )
    if since is not None:
        where.append(FeedbackItem.created_at >= since)
    if until is not None:
        where.append(FeedbackItem.created_at < until)
    if request_id is not None:
        where.append(FeedbackItem.request_id == request_id)
    return where


def _view(
    session: Session,
    org_id: int,
    person_id: int,
    visibilities: Sequence[str],
    audiences: Sequence[str],
    filters: list[sa.ColumnElement[bool]],
) -> FeedbackView:
    threshold = org_threshold(session, org_id)
    named = _named_items(
        session,
        [
            FeedbackItem.org_id == org_id,
            FeedbackItem.receiver_id == person_id,
            FeedbackItem.visibility.in_(list(visibilities)),
            *filters,
        ],
    )
    releases, answers = released(session, person_id, audiences)
    aggregates, suppressed = summarise(
        releases, answers, threshold, competency_keys(session, org_id)
    )
    return FeedbackView(person_id, threshold, tuple(named), tuple(aggregates), tuple(suppressed))


def received(
    session: Session,
    principal: Principal,
    *,
    competency: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    request_id: int | None = None,
) -> FeedbackView:
    """The principal's own received feedback; filters narrow the named items only."""
    principal.require_staff(STAFF_ONLY)
    if principal.person_id is None:
        raise NotFound("this account is not linked to a person")
    person = access_person(session, principal, principal.person_id)
    return _view(
        session,
        principal.org_id,
        person.id,
        [v.value for v in Visibility],
        ["private", "manager"],
        _filters(competency, since, until, request_id),
    )


def _may_oversee(session: Session, principal: Principal, person: Person) -> bool:
    if principal.sees_everyone:
        return True
    return principal.role is Role.MANAGER and is_manager_of(session, principal, person)


def about_person(
    session: Session,
    principal: Principal,
    person_id: int,
    *,
    competency: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    request_id: int | None = None,
) -> FeedbackView:
    """A report's feedback as their manager chain (or HR) sees it; oneself: :func:`received`."""
    principal.require_staff(STAFF_ONLY)
    person = access_person(session, principal, person_id)
    if person.id == principal.person_id:
        return received(
            session,
            principal,
            competency=competency,
            since=since,
            until=until,
            request_id=request_id,
        )
    if not _may_oversee(session, principal, person):
        raise NotFound(f"no person {person_id}")
    return _view(
        session,
        principal.org_id,
        person.id,
        SHARED,
        ["manager"],
        _filters(competency, since, until, request_id),
    )


def given(session: Session, principal: Principal, *, limit: int = 200) -> list[GivenItem]:
    """Feedback the principal gave, newest first."""
    principal.require_staff(STAFF_ONLY)
    if principal.person_id is None:
        return []
    rows = session.execute(
        sa.select(FeedbackItem, Receiver.name)
        .join(Receiver, Receiver.id == FeedbackItem.receiver_id)
        .where(
            FeedbackItem.org_id == principal.org_id,
            FeedbackItem.giver_person_id == principal.person_id,
        )
        .order_by(FeedbackItem.created_at.desc(), FeedbackItem.id.desc())
        .limit(max(1, min(limit, MAX_ITEMS)))
    )
    items = list(rows)
    ratings = _ratings(session, [item.id for item, _ in items])
    return [
        GivenItem(
            id=item.id,
            receiver_id=item.receiver_id,
            receiver_name=name,
            relationship=item.relationship,
            visibility=item.visibility,
            anonymous=item.anonymous,
            text=item.text,
            ratings=ratings.get(item.id, {}),
            created_at=item.created_at,
        )
        for item, name in items
    ]


def requested(session: Session, principal: Principal) -> list[RequestView]:
    """Requests the principal made, newest first.

    When answers may be anonymous, who answered or declined is not shown, and the number of
    answers only once it reaches the threshold: otherwise the list of who answered would
    name the givers of a release.
    """
    principal.require_staff(STAFF_ONLY)
    if principal.person_id is None:
        return []
    rows = session.execute(
        sa.select(FeedbackRequest, Person.name)
        .join(Person, Person.id == FeedbackRequest.subject_id)
        .where(
            FeedbackRequest.org_id == principal.org_id,
            FeedbackRequest.requester_id == principal.person_id,
        )
        .order_by(FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())
    )
    views: list[RequestView] = []
    for request, subject_name in rows:
        hidden = request.anonymity != Anonymity.NONE.value
        recipients = session.execute(
            sa.select(FeedbackRecipient, Person.name)
            .outerjoin(Person, Person.id == FeedbackRecipient.person_id)
            .where(FeedbackRecipient.request_id == request.id)
            .order_by(Person.name, FeedbackRecipient.name, FeedbackRecipient.id)
        )
        shown: list[RecipientView] = []
        answered = 0
        for recipient, person_name in recipients:
            answered += recipient.status == RecipientStatus.ANSWERED.value
            shown.append(
                RecipientView(
                    person_id=recipient.person_id,
                    name=person_name or recipient.name or "",
                    email=recipient.email,
                    status=None if hidden else recipient.status,
                    rater_id=recipient.id if recipient.person_id is None else None,
                )
            )
        too_few = hidden and answered < request.anonymity_threshold
        views.append(
            RequestView(
                id=request.id,
                subject_id=request.subject_id,
                subject_name=subject_name,
                message=request.message,
                competencies=tuple(request.competencies),
                visibility=request.visibility,
                anonymity=request.anonymity,
                threshold=request.anonymity_threshold,
                locked=request.locked,
                expires_at=request.expires_at,
                created_at=request.created_at,
                recipients=tuple(shown),
                answered=None if too_few else answered,
                answered_note=fewer_than(request.anonymity_threshold) if too_few else "",
            )
        )
    return views


def pending(
    session: Session, principal: Principal, *, clock: Clock = SYSTEM_CLOCK
) -> list[PendingRequest]:
    """Open requests waiting for the principal's answer, soonest expiry first."""
    principal.require_staff(STAFF_ONLY)
    if principal.person_id is None:
        return []
    Requester = aliased(Person, name="requester")
    rows = session.execute(
        sa.select(FeedbackRequest, Requester.name, Person.name)
        .join(FeedbackRecipient, FeedbackRecipient.request_id == FeedbackRequest.id)
        .join(Requester, Requester.id == FeedbackRequest.requester_id)
        .join(Person, Person.id == FeedbackRequest.subject_id)
        .where(
            FeedbackRequest.org_id == principal.org_id,
            FeedbackRecipient.person_id == principal.person_id,
            FeedbackRecipient.status == RecipientStatus.PENDING.value,
            FeedbackRequest.expires_at > clock.now(),
        )
        .order_by(FeedbackRequest.expires_at, FeedbackRequest.id)
    )
    return [
        PendingRequest(
            id=request.id,
            requester_name=requester_name,
            subject_id=request.subject_id,
            subject_name=subject_name,
            message=request.message,
            competencies=tuple(request.competencies),
            anonymity=request.anonymity,
            expires_at=request.expires_at,
        )
        for request, requester_name, subject_name in rows
    ]


def wall(session: Session, principal: Principal, *, limit: int = 50) -> list[NamedItem]:
    """Public kudos of the organisation, newest first."""
    principal.require_staff(STAFF_ONLY)
    return _named_items(
        session,
        [
            FeedbackItem.org_id == principal.org_id,
            FeedbackItem.visibility == Visibility.PUBLIC.value,
        ],
        limit=limit,
    )


def _quarter(when: datetime) -> str:
    return f"{when.year}Q{(when.month - 1) // 3 + 1}"


def competency_trends(session: Session, principal: Principal, person_id: int) -> list[TrendPoint]:
    """Per competency and quarter, the mean rating: named ratings by when they were given,
    anonymous ones only as whole release blocks, in the quarter of their release."""
    view_of_self = person_id == principal.person_id
    if not view_of_self:
        about_person(session, principal, person_id)  # authorises (NotFound otherwise)
    person = access_person(session, principal, person_id)
    visibilities = [v.value for v in Visibility] if view_of_self else list(SHARED)
    audiences = ["private", "manager"] if view_of_self else ["manager"]
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for created_at, key, rating in session.execute(
        sa.select(FeedbackItem.created_at, FeedbackRating.competency_key, FeedbackRating.rating)
        .join(FeedbackRating, FeedbackRating.item_id == FeedbackItem.id)
        .where(
            FeedbackItem.org_id == principal.org_id,
            FeedbackItem.receiver_id == person.id,
            FeedbackItem.anonymous.is_(False),
            FeedbackItem.visibility.in_(visibilities),
        )
    ):
        cell = sums[key, _quarter(created_at)]
        cell[0] += rating
        cell[1] += 1
    releases, answers = released(session, person.id, audiences)
    for block in competency_blocks(releases, answers, org_threshold(session, principal.org_id)):
        cell = sums[block.key, _quarter(block.cut_at)]
        cell[0] += block.total
        cell[1] += block.n
    return [
        TrendPoint(key, quarter, round(total / n, 2), n)
        for (key, quarter), (total, n) in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


def org_overview(
    session: Session, principal: Principal, *, clock: Clock = SYSTEM_CLOCK
) -> OrgOverview:
    """HR's counts and aggregates over the organisation (anonymous data: releases only)."""
    principal.require_people_admin(
        "the organisation's feedback overview is for HR and administrators"
    )
    org_id = principal.org_id
    threshold = org_threshold(session, org_id)
    named = dict(
        session.execute(
            sa.select(FeedbackItem.visibility, sa.func.count(FeedbackItem.id))
            .where(FeedbackItem.org_id == org_id, FeedbackItem.anonymous.is_(False))
            .group_by(FeedbackItem.visibility)
        ).all()
    )
    releases = session.execute(
        sa.select(AnonymousRelease.group, AnonymousRelease.givers).where(
            AnonymousRelease.org_id == org_id, AnonymousRelease.givers >= threshold
        )
    )
    by_group: dict[str, int] = defaultdict(int)
    for group, givers in releases:
        by_group[group] += givers
    open_requests = session.scalar(
        sa.select(sa.func.count(FeedbackRequest.id)).where(
            FeedbackRequest.org_id == org_id, FeedbackRequest.expires_at > clock.now()
        )
    )
    means = session.execute(
        sa.select(
            FeedbackRating.competency_key,
            sa.func.avg(FeedbackRating.rating),
            sa.func.count(FeedbackRating.id),
        )
        .join(FeedbackItem, FeedbackItem.id == FeedbackRating.item_id)
        .where(
            FeedbackItem.org_id == org_id,
            FeedbackItem.anonymous.is_(False),
            FeedbackItem.visibility.in_(SHARED),
        )
        .group_by(FeedbackRating.competency_key)
        .order_by(FeedbackRating.competency_key)
    )
    return OrgOverview(
        threshold=threshold,
        named_items=named,
        released_givers=dict(by_group),
        open_requests=open_requests or 0,
        competencies=tuple(CompetencyMean(key, round(float(mean), 2), n) for key, mean, n in means),
    )
