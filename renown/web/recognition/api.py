"""Recognition: the kudos wall, giving and withdrawing kudos, reactions, comments, budgets,
badges, and HR's review of kudos rings.

Each route calls one action or query of :mod:`renown.recognition` and formats its answer;
the domain decides who may do what (no self-kudos, the monthly allowance, the pair cap,
another organisation's kudos are "not found", only HR learns what is discounted). Routes
that act on one object take no required body, so that an object the caller cannot see is
a 404 whatever was sent, before any of the body is judged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Path, Query, Response, status
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.recognition import actions, queries
from renown.recognition import job as job_actions
from renown.recognition.queries import (
    MAX_PER_PAGE,
    BadgeView,
    Budget,
    KudosPage,
    KudosView,
    RingDetail,
    RingView,
)
from renown.recognition.rings import check_decide_ring
from renown.web.deps import JobQueueDep, SessionDep, committed
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import PeopleAdmin, Staff
from renown.web.recognition.shapes import (
    REACTION_PATTERN,
    BadgeDefinitionOut,
    CommentIn,
    CommentOut,
    GiveKudosIn,
    ReactionsOut,
    RingDecisionIn,
    RingDecisionOut,
)
from renown.web.shapes import JobOut

router = APIRouter(tags=["recognition"], route_class=StrictJsonRoute)
Page = Annotated[int, Query(ge=1, le=100_000, description="1-based page number")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]
ReactionKind = Annotated[
    str, Path(pattern=REACTION_PATTERN, description="An emoji name of the fixed set")
]
RingStatus = Annotated[Literal["suspected", "confirmed", "dismissed"] | None, Query()]
CLOCK: Final = SystemClock()
"""Kudos are dated, and budgets counted, by the server's clock (UTC months)."""


# --- The wall -----------------------------------------------------------------------------


@router.get("/kudos")
def wall(
    principal: Staff, session: SessionDep, page: Page = 1, per_page: PerPage = 20
) -> KudosPage:
    """The organisation's kudos, newest first."""
    return queries.wall(session, principal, page=page, per_page=per_page)


@router.post("/kudos", status_code=status.HTTP_201_CREATED)
def give_kudos(body: GiveKudosIn, principal: Staff, session: SessionDep) -> KudosView:
    """Thank a colleague publicly: no self-kudos (422), within the monthly allowance (422)
    and the cap per colleague and month (422); a colleague of another organisation is 404."""
    kudos = actions.check_give_kudos(
        session,
        principal,
        body.receiver_id,
        body.message,
        clock=CLOCK,
        competency=body.competency,
    )
    session.commit()
    return queries.kudos_one(session, principal, kudos.id)


@router.get("/kudos/budget")
def my_budget(principal: Staff, session: SessionDep) -> Budget:
    """How many kudos I can still give this month (accounts without a person: 403)."""
    return queries.budget_left(session, principal, clock=CLOCK)


@router.delete("/kudos/{kudos_id}", status_code=status.HTTP_204_NO_CONTENT)
def withdraw_kudos(kudos_id: RowId, principal: Staff, session: SessionDep) -> Response:
    """Withdraw a kudos I gave (its reactions and comments go; my allowance gets it back)."""
    actions.check_delete_kudos(session, principal, kudos_id, clock=CLOCK)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Reactions and comments ---------------------------------------------------------------


def _reacted(
    act: Callable[..., object], session: Session, principal: Principal, kudos_id: int, kind: str
) -> ReactionsOut:
    """Apply ``act`` (react or take back), commit and answer with the kudos' reactions."""
    act(session, principal, kudos_id, kind, clock=CLOCK)
    session.commit()
    view = queries.kudos_one(session, principal, kudos_id)
    return ReactionsOut(kudos_id=view.id, reactions=view.reactions, my_reactions=view.my_reactions)


@router.put("/kudos/{kudos_id}/reactions/{kind}")
def react(
    kudos_id: RowId, kind: ReactionKind, principal: Staff, session: SessionDep
) -> ReactionsOut:
    """React to a kudos (reacting again with the same kind changes nothing)."""
    return _reacted(actions.check_react, session, principal, kudos_id, kind)


@router.delete("/kudos/{kudos_id}/reactions/{kind}")
def unreact(
    kudos_id: RowId, kind: ReactionKind, principal: Staff, session: SessionDep
) -> ReactionsOut:
    """Take back my reaction (no reaction of mine: nothing changes)."""
    return _reacted(actions.check_unreact, session, principal, kudos_id, kind)


@router.get("/kudos/{kudos_id}/comments")
def comments(kudos_id: RowId, principal: Staff, session: SessionDep) -> list[CommentOut]:
    """Comments under a kudos, oldest first."""
    thread = queries.comments_of(session, principal, kudos_id)
    return [CommentOut(kudos_id=kudos_id, **vars(comment)) for comment in thread]


@router.post("/kudos/{kudos_id}/comments", status_code=status.HTTP_201_CREATED)
def add_comment(
    kudos_id: RowId, principal: Staff, session: SessionDep, body: CommentIn | None = None
) -> CommentOut:
    """Comment under a kudos (an empty comment is a 422)."""
    text = (body or CommentIn()).text
    comment = actions.check_comment(session, principal, kudos_id, text, clock=CLOCK)
    session.commit()
    thread = queries.comments_of(session, principal, kudos_id)
    return CommentOut(kudos_id=kudos_id, **vars(next(c for c in thread if c.id == comment.id)))


@router.delete("/kudos/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_comment(comment_id: RowId, principal: Staff, session: SessionDep) -> Response:
    """Delete a comment I wrote."""
    actions.check_delete_comment(session, principal, comment_id, clock=CLOCK)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- A person's kudos and badges ----------------------------------------------------------


@router.get("/people/{person_id}/kudos/received")
def kudos_received(
    person_id: RowId, principal: Staff, session: SessionDep, page: Page = 1, per_page: PerPage = 20
) -> KudosPage:
    """Kudos a colleague received, newest first (kudos are public inside the organisation)."""
    return queries.kudos_received(session, principal, person_id, page=page, per_page=per_page)


@router.get("/people/{person_id}/kudos/given")
def kudos_given(
    person_id: RowId, principal: Staff, session: SessionDep, page: Page = 1, per_page: PerPage = 20
) -> KudosPage:
    """Kudos a colleague gave, newest first."""
    return queries.kudos_given(session, principal, person_id, page=page, per_page=per_page)


@router.get("/people/{person_id}/badges")
def badges_of(person_id: RowId, principal: Staff, session: SessionDep) -> list[BadgeView]:
    """A colleague's badges, newest first, each with the reason it was earned."""
    return queries.badges_of(session, principal, person_id)


@router.get("/badges")
def badge_catalogue(principal: Staff) -> list[BadgeDefinitionOut]:
    """The badges people can earn (renown's default set)."""
    return [BadgeDefinitionOut.model_validate(badge) for badge in queries.badge_catalogue()]


# --- HR: kudos rings and the recognition pass ---------------------------------------------


@router.get("/kudos/rings")
def rings(principal: PeopleAdmin, session: SessionDep, status: RingStatus = None) -> list[RingView]:
    """Kudos rings the detector suspected, and HR's decisions, newest first."""
    return queries.ring_reviews(session, principal, status=status)


@router.get("/kudos/rings/{ring_id}")
def ring(ring_id: RowId, principal: PeopleAdmin, session: SessionDep) -> RingDetail:
    """A ring: members, who thanked whom how often, the detector's evidence, its history."""
    return queries.ring_detail(session, principal, ring_id)


def _decide(
    session: Session,
    principal: Principal,
    ring_id: int,
    decision: Literal["confirm", "dismiss"],
    body: RingDecisionIn | None,
) -> RingDecisionOut:
    reason = (body or RingDecisionIn()).reason
    run = check_decide_ring(session, principal, ring_id, decision, clock=CLOCK, reason=reason)
    awarded, revoked = len(run.awarded), run.revoked
    session.commit()
    detail = queries.ring_detail(session, principal, ring_id)
    return RingDecisionOut(ring=detail.ring, badges_awarded=awarded, badges_revoked=revoked)


@router.post("/kudos/rings/{ring_id}/confirm")
def confirm_ring(
    ring_id: RowId, principal: PeopleAdmin, session: SessionDep, body: RingDecisionIn | None = None
) -> RingDecisionOut:
    """Confirm a ring: its internal kudos stop counting and unsupported badges are revoked.
    A reason is required (422 without one)."""
    return _decide(session, principal, ring_id, "confirm", body)


@router.post("/kudos/rings/{ring_id}/dismiss")
def dismiss_ring(
    ring_id: RowId, principal: PeopleAdmin, session: SessionDep, body: RingDecisionIn | None = None
) -> RingDecisionOut:
    """Dismiss a ring (a confirmed one gets its kudos counted again). A reason is required."""
    return _decide(session, principal, ring_id, "dismiss", body)


@router.post("/recognition/run", status_code=status.HTTP_202_ACCEPTED)
def run_recognition(principal: PeopleAdmin, session: SessionDep, queue: JobQueueDep) -> JobOut:
    """Start the recognition pass now: look for kudos rings, export kudos to the event lake,
    award badges, send notifications. Poll the returned job for progress."""
    job = job_actions.check_start_recognition(session, principal, queue)
    return JobOut.model_validate(committed(session, principal, job))
