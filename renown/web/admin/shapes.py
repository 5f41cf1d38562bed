"""The audit log check as an organisation's administrator sees it (built with
``AuditVerifyOut.model_validate`` from the check)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AuditBreakOut(BaseModel):
    """A break at one of the organisation's own entries."""

    model_config = ConfigDict(from_attributes=True)

    position: int = Field(description="Among the organisation's own entries, 1 = its first")
    at: datetime
    action: str
    reason: str


class AuditVerifyOut(BaseModel):
    """The audit chain as one organisation's administrator sees it."""

    model_config = ConfigDict(from_attributes=True)

    intact: bool = Field(description="The whole chain verifies")
    entries: int = Field(description="The organisation's own entries")
    breaks: list[AuditBreakOut] = Field(description="Breaks at the organisation's own entries")
