"""A demo installation in which one person (the subject) appears in every personal column.

The demo (:func:`renown.demo.platform.seed_demo`, small) already gives the demo employee
an account, kudos, named and anonymous feedback, a decided round with an appeal, talent
records and scores, through the product's own actions and jobs. :func:`build` then
makes the same person appear everywhere else a person can, again through the actions
where there is one: a second account with the HR role (so they sign off a round, answer
an appeal, decide a ring, plan successions and start jobs), feedback they gave (named and
anonymous, in a release), requests they made, reactions and comments, a chat identity
whose events arrive through an uploaded file, notifications and an e-mail, reports of
their own, and run outputs under the home folder. Other people's free text mentions them.
In the challenges, the employee account takes part (profile, registration, submission, a
paid prize, ratings, an accepted invitation, a sponsor's feedback) and reviews, and the HR
account posts a challenge, records a payment, invites a member and gives feedback.

The database is a SQLite file inside the home folder (so a scan of the home folder reads
the database file too), or a PostgreSQL schema when ``RENOWN_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import check_issue_token, do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.accounts.sessions import SessionLimits, do_start_session
from renown.challenges.marketplace import check_answer_invitation, check_invite
from renown.challenges.profiles import check_edit_profile
from renown.challenges.sponsor_feedback import check_give_feedback as check_sponsor_feedback
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.demo.platform import seed_demo
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.outside import do_answer_external
from renown.feedback.rater_links import ExternalRater
from renown.feedback.raters import Delivery
from renown.feedback.requests import check_request_feedback
from renown.feedback.vocabulary import Anonymity, Relationship, Visibility
from renown.ingest.lake import EventLake
from renown.notify.inapp import do_notify
from renown.notify.outbox import enqueue as enqueue_delivery
from renown.org.actions import do_create_org
from renown.radar.actions import check_set_opt_out
from renown.recognition.actions import check_comment, check_give_kudos, check_react
from renown.recognition.job import enqueue_recognition
from renown.recognition.rings import check_decide_ring
from renown.scoring.imports import enqueue_ingest
from renown.scoring.pipeline import score_events
from renown.scoring.runs import record_run, write_scores
from renown.settings import Settings
from renown.store.engine import make_engine, session_factory, transaction
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import (
    Challenge,
    ChallengeRegistration,
    ChallengeResult,
    ChallengeReview,
    ChallengeReviewer,
    ChallengeSubmission,
    PrizeLedgerEntry,
    RatingHistory,
    SkillRating,
)
from renown.store.tables.org import Identity, IdentityAlias, Person
from renown.store.tables.recognition import BadgeAward, Kudos, KudosRingReview
from renown.talent import calibration, decisions, succession
from renown.talent.board import board
from renown.talent.imports import check_import_talent_records
from renown.talent.rounds import Eligibility, RoundConfig, check_open_round, check_set_candidate
from renown.worker import make_queue

PEOPLE = 200
HANDLE = "SubjectHandle"
"""The subject's chat handle: it reaches the lake only through an uploaded file."""
OLD_ADDRESS = "kw1977@mail.example"
"""An old address of the subject's that HR mapped to them: nothing else names them so, and
it reaches the lake only through the uploaded file."""
SIGN_IN = "subject.hr@renown-demo.example"
"""The subject's second sign-in address, which the uploaded file also names them by."""


@dataclass
class Installation:
    """The installation and who is who in it."""

    settings: Settings
    sessions: sessionmaker[Session]
    org_id: int
    other_org_id: int
    other_person: int
    subject: int
    employee: Principal
    """The subject's demo employee account."""
    hr_me: Principal
    """The subject's own HR account (they act as HR too)."""
    admin: Principal
    """The demo administrator (who erases)."""
    reports: tuple[int, int]
    anonymous_receiver: int
    """A colleague with a release that holds the subject's anonymous answer."""
    outside_receiver: int
    """A report of the subject, answered anonymously by an outside rater through the
    subject's request."""
    decided_round: int


def build(home: Path, database_url: str) -> Installation:
    """The demo plus everything :mod:`tests.privacy` needs the subject to appear in."""
    settings = Settings(home=home, database_url=database_url, jobs_immediate=True)
    accounts = seed_demo(settings, people=PEOPLE)
    engine = make_engine(settings.database)
    sessions = session_factory(engine)
    clock = FixedClock(datetime.now(UTC))
    with transaction(sessions) as session:
        org_id = session.scalar(sa.select(Person.org_id).limit(1))
        assert org_id is not None
        admin_row = session.scalar(sa.select(Account).where(Account.role == Role.ADMIN.value))
        employee_email = next(a.email for a in accounts.accounts if a.role is Role.EMPLOYEE)
        employee_row = session.scalar(sa.select(Account).where(Account.email == employee_email))
        assert admin_row is not None and employee_row is not None
        subject = employee_row.person_id
        assert subject is not None
        # A second account of the same person, as installations made before one account
        # per person was enforced may hold: the export and the erasure must cover both.
        hr_row = Account(
            org_id=org_id,
            email=SIGN_IN,
            role=Role.HR.value,
            person_id=subject,
        )
        session.add(hr_row)
        session.flush()
        employee, hr_me, admin = (principal_of(a) for a in (employee_row, hr_row, admin_row))
        others = _colleagues(session, org_id, subject)
        reports = (others[0], others[1])
        for report in reports:
            person = session.get(Person, report)
            assert person is not None
            person.manager_id = subject
        session.add(Identity(org_id=org_id, person_id=subject, kind="chat", value=HANDLE.lower()))
        # an old address of theirs that HR mapped to them, by the subject's own HR account
        session.add(
            IdentityAlias(
                org_id=org_id,
                value=OLD_ADDRESS,
                person_id=subject,
                chosen_by=hr_me.actor,
            )
        )
        other = do_create_org(session, "elsewhere", "Elsewhere Ltd")
        stranger = Person(org_id=other.id, employee_id="x1", name="Someone Else")
        session.add(stranger)
        session.flush()
        other_ids = (other.id, stranger.id)
    name = _name(sessions, subject)
    with transaction(sessions) as session:
        _messages(session, employee, name, others, clock)
        anonymous_receiver = _feedback(session, employee, others, name, clock)
        outside_receiver = _outside_rater(session, employee, reports[1], clock)
        _recognition(session, employee, hr_me, others, name, clock)
        decided = _talent(session, employee, hr_me, reports, name, clock)
        _challenges(session, employee, hr_me, name, clock)
        # On the demo's radar already (its histories cover the demo employee); opted out too.
        check_set_opt_out(session, employee, opted_out=True, now=clock.now())
    _jobs_and_files(settings, sessions, hr_me, home)
    return Installation(
        settings=settings,
        sessions=sessions,
        org_id=org_id,
        other_org_id=other_ids[0],
        other_person=other_ids[1],
        subject=subject,
        employee=employee,
        hr_me=hr_me,
        admin=admin,
        reports=reports,
        anonymous_receiver=anonymous_receiver,
        outside_receiver=outside_receiver,
        decided_round=decided,
    )


def _colleagues(session: Session, org_id: int, subject: int) -> list[int]:
    """Present colleagues of the subject, outside their reporting line, by id."""
    return list(
        session.scalars(
            sa.select(Person.id)
            .where(
                Person.org_id == org_id,
                Person.id != subject,
                Person.left_on.is_(None),
                Person.manager_id.is_not(None),
            )
            .order_by(Person.id)
            .limit(12)
        )
    )


def _name(sessions: sessionmaker[Session], person_id: int) -> str:
    with sessions() as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person.name


def _as(session: Session, person_id: int) -> Principal:
    """A colleague acting without an account (as the demo's seeded colleagues do)."""
    from renown.demo.social import SeededColleague

    org_id = session.scalar(sa.select(Person.org_id).where(Person.id == person_id))
    assert org_id is not None
    return SeededColleague(
        account_id=0, org_id=org_id, role=Role.EMPLOYEE, person_id=person_id, email=""
    )


def _messages(
    session: Session, employee: Principal, name: str, others: list[int], clock: FixedClock
) -> None:
    check_issue_token(session, employee, "laptop")
    now = clock.now()
    limits = SessionLimits(timedelta(minutes=30), timedelta(hours=8))
    do_start_session(session, employee.account_id, now=now, limits=limits, user_agent="Firefox")
    org = employee.org_id
    do_notify(session, org_id=org, account_id=employee.account_id, kind="t", text="hi", now=now)
    do_notify(
        session, org_id=org, person_id=others[5], kind="t", text=f"{name} thanked you", now=now
    )
    person = session.get(Person, employee.person_id)
    assert person is not None and person.email
    enqueue_delivery(
        session,
        org_id=employee.org_id,
        channel="email",
        dedupe_key="privacy-test",
        recipient=person.email,
        subject="You earned a badge",
        body=f"Well done, {name}",
        clock=clock,
    )


def _feedback(
    session: Session, employee: Principal, others: list[int], name: str, clock: FixedClock
) -> int:
    """Named and anonymous feedback by the subject; the anonymous one lands in a release."""
    receiver = others[2]
    check_give_feedback(
        session,
        employee,
        receiver_id=others[3],
        answer=Answer(f"Clear writing, says {name}", {}),
        relationship=Relationship.PEER,
        clock=clock,
    )
    for giver in [employee.person_id, *others[6:10]]:
        assert giver is not None
        who = employee if giver == employee.person_id else _as(session, giver)
        check_give_feedback(
            session,
            who,
            receiver_id=receiver,
            answer=Answer(f"anonymous words from {giver}", {}),
            visibility=Visibility.PRIVATE,
            anonymous=True,
            relationship=Relationship.PEER,
            clock=clock,
        )
    for n, giver in enumerate(others[6:8]):  # pending: fewer than a release needs
        check_give_feedback(
            session,
            _as(session, giver),
            receiver_id=employee.person_id or 0,
            answer=Answer(f"pending anonymous answer {n} about the subject", {}),
            anonymous=True,
            relationship=Relationship.OTHER,
            clock=clock,
        )
    check_give_feedback(
        session,
        _as(session, others[4]),
        receiver_id=others[5],
        answer=Answer(f"Worked well with {name} on the launch", {}),
        relationship=Relationship.PEER,
        clock=clock,
    )
    check_request_feedback(
        session,
        employee,
        person_ids=[others[10], others[11]],
        expires_at=clock.now() + timedelta(days=30),
        message="How am I doing?",
    )
    return receiver


def _outside_rater(session: Session, employee: Principal, report: int, clock: FixedClock) -> int:
    """The subject asks an outside rater about a report; the rater answers anonymously."""
    created = check_request_feedback(
        session,
        employee,
        subject_id=report,
        external=[ExternalRater("client@outside.example", "A Client")],
        expires_at=clock.now() + timedelta(days=30),
        anonymity=Anonymity.ALLOWED,
        delivery=Delivery.MAIL,  # mailed to the rater alone: the answer may be anonymous
    )
    [token] = created.links.values()
    do_answer_external(session, token, Answer("sharp and kind", {}), anonymous=True, clock=clock)
    return report


def _recognition(
    session: Session,
    employee: Principal,
    hr_me: Principal,
    others: list[int],
    name: str,
    clock: FixedClock,
) -> None:
    thanks = check_give_kudos(
        session, _as(session, others[0]), others[1], f"Thanks, also to {name}!", clock=clock
    )
    check_react(session, employee, thanks.id, "tada", clock=clock)
    check_comment(session, employee, thanks.id, "Agreed", clock=clock)
    subject = employee.person_id
    assert subject is not None
    if session.scalar(sa.select(BadgeAward.id).where(BadgeAward.person_id == subject)) is None:
        session.add(
            BadgeAward(
                org_id=employee.org_id,
                person_id=subject,
                badge="privacy-test",
                awarded_at=clock.now(),
                reason="seeded",
                rule_hash="0" * 64,
            )
        )
    ring = KudosRingReview(
        org_id=employee.org_id,
        ring_key="privacy-test",
        members=sorted([subject, others[0]]),
        evidence={"mutual_kudos": 6.0},
        status="suspected",
        detected_at=clock.now(),
    )
    session.add(ring)
    session.flush()
    check_decide_ring(session, hr_me, ring.id, "dismiss", clock=clock, reason=f"{name} is fine")
    assert session.scalar(sa.select(Kudos.id).where(Kudos.giver_id == subject)) is not None


def _completed(session: Session, org_id: int, sponsor: int, title: str, at: datetime) -> int:
    challenge = Challenge(
        org_id=org_id,
        sponsor_account_id=sponsor,
        sponsor_name="Community",
        title=title,
        specification="Build it.",
        kind="development",
        registration_starts_at=at - timedelta(days=6),
        registration_ends_at=at - timedelta(days=4),
        submission_ends_at=at - timedelta(days=3),
        review_ends_at=at - timedelta(days=2),
        appeals_ends_at=at - timedelta(days=1),
        phase="completed",
        published_at=at - timedelta(days=7),
        completed_at=at,
    )
    session.add(challenge)
    session.flush()
    return challenge.id


def _entry(
    session: Session, challenge_id: int, account_id: int, rank: int, at: datetime
) -> ChallengeSubmission:
    session.add(ChallengeRegistration(challenge_id=challenge_id, account_id=account_id))
    submission = ChallengeSubmission(
        challenge_id=challenge_id,
        account_id=account_id,
        version=1,
        submitted_at=at - timedelta(days=3, hours=1),
        url=f"https://git.example/{account_id}",
        sha256="0" * 64,
    )
    session.add(submission)
    session.flush()
    session.add(
        ChallengeResult(
            challenge_id=challenge_id,
            account_id=account_id,
            submission_id=submission.id,
            score=90.0 - rank,
            rank=rank,
            place=rank,
            passed=True,
            decided_at=at,
        )
    )
    return submission


def _challenges(
    session: Session, employee: Principal, hr_me: Principal, name: str, clock: FixedClock
) -> None:
    """The subject's employee account competes, wins a paid prize and reviews; their HR
    account posts, records a payment, invites and gives feedback."""
    org, now = employee.org_id, clock.now()
    sponsor, rival = (
        principal_of(do_create_account(session, org_id=org, email=email, password=None, role=role))
        for email, role in (
            ("sponsor@community.example", Role.SPONSOR),
            ("rival@community.example", Role.MEMBER),
        )
    )
    session.flush()
    won = _completed(session, org, sponsor.account_id, "Billing export", now)
    _entry(session, won, employee.account_id, 1, now)
    rival_entry = _entry(session, won, rival.account_id, 2, now)
    session.add(
        PrizeLedgerEntry(
            org_id=org,
            challenge_id=won,
            account_id=employee.account_id,
            kind="placement",
            place=1,
            amount_cents=100_00,
            currency="EUR",
            owed_at=now,
            paid_at=now,
            paid_by_account_id=hr_me.account_id,
            reference=f"transfer to {name}",
        )
    )
    if session.get(SkillRating, employee.account_id) is None:  # the demo may have rated them
        session.add(
            SkillRating(
                account_id=employee.account_id, org_id=org, mu=27.0, sigma=8.0, updated_at=now
            )
        )
    session.add(
        RatingHistory(
            account_id=employee.account_id, challenge_id=won, mu=27.0, sigma=8.0, rank=1, at=now
        )
    )
    # the employee account reviewed a challenge the HR account posted
    posted = _completed(session, org, hr_me.account_id, "Posted by the subject", now)
    session.add(ChallengeReviewer(challenge_id=posted, account_id=employee.account_id))
    reviewed = _entry(session, posted, rival.account_id, 1, now)
    session.add(
        ChallengeReview(
            challenge_id=posted,
            submission_id=reviewed.id,
            reviewer_account_id=employee.account_id,
            answers={"quality": 9.0},
            comment="solid",
            score=90.0,
            submitted_at=now,
            updated_at=now,
        )
    )
    assert rival_entry.id
    for who, display in ((employee, "Subject Member"), (rival, "Rival")):
        check_edit_profile(
            session,
            who,
            display_name=display,
            headline=f"Works with {name}" if who is rival else "Engineer",
            skills=["python"],
            availability="available",
            listed=True,
            now=now,
        )
    invitation = check_invite(
        session, sponsor, employee.account_id, title="Private work", message="Join us", now=now
    )
    check_answer_invitation(session, employee, invitation.id, accept=True, now=now)
    check_invite(
        session, hr_me, rival.account_id, title="More work", message=f"From {name}", now=now
    )
    check_sponsor_feedback(
        session, sponsor, won, employee.account_id, stars=5, text=f"Great, {name}", now=now
    )
    check_sponsor_feedback(session, hr_me, posted, rival.account_id, stars=4, text="Good", now=now)


def _talent(
    session: Session,
    employee: Principal,
    hr_me: Principal,
    reports: tuple[int, int],
    name: str,
    clock: FixedClock,
) -> int:
    """A round the subject opened, calibrated and signed off (as HR), in which they are a
    candidate who appealed; succession plans naming them; a rating they gave."""
    subject = employee.person_id
    assert subject is not None
    round_ = check_open_round(
        session,
        hr_me,
        name="Privacy round",
        target="Lead",
        eligibility=Eligibility(),
        config=RoundConfig(top_n=3),
        clock=clock,
    )
    meeting = calibration.check_open_session(session, hr_me, round_.id, "Review", clock=clock)
    grid = calibration.nine_box(session, hr_me, round_.id, session_id=meeting.id)
    boxes = {row.person_id: row.box for row in grid.rows}
    box = boxes.get(subject) or (2, 2)
    target = (1 if box[0] > 1 else 2, box[1])
    calibration.check_move(
        session, hr_me, round_.id, meeting.id, subject, target, f"{name} led the launch",
        clock=clock,
    )  # fmt: skip
    check_set_candidate(
        session, hr_me, round_.id, reports[0], included=False, reason="on leave", clock=clock
    )
    top = board(session, hr_me, round_.id).recommended
    overrides = {subject: f"{name} is kept back"} if subject in top else {}
    decisions.check_sign_off(
        session,
        hr_me,
        round_.id,
        promoted=[p for p in top if p != subject],
        reason=f"Signed off; {name} asked to wait",
        override_reasons=overrides,
        clock=clock,
    )
    appeal = decisions.check_file_appeal(session, employee, round_.id, "Please look", clock=clock)
    decisions.check_answer_appeal(
        session, hr_me, appeal.id, upheld=False, answer="Not this time", clock=clock
    )
    plan = succession.check_create_plan(
        session, hr_me, role_name="Head of privacy", incumbent_id=subject, clock=clock
    )
    other_plan = succession.check_create_plan(
        session, hr_me, role_name="Head of tests", incumbent_id=reports[0], clock=clock
    )
    succession.check_add_successor(
        session, hr_me, other_plan.id, subject, readiness="now", reason="ready", clock=clock
    )
    assert plan.id
    me = session.get(Person, subject)
    report = session.get(Person, reports[1])
    assert me is not None and report is not None
    records = (
        "employee_id,period,performance_rating,rated_by,"
        "external_network,external_score,external_observed_on\n"
        f"{report.employee_id},2027,4,{me.employee_id},,,\n"
        f"{me.employee_id},,,,github,55,2026-05-01\n"
    )
    check_import_talent_records(session, hr_me, records.encode(), "ratings.csv", clock=clock)
    return round_.id


def _jobs_and_files(
    settings: Settings, sessions: sessionmaker[Session], hr_me: Principal, home: Path
) -> None:
    """An upload naming the subject's chat handle, a recognition job (both started by the
    subject's HR account), and scores written under the home folder."""
    queue = make_queue(settings, sessions=sessions)
    upload = home / "chat.csv"
    upload.write_text(
        "actor,target,timestamp,channel\n"
        f"@{HANDLE},p0001,2026-06-01T10:00:00Z,chat\n"
        f"p0002,@{HANDLE},2026-06-02T10:00:00Z,chat\n"
        f"{OLD_ADDRESS},p0003,2026-06-03T10:00:00Z,email\n"
        f"p0004,{SIGN_IN.upper()},2026-06-04T10:00:00Z,email\n"
        f"p0005,p0006,2026-06-05T10:00:00Z,email\n"
    )
    with transaction(sessions) as session:
        enqueue_ingest(session, hr_me, queue, upload, name="chat.csv", keep_as_upload=True)
    with transaction(sessions) as session:
        enqueue_recognition(session, hr_me, queue)
    with sessions() as session:
        slug = session.scalar(sa.text("SELECT slug FROM organisations ORDER BY id LIMIT 1"))
    events = EventLake(settings.org_lake_dir(str(slug))).scan().collect()
    result = score_events(events)
    record_run(result, settings.runs_dir)
    write_scores(result, settings.runs_dir / "exports" / "scores.csv")
    write_scores(result, settings.runs_dir / "exports" / "scores.json", "json")
