"""API shapes, kept apart from the tables so the database can change without breaking
clients (and the OpenAPI document describes exactly what is sent)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from renown.core.explanation import RedactedExplanation
from renown.core.roles import Role
from renown.web.params import SINGLE_LINE, BodyId, Flag


class Health(BaseModel):
    status: str
    version: str


class Me(BaseModel):
    account_id: int
    email: str
    role: str
    org_id: int
    person_id: int | None


class TokenIn(BaseModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100), SINGLE_LINE]


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used: datetime | None
    revoked_at: datetime | None


class NewToken(TokenOut):
    token: str = Field(description="The token itself; shown only this once.")


class Visibility(BaseModel):
    public: Flag


class PersonOut(BaseModel):
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


class PeoplePage(BaseModel):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int


class LeaderboardRowOut(BaseModel):
    person_id: int
    name: str
    title: str | None
    team: str | None
    department: str | None
    score: int
    rank: int
    trend: float | None
    components: dict[str, float]


class LeaderboardPage(BaseModel):
    run_id: int | None
    as_of: datetime | None
    items: list[LeaderboardRowOut]
    total: int
    limit: int
    offset: int


class HistoryPoint(BaseModel):
    run_id: int
    as_of: datetime
    score: int


class ConnectionOut(BaseModel):
    person_id: int | None
    label: str
    share: float


class ProfileOut(BaseModel):
    person: PersonOut
    score: int | None
    rank: int | None
    trend: float | None
    run_id: int | None
    explanation: RedactedExplanation | None
    history: list[HistoryPoint]
    top_connections: list[ConnectionOut]


class TeamOut(BaseModel):
    id: int
    name: str
    department: str | None
    department_id: int | None


class TeamMemberOut(BaseModel):
    person_id: int
    name: str
    title: str | None
    score: int | None


class TeamDetail(TeamOut):
    members: list[TeamMemberOut]


class DepartmentOut(BaseModel):
    id: int
    name: str


class NodeOut(BaseModel):
    id: int
    name: str
    team: str | None
    score: int | None


class EdgeOut(BaseModel):
    source: int
    target: int
    weight: float


class NetworkOut(BaseModel):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class AccountIn(BaseModel):
    email: Annotated[str, StringConstraints(min_length=3, max_length=320), SINGLE_LINE]
    role: Role
    password: (
        Annotated[str, StringConstraints(min_length=10, max_length=200), SINGLE_LINE] | None
    ) = None
    person_id: BodyId | None = None


class AccountOut(BaseModel):
    id: int
    email: str
    role: str
    person_id: int | None
    active: bool = True


class PasswordChangeIn(BaseModel):
    """My current password, and the new one (checked against the password policy)."""

    current_password: Annotated[str, StringConstraints(min_length=1, max_length=200), SINGLE_LINE]
    new_password: Annotated[str, StringConstraints(min_length=10, max_length=200), SINGLE_LINE]


class PasswordChangedOut(BaseModel):
    sessions_ended: int = Field(description="My other web sessions, ended by the change.")


class SessionOut(BaseModel):
    """One of my live web sessions."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str
    current: bool


class AuditBreakOut(BaseModel):
    """A break at one of the organisation's own entries."""

    position: int = Field(description="Among the organisation's own entries, 1 = its first")
    at: datetime
    action: str
    reason: str


class AuditVerifyOut(BaseModel):
    """The audit chain as one organisation's administrator sees it."""

    intact: bool = Field(description="The whole chain verifies")
    entries: int = Field(description="The organisation's own entries")
    breaks: list[AuditBreakOut] = Field(description="Breaks at the organisation's own entries")


class ImportReportOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    identities_added: int
