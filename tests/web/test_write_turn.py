"""A write request's turn: taken off the event loop, given back when its writer's transaction
ends, never waiting for the handlers' thread pool; and the event loop never waits for a
database connection (what ``make load`` found with 50 users).

The turn used to be held until the request's session closed, after the answer was rendered
and sent, and a sign-in's record step waited for a handler thread behind other sign-ins'
password checks while holding it. On PostgreSQL the policy's first query took a connection
on the event loop: with the bounded pool exhausted the loop stopped, and with it the
requests that would have given connections back, until the pool's 30 s timeout. And 50
sign-ins at once ran 40 password checks side by side on 2 cores.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from types import SimpleNamespace
from typing import Any, TypeVar

import anyio.to_thread
import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown import audit
from renown.core.roles import Role
from renown.store.engine import POSTGRES_MAX_OVERFLOW, checkout_may_wait
from renown.store.tables.audit import AuditEntry
from renown.web import deps, password_steps
from renown.web.deps import record_in_turn, write_turn
from scripts.screenshots import live_server
from tests.web.conftest import PASSWORD, Platform, csrf_of

T = TypeVar("T")
PROMPT = 5.0
"""Seconds within which what must not wait completes (it hangs or times out otherwise)."""


def _run(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``scenario`` on an event loop of its own, in a thread of its own (this thread may run
    a loop already: Playwright's, when the browser tests ran first in the session)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(asyncio.wait_for(scenario(), PROMPT))).result()


def _request(platform: Platform) -> Any:
    """What the session dependencies read of a request: its app."""
    return SimpleNamespace(app=platform.app)


def _write(session: Any, subject: str) -> None:
    audit.append(session, actor="system", action="test.turn", subject=subject)


def _stored(platform: Platform, subject: str) -> int:
    with platform.sessions() as session:
        return int(
            session.scalar(sa.select(sa.func.count()).where(AuditEntry.subject == subject)) or 0
        )


def test_the_turn_ends_with_the_writers_transaction(platform: Platform) -> None:
    request, turns = _request(platform), platform.app.state.write_turns

    async def scenario() -> None:
        async with write_turn(request) as session:
            assert turns.waiting == 1
            _write(session, "turn-first")
            session.commit()
            assert turns.waiting == 0, "the turn outlived the writer's transaction"
            # Another writer is served while this request still reads and answers.
            async with write_turn(request) as other:
                _write(other, "turn-second")
                other.commit()
            assert _stored(platform, "turn-first") == 1
        assert turns.waiting == 0

    _run(scenario)
    assert _stored(platform, "turn-second") == 1


def test_a_write_that_fails_gives_its_turn_back_and_stores_nothing(platform: Platform) -> None:
    request, turns = _request(platform), platform.app.state.write_turns

    async def scenario() -> None:
        with pytest.raises(RuntimeError):
            async with write_turn(request) as session:
                _write(session, "turn-failed")
                session.flush()
                raise RuntimeError("the handler failed before committing")
        assert turns.waiting == 0

    _run(scenario)
    assert _stored(platform, "turn-failed") == 0


def test_a_request_cancelled_while_it_waits_gives_its_turn_back(platform: Platform) -> None:
    request, turns = _request(platform), platform.app.state.write_turns

    async def waiting_writer() -> None:
        async with write_turn(request) as session:
            _write(session, "turn-cancelled")  # pragma: no cover - cancelled before
            session.commit()  # pragma: no cover

    async def scenario() -> None:
        turns.acquire(PROMPT)  # someone else's turn
        writer = asyncio.create_task(waiting_writer())
        while turns.waiting < 2:
            await asyncio.sleep(0.01)
        writer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await writer
        turns.release()
        while turns.waiting:  # its thread takes the turn, starts, closes and gives it back
            await asyncio.sleep(0.01)

    _run(scenario)
    assert _stored(platform, "turn-cancelled") == 0


def test_a_sign_in_records_even_when_every_handler_thread_is_busy(platform: Platform) -> None:
    """The record step of a sign-in (or a password change) holds the turn: it must not wait
    for a thread of the pool where password checks and readers run."""
    request = _request(platform)

    def record(session: Any) -> str:
        _write(session, "turn-recorded")
        session.commit()
        return "recorded"

    async def scenario() -> str:
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = 1
        release = threading.Event()
        busy = asyncio.create_task(anyio.to_thread.run_sync(release.wait))
        await asyncio.sleep(0.05)  # the one handler thread is taken
        try:
            return await record_in_turn(request, record)
        finally:
            release.set()
            await busy

    assert _run(scenario) == "recorded"
    assert _stored(platform, "turn-recorded") == 1
    assert platform.app.state.write_turns.waiting == 0


def test_a_write_that_waits_too_long_for_its_turn_is_answered_503(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deps, "WRITE_PATIENCE_SECONDS", 0.2)
    turns = platform.app.state.write_turns
    client: TestClient = platform.bearer(Role.HR)
    turns.acquire(PROMPT)
    try:
        answer = client.post("/api/v1/tokens", json={"name": "impatient"})
    finally:
        turns.release()
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "1"
    assert turns.waiting == 0


def test_the_event_loop_serves_while_every_connection_is_taken(platform: Platform) -> None:
    """PostgreSQL's pool is bounded: a request that finds it empty waits for a connection
    off the event loop, which keeps serving; it is answered once one comes back."""
    engine = platform.app.state.engine
    if not checkout_may_wait(engine):
        pytest.skip("a SQLite engine never makes a checkout wait")
    token = platform.tokens.get(platform.members[Role.EMPLOYEE].email) or ""
    if not token:
        platform.bearer(Role.EMPLOYEE)
        token = platform.tokens[platform.members[Role.EMPLOYEE].email]
    answers: list[httpx.Response] = []
    with live_server(platform.app) as base, ExitStack() as held:
        capacity = engine.pool.size() + POSTGRES_MAX_OVERFLOW
        for _ in range(capacity - engine.pool.checkedout()):
            held.enter_context(engine.connect())
        reader = threading.Thread(
            target=lambda: answers.append(
                httpx.get(
                    f"{base}/api/v1/me",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
            )
        )
        reader.start()
        time.sleep(0.3)  # the reader is waiting for a connection
        began = time.monotonic()
        static = httpx.get(f"{base}/static/renown.css", timeout=PROMPT)
        assert static.status_code == 200
        assert time.monotonic() - began < 2, "the event loop waited for a connection"
        assert not answers, "the reader was answered without a connection"
        held.close()  # the connections come back
        reader.join(PROMPT)
    assert [answer.status_code for answer in answers] == [200]


def test_password_checks_run_one_per_core_at_once(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sign-ins beyond the cores wait for a slot (taking no thread) instead of hashing side
    by side; every one of them still signs in."""
    monkeypatch.setattr(password_steps, "PASSWORD_CHECKS_AT_ONCE", 2)
    real_check = password_steps.check_sign_in
    lock, running, most = threading.Lock(), [0], [0]

    def counted_check(*args: Any, **kwargs: Any) -> Any:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.1)  # long enough for the others to arrive
            return real_check(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(password_steps, "check_sign_in", counted_check)
    emails = [member.email for member in platform.members.values()]

    def sign_in(email: str) -> int:
        with httpx.Client(base_url=base, timeout=60) as http:
            form = {"email": email, "password": PASSWORD, "next": "/"}
            form["csrf_token"] = csrf_of(http.get("/signin").text)
            return http.post("/signin", data=form).status_code

    with live_server(platform.app) as base, ThreadPoolExecutor(len(emails)) as pool:
        statuses = list(pool.map(sign_in, emails))
    assert statuses == [303] * len(emails)
    assert most[0] == 2, f"{most[0]} password checks ran at once"
