"""The external prominence API: your linked accounts, their proof and your external scores,
your public card, anyone's card by its address, and HR's file of links and refresh.

Proving an account reads its public profile through the network's API (or the recorded
exchanges of ``RENOWN_CONNECTORS_REPLAY``); once proven, a refresh of the person's accounts
is queued so that their external score appears.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final

from fastapi import APIRouter, File, HTTPException, Request, Response, UploadFile, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import Invalid, NotAllowed
from renown.external import cards, linking
from renown.external.imports import check_import_links, check_set_bulk_consent
from renown.external.job import enqueue_external_refresh
from renown.external.queries import linked_accounts, my_networks
from renown.external.results import ImportedLinks, LinkedAccount, MyNetworks
from renown.external.transport import connector_transport
from renown.jobs.queue import JobQueue
from renown.org.access import own_person
from renown.settings import Settings
from renown.store.tables.jobs import Job
from renown.web.deps import (
    JobQueueDep,
    SessionDep,
    SettingsDep,
    checks_before_writing,
    record_in_turn,
)
from renown.web.external.shapes import CardIn, ConsentIn, LinkIn, Slug
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import PeopleAdmin, Staff, public
from renown.web.shapes import JobOut
from renown.web.uploads import read_upload

router = APIRouter(tags=["external"], route_class=StrictJsonRoute)
CLOCK: Final = SystemClock()
LINK_FILE_SUFFIXES: Final = {".csv", ".tsv", ".txt"}
CONSENT_NEEDED: Final = (
    "Tick that the account is yours and that renown may read its public activity."
)
NO_CARD: Final = "No such card."


def oauth_networks(settings: Settings) -> tuple[str, ...]:
    """Networks whose sign-in this installation has set up (GitHub's OAuth app)."""
    return ("github",) if settings.github_client_id and settings.github_client_secret else ()


def account_view(session: Session, principal: Principal, account_id: int) -> LinkedAccount:
    """The principal's own linked account as its owner sees it (404 for anyone else's)."""
    account = linking.own_account(session, principal, account_id)
    views = linked_accounts(session, account.person_id, owner=True)
    return next(view for view in views if view.id == account_id)


def claim(
    session: Session, principal: Principal, network: str, handle: str, *, consent: bool
) -> int:
    """Claim ``handle`` on ``network`` for the principal's person (consent required)."""
    if not consent:
        raise Invalid(CONSENT_NEEDED)
    return int(linking.check_claim(session, principal, network, handle, now=CLOCK.now()).id)


def read_proof(
    session: Session, principal: Principal, account_id: int, settings: Settings
) -> linking.Proof | None:
    """Read the account's public profile for its code (no write: the network may be slow)."""
    return linking.check_read_proof(
        session, principal, account_id, transport=connector_transport(settings)
    )


def record_proof(
    principal: Principal, proof: linking.Proof, queue: JobQueue
) -> Callable[[Session], None]:
    """The write step of a proof, for :func:`renown.web.deps.record_in_turn`: record it and
    queue a refresh of the person's accounts so that their external score appears."""

    def record(session: Session) -> None:
        account = linking.do_record_proof(session, principal, proof, now=CLOCK.now())
        enqueue_external_refresh(session, principal, queue, person_id=account.person_id)
        session.commit()

    return record


async def prove(
    request: Request,
    session: Session,
    principal: Principal,
    account_id: int,
    settings: Settings,
    queue: JobQueue,
) -> None:
    """Read the proof with the request's reading session, then record it in a writer's
    turn: no writer of the process waits while a network answers."""
    proof = await run_in_threadpool(read_proof, session, principal, account_id, settings)
    session.rollback()
    if proof is not None:
        await record_in_turn(request, record_proof(principal, proof, queue))


def refresh_mine(session: Session, principal: Principal, queue: JobQueue) -> Job:
    """Queue a pull and scoring of the principal's own accounts."""
    person = own_person(session, principal)
    if person is None:
        raise NotAllowed("Only the organisation's people have linked accounts.")
    return enqueue_external_refresh(session, principal, queue, person_id=person.id)


def refresh_everyone(session: Session, principal: Principal, queue: JobQueue) -> Job:
    """Queue a pull of every proven account of the organisation, then scoring (HR)."""
    principal.require_people_admin("Only HR and administrators refresh everyone's accounts.")
    return enqueue_external_refresh(session, principal, queue, person_id=None)


def job_out(session: Session, job: Job) -> JobOut:
    """The job as it stands after the commit (a job run at once is already done)."""
    session.refresh(job)
    return JobOut.model_validate(job)


@router.get("/me/external")
def mine(principal: Staff, session: SessionDep, settings: SettingsDep) -> MyNetworks:
    """Your linked accounts (with the code to place while one is pending), whether HR may
    link accounts for you, and your latest external scores (combined first)."""
    return my_networks(session, principal, oauth_networks=oauth_networks(settings))


@router.post("/me/external/accounts", status_code=status.HTTP_201_CREATED)
def link(body: LinkIn, principal: Staff, session: SessionDep) -> LinkedAccount:
    """Claim a public account: it is pending until proven (its code goes in the account's
    bio or a public post, then verify). ``consent`` must be true."""
    account_id = claim(session, principal, body.network, body.handle, consent=body.consent)
    answer = account_view(session, principal, account_id)
    session.commit()
    return answer


@router.post("/me/external/accounts/{linked_id}/verify")
@checks_before_writing
async def verify_account(
    request: Request,
    linked_id: RowId,
    principal: Staff,
    session: SessionDep,
    settings: SettingsDep,
    queue: JobQueueDep,
) -> LinkedAccount:
    """Prove a pending account by finding its code in the public bio or a recent public
    post (422 saying where it was looked for); then its activity is pulled and scored."""
    await prove(request, session, principal, linked_id, settings, queue)
    return await run_in_threadpool(account_view, session, principal, linked_id)


@router.delete("/me/external/accounts/{linked_id}", status_code=status.HTTP_204_NO_CONTENT)
def unlink(linked_id: RowId, principal: Staff, session: SessionDep) -> None:
    """Unlink an account: it, everything pulled from it and that network's scores go."""
    linking.own_account(session, principal, linked_id)
    linking.check_unlink(session, principal, linked_id, now=CLOCK.now())
    session.commit()


@router.post("/me/external/refresh", status_code=status.HTTP_202_ACCEPTED)
def refresh(principal: Staff, session: SessionDep, queue: JobQueueDep) -> JobOut:
    """Pull your proven accounts again and score (in the background)."""
    job = refresh_mine(session, principal, queue)
    session.commit()
    return job_out(session, job)


@router.put("/me/external/consent")
def consent(
    body: ConsentIn, principal: Staff, session: SessionDep, settings: SettingsDep
) -> MyNetworks:
    """Allow HR to link your public accounts from a file, or take it back."""
    check_set_bulk_consent(session, principal, body.allow, now=CLOCK.now())
    answer = my_networks(session, principal, oauth_networks=oauth_networks(settings))
    session.commit()
    return answer


@router.get("/me/card")
def card(principal: Staff, session: SessionDep) -> cards.CardSettings:
    """Your public card's settings (a card never turned on is off and has no address)."""
    return cards.card_settings(session, principal)


@router.put("/me/card")
def set_card(body: CardIn, principal: Staff, session: SessionDep) -> cards.CardSettings:
    """Turn your public card on or off, choose what it shows, or give it a new address."""
    answer = cards.check_update_card(
        session,
        principal,
        enabled=body.enabled,
        shown=body.shown(),
        new_address=body.new_address,
        now=CLOCK.now(),
    )
    session.commit()
    return answer


@router.get("/cards/{slug}", dependencies=[public()])
def public_card(slug: Slug, session: SessionDep, response: Response) -> cards.CardView:
    """A public card as anyone sees it: only what its person chose to show (404 when it
    is off or there is no such card). Never cached, so turning it off takes effect at once."""
    view = cards.public_card(session, slug)
    if view is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NO_CARD)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return view


@router.post("/external/links")
async def import_links(
    principal: PeopleAdmin,
    session: SessionDep,
    file: Annotated[
        UploadFile,
        File(description="CSV with columns person (employee id or e-mail), network, handle"),
    ],
) -> ImportedLinks:
    """Link the accounts of a file, for people who allowed it; a file with any problem
    adds nothing and is a 400 listing every problem by line and column. The same file
    twice adds nothing."""
    data, name = await read_upload(file, allowed_suffixes=LINK_FILE_SUFFIXES)

    def accept() -> ImportedLinks:
        answer = check_import_links(session, principal, data, source=name, now=CLOCK.now())
        session.commit()
        return answer

    return await run_in_threadpool(accept)


@router.post("/external/refresh", status_code=status.HTTP_202_ACCEPTED)
def refresh_all(principal: PeopleAdmin, session: SessionDep, queue: JobQueueDep) -> JobOut:
    """Pull every proven account of the organisation again, then score (HR, admins)."""
    job = refresh_everyone(session, principal, queue)
    session.commit()
    return job_out(session, job)
