"""HR's imports of talent records and of demographics files, as JSON and as upload forms.

The API takes the CSV as the request body (``text/csv``) or as the ``file`` of a multipart
form; the page takes the form. A file that cannot be read is refused with every problem the
parser found, each naming the file, the line and the column (a 400 in the API, the form
again as a 422 on the page), and nothing is stored.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as FormFile

from renown.accounts.principal import Principal
from renown.core.errors import InputError
from renown.talent import imports
from renown.talent.demographics import PREFER_NOT_TO_SAY, VOCABULARIES
from renown.talent.imports import ImportSummary
from renown.talent.records import DEMOGRAPHICS_COLUMNS, TALENT_COLUMNS, RecordErrors
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.policy import PeopleAdmin
from renown.web.render import render
from renown.web.talent.rounds import CLOCK
from renown.web.uploads import read_upload

api = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
pages = APIRouter()
Importer = Callable[..., ImportSummary]
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
"""The API's imports read the body themselves (either form), so the document states both."""


def _store(
    session: Session, principal: Principal, importer: Importer, data: bytes, name: str
) -> ImportSummary:
    """Import in the request's transaction: committed when the file is good, else nothing."""
    try:
        summary = importer(session, principal, data, name, clock=CLOCK)
    except InputError:
        session.rollback()
        raise
    session.commit()
    return summary


# --- JSON ---------------------------------------------------------------------------------


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
) -> ImportSummary:
    data, source = await _csv_upload(request, name)
    return await run_in_threadpool(_store, session, principal, importer, data, source)


@api.post("/talent/records/import", openapi_extra=CSV_BODY)
async def import_talent_records(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> ImportSummary:
    """Import performance ratings, levels and role dates, and external prominence
    observations (``employee_id`` plus any of the other columns). Re-importing changes
    nothing; nothing absent from the file is deleted."""
    return await _import(
        request, session, principal, imports.check_import_talent_records, "talent-records.csv"
    )


@api.post("/talent/demographics/import", openapi_extra=CSV_BODY)
async def import_demographics(
    request: Request, principal: PeopleAdmin, session: SessionDep
) -> ImportSummary:
    """Import self-reported demographic answers collected outside renown (``employee_id``
    plus any of sex, race_ethnicity, age_band, disability). Answers people gave in renown
    themselves are kept; the audit log records counts only, never an answer."""
    return await _import(
        request, session, principal, imports.check_import_demographics, "demographics.csv"
    )


# --- Pages --------------------------------------------------------------------------------


def _imports_page(
    request: Request,
    *,
    summary: ImportSummary | None = None,
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


async def _import_page(
    request: Request,
    principal: Principal,
    session: Session,
    file: UploadFile,
    importer: Importer,
    kind: str,
) -> HTMLResponse:
    """The upload's summary, or the form again with every problem of the file (422).

    Not a :func:`~renown.web.forms.form_action`: the answer is the summary itself rather
    than a redirect, and a refusal is drawn from the parser's located problems, not one
    sentence."""
    try:
        data, name = await read_upload(file, allowed_suffixes={".csv"})
        summary = await run_in_threadpool(_store, session, principal, importer, data, name)
    except InputError as refused:
        return _imports_page(request, kind=kind, problems=_problems(refused))
    return _imports_page(request, summary=summary, kind=kind)


@pages.get("/talent/imports", response_class=HTMLResponse)
def imports_page(request: Request, principal: PeopleAdmin) -> HTMLResponse:
    """Upload forms for the talent records and demographics files, with their columns."""
    return _imports_page(request)


IMPORTERS: dict[str, Importer] = {
    "records": imports.check_import_talent_records,
    "demographics": imports.check_import_demographics,
}
"""The file kinds of the imports page (the last segment of the upload's path)."""


@pages.post("/talent/imports/demographics", response_class=HTMLResponse)
@pages.post("/talent/imports/records", response_class=HTMLResponse)
async def import_page(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import performance ratings, career facts and external observations (``records``),
    or self-reported demographic answers collected outside renown (``demographics``)."""
    kind = request.url.path.rpartition("/")[2]
    return await _import_page(request, principal, session, file, IMPORTERS[kind], kind)
