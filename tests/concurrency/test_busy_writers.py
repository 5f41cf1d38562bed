"""Many writers of every kind at once beside busy background writers: nobody gets a 503.

Write requests of one server process queue for their turn (first come, first served), and
only the head of the queue contends for the database's write lock with other processes (the
worker, a second server process). These tests make that contention heavy: 20 clients writing
kudos, feedback, a round's pool and comments while the worker runs jobs back to back, or
while another process writes transaction after transaction. Every write must succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from renown import audit
from renown.store.tables.feedback import FeedbackItem
from renown.store.tables.recognition import Kudos, KudosComment
from renown.web import deps
from tests.concurrency import workers
from tests.concurrency.crews import SPAWN, race
from tests.concurrency.installation import (
    API,
    HTTP_WRITERS,
    Answer,
    Colleagues,
    Writer,
    new_writer,
    open_round,
    pool_of,
    served,
    statuses,
    until_all_done,
)
from tests.web.conftest import Platform, add_kudos

# --- Every kind of writer at once, and the recognition job ------------------------------------

MIXED_WRITES_EACH = 3
KUDOS_GIVERS = 6
FEEDBACK_GIVERS = 6
ROUND_CHANGERS = 4
COMMENTERS = HTTP_WRITERS - KUDOS_GIVERS - FEEDBACK_GIVERS - ROUND_CHANGERS
MIXED_DEPARTMENT = "Product"


def test_twenty_writers_of_every_kind_and_a_background_job_all_succeed(
    platform: Platform, colleagues: Colleagues, hr_writers: list[Writer]
) -> None:
    """20 clients write at once, each its own kind (kudos, feedback, a round's pool,
    comments), while a worker process runs recognition jobs back to back (rings, lake
    export, badges, notifications). Every write succeeds (no 503, no error) and every job
    ends ``done``."""
    kudos_givers = [new_writer(platform, p) for p in colleagues.take(KUDOS_GIVERS)]
    feedback_givers = [new_writer(platform, p) for p in colleagues.take(FEEDBACK_GIVERS)]
    commenters = [new_writer(platform, p) for p in colleagues.take(COMMENTERS)]
    receivers = colleagues.take(MIXED_WRITES_EACH)
    round_id = open_round(platform, MIXED_DEPARTMENT, "mixed round")
    round_people = pool_of(platform, round_id)[:ROUND_CHANGERS]
    wall = add_kudos(platform, platform.acme_id, receivers[0])
    stop_job = SPAWN.Event()

    with served(platform) as server:

        def posts(
            writer: Writer, url: str, bodies: list[dict[str, Any]]
        ) -> Callable[[], list[Answer]]:
            client = server.client(writer)
            return lambda: [client.post(url, url, body) for body in bodies]

        def pool_changes(index: int) -> Callable[[], list[Answer]]:
            client = server.client(hr_writers[index % len(hr_writers)])
            url = f"{API}/talent/rounds/{round_id}/candidates/{round_people[index]}"
            bodies = [
                {"included": bool(n % 2), "reason": f"mixed {index}-{n}"}
                for n in range(MIXED_WRITES_EACH)
            ]
            return lambda: [client.put(url, url, body) for body in bodies]

        threads = [
            posts(
                giver,
                f"{API}/kudos",
                [
                    {"receiver_id": r, "message": f"mixed kudos {i}"}
                    for i, r in enumerate(receivers)
                ],
            )
            for giver in kudos_givers
        ]
        threads += [
            posts(
                giver,
                f"{API}/feedback",
                [
                    {"receiver_id": r, "text": f"mixed feedback {i}"}
                    for i, r in enumerate(receivers)
                ],
            )
            for giver in feedback_givers
        ]
        threads += [pool_changes(i) for i in range(ROUND_CHANGERS)]
        threads += [
            posts(
                commenter,
                f"{API}/kudos/{wall}/comments",
                [{"text": f"mixed comment {n}"} for n in range(MIXED_WRITES_EACH)],
            )
            for commenter in commenters
        ]
        assert len(threads) == HTTP_WRITERS
        results = race(
            until_all_done(threads, stop_job),
            [
                (
                    workers.recognise_until_stopped,
                    (
                        platform.settings.database,
                        str(platform.settings.home),
                        platform.acme_id,
                        hr_writers[0].account_id,
                        stop_job,
                    ),
                )
            ],
        )

    answered = statuses(results.threads)
    created = (KUDOS_GIVERS + FEEDBACK_GIVERS + COMMENTERS) * MIXED_WRITES_EACH
    assert answered == {201: created, 200: ROUND_CHANGERS * MIXED_WRITES_EACH}, answered
    [job_outcomes] = results.processes
    assert job_outcomes and set(job_outcomes) == {"done"}, job_outcomes
    with platform.sessions() as session:
        kudos = session.scalar(
            sa.select(sa.func.count()).where(Kudos.message.like("mixed kudos %"))
        )
        feedback = session.scalar(
            sa.select(sa.func.count()).where(FeedbackItem.text.like("mixed feedback %"))
        )
        comments = session.scalar(
            sa.select(sa.func.count()).where(KudosComment.text.like("mixed comment %"))
        )
        assert (kudos, feedback, comments) == (
            KUDOS_GIVERS * MIXED_WRITES_EACH,
            FEEDBACK_GIVERS * MIXED_WRITES_EACH,
            COMMENTERS * MIXED_WRITES_EACH,
        )
        assert audit.verify(session) == []


# --- A worker process that writes without pause ----------------------------------------------

BATCH_HOLD_SECONDS = 0.02
"""How long each of the busy worker's transactions holds the write lock."""
BUSY_WRITES_EACH = 3


def test_a_worker_writing_back_to_back_does_not_starve_the_servers_writers(
    platform: Platform, colleagues: Colleagues
) -> None:
    """While another process writes transaction after transaction (a job storing batch
    after batch), 20 clients give feedback. Each write waits its turn and succeeds.

    On SQLite a waiting writer used to retry on SQLite's timer (sleeping up to 100 ms
    between tries) while the worker took the lock again the moment it let it go; the
    server's writers missed every gap until the busy timeout and were answered 503."""
    people = colleagues.take(HTTP_WRITERS + 1)
    receiver, givers = people[0], [new_writer(platform, p) for p in people[1:]]
    stop_worker = SPAWN.Event()

    with served(platform) as server:

        def give(writer: Writer) -> Callable[[], list[Answer]]:
            client = server.client(writer)
            bodies = [
                {"receiver_id": receiver, "text": f"busy feedback {n}"}
                for n in range(BUSY_WRITES_EACH)
            ]
            return lambda: [client.post("feedback", f"{API}/feedback", b) for b in bodies]

        results = race(
            until_all_done([give(giver) for giver in givers], stop_worker),
            [
                (
                    workers.write_back_to_back,
                    (platform.settings.database, BATCH_HOLD_SECONDS, stop_worker),
                )
            ],
        )

    answered = statuses(results.threads)
    assert answered == {201: HTTP_WRITERS * BUSY_WRITES_EACH}, answered
    [worker_outcome] = results.processes
    assert worker_outcome.startswith(f"{workers.OK}: "), worker_outcome


# --- A writer out of patience ----------------------------------------------------------------


def test_a_write_that_waits_out_its_patience_is_told_to_try_again(
    platform: Platform, colleagues: Colleagues, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write request that waits for its turn longer than its patience is answered 503
    with Retry-After, like a busy database, so clients retry; it used to escape as an
    unhandled TurnTimeoutError, a 500 "internal server error"."""
    giver_person, receiver = colleagues.take(2)
    giver = new_writer(platform, giver_person)
    monkeypatch.setattr(deps, "WRITE_PATIENCE_SECONDS", 0.2)
    turns = platform.app.state.write_turns
    turns.acquire(1)  # another writer of this process holds the turn meanwhile
    try:
        with served(platform) as server:
            refused = server.client(giver).http.post(
                f"{API}/kudos", json={"receiver_id": receiver, "message": "patience"}
            )
    finally:
        turns.release()
    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == "1"
    with platform.sessions() as session:
        assert session.scalar(sa.select(Kudos.id).where(Kudos.giver_id == giver_person)) is None
