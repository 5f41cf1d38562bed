"""Typed dependencies shared by API routes and pages.

Routes say what they need in their signature (``session: SessionDep``) and FastAPI wires
it; nothing reaches for globals, so tests can build an app on any database.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio.from_thread
from fastapi import Depends, Request
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction

from renown import audit
from renown.accounts.principal import Principal
from renown.jobs.queue import JobQueue
from renown.scoring import queries as job_queries
from renown.settings import Settings
from renown.store.engine import writing
from renown.store.tables.jobs import Job
from renown.store.turns import Turns
from renown.worker import make_queue

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_PATIENCE_SECONDS = 30.0
"""How long a write request waits for its turn before answering 503 (try again)."""


CHECKS_BEFORE_WRITING = "_renown_checks_before_writing"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
T = TypeVar("T")


def checks_before_writing(endpoint: Endpoint) -> Endpoint:
    """Mark a state-changing route whose session only reads (so takes no turn to write):
    it does slow checks first (Argon2) and writes in :func:`record_in_turn` afterwards.

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
        async with _reading(request) as session:
            yield session
        return
    async with write_turn(request) as session:
        yield session


@asynccontextmanager
async def _reading(request: Request) -> AsyncIterator[Session]:
    """A reader's session, connected before the policy uses it where connecting may wait.

    The policy authenticates on the event loop, with the request's session. On SQLite no
    checkout waits (:data:`renown.store.engine.SQLITE_POOL_SIZE`), but PostgreSQL's pool is
    bounded: a checkout on the loop that waited for a connection stopped the very loop on
    which requests close their sessions and give connections back, so everything stalled
    until the pool's timeout (30 s) and failed (seen with 50 users signing in at once).
    There the connection is taken on a waiting thread first, where waiting harms no one.
    """
    session: Session = request.app.state.sessions()
    if request.app.state.checkout_may_wait:
        await _on_waiting_thread(request, session, None, session.connection)
    try:
        yield session
    finally:
        _close(session, None)


def reading_session(request: Request) -> AbstractAsyncContextManager[Session]:
    """A reader's session outside a route's dependencies: the validation error handler
    drawing a refused form again (:mod:`renown.web.form_refill`) after the route's own
    session has closed."""
    return _reading(request)


@asynccontextmanager
async def write_turn(request: Request) -> AsyncIterator[Session]:
    """A session whose first transaction is a writer's, once this request's turn has come.

    Write requests of the process queue first come, first served
    (:mod:`renown.store.turns`); the head then starts its transaction as a writer's
    (:func:`renown.store.engine.writing`), which waits only for other processes' writers
    (the worker). Both happen on one thread of the app's waiting pool, never on the event
    loop (one loop serves every request, and the request holding the turn needs it to reach
    its handler and finish) nor on the pool that runs handlers (busy with readers or
    password checks under load: a turn held while waiting there holds up every writer).

    Only the first transaction is a writer's, and the turn ends with it (commit or roll
    back), not with the session: what a handler does after committing (reading the stored
    object back, rendering the answer, sending it, its background tasks) reads or writes on
    its own, and held that long the turn made every writer of the process wait for other
    requests' answers to be rendered and sent.
    """
    turns: Turns = request.app.state.write_turns
    session: Session = request.app.state.sessions()
    turn = _Turn(turns)
    sa_event.listen(session, "after_transaction_end", turn.on_transaction_end)

    def start() -> None:
        turn.take()
        writing(session)

    await _on_waiting_thread(request, session, turn, start)
    try:
        yield session
    finally:
        _close(session, turn)


async def record_in_turn(request: Request, record: Callable[[Session], T]) -> T:
    """``record`` with a writer's session in this request's turn, all on a waiting thread:
    queueing, starting the transaction, ``record`` (which commits) and closing the session.

    For routes marked :func:`checks_before_writing`, after their slow checks. The record
    step must not run on the pool that runs handlers: a burst of sign-ins fills that pool
    with password checks (Argon2, a tenth of a second of CPU each), and the turn, held while
    the step waited for one of them to finish, held up every writer of the process (2.8 s
    when 50 users signed in at once). A cancelled request leaves the thread to finish and
    clean up on its own, since the session is never the loop's.
    """
    session: Session = request.app.state.sessions()
    turn = _Turn(request.app.state.write_turns)
    sa_event.listen(session, "after_transaction_end", turn.on_transaction_end)

    def run() -> T:
        try:
            turn.take()
            writing(session)
            return record(session)
        finally:
            _close(session, turn)

    done = asyncio.get_running_loop().run_in_executor(request.app.state.waiting_threads, run)
    done.add_done_callback(_retrieved)
    return await asyncio.shield(done)


def read_then_record(request: Request, session: Session, read: Callable[[], T]) -> T:
    """``read`` (a read the domain logs, on ``session``), then its audit entries written in
    a short write transaction of their own, in this request's turn, before anyone sees the
    answer. Called from a route's worker thread (a sync route, or ``run_in_threadpool``).

    The read runs in a fresh reader's transaction that never waits for the write lock: a
    bias audit reads for seconds, and neither holding the write lock that long nor turning
    the read into a writer's afterwards will do (SQLite refuses at once to let a transaction
    that has read write once another writer committed meanwhile; that answered 503).
    Its entries are kept meanwhile (:func:`renown.audit.holding`) and appended as any write
    is, through :func:`record_in_turn`; if that fails, the request fails and shows nothing.
    """
    session.rollback()  # a fresh snapshot: the request's may predate a write it follows
    with audit.holding(session) as held:
        answer = read()
    session.commit()  # ends the reader's transaction; what it loaded stays usable
    if held:
        anyio.from_thread.run(record_in_turn, request, partial(_append_held, held))
    return answer


def _append_held(held: list[audit.HeldEntry], session: Session) -> None:
    audit.append_held(session, held)
    session.commit()


def _retrieved(done: asyncio.Future[Any]) -> None:
    """Mark the outcome of a step whose request may have gone as seen (no loop warning)."""
    if not done.cancelled():
        done.exception()


class _Turn:
    """One request's turn to write: taken once, given back once (whichever comes first:
    the end of its writer's transaction, or the end of the request)."""

    def __init__(self, turns: Turns) -> None:
        self._turns = turns
        self._lock = threading.Lock()
        self._held = False

    def take(self) -> None:
        self._turns.acquire(WRITE_PATIENCE_SECONDS)
        with self._lock:
            self._held = True

    def give_back(self) -> None:
        with self._lock:
            held, self._held = self._held, False
        if held:
            self._turns.release()

    def on_transaction_end(self, _session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # the session's own transaction, not a savepoint
            self.give_back()


async def _on_waiting_thread(
    request: Request, session: Session, turn: _Turn | None, work: Callable[[], object]
) -> None:
    """Run ``work`` (waiting for a turn or a connection) on the app's waiting pool.

    Never on the event loop nor on the pool that runs handlers (see :func:`write_turn`).
    A request that fails or is cancelled meanwhile has its session closed (and its turn
    given back); when cancelled, on the waiting thread once ``work`` is done, since the
    session is not the loop's to close while a thread still uses it.
    """
    loop = asyncio.get_running_loop()
    pool = request.app.state.waiting_threads
    done = loop.run_in_executor(pool, work)
    try:
        await asyncio.shield(done)
    except asyncio.CancelledError:
        done.add_done_callback(lambda _done: pool.submit(_close, session, turn))
        raise
    except BaseException:
        _close(session, turn)
        raise


def _close(session: Session, turn: _Turn | None) -> None:
    """End the request's session (rolling back what was not committed) and its turn."""
    try:
        session.close()
    finally:
        if turn is not None:
            turn.give_back()


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: its forwarded one)."""
    return request.client.host if request.client else ""


SessionDep = Annotated[Session, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(_settings)]


_QUEUE_LOCK = threading.Lock()


def _job_queue(request: Request) -> JobQueue:
    """The app's job queue, made on first use (``renown serve`` sets it up front)."""
    state = request.app.state
    with _QUEUE_LOCK:
        queue: JobQueue | None = getattr(state, "job_queue", None)
        if queue is None:
            queue = make_queue(state.settings, sessions=state.sessions)
            state.job_queue = queue
    return queue


JobQueueDep = Annotated[JobQueue, Depends(_job_queue)]


def committed(session: Session, principal: Principal, job: Job) -> Job:
    """Commit the job (handing it to the worker) and read its state back."""
    session.commit()
    return job_queries.get_job(session, principal, job.id)
