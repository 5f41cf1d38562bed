"""Bias audits of a promotion round and of the prominence score: JSON, page, CSV and PDF.

The four renderings of an audit come from one
:class:`~renown.talent.report.BiasAuditReport`, so they state the same numbers; the
formatting helpers of the PDF are reused on the page for the same reason. Generating one
reads protected attributes and is logged by the domain: each request reads as a reader and
writes that entry afterwards in a short write transaction of its own. Audits only ever
report aggregates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.fairness.rates import DEFAULT_SMALL_GROUPS
from renown.talent import audits
from renown.talent.report import UNKNOWN_CATEGORY, AuditSection, BiasAuditReport
from renown.talent.report_csv import report_csv, suppressed_names
from renown.talent.report_pdf import format_p, format_rate, format_ratio, report_pdf
from renown.web.deps import SessionDep, read_then_record
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import PeopleAdmin
from renown.web.render import render
from renown.web.talent.present_audit import audit_summary, impact_chart
from renown.web.talent.rounds import CLOCK

api = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
pages = APIRouter()
Audit = Callable[[Session, Principal], BiasAuditReport]
CSV_ANSWER: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "The report as CSV", "content": {"text/csv": {}}}
}
PDF_ANSWER: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "The report as a printable PDF", "content": {"application/pdf": {}}}
}


def _produce(
    request: Request, session: Session, principal: Principal, audit: Audit
) -> BiasAuditReport:
    """Run ``audit`` as a reader, then write the log entry it makes in a write transaction
    of its own (:func:`renown.web.deps.read_then_record`); the CSV or PDF is drawn after."""
    return read_then_record(request, session, lambda: audit(session, principal))


def _round(round_id: int) -> Audit:
    def audit(session: Session, principal: Principal) -> BiasAuditReport:
        return audits.round_audit(session, principal, round_id, now=CLOCK.now())

    return audit


def _prominence(session: Session, principal: Principal) -> BiasAuditReport:
    return audits.prominence_audit(session, principal, now=CLOCK.now())


def _csv(report: BiasAuditReport, name: str, media_type: str = "text/csv") -> Response:
    return Response(
        report_csv(report),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _pdf(report: BiasAuditReport, name: str, disposition: str = "attachment") -> Response:
    return Response(
        report_pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{name}.pdf"'},
    )


# --- JSON ---------------------------------------------------------------------------------


@api.get("/talent/rounds/{round_id}/audit")
def round_audit(
    request: Request, round_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> BiasAuditReport:
    """The round's bias audit: selection rates (the decision once signed off, else the
    recommended top N), scoring rates of the composite and of prominence, by sex,
    race/ethnicity and their intersections, age band and disability."""
    return _produce(request, session, principal, _round(round_id))


@api.get("/talent/rounds/{round_id}/audit.csv", response_class=Response, responses=CSV_ANSWER)
def round_audit_csv(
    request: Request, round_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """The round's bias audit as CSV (a ``#`` header block, then one table)."""
    return _csv(
        _produce(request, session, principal, _round(round_id)), f"bias-audit-round-{round_id}"
    )


@api.get("/talent/rounds/{round_id}/audit.pdf", response_class=Response, responses=PDF_ANSWER)
def round_audit_pdf(
    request: Request, round_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """The round's bias audit as a printable PDF."""
    return _pdf(
        _produce(request, session, principal, _round(round_id)), f"bias-audit-round-{round_id}"
    )


@api.get("/talent/audit/prominence")
def prominence_audit(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> BiasAuditReport:
    """Does counting prominence disadvantage a group? The latest scoring run audited: the
    top decile selected, the prominence score as the score (422 before any run)."""
    return _produce(request, session, principal, _prominence)


@api.get("/talent/audit/prominence.csv", response_class=Response, responses=CSV_ANSWER)
def prominence_audit_csv(request: Request, principal: PeopleAdmin, session: SessionDep) -> Response:
    """The prominence audit as CSV."""
    return _csv(_produce(request, session, principal, _prominence), "bias-audit-prominence")


@api.get("/talent/audit/prominence.pdf", response_class=Response, responses=PDF_ANSWER)
def prominence_audit_pdf(request: Request, principal: PeopleAdmin, session: SessionDep) -> Response:
    """The prominence audit as a printable PDF."""
    return _pdf(_produce(request, session, principal, _prominence), "bias-audit-prominence")


# --- Pages --------------------------------------------------------------------------------


def _reference(section: AuditSection) -> tuple[str, int] | None:
    """The category the section's ratios and p-values compare against, and its size."""
    return next(((row.category, row.n) for row in section.rows if row.reference), None)


def _audit_page(
    request: Request,
    principal: Principal,
    session: Session,
    audit: Audit,
    *,
    base: str,
    back: tuple[str, str],
) -> HTMLResponse:
    """The audit at ``base`` (its CSV and PDF beside it) and a link ``back`` (href, text)."""
    context: dict[str, Any] = {
        "links": {
            "csv": f"{base}.csv",
            "pdf": f"{base}.pdf",
            "back": back[0],
            "back_text": back[1],
        },
        "unknown_label": UNKNOWN_CATEGORY,
        "format_rate": format_rate,
        "format_ratio": format_ratio,
        "format_p": format_p,
        "reference_of": _reference,
        "suppressed_names": suppressed_names,
        "min_cell": DEFAULT_SMALL_GROUPS.min_count,
    }
    try:
        report = _produce(request, session, principal, audit)
    except Invalid as missing:
        session.rollback()
        context |= {"report": None, "unavailable": str(missing)}
    else:
        context |= {
            "report": report,
            "summary": audit_summary(report),
            "chart_spec": impact_chart(report),
        }
    return render(request, "talent_audit.html", context)


@pages.get("/talent/rounds/{round_id}/audit", response_class=HTMLResponse)
def round_audit_page(
    request: Request, round_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """The round's bias audit in the form of a NYC Local Law 144 audit."""
    round_page = f"/talent/rounds/{round_id}"
    return _audit_page(
        request,
        principal,
        session,
        _round(round_id),
        base=f"{round_page}/audit",
        back=(round_page, "Back to the round"),
    )


@pages.get("/talent/rounds/{round_id}/audit.csv")
def round_audit_csv_page(
    request: Request, round_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """The round's bias audit as CSV (a ``#`` header block, then one table)."""
    report = _produce(request, session, principal, _round(round_id))
    return _csv(report, f"bias-audit-round-{round_id}", "text/csv; charset=utf-8")


@pages.get("/talent/rounds/{round_id}/audit.pdf")
def round_audit_pdf_page(
    request: Request, round_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """The round's bias audit as a printable PDF."""
    return _pdf(
        _produce(request, session, principal, _round(round_id)),
        f"bias-audit-round-{round_id}",
        "inline",
    )


@pages.get("/talent/audit/prominence", response_class=HTMLResponse)
def prominence_audit_page(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """Does counting prominence disadvantage a group? The latest scoring run, audited."""
    return _audit_page(
        request,
        principal,
        session,
        _prominence,
        base="/talent/audit/prominence",
        back=("/talent", "Back to promotions"),
    )


@pages.get("/talent/audit/prominence.csv")
def prominence_audit_csv_page(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """The prominence audit as CSV."""
    report = _produce(request, session, principal, _prominence)
    return _csv(report, "bias-audit-prominence", "text/csv; charset=utf-8")


@pages.get("/talent/audit/prominence.pdf")
def prominence_audit_pdf_page(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """The prominence audit as a printable PDF."""
    return _pdf(
        _produce(request, session, principal, _prominence), "bias-audit-prominence", "inline"
    )
