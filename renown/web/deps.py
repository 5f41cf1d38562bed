"""Typed dependencies shared by API routes and pages.

Routes say what they need in their signature (``session: SessionDep``) and FastAPI wires
it; nothing reaches for globals, so tests can build an app on any database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.settings import Settings
from renown.store.engine import writing

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _session(request: Request) -> AsyncIterator[Session]:
    """The request's one database session; uncommitted work is rolled back at the end.

    The route's policy depends on it too and FastAPI hands both the same session, so the
    caller is authenticated and served on one pooled connection and one snapshot. A request
    that may change state starts as a writer (:func:`renown.store.engine.writing`): its
    first transaction, which authenticates it and holds its writes, waits for its turn to
    write before its first query instead of failing part-way.

    The turn is taken here, in a worker thread, and never on the event loop: one loop
    serves every request, and the request holding the turn needs it to reach its handler
    and finish. Waiting on the loop (as authenticating with the writer's first query did)
    stalled every request, the holder's included, until the database's busy timeout.
    Only the first transaction is a writer's: what a handler reads after committing (the
    stored object, for its answer) must not take the turn again and keep it until the
    session closes, after the answer and its background tasks (which write on their own).

    It is an async dependency so that opening and closing a reader's session (no I/O until
    the first query; a rollback at the end) does not cost two trips through the thread pool.
    """
    with request.app.state.sessions() as session:
        if request.method not in SAFE_METHODS:
            await run_in_threadpool(writing, session)
        yield session


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: its forwarded one)."""
    return request.client.host if request.client else ""


SessionDep = Annotated[Session, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(_settings)]
