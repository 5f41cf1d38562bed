"""Request bodies of the scoring-run API, and a run as clients see it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from renown.web.params import SINGLE_LINE, Moment, Number


class StartScoringIn(BaseModel):
    """Parameters of a scoring run; both default to the organisation's usual ones."""

    half_life_days: Annotated[Number, Field(gt=0, le=3650)] | None = Field(
        default=None, description="Days after which an interaction counts half."
    )
    as_of: Moment | None = Field(
        default=None,
        description=(
            "Score as of this instant, with a time zone (default: the end of the last "
            "complete period, a calendar month unless configured, that holds an event)."
        ),
    )


class IngestSourceIn(BaseModel):
    """Which listed source to add to the event lake."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=255), SINGLE_LINE] = Field(
        description="The name of one of the listed sources."
    )


class RunOut(BaseModel):
    """A scoring run's row, without its file locations (``RunOut.model_validate(run)``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    run_key: str
    status: str
    as_of: datetime
    created_at: datetime
    finished_at: datetime | None
    input_events: int
    people_scored: int
    people_matched: int
    code_version: str
    input_fingerprint: str
    params: dict[str, Any]
