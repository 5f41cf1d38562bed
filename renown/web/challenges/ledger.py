"""The prize ledger: what each winner is owed and whether it was paid (fronts
:mod:`renown.challenges.ledger`).

renown moves no money: the sponsor pays in its own system and records the payment's
reference here, once. Members read their own lines, sponsors their challenges' lines, HR
and administrators the organisation's whole ledger; the domain decides which.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.challenges import queries
from renown.challenges.ledger import MAX_REFERENCE, LedgerLine, check_record_payment, ledger_for
from renown.web.challenges import common, present
from renown.web.challenges.common import Posters, SeenChallenge
from renown.web.challenges.shapes import PaymentIn
from renown.web.deps import SessionDep
from renown.web.forms import form_action
from renown.web.json_body import StrictJsonRoute
from renown.web.params import SINGLE_LINE, RowId
from renown.web.policy import SignedIn
from renown.web.render import render

api = APIRouter(prefix="/challenges", tags=["challenges"], route_class=StrictJsonRoute)
pages = APIRouter()


@api.get("/ledger")
def ledger(principal: SignedIn, session: SessionDep) -> list[LedgerLine]:
    """Prizes owed, newest first: your own, your challenges' (sponsors), or all (HR, admins)."""
    return ledger_for(session, principal)


@api.get("/{challenge_id}/ledger")
def challenge_ledger(
    principal: SignedIn, challenge_id: SeenChallenge, session: SessionDep
) -> list[LedgerLine]:
    """One challenge's prizes owed (a member sees only their own)."""
    return ledger_for(session, principal, challenge_id=challenge_id)


@api.post("/ledger/{entry_id}/paid")
def record_payment(
    entry_id: RowId, body: PaymentIn, principal: Posters, session: SessionDep
) -> LedgerLine:
    """Record that a prize was paid, with the payment's reference (once; the challenge's
    sponsor or an administrator)."""
    line = check_record_payment(
        session, principal, entry_id, reference=body.reference, now=common.CLOCK.now()
    )
    session.commit()
    return line


def _ledger_page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lines = ledger_for(session, principal)
    running = {
        s.id
        for s in queries.list_challenges(session, principal, common.CLOCK.now(), mine=True)
        if s.runs
    }
    context: dict[str, Any] = {
        "lines": lines,
        "running": running,
        "money": present.money,
        "when": present.when,
        "ordinal": present.ordinal,
        "max_reference": MAX_REFERENCE,
        "error": error,
        "owed": sum(1 for line in lines if line.paid_at is None),
    }
    return render(request, "challenge_ledger.html", context, status_code=status_code)


@pages.get("/challenges/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """The prize ledger the caller may read; sponsors mark their winners paid here."""
    return _ledger_page(request, principal, session)


@pages.post("/challenges/ledger/{entry_id}/paid")
def record_payment_form(
    request: Request,
    entry_id: RowId,
    principal: Posters,
    session: SessionDep,
    reference: Annotated[str, Form(max_length=MAX_REFERENCE), SINGLE_LINE] = "",
) -> Response:
    """Mark a prize paid with the payment's reference; a refusal shows the ledger again."""
    return form_action(
        session,
        lambda: check_record_payment(
            session, principal, entry_id, reference=reference, now=common.CLOCK.now()
        ),
        done=f"/challenges/ledger?paid={entry_id}",
        refused=lambda reason: _ledger_page(
            request, principal, session, error=reason, status_code=422
        ),
    )
