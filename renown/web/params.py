"""Request parameters shared by API routes and pages, bounded where the database is.

Ids are positive 32-bit integers because that is what the id columns hold on every
supported database: a larger number can only be a typo or a probe, and must be a 422,
not an overflow deep in the driver. Free text may not contain NUL, which PostgreSQL
refuses in any string.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"


def _optional_id(value: object) -> object:
    """Blank means "all"; anything else must be an id in range (else a 422)."""
    if value is None or value == "":
        return None
    number = int(str(value))
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"an id is between 1 and {MAX_ID}")
    return number


RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id (a positive 32-bit integer).")]
"""An object id in the path."""

OptionalId = Annotated[int | None, BeforeValidator(_optional_id), Query()]
"""An optional id filter; the "all" choice of a form's select arrives as an empty string."""

SearchText = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]
"""Free-text search."""

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
