"""Recognition pages: the kudos wall (give, react, comment, withdraw), the badge catalogue,
and HR's review of kudos rings.

Like the API, each route calls one :mod:`renown.recognition` action or query, which decide
who may do what. Reactions, comments and withdrawals are htmx requests that get back only
the part of the page they change; each also works as a plain form post (answered with a
redirect), so the wall works without JavaScript. A refused kudos re-renders the form with
the domain's message (422) and what was typed.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from renown.accounts.principal import Principal
from renown.badges import Tier
from renown.core.clock import SystemClock
from renown.core.errors import Invalid, NotFound
from renown.feedback import frameworks
from renown.org import queries as org_queries
from renown.recognition import actions, queries
from renown.recognition import badges as badge_actions
from renown.recognition import job as job_actions
from renown.recognition.actions import MAX_TEXT, REACTION_KINDS
from renown.recognition.mentions import mentioned_names
from renown.recognition.rings import MAX_REASON, check_decide_ring
from renown.web.deps import JobQueueDep, SessionDep
from renown.web.form_refill import PostedForm, as_id, posted_id, posted_text, refills
from renown.web.forms import form_action, see_other
from renown.web.labels import competency_labels
from renown.web.params import MAX_ID, MULTI_LINE, SINGLE_LINE, RowId, SearchText
from renown.web.policy import PeopleAdmin, Staff
from renown.web.recognition.present import avatar_colour, initials, message_parts, ring_of
from renown.web.render import is_htmx, render

router = APIRouter()
FormText = Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE]
CommentText = Annotated[str, Form(), MULTI_LINE]
"""Bounded by the body's size only: the domain refuses a comment too long in the words it
uses for a blank one ("A comment must be 1 to 1000 characters."), shown in the thread."""
ReasonText = Annotated[str, Form(max_length=MAX_REASON), MULTI_LINE]
Kind = Annotated[str, Form(pattern="^(" + "|".join(REACTION_KINDS) + ")$")]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
CLOCK: Final = SystemClock()
WALL_SIZE: Final = 20
PICKER_SIZE: Final = 8
EMOJI: Final = {
    "thumbsup": "\N{THUMBS UP SIGN}",
    "clap": "\N{CLAPPING HANDS SIGN}",
    "heart": "\N{HEAVY BLACK HEART}\N{VARIATION SELECTOR-16}",
    "tada": "\N{PARTY POPPER}",
    "rocket": "\N{ROCKET}",
    "star": "\N{WHITE MEDIUM STAR}",
}
"""How each reaction kind is drawn (the API names them; people see the emoji)."""
TIERS: Final = (Tier.GOLD, Tier.SILVER, Tier.BRONZE)
RING_TABS: Final = (
    ("suspected", "To review"),
    ("confirmed", "Confirmed"),
    ("dismissed", "Dismissed"),
)


def _context(principal: Principal, session: Session) -> dict[str, Any]:
    """What every kudos template needs to draw cards: emoji with their names, avatars, and
    the labels of the values (competencies) a kudos or its message names."""
    return {
        "emoji": EMOJI,
        "kinds": REACTION_KINDS,
        "me": principal.person_id,
        "value_labels": competency_labels(session, principal.org_id),
        "initials": initials,
        "avatar_colour": avatar_colour,
        "message_parts": message_parts,
        "ring_of": ring_of,
    }


# --- The wall -----------------------------------------------------------------------------


def _wall(
    request: Request,
    principal: Principal,
    session: Session,
    page: int,
    *,
    error: str = "",
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    linked = principal.person_id is not None
    wall = queries.wall(session, principal, page=page, per_page=WALL_SIZE)
    messages = (item.message for item in wall.items)
    context = _context(principal, session) | {
        "wall": wall,
        "mention_names": mentioned_names(session, principal.org_id, messages),
        "pages": max(1, -(-wall.total // WALL_SIZE)),
        "linked": linked,
        "budget": queries.budget_left(session, principal, clock=CLOCK) if linked else None,
        "competencies": frameworks.competencies(session, principal.org_id),
        "error": error,
        "values": values or {},
        "given": request.query_params.get("given") == "1",
    }
    return render(request, "kudos.html", context, status_code=422 if error else 200)


@router.get("/kudos", response_class=HTMLResponse)
def wall_page(
    request: Request, principal: Staff, session: SessionDep, page: PageNumber = 1
) -> HTMLResponse:
    """The organisation's kudos, newest first: the feed, with the give-kudos form folded
    away above it until opened (open again when a refused kudos comes back)."""
    return _wall(request, principal, session, page)


@router.get("/kudos/people-search", response_class=HTMLResponse)
def people_search(
    request: Request, principal: Staff, session: SessionDep, q: SearchText = None
) -> HTMLResponse:
    """The receiver picker's results (htmx): colleagues the viewer may see, by name."""
    query = (q or "").strip()
    page = org_queries.list_people(session, principal, q=query or None, limit=PICKER_SIZE)
    people = [p for p in page.items if p.id != principal.person_id] if query else []
    return render(request, "kudos_picker.html", {"people": people, "q": query})


def _give_again(
    request: Request, principal: Principal, session: Session, posted: FormData, error: str
) -> Response:
    """The give-kudos form again, as it was sent, with the reason it was refused."""
    values: dict[str, Any] = {
        "message": posted_text(posted, "message"),
        "competency": posted_text(posted, "competency"),
    }
    receiver_id = posted_id(posted, "receiver_id")
    if receiver_id is not None:
        with suppress(NotFound):  # the picker shows only people the viewer may see
            values["receiver"] = org_queries.get_person(session, principal, receiver_id)
    return _wall(request, principal, session, 1, error=error, values=values)


@router.post("/kudos", response_class=HTMLResponse)
@refills(_give_again, fields={"message": "message", "competency": "competency"})
def give(
    request: Request,
    principal: Staff,
    session: SessionDep,
    posted: PostedForm,
    receiver_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    message: FormText = "",
    competency: Annotated[str, Form(max_length=64), SINGLE_LINE] = "",
) -> Response:
    """Give the kudos and show it on the wall (or the form again, with the reason)."""

    def act() -> None:
        if receiver_id is None:
            raise Invalid("choose the colleague you want to thank")
        actions.check_give_kudos(
            session, principal, receiver_id, message, clock=CLOCK, competency=competency or None
        )

    return form_action(
        session,
        act,
        done="/kudos?given=1",
        refused=lambda reason: _give_again(request, principal, session, posted, reason),
    )


@router.post("/kudos/{kudos_id}/withdraw")
def withdraw(request: Request, kudos_id: RowId, principal: Staff, session: SessionDep) -> Response:
    """Withdraw a kudos I gave; htmx removes its card."""
    actions.check_delete_kudos(session, principal, kudos_id, clock=CLOCK)
    session.commit()
    if is_htmx(request):
        return HTMLResponse("")
    return see_other("/kudos")


def _reactions(request: Request, principal: Principal, session: Session, kudos_id: int) -> Response:
    if not is_htmx(request):
        return see_other(f"/kudos#kudos-{kudos_id}")
    item = queries.kudos_one(session, principal, kudos_id)
    return render(request, "kudos_reactions.html", _context(principal, session) | {"item": item})


@router.post("/kudos/{kudos_id}/unreact")
@router.post("/kudos/{kudos_id}/react")  # registered first: the innermost decorator runs first
def react(
    request: Request,
    kudos_id: RowId,
    principal: Staff,
    session: SessionDep,
    kind: Kind = "thumbsup",
) -> Response:
    """Add my reaction (``/react``) or take it back (``/unreact``); htmx gets the kudos'
    reaction bar back."""
    act = actions.check_unreact if request.url.path.endswith("/unreact") else actions.check_react
    act(session, principal, kudos_id, kind, clock=CLOCK)
    session.commit()
    return _reactions(request, principal, session, kudos_id)


# --- Comments -----------------------------------------------------------------------------


def _thread(
    request: Request,
    principal: Principal,
    session: Session,
    kudos_id: int,
    error: str = "",
    draft: str = "",
) -> HTMLResponse:
    """A kudos' comment thread; refused, with the reason and the ``draft`` that was sent."""
    context = _context(principal, session) | {
        "kudos_id": kudos_id,
        "comments": queries.comments_of(session, principal, kudos_id),
        "error": error,
        "draft": draft,
    }
    if is_htmx(request):
        # htmx swaps only 2xx answers: a refused comment is shown in the thread it belongs to.
        return render(request, "kudos_comments.html", context)
    item = context["item"] = queries.kudos_one(session, principal, kudos_id)
    context["mention_names"] = mentioned_names(session, principal.org_id, [item.message])
    return render(request, "kudos_thread.html", context, status_code=422 if error else 200)


def _comment_again(
    request: Request, principal: Principal, session: Session, posted: FormData, error: str
) -> Response:
    """The thread again with the comment that was refused, still in its box."""
    kudos_id = as_id(str(request.path_params.get("kudos_id", "")))
    if kudos_id is None:
        raise NotFound("no such kudos")
    return _thread(request, principal, session, kudos_id, error, posted_text(posted, "text"))


@router.get("/kudos/{kudos_id}/comments", response_class=HTMLResponse)
def comments(
    request: Request, kudos_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """A kudos' comment thread (htmx opens it under the card; without it, a page)."""
    return _thread(request, principal, session, kudos_id)


@router.post("/kudos/{kudos_id}/comments", response_class=HTMLResponse)
@refills(_comment_again, fields={})
def add_comment(
    request: Request,
    kudos_id: RowId,
    principal: Staff,
    session: SessionDep,
    posted: PostedForm,
    text: CommentText = "",
) -> Response:
    """Comment under a kudos (refused in the thread, the text kept in its box)."""
    return form_action(
        session,
        lambda: actions.check_comment(session, principal, kudos_id, text, clock=CLOCK),
        done=lambda: (
            _thread(request, principal, session, kudos_id)
            if is_htmx(request)
            else see_other(f"/kudos/{kudos_id}/comments")
        ),
        refused=lambda reason: _comment_again(request, principal, session, posted, reason),
    )


@router.post("/kudos/comments/{comment_id}/delete")
def delete_comment(
    request: Request, comment_id: RowId, principal: Staff, session: SessionDep
) -> Response:
    """Delete a comment I wrote; htmx removes it from the thread."""
    actions.check_delete_comment(session, principal, comment_id, clock=CLOCK)
    session.commit()
    if is_htmx(request):
        return HTMLResponse("")
    return see_other("/kudos")


# --- Badges -------------------------------------------------------------------------------


@router.get("/badges", response_class=HTMLResponse)
def badge_catalogue(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """My badges and how far I am from the next ones, then every badge people can earn,
    gold first, and what it takes."""
    rules = queries.badge_catalogue()
    by_tier = [(tier.value, [b for b in rules if b.tier is tier]) for tier in TIERS]
    linked = principal.person_id is not None
    context = {
        "by_tier": by_tier,
        "linked": linked,
        "mine": queries.badges_of(session, principal, principal.person_id or 0) if linked else [],
        "progress": badge_actions.my_progress(session, principal, CLOCK),
    }
    return render(request, "badges.html", context)


# --- HR: kudos rings ----------------------------------------------------------------------


@router.get("/rings", response_class=HTMLResponse)
def rings(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    status: Literal["suspected", "confirmed", "dismissed"] = "suspected",
) -> HTMLResponse:
    """Kudos rings to review (and those already decided)."""
    context = {
        "rings": queries.ring_reviews(session, principal, status=status),
        "status": status,
        "tabs": RING_TABS,
        "detail": None,
    }
    return render(request, "rings.html", context)


def _ring_page(
    request: Request, principal: Principal, session: Session, ring_id: int, error: str = ""
) -> HTMLResponse:
    context = {
        "detail": queries.ring_detail(session, principal, ring_id),
        "error": error,
        "decided": request.query_params.get("decided", ""),
    }
    return render(request, "rings.html", context, status_code=422 if error else 200)


@router.get("/rings/{ring_id}", response_class=HTMLResponse)
def ring(
    request: Request, ring_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """One ring: members, who thanked whom how often, evidence, history, the decision."""
    return _ring_page(request, principal, session, ring_id)


def _decide(
    request: Request,
    principal: Principal,
    session: Session,
    ring_id: int,
    decision: Literal["confirm", "dismiss"],
    reason: str,
) -> Response:
    return form_action(
        session,
        lambda: check_decide_ring(
            session, principal, ring_id, decision, clock=CLOCK, reason=reason
        ),
        done=f"/rings/{ring_id}?decided={decision}",
        refused=lambda why: _ring_page(request, principal, session, ring_id, why),
    )


@router.post("/rings/{ring_id}/confirm", response_class=HTMLResponse)
def confirm(
    request: Request,
    ring_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    reason: ReasonText = "",
) -> Response:
    """Confirm the ring: its internal kudos stop counting (a reason is required)."""
    return _decide(request, principal, session, ring_id, "confirm", reason)


@router.post("/rings/{ring_id}/dismiss", response_class=HTMLResponse)
def dismiss(
    request: Request,
    ring_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    reason: ReasonText = "",
) -> Response:
    """Dismiss the ring: nothing is discounted (a reason is required)."""
    return _decide(request, principal, session, ring_id, "dismiss", reason)


@router.post("/rings/run")
def run_recognition(principal: PeopleAdmin, session: SessionDep, queue: JobQueueDep) -> Response:
    """Start the recognition pass (rings, lake export, badges) and follow its progress."""
    job = job_actions.check_start_recognition(session, principal, queue)
    session.commit()
    return see_other(f"/jobs/{job.id}")
