"""Bias audits of rounds and of the prominence score (JSON, CSV and PDF), the imports of
HR's talent records and demographics files, and the caller's own demographic answers.

The three renderings of an audit come from one
:class:`~renown.talent.report.BiasAuditReport`, so they state the same numbers. Generating
one reads protected attributes and is logged by the domain, so each request writes that
entry in a transaction of its own. Demographic answers are only ever the caller's own:
no route takes a person id for them, and audits only ever report aggregates.

Imports take the CSV as the request body (``text/csv``) or as the ``file`` of a multipart
form; a file that cannot be read is a 400 naming the file, line and column of every
problem (like the org chart's import), and nothing is stored.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Request, Response, UploadFile, status
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as FormFile

from renown.accounts.principal import Principal
from renown.core.errors import InputError, NotAllowed, NotFound
from renown.talent import audits, demographics, imports
from renown.talent.report import AuditSection, BiasAuditReport
from renown.talent.report_csv import report_csv
from renown.talent.report_pdf import report_pdf
from renown.web.api.talent import CLOCK, PeopleAdmin, Staff
from renown.web.api.talent_schemas import finite
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import SINGLE_LINE, RowId
from renown.web.uploads import read_upload

router = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
Audit = Callable[[Session, Principal], BiasAuditReport]
Importer = Callable[[Session, Principal, bytes, str], imports.ImportSummary]
CSV_ANSWER: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "The report as CSV", "content": {"text/csv": {}}}
}
PDF_ANSWER: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "The report as a printable PDF", "content": {"application/pdf": {}}}
}
CSV_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}
"""Imports read the body themselves (either form), so the document states both."""
NO_PERSON = "no demographic answers here: this account is not linked to a person"


# --- What clients send and the server answers ---------------------------------------------


Answer = Annotated[str, StringConstraints(max_length=64), SINGLE_LINE]


class DemographicsIn(BaseModel):
    """The caller's own answers, all optional: null or "prefer not to say" means unknown.

    Values are matched ignoring case (see ``allowed`` in the answer for the lists).
    """

    sex: Answer | None = None
    race_ethnicity: Answer | None = None
    age_band: Answer | None = None
    disability: Answer | None = None


class TalentImportOut(BaseModel):
    """What an import stored (a line can add a rating, a profile and an observation)."""

    added: int
    updated: int
    unchanged: int
    source: str


class MyDemographicsOut(BaseModel):
    """The caller's own answers (null: not answered or prefer not to say)."""

    sex: str | None
    race_ethnicity: str | None
    age_band: str | None
    disability: str | None
    updated_at: datetime | None
    allowed: dict[str, list[str]] = Field(description="Each question's answers")


class AuditMetaOut(BaseModel):
    """What was audited, on which data and when."""

    title: str
    organisation: str
    subject: str
    selection_label: str
    score_label: str
    data_source: str
    period_start: date
    period_end: date
    generated_at: datetime
    external_weighted: bool
    notes: list[str]


class AuditRowOut(BaseModel):
    """One known category: its rate, impact ratio against the most favoured, and tests."""

    category: str
    n: int
    n_favourable: int
    rate: float | None
    impact_ratio: float | None
    four_fifths_flag: bool | None = Field(description="Impact ratio below 0.8")
    small: bool = Field(description="Too small to compare (listed in ``excluded``)")
    reference: bool
    fisher_p: float | None
    z: float | None
    z_p: float | None


class ExcludedCategoryOut(BaseModel):
    category: str
    n: int
    reason: str


class SuppressedCategoriesOut(BaseModel):
    """A section's unpublished categories, merged: only their people together."""

    categories: list[str] = Field(description="Their names (empty: not even named)")
    n: int
    n_favourable: int
    with_unknown: bool = Field(description="The unknowns are merged in too")
    reason: str


class AuditSectionOut(BaseModel):
    """One measure (selection, scoring or prominence rates) against one dimension."""

    key: str
    heading: str
    measure: str
    dimension: str
    rows: list[AuditRowOut] = Field(description="The published categories")
    unknown: int | None = Field(
        description="People whose category is unknown (never compared); null when merged "
        "into ``suppressed``"
    )
    excluded: list[ExcludedCategoryOut]
    flagged: list[str]
    notes: list[str]
    suppressed: SuppressedCategoriesOut | None = Field(
        description="Categories too small to publish (and those held back with them)"
    )


class BiasAuditOut(BaseModel):
    """A bias audit in the form of a NYC Local Law 144 audit (aggregates only)."""

    meta: AuditMetaOut
    pool_size: int
    selected: int
    sections: list[AuditSectionOut]
    warnings: list[str]


def _section_out(section: AuditSection) -> AuditSectionOut:
    return AuditSectionOut(
        key=section.key,
        heading=section.heading,
        measure=section.measure,
        dimension=section.dimension,
        rows=[
            AuditRowOut(
                category=row.category,
                n=row.n,
                n_favourable=row.n_favourable,
                rate=finite(row.rate),
                impact_ratio=finite(row.impact_ratio),
                four_fifths_flag=row.four_fifths_flag,
                small=row.small,
                reference=row.reference,
                fisher_p=finite(row.fisher_p),
                z=finite(row.z),
                z_p=finite(row.z_p),
            )
            for row in section.rows
        ],
        unknown=section.unknown,
        excluded=[
            ExcludedCategoryOut(category=e.category, n=e.n, reason=e.reason)
            for e in section.excluded
        ],
        flagged=list(section.flagged),
        notes=list(section.notes),
        suppressed=None
        if section.suppressed is None
        else SuppressedCategoriesOut(
            categories=list(section.suppressed.categories),
            n=section.suppressed.n,
            n_favourable=section.suppressed.n_favourable,
            with_unknown=section.suppressed.with_unknown,
            reason=section.suppressed.reason,
        ),
    )


def audit_out(report: BiasAuditReport) -> BiasAuditOut:
    meta = report.meta
    return BiasAuditOut(
        meta=AuditMetaOut(
            title=meta.title,
            organisation=meta.organisation,
            subject=meta.subject,
            selection_label=meta.selection_label,
            score_label=meta.score_label,
            data_source=meta.data_source,
            period_start=meta.period_start,
            period_end=meta.period_end,
            generated_at=meta.generated_at,
            external_weighted=meta.external_weighted,
            notes=list(meta.notes),
        ),
        pool_size=report.pool_size,
        selected=report.selected,
        sections=[_section_out(s) for s in report.sections],
        warnings=list(report.warnings),
    )


def _my_answers(found: demographics.MyDemographics) -> MyDemographicsOut:
    return MyDemographicsOut(
        sex=found.sex,
        race_ethnicity=found.race_ethnicity,
        age_band=found.age_band,
        disability=found.disability,
        updated_at=found.updated_at,
        allowed={field: list(values) for field, values in demographics.VOCABULARIES.items()},
    )


# --- Bias audits --------------------------------------------------------------------------


def _produce(session: Session, principal: Principal, audit: Audit) -> BiasAuditReport:
    """Run ``audit`` in a fresh transaction and keep the log entry it writes.

    The request's read snapshot is dropped first: SQLite cannot turn an old read into a
    write once another writer has committed since.
    """
    session.rollback()
    report = audit(session, principal)
    session.commit()
    return report


def _round(round_id: int) -> Audit:
    return lambda session, principal: audits.round_audit(
        session, principal, round_id, now=CLOCK.now()
    )


def _prominence(session: Session, principal: Principal) -> BiasAuditReport:
    return audits.prominence_audit(session, principal, now=CLOCK.now())


def _file(content: str | bytes, media_type: str, name: str) -> Response:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/talent/rounds/{round_id}/audit")
def round_audit(round_id: RowId, principal: PeopleAdmin, session: SessionDep) -> BiasAuditOut:
    """The round's bias audit: selection rates (the decision once signed off, else the
    recommended top N), scoring rates of the composite and of prominence, by sex,
    race/ethnicity and their intersections, age band and disability."""
    return audit_out(_produce(session, principal, _round(round_id)))


@router.get("/talent/rounds/{round_id}/audit.csv", response_class=Response, responses=CSV_ANSWER)
def round_audit_csv(round_id: RowId, principal: PeopleAdmin, session: SessionDep) -> Response:
    """The round's bias audit as CSV (a ``#`` header block, then one table)."""
    report = _produce(session, principal, _round(round_id))
    return _file(report_csv(report), "text/csv", f"bias-audit-round-{round_id}.csv")


@router.get("/talent/rounds/{round_id}/audit.pdf", response_class=Response, responses=PDF_ANSWER)
def round_audit_pdf(round_id: RowId, principal: PeopleAdmin, session: SessionDep) -> Response:
    """The round's bias audit as a printable PDF."""
    report = _produce(session, principal, _round(round_id))
    return _file(report_pdf(report), "application/pdf", f"bias-audit-round-{round_id}.pdf")


@router.get("/talent/audit/prominence")
def prominence_audit(principal: PeopleAdmin, session: SessionDep) -> BiasAuditOut:
    """Does counting prominence disadvantage a group? The latest scoring run audited: the
    top decile selected, the prominence score as the score (422 before any run)."""
    return audit_out(_produce(session, principal, _prominence))


@router.get("/talent/audit/prominence.csv", response_class=Response, responses=CSV_ANSWER)
def prominence_audit_csv(principal: PeopleAdmin, session: SessionDep) -> Response:
    """The prominence audit as CSV."""
    report = _produce(session, principal, _prominence)
    return _file(report_csv(report), "text/csv", "bias-audit-prominence.csv")


@router.get("/talent/audit/prominence.pdf", response_class=Response, responses=PDF_ANSWER)
def prominence_audit_pdf(principal: PeopleAdmin, session: SessionDep) -> Response:
    """The prominence audit as a printable PDF."""
    report = _produce(session, principal, _prominence)
    return _file(report_pdf(report), "application/pdf", "bias-audit-prominence.pdf")


# --- Imports ------------------------------------------------------------------------------


async def _csv_upload(request: Request, default_name: str) -> tuple[bytes, str]:
    """The CSV of the request: its ``text/csv`` body or the ``file`` of a multipart form,
    checked like any upload (a ``.csv`` name, not empty, UTF-8 text)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        async with request.form() as form:  # closes the spooled files when done
            file = form.get("file")
            if not isinstance(file, FormFile):
                raise InputError(default_name, "the form has no file named 'file'", field="file")
            upload = UploadFile(file.file, filename=file.filename)
            return await read_upload(upload, allowed_suffixes={".csv"})
    if kind in ("text/csv", "text/plain"):
        body = UploadFile(io.BytesIO(await request.body()), filename=default_name)
        return await read_upload(body, allowed_suffixes={".csv"})
    raise InputError(
        default_name,
        f"send the CSV as text/csv or as the file of a multipart form, not {kind or 'nothing'}",
    )


async def _import(
    request: Request, session: Session, principal: Principal, importer: Importer, name: str
) -> TalentImportOut:
    data, source = await _csv_upload(request, name)

    def store() -> imports.ImportSummary:
        summary = importer(session, principal, data, source)
        session.commit()
        return summary

    done = await run_in_threadpool(store)
    return TalentImportOut(
        added=done.added, updated=done.updated, unchanged=done.unchanged, source=done.source
    )


def _records(
    session: Session, principal: Principal, data: bytes, source: str
) -> imports.ImportSummary:
    return imports.check_import_talent_records(session, principal, data, source, clock=CLOCK)


def _demographics(
    session: Session, principal: Principal, data: bytes, source: str
) -> imports.ImportSummary:
    return imports.check_import_demographics(session, principal, data, source, clock=CLOCK)


@router.post("/talent/records/import", openapi_extra=CSV_BODY)
async def import_talent_records(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> TalentImportOut:
    """Import performance ratings, levels and role dates, and external prominence
    observations (``employee_id`` plus any of the other columns). Re-importing changes
    nothing; nothing absent from the file is deleted."""
    return await _import(request, session, principal, _records, "talent-records.csv")


@router.post("/talent/demographics/import", openapi_extra=CSV_BODY)
async def import_demographics(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> TalentImportOut:
    """Import self-reported demographic answers collected outside renown (``employee_id``
    plus any of sex, race_ethnicity, age_band, disability). Answers people gave in renown
    themselves are kept; the audit log records counts only, never an answer."""
    return await _import(request, session, principal, _demographics, "demographics.csv")


# --- My own demographic answers -----------------------------------------------------------


@contextmanager
def not_there_for_them(what: str) -> Iterator[None]:
    """Turn the domain's refusal of an account without a person into a 404 about ``what``.

    Every staff role may keep demographic answers, but only through a person of its own;
    for an account without one there is nothing here, which is not a refusal of its role.
    """
    try:
        yield
    except NotAllowed as refused:
        raise NotFound(f"{what}: {refused}") from None


@router.get("/me/demographics")
def my_demographics(principal: Staff, session: SessionDep) -> MyDemographicsOut:
    """My own self-reported answers (each optional; null means not answered)."""
    with not_there_for_them(NO_PERSON):
        return _my_answers(demographics.my_demographics(session, principal))


@router.put("/me/demographics")
def report_my_demographics(
    body: DemographicsIn, principal: Staff, session: SessionDep
) -> MyDemographicsOut:
    """Answer (or change) all four questions for myself; an omitted answer is unknown. They
    are used only for bias audits, which report groups, never people."""
    with not_there_for_them(NO_PERSON):
        stored = demographics.check_report_my_demographics(
            session,
            principal,
            sex=body.sex,
            race_ethnicity=body.race_ethnicity,
            age_band=body.age_band,
            disability=body.disability,
            clock=CLOCK,
        )
    session.commit()
    return _my_answers(stored)


@router.delete("/me/demographics", status_code=status.HTTP_204_NO_CONTENT)
def forget_my_demographics(principal: Staff, session: SessionDep) -> Response:
    """Withdraw every answer I (or an HR import) gave about me."""
    with not_there_for_them(NO_PERSON):
        demographics.check_forget_my_demographics(session, principal, clock=CLOCK)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
