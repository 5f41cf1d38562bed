"""Many writers at once: every write waits its turn and succeeds, on SQLite and PostgreSQL.

Before writers took their turn, three concurrent clients of ``POST /api/v1/feedback`` had
61% of their writes answered 503 "database is busy" on SQLite (a deferred transaction that
read first could not write after another writer committed), and on PostgreSQL concurrent
audit-log appends collided on the chain's tail (409). Here 20 clients write at once, with a
background job writing beside them, and not one write may fail or be lost.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown import audit
from renown.store import transaction
from renown.store.tables.feedback import FeedbackItem
from renown.store.tables.recognition import Kudos
from scripts.screenshots import live_server
from tests.web.conftest import Platform
from tests.web.test_feedback_api import _account_for
from tests.web.test_outside_rater_attack import _strangers

WRITERS = 20
WRITES_EACH = 8
LOOP_WRITERS = 8
"""Enough to stall a shared event loop at once (each stall lasts the busy timeout)."""
KUDOS_EACH = 3
"""The most kudos one person may give another in a month (the default pair cap)."""


def _writers(platform: Platform) -> list[tuple[int, TestClient]]:
    people = _strangers(platform, platform.cast.employee, WRITERS + 1)
    receiver, givers = people[0], people[1:]
    return [(receiver, _account_for(platform, giver)) for giver in givers]


def test_twenty_concurrent_writers_all_succeed(platform: Platform) -> None:
    clients = _writers(platform)
    start = threading.Barrier(len(clients) + 1)
    stop_job = threading.Event()

    def write(index: int) -> list[int]:
        receiver, client = clients[index]
        start.wait()
        return [
            client.post(
                "/api/v1/feedback", json={"receiver_id": receiver, "text": f"w{index}-{n}"}
            ).status_code
            for n in range(WRITES_EACH)
        ]

    def background_job() -> int:
        """A worker writing in its own transactions meanwhile (like a scoring job: it
        computes, then writes a batch in one transaction, then computes again)."""
        start.wait()
        done = 0
        while not stop_job.is_set():
            with transaction(platform.sessions) as session:
                audit.append(session, actor="system", action="test.job", subject="job")
                time.sleep(0.02)  # the job's transaction holds the write lock a while
            done += 1
            stop_job.wait(0.03)  # and computes between its writes
        return done

    with ThreadPoolExecutor(len(clients) + 1) as pool:
        job = pool.submit(background_job)
        try:
            results = list(pool.map(write, range(len(clients))))
        finally:
            stop_job.set()
        job_writes = job.result()
    statuses = Counter(code for codes in results for code in codes)
    assert statuses == {201: WRITERS * WRITES_EACH}, statuses
    assert job_writes > 0
    with platform.sessions() as session:
        stored = session.scalar(sa.select(sa.func.count()).where(FeedbackItem.text.like("w%-%")))
        assert stored == WRITERS * WRITES_EACH
        assert audit.verify(session) == []


def test_writers_sharing_one_event_loop_all_succeed(platform: Platform) -> None:
    """The served shape: uvicorn runs every request on one event loop (a TestClient gives
    each request a loop of its own). A write request waits for its turn to write at its
    first query, which authenticates it; waiting on the event loop stopped the request
    that held the turn from reaching its handler (it needs the loop too), so writers
    stalled until the busy timeout and were answered 503 "database is busy"."""
    statuses = _served_writes(
        platform, "/api/v1/feedback", lambda receiver, text: {"receiver_id": receiver, "text": text}
    )
    assert statuses == {201: LOOP_WRITERS * WRITES_EACH}, statuses
    with platform.sessions() as session:
        stored = session.scalar(sa.select(sa.func.count()).where(FeedbackItem.text.like("loop%-%")))
        assert stored == LOOP_WRITERS * WRITES_EACH
        assert audit.verify(session) == []


def test_writes_that_read_after_committing_do_not_hold_the_turn(platform: Platform) -> None:
    """Giving kudos commits, then reads the kudos back for the answer; a new token's first
    use is noted after the answer, in a write transaction of its own. The read after the
    commit must not take the turn to write again: held until the request's session
    closed, it kept the token's note (and every other writer) waiting until the busy
    timeout."""
    statuses = _served_writes(
        platform,
        "/api/v1/kudos",
        lambda receiver, text: {"receiver_id": receiver, "message": text},
        writes=KUDOS_EACH,
    )
    assert statuses == {201: LOOP_WRITERS * KUDOS_EACH}, statuses
    with platform.sessions() as session:
        stored = session.scalar(sa.select(sa.func.count()).where(Kudos.message.like("loop%-%")))
        assert stored == LOOP_WRITERS * KUDOS_EACH
        assert audit.verify(session) == []


def _served_writes(
    platform: Platform,
    path: str,
    body: Callable[[int, str], dict[str, object]],
    writes: int = WRITES_EACH,
) -> Counter[int]:
    """Statuses of new accounts' concurrent writes to a server on a real event loop."""
    writers = _writers(platform)[:LOOP_WRITERS]
    receiver = writers[0][0]
    tokens = [client.headers["Authorization"] for _, client in writers]

    def write(index: int) -> list[int]:
        headers = {"Authorization": tokens[index]}
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
            return [
                http.post(path, json=body(receiver, f"loop{index}-{n}")).status_code
                for n in range(writes)
            ]

    with live_server(platform.app) as base_url, ThreadPoolExecutor(len(tokens)) as pool:
        results = list(pool.map(write, range(len(tokens))))
    return Counter(code for codes in results for code in codes)
