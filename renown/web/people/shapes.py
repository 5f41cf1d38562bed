"""People, teams and scores as the API answers them, where the answer is not a domain value
as it is: a person's row without identities or protected attributes, a profile with the
snapshot's numbers and a redacted explanation, a team with its department's name.

Each is built with ``Model.model_validate(value)`` from the query's value or row; the
rows and dataclasses the answers hold (a leaderboard row, a history point, a connection)
are the domain's own.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from renown.core.explanation import RedactedExplanation
from renown.org.results import Connection, HistoryPoint, LeaderboardRow
from renown.scoring.changes import PersonChange

FROM_ROWS = ConfigDict(from_attributes=True)


def _name_of(value: Any) -> Any:
    """A related row (team, department) by its name; a name as it is."""
    return getattr(value, "name", value)


class PersonOut(BaseModel):
    """Public shape of a person (never identities or protected attributes)."""

    model_config = FROM_ROWS

    id: int
    employee_id: str
    name: str
    email: str | None
    title: str | None
    team: str | None
    team_id: int | None
    department: str | None
    department_id: int | None
    manager_id: int | None
    hired_on: date | None
    left_on: date | None
    public_profile: bool

    _names = field_validator("team", "department", mode="before")(_name_of)


class PeoplePage(BaseModel):
    model_config = FROM_ROWS

    items: list[PersonOut]
    total: int
    limit: int
    offset: int


class LeaderboardPage(BaseModel):
    model_config = FROM_ROWS

    run_id: int | None
    as_of: datetime | None
    items: list[LeaderboardRow]
    total: int
    limit: int
    offset: int


class ProfileOut(BaseModel):
    person: PersonOut
    score: int | None
    rank: int | None
    trend: float | None = Field(
        description="Change against the window trend_days before the run's as-of (same run)."
    )
    change: PersonChange | None = Field(
        description="Change since the previous scoring run that scored the person, and why "
        "(the last step of history)."
    )
    run_id: int | None
    explanation: RedactedExplanation | None
    history: list[HistoryPoint]
    top_connections: list[Connection]


class TeamOut(BaseModel):
    model_config = FROM_ROWS

    id: int
    name: str
    department: str | None
    department_id: int | None

    _names = field_validator("department", mode="before")(_name_of)


class TeamMemberOut(BaseModel):
    model_config = FROM_ROWS

    person_id: int
    name: str
    title: str | None
    score: int | None


class TeamDetail(TeamOut):
    members: list[TeamMemberOut]


class DepartmentOut(BaseModel):
    model_config = FROM_ROWS

    id: int
    name: str
