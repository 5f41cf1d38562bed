"""Error answers of the API, documented once for every operation.

Every operation can answer 401 (no valid credentials), 403 (role not admitted, or a cookie
request without its CSRF token), 404 (no such object visible to the caller: other
organisations' objects look exactly like missing ones), 400 (a file or body that cannot be
read, located by file, line and field where possible), 413 (a body over the upload limit)
and 422 (a value that is wrong). Declaring them in the OpenAPI document lets clients, and
the schemathesis tests, rely on these shapes instead of discovering them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class InputErrorDetail(BaseModel):
    """Where bad input is wrong, so a person can fix the file without reading code."""

    message: str
    source: str
    line: int | None
    field: str | None


class ValidationIssue(BaseModel):
    """One problem found by request validation (FastAPI's shape, bounded and redacted)."""

    loc: list[str | int] = Field(description="Where: body, query or path, then the field")
    msg: str
    type: str
    input: str | int | float | bool | None = Field(
        default=None,
        description="The offending value when it is short and not a secret (cut to 60 "
        "characters); absent otherwise",
    )


class ErrorOut(BaseModel):
    """Every error answer: a sentence, a located input error, or validation issues."""

    detail: str | InputErrorDetail | list[ValidationIssue]


def error_response(description: str) -> dict[str, Any]:
    """An error answer as the OpenAPI document declares it."""
    return {"model": ErrorOut, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: error_response("Input that cannot be read (file, line and field when known)"),
    401: error_response("No valid session or bearer token"),
    403: error_response("The caller's role may not do this, or the CSRF token is missing"),
    404: error_response("No such object visible to the caller"),
    413: error_response("Request body larger than the upload limit"),
    409: error_response("Another change was saved at the same moment; reload and try again"),
    422: error_response("A value is wrong"),
    503: error_response("The database is busy; try again in a moment"),
}
"""Merged into every API operation's documented responses (see ``renown.web.api``)."""
