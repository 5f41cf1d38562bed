"""Request bodies of the scoring-run API, and a run as clients see it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

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
    events_matched: int
    events_mapped: int
    events_ignored: int
    events_unmatched: int
    code_version: str
    input_fingerprint: str
    params: dict[str, Any]


class ChooseIdentifierIn(BaseModel):
    """What to do with an identifier of uploaded events that names nobody known."""

    identifier: Annotated[str, StringConstraints(min_length=1, max_length=320), SINGLE_LINE] = (
        Field(description="The identifier as the upload spells it.")
    )
    choice: Literal["map", "ignore", "add"] = Field(
        description="map it to a person, ignore its events, or add it as a new person."
    )
    person: Annotated[str, StringConstraints(max_length=320), SINGLE_LINE] = Field(
        default="",
        description="For map: the person's employee id, e-mail or handle.",
    )
    name: Annotated[str, StringConstraints(max_length=200), SINGLE_LINE] = Field(
        default="", description="For add: the new person's name (default: the identifier)."
    )
