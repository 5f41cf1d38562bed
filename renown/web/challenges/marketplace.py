"""The talent marketplace, as JSON and as pages: members' profiles, the sponsors' search,
invitations to private work and sponsor feedback (fronts :mod:`renown.challenges.profiles`,
:mod:`renown.challenges.marketplace` and :mod:`renown.challenges.sponsor_feedback`).

JSON under ``/api/v1/marketplace`` and ``/api/v1/members``; pages at ``/marketplace``,
``/members/{member_id}``, ``/members/me/edit`` and ``/invitations``. The routes' policies
name the roles that may ever do a thing; whether *this* account may read *this* profile
(an unlisted member is "not found" to their peers) is the domain's decision. A member id
in the path is checked visible before a body is read, so another organisation's id is a
404 whatever was sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.challenges import marketplace as market
from renown.challenges import profiles, sponsor_feedback
from renown.challenges.market_results import (
    AVAILABILITIES,
    InvitationLists,
    InvitationView,
    MarketPage,
    MemberProfileView,
    RatingPoint,
)
from renown.challenges.roles import PARTICIPANTS, POSTERS
from renown.challenges.sponsor_feedback import FeedbackGiven
from renown.core.roles import PEOPLE_ADMIN_ROLES
from renown.store.tables.accounts import Account
from renown.web.challenges import common
from renown.web.deps import SessionDep
from renown.web.forms import form_action
from renown.web.json_body import StrictJsonRoute
from renown.web.params import MULTI_LINE, SINGLE_LINE, BodyId, Flag, RowId, Whole
from renown.web.policy import SignedIn, SignInRequired, allow
from renown.web.render import render
from renown.web.vega import chart

api_router = APIRouter(tags=["marketplace"], route_class=StrictJsonRoute)
page_router = APIRouter(include_in_schema=False)

MarketReaders = Annotated[Principal, allow(*profiles.MARKET_READERS)]
"""Sponsors, HR, recruiters and administrators: search the marketplace."""
Participants = Annotated[Principal, allow(*PARTICIPANTS)]
"""Members, employees and managers: have a profile, answer invitations."""
Posters = Annotated[Principal, allow(*POSTERS)]
"""Sponsors, HR and administrators: invite members, give feedback on their challenges."""
Skills = Annotated[list[str], Query(max_length=market.MAX_SEARCH_SKILLS)]
AvailabilityFilter = Annotated[str | None, Query(max_length=16), SINGLE_LINE]
Text = Annotated[str | None, Query(max_length=100), SINGLE_LINE]
Rating = Annotated[int | None, Query(ge=0, le=10_000)]
Limit = Annotated[int, Query(ge=1, le=market.MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
PAGE_SIZE: Final = 20


def _seen_member(request: Request, member_id: RowId, session: SessionDep) -> int:
    """The path's member id, once the caller may read that member's profile (else 404),
    before any body is read."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise SignInRequired()
    profiles.visible_account(session, principal, member_id)
    return member_id


SeenMember = Annotated[int, Depends(_seen_member)]


class ProfileIn(BaseModel):
    """The signed-in member's profile."""

    model_config = ConfigDict(extra="forbid")

    display_name: Annotated[str, Field(max_length=profiles.MAX_NAME), SINGLE_LINE] = Field(
        description="Unique in the organisation, whatever the letter case"
    )
    headline: Annotated[str, Field(max_length=profiles.MAX_HEADLINE), SINGLE_LINE] = ""
    skills: Annotated[
        list[Annotated[str, Field(max_length=50), SINGLE_LINE]],
        Field(max_length=profiles.MAX_SKILLS),
    ] = Field(default_factory=list)
    availability: Annotated[str, Field(max_length=16), SINGLE_LINE] = Field(
        default="available", description="available, limited or unavailable"
    )
    listed: Flag = Field(default=True, description="whether sponsors find you in the marketplace")


class InvitationIn(BaseModel):
    """An invitation to private work."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(max_length=market.MAX_TITLE), SINGLE_LINE]
    message: Annotated[str, Field(max_length=market.MAX_MESSAGE), MULTI_LINE]


class FeedbackIn(BaseModel):
    """A sponsor's feedback on the member's work in one of its completed challenges."""

    model_config = ConfigDict(extra="forbid")

    challenge_id: BodyId
    stars: Annotated[Whole, Field(ge=1, le=5)]
    text: Annotated[str, Field(max_length=sponsor_feedback.MAX_TEXT), MULTI_LINE]


def _search(
    session: Session,
    principal: Principal,
    skill: list[str],
    min_rating: int | None,
    availability: str | None,
    q: str | None,
    limit: int,
    offset: int,
) -> MarketPage:
    return market.search(
        session,
        principal,
        skills=skill,
        min_rating=min_rating,
        availability=availability or None,
        text=q,
        limit=limit,
        offset=offset,
    )


# --- JSON ------------------------------------------------------------------------------


@api_router.get("/marketplace")
def search(
    principal: MarketReaders,
    session: SessionDep,
    skill: Skills = [],  # noqa: B006 - FastAPI copies a list default per request
    min_rating: Rating = None,
    availability: AvailabilityFilter = None,
    q: Text = None,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
) -> MarketPage:
    """Listed members with any of the skills, at least the rating, the availability and
    the text in their name or headline; best rated first (never rated last)."""
    return _search(session, principal, skill, min_rating, availability, q, limit, offset)


@api_router.get("/marketplace/invitations")
def invitations(principal: SignedIn, session: SessionDep) -> InvitationLists:
    """Invitations you received (members) and sent (sponsors), newest first."""
    return market.invitations_for(session, principal, common.CLOCK.now())


@api_router.post("/marketplace/invitations/{invitation_id}/accept")
def accept(invitation_id: RowId, principal: Participants, session: SessionDep) -> InvitationView:
    """Accept an invitation addressed to you (the sender is told)."""
    view = market.check_answer_invitation(
        session, principal, invitation_id, accept=True, now=common.CLOCK.now()
    )
    session.commit()
    return view


@api_router.post("/marketplace/invitations/{invitation_id}/decline")
def decline(invitation_id: RowId, principal: Participants, session: SessionDep) -> InvitationView:
    """Decline an invitation addressed to you (the sender is told)."""
    view = market.check_answer_invitation(
        session, principal, invitation_id, accept=False, now=common.CLOCK.now()
    )
    session.commit()
    return view


@api_router.post("/marketplace/invitations/{invitation_id}/withdraw")
def withdraw(invitation_id: RowId, principal: Posters, session: SessionDep) -> InvitationView:
    """Withdraw an invitation you sent that is still unanswered (the member is told)."""
    view = market.check_withdraw_invitation(
        session, principal, invitation_id, now=common.CLOCK.now()
    )
    session.commit()
    return view


@api_router.get("/members/me")
def my_profile(principal: Participants, session: SessionDep) -> MemberProfileView:
    """Your own profile (a placeholder until your first edit)."""
    return profiles.member_profile(session, principal, principal.account_id)


@api_router.put("/members/me")
def edit_my_profile(
    body: ProfileIn, principal: Participants, session: SessionDep
) -> MemberProfileView:
    """Create or change your profile."""
    view = profiles.check_edit_profile(
        session,
        principal,
        display_name=body.display_name,
        headline=body.headline,
        skills=body.skills,
        availability=body.availability,
        listed=body.listed,
        now=common.CLOCK.now(),
    )
    session.commit()
    return view


@api_router.get("/members/{member_id}")
def member(principal: SignedIn, member_id: SeenMember, session: SessionDep) -> MemberProfileView:
    """A member's profile: skills, rating and its history, results, prizes, challenge
    badges and sponsors' feedback (peers see listed members only)."""
    return profiles.member_profile(session, principal, member_id)


@api_router.post("/members/{member_id}/invitations")
def invite(
    principal: Posters, member_id: SeenMember, body: InvitationIn, session: SessionDep
) -> InvitationView:
    """Invite a listed, available member to private work (at most
    50 a day; one open invitation per member)."""
    view = market.check_invite(
        session,
        principal,
        member_id,
        title=body.title,
        message=body.message,
        now=common.CLOCK.now(),
    )
    session.commit()
    return view


@api_router.post("/members/{member_id}/feedback")
def give_feedback(
    principal: Posters, member_id: SeenMember, body: FeedbackIn, session: SessionDep
) -> FeedbackGiven:
    """Your feedback (1-5 stars and a text) on the member's work in a completed challenge
    you sponsored; it may change for 14 days, then it is fixed."""
    given = sponsor_feedback.check_give_feedback(
        session,
        principal,
        body.challenge_id,
        member_id,
        stars=body.stars,
        text=body.text,
        now=common.CLOCK.now(),
    )
    session.commit()
    return given


# --- pages -----------------------------------------------------------------------------


def rating_chart(points: list[RatingPoint]) -> dict[str, Any] | None:
    """The rating after each rated challenge, as a line with its points (None: no history)."""
    if not points:
        return None
    values = [
        {
            "at": p.at.isoformat(),
            "rating": p.display,
            "challenge": p.challenge_title,
            "rank": p.rank,
        }
        for p in points
    ]
    return chart(
        "The member's conservative rating after each rated challenge",
        180,
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "at", "type": "temporal", "title": None},
                "y": {
                    "field": "rating",
                    "type": "quantitative",
                    "title": "rating",
                    "scale": {"zero": False},
                },
                "tooltip": [
                    {"field": "challenge"},
                    {"field": "rating"},
                    {"field": "rank"},
                    {"field": "at", "type": "temporal"},
                ],
            },
        },
    )


@page_router.get("/marketplace", response_class=HTMLResponse)
def marketplace_page(
    request: Request,
    principal: MarketReaders,
    session: SessionDep,
    skill: Annotated[str | None, Query(max_length=300), SINGLE_LINE] = None,
    min_rating: Annotated[str | None, Query(max_length=6), SINGLE_LINE] = None,
    availability: AvailabilityFilter = None,
    q: Text = None,
    offset: Offset = 0,
) -> HTMLResponse:
    """The marketplace: filters and one page of listed members, best rated first."""
    skills = [s for s in (skill or "").split(",") if s.strip()]
    # ASCII digits only: "²" and other Unicode digits pass str.isdigit() but not int().
    wanted = (min_rating or "").strip()
    rating = int(wanted) if wanted.isascii() and wanted.isdigit() else None
    page = _search(session, principal, skills, rating, availability, q, PAGE_SIZE, offset)
    context: dict[str, Any] = {
        "page": page,
        "filters": {
            "skill": skill or "",
            "min_rating": "" if rating is None else rating,
            "availability": availability or "",
            "q": q or "",
        },
        "availabilities": AVAILABILITIES,
        "page_size": PAGE_SIZE,
    }
    return render(request, "challenge_market.html", context)


def _profile_page(
    request: Request,
    principal: Principal,
    session: Session,
    member_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = profiles.member_profile(session, principal, member_id)
    account = session.get(Account, member_id)
    context: dict[str, Any] = {
        "profile": view,
        "rating_spec": rating_chart(view.history),
        "may_invite": principal.role in market.INVITERS and not view.is_me,
        "may_give_feedback": principal.role in POSTERS and not view.is_me,
        # HR and administrators erase a member without a person (one with a person goes
        # with the person: renown.privacy.erase)
        "may_erase": principal.role in PEOPLE_ADMIN_ROLES
        and not view.is_me
        and account is not None
        and account.person_id is None,
        "max_message": market.MAX_MESSAGE,
        "max_title": market.MAX_TITLE,
        "max_feedback": sponsor_feedback.MAX_TEXT,
        "edit_days": sponsor_feedback.EDIT_DAYS,
        "error": error,
    }
    return render(request, "challenge_member.html", context, status_code=status_code)


def _edit_page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    values: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    row = profiles.own_profile(session, principal)
    shown = values or {
        "display_name": row.display_name if row else "",
        "headline": row.headline if row else "",
        "skills": ", ".join(row.skills) if row else "",
        "availability": row.availability if row else "available",
        "listed": row.listed if row else True,
    }
    context: dict[str, Any] = {
        "values": shown,
        "availabilities": AVAILABILITIES,
        "max_name": profiles.MAX_NAME,
        "max_headline": profiles.MAX_HEADLINE,
        "max_skills": profiles.MAX_SKILLS,
        "created": row is not None,
        "account_id": principal.account_id,
        "error": error,
    }
    return render(request, "challenge_member_edit.html", context, status_code=status_code)


@page_router.get("/members/me/edit", response_class=HTMLResponse)
def edit_page(request: Request, principal: Participants, session: SessionDep) -> HTMLResponse:
    """Your profile's form (it is created on the first save)."""
    return _edit_page(request, principal, session)


@page_router.post("/members/me/edit")
def edit_form(
    request: Request,
    principal: Participants,
    session: SessionDep,
    display_name: Annotated[str, Form(max_length=profiles.MAX_NAME), SINGLE_LINE] = "",
    headline: Annotated[str, Form(max_length=profiles.MAX_HEADLINE), SINGLE_LINE] = "",
    skills: Annotated[str, Form(max_length=2000), SINGLE_LINE] = "",
    availability: Annotated[str, Form(max_length=16), SINGLE_LINE] = "available",
    listed: Annotated[str | None, Form(max_length=8), SINGLE_LINE] = None,
) -> Response:
    """Save your profile; a refusal shows the form again with the reason."""
    values = {
        "display_name": display_name,
        "headline": headline,
        "skills": skills,
        "availability": availability,
        "listed": listed is not None,
    }
    return form_action(
        session,
        lambda: profiles.check_edit_profile(
            session,
            principal,
            display_name=display_name,
            headline=headline,
            skills=skills.split(","),
            availability=availability,
            listed=listed is not None,
            now=common.CLOCK.now(),
        ),
        done=f"/members/{principal.account_id}?saved=1",
        refused=lambda reason: _edit_page(
            request, principal, session, values=values, error=reason, status_code=422
        ),
    )


@page_router.get("/members/{member_id}", response_class=HTMLResponse)
def member_page(
    request: Request, principal: SignedIn, member_id: SeenMember, session: SessionDep
) -> HTMLResponse:
    """A member's profile with the rating chart; sponsors invite and give feedback here."""
    return _profile_page(request, principal, session, member_id)


@page_router.post("/members/{member_id}/invite")
def invite_form(
    request: Request,
    principal: Posters,
    member_id: SeenMember,
    session: SessionDep,
    title: Annotated[str, Form(max_length=market.MAX_TITLE), SINGLE_LINE] = "",
    message: Annotated[str, Form(max_length=market.MAX_MESSAGE), MULTI_LINE] = "",
) -> Response:
    """Invite the member to private work; a refusal shows the profile with the reason."""
    return form_action(
        session,
        lambda: market.check_invite(
            session, principal, member_id, title=title, message=message, now=common.CLOCK.now()
        ),
        done="/invitations?sent=1",
        refused=lambda reason: _profile_page(
            request, principal, session, member_id, error=reason, status_code=422
        ),
    )


@page_router.post("/members/{member_id}/feedback")
def feedback_form(
    request: Request,
    principal: Posters,
    member_id: SeenMember,
    session: SessionDep,
    challenge_id: Annotated[int, Form(ge=1, le=2**31 - 1)] = 0,
    stars: Annotated[int, Form(ge=0, le=5)] = 0,
    text: Annotated[str, Form(max_length=sponsor_feedback.MAX_TEXT), MULTI_LINE] = "",
) -> Response:
    """Give (or change) feedback on the member's work in a challenge you sponsored."""
    return form_action(
        session,
        lambda: sponsor_feedback.check_give_feedback(
            session,
            principal,
            challenge_id,
            member_id,
            stars=stars,
            text=text,
            now=common.CLOCK.now(),
        ),
        done=f"/members/{member_id}?feedback=1",
        refused=lambda reason: _profile_page(
            request, principal, session, member_id, error=reason, status_code=422
        ),
    )


def _invitations_page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "lists": market.invitations_for(session, principal, common.CLOCK.now()),
        "answers": principal.role in PARTICIPANTS,
        "sends": principal.role in POSTERS,
        "error": error,
    }
    return render(request, "challenge_market_invitations.html", context, status_code=status_code)


@page_router.get("/invitations", response_class=HTMLResponse)
def invitations_page(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Your invitations: answer those you received, withdraw those you sent."""
    return _invitations_page(request, principal, session)


def _answer_form(
    request: Request, principal: Principal, session: Session, act: Any, done: str
) -> Response:
    return form_action(
        session,
        act,
        done=done,
        refused=lambda reason: _invitations_page(
            request, principal, session, error=reason, status_code=422
        ),
    )


@page_router.post("/invitations/{invitation_id}/accept")
def accept_form(
    request: Request, invitation_id: RowId, principal: Participants, session: SessionDep
) -> Response:
    """Accept an invitation addressed to you."""
    return _answer_form(
        request,
        principal,
        session,
        lambda: market.check_answer_invitation(
            session, principal, invitation_id, accept=True, now=common.CLOCK.now()
        ),
        "/invitations?answered=accepted",
    )


@page_router.post("/invitations/{invitation_id}/decline")
def decline_form(
    request: Request, invitation_id: RowId, principal: Participants, session: SessionDep
) -> Response:
    """Decline an invitation addressed to you."""
    return _answer_form(
        request,
        principal,
        session,
        lambda: market.check_answer_invitation(
            session, principal, invitation_id, accept=False, now=common.CLOCK.now()
        ),
        "/invitations?answered=declined",
    )


@page_router.post("/invitations/{invitation_id}/withdraw")
def withdraw_form(
    request: Request, invitation_id: RowId, principal: Posters, session: SessionDep
) -> Response:
    """Withdraw an invitation you sent that is still unanswered."""
    return _answer_form(
        request,
        principal,
        session,
        lambda: market.check_withdraw_invitation(
            session, principal, invitation_id, now=common.CLOCK.now()
        ),
        "/invitations?withdrawn=1",
    )
