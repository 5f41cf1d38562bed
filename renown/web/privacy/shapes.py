"""The erasure API's request body and its answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints

from renown.privacy.erase import MAX_REASON
from renown.web.params import MULTI_LINE, SINGLE_LINE


class ErasureIn(BaseModel):
    """Why the person is erased (recorded in the audit log, with the person's name replaced
    by the pseudonym), and their name typed again: a mistyped id must not erase anyone."""

    reason: Annotated[str, StringConstraints(max_length=MAX_REASON), MULTI_LINE] | None = None
    confirm_name: Annotated[str, StringConstraints(max_length=200), SINGLE_LINE] | None = None


class AccountErasureIn(BaseModel):
    """Why the account is erased (recorded in the audit log, with its e-mail and display
    name replaced by the pseudonym), and its e-mail typed again: a mistyped id must not
    erase anyone."""

    reason: Annotated[str, StringConstraints(max_length=MAX_REASON), MULTI_LINE] | None = None
    confirm_email: Annotated[str, StringConstraints(max_length=320), SINGLE_LINE] | None = None


class ErasureOut(BaseModel):
    """What the erasure did; the person (or account) is named only by the pseudonym."""

    pseudonym: str
    rows: dict[str, int]
    scrubbed: dict[str, int]
    decisions: int
    rings: int
    audit_entries: int
    lake_events: int
    score_rows: int
    score_files: int
    uploads: int
