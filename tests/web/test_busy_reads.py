"""Reads that are logged never answer 503 while others write, on SQLite and PostgreSQL.

Reading radar output or a bias audit writes an audit-log entry. The read used to write that
entry in its own read transaction, once the (slow: seconds for an audit) read was done: on
SQLite a read transaction cannot become a writer's once another writer has committed since
it began, so with people writing meanwhile the page failed at once with "database is
locked" and answered 503 "the database is busy" (seen with seven people browsing the demo:
``/radar``, ``/radar/me``, the audits and their PDF). On PostgreSQL the entry skipped the
writers' queue and could take the same place in the chain as a concurrent writer's (409).

Here people read every kind of logged page (API and HTML, the PDF too) on one served event
loop, as uvicorn serves them, while others give feedback and a background job writes, and
every read and every write must succeed, with each read's entry in an intact chain.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlalchemy as sa

from renown import audit
from renown.core.roles import Role
from renown.store import transaction
from renown.store.tables.audit import AuditEntry
from scripts.screenshots import live_server
from tests.web.conftest import Platform
from tests.web.test_feedback_api import _account_for
from tests.web.test_outside_rater_attack import _strangers

LOGGED_READS: dict[Role, tuple[str, ...]] = {
    Role.RECRUITER: ("/radar", "/api/v1/radar/prospects", "/api/v1/radar/activity"),
    Role.EMPLOYEE: ("/radar/me", "/api/v1/radar/me"),
    Role.HR: (
        "/talent/audit/prominence",
        "/api/v1/talent/audit/prominence",
        "/talent/audit/prominence.pdf",
        "/radar/flight-risk",
    ),
}
"""Pages and answers whose every read writes an audit entry, by a role that may read them."""
ROUNDS = 2
"""Times each reader reads each of its pages."""
WRITERS = 3
READ_ACTIONS = ("radar.read", "talent.audit.report")


def _logged_reads(platform: Platform) -> int:
    with platform.sessions() as session:
        count = session.scalar(
            sa.select(sa.func.count()).where(AuditEntry.action.in_(READ_ACTIONS))
        )
    return int(count or 0)


def test_logged_reads_succeed_while_others_write(platform: Platform) -> None:
    readers = [
        (platform.bearer(role).headers["Authorization"], path)
        for role, paths in LOGGED_READS.items()
        for path in paths
    ]
    people = _strangers(platform, platform.cast.employee, WRITERS + 1)
    receiver = people[0]
    writers = [_account_for(platform, giver).headers["Authorization"] for giver in people[1:]]
    reads_before = _logged_reads(platform)
    reading = threading.Event()
    reading.set()

    def read(index: int) -> list[int]:
        token, path = readers[index]
        with httpx.Client(base_url=base_url, headers={"Authorization": token}, timeout=120) as http:
            return [http.get(path).status_code for _ in range(ROUNDS)]

    def write(index: int) -> list[int]:
        """Feedback given again and again for as long as people read (at least once)."""
        codes: list[int] = []
        headers = {"Authorization": writers[index]}
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as http:
            while reading.is_set() or not codes:
                body = {"receiver_id": receiver, "text": f"busy{index}-{len(codes)}"}
                codes.append(http.post("/api/v1/feedback", json=body).status_code)
        return codes

    def background_job() -> int:
        """A worker storing results in transactions of its own meanwhile."""
        done = 0
        while reading.is_set() or not done:
            with transaction(platform.sessions) as session:
                audit.append(session, actor="system", action="test.job", subject="job")
            done += 1
        return done

    with live_server(platform.app) as base_url, ThreadPoolExecutor(len(readers) + 8) as pool:
        jobs = [pool.submit(write, index) for index in range(len(writers))]
        jobs.append(pool.submit(background_job))
        try:
            read_codes = _statuses(pool.map(read, range(len(readers))))
        finally:
            reading.clear()
        write_codes = _statuses(job.result() for job in jobs[:-1])
        job_writes = jobs[-1].result()

    assert read_codes == {200: len(readers) * ROUNDS}, read_codes
    assert set(write_codes) == {201}, write_codes
    assert job_writes > 0
    assert _logged_reads(platform) - reads_before >= len(readers) * ROUNDS
    with platform.sessions() as session:
        assert audit.verify(session) == []


def _statuses(results: Iterable[list[int]]) -> Counter[int]:
    return Counter(code for codes in results for code in codes)
