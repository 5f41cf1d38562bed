"""API shapes of scoring runs, server-side sources and background jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from renown.jobs.sources import SourceEntry
from renown.store.tables.scores import ScoringRun
from renown.web.params import SINGLE_LINE, Moment, Number


class StartScoringIn(BaseModel):
    """Parameters of a scoring run; both default to the organisation's usual ones."""

    half_life_days: Annotated[Number, Field(gt=0, le=3650)] | None = Field(
        default=None, description="Days after which an interaction counts half."
    )
    as_of: Moment | None = Field(
        default=None,
        description="Score as of this instant, with a time zone (default: the newest event).",
    )


class SourceOut(BaseModel):
    """A source an operator placed in the organisation's sources folder."""

    name: str = Field(description="What to pass to /sources/ingest.")
    kind: str = Field(description="file or folder")
    size_bytes: int | None = Field(description="Size of a file; null for a folder.")
    modified: datetime
    format: str | None = Field(description="What renown would read it as; null: cannot tell.")


class IngestSourceIn(BaseModel):
    """Which listed source to add to the event lake."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=255), SINGLE_LINE] = Field(
        description="The name of one of the listed sources."
    )


class RunOut(BaseModel):
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


def run_out(run: ScoringRun) -> RunOut:
    """Public shape of a scoring run."""
    return RunOut(
        id=run.id,
        run_key=run.run_key,
        status=run.status,
        as_of=run.as_of,
        created_at=run.created_at,
        finished_at=run.finished_at,
        input_events=run.input_events,
        people_scored=run.people_scored,
        people_matched=run.people_matched,
        code_version=run.code_version,
        input_fingerprint=run.input_fingerprint,
        params=run.params,
    )


def source_out(entry: SourceEntry) -> SourceOut:
    """Public shape of a source (its name, never its place on the server)."""
    return SourceOut(
        name=entry.name,
        kind=entry.kind,
        size_bytes=entry.size_bytes,
        modified=entry.modified,
        format=entry.format,
    )
