"""A small but complete renown installation for web tests: two organisations, a scoring run,
and one account per role, with signed-in and bearer-token clients.

The installation is built once per test module (``platform``): building it imports two org
charts, scores a synthetic organisation and hashes eight passwords, which is too slow to
repeat per test, while a fresh one per module keeps modules independent of each other's
writes (the authorisation matrix really revokes tokens and changes visibility).

It runs on a temporary SQLite file, and again on PostgreSQL when
``RENOWN_TEST_DATABASE_URL`` is set (in a schema of its own, dropped afterwards, so that
concurrent test sessions on the same server never see each other's rows).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import polars as pl
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import check_issue_token, do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.demo.org import generate_org
from renown.demo.platform import HRIS_COLUMNS
from renown.feedback.frameworks import do_seed_default_framework
from renown.org.actions import do_create_org, do_import_org
from renown.org.hris import parse_hris
from renown.scoring.pipeline import score_events
from renown.scoring.snapshots import store_scoring_result
from renown.settings import Settings
from renown.store.engine import make_engine, session_factory
from renown.store.migrate import upgrade
from renown.store.tables.accounts import Account
from renown.store.tables.jobs import Job
from renown.store.tables.org import Department, Person, Team
from renown.store.tables.recognition import Kudos, KudosComment, KudosRingReview
from renown.store.tables.scores import ScoreSnapshot
from renown.web.app import create_app

PASSWORD = "correct-horse-battery-staple"
ORG_PEOPLE = 120
SESSION_COOKIE = "renown_session"
CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
ALL_ROLES: tuple[Role, ...] = tuple(Role)


@dataclass(frozen=True)
class Member:
    """An account of the test installation."""

    role: Role
    account_id: int
    email: str
    person_id: int | None
    org_id: int


@dataclass(frozen=True)
class Cast:
    """The people of acme whose visibility the tests reason about (all person ids).

    ``employee`` and ``manager`` are the people behind those accounts; ``report`` reports
    to ``manager`` and ``second_level`` to ``report`` (all three private, so that only the
    reporting line makes them visible); ``public`` opted in; ``private`` did not and is
    outside both reporting lines.
    """

    employee: int
    manager: int
    report: int
    second_level: int
    public: int
    private: int
    other_person: int


@dataclass
class Platform:
    """The installation and ways to talk to it."""

    app: FastAPI
    settings: Settings
    sessions: sessionmaker[Session]
    acme_id: int
    other_id: int
    members: dict[Role, Member]
    other_hr: Member
    cast: Cast
    run_id: int
    other_run_id: int
    team_of: dict[int, int]
    """Person id -> team id (acme and other)."""
    job_id: int
    other_job_id: int
    tokens: dict[str, str] = field(default_factory=dict)
    """Bearer token per account email (issued on first use)."""
    spare_tokens: dict[str, int] = field(default_factory=dict)
    """A revocable token id per account email (never the one used to authenticate)."""
    _cookies: dict[str, tuple[str, str]] = field(default_factory=dict)

    def anonymous(self, **headers: str) -> TestClient:
        """A client without credentials that does not follow redirects."""
        return TestClient(self.app, follow_redirects=False, headers=headers)

    def form_csrf(self, client: TestClient) -> str:
        """The CSRF token of ``client``'s session, as the sign-in form carries it."""
        return csrf_of(client.get("/signin").text)

    def signin(self, client: TestClient, email: str, password: str = PASSWORD) -> int:
        """Sign ``client`` in through the form; the status of the form POST."""
        form = client.get("/signin")
        token = csrf_of(form.text)
        answer = client.post(
            "/signin",
            data={"email": email, "password": password, "csrf_token": token, "next": "/"},
        )
        return answer.status_code

    def browser(self, who: Role | Member, *, with_csrf: bool = True) -> TestClient:
        """A client signed in through the sign-in form (cookie session).

        With ``with_csrf`` every request carries the session's CSRF token header, as the
        pages' htmx requests do. Each call returns a new client on the same session; when
        a test ended that session (signing out ends it on the server), the next call signs
        in again.
        """
        member = self._member(who)
        if member.email in self._cookies:
            cookie = self._cookies[member.email][0]
            alive = TestClient(self.app, cookies={SESSION_COOKIE: cookie}).get("/api/v1/me")
            if alive.status_code != 200:
                del self._cookies[member.email]
        if member.email not in self._cookies:
            client = self.anonymous()
            status = self.signin(client, member.email)
            assert status == 303, f"sign-in as {member.email} answered {status}"
            cookie = client.cookies[SESSION_COOKIE]
            self._cookies[member.email] = (cookie, csrf_of(client.get("/signin").text))
        cookie, csrf = self._cookies[member.email]
        headers = {"X-CSRF-Token": csrf} if with_csrf else {}
        return TestClient(
            self.app,
            follow_redirects=False,
            cookies={SESSION_COOKIE: cookie},
            headers=headers,
        )

    def csrf(self, who: Role | Member) -> str:
        """The CSRF token of ``who``'s browser session."""
        self.browser(who)
        return self._cookies[self._member(who).email][1]

    def bearer(self, who: Role | Member) -> TestClient:
        """A client authenticated by an API token (no cookies, no CSRF token)."""
        member = self._member(who)
        if member.email not in self.tokens:
            with self.sessions() as session, session.begin():
                account = principal_of_account(session, member.account_id)
                _row, token = check_issue_token(session, account, "tests")
                spare, _ = check_issue_token(session, account, "spare")
                self.spare_tokens[member.email] = spare.id
            self.tokens[member.email] = token
        return TestClient(
            self.app,
            follow_redirects=False,
            headers={"Authorization": f"Bearer {self.tokens[member.email]}"},
        )

    def spare_token(self, who: Role | Member) -> int:
        """Id of a token of ``who`` that tests may revoke."""
        self.bearer(who)
        return self.spare_tokens[self._member(who).email]

    def _member(self, who: Role | Member) -> Member:
        return who if isinstance(who, Member) else self.members[who]


def csrf_of(html: str) -> str:
    """The CSRF token of a rendered form."""
    found = CSRF_INPUT.search(html)
    assert found, "no csrf_token field in the page"
    return found.group(1)


def principal_of_account(session: Session, account_id: int) -> Principal:
    """The principal an account of the installation acts as."""
    account = session.get(Account, account_id)
    assert account is not None
    return principal_of(account)


def _hris_csv(people: pl.DataFrame, public: set[str]) -> bytes:
    """The generated people as an HRIS export (what an HR team would upload)."""
    frame = people.with_columns(
        pl.col("person_id").alias("employee_id"),
        pl.col("person_id").is_in(sorted(public)).alias("public_profile"),
    ).select(HRIS_COLUMNS)
    return frame.write_csv().encode()


def _choose_cast(people: pl.DataFrame) -> dict[str, str]:
    """Employee ids for the roles the tests reason about, chosen from the reporting lines."""
    manager_of = dict(zip(people["person_id"], people["manager_id"], strict=True))
    reports: dict[str, list[str]] = {}
    for person, manager in manager_of.items():
        if manager:
            reports.setdefault(manager, []).append(person)
    # A manager two levels above someone, with no manager above them in the file's chain
    # that we would also pick: the first (sorted) person whose report manages someone.
    for manager in sorted(reports):
        for report in sorted(reports[manager]):
            if reports.get(report):
                second = sorted(reports[report])[0]
                chain = {manager, report, second}
                break
        else:
            continue
        break
    else:  # pragma: no cover - generate_org always has three levels
        raise AssertionError("no three-level reporting line in the generated org")

    def below(person: str) -> set[str]:
        found, todo = set(), [person]
        while todo:
            for child in reports.get(todo.pop(), []):
                found.add(child)
                todo.append(child)
        return found

    outside = sorted(set(manager_of) - below(manager) - chain)
    leaves = [p for p in outside if not reports.get(p)]
    employee, private, public = leaves[0], leaves[1], leaves[2]
    assert manager_of[employee] != manager, "the employee must not report to the manager"
    return {
        "manager": manager,
        "report": report,
        "second_level": second,
        "employee": employee,
        "private": private,
        "public": public,
        # HR and administrators are people of the organisation too (they give and receive
        # feedback); the recruiter is the person who opted in to a public profile.
        "hr": leaves[3],
        "admin": leaves[4],
    }


def _public_people(people: pl.DataFrame, cast: dict[str, str]) -> set[str]:
    """Every third person opts in; the cast's private people never do."""
    ids = sorted(people["person_id"].to_list())
    chosen = {p for i, p in enumerate(ids) if i % 3 == 0}
    chosen -= {cast[k] for k in ("manager", "report", "second_level", "employee", "private")}
    chosen.add(cast["public"])
    return chosen


def build_platform(database_url: str, home: Path) -> Platform:
    """Migrate ``database_url`` and fill it with the test installation."""
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    org = generate_org(people=ORG_PEOPLE)
    picks = _choose_cast(org.people)
    csv = _hris_csv(org.people, _public_people(org.people, picks))
    groups = dict(zip(org.people["person_id"], org.people["department"], strict=True))
    result = score_events(org.events, as_of=org.events["timestamp"].max(), groups=groups)
    with sessions() as session, session.begin():
        acme = do_create_org(session, "acme", "Acme Corporation")
        other = do_create_org(session, "other", "Other Limited")
        for slug in (acme, other):
            rows = parse_hris(csv, source="org.csv")
            do_import_org(session, slug.id, rows, "tests", source="org.csv")
        run = store_scoring_result(session, org_id=acme.id, result=result, actor="tests")
        other_run = store_scoring_result(session, org_id=other.id, result=result, actor="tests")
        ids = {
            (org_id, employee_id): person_id
            for org_id, employee_id, person_id in session.execute(
                sa.select(Person.org_id, Person.employee_id, Person.id)
            )
        }
        team_of = {
            person_id: team_id
            for person_id, team_id in session.execute(sa.select(Person.id, Person.team_id)).all()
            if team_id is not None
        }

        def acme_person(key: str) -> int:
            return ids[acme.id, picks[key]]

        linked = {Role.EMPLOYEE: acme_person("employee"), Role.MANAGER: acme_person("manager")}
        linked |= {
            Role.HR: acme_person("hr"),
            Role.ADMIN: acme_person("admin"),
            Role.RECRUITER: acme_person("public"),
        }
        for org_id in (acme.id, other.id):
            do_seed_default_framework(session, org_id, actor="tests")
        members = {}
        for role in ALL_ROLES:
            account = do_create_account(
                session,
                org_id=acme.id,
                email=f"{role.value}@acme.example",
                password=PASSWORD,
                role=role,
                person_id=linked.get(role),
            )
            members[role] = Member(role, account.id, account.email, account.person_id, acme.id)
        other_account = do_create_account(
            session,
            org_id=other.id,
            email="hr@other.example",
            password=PASSWORD,
            role=Role.HR,
            person_id=ids[other.id, picks["hr"]],
        )
        other_hr = Member(
            Role.HR, other_account.id, other_account.email, other_account.person_id, other.id
        )
        jobs = [
            Job(org_id=org_id, kind="scoring", status="done", progress=1.0, stage="done")
            for org_id in (acme.id, other.id)
        ]
        session.add_all(jobs)
        session.flush()
        cast = Cast(
            employee=acme_person("employee"),
            manager=acme_person("manager"),
            report=acme_person("report"),
            second_level=acme_person("second_level"),
            public=acme_person("public"),
            private=acme_person("private"),
            other_person=ids[other.id, picks["public"]],
        )
        built = (acme.id, other.id, run.id, other_run.id, jobs[0].id, jobs[1].id)
    engine.dispose()
    # Connectors are answered from an empty folder of recordings: nothing leaves the machine
    # (a test that needs answers writes its recordings there).
    (home / "recordings").mkdir(exist_ok=True)
    settings = Settings(
        home=home,
        database_url=database_url,
        secret_key="test",
        jobs_immediate=True,
        connectors_replay=home / "recordings",
    )
    app = create_app(settings)
    return Platform(
        app=app,
        settings=settings,
        sessions=app.state.sessions,
        acme_id=built[0],
        other_id=built[1],
        members=members,
        other_hr=other_hr,
        cast=cast,
        run_id=built[2],
        other_run_id=built[3],
        team_of=team_of,
        job_id=built[4],
        other_job_id=built[5],
    )


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("RENOWN_TEST_DATABASE_URL") else ["sqlite"]


@pytest.fixture(scope="module", params=_backends())
def web_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, empty database for one test module (SQLite file or PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('web-db') / 'renown.db'}"
        return
    base = os.environ["RENOWN_TEST_DATABASE_URL"]
    schema = f"renown_web_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(scope="module")
def platform(web_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The test installation of this module."""
    built = build_platform(web_database_url, tmp_path_factory.mktemp("web-home"))
    yield built
    built.app.state.engine.dispose()


# Recognition objects for web tests, written straight to the store: the monthly allowance
# and the pair cap are the domain's business (tested there and through the API), and the
# matrix needs fresh objects per request without spending anyone's allowance.

LAST_MONTH = timedelta(days=40)
"""Kudos made by :func:`add_kudos` are dated this far back: outside the current month's
allowance, inside the ring detector's window."""


def colleague_of(platform: Platform, org_id: int, person_id: int) -> int:
    """Some other person of the organisation (a receiver for ``person_id``'s kudos)."""
    with platform.sessions() as session:
        found = session.scalar(
            sa.select(Person.id)
            .where(Person.org_id == org_id, Person.id != person_id)
            .order_by(Person.id)
            .limit(1)
        )
    assert found is not None
    return int(found)


def add_kudos(
    platform: Platform,
    org_id: int,
    giver_id: int,
    receiver_id: int | None = None,
    *,
    message: str = "thanks for the help",
    discounted: bool = False,
) -> int:
    """A kudos from ``giver_id`` (to a colleague when no receiver is named); its id."""
    receiver = receiver_id if receiver_id is not None else colleague_of(platform, org_id, giver_id)
    with platform.sessions() as session, session.begin():
        kudos = Kudos(
            org_id=org_id,
            giver_id=giver_id,
            receiver_id=receiver,
            message=message,
            created_at=datetime.now(UTC) - LAST_MONTH,
            discounted=discounted,
            discount_reason="ring:0" if discounted else None,
        )
        session.add(kudos)
        session.flush()
        return int(kudos.id)


def add_kudos_comment(platform: Platform, kudos_id: int, author_id: int) -> int:
    """A comment by ``author_id`` under a kudos; its id."""
    with platform.sessions() as session, session.begin():
        comment = KudosComment(
            kudos_id=kudos_id,
            author_id=author_id,
            text="well deserved",
            created_at=datetime.now(UTC),
        )
        session.add(comment)
        session.flush()
        return int(comment.id)


def add_ring(platform: Platform, org_id: int, members: list[int]) -> int:
    """A suspected kudos ring of ``members`` awaiting HR's review; its id."""
    with platform.sessions() as session, session.begin():
        review = KudosRingReview(
            org_id=org_id,
            ring_key=uuid.uuid4().hex,
            members=sorted(members),
            evidence={"mutual_kudos": 6.0, "norm_kudos": 1.0},
            status="suspected",
            detected_at=datetime.now(UTC),
        )
        session.add(review)
        session.flush()
        return int(review.id)


def add_department(
    session: Session, org_id: int, name: str, teams: tuple[str, ...] = ()
) -> tuple[int, list[int]]:
    """A department of ``org_id`` with these teams: its id and the teams' ids (the talent
    pages' tests build a lab department of their own people this way)."""
    department = Department(org_id=org_id, name=name)
    session.add(department)
    session.flush()
    made = [Team(org_id=org_id, department_id=department.id, name=team) for team in teams]
    session.add_all(made)
    session.flush()
    return department.id, [team.id for team in made]


def add_score(session: Session, run_id: int, person_id: int, score: int, rank: int) -> None:
    """A whole-number prominence score of ``person_id`` in the scoring run ``run_id``."""
    session.add(
        ScoreSnapshot(
            run_id=run_id,
            person_id=person_id,
            score=score,
            score_exact=float(score),
            rank=rank,
            trend=None,
        )
    )
