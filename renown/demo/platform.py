"""The demo installation ``renown serve --demo`` starts with: a scored synthetic organisation
and a sign-in for every role.

Seeding goes through the product's own paths, so the demo shows what a real installation
does: the people arrive as an HRIS export through the org-chart import, the interactions
as an uploaded events file through an ingest job, kudos and 360° feedback through the
recognition and feedback actions (:mod:`renown.demo.social`), rings, badges and the lake
export through a recognition job, and the scores through scoring jobs (one per month over
the last months, so profiles have a trend to chart).

Order matters: kudos and feedback reach the lake before the first scoring run, so every
run counts them, and score badges are awarded as each run is stored.

It is idempotent: every step first looks for what it would create, so a second start reuses
the organisation, accounts, lake and runs, and adds nothing. Demo passwords are fixed and
printed: this installation holds no real data and must never be exposed as if it did.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.core.errors import RenownError
from renown.core.private import private_dir, private_output
from renown.core.roles import Role
from renown.demo.challenges import seed_challenges
from renown.demo.external import seed_external
from renown.demo.org import DEFAULT_END, SyntheticOrg, generate_org
from renown.demo.radar import seed_radar
from renown.demo.social import seed_social
from renown.demo.talent import seed_talent as _talent
from renown.demo.workdays import months_before
from renown.ingest.lake import EventLake
from renown.jobs.queue import JobQueue
from renown.org.actions import do_create_org, import_org_file
from renown.recognition.job import enqueue_recognition
from renown.scoring.actions import enqueue_scoring
from renown.scoring.imports import enqueue_ingest
from renown.settings import Settings
from renown.store.engine import make_engine, session_factory, transaction
from renown.store.migrate import upgrade
from renown.store.tables.accounts import Account
from renown.store.tables.jobs import Job
from renown.store.tables.org import Organisation, Person
from renown.store.tables.recognition import Kudos
from renown.store.tables.scores import ScoringRun
from renown.worker import make_queue

DEMO_SLUG = "demo"
DEMO_NAME = "Renown Demo Ltd"
DEMO_DOMAIN = "renown-demo.example"
DEMO_SEED = 7
SCORED_MONTHS = 4
"""Monthly scoring runs ending at the end of the event window (the oldest first)."""
PUBLIC_SHARE_PERCENT = 30
"""About this share of people chose a public profile (decided by a hash of their id)."""
ROLES_IN_ORDER = (
    Role.ADMIN,
    Role.HR,
    Role.MANAGER,
    Role.EMPLOYEE,
    Role.RECRUITER,
    Role.SPONSOR,
    Role.MEMBER,
)
HRIS_COLUMNS = (
    "employee_id",
    "name",
    "email",
    "title",
    "team",
    "department",
    "manager_id",
    "hired_on",
    "left_on",
    "public_profile",
)

Step = Callable[[str], None]


@dataclass(frozen=True)
class DemoAccount:
    """One sign-in of the demo (``person``: whom a manager or employee account is)."""

    role: Role
    email: str
    password: str
    person: str | None


@dataclass(frozen=True)
class DemoAccounts:
    """What ``renown serve --demo`` prints: the organisation and how to sign in."""

    org_slug: str
    people: int
    runs: int
    accounts: tuple[DemoAccount, ...]


def demo_password(role: Role) -> str:
    """The fixed password of the demo account for ``role`` (printed on start)."""
    return f"renown-{role.value}-demo"


def seed_demo(
    settings: Settings, people: int = 3000, *, on_step: Step | None = None
) -> DemoAccounts:
    """Make sure the demo organisation exists, is scored, and has an account per role."""
    step = on_step or (lambda _message: None)
    engine = make_engine(settings.database)
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        queue = make_queue(settings.model_copy(update={"jobs_immediate": True}), sessions=sessions)
        generated: list[SyntheticOrg] = []

        def synthetic() -> SyntheticOrg:
            if not generated:
                step(f"generating a synthetic organisation of {people:,} people")
                generated.append(generate_org(people=people, seed=DEMO_SEED))
            return generated[0]

        org_id = _organisation(sessions, synthetic, step)
        accounts = _accounts(sessions, org_id, step)
        admin = next(principal for role, principal in accounts if role is Role.ADMIN)
        _events(settings, sessions, queue, admin, synthetic, step)
        _social(settings, sessions, accounts, step)
        _recognition(sessions, queue, admin, step)
        _runs(sessions, queue, admin, step)
        _talent(sessions, dict(accounts)[Role.HR], step)
        roles = dict(accounts)
        seed_radar(sessions, queue, roles[Role.HR], roles[Role.RECRUITER], step)
        seed_challenges(
            sessions, roles[Role.SPONSOR], roles[Role.MEMBER], roles[Role.EMPLOYEE], step
        )
        cast = tuple(
            p.person_id for p in (roles[Role.MANAGER], roles[Role.EMPLOYEE]) if p.person_id
        )
        seed_external(settings, sessions, org_id, cast, step)
        with sessions() as session:
            headcount = session.scalar(sa.select(sa.func.count()).where(Person.org_id == org_id))
            runs = session.scalar(sa.select(sa.func.count()).where(ScoringRun.org_id == org_id))
            listed = tuple(_listed(session, role, principal) for role, principal in accounts)
        return DemoAccounts(DEMO_SLUG, int(headcount or 0), int(runs or 0), listed)
    finally:
        engine.dispose()


def _organisation(
    sessions: sessionmaker[Session], synthetic: Callable[[], SyntheticOrg], step: Step
) -> int:
    with transaction(sessions) as session:
        org = session.scalar(sa.select(Organisation).where(Organisation.slug == DEMO_SLUG))
        if org is None:
            org = do_create_org(session, DEMO_SLUG, DEMO_NAME)
        has_people = session.scalar(sa.select(Person.id).where(Person.org_id == org.id).limit(1))
        org_id = org.id
    if has_people is None:
        csv = hris_export(synthetic().people)
        step(f"importing the org chart ({synthetic().people.height:,} people)")
        with transaction(sessions) as session:
            import_org_file(session, org_id, csv, "demo-org-chart.csv", actor="system")
    return org_id


def hris_export(people: pl.DataFrame) -> bytes:
    """The generated people as the CSV an HR system would export (``public_profile`` set
    for about :data:`PUBLIC_SHARE_PERCENT` percent of them, always the same ones)."""
    public = [
        zlib.crc32(person.encode()) % 100 < PUBLIC_SHARE_PERCENT
        for person in people.get_column("person_id").to_list()
    ]
    return (
        people.with_columns(
            pl.col("person_id").alias("employee_id"),
            pl.Series("public_profile", public),
        )
        .select(HRIS_COLUMNS)
        .write_csv()
        .encode()
    )


def _accounts(
    sessions: sessionmaker[Session], org_id: int, step: Step
) -> list[tuple[Role, Principal]]:
    """The demo account of every role, created the first time."""
    with transaction(sessions) as session:
        manager, employee = _cast(session, org_id)
        people = {Role.MANAGER: manager, Role.EMPLOYEE: employee}
        made: list[tuple[Role, Principal]] = []
        for role in ROLES_IN_ORDER:
            person = people.get(role)
            email = person.email if person and person.email else f"{role.value}@{DEMO_DOMAIN}"
            account = session.scalar(sa.select(Account).where(Account.email == email.lower()))
            if account is None:
                step(f"creating the {role.value} account {email}")
                account = do_create_account(
                    session,
                    org_id=org_id,
                    email=email,
                    password=demo_password(role),
                    role=role,
                    person_id=person.id if person else None,
                )
            made.append((role, principal_of(account)))
        return made


def _cast(session: Session, org_id: int) -> tuple[Person, Person]:
    """A middle manager with several direct reports, and one of those reports."""
    reports = sa.orm.aliased(Person)
    counted = (
        sa.select(Person.id)
        .join(reports, reports.manager_id == Person.id)
        .where(Person.org_id == org_id, Person.manager_id.is_not(None), Person.left_on.is_(None))
        .group_by(Person.id, Person.employee_id)
        .having(sa.func.count(reports.id) >= 3)
        .order_by(Person.employee_id)
        .limit(1)
    )
    manager = session.get(Person, session.scalar(counted))
    if manager is None:
        raise RenownError("the demo organisation has no manager with three reports")
    employee = session.scalar(
        sa.select(Person)
        .where(Person.manager_id == manager.id, Person.left_on.is_(None))
        .order_by(Person.employee_id)
        .limit(1)
    )
    assert employee is not None, "the manager was chosen for having reports"
    return manager, employee


def _events(
    settings: Settings,
    sessions: sessionmaker[Session],
    queue: JobQueue,
    admin: Principal,
    synthetic: Callable[[], SyntheticOrg],
    step: Step,
) -> None:
    if EventLake(settings.org_lake_dir(DEMO_SLUG)).parts():
        return
    events = synthetic().events
    step(f"uploading {events.height:,} interactions through an ingest job")
    staged = settings.uploads_dir / DEMO_SLUG / ".demo-events.parquet"
    private_dir(staged.parent)
    with private_output(staged) as temporary:
        events.write_parquet(temporary)
    with transaction(sessions) as session:
        job_id = enqueue_ingest(
            session, admin, queue, staged, name="demo-events.parquet", keep_as_upload=True
        ).id
    _require_done(sessions, job_id)


def _social(
    settings: Settings,
    sessions: sessionmaker[Session],
    accounts: list[tuple[Role, Principal]],
    step: Step,
) -> None:
    """Kudos, reactions, comments and 360° feedback, once (all in one transaction)."""
    cast = dict(accounts)
    manager, employee = cast[Role.MANAGER], cast[Role.EMPLOYEE]
    assert manager.person_id is not None and employee.person_id is not None
    with transaction(sessions) as session:
        if session.scalar(sa.select(Kudos.id).where(Kudos.org_id == manager.org_id).limit(1)):
            return
        step("giving kudos and 360° feedback through the recognition and feedback actions")
        seed_social(
            session,
            manager.org_id,
            EventLake(settings.org_lake_dir(DEMO_SLUG)).scan(),
            manager=manager.person_id,
            employee=employee.person_id,
            accounts=[principal for _role, principal in accounts],
            end=DEFAULT_END,
            seed=DEMO_SEED,
            # the one date that follows the calendar: the open request is still open today
            asked_at=max(DEFAULT_END, _today()),
        )


def _today() -> datetime:
    return datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)


def _recognition(
    sessions: sessionmaker[Session], queue: JobQueue, admin: Principal, step: Step
) -> None:
    """Rings, the lake export and badges through a recognition job, as of the demo's end."""
    with sessions() as session:
        done = session.scalar(
            sa.select(Job.id).where(
                Job.org_id == admin.org_id, Job.kind == "recognition", Job.status == "done"
            )
        )
    if done is not None:
        return
    step("exporting kudos and feedback, awarding badges through a recognition job")
    with transaction(sessions) as session:
        job_id = enqueue_recognition(session, admin, queue, as_of=DEFAULT_END).id
    _require_done(sessions, job_id)


def scoring_dates(end: datetime = DEFAULT_END, months: int = SCORED_MONTHS) -> list[datetime]:
    """As-of instants of the demo's monthly runs, oldest first, the last one at ``end``."""
    return [months_before(end, back) for back in range(months - 1, 0, -1)] + [end]


def _runs(
    sessions: sessionmaker[Session],
    queue: JobQueue,
    admin: Principal,
    step: Step,
) -> None:
    with sessions() as session:
        done = set(
            session.scalars(sa.select(ScoringRun.as_of).where(ScoringRun.org_id == admin.org_id))
        )
    for as_of in scoring_dates():
        if as_of in done:
            continue
        step(f"scoring as of {as_of:%d %b %Y} through a scoring job")
        with transaction(sessions) as session:
            job_id = enqueue_scoring(session, admin, queue, as_of=as_of).id
        _require_done(sessions, job_id)


def _require_done(sessions: sessionmaker[Session], job_id: int) -> None:
    with sessions() as session:
        job = session.get(Job, job_id)
        if job is None or job.status != "done":
            raise RenownError(f"demo seeding job {job_id} did not finish: {job and job.error}")


def _listed(session: Session, role: Role, principal: Principal) -> DemoAccount:
    person = session.get(Person, principal.person_id) if principal.person_id else None
    return DemoAccount(
        role=role,
        email=principal.email,
        password=demo_password(role),
        person=f"{person.name}, {person.title}" if person and person.title else None,
    )
