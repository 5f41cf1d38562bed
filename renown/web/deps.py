"""Typed dependencies shared by API routes and pages.

Routes say what they need in their signature (``session: SessionDep``) and FastAPI wires
it; nothing reaches for globals, so tests can build an app on any database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from renown.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _session(request: Request) -> AsyncIterator[Session]:
    """The request's one database session; uncommitted work is rolled back at the end.

    The route's policy depends on it too and FastAPI hands both the same session, so the
    caller is authenticated and served on one pooled connection and one snapshot. A request
    that may change state gets a writer's session (:func:`renown.store.engine.writing`):
    it waits for its turn to write before its first query instead of failing part-way.
    It is an async dependency only so that opening and closing it (no I/O until the first
    query; a rollback at the end) does not cost two trips through the thread pool.
    """
    factory = (
        request.app.state.sessions
        if request.method in SAFE_METHODS
        else request.app.state.write_sessions
    )
    with factory() as session:
        yield session


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: its forwarded one)."""
    return request.client.host if request.client else ""


SessionDep = Annotated[Session, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(_settings)]
