"""The external prominence pages: a person's networks (link, prove, unlink, refresh,
consent, external scores explained), their public card's settings, the public card itself
(no sign-in, minimal chrome), and HR's list, file of links and refresh.

Every form post goes through :func:`renown.web.forms.form_action`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from authlib.integrations.starlette_client import OAuthError
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.core.errors import FileErrors, InputError, Invalid, RenownError
from renown.external import cards, linking
from renown.external.imports import check_import_links, check_set_bulk_consent
from renown.external.job import enqueue_external_refresh
from renown.external.linking import do_prove_by_oauth
from renown.external.queries import my_networks
from renown.external.scoring import COMBINED
from renown.store.engine import writing
from renown.web.deps import JobQueueDep, SessionDep, SettingsDep, checks_before_writing
from renown.web.external import github_oauth, present
from renown.web.external.api import (
    CLOCK,
    LINK_FILE_SUFFIXES,
    NO_CARD,
    claim,
    oauth_networks,
    prove,
    refresh_everyone,
    refresh_mine,
)
from renown.web.external.roster import roster
from renown.web.external.shapes import MAX_HANDLE, MAX_NETWORK, Slug
from renown.web.forms import form_action, see_other
from renown.web.params import SINGLE_LINE, RowId
from renown.web.policy import PeopleAdmin, Staff, public
from renown.web.render import render
from renown.web.uploads import read_upload

router = APIRouter()
Public = Annotated[Principal | None, public()]
NETWORKS: Final = "/me/networks"
FILE_REFUSALS: Final[tuple[type[RenownError], ...]] = (InputError, Invalid)


def _networks(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str | None = None,
    typed: tuple[str, str] = ("", ""),
    status_code: int = 200,
) -> HTMLResponse:
    settings = request.app.state.settings
    mine = my_networks(session, principal, oauth_networks=oauth_networks(settings))
    combined = next((s for s in mine.scores if s.network == COMBINED), None)
    context: dict[str, Any] = {
        "mine": mine,
        "combined": combined,
        "network_scores": [s for s in mine.scores if s.network != COMBINED],
        "labels": {name: label for name, label, _proofs in mine.networks},
        "instructions": present.instructions,
        "percent": present.percent,
        "engagement": present.engagement,
        "when": present.when,
        "error": error,
        "typed_network": typed[0],
        "typed_handle": typed[1],
        "max_handle": MAX_HANDLE,
    }
    return render(request, "external_networks.html", context, status_code=status_code)


@router.get(NETWORKS, response_class=HTMLResponse)
def networks(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Your linked public accounts, how to prove a pending one, and your external scores."""
    return _networks(request, principal, session)


@router.post(f"{NETWORKS}/link")
def link(
    request: Request,
    principal: Staff,
    session: SessionDep,
    network: Annotated[str, Form(max_length=MAX_NETWORK), SINGLE_LINE],
    handle: Annotated[str, Form(max_length=MAX_HANDLE), SINGLE_LINE],
    consent: Annotated[bool, Form()] = False,
) -> Response:
    """Claim a public account (pending until proven); the page then shows its code."""
    return form_action(
        session,
        lambda: claim(session, principal, network, handle, consent=consent),
        done=f"{NETWORKS}?linked=1",
        refused=lambda reason: _networks(
            request, principal, session, error=reason, typed=(network, handle), status_code=422
        ),
    )


@router.post(NETWORKS + "/{linked_id}/verify")
@checks_before_writing
async def verify_account(
    request: Request,
    linked_id: RowId,
    principal: Staff,
    session: SessionDep,
    settings: SettingsDep,
    queue: JobQueueDep,
) -> Response:
    """Look for the account's code in its public bio or posts; once proven, pull and score.

    The network is read with the request's reading session and the proof recorded in a
    writer's turn afterwards, so no writer waits while a network answers."""
    try:
        await prove(request, session, principal, linked_id, settings, queue)
    except Invalid as refusal:
        session.rollback()
        return await run_in_threadpool(
            _networks, request, principal, session, error=str(refusal), status_code=422
        )
    return see_other(f"{NETWORKS}?verified=1")


@router.post(NETWORKS + "/{linked_id}/unlink")
def unlink(request: Request, linked_id: RowId, principal: Staff, session: SessionDep) -> Response:
    """Unlink an account: it, what was pulled from it and that network's scores go."""

    def act() -> None:
        linking.own_account(session, principal, linked_id)
        linking.check_unlink(session, principal, linked_id, now=CLOCK.now())

    return form_action(
        session,
        act,
        done=f"{NETWORKS}?unlinked=1",
        refused=lambda reason: _networks(
            request, principal, session, error=reason, status_code=422
        ),
    )


@router.post(f"{NETWORKS}/refresh")
def refresh(
    request: Request, principal: Staff, session: SessionDep, queue: JobQueueDep
) -> Response:
    """Pull your proven accounts again and score them."""
    return form_action(
        session,
        lambda: refresh_mine(session, principal, queue),
        done=f"{NETWORKS}?refreshed=1",
        refused=lambda reason: _networks(
            request, principal, session, error=reason, status_code=422
        ),
    )


@router.post(f"{NETWORKS}/consent")
def consent(
    request: Request,
    principal: Staff,
    session: SessionDep,
    allow: Annotated[bool, Form()] = False,
) -> Response:
    """Allow HR to link your public accounts from a file, or take it back."""
    return form_action(
        session,
        lambda: check_set_bulk_consent(session, principal, allow, now=CLOCK.now()),
        done=f"{NETWORKS}?consent={'on' if allow else 'off'}",
        refused=lambda reason: _networks(
            request, principal, session, error=reason, status_code=422
        ),
    )


@router.get(f"{NETWORKS}/github/authorize")
async def github_authorize(request: Request, principal: Staff, settings: SettingsDep) -> Response:
    """Send the browser to GitHub to sign in, then back to the callback (404 when the
    installation has no GitHub OAuth app)."""
    client = github_oauth.oauth_client(request, settings)
    redirect: Response = await client.authorize_redirect(
        request, str(request.url_for("external_github_callback"))
    )
    return redirect


@router.get(f"{NETWORKS}/github/callback", name="external_github_callback")
async def github_callback(
    request: Request,
    principal: Staff,
    session: SessionDep,
    settings: SettingsDep,
    queue: JobQueueDep,
) -> Response:
    """Finish the sign-in: link and prove the GitHub account that signed in, then pull and
    score it (the ``state`` Authlib kept in the session guards this request)."""
    client = github_oauth.oauth_client(request, settings)

    def refused(reason: str) -> HTMLResponse:
        return _networks(request, principal, session, error=reason, status_code=422)

    try:
        token = await client.authorize_access_token(request)
    except OAuthError as error:
        return await run_in_threadpool(
            refused, f"GitHub sign-in failed: {error.description or error.error}"
        )
    access = str(token.get("access_token") or "")
    if not access:
        return await run_in_threadpool(refused, "GitHub sent no access token.")
    try:
        profile = await run_in_threadpool(github_oauth.signed_in_profile, settings, access)
    except Invalid as refusal:
        return await run_in_threadpool(refused, str(refusal))

    def prove() -> None:
        account = do_prove_by_oauth(
            session,
            principal,
            github_oauth.NETWORK,
            profile.handle,
            profile,
            access,
            key=settings.connector_secret(),
            now=CLOCK.now(),
        )
        enqueue_external_refresh(session, principal, queue, person_id=account.person_id)

    def link() -> Response:
        session.rollback()  # the policy read on a reader's snapshot; linking writes
        writing(session)
        return form_action(session, prove, done=f"{NETWORKS}?verified=1", refused=refused)

    return await run_in_threadpool(link)


def _card_settings(
    request: Request, principal: Principal, session: Session, *, error: str | None = None
) -> HTMLResponse:
    settings = cards.card_settings(session, principal)
    context: dict[str, Any] = {
        "card": settings,
        "choices": present.CARD_CHOICES,
        "address": str(request.url_for("public_card_page", slug=settings.slug))
        if settings.slug
        else None,
        "error": error,
    }
    return render(request, "external_card_settings.html", context, 422 if error else 200)


@router.get("/me/card", response_class=HTMLResponse)
def card_settings(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Your public card: whether it is on, its address, and what it shows."""
    return _card_settings(request, principal, session)


@router.post("/me/card")
def set_card(
    request: Request,
    principal: Staff,
    session: SessionDep,
    enabled: Annotated[bool, Form()] = False,
    show_internal: Annotated[bool, Form()] = False,
    show_external: Annotated[bool, Form()] = False,
    show_networks: Annotated[bool, Form()] = False,
    show_badges: Annotated[bool, Form()] = False,
    show_challenges: Annotated[bool, Form()] = False,
    new_address: Annotated[bool, Form()] = False,
) -> Response:
    """Turn your card on or off, choose what it shows, or give it a new address."""
    shown = {
        "show_internal": show_internal,
        "show_external": show_external,
        "show_networks": show_networks,
        "show_badges": show_badges,
        "show_challenges": show_challenges,
    }
    return form_action(
        session,
        lambda: cards.check_update_card(
            session,
            principal,
            enabled=enabled,
            shown=shown,
            new_address=new_address,
            now=CLOCK.now(),
        ),
        done="/me/card?saved=1",
        refused=lambda reason: _card_settings(request, principal, session, error=reason),
    )


@router.get("/card/{slug}", response_class=HTMLResponse, name="public_card_page")
def public_card(request: Request, slug: Slug, principal: Public, session: SessionDep) -> Response:
    """A person's public card: only what they chose to show (404 when off or unknown)."""
    view = cards.public_card(session, slug)
    if view is None:
        return render(request, "error.html", {"status": 404, "detail": NO_CARD}, status_code=404)
    response = render(request, "external_card.html", {"view": view})
    response.headers["Cache-Control"] = "no-store"  # turning the card off takes effect at once
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _people(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str | None = None,
    problems: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "roster": roster(session, principal),
        "error": error,
        "problems": problems or [],
        "accept": ",".join(sorted(LINK_FILE_SUFFIXES)),
    }
    return render(request, "external_people.html", context, status_code=status_code)


@router.get("/people/external", response_class=HTMLResponse)
def people(request: Request, principal: PeopleAdmin, session: SessionDep) -> HTMLResponse:
    """HR: who linked which accounts and their combined external score; the file of links."""
    return _people(request, principal, session)


def _located(problem: InputError) -> str:
    where = [f"line {problem.line}"] if problem.line is not None else []
    if problem.field is not None:
        where.append(f"column {problem.field!r}")
    return (", ".join(where) + ": " if where else "") + problem.message


@router.post("/people/external/import")
async def import_links(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Link the accounts of HR's CSV (``person,network,handle``) for people who allowed it;
    a refused file lists every problem with its line and column and adds nothing."""
    try:
        data, name = await read_upload(file, allowed_suffixes=LINK_FILE_SUFFIXES)
    except InputError as error:
        return _people(request, principal, session, error=str(error), status_code=400)
    done: list[str] = []
    refusal: list[RenownError] = []

    def act() -> None:
        try:
            added = check_import_links(session, principal, data, source=name, now=CLOCK.now())
        except FILE_REFUSALS as error:
            refusal.append(error)
            raise
        done.append(f"added={added.added}&unchanged={added.unchanged}")

    def refused(reason: str) -> Response:
        error = refusal[0] if refusal else None
        if isinstance(error, FileErrors):
            more = "+" if error.truncated else ""
            head = f"{error.source}: {len(error.problems)}{more} problem(s); nothing was linked."
            listing = [_located(p) for p in error.problems]
            return _people(
                request, principal, session, error=head, problems=listing, status_code=400
            )
        status_code = 400 if isinstance(error, InputError) else 422
        return _people(request, principal, session, error=reason, status_code=status_code)

    return await run_in_threadpool(
        form_action,
        session,
        act,
        done=lambda: see_other(f"/people/external?{done[0]}"),
        refused=refused,
        refusals=FILE_REFUSALS,
    )


@router.post("/people/external/refresh")
def refresh_all(
    request: Request, principal: PeopleAdmin, session: SessionDep, queue: JobQueueDep
) -> Response:
    """HR: pull every proven account of the organisation again, then score."""
    return form_action(
        session,
        lambda: refresh_everyone(session, principal, queue),
        done="/people/external?refreshed=1",
        refused=lambda reason: _people(request, principal, session, error=reason, status_code=422),
    )
