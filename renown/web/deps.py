"""Typed dependencies shared by API routes and pages.

Routes say what they need in their signature (``session: SessionDep``) and FastAPI wires
it; nothing reaches for globals, so tests can build an app on any database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.settings import Settings
from renown.store.engine import writing
from renown.store.turns import Turns

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_PATIENCE_SECONDS = 30.0
"""How long a write request waits for its turn before answering 503 (try again)."""


CHECKS_BEFORE_WRITING = "_renown_checks_before_writing"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def checks_before_writing(endpoint: Endpoint) -> Endpoint:
    """Mark a state-changing route whose session only reads (so takes no turn to write):
    it does slow checks first (Argon2) and writes in :func:`write_turn` afterwards.

    Put it under the route decorator. A route that holds the turn while it hashes a
    password holds up every writer of the process for that long, attempt after attempt.
    """
    setattr(endpoint, CHECKS_BEFORE_WRITING, True)
    return endpoint


async def _session(request: Request) -> AsyncIterator[Session]:
    """The request's one database session; uncommitted work is rolled back at the end.

    The route's policy depends on it too and FastAPI hands both the same session, so the
    caller is authenticated and served on one pooled connection and one snapshot. A request
    that may change state first waits its turn to write (:func:`write_turn`), so its first
    transaction authenticates it and holds its writes, and it never fails part-way for want
    of the write lock; a route marked :func:`checks_before_writing` gets a reader's session
    instead and takes its turn itself.

    It is an async dependency so that opening and closing a reader's session (no I/O until
    the first query; a rollback at the end) does not cost two trips through the thread pool.
    """
    endpoint = request.scope.get("endpoint")
    if request.method in SAFE_METHODS or getattr(endpoint, CHECKS_BEFORE_WRITING, False):
        with request.app.state.sessions() as session:
            yield session
        return
    async with write_turn(request) as session:
        yield session


@asynccontextmanager
async def write_turn(request: Request) -> AsyncIterator[Session]:
    """A session whose first transaction is a writer's, once this request's turn has come.

    Write requests of the process queue first come, first served
    (:mod:`renown.store.turns`); the head then starts its transaction as a writer's
    (:func:`renown.store.engine.writing`), which waits only for other processes' writers
    (the worker). Neither wait happens on the event loop: one loop serves every request, and
    the request holding the turn needs it to reach its handler and finish.

    Only the first transaction is a writer's: what a handler reads after committing (the
    stored object, for its answer) must not take the database's write lock again and keep
    it until the session closes, after the answer and its background tasks (which write on
    their own). The turn is kept until the session closes, which costs other writers of the
    process only that short tail.
    """
    turns: Turns = request.app.state.write_turns
    await _wait_for_turn(request, turns)
    try:
        with request.app.state.sessions() as session:
            # One request at a time per process gets here, so this never crowds the pool
            # that runs handlers.
            await run_in_threadpool(writing, session)
            yield session
    finally:
        turns.release()


async def _wait_for_turn(request: Request, turns: Turns) -> None:
    """Queue (first come, first served) behind this process's other write requests.

    The wait happens on a thread of the app's own waiting pool, never on the event loop
    nor on the pool that runs handlers (which the request holding the turn needs). A
    request cancelled while waiting gives its turn back as soon as it gets it.
    """
    loop = asyncio.get_running_loop()
    waiting = loop.run_in_executor(
        request.app.state.turn_waiters, turns.acquire, WRITE_PATIENCE_SECONDS
    )
    try:
        await asyncio.shield(waiting)
    except asyncio.CancelledError:
        waiting.add_done_callback(lambda done: _give_back(done, turns))
        raise


def _give_back(done: asyncio.Future[None], turns: Turns) -> None:
    if not done.cancelled() and done.exception() is None:
        turns.release()


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: its forwarded one)."""
    return request.client.host if request.client else ""


SessionDep = Annotated[Session, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(_settings)]
