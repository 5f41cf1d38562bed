"""Bias-audit reports (a round's, and the prominence score's) and HR's talent data imports.

The audit page, its CSV and its PDF render one :class:`~renown.talent.report.BiasAuditReport`,
so the three always state the same numbers; the formatting helpers of the PDF are reused
on the page for the same reason. Generating a report reads protected attributes and is
logged by the domain, so each request writes that entry in a transaction of its own.

The import forms take the talent records and the demographics files; a refused file is
shown with every problem the parser found, each naming the file, the line and the column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import InputError, Invalid
from renown.core.roles import PEOPLE_ADMIN_ROLES
from renown.fairness.rates import DEFAULT_SMALL_GROUPS
from renown.talent import audits, imports
from renown.talent.demographics import PREFER_NOT_TO_SAY, VOCABULARIES
from renown.talent.records import DEMOGRAPHICS_COLUMNS, TALENT_COLUMNS, RecordErrors
from renown.talent.report import UNKNOWN_CATEGORY, AuditSection, BiasAuditReport
from renown.talent.report_csv import report_csv, suppressed_names
from renown.talent.report_pdf import format_p, format_rate, format_ratio, report_pdf
from renown.web.deps import SessionDep
from renown.web.params import RowId
from renown.web.policy import allow
from renown.web.render import render
from renown.web.uploads import read_upload

router = APIRouter()
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
CLOCK: Final = SystemClock()
Audit = Callable[[Session, Principal], BiasAuditReport]


def _reference(section: AuditSection) -> tuple[str, int] | None:
    """The category the section's ratios and p-values compare against, and its size."""
    return next(((row.category, row.n) for row in section.rows if row.reference), None)


def _produce(session: Session, principal: Principal, audit: Audit) -> BiasAuditReport:
    """Run ``audit`` in a fresh transaction and keep the log entry it writes.

    The request's read snapshot is dropped first: SQLite cannot turn an old read into a
    write once another writer has committed since.
    """
    session.rollback()
    report = audit(session, principal)
    session.commit()
    return report


def _audit_page(
    request: Request,
    principal: Principal,
    session: Session,
    audit: Audit,
    *,
    links: dict[str, str],
) -> HTMLResponse:
    context: dict[str, Any] = {
        "links": links,
        "unknown_label": UNKNOWN_CATEGORY,
        "format_rate": format_rate,
        "format_ratio": format_ratio,
        "format_p": format_p,
        "reference_of": _reference,
        "suppressed_names": suppressed_names,
        "min_cell": DEFAULT_SMALL_GROUPS.min_count,
    }
    try:
        context["report"] = _produce(session, principal, audit)
    except Invalid as missing:
        session.rollback()
        context |= {"report": None, "unavailable": str(missing)}
    return render(request, "talent_audit.html", context)


def _download(
    session: Session, principal: Principal, audit: Audit, name: str, kind: str
) -> Response:
    report = _produce(session, principal, audit)
    if kind == "csv":
        return Response(
            report_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        report_pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


def _round(round_id: int) -> Audit:
    def audit(session: Session, principal: Principal) -> BiasAuditReport:
        return audits.round_audit(session, principal, round_id, now=CLOCK.now())

    return audit


def _prominence(session: Session, principal: Principal) -> BiasAuditReport:
    return audits.prominence_audit(session, principal, now=CLOCK.now())


# --- A round's bias audit -----------------------------------------------------------------


@router.get("/talent/rounds/{round_id}/audit", response_class=HTMLResponse)
def round_audit_page(
    request: Request, round_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """The round's bias audit in the form of a NYC Local Law 144 audit."""
    base = f"/talent/rounds/{round_id}"
    links = {
        "csv": f"{base}/audit.csv",
        "pdf": f"{base}/audit.pdf",
        "back": base,
        "back_text": "Back to the round",
    }
    return _audit_page(request, principal, session, _round(round_id), links=links)


@router.get("/talent/rounds/{round_id}/audit.csv")
def round_audit_csv(round_id: RowId, principal: PeopleAdmin, session: SessionDep) -> Response:
    """The round's bias audit as CSV (a ``#`` header block, then one table)."""
    return _download(session, principal, _round(round_id), f"bias-audit-round-{round_id}", "csv")


@router.get("/talent/rounds/{round_id}/audit.pdf")
def round_audit_pdf(round_id: RowId, principal: PeopleAdmin, session: SessionDep) -> Response:
    """The round's bias audit as a printable PDF."""
    return _download(session, principal, _round(round_id), f"bias-audit-round-{round_id}", "pdf")


# --- The prominence score's bias audit ----------------------------------------------------


@router.get("/talent/audit/prominence", response_class=HTMLResponse)
def prominence_audit_page(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """Does counting prominence disadvantage a group? The latest scoring run, audited."""
    links = {
        "csv": "/talent/audit/prominence.csv",
        "pdf": "/talent/audit/prominence.pdf",
        "back": "/talent",
        "back_text": "Back to promotions",
    }
    return _audit_page(request, principal, session, _prominence, links=links)


@router.get("/talent/audit/prominence.csv")
def prominence_audit_csv(principal: PeopleAdmin, session: SessionDep) -> Response:
    """The prominence audit as CSV."""
    return _download(session, principal, _prominence, "bias-audit-prominence", "csv")


@router.get("/talent/audit/prominence.pdf")
def prominence_audit_pdf(principal: PeopleAdmin, session: SessionDep) -> Response:
    """The prominence audit as a printable PDF."""
    return _download(session, principal, _prominence, "bias-audit-prominence", "pdf")


# --- Talent records and demographics imports ----------------------------------------------


def _imports_page(
    request: Request,
    *,
    summary: imports.ImportSummary | None = None,
    kind: str = "",
    problems: list[str] | None = None,
) -> HTMLResponse:
    context = {
        "talent_columns": TALENT_COLUMNS,
        "demographics_columns": DEMOGRAPHICS_COLUMNS,
        "vocabularies": VOCABULARIES,
        "prefer_not_to_say": PREFER_NOT_TO_SAY,
        "summary": summary,
        "kind": kind,
        "problems": problems or [],
    }
    return render(request, "talent_imports.html", context, status_code=422 if problems else 200)


def _problems(error: InputError) -> list[str]:
    """Each problem on its own line, naming file, line and column."""
    if isinstance(error, RecordErrors):
        listed = [str(problem) for problem in error.problems]
        return listed + (["… and more: fix these and upload again."] if error.truncated else [])
    return [str(error)]


Importer = Callable[..., imports.ImportSummary]


async def _import(
    request: Request,
    principal: Principal,
    session: Session,
    file: UploadFile,
    importer: Importer,
    kind: str,
) -> HTMLResponse:
    try:
        data, name = await read_upload(file, allowed_suffixes={".csv"})
        summary = await run_in_threadpool(_store, session, principal, importer, data, name)
    except InputError as refused:
        return _imports_page(request, kind=kind, problems=_problems(refused))
    return _imports_page(request, summary=summary, kind=kind)


def _store(
    session: Session, principal: Principal, importer: Importer, data: bytes, name: str
) -> imports.ImportSummary:
    try:
        summary = importer(session, principal, data, name, clock=CLOCK)
    except InputError:
        session.rollback()
        raise
    session.commit()
    return summary


@router.get("/talent/imports", response_class=HTMLResponse)
def imports_page(request: Request, principal: PeopleAdmin) -> HTMLResponse:
    """Upload forms for the talent records and demographics files, with their columns."""
    return _imports_page(request)


@router.post("/talent/imports/records", response_class=HTMLResponse)
async def import_records(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import performance ratings, career facts and external observations."""
    return await _import(
        request, principal, session, file, imports.check_import_talent_records, "records"
    )


@router.post("/talent/imports/demographics", response_class=HTMLResponse)
async def import_demographics(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import self-reported demographic answers collected outside renown."""
    return await _import(
        request, principal, session, file, imports.check_import_demographics, "demographics"
    )
