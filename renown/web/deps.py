"""Typed dependencies shared by API routes and pages.

Routes say what they need in their signature (``session: SessionDep``) and FastAPI wires
it; nothing reaches for globals, so tests can build an app on any database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from renown.settings import Settings


def _session(request: Request) -> Iterator[Session]:
    """A database session for one request; uncommitted work is rolled back at the end."""
    with request.app.state.sessions() as session:
        yield session


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(_settings)]
