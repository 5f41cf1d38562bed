"""What a second process does in the race tests: write through the domain, as renown does.

Each function runs in a spawned process (see :mod:`tests.concurrency.crews`), builds its own
engine from the database URL the way a second ``renown serve`` or ``renown worker`` would,
gets ready, waits for the start, then writes. Every write is one ``transaction()``, the
writer's transaction the product itself uses, and its outcome is reported as a string:

* ``"ok"`` (the write was committed);
* ``"refused: <message>"`` for the clean refusals the domain raises (the HTTP API answers
  them 4xx): over the budget, the round already signed off, and so on;
* ``"error: <type>: <message>"`` for anything else (database locked, a unique constraint,
  a timeout): the race tests accept no such outcome.

This module imports only what a worker process needs, so that spawning stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import principal_of
from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.store.engine import make_engine, session_factory, transaction
from renown.store.tables.accounts import Account
from tests.concurrency.crews import StartLine

CLOCK = SystemClock()
OK = "ok"


def refused(outcome: str) -> bool:
    """Whether an outcome is a clean refusal by the domain."""
    return outcome.startswith("refused: ")


def _sessions(database_url: str) -> sessionmaker[Session]:
    """This process's own engine and sessions (nothing is shared with the test process)."""
    return session_factory(make_engine(database_url))


def _principal(sessions: sessionmaker[Session], account_id: int) -> Principal:
    """The account's principal; also opens this process's first connection before the start."""
    with sessions() as session:
        account = session.get(Account, account_id)
        assert account is not None, f"no account {account_id}"
        return principal_of(account)


def write(sessions: sessionmaker[Session], action: Callable[[Session], object]) -> str:
    """Run ``action`` in one writer's transaction; its outcome (see the module)."""
    try:
        with transaction(sessions) as session:
            action(session)
    except (Invalid, NotAllowed, NotFound) as refusal:
        return f"refused: {refusal}"
    except Exception as error:  # every other failure is reported, never hidden
        return f"error: {type(error).__name__}: {error}"
    return OK


def give_kudos(
    line: StartLine, database_url: str, account_id: int, receivers: list[int], tag: str
) -> list[str]:
    """The giver behind ``account_id`` thanks each of ``receivers`` in turn."""
    from renown.recognition.actions import check_give_kudos

    sessions = _sessions(database_url)
    giver = _principal(sessions, account_id)
    line.ready_and_wait()
    return [
        write(
            sessions,
            lambda session, r=receiver, n=number: check_give_kudos(
                session, giver, r, f"{tag}-{n}", clock=CLOCK
            ),
        )
        for number, receiver in enumerate(receivers)
    ]


RoundStep = tuple[Any, ...]
"""``("configure", top_n)``, ``("candidate", person_id, included, reason)`` or
``("sign_off", reason, {person_id: override reason})``."""


def change_round(
    line: StartLine, database_url: str, account_id: int, round_id: int, steps: list[RoundStep]
) -> list[str]:
    """An HR account changes a promotion round step by step (see :data:`RoundStep`)."""
    from renown.talent.decisions import check_sign_off
    from renown.talent.rounds import (
        check_configure_round,
        check_set_candidate,
        open_round_for_change,
    )
    from renown.web.talent.rounds import stored_config

    sessions = _sessions(database_url)
    hr = _principal(sessions, account_id)

    def configure(session: Session, top_n: int) -> None:
        # What PUT /talent/rounds/{id} does with {"top_n": ...}: the rest stays as stored.
        current = stored_config(open_round_for_change(session, hr, round_id))
        check_configure_round(session, hr, round_id, replace(current, top_n=top_n), clock=CLOCK)

    def step(session: Session, what: RoundStep) -> None:
        if what[0] == "configure":
            configure(session, what[1])
        elif what[0] == "candidate":
            _, person, included, reason = what
            check_set_candidate(
                session, hr, round_id, person, included=included, reason=reason, clock=CLOCK
            )
        else:
            _, reason, overrides = what
            check_sign_off(
                session,
                hr,
                round_id,
                promoted=[],
                reason=reason,
                override_reasons=overrides,
                clock=CLOCK,
            )

    line.ready_and_wait()
    return [write(sessions, lambda session, s=what: step(session, s)) for what in steps]


def answer_appeal(
    line: StartLine, database_url: str, account_id: int, appeal_id: int, answers: list[str]
) -> list[str]:
    """An HR account answers the same appeal, once per answer given (upheld)."""
    from renown.talent.decisions import check_answer_appeal

    sessions = _sessions(database_url)
    hr = _principal(sessions, account_id)
    line.ready_and_wait()
    return [
        write(
            sessions,
            lambda session, a=answer: check_answer_appeal(
                session, hr, appeal_id, upheld=True, answer=a, clock=CLOCK
            ),
        )
        for answer in answers
    ]


def file_appeal(
    line: StartLine, database_url: str, account_id: int, round_id: int, texts: list[str]
) -> list[str]:
    """A candidate files an appeal against the round's decision, once per text."""
    from renown.talent.decisions import check_file_appeal

    sessions = _sessions(database_url)
    candidate = _principal(sessions, account_id)
    line.ready_and_wait()
    return [
        write(
            sessions,
            lambda session, t=text: check_file_appeal(session, candidate, round_id, t, clock=CLOCK),
        )
        for text in texts
    ]


def run_jobs(line: StartLine, database_url: str, home: str, job_ids: list[int]) -> list[str]:
    """Run queued jobs to the end, as ``renown worker`` does (heartbeat thread included).

    The outcome of each is its final status, with the error of a failed one.
    """
    from renown.settings import Settings
    from renown.store.tables.jobs import Job
    from renown.worker import execute_job

    settings = Settings(
        home=Path(home),
        database_url=database_url,
        secret_key="test",
        jobs_immediate=False,
        job_heartbeat_seconds=0.1,
    )
    sessions = _sessions(database_url)
    with sessions() as session:
        session.get(Job, job_ids[0])
    line.ready_and_wait()
    outcomes = []
    for job_id in job_ids:
        execute_job(settings, sessions, job_id)
        with sessions() as session:
            job = session.get(Job, job_id)
            assert job is not None
            outcomes.append(job.status if job.status == "done" else f"{job.status}: {job.error}")
    return outcomes


def recognise_until_stopped(
    line: StartLine, database_url: str, home: str, org_id: int, account_id: int, stop: Any
) -> list[str]:
    """The worker's background job, over and over until ``stop`` is set: each pass queues
    a recognition job (rings, lake export, badges, notifications) and runs it at once."""
    from renown.recognition.job import enqueue_recognition
    from renown.settings import Settings
    from renown.store.tables.jobs import Job
    from renown.worker import execute_job

    settings = Settings(
        home=Path(home),
        database_url=database_url,
        secret_key="test",
        jobs_immediate=False,
        job_heartbeat_seconds=0.1,
    )
    sessions = _sessions(database_url)
    hr = _principal(sessions, account_id)
    assert hr.org_id == org_id
    jobs: Any = _RunByCaller()
    line.ready_and_wait()
    outcomes = []
    while not stop.is_set() or not outcomes:
        with transaction(sessions) as session:
            job_id = enqueue_recognition(session, hr, jobs, as_of=datetime.now(UTC)).id
        execute_job(settings, sessions, job_id)
        with sessions() as session:
            job = session.get(Job, job_id)
            assert job is not None
            outcomes.append(job.status if job.status == "done" else f"{job.status}: {job.error}")
    return outcomes


class _RunByCaller:
    """A job queue that hands nothing over: the caller runs the job once it is committed."""

    def submit_after_commit(self, session: Session, job_id: int) -> None:
        """Nothing: the caller runs the job itself once it is committed."""


def write_back_to_back(line: StartLine, database_url: str, hold_seconds: float, stop: Any) -> str:
    """A busy worker: write transaction after transaction, each holding the write lock for
    ``hold_seconds`` (as a job storing batch after batch does), until ``stop`` is set.

    The outcome is ``"ok: <transactions>"`` or the first error.
    """
    import time

    from renown import audit

    sessions = _sessions(database_url)
    with sessions() as session:
        session.get(Account, 1)
    line.ready_and_wait()
    done = 0
    while not stop.is_set() or not done:
        outcome = write(sessions, lambda session: _hold(session, audit, time, hold_seconds))
        if outcome != OK:
            return outcome
        done += 1
    return f"{OK}: {done}"


def _hold(session: Session, audit: Any, time: Any, seconds: float) -> None:
    audit.append(session, actor="system", action="test.batch", subject="batch")
    time.sleep(seconds)
