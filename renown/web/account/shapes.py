"""Request bodies of the account API, and the answers that are not a domain value as it
is (an account or a token without its secrets, the health probe, who I am)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from renown.core.roles import Role
from renown.web.params import SINGLE_LINE, BodyId, Flag


class Health(BaseModel):
    status: str
    version: str


class Me(BaseModel):
    """The signed-in account (``Me.model_validate(principal)``)."""

    model_config = ConfigDict(from_attributes=True)

    account_id: int
    email: str
    role: str
    org_id: int
    person_id: int | None


class TokenIn(BaseModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100), SINGLE_LINE]


class TokenOut(BaseModel):
    """An API token without the token itself (``TokenOut.model_validate(row)``)."""

    model_config = ConfigDict(from_attributes=True)

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


class AccountIn(BaseModel):
    email: Annotated[str, StringConstraints(min_length=3, max_length=320), SINGLE_LINE]
    role: Role
    password: (
        Annotated[str, StringConstraints(min_length=10, max_length=200), SINGLE_LINE] | None
    ) = None
    person_id: BodyId | None = None


class AccountOut(BaseModel):
    """An account without its secrets (``AccountOut.model_validate(row)``)."""

    model_config = ConfigDict(from_attributes=True)

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
