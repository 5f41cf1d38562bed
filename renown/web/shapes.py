"""API shapes that several features answer with: a background job (scoring runs start
one, and so does the recognition run).

A job row is answered as it is stored, except where the server keeps the job's file: that
is not the client's business.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

PRIVATE_JOB_PARAMS = frozenset({"path", "upload", "labels"})
"""Where the server keeps a job's file is not the client's business; nor are the labels a
validation job carries (personal data the uploader already has, and which a job listing
must not spread)."""


class JobOut(BaseModel):
    """A background job, built from its row with ``JobOut.model_validate(job)``."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    status: str = Field(description="queued, running, done or failed")
    progress: float = Field(ge=0, le=1)
    stage: str
    params: dict[str, Any]
    result: dict[str, Any]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @field_validator("params", mode="before")
    @classmethod
    def _without_server_files(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in params.items() if k not in PRIVATE_JOB_PARAMS}
