"""Accounts, people, rounds and HTTP writers for the race tests, on the web installation,
and the checks every race makes of what its writers were answered."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa

from renown.accounts.actions import check_issue_token, do_create_account
from renown.core.clock import SystemClock
from renown.core.roles import Role
from renown.store.engine import transaction
from renown.store.tables.accounts import Account
from renown.store.tables.org import Department, Person
from renown.talent.rounds import Eligibility, RoundConfig, candidate_ids, check_open_round
from scripts.screenshots import live_server
from tests.concurrency import workers
from tests.concurrency.crews import RaceResults, Result
from tests.web.conftest import Member, Platform, principal_of_account

API = "/api/v1"
CLOCK = SystemClock()
HTTP_WRITERS = 20
"""Concurrent HTTP clients per race (issue 10: no 503 under 20 writers)."""
WRITER_PROCESSES = 2
"""Spawned processes per race, beside the HTTP writers."""
REFUSED = 422
"""The only refusal status a race may produce: a domain rule said no."""
HTTP_TIMEOUT_SECONDS = 60.0
"""Generous: a write may wait behind every other writer (and the processes) for its turn."""


@dataclass
class Colleagues:
    """Acme people without accounts that no test of the module has taken yet."""

    free: list[tuple[int, str]]
    """(person id, department name), in id order."""

    def take(self, count: int, *, department: str | None = None) -> list[int]:
        """``count`` people (of ``department`` if given), never handed out again."""
        chosen = [pid for pid, dep in self.free if department in (None, dep)][:count]
        assert len(chosen) == count, f"only {len(chosen)} free colleagues in {department}"
        self.free = [(pid, dep) for pid, dep in self.free if pid not in chosen]
        return chosen


def free_colleagues(platform: Platform) -> Colleagues:
    """Every current acme colleague without an account, outside the installation's cast."""
    cast = set(vars(platform.cast).values())
    with platform.sessions() as session:
        with_accounts = set(
            session.scalars(sa.select(Account.person_id).where(Account.person_id.is_not(None)))
        )
        rows = session.execute(
            sa.select(Person.id, Department.name)
            .outerjoin(Department, Department.id == Person.department_id)
            .where(Person.org_id == platform.acme_id, Person.left_on.is_(None))
            .order_by(Person.id)
        ).all()
    return Colleagues([(pid, dep or "") for pid, dep in rows if pid not in with_accounts | cast])


@dataclass(frozen=True)
class Writer:
    """An account that writes: its id (for processes) and API token (for HTTP clients)."""

    account_id: int
    token: str
    person_id: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def new_writer(
    platform: Platform, person_id: int | None, role: Role = Role.EMPLOYEE, email: str = ""
) -> Writer:
    """A new account (of ``person_id`` when given) and an API token for it."""
    address = email or f"race-{person_id}@acme.example"
    with transaction(platform.sessions) as session:
        account = do_create_account(
            session,
            org_id=platform.acme_id,
            email=address,
            password=None,
            role=role,
            person_id=person_id,
        )
        _row, token = check_issue_token(session, principal_of_account(session, account.id), "race")
        return Writer(account.id, token, person_id)


def member_writer(platform: Platform, member: Member) -> Writer:
    """The installation's own account ``member`` as a writer."""
    platform.bearer(member)  # issues its token on first use
    return Writer(member.account_id, platform.tokens[member.email], member.person_id)


@dataclass
class Served:
    """The installation served by uvicorn on one event loop, as ``renown serve`` does."""

    base_url: str
    _clients: list[httpx.Client] = field(default_factory=list)

    def client(self, writer: Writer) -> Caller:
        """An HTTP client of ``writer`` (closed when the server stops)."""
        made = httpx.Client(
            base_url=self.base_url, headers=writer.headers, timeout=HTTP_TIMEOUT_SECONDS
        )
        self._clients.append(made)
        return Caller(made)


@contextmanager
def served(platform: Platform) -> Iterator[Served]:
    """Serve the installation's app on a free local port for the block."""
    with live_server(platform.app) as base_url:
        server = Served(base_url)
        try:
            yield server
        finally:
            for client in server._clients:
                client.close()


@dataclass(frozen=True)
class Answer:
    """What the server answered one write: status and (for refusals) the detail.

    A write that got no answer at all (the connection failed) has status 0 and the error
    as its detail.
    """

    tag: str
    status: int
    detail: str

    @property
    def acknowledged(self) -> bool:
        return self.status in (200, 201)


@dataclass(frozen=True)
class Caller:
    """One writer's HTTP client; every write is answered with an :class:`Answer`, tagged so
    that tests can find the write again."""

    http: httpx.Client

    def post(self, tag: str, url: str, body: dict[str, Any]) -> Answer:
        return self._send(tag, "POST", url, body)

    def put(self, tag: str, url: str, body: dict[str, Any]) -> Answer:
        return self._send(tag, "PUT", url, body)

    def _send(self, tag: str, method: str, url: str, body: dict[str, Any]) -> Answer:
        try:
            response = self.http.request(method, url, json=body)
        except httpx.TransportError as error:
            return Answer(tag, 0, repr(error))
        detail = ""
        if not response.is_success:
            try:
                detail = str(response.json().get("detail"))
            except ValueError:
                detail = response.text[:500]
        return Answer(tag, response.status_code, detail)


def open_round(platform: Platform, department: str, name: str, top_n: int = 3) -> int:
    """HR opens a round whose pool is one department; its id."""
    hr = platform.members[Role.HR]
    with transaction(platform.sessions) as session:
        principal = principal_of_account(session, hr.account_id)
        opened = check_open_round(
            session,
            principal,
            name=name,
            target="Senior",
            eligibility=Eligibility(departments=(department,)),
            config=RoundConfig(top_n=top_n),
            clock=CLOCK,
        )
        return opened.id


def pool_of(platform: Platform, round_id: int) -> list[int]:
    """The round's candidates now."""
    with platform.sessions() as session:
        return candidate_ids(session, round_id)


def statuses(answers: list[list[Answer]]) -> Counter[int]:
    """How often each status was answered, over every thread's writes."""
    return Counter(a.status for thread in answers for a in thread)


def flat(answers: list[list[Answer]]) -> list[Answer]:
    """Every thread's answers in one list."""
    return [a for thread in answers for a in thread]


def committed_or_refused(outcomes: list[list[str]]) -> list[str]:
    """Every process outcome, asserting that each write was committed or cleanly refused
    (never a database error, a constraint violation or a timeout)."""
    every = [o for process in outcomes for o in process]
    errors = [o for o in every if o != workers.OK and not workers.refused(o)]
    assert not errors, errors
    return every


def only_one_succeeded(
    results: RaceResults[list[Answer]], refusal: str, *, process_tags: list[list[str]]
) -> str:
    """Assert that exactly one write of the race succeeded and every other one was refused
    with ``refusal`` (422 over HTTP); the tag of the one that succeeded.

    ``process_tags``: the tag of each process's writes, in order.
    """
    answers = flat(results.threads)
    assert set(statuses(results.threads)) <= {200, 201, REFUSED}, statuses(results.threads)
    assert all(a.detail == refusal for a in answers if a.status == REFUSED), answers
    outcomes = committed_or_refused(results.processes)
    assert set(outcomes) <= {workers.OK, f"refused: {refusal}"}, outcomes
    won = [a.tag for a in answers if a.acknowledged] + [
        tag
        for tags, process in zip(process_tags, results.processes, strict=True)
        for tag, outcome in zip(tags, process, strict=True)
        if outcome == workers.OK
    ]
    assert len(won) == 1, won
    return won[0]


def until_all_done(threads: list[Callable[[], Result]], stop: Any) -> list[Callable[[], Result]]:
    """``threads`` that set ``stop`` (an event) once the last of them is done: a background
    writer racing them runs exactly as long as they do."""
    left = [len(threads)]
    lock = threading.Lock()

    def then_stop(work: Callable[[], Result]) -> Callable[[], Result]:
        def run() -> Result:
            try:
                return work()
            finally:
                with lock:
                    left[0] -= 1
                    if left[0] == 0:
                        stop.set()

        return run

    return [then_stop(work) for work in threads]
