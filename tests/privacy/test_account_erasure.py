"""Erasing an account without a person (a community member, a sponsor of the challenges):
afterwards no table, and no file under the home folder, names its e-mail, its marketplace
display name or ``account:<id>``; what others rely on stays (the challenge's other results,
other members' ratings, a challenge the sponsor posted, a payment it recorded, feedback it
gave) and the audit chain still verifies.

The member of :func:`community` registered, submitted, was reviewed and appealed, won a
paid and an unpaid prize, has a rating and its history, a listed profile, an accepted
invitation, a sponsor's feedback, sessions, a token, notifications, an e-mail, events in
the lake under their address, and reviewed another member's work; others' free text
mentions them. The scans are independent of the erasure's code: they read every column
of every table (the SQLite file's bytes too) and every file under the home folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

import renown.store.tables  # noqa: F401 - registers every table
from renown import audit
from renown.accounts.actions import check_issue_token, do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.accounts.sessions import SessionLimits, do_start_session
from renown.challenges.marketplace import check_answer_invitation, check_invite
from renown.challenges.profiles import check_edit_profile
from renown.challenges.sponsor_feedback import check_give_feedback
from renown.core.clock import FixedClock
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.events import event_key
from renown.core.roles import Role
from renown.ingest.lake import EventLake
from renown.ingest.schema import EVENT_SCHEMA
from renown.notify.inapp import do_notify
from renown.notify.outbox import enqueue as enqueue_delivery
from renown.org.actions import do_create_org, import_org_file
from renown.privacy.erase import Erasure, check_erase_account
from renown.privacy.registry import PERSONAL_COLUMNS, Erase, Names
from renown.settings import Settings
from renown.store import transaction
from renown.store.base import Base
from renown.store.tables.accounts import Account
from renown.store.tables.audit import AuditEntry
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAppeal,
    ChallengeRegistration,
    ChallengeResult,
    ChallengeReview,
    ChallengeSubmission,
    MarketplaceInvitation,
    PrizeLedgerEntry,
    RatingHistory,
    SkillRating,
    SponsorFeedback,
)
from renown.store.tables.org import Person
from tests.org.orgchart import SMALL_CHART

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
MEMBER_EMAIL = "zoe.quartz@community.example"
DISPLAY = "Zoe Quartz"
RIVAL_DISPLAY = "Rival Ray"


@dataclass(frozen=True)
class Community:
    """Who is who in the small community."""

    settings: Settings
    sessions: sessionmaker[Session]
    org_id: int
    admin: Principal
    hr: Principal
    """HR with a person of the org chart."""
    sponsor: Principal
    member: Principal
    rival: Principal
    staff_account: int
    """An employee's account (it has a person)."""
    other_org_member: int
    won: int
    """The challenge the member won (the sponsor's)."""
    reviewed: int
    """A challenge in which the member reviewed the rival's work."""


def _account(session: Session, org_id: int, email: str, role: Role, **kw: Any) -> Principal:
    account = do_create_account(
        session, org_id=org_id, email=email, password=None, role=role, actor="test", **kw
    )
    session.flush()
    return principal_of(account)


def _challenge(session: Session, org_id: int, sponsor: int, title: str) -> int:
    challenge = Challenge(
        org_id=org_id,
        sponsor_account_id=sponsor,
        sponsor_name="Community",
        title=title,
        specification="Build it.",
        kind="development",
        registration_starts_at=NOW - timedelta(days=6),
        registration_ends_at=NOW - timedelta(days=4),
        submission_ends_at=NOW - timedelta(days=3),
        review_ends_at=NOW - timedelta(days=2),
        appeals_ends_at=NOW - timedelta(days=1),
        phase="completed",
        published_at=NOW - timedelta(days=7),
        completed_at=NOW,
    )
    session.add(challenge)
    session.flush()
    return challenge.id


def _enter(session: Session, challenge_id: int, account_id: int, rank: int) -> int:
    """Registration, a submission and a result (placed at ``rank``); the submission's id."""
    session.add(ChallengeRegistration(challenge_id=challenge_id, account_id=account_id))
    submission = ChallengeSubmission(
        challenge_id=challenge_id,
        account_id=account_id,
        version=1,
        submitted_at=NOW - timedelta(days=3, hours=1),
        url=f"https://git.example/entry-{account_id}",
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
            decided_at=NOW,
        )
    )
    return submission.id


def _review(session: Session, challenge_id: int, submission: int, reviewer: int) -> int:
    review = ChallengeReview(
        challenge_id=challenge_id,
        submission_id=submission,
        reviewer_account_id=reviewer,
        answers={"quality": 8.0},
        comment="solid",
        score=80.0,
        submitted_at=NOW - timedelta(days=2, hours=3),
        updated_at=NOW - timedelta(days=2, hours=3),
    )
    session.add(review)
    session.flush()
    return review.id


def _prize(session: Session, org_id: int, challenge_id: int, account: int, **kw: Any) -> None:
    session.add(
        PrizeLedgerEntry(
            org_id=org_id,
            challenge_id=challenge_id,
            account_id=account,
            amount_cents=kw.pop("amount", 100_00),
            currency="EUR",
            owed_at=NOW,
            **kw,
        )
    )


def _rate(session: Session, org_id: int, account: int, challenge_id: int, rank: int) -> None:
    session.add(
        SkillRating(account_id=account, org_id=org_id, mu=25.0 + rank, sigma=7.0, updated_at=NOW)
    )
    session.add(
        RatingHistory(
            account_id=account,
            challenge_id=challenge_id,
            mu=25.0 + rank,
            sigma=7.0,
            rank=rank,
            at=NOW,
        )
    )


@pytest.fixture
def community(db: sessionmaker[Session], database_url: str, tmp_path: Path) -> Community:
    settings = Settings(home=tmp_path, database_url=database_url)
    clock = FixedClock(NOW)
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme")
        import_org_file(session, org.id, SMALL_CHART, "chart.csv", actor="test")
        ada, ben = (
            session.scalar(sa.select(Person.id).where(Person.employee_id == e))
            for e in ("e1", "e2")
        )
        admin = _account(session, org.id, "admin@acme.example", Role.ADMIN)
        hr = _account(session, org.id, "hr@acme.example", Role.HR, person_id=ada)
        staff = _account(session, org.id, "ben@acme.example", Role.EMPLOYEE, person_id=ben)
        sponsor = _account(session, org.id, "sponsor@community.example", Role.SPONSOR)
        member = _account(session, org.id, MEMBER_EMAIL, Role.MEMBER)
        rival = _account(session, org.id, "rival@community.example", Role.MEMBER)
        other = do_create_org(session, "elsewhere", "Elsewhere")
        stranger = _account(session, other.id, "stranger@community.example", Role.MEMBER)
        for who, display, headline in (
            (member, DISPLAY, "Engineer"),
            (rival, RIVAL_DISPLAY, f"Teamed up with {DISPLAY}"),
        ):
            check_edit_profile(
                session,
                who,
                display_name=display,
                headline=headline,
                skills=["python"],
                availability="available",
                listed=True,
                now=NOW,
            )
        won = _challenge(session, org.id, sponsor.account_id, "Billing export")
        mine = _enter(session, won, member.account_id, 1)
        rivals = _enter(session, won, rival.account_id, 2)
        review = _review(session, won, mine, hr.account_id)
        _review(session, won, rivals, hr.account_id)
        session.add(
            ChallengeAppeal(
                challenge_id=won,
                review_id=review,
                question="quality",
                text="Look again",
                raised_at=NOW - timedelta(days=1, hours=12),
                response="Fair",
                outcome="upheld",
                previous_value=7.0,
                new_value=8.0,
                answered_at=NOW - timedelta(days=1, hours=6),
            )
        )
        _prize(
            session,
            org.id,
            won,
            member.account_id,
            kind="placement",
            place=1,
            paid_at=NOW,
            paid_by_account_id=sponsor.account_id,
            reference=f"transfer to {DISPLAY}",
        )
        _prize(session, org.id, won, member.account_id, kind="checkpoint", place=1, amount=50_00)
        _prize(session, org.id, won, rival.account_id, kind="placement", place=2, amount=50_00)
        _rate(session, org.id, member.account_id, won, 1)
        _rate(session, org.id, rival.account_id, won, 2)
        # the member reviewed the rival's work in another challenge
        reviewed = _challenge(session, org.id, sponsor.account_id, "Search box")
        _review(
            session, reviewed, _enter(session, reviewed, rival.account_id, 1), member.account_id
        )
        invitation = check_invite(
            session,
            sponsor,
            member.account_id,
            title="Private work",
            message=f"Dear {DISPLAY}, join us",
            now=NOW,
        )
        check_answer_invitation(session, member, invitation.id, accept=True, now=NOW)
        check_invite(session, sponsor, rival.account_id, title="More", message="Hi", now=NOW)
        check_give_feedback(
            session, sponsor, won, member.account_id, stars=5, text="Great work", now=NOW
        )
        check_give_feedback(
            session,
            sponsor,
            won,
            rival.account_id,
            stars=4,
            text=f"Close behind {DISPLAY}; write to {MEMBER_EMAIL.upper()}",
            now=NOW,
        )
        check_issue_token(session, member, "laptop")
        do_start_session(
            session,
            member.account_id,
            now=NOW,
            limits=SessionLimits(timedelta(minutes=30), timedelta(hours=8)),
            user_agent="Firefox",
        )
        do_notify(
            session,
            org_id=org.id,
            account_id=rival.account_id,
            kind="t",
            text=f"{DISPLAY} ({MEMBER_EMAIL}) beat you",
            now=NOW,
        )
        enqueue_delivery(
            session,
            org_id=org.id,
            channel="email",
            dedupe_key="account-erasure",
            recipient=MEMBER_EMAIL,
            subject="You won",
            body=f"Well done, {DISPLAY}",
            clock=clock,
        )
        ids = (org.id, staff.account_id, stranger.account_id)
    EventLake(settings.org_lake_dir("acme")).append(
        pl.DataFrame(
            {
                "event_key": [event_key("account-erasure", i) for i in range(2)],
                "actor": [MEMBER_EMAIL, "e3"],
                "target": ["e1", "e1"],
                "timestamp": [NOW - timedelta(days=30)] * 2,
                "channel": ["email"] * 2,
                "kind": ["to"] * 2,
                "weight": [1.0] * 2,
                "source": ["test"] * 2,
            },
            schema=EVENT_SCHEMA,
        )
    )
    return Community(
        settings=settings,
        sessions=db,
        org_id=ids[0],
        admin=admin,
        hr=hr,
        sponsor=sponsor,
        member=member,
        rival=rival,
        staff_account=ids[1],
        other_org_member=ids[2],
        won=won,
        reviewed=reviewed,
    )


def _erase(community: Community, who: Principal, *, by: Principal | None = None) -> Erasure:
    with community.sessions() as session:
        return check_erase_account(
            session,
            community.settings,
            by or community.admin,
            who.account_id,
            f"{who.email} asked to be forgotten",
            confirm_email=who.email.upper(),
        )


def _finder(*words: str, account_id: int) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:{alternatives})|(?:account:{account_id})(?!\d)", re.IGNORECASE)


def _tables_naming(community: Community, finder: re.Pattern[str], account_id: int) -> list[str]:
    """Every column of every table: references to the account, text that names it."""
    found: list[str] = []
    with community.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(sa.select(table)):
                for column in table.c:
                    value = getattr(row, column.name)
                    referenced = {fk.target_fullname for fk in column.foreign_keys}
                    if "accounts.id" in referenced and value == account_id:
                        found.append(f"{table.name}.{column.name} references the account")
                    if table.name == "accounts" and column.name == "id" and value == account_id:
                        found.append("accounts.id: the account is still there")
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    if isinstance(value, str) and (hit := finder.search(value)):
                        found.append(f"{table.name}.{column.name}: {hit.group(0)!r}")
    return found


def _files_naming(community: Community, finder: re.Pattern[str]) -> list[str]:
    """Every file under the home folder (Parquet by its text columns), and the SQLite file."""
    found: list[str] = []
    pattern = re.compile(finder.pattern.encode(), re.IGNORECASE)
    paths = [p for p in community.settings.home.rglob("*") if p.is_file()]
    url = sa.make_url(str(community.settings.database_url))
    if url.get_backend_name() == "sqlite" and url.database:
        paths += [p for p in (Path(url.database), Path(f"{url.database}-wal")) if p.is_file()]
    for path in sorted(paths):
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            text = "\n".join(
                "\n".join(frame.get_column(c).drop_nulls().cast(pl.String))
                for c in frame.columns
                if frame.schema[c] == pl.String
            )
            if hit := finder.search(text):
                found.append(f"{path}: {hit.group(0)!r}")
        elif hit_bytes := pattern.search(path.read_bytes()):
            found.append(f"{path}: {hit_bytes.group(0)!r}")
    return found


def _audit_count(community: Community) -> int:
    with community.sessions() as session:
        return int(session.scalar(sa.select(sa.func.count(AuditEntry.id))) or 0)


def test_the_registry_and_the_account_cascades_agree() -> None:
    """Every column naming an account is deleted with it (ON DELETE CASCADE) exactly when
    the registry says erasure deletes its rows, and cleared (SET NULL) when it says clear:
    deleting an account row can take nothing along that the registry would keep."""
    declared = {
        (s.table, s.column): s.erase
        for s in PERSONAL_COLUMNS
        if s.names is Names.ACCOUNT and s.table in Base.metadata.tables
    }
    wrong: list[str] = []
    for table in Base.metadata.sorted_tables:
        for column in table.c:
            for key in column.foreign_keys:
                if key.target_fullname != "accounts.id":
                    continue
                erase = declared.get((table.name, column.name))
                wanted = {Erase.DELETE: "CASCADE", Erase.CLEAR: "SET NULL"}.get(erase)  # type: ignore[arg-type]
                if wanted is None or key.ondelete != wanted:
                    wrong.append(
                        f"{table.name}.{column.name}: {erase} but ON DELETE {key.ondelete}"
                    )
                if erase is Erase.CLEAR and not column.nullable:
                    wrong.append(f"{table.name}.{column.name}: cleared but NOT NULL")
    assert not wrong, wrong
    assert len(declared) >= 20


def test_nothing_names_the_member_afterwards(community: Community) -> None:
    member = community.member.account_id
    finder = _finder(MEMBER_EMAIL, DISPLAY, account_id=member)
    assert len(_tables_naming(community, finder, member)) > 20  # the scan sees them before
    assert _files_naming(community, finder)
    erasure = _erase(community, community.member)
    assert not _tables_naming(community, finder, member)
    assert not _files_naming(community, finder)
    assert erasure.files.lake_events == 1 and erasure.rows["accounts.id"] == 1
    for column in (
        "challenge_registrations.account_id",
        "challenge_submissions.account_id",
        "challenge_results.account_id",
        "challenge_reviews.reviewer_account_id",
        "prize_ledger.account_id",
        "skill_ratings.account_id",
        "rating_history.account_id",
        "member_profiles.account_id",
        "marketplace_invitations.member_account_id",
        "sponsor_feedback.member_account_id",
        "api_tokens.account_id",
        "web_sessions.account_id",
        "notifications.account_id",
        "notification_deliveries.recipient",
        "audit_personal_values.account_id",
    ):
        assert erasure.rows.get(column, 0) >= 1, column
    assert erasure.rows["prize_ledger.account_id"] == 2  # paid and unpaid
    assert erasure.decisions == 0 and erasure.rings == 0


def test_the_challenges_other_results_and_ratings_stay(community: Community) -> None:
    def kept() -> dict[str, Any]:
        rival = community.rival.account_id
        with community.sessions() as session:
            return {
                "results": session.execute(
                    sa.select(ChallengeResult.challenge_id, ChallengeResult.rank)
                    .where(ChallengeResult.account_id == rival)
                    .order_by(ChallengeResult.challenge_id)
                ).all(),
                "rating": session.execute(
                    sa.select(SkillRating.mu, SkillRating.sigma).where(
                        SkillRating.account_id == rival
                    )
                ).all(),
                "history": session.execute(
                    sa.select(RatingHistory.mu, RatingHistory.rank).where(
                        RatingHistory.account_id == rival
                    )
                ).all(),
                "prizes": session.execute(
                    sa.select(PrizeLedgerEntry.amount_cents, PrizeLedgerEntry.paid_at).where(
                        PrizeLedgerEntry.account_id == rival
                    )
                ).all(),
                "submissions": session.scalar(
                    sa.select(sa.func.count(ChallengeSubmission.id)).where(
                        ChallengeSubmission.account_id == rival
                    )
                ),
                "challenges": session.scalars(
                    sa.select(Challenge.id).where(Challenge.org_id == community.org_id)
                ).all(),
                "invitations": session.scalar(
                    sa.select(sa.func.count(MarketplaceInvitation.id)).where(
                        MarketplaceInvitation.member_account_id == rival
                    )
                ),
            }

    before = kept()
    assert len(before["results"]) == 2 and before["rating"] and before["prizes"]
    erasure = _erase(community, community.member)
    assert kept() == before
    with community.sessions() as session:
        # the review the member wrote of the rival's work goes; the rival's own review stays
        reviews = session.scalars(
            sa.select(ChallengeReview.reviewer_account_id).where(
                ChallengeReview.challenge_id.in_([community.won, community.reviewed])
            )
        ).all()
        assert reviews == [community.hr.account_id]
        feedback = session.scalar(
            sa.select(SponsorFeedback).where(
                SponsorFeedback.member_account_id == community.rival.account_id
            )
        )
        assert feedback is not None and feedback.sponsor_account_id == community.sponsor.account_id
        assert feedback.text == f"Close behind {erasure.pseudonym}; write to {erasure.pseudonym}"
        headline = session.execute(
            sa.text("SELECT headline FROM member_profiles WHERE account_id = :a"),
            {"a": community.rival.account_id},
        ).scalar_one()
        assert headline == f"Teamed up with {erasure.pseudonym}"
        assert session.scalar(sa.select(sa.func.count(ChallengeAppeal.id))) == 0


def test_the_erasure_is_audited_under_the_pseudonym_and_the_chain_verifies(
    community: Community,
) -> None:
    erasure = _erase(community, community.member)
    with community.sessions() as session:
        assert audit.verify(session) == []
        last = session.scalar(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        redaction = session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "audit.redact").limit(1)
        )
        named = session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.subject == erasure.pseudonym)
        )
    assert last is not None and redaction is not None
    assert last.action == "account.erase" and last.subject == erasure.pseudonym
    assert last.actor == community.admin.actor
    assert last.payload["reason"] == f"{erasure.pseudonym} asked to be forgotten"
    assert last.payload["rows"]["accounts.id"] == 1
    assert len(redaction.payload["entries"]) == erasure.audit_entries >= 5
    assert named and named >= 3  # account.create, the invitation, the feedback, the erasure


def test_a_sponsors_challenge_payment_and_feedback_stay_without_it(
    community: Community,
) -> None:
    erasure = _erase(community, community.sponsor, by=community.hr)
    finder = _finder(community.sponsor.email, account_id=community.sponsor.account_id)
    assert not _tables_naming(community, finder, community.sponsor.account_id)
    with community.sessions() as session:
        won = session.get(Challenge, community.won)
        assert won is not None and won.sponsor_account_id is None and won.title
        paid = session.scalar(
            sa.select(PrizeLedgerEntry).where(PrizeLedgerEntry.paid_at.is_not(None))
        )
        assert paid is not None and paid.paid_by_account_id is None
        assert paid.account_id == community.member.account_id
        given = session.scalars(sa.select(SponsorFeedback)).all()
        assert len(given) == 2 and {f.sponsor_account_id for f in given} == {None}
        # an invitation is a message between the two accounts: it goes with either
        assert session.scalar(sa.select(sa.func.count(MarketplaceInvitation.id))) == 0
        assert session.get(Account, community.member.account_id) is not None
    assert erasure.rows["challenges.sponsor_account_id"] == 2
    assert erasure.rows["prize_ledger.paid_by_account_id"] == 1
    assert erasure.rows["sponsor_feedback.sponsor_account_id"] == 2


def test_refusals_change_nothing(community: Community) -> None:
    settings, member = community.settings, community.member
    before = _audit_count(community)

    def erase(by: Principal, account_id: int, reason: str = "asked", confirm: str = "") -> None:
        with community.sessions() as session:
            check_erase_account(
                session, settings, by, account_id, reason, confirm_email=confirm or member.email
            )

    with pytest.raises(Invalid, match="erase the person instead"):
        erase(community.admin, community.staff_account, confirm="ben@acme.example")
    with pytest.raises(NotFound):
        erase(community.admin, community.other_org_member, confirm="stranger@community.example")
    stranger_hr = Principal(0, community.org_id + 1, Role.HR, None, "")
    with pytest.raises(NotFound):
        erase(stranger_hr, member.account_id)
    with pytest.raises(Invalid, match="your own account"):
        erase(community.admin, community.admin.account_id, confirm=community.admin.email)
    with pytest.raises(Invalid, match="needs a reason"):
        erase(community.admin, member.account_id, reason="  ")
    with pytest.raises(Invalid, match="type the e-mail"):
        erase(community.admin, member.account_id, confirm="someone@else.example")
    for role in (Role.SPONSOR, Role.MEMBER, Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER):
        with pytest.raises(NotAllowed):
            erase(Principal(0, community.org_id, role, None, ""), member.account_id)
    with pytest.raises(NotAllowed, match="administrator"):
        erase(community.hr, community.admin.account_id, confirm=community.admin.email)
    assert _audit_count(community) == before
    with community.sessions() as session:
        assert session.get(Account, member.account_id) is not None
        assert session.get(Account, community.admin.account_id) is not None


def test_erasing_again_finds_no_such_account(community: Community) -> None:
    _erase(community, community.member)
    count = _audit_count(community)
    with pytest.raises(NotFound):
        _erase(community, community.member)
    assert _audit_count(community) == count


def test_an_upload_is_not_deleted_for_holding_a_display_name_that_is_an_ordinary_word(
    tmp_path: Path,
) -> None:
    """A member called "python": the word is scrubbed from text, but an event upload about a
    Python guild is not the member's, and only a file naming their e-mail is deleted."""
    from renown.privacy.files import erase_from_files
    from renown.privacy.traces import Traces
    from renown.settings import Settings

    settings = Settings(home=tmp_path / "home", secret_key="t")
    folder = settings.uploads_dir / "acme"
    folder.mkdir(parents=True)
    guild = folder / "7-guild.csv"
    guild.write_text("actor,target,timestamp,channel\nana,ben,2025-01-01T00:00:00Z,python\n")
    theirs = folder / "8-mail.csv"
    theirs.write_text("actor,target,timestamp\nquill@community.test,ben,2025-01-01T00:00:00Z\n")
    traces = Traces(
        org_id=1,
        org_slug="acme",
        person_id=None,
        account_ids=frozenset({5}),
        words=("quill@community.test", "python"),
        lookup_keys=frozenset({"quill@community.test"}),
        number=7,
        file_words=("quill@community.test",),
    )
    erase_from_files(settings, traces)
    assert guild.exists() and not theirs.exists()
